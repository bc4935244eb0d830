"""Hand-chosen plot axes of the box losses (numpy, no torch)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.plot import PlotAxis, true_class


def _box_shift() -> PlotAxis:
    """A unit box slid sideways past a unit target box: the overlap, then none."""

    def build(x: np.ndarray) -> dict[str, np.ndarray]:
        zeros, ones = np.zeros_like(x), np.ones_like(x)
        return {
            "pred": np.stack([x, zeros, x + 1, ones], axis=1),
            "target": np.tile(np.array([[0.0, 0.0, 1.0, 1.0]]), (len(x), 1)),
        }

    return PlotAxis(
        "shift", "horizontal shift of a unit box from its unit target box", -3.0, 3.0, build,
        grad_label="∂ℓ/∂x1 of the predicted box", grad_pick=true_class,
        defaults={"box_format": "xyxy"},
    )


#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    "iou": (_box_shift(),),
    "giou": (_box_shift(),),
    "diou": (_box_shift(),),
    "ciou": (_box_shift(),),
}
