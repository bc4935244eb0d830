"""Random valid inputs for the image losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, real


def _images(side: int, most: int = 16) -> Generator:
    """ssim, ms-ssim, psnr, total-variation: (N, C, side, side) images and a noisy copy
    (square images large enough for the losses' default windows and scales)."""

    def draw(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
        shape = (min(dims.n, most), min(dims.c, most), side, side)
        pred = rng.uniform(0.0, 1.0, shape) if not dims.edge else real(rng, shape, True)
        return {"pred": pred, "target": pred + rng.normal(0.0, 0.1, shape)}

    return draw


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "ssim": _images(16),
    "ms-ssim": _images(176, most=1),
    "psnr": _images(4),
    "total-variation": lambda rng, dims: {"pred": _images(4)(rng, dims)["pred"]},
}
