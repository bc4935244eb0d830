"""Random valid inputs for the segmentation losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, real, softmax


def _segmentation(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """dice/jaccard/tversky: probabilities (N, C, H, W) and class-index maps (N, H, W)."""
    classes, spatial = max(2, dims.c), (3, 2, *dims.extra)
    pred = softmax(real(rng, (dims.n, classes, *spatial), dims.edge), axis=1)
    return {"pred": pred, "target": rng.integers(0, classes, (dims.n, *spatial)).astype(np.int64)}


def _binary_maps(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """lovasz-hinge: logits (N, H, W) and 0/1 masks of the same shape."""
    shape = (dims.n, 3, 2, *dims.extra)
    return {"pred": real(rng, shape, dims.edge),
            "target": rng.integers(0, 2, shape).astype(np.int64)}


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "dice": _segmentation,
    "jaccard": _segmentation,
    "tversky": _segmentation,
    "generalized-dice": _segmentation,
    "dice-ce": _segmentation,
    "dice-focal": _segmentation,
    "lovasz-hinge": _binary_maps,
    "lovasz-softmax": _segmentation,
}
