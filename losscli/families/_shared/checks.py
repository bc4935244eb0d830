"""Shape and range checks more than one family uses, run before any loss code.

Each loss's ``check`` (named in its spec) takes ``(arrays, params, warnings)``:
``arrays`` maps input and tensor-parameter names to numpy arrays, ``params`` holds
the effective scalar parameters, ``warnings`` is a :class:`losscli.engine.validate.Warnings`.
Messages name the argument and both shapes. numpy only: no torch here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.inputs import streaming


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


def last_axis_scores(pred: np.ndarray, what: str = "scores") -> int:
    """The number of classes C of scores with the classes last: (C), (N, C), (N, ..., C)."""
    if pred.ndim == 0 or pred.shape[-1] == 0:
        raise InputError(
            f"expected {what} with the classes on the last dimension, (C), (N, C) or "
            f"(N, ..., C) with C >= 1, got shape {shape_str(pred.shape)}",
            argument="--pred",
        )
    return pred.shape[-1]


def last_axis_indices(pred: np.ndarray, target: np.ndarray) -> None:
    """Class indices for classes-last scores: pred's shape without its last dimension,
    each in [0, C)."""
    if target.shape != pred.shape[:-1]:
        raise InputError(
            f"class indices of shape {shape_str(pred.shape[:-1])} expected for --pred of "
            f"shape {shape_str(pred.shape)} (classes last), got shape "
            f"{shape_str(target.shape)}",
            argument="--target",
        )
    in_range(target, pred.shape[-1])


def in_range(target: np.ndarray, classes: int) -> None:
    """Every class index in [0, classes)."""
    bad = target[(target < 0) | (target >= classes)]
    if bad.size:
        raise InputError(
            f"class index {int(bad.flat[0])} is out of range for {classes} classes",
            argument="--target",
        )


def all_ignored(target: np.ndarray, ignore_index: int, warnings) -> None:
    """Warn when every target equals ignore_index: the mean is then 0/0 = NaN."""
    if target.size and not streaming.count(target, lambda t: t != ignore_index):
        warnings.warn(
            f"every target equals ignore_index {ignore_index}, so no term is counted and "
            "the mean is NaN; check --ignore-index or use --reduction sum",
            argument="--target",
        )


Arrays = dict[str, np.ndarray]


def ndim_in(array: np.ndarray, allowed: tuple[int, ...], argument: str, what: str) -> None:
    if array.ndim not in allowed:
        raise InputError(f"expected {what}, got shape {shape_str(array.shape)}", argument=argument)


def equal_shapes(arrays: Arrays, names: tuple[str, ...]) -> None:
    """Every named input has the shape of the first one."""
    first = arrays[names[0]]
    for name in names[1:]:
        if arrays[name].shape != first.shape:
            raise InputError(
                f"shape {shape_str(arrays[name].shape)} does not match --"
                f"{names[0].replace('_', '-')} shape {shape_str(first.shape)}; they must be equal",
                argument="--" + name.replace("_", "-"),
            )


def warn_not_sign(target: np.ndarray, warnings, loss: str) -> None:
    """The formula is written for y ∈ {−1, 1}; other values are computed but rarely meant."""
    finite = target[np.isfinite(target)] if target.dtype.kind == "f" else target
    other = finite[(finite != 1) & (finite != -1)]
    if other.size:
        hint = " (0/1 labels: write the negative class as -1)" if np.all(
            np.isin(finite, (0, 1))
        ) else ""
        warnings.warn(
            f"{loss} expects labels 1 or -1, but {other.size} value(s) are neither "
            f"(e.g. {float(other.flat[0]):g}){hint}",
            argument="--target",
        )
