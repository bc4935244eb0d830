"""Building blocks of random valid inputs (numpy only): sizes and value domains.

:mod:`losscli.tools.random_inputs` draws a loss's inputs from its declaration; a family
whose losses have constraints a shape rule cannot express declares its own generators in
its ``random_inputs`` module (``GENERATORS``: loss name -> :data:`Generator`), built from
these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dims:
    """The sizes of one generated problem."""

    n: int = 2
    c: int = 3
    extra: tuple[int, ...] = ()
    #: Put edge values in: 0, large magnitudes, probabilities of exactly 0 and 1.
    edge: bool = False


Generator = Callable[[np.random.Generator, Dims], dict[str, np.ndarray]]


def real(rng, shape, edge):
    """Normal values; on edge trials 0, ±8 and 20 mixed in."""
    values = rng.normal(0.0, 1.5, shape)
    if edge:
        spikes = rng.choice([0.0, 8.0, -8.0, 20.0], shape)
        values = np.where(rng.random(shape) < 0.4, spikes, values)
    return values


def prob(rng, shape, edge):
    """Probabilities inside (0, 1); on edge trials exactly 0, 1 and 1e-7 mixed in."""
    values = rng.uniform(0.02, 0.98, shape)
    if edge:
        values = np.where(rng.random(shape) < 0.4, rng.choice([0.0, 1.0, 1e-7], shape), values)
    return values


def nonneg(rng, shape, edge):
    """Absolute normal values; on edge trials zeros mixed in."""
    values = np.abs(rng.normal(0.0, 1.5, shape))
    return np.where(rng.random(shape) < 0.3, 0.0, values) if edge else values


#: A draw for each declared value domain.
DOMAINS: dict[str, Callable[..., np.ndarray]] = {
    "real": real,
    "prob": prob,
    "nonneg": nonneg,
    "positive": lambda rng, shape, edge: np.abs(rng.normal(0.0, 1.5, shape)) + 0.05,
    "sign": lambda rng, shape, edge: rng.choice([-1.0, 1.0], shape),
    "binary": lambda rng, shape, edge: rng.choice([0.0, 1.0], shape),
    "logprob": lambda rng, shape, edge: np.log(rng.uniform(0.05, 1.0, shape)),
}


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    return np.exp(log_softmax(x, axis))
