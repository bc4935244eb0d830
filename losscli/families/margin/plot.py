"""Hand-chosen plot axes of the margin losses (numpy, no torch)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.plot import PlotAxis, class_zero, margin_gap, ones

#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    "squared-hinge": (
        PlotAxis(
            "margin", "margin y·x of one score with label y = 1", -2.0, 2.0,
            lambda x: {"pred": x[:, None], "target": ones(x)[:, None]},
            grad_label="∂ℓ/∂x",
        ),
    ),
    "categorical-hinge": (
        margin_gap(lambda n: np.tile(np.array([[1.0, 0.0]]), (n, 1))),
    ),
    "perceptron": (margin_gap(class_zero),),
    "multi-margin": (margin_gap(class_zero),),
    "multilabel-margin": (
        margin_gap(lambda n: np.tile(np.array([[0, -1]], dtype=np.int64), (n, 1))),
    ),
}
