"""Random valid inputs for the margin losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, real


def _multilabel_targets(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """Scores (N, C) and label lists: distinct labels, then -1, then anything (ignored)."""
    target = rng.integers(-1, dims.c, (dims.n, dims.c))
    for row in target:
        count = int(rng.integers(0, dims.c + 1))
        row[:count] = rng.permutation(dims.c)[:count]
        if count < dims.c:
            row[count] = -1
    return {"pred": real(rng, (dims.n, dims.c), dims.edge), "target": target.astype(np.int64)}


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "multilabel-margin": _multilabel_targets,
}
