"""Random valid inputs for the probabilistic losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, log_softmax, real, softmax


def _distributions(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """kl-div: log-probabilities (N, C) and target distributions (some zeros on edge trials)."""
    target = softmax(real(rng, (dims.n, dims.c), False), axis=1)
    if dims.edge:
        target = np.where(rng.random(target.shape) < 0.3, 0.0, target)
        target[:, 0] += target.sum(axis=1) == 0
        target /= target.sum(axis=1, keepdims=True)
    return {"pred": log_softmax(real(rng, (dims.n, dims.c), dims.edge), axis=1),
            "target": target}


def _projection(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """linear-cross-entropy: features (N, F), a projection (C, F), class indices (N)."""
    features = dims.c + 1
    return {"pred": real(rng, (dims.n, features), dims.edge),
            "linear_weight": real(rng, (dims.c, features), False),
            "target": rng.integers(0, dims.c, dims.n).astype(np.int64)}


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "kl-div": _distributions,
    "linear-cross-entropy": _projection,
}
