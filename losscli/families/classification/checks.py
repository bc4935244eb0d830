"""Shape and range checks of the classification losses (numpy only).

Same contract as :mod:`losscli.families._shared.checks`: class scores with the classes on
dimension 1, class-index or probability targets, per-class weights, ``ignore_index``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import (
    all_ignored,
    broadcastable,
    class_dim_pred,
    class_indices,
    last_axis_indices,
    last_axis_scores,
    per_class,
    same_shape,
    shape_str,
)
from losscli.inputs import streaming


def class_index_loss(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """nll / softmax-focal: class scores and class-index targets."""
    pred, target = arrays["pred"], arrays["target"]
    classes = class_dim_pred(pred)
    ignore_index = params.get("ignore_index")
    class_indices(target, pred.shape, ignore_index)
    per_class(arrays.get("weight"), classes, "--weight", pred.shape)
    alpha = arrays.get("alpha")
    if alpha is not None and alpha.ndim:
        per_class(alpha, classes, "--alpha", pred.shape)
    if ignore_index is not None:
        all_ignored(target, ignore_index, warnings)


def _foreground_classes(classes: int, params: dict[str, Any], pred_shape) -> int:
    """The number of classes left after --no-include-background (which needs 2 or more)."""
    if params.get("include_background", True):
        return classes
    if len(pred_shape) < 2 or classes < 2:
        raise InputError(
            "--no-include-background needs class scores with at least 2 classes on dimension "
            "1, got --pred of "
            f"shape {shape_str(pred_shape)}",
            argument="--include-background",
        )
    return classes - 1


def focal(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """focal: equal shapes; per-class --weight / --alpha along dimension 1 (after background)."""
    same_shape(arrays, params, warnings)
    pred = arrays["pred"]
    if pred.ndim == 0:
        if arrays.get("weight") is not None or not params.get("include_background", True):
            raise InputError("a single score has no class dimension; pass (C) or (N, C, ...) "
                             "scores", argument="--pred")
        return
    classes = _foreground_classes(pred.shape[1 if pred.ndim > 1 else 0], params, pred.shape)
    per_class(arrays.get("weight"), classes, "--weight", pred.shape)
    alpha = arrays.get("alpha")
    if alpha is not None and alpha.ndim:
        per_class(alpha, classes, "--alpha", pred.shape)


def softmax_focal(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """softmax-focal: as nll, with --weight and --alpha of the classes left after background."""
    pred = arrays["pred"]
    classes = _foreground_classes(class_dim_pred(pred), params, pred.shape)
    class_index_loss({k: v for k, v in arrays.items() if k not in ("weight", "alpha")},
                     params, warnings)
    per_class(arrays.get("weight"), classes, "--weight", pred.shape)
    alpha = arrays.get("alpha")
    if alpha is not None and alpha.ndim:
        per_class(alpha, classes, "--alpha", pred.shape)


def cross_entropy(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Index targets as for nll; probability targets of pred's shape whose rows sum to 1."""
    pred, target = arrays["pred"], arrays["target"]
    if np.issubdtype(target.dtype, np.integer):
        class_index_loss(arrays, params, warnings)
        return
    classes = class_dim_pred(pred)
    if params.get("ignore_index", -100) != -100:
        raise InputError(
            "applies only to class-index targets, but --target holds class probabilities "
            "(floats); pass integer class indices or drop --ignore-index",
            argument="--ignore-index",
        )
    if target.shape != pred.shape:
        raise InputError(
            f"class probabilities must have the shape of --pred {shape_str(pred.shape)}, "
            f"got {shape_str(target.shape)} (for class indices pass integers)",
            argument="--target",
        )
    lo, hi = streaming.extent(target)
    if lo < 0 or hi > 1:
        raise InputError(
            "class probabilities must lie in [0, 1] (for class indices pass integers)",
            argument="--target",
        )
    per_class(arrays.get("weight"), classes, "--weight", pred.shape)
    worst = _worst_row_sum(target)
    if abs(worst - 1.0) > 1e-3:
        warnings.warn(
            f"class probabilities do not sum to 1 over the class dimension (one sums to "
            f"{worst:.6g}); normalise them, or pass integer class indices",
            argument="--target",
        )


def _worst_row_sum(target: np.ndarray) -> float:
    """The sum over the class dimension (1, or 0 for 1-D) farthest from 1, blockwise."""
    if target.ndim == 1:
        return sum(float(block.sum(dtype=np.float64)) for block in streaming.blocks(target))

    def farthest(block: np.ndarray) -> float:
        sums = streaming.along(np.add, block, 1)
        return float(sums.flat[np.argmax(np.abs(sums - 1.0))]) if sums.size else 1.0

    worst = 1.0
    for far in streaming.map_blocks(farthest, target, label="checking --target"):
        worst = far if abs(far - 1.0) > abs(worst - 1.0) else worst
    return worst


def bce(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """bce / bce-with-logits: equal shapes; weights broadcast to pred."""
    same_shape(arrays, params, warnings)
    shape = arrays["pred"].shape
    if arrays.get("weight") is not None:
        broadcastable(arrays["weight"], shape, "--weight", "pred shape")
    pos_weight = arrays.get("pos_weight")
    if pos_weight is not None:
        broadcastable(pos_weight, shape, "--pos-weight", "pred shape")


def smp_soft_bce(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """bce-with-logits under --convention smp: as :func:`bce`; a target is in [0, 1] or is
    --ignore-index (SoftBCEWithLogitsLoss masks those)."""
    bce(arrays, params, warnings)
    target, ignore_index = arrays["target"], params["ignore_index"]
    bad = ~(((target >= 0) & (target <= 1)) | (target == ignore_index))
    if bad.any():
        raise InputError(
            f"value {float(target[bad].flat[0]):g} is neither a probability in [0, 1] nor "
            f"--ignore-index ({ignore_index})",
            argument="--target",
        )


def bce_probabilities(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """bce: as :func:`bce`, and NaN is no probability (torch.nn.BCELoss refuses it)."""
    bce(arrays, params, warnings)
    for name in ("pred", "target"):
        if np.isnan(streaming.extent(arrays[name])).any():
            raise InputError(
                "NaN is not a probability in [0, 1], and BCELoss refuses it; drop or replace "
                "the NaN values",
                argument="--" + name,
            )


def _last_axis_indices(pred: np.ndarray, target: np.ndarray) -> None:
    """Classes on pred's last dimension; class indices of pred's shape without it."""
    last_axis_scores(pred, "class scores")
    if np.issubdtype(target.dtype, np.integer):
        last_axis_indices(pred, target)


def last_axis_probabilities(arrays: dict[str, np.ndarray], params: dict[str, Any],
                            warnings) -> None:
    """generalized-cross-entropy: probabilities, classes last, class-index targets."""
    pred = arrays["pred"]
    _last_axis_indices(pred, arrays["target"])
    sums = pred.sum(axis=-1)
    if pred.size and not np.allclose(sums, 1.0, atol=1e-3):
        worst = float(sums.flat[np.argmax(np.abs(sums - 1.0))])
        warnings.warn(
            f"rows do not sum to 1 over the last dimension (one sums to {worst:.6g}); "
            "this loss expects probabilities, e.g. a softmax output",
            argument="--pred",
        )


def last_axis_labels(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Classes last: index targets of pred's shape less its last dimension, or probabilities."""
    pred, target = arrays["pred"], arrays["target"]
    _last_axis_indices(pred, target)
    if np.issubdtype(target.dtype, np.integer):
        return
    if target.shape != pred.shape:
        raise InputError(
            f"class probabilities must have the shape of --pred {shape_str(pred.shape)}, "
            f"got {shape_str(target.shape)} (for class indices pass integers)",
            argument="--target",
        )
    sums = target.sum(axis=-1)
    if target.size and not np.allclose(sums, 1.0, atol=1e-3):
        worst = float(sums.flat[np.argmax(np.abs(sums - 1.0))])
        warnings.warn(
            f"class probabilities do not sum to 1 over the last dimension (one sums to "
            f"{worst:.6g}); the loss uses them as given",
            argument="--target",
        )


def sparsemax(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """0/1 labels of pred's shape (binary), else class indices with the classes last."""
    pred, target = arrays["pred"], arrays["target"]
    if target.shape == pred.shape:
        bad = target[(target != 0) & (target != 1)]
        if bad.size:
            raise InputError(
                f"binary labels (the shape of --pred) must be 0 or 1, got {bad.flat[0]:g} "
                "(for class indices, give --pred's shape without its last dimension)",
                argument="--target",
            )
        return
    if not np.issubdtype(target.dtype, np.integer):
        raise InputError(
            f"expected 0/1 labels of --pred's shape {shape_str(pred.shape)}, or integer "
            f"class indices of shape {shape_str(pred.shape[:-1])}, got floats of shape "
            f"{shape_str(target.shape)}",
            argument="--target",
        )
    _last_axis_indices(pred, target)
