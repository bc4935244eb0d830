"""Hand-chosen plot axes of the regression losses (numpy, no torch)."""

from __future__ import annotations

from losscli.families._shared.plot import PlotAxis, error, ones


def _relative_error() -> PlotAxis:
    """mape: the prediction 1 + x against a target 1, so the percentage is 100·|x|."""
    return PlotAxis(
        "error", "error x − y at target y = 1", -3.0, 3.0,
        lambda x: {"pred": 1 + x, "target": ones(x)},
        grad_label="∂ℓ/∂x",
    )


#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    "l1": (error(),),
    "mse": (error(),),
    "smooth-l1": (error(),),
    "huber": (error(),),
    "mape": (_relative_error(),),
    "msle": (PlotAxis("pred", "prediction x at target y = 1", 0.0, 5.0,
                      lambda x: {"pred": x, "target": ones(x)}, grad_label="∂ℓ/∂x"),),
}
