"""Random valid inputs for the detection losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator


def _boxes(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """Matched corner boxes (x1, y1, x2, y2): targets are jittered copies of the predictions."""
    corner = rng.uniform(0.0, 10.0, (dims.n, 2))
    size = rng.uniform(0.5, 5.0, (dims.n, 2))
    pred = np.concatenate([corner, corner + size], axis=1)
    shift = rng.normal(0.0, 0.3, (dims.n, 2))
    scale = rng.uniform(0.7, 1.3, (dims.n, 2))
    target = np.concatenate([corner + shift, corner + shift + size * scale], axis=1)
    return {"pred": pred, "target": target}


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "iou": _boxes,
    "giou": _boxes,
    "diou": _boxes,
    "ciou": _boxes,
}
