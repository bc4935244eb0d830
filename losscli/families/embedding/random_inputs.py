"""Random valid inputs for the embedding losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, real


def _pairs(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """cosine-embedding: pairs of (N, D) vectors and ±1 labels."""
    shape = (dims.n, dims.c)
    return {"input1": real(rng, shape, dims.edge), "input2": real(rng, shape, dims.edge),
            "target": rng.choice([-1, 1], dims.n).astype(np.int64)}


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "cosine-embedding": _pairs,
}
