"""Shape and value checks of the Lovász losses (numpy only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import shape_str


def _target_layout(pred: np.ndarray, target: np.ndarray) -> None:
    """The target has pred's shape, or pred's without a channel dimension of size 1."""
    fits = target.shape == pred.shape or (
        pred.ndim >= 2 and pred.shape[1] == 1 and target.shape == (pred.shape[0], *pred.shape[2:])
    )
    if not fits:
        raise InputError(
            f"shape {shape_str(target.shape)} does not fit --pred shape {shape_str(pred.shape)}: "
            "expected the same shape, or that shape without its channel of size 1",
            argument="--target",
        )


def lovasz_hinge(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Logits (N, *) with N >= 1 and binary masks (0/1 or --ignore-index)."""
    pred, target = arrays["pred"], arrays["target"]
    if pred.ndim < 1 or pred.size == 0:
        raise InputError(
            f"expected logits (N, *) with a sample dimension and at least one pixel, got "
            f"shape {shape_str(pred.shape)}",
            argument="--pred",
        )
    _target_layout(pred, target)
    ignore_index = params["ignore_index"]
    counted = target if ignore_index is None else target[target != ignore_index]
    bad = counted[(counted != 0) & (counted != 1)]
    if bad.size:
        extra = "" if ignore_index is None else f" or --ignore-index {ignore_index}"
        raise InputError(f"value {float(bad.flat[0]):g} is not a binary label (0 or 1{extra})",
                         argument="--target")


def lovasz_softmax(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Logits (N, C, d1, ...) with C >= 2, class indices (N, d1, ...), weight (C)."""
    pred, target = arrays["pred"], arrays["target"]
    if pred.ndim >= 2 and pred.shape[1] >= 2 and pred.size == 0:
        raise InputError(f"has no pixel (shape {shape_str(pred.shape)})", argument="--pred")
    if pred.ndim < 2 or pred.shape[1] < 2:
        raise InputError(
            "expected logits (N, C, d1, ...) with C >= 2 classes, got shape "
            f"{shape_str(pred.shape)}; for a binary mask use lovasz-hinge",
            argument="--pred",
        )
    expected = (pred.shape[0], *pred.shape[2:])
    if target.shape != expected:
        raise InputError(
            f"class indices of shape {shape_str(expected)} expected for --pred shape "
            f"{shape_str(pred.shape)}, got shape {shape_str(target.shape)}",
            argument="--target",
        )
    if target.dtype.kind == "f":
        raise InputError("class indices must be integers", argument="--target")
    ignore_index = params["ignore_index"]
    counted = target if ignore_index is None else target[target != ignore_index]
    bad = counted[(counted < 0) | (counted >= pred.shape[1])]
    if bad.size:
        raise InputError(f"class index {int(bad.flat[0])} is out of range for "
                         f"{pred.shape[1]} classes", argument="--target")
    weight = arrays.get("weight")
    if weight is not None and weight.shape != (pred.shape[1],):
        raise InputError(f"expected {pred.shape[1]} values, one per class, got shape "
                         f"{shape_str(weight.shape)}", argument="--weight")
