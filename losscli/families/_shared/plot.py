"""Plot axes: how a loss's inputs are built from one varying quantity (numpy, no torch).

A :class:`PlotAxis` names the quantity on the x axis (``p_t``, ``error``, ``logit``...),
its default range, and how a vector of its values becomes the loss's inputs: one term
per value, computed with ``reduction="none"``. ``--grad`` shows the derivative of each
term with respect to the input ``wrt`` (picked by ``grad_pick`` when that input has a
class dimension).

A family with hand-chosen axes declares them in its ``plot`` module as
``AXES: dict[str, tuple[PlotAxis, ...]]`` (loss name -> axes, the first the default
``--x``); :mod:`losscli.tools.plot.axes` collects them. The builders here are the axes
several families use, and the ones inferred for a loss without hand-chosen axes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.errors import InputError

Builder = Callable[[np.ndarray], dict[str, np.ndarray]]


@dataclass(frozen=True)
class PlotAxis:
    name: str
    label: str
    lo: float
    hi: float
    build: Builder
    wrt: str = "pred"
    grad_label: str = "∂ℓ/∂pred"
    grad_pick: Callable[[np.ndarray], np.ndarray] = lambda g: g.reshape(-1)
    #: Parameter values used unless the user sets them (shown in the plot's title).
    defaults: dict[str, Any] = field(default_factory=dict)
    #: The open interval the quantity lies in (a probability: (0, 1)).
    bounds: tuple[float, float] = (-math.inf, math.inf)

    def check_range(self, lo: float, hi: float) -> None:
        """``--range LO,HI``: finite, LO < HI, inside :attr:`bounds`; an InputError if not."""
        low, high = self.bounds
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            problem = "expected two finite numbers LO < HI"
        elif not math.isfinite(hi - lo):
            problem = "the range is wider than float64 can span"
        elif not low < lo < hi < high:
            problem = f"{self.name} lies in ({low:g}, {high:g})"
        else:
            return
        raise InputError(f"{problem}, got {lo:g},{hi:g}", argument="--range")


#: The x label of an axis of the true class's probability.
P_T = "p_t, the predicted probability of the true class"
#: The bounds of a probability axis.
PROBABILITY = (0.0, 1.0)

_GRAD_LOGIT = "∂ℓ/∂x, x the logit"


def logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 − p)), the logit whose sigmoid is p."""
    return np.log(p) - np.log1p(-p)


def ones(x: np.ndarray) -> np.ndarray:
    return np.ones_like(x)


def true_class(g: np.ndarray) -> np.ndarray:
    """Column 0 of a two-class gradient: the true class of the built inputs."""
    return g[:, 0]


def binary_p_t(**defaults: Any) -> PlotAxis:
    """Sigmoid losses on logits: a positive example whose σ(x) is p_t."""
    return PlotAxis(
        "p_t", P_T, 0.01, 0.99,
        lambda x: {"pred": logit(x), "target": ones(x)},
        grad_label=_GRAD_LOGIT,
        defaults=defaults,
        bounds=PROBABILITY,
    )


def binary_logit() -> PlotAxis:
    return PlotAxis(
        "logit", "logit x of a positive example (target 1)", -5.0, 5.0,
        lambda x: {"pred": x, "target": ones(x)},
        grad_label=_GRAD_LOGIT,
    )


def error() -> PlotAxis:
    """Regression losses: the prediction x against a target 0."""
    return PlotAxis(
        "error", "error x − y", -3.0, 3.0,
        lambda x: {"pred": x, "target": np.zeros_like(x)},
        grad_label="∂ℓ/∂x",
    )


def prob_axis(name: str = "p") -> PlotAxis:
    """Losses on probabilities: a positive example predicted with probability p."""
    return PlotAxis(
        name, "predicted probability p of a positive example (target 1)", 0.01, 0.99,
        lambda x: {"pred": x, "target": ones(x)},
        grad_label="∂ℓ/∂p",
        bounds=PROBABILITY,
    )


def margin_gap(target: Callable[[int], np.ndarray]) -> PlotAxis:
    """Two class scores [x, 0] with the true class 0 (``target(n)`` in the loss's form)."""
    return PlotAxis(
        "gap", "score gap x_y − x_other (two classes)", -2.0, 3.0,
        lambda x: {"pred": np.stack([x, np.zeros_like(x)], axis=1), "target": target(len(x))},
        grad_label="∂ℓ/∂x_y",
        grad_pick=true_class,
    )


def class_zero(n: int) -> np.ndarray:
    """n class indices, all 0 (the true class of the two-class axes)."""
    return np.zeros(n, dtype=np.int64)
