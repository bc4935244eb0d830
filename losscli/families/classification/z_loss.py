"""PaLM's auxiliary z-loss on cross-entropy (``--z-loss``): the declaration and its limits.

z·(log Z)² per token, log Z = log Σ_c exp x_c (Chowdhery et al., PaLM, 2022: z = 1e-4;
t5x losses.py cross_entropy_with_logits, commit 08058ed5). It pulls log Z towards 0 and so
keeps the softmax normaliser from drifting; with it the gradient of a term with respect to
the logits is (1 + 2z·log Z)·softmax(x) − q. No torch here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from losscli.core.errors import InputError
from losscli.core.spec import ParamSpec
from losscli.core.terms import Terms

#: The detail (a table column) holding each term's z·(log Z)².
Z_TERM = "z·(log Z)²"

Z_LOSS = ParamSpec(
    "z_loss",
    "float",
    0.0,
    "z >= 0: adds z·(log Σ_c exp x_c)² per term (PaLM's auxiliary z-loss, 1e-4 there; "
    "t5x's z_loss); 0 leaves it out",
    minimum=0.0,
)


def with_z_loss(terms: Terms, z_loss: float, where: Callable[..., Any]) -> Terms:
    """ℓᵢ + z·(log Zᵢ)² from the terms' "log Σexp" detail, times w[yᵢ] and 0 where ignored
    (index targets); shown as its own detail. ``where`` is np.where or torch.where."""
    if not z_loss:
        return terms
    z_term = z_loss * terms.details["log Σexp"] ** 2
    if terms.weights is not None:
        z_term = where(terms.ignored, 0.0, z_term * terms.weights)
    terms.values = terms.values + z_term
    terms.details[Z_TERM] = z_term
    return terms


def without_z_loss(library: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For a library's cross-entropy that has no z-loss: refuse a nonzero ``--z-loss``."""

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def call(*, z_loss: float = 0.0, **kwargs: Any) -> Any:
            if z_loss:
                raise InputError(f"{library} has no z-loss term; drop --z-loss or the "
                                 "--convention", argument="--z-loss")
            return function(**kwargs)

        return call

    return wrap
