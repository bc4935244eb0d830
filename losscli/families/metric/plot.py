"""Hand-chosen plot axes of the metric-learning losses (numpy, no torch).

The pair losses (ntxent, supcon, contrastive, circle) have none: their terms couple every
row of a batch, so no batch gives one term per plotted value. The margin softmax losses are
drawn against the angle between an embedding and its class centre (the other class at
180°), ranking-softmax against the score gap of the relevant item.
"""

from __future__ import annotations

import numpy as np

from losscli.families._shared.plot import PlotAxis


def _at_angle(degrees: np.ndarray) -> dict[str, np.ndarray]:
    """Unit embeddings at θ from class 0 (centre at 0°); class 1's centre at 180°."""
    theta = np.radians(degrees)
    return {"embeddings": np.stack([np.cos(theta), np.sin(theta)], axis=1),
            "centers": np.array([[1.0, 0.0], [-1.0, 0.0]]),
            "labels": np.zeros(len(degrees), dtype=np.int64)}


def _angle(**defaults) -> PlotAxis:
    return PlotAxis(
        "theta", "θ, the angle in degrees between the embedding and its class centre "
        "(the other class at 180°)", 0.0, 180.0, _at_angle, wrt="embeddings",
        grad_label="∂ℓ/∂e₂, the embedding e = (cos θ, sin θ)", grad_pick=lambda g: g[:, 1],
        defaults=defaults, bounds=(-360.0, 360.0),
    )


#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    "arcface": (_angle(scale=16.0),),
    "cosface": (_angle(scale=16.0),),
    "ranking-softmax": (
        PlotAxis(
            "gap", "score gap s₁ − s₂ of the relevant item over an irrelevant one", -4.0, 4.0,
            lambda x: {"pred": np.stack([x, np.zeros_like(x)], axis=1),
                       "target": np.tile(np.array([[1.0, 0.0]]), (len(x), 1))},
            grad_label="∂ℓ/∂s₁", grad_pick=lambda g: g[:, 0],
        ),
    ),
}
