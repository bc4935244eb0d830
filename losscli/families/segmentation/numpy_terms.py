"""Soft Dice, Jaccard and Tversky losses (numpy twins of the family's torch terms).

MONAI semantics: sums over the spatial dimensions of each (sample, class) pair (and
the batch with ``batch``; everything for (N, C) inputs); see
:mod:`losscli.families.segmentation.torch_terms` for the formulas.
"""

from __future__ import annotations

import math

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import sigmoid
from losscli.families.segmentation.compound_numpy import dice_ce as dice_ce
from losscli.families.segmentation.compound_numpy import dice_focal as dice_focal
from losscli.families.segmentation.generalized_numpy import generalized_dice as generalized_dice
from losscli.families.segmentation.lovasz_numpy import lovasz_hinge as lovasz_hinge
from losscli.families.segmentation.lovasz_numpy import lovasz_softmax as lovasz_softmax


def _probabilities(pred: np.ndarray, from_logits: str, other_act: str) -> np.ndarray:
    if from_logits == "sigmoid":
        pred = sigmoid(pred)
    elif from_logits == "softmax" and pred.shape[1] > 1:
        shifted = np.exp(pred - pred.max(axis=1, keepdims=True))
        pred = shifted / shifted.sum(axis=1, keepdims=True)
    if other_act == "tanh":
        return np.tanh(pred)
    if other_act == "log-softmax":
        shifted = pred - pred.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return pred


def _flat_pair(pred, target, from_logits: str, ignore_index: int | None, other_act: str):
    """(p, g), both (N, C, S) with S the flattened spatial size, ignored pixels zeroed."""
    n, classes = pred.shape[:2]
    size = math.prod(pred.shape[2:])  # not -1: an empty batch has no size to infer
    p = _probabilities(pred, from_logits, other_act).reshape(n, classes, size)
    if classes > 1 and target.shape == pred.shape:
        g = target.astype(p.dtype).reshape(n, classes, size)
        if ignore_index is None:
            return p, g
        if 0 <= ignore_index < classes:
            keep = 1 - g[:, ignore_index : ignore_index + 1]
        else:
            keep = (g.sum(axis=1, keepdims=True) > 0).astype(p.dtype)
        return p * keep, g * keep
    labels = target.reshape(n, 1, size)
    keep = np.ones(labels.shape, dtype=bool)
    if ignore_index is not None:
        keep = labels != ignore_index
        labels = np.where(keep, labels, 0)
    if classes == 1:
        g = labels.astype(p.dtype)
    else:
        g = (labels == np.arange(classes)[None, :, None]).astype(p.dtype)
    return p * keep, g * keep


def _overlap(pred, target, o: dict, decoupled: bool) -> tuple:
    """(TP, FP, FN, pooled, details), as the torch twin."""
    p, g = _flat_pair(pred, target, o["from_logits"], o["ignore_index"], o["other_act"])
    pooled = pred.ndim == 2 and not o["batch"]
    if pooled and not o["include_background"] and p.shape[1] > 1:
        p, g = p[:, 1:], g[:, 1:]
    axes = (0, 1, 2) if pooled else (0, 2) if o["batch"] else (2,)
    if o.get("squared_pred") or o["soft_label"]:
        power = 2 if o.get("squared_pred") else 1
        p_norm = (np.abs(p) ** power).sum(axes)
        g_norm = (np.abs(g) ** power).sum(axes)
        tp = (p_norm + g_norm - (np.abs(p - g) ** power).sum(axes)) / 2
        fp, fn = p_norm - tp, g_norm - tp
        names = ("Σp²", "Σg²") if power == 2 else ("Σ|p|", "Σ|g|")
        return tp, fp, fn, pooled, {"TP": tp, names[0]: p_norm, names[1]: g_norm}
    tp = (p * g).sum(axes)
    if decoupled:
        fp, fn = p.sum(axes) - tp, g.sum(axes) - tp
        return tp, fp, fn, pooled, {"Σp·g": tp, "Σp": tp + fp, "Σg": tp + fn}
    fp, fn = (p * (1 - g)).sum(axes), ((1 - p) * g).sum(axes)
    return tp, fp, fn, pooled, {"TP": tp, "FP": fp, "FN": fn}


def _class_weight(values, weight, classes: int, o: dict, pooled: bool):
    dropped = not o["include_background"] and classes > 1
    left = classes - dropped
    if weight is None or left == 1:
        return values
    w = np.broadcast_to(np.asarray(weight, dtype=values.dtype).reshape(-1), (left,))
    if dropped and not pooled:
        w = np.concatenate([np.ones(1, dtype=values.dtype), w])
    return values * w


def _terms(values: np.ndarray, include_background: bool, details: dict) -> Terms:
    values = np.asarray(values)
    if include_background or values.ndim == 0 or values.shape[-1] == 1:
        return Terms(values, details=details, shown_inputs=())
    ignored = np.zeros(values.shape, dtype=bool)
    ignored[..., 0] = True
    return Terms(
        np.where(ignored, 0, values).astype(values.dtype, copy=False),
        weights=(~ignored).astype(values.dtype),
        ignored=ignored,
        ignore_reason="class 0 (background) is excluded by --no-include-background",
        details=details,
        shown_inputs=(),
    )


def _overlap_loss(pred, target, o: dict, jaccard: bool) -> Terms:
    tp, fp, fn, pooled, details = _overlap(pred, target, o, decoupled=True)
    if jaccard:
        score = (2 * tp + o["smooth_nr"]) / (2 * (tp + fp + fn) + o["smooth_dr"])
    else:
        score = (2 * tp + o["smooth_nr"]) / (2 * tp + fp + fn + o["smooth_dr"])
    details["soft IoU" if jaccard else "Dice"] = score
    values = _class_weight(1 - score, o["weight"], pred.shape[1], o, pooled)
    if np.shape(values) != np.shape(score):
        details = {k: np.broadcast_to(v, values.shape) for k, v in details.items()}
    return _terms(values, o["include_background"] or pooled, details)


def dice(*, pred, target, from_logits: str, other_act: str, include_background: bool,
         ignore_index: int | None, batch: bool, squared_pred: bool, soft_label: bool,
         weight, smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ = 1 − (2·TP + smooth_nr)/(2·TP + FP + FN + smooth_dr)."""
    return _overlap_loss(pred, target, dict(locals()), jaccard=False)


def jaccard(*, pred, target, from_logits: str, other_act: str, include_background: bool,
            ignore_index: int | None, batch: bool, squared_pred: bool, soft_label: bool,
            weight, smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ = 1 − (2·TP + smooth_nr)/(2·(TP + FP + FN) + smooth_dr)."""
    return _overlap_loss(pred, target, dict(locals()), jaccard=True)


def tversky(*, pred, target, from_logits: str, other_act: str, include_background: bool,
            ignore_index: int | None, batch: bool, soft_label: bool, alpha: float, beta: float,
            smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ = 1 − (TP + smooth_nr)/(TP + α·FP + β·FN + smooth_dr)."""
    o = dict(locals())
    tp, fp, fn, pooled, details = _overlap(pred, target, o, decoupled=False)
    if "FP" not in details:
        details.update(FP=fp, FN=fn)
    score = (tp + smooth_nr) / (tp + alpha * fp + beta * fn + smooth_dr)
    details["Tversky"] = score
    return _terms(1 - score, include_background or pooled, details)
