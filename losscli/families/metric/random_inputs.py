"""Random valid inputs for the metric losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, real


def _labelled_batch(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """ntxent/supcon/contrastive: embeddings (N, D) and labels drawn from about N/2 classes,
    so that most batches hold positive pairs (labels from C classes rarely repeat)."""
    return {"embeddings": real(rng, (dims.n, dims.c + 1), dims.edge),
            "labels": rng.integers(0, max(1, (dims.n + 1) // 2), dims.n).astype(np.int64)}


def _unit_batch(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """circle: as :func:`_labelled_batch`, with L2-normalised rows (as the loss expects)."""
    batch = _labelled_batch(rng, dims)
    rows = rng.normal(0.0, 1.0, batch["embeddings"].shape)
    batch["embeddings"] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return batch


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "ntxent": _labelled_batch,
    "supcon": _labelled_batch,
    "contrastive": _labelled_batch,
    "circle": _unit_batch,
}
