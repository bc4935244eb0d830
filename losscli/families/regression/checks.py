"""Checks of the regression losses (numpy only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import broadcastable
from losscli.families._shared.checks import same_shape as same_shape


def nonzero_target(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """mape: the shapes must match; a target below ε = 1e-7 in size is valid but warned of."""
    same_shape(arrays, params, warnings)
    small = int(np.count_nonzero(np.abs(arrays["target"]) < 1e-7))
    if small:
        warnings.warn(f"{small} target value(s) have |y| < 1e-7: mape divides by 1e-7 there, "
                      "so those terms are huge", argument="--target")


def clipped_to_eps(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """msle: the shapes must match; negative values are valid (clipped to 1e-7) but warned of."""
    same_shape(arrays, params, warnings)
    for name, option in (("pred", "--pred"), ("target", "--target")):
        negative = int(np.count_nonzero(arrays[name] < 0))
        if negative:
            warnings.warn(f"{negative} negative value(s) clipped to 1e-7 before the logarithm "
                          "(as Keras does)", argument=option)


def quantile_levels(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """quantile: equal shapes; a TENSOR --tau broadcasts to them and lies in [0, 1]."""
    same_shape(arrays, params, warnings)
    tau = arrays.get("tau")
    if tau is None:
        return
    broadcastable(tau, arrays["pred"].shape, "--tau", "the --pred shape")
    if not bool(np.all((tau >= 0) & (tau <= 1))):
        raise InputError("every quantile must lie in [0, 1]", argument="--tau")
