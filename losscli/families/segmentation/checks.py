"""Checks for the segmentation losses (dice, jaccard, tversky), numpy only.

``--pred`` is (N, C, d1, ...). ``--target`` is either
- class indices, (N, d1, ...) or (N, 1, d1, ...), integers in [0, C) (or ignore_index);
  with one channel (C = 1) a binary mask in [0, 1] of either shape, or
- one-hot (or class probabilities) in [0, 1], the shape of ``--pred`` (C > 1); there
  ``--ignore-index`` names a class whose pixels are dropped (or, if it is no class, the
  pixels with an all-zero row), as MONAI does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import all_ignored, shape_str


def segmentation(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """dice / jaccard / tversky: shapes, target values, and the activation's plausibility."""
    pred, target = arrays["pred"], arrays["target"]
    if pred.ndim < 2:
        raise InputError(
            "expected (N, C, d1, ...) or (N, C): a batch of N samples, C classes, then the "
            f"spatial dimensions, got shape {shape_str(pred.shape)}; one binary mask of shape "
            "(H, W) is [[mask]] (N = C = 1)",
            argument="--pred",
        )
    classes = pred.shape[1]
    _monai_options(arrays.get("weight"), pred, params, warnings)
    ignore_index = params.get("ignore_index")
    if classes > 1 and target.shape == pred.shape:
        _unit_interval(target, "one-hot targets (the shape of --pred)")
    else:
        _label_target(target, pred.shape, ignore_index, warnings)
    if params.get("other_act", "none") == "none":
        _activation(pred, params["from_logits"], warnings)
    if not params["include_background"] and classes == 1:
        warnings.warn(
            "--no-include-background is ignored for a single-channel prediction (as in MONAI)",
            argument="--pred",
        )
    if params["smooth_dr"] == 0:
        _warn_empty_denominator(pred, target, params, warnings)


def _monai_options(weight, pred, params, warnings) -> None:
    """--other-act excludes --from-logits; --weight holds one weight ≥ 0 per class left."""
    if params.get("other_act", "none") != "none" and params["from_logits"] != "none":
        raise InputError(
            f"--other-act {params['other_act']} and --from-logits {params['from_logits']} "
            "are two activations; MONAI allows one of sigmoid, softmax, other_act",
            argument="--other-act",
        )
    if weight is None:
        return
    classes = pred.shape[1]
    left = classes - (not params["include_background"] and classes > 1)
    if left == 1 and weight.ndim <= 1:
        warnings.warn("class weights are ignored with a single class left (as in MONAI)",
                      argument="--weight")
        return
    if weight.ndim > 1 or (weight.ndim == 1 and weight.shape[0] != left):
        after = " after --no-include-background" if left < classes else ""
        raise InputError(
            f"expected one number or {left} class weight(s) (the classes{after}), got shape "
            f"{shape_str(weight.shape)}",
            argument="--weight",
        )
    if (weight < 0).any():
        raise InputError(f"class weights must be >= 0, got {float(weight.min()):g}",
                         argument="--weight")


def _label_target(target, pred_shape, ignore_index, warnings) -> None:
    n, classes, spatial = pred_shape[0], pred_shape[1], pred_shape[2:]
    layouts = [(n, *spatial), (n, 1, *spatial)]
    if target.shape not in layouts:
        one_hot = f", or one-hot targets of shape {shape_str(pred_shape)}" if classes > 1 else ""
        raise InputError(
            f"shape {shape_str(target.shape)} does not fit --pred shape "
            f"{shape_str(pred_shape)}: expected class indices of shape "
            f"{shape_str(layouts[0])} or {shape_str(layouts[1])}{one_hot}",
            argument="--target",
        )
    counted = target if ignore_index is None else target[target != ignore_index]
    if classes == 1:
        _unit_interval(counted, "a single-channel mask")
    elif target.dtype.kind == "f":
        raise InputError(
            "class indices must be integers; write them without a decimal point, or pass "
            f"one-hot targets of shape {shape_str(pred_shape)}",
            argument="--target",
        )
    else:
        bad = counted[(counted < 0) | (counted >= classes)]
        if bad.size:
            raise InputError(
                f"class index {int(bad.flat[0])} is out of range for {classes} classes "
                f"(pred has shape {shape_str(pred_shape)})",
                argument="--target",
            )
    if ignore_index is not None:
        all_ignored(target, ignore_index, warnings)


def _unit_interval(values: np.ndarray, what: str) -> None:
    outside = values[(values < 0) | (values > 1)]
    if outside.size:
        raise InputError(
            f"value {float(outside.flat[0]):g} is outside [0, 1], as {what} must be",
            argument="--target",
        )


def _activation(pred: np.ndarray, from_logits: str, warnings) -> None:
    """Probabilities where logits are declared, or the reverse."""
    finite = pred[np.isfinite(pred)]
    if finite.size == 0:
        return
    in_unit = finite.min() >= 0 and finite.max() <= 1
    if from_logits == "none" and not in_unit:
        warnings.warn(
            f"values lie in [{finite.min():g}, {finite.max():g}], outside [0, 1], but "
            "--from-logits none takes them as probabilities; pass --from-logits sigmoid "
            "or softmax for raw scores",
            argument="--pred",
        )
    if from_logits == "softmax" and pred.shape[1] == 1:
        warnings.warn(
            "softmax over a single channel is skipped (as in MONAI): the raw values are "
            "used as probabilities; use --from-logits sigmoid for one-channel logits",
            argument="--from-logits",
        )
    elif from_logits != "none" and in_unit and pred.size > 1:
        sums_to_one = np.allclose(pred.sum(axis=1), 1.0, atol=1e-3)
        if from_logits == "sigmoid" or sums_to_one:
            warnings.warn(
                f"every value is in [0, 1], which looks like probabilities, but "
                f"--from-logits {from_logits} applies a {from_logits} to them; pass "
                "--from-logits none for probabilities",
                argument="--pred",
            )


def _warn_empty_denominator(pred, target, params, warnings) -> None:
    """With smooth_dr = 0, a class absent from both prediction and target divides by 0."""
    if (params["from_logits"] != "none" or params.get("other_act", "none") != "none"
            or pred.size == 0):
        return
    n, classes = pred.shape[:2]
    ignore_index = params.get("ignore_index")
    if classes > 1 and target.shape == pred.shape:
        g = target.reshape(n, classes, -1)
        keep = np.ones((n, 1, g.shape[-1]))
        if ignore_index is not None:
            keep = (1 - g[:, ignore_index : ignore_index + 1] if 0 <= ignore_index < classes
                    else g.sum(axis=1, keepdims=True) > 0)
        g = g * keep
    else:
        labels = target.reshape(n, 1, -1)
        keep = np.ones_like(labels, dtype=bool) if ignore_index is None else labels != ignore_index
        if classes == 1:
            g = np.where(keep, labels, 0)
        else:
            g = np.concatenate([(labels == c) & keep for c in range(classes)], axis=1)
    p_sum = (pred.reshape(n, classes, -1) * keep).sum(axis=-1)
    g_sum = g.sum(axis=-1)
    where = "class {c} of sample {n}"
    if params.get("batch"):  # one ratio per class over the batch
        p_sum, g_sum = p_sum.sum(axis=0, keepdims=True), g_sum.sum(axis=0, keepdims=True)
        where = "class {c} (over the batch)"
    elif pred.ndim == 2:  # (N, C): one pooled ratio (class 0 dropped first, as MONAI)
        skip = int(not params["include_background"] and classes > 1)
        p_sum = p_sum[:, skip:].sum(keepdims=True).reshape(1, 1)
        g_sum = g_sum[:, skip:].sum(keepdims=True).reshape(1, 1)
        where = "the pooled (N, C) input"
    empty = np.argwhere((p_sum == 0) & (g_sum == 0))
    if empty.size:
        n, c = (int(i) for i in empty[0])
        warnings.warn(
            f"{where.format(c=c, n=n)} is empty in both prediction and target, so with "
            "--smooth-dr 0 its score divides by 0 (the term is −inf, or NaN with "
            "--smooth-nr 0); keep a small --smooth-dr",
            argument="--smooth-dr",
        )


def keras_segmentation(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """dice / tversky under --convention keras: a target of --pred's shape may hold any values
    and have any rank (Keras's Dice and Tversky take both as they are); class indices are
    checked as for the loss itself."""
    pred, target = arrays["pred"], arrays["target"]
    if target.shape != pred.shape or params["from_logits"] != "none":
        segmentation(arrays, params, warnings)
    elif pred.ndim == 0:
        raise InputError("expected at least one dimension, got a scalar", argument="--pred")
    if params["axis"] == "sample" and pred.ndim < 2:
        raise InputError(
            f"--axis sample sums each sample over the dimensions after the first, but --pred "
            f"has shape {shape_str(pred.shape)}",
            argument="--axis",
        )
