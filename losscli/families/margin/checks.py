"""Shape and label checks of the margin and ranking losses (numpy only).

Same contract as :mod:`losscli.families._shared.checks`: each check takes ``(arrays, params,
warnings)``, raises :class:`~losscli.core.errors.InputError` naming the argument, and warns
about valid but suspicious inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import (
    Arrays,
    broadcastable,
    class_dim_pred,
    class_indices,
    equal_shapes,
    last_axis_indices,
    last_axis_scores,
    per_class,
    same_shape,
    shape_str,
    warn_not_sign,
)


def multi_margin(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """(C) or (N, C) scores with class-index targets."""
    pred = arrays["pred"]
    if pred.ndim not in (1, 2):
        raise InputError(
            f"expected scores of shape (C) or (N, C), got shape {shape_str(pred.shape)}",
            argument="--pred",
        )
    classes = class_dim_pred(pred)
    class_indices(arrays["target"], pred.shape, None)
    per_class(arrays.get("weight"), classes, "--weight", pred.shape)


def multilabel_margin(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Targets: label indices in [0, C) padded with -1, the shape of pred."""
    pred, target = arrays["pred"], arrays["target"]
    if pred.ndim not in (1, 2):
        raise InputError(
            f"expected scores of shape (C) or (N, C), got shape {shape_str(pred.shape)}",
            argument="--pred",
        )
    same_shape(arrays, params, warnings)
    classes = pred.shape[-1]
    if classes == 0:  # torch.nn.MultiLabelMarginLoss needs a class (a batch may be empty)
        raise InputError(
            f"expected at least one class (scores of shape (C) or (N, C), C ≥ 1), got shape "
            f"{shape_str(pred.shape)}",
            argument="--pred",
        )
    bad = target[(target < -1) | (target >= classes)]
    if bad.size:
        raise InputError(
            f"label index {int(bad.flat[0])} is out of range for {classes} classes "
            "(use -1 to end the list of labels)",
            argument="--target",
        )


def soft_margin(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """pred and ±1 target of the same shape."""
    same_shape(arrays, params, warnings)
    warn_not_sign(arrays["target"], warnings, "soft-margin")


def multilabel_soft_margin(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(C) or (N, C, ...) scores, 0/1 targets of the same shape, weights broadcast to pred."""
    pred = arrays["pred"]
    if pred.ndim == 0:
        raise InputError(
            "expected class scores with the classes on the last dimension, (C) or (N, C), "
            "got a scalar",
            argument="--pred",
        )
    same_shape(arrays, params, warnings)
    if arrays.get("weight") is not None:
        broadcastable(arrays["weight"], pred.shape, "--weight", "pred shape")


def margin_ranking(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """input1, input2 and target of one shape; target ±1."""
    equal_shapes(arrays, ("input1", "input2", "target"))
    warn_not_sign(arrays["target"], warnings, "margin-ranking")


def squared_hinge(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Scores with classes last, labels ±1 (or all 0/1) of the same shape."""
    last_axis_scores(arrays["pred"])
    same_shape(arrays, params, warnings)
    target = arrays["target"]
    if not np.all((target == 0) | (target == 1)):
        warn_not_sign(target, warnings, "squared-hinge")


def categorical_hinge(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Scores with classes last and one-hot targets of the same shape."""
    last_axis_scores(arrays["pred"])
    same_shape(arrays, params, warnings)
    target = arrays["target"]
    if not np.all(((target == 0) | (target == 1)).all(axis=-1) & (target.sum(axis=-1) == 1)):
        warnings.warn(
            "categorical-hinge expects one-hot rows (a single 1, zeros elsewhere); other "
            "targets are computed as given",
            argument="--target",
        )


def last_axis_index(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Scores with classes last; class indices of pred's shape without its last dimension."""
    last_axis_scores(arrays["pred"])
    last_axis_indices(arrays["pred"], arrays["target"])
