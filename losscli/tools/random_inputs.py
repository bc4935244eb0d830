"""Random valid inputs for a loss, generated from its declaration (numpy only).

Each input's values follow its declared domain (``real``, ``prob``, ``logprob``,
``nonneg``, ``positive``, ``sign``, ``binary``) and dtype kind; its shape follows
its shape rule:

- class scores ``(C) | (N, C) | ...``      -> (N, C)
- class indices ``() | (N) | ...``          -> (N), integers in [0, C)
- ``(*)``                                   -> (N, *extra)
- ``..., as pred`` / ``as pred``            -> the shape of the first input
- anything else, e.g. ``(N, 4)``            -> its symbols read as N, C or numbers

Losses whose inputs carry constraints a rule cannot express (label lists padded with
-1, boxes whose corners are ordered, distributions, segmentation maps, CTC label
sequences and lengths, labelled embedding batches, images) have a generator in their
family's ``random_inputs`` module (:func:`family_generators`). Every
generated problem is checked with :func:`losscli.engine.validate.prepare`; a draw the
loss's own checks reject is drawn again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from losscli.core.errors import LossCliError
from losscli.core.spec import InputSpec, LossSpec
from losscli.families._shared.checks import shape_str
from losscli.families._shared.random_inputs import (
    DOMAINS,
    Dims,
    Generator,
    log_softmax,
    real,
)
from losscli.families.registry import collected

#: Shapes of the trials, smallest first; an edge-value trial comes after the plain ones.
SCHEDULE = (
    Dims(1, 2),
    Dims(2, 3),
    Dims(3, 4, (2,)),
    Dims(4, 5),
    Dims(4, 3, edge=True),
    Dims(8, 3, (3,)),
    Dims(5, 7),
    Dims(16, 4, edge=True),
)


def _role(i: InputSpec) -> str:
    shape = i.shape.replace(" ", "")
    if i.kind != "index" and ("(C)" in shape or "(N,C" in shape):
        return "class_scores"
    if i.kind in ("index", "float_or_index") and "(N)" in shape:
        return "class_index"
    if "as" in i.shape.split():
        return "as_first"
    if shape.startswith("(*)"):
        return "elementwise"
    return "symbols"


def _symbol_shape(text: str, dims: Dims) -> tuple[int, ...]:
    group = re.search(r"\(([^)]*)\)", text)
    out: list[int] = []
    for token in (group.group(1).split(",") if group else []):
        token = token.strip()
        if token.isdigit():
            out.append(int(token))
        elif token == "*":
            out.extend(dims.extra)
        elif token == "C":
            out.append(dims.c)
        elif token and token != "...":
            out.append(dims.n)
    return tuple(out)


def _input_values(i: InputSpec, rng, dims: Dims, first: np.ndarray | None) -> np.ndarray:
    role = _role(i)
    if role == "class_index":
        return rng.integers(0, dims.c, dims.n).astype(np.int64)
    if role == "class_scores":
        shape: tuple[int, ...] = (dims.n, dims.c)
    elif role == "as_first" and first is not None:
        shape = first.shape
    elif role == "elementwise" or (role == "as_first" and first is None):
        shape = (dims.n, *dims.extra)
    else:
        shape = _symbol_shape(i.shape, dims)
    if i.kind == "index":
        return rng.integers(0, dims.c, shape).astype(np.int64)
    if i.domain == "logprob" and role == "class_scores":
        return log_softmax(real(rng, shape, False), axis=1)
    domain = i.domain
    if i.name == "target" and domain == "prob" and not dims.edge:
        domain = "binary"  # binary targets, soft ones only in the edge-value trials
    return DOMAINS.get(domain, real)(rng, shape, dims.edge)


@cache
def family_generators() -> dict[str, Generator]:
    """Every family's ``random_inputs.GENERATORS`` (loss name -> generator)."""
    return collected("random_inputs", "GENERATORS")


def generate(spec: LossSpec, rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """One draw of the loss's required inputs (not yet validated)."""
    override = family_generators().get(spec.name)
    if override is not None:
        return override(rng, dims)
    values: dict[str, np.ndarray] = {}
    first = None
    for i in spec.inputs:
        if not i.required:
            continue
        values[i.name] = _input_values(i, rng, dims, first)
        if first is None:
            first = values[i.name]
    return values


@dataclass
class Problem:
    """A generated, validated set of inputs, with a label for tables."""

    values: dict[str, np.ndarray]
    edge: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        shapes = " ".join(shape_str(v.shape) for v in self.values.values())
        return shapes + (" edge" if self.edge else "")


def valid(spec: LossSpec, values: dict[str, Any], params: dict[str, Any] | None = None) -> bool:
    """Whether the loss's checks accept ``values`` (with ``params``)."""
    from losscli.engine.validate import prepare

    try:
        prepare(spec, {**(params or {}), **values})
    except LossCliError:
        return False
    return True


def problems(
    spec: LossSpec,
    *,
    seed: int = 0,
    count: int = 8,
    params: dict[str, Any] | None = None,
    attempts: int = 20,
) -> list[Problem]:
    """``count`` validated random problems of growing size (fewer if draws keep failing)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        dims = SCHEDULE[k] if k < len(SCHEDULE) else Dims(
            int(rng.integers(1, 12)), int(rng.integers(2, 8)), edge=bool(k % 3 == 0)
        )
        for _ in range(attempts):
            values = generate(spec, rng, dims)
            if valid(spec, values, params):
                out.append(Problem(values, dims.edge))
                break
    return out


def example_values(spec: LossSpec, seed: int = 0) -> dict[str, Any] | None:
    """Small example inputs as nested lists (2 decimals), or None if none is valid."""
    rng = np.random.default_rng(seed)
    for _ in range(20):
        values = {
            k: np.round(v, 2) if v.dtype.kind == "f" else v
            for k, v in generate(spec, rng, Dims(2, 3)).items()
        }
        if valid(spec, values):
            return {k: v.tolist() for k, v in values.items()}
    return None
