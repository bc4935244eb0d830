"""Shape and range checks on the numpy inputs, before any loss code runs.

Each loss's ``check`` (named in its spec) takes ``(arrays, params, warnings)``:
``arrays`` maps input and tensor-parameter names to numpy arrays, ``params`` holds
the effective scalar parameters, ``warnings`` is a :class:`losscli.validate.Warnings`.
Messages name the argument and both shapes. numpy only: no torch here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli import streaming
from losscli.errors import InputError


def shape_str(shape: tuple[int, ...]) -> str:
    """``(2, 3)``; ``(3,)`` prints as ``(3)`` and a scalar as ``()``."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def same_shape(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """--target must have exactly the shape of --pred (no silent broadcasting)."""
    pred, target = arrays["pred"], arrays["target"]
    if pred.shape != target.shape:
        raise InputError(
            f"shape {shape_str(target.shape)} does not match --pred shape "
            f"{shape_str(pred.shape)}; they must be equal",
            argument="--target",
        )


def broadcastable(array: np.ndarray, to: tuple[int, ...], argument: str, what: str) -> None:
    """``array`` must broadcast to the shape ``to`` without growing it."""
    try:
        ok = np.broadcast_shapes(array.shape, to) == tuple(to)
    except ValueError:
        ok = False
    if not ok:
        raise InputError(
            f"shape {shape_str(array.shape)} does not broadcast to {what} "
            f"{shape_str(tuple(to))}",
            argument=argument,
        )


def per_class(array: np.ndarray | None, classes: int, argument: str, pred_shape) -> None:
    """A per-class tensor parameter must have shape (C)."""
    if array is not None and array.shape != (classes,):
        raise InputError(
            f"expected {classes} values, one per class (shape ({classes})), got shape "
            f"{shape_str(array.shape)} (pred has shape {shape_str(pred_shape)})",
            argument=argument,
        )


def class_dim_pred(pred: np.ndarray, argument: str = "--pred") -> int:
    """Number of classes C of a (C), (N, C) or (N, C, d1, ...) input."""
    if pred.ndim == 0 or pred.size == 0 and pred.ndim == 1:
        raise InputError(
            "expected class scores of shape (C), (N, C) or (N, C, d1, ...), got shape "
            f"{shape_str(pred.shape)}",
            argument=argument,
        )
    return pred.shape[0] if pred.ndim == 1 else pred.shape[1]


def index_target_shape(pred_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of class-index targets for a pred with class dimension 1 (or 0 if 1-D)."""
    return () if len(pred_shape) == 1 else (pred_shape[0], *pred_shape[2:])


def class_indices(
    target: np.ndarray,
    pred_shape: tuple[int, ...],
    ignore_index: int | None,
    argument: str = "--target",
) -> None:
    """Shape and range of class-index targets for a (C)/(N, C)/(N, C, d...) pred."""
    expected = index_target_shape(pred_shape)
    if target.shape != expected:
        raise InputError(
            f"class indices of shape {shape_str(expected)} expected for pred of shape "
            f"{shape_str(pred_shape)}, got shape {shape_str(target.shape)}",
            argument=argument,
        )
    classes = pred_shape[0] if len(pred_shape) == 1 else pred_shape[1]

    def out_of_range(t: np.ndarray) -> np.ndarray:
        outside = (t < 0) | (t >= classes)
        return outside if ignore_index is None else outside & (t != ignore_index)

    bad = streaming.first(target, out_of_range)
    if bad is not None:
        raise InputError(
            f"class index {int(bad)} is out of range for {classes} classes "
            f"(pred has shape {shape_str(pred_shape)})",
            argument=argument,
        )


def all_ignored(target: np.ndarray, ignore_index: int, warnings) -> None:
    """Warn when every target equals ignore_index: the mean is then 0/0 = NaN."""
    if target.size and not streaming.count(target, lambda t: t != ignore_index):
        warnings.warn(
            f"every target equals ignore_index {ignore_index}, so no term is counted and "
            "the mean is NaN; check --ignore-index or use --reduction sum",
            argument="--target",
        )


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
