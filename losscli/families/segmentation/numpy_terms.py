"""Soft Dice, Jaccard and Tversky losses (numpy twins of the family's torch terms).

MONAI semantics: sums over the spatial dimensions of each (sample, class) pair.
"""

from __future__ import annotations

import math

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import sigmoid


def _probabilities(pred: np.ndarray, from_logits: str) -> np.ndarray:
    if from_logits == "sigmoid":
        return sigmoid(pred)
    if from_logits == "softmax" and pred.shape[1] > 1:
        shifted = np.exp(pred - pred.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    return pred


def _flat_pair(pred, target, from_logits: str, ignore_index: int | None):
    """(p, g), both (N, C, S) with S the flattened spatial size, ignored pixels zeroed."""
    n, classes = pred.shape[:2]
    size = math.prod(pred.shape[2:])  # not -1: an empty batch has no size to infer
    p = _probabilities(pred, from_logits).reshape(n, classes, size)
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


def _overlap(pred, target, from_logits, ignore_index):
    p, g = _flat_pair(pred, target, from_logits, ignore_index)
    return (p * g).sum(-1), p.sum(-1), g.sum(-1)


def _terms(values: np.ndarray, include_background: bool, details: dict) -> Terms:
    if include_background or values.shape[1] == 1:
        return Terms(values, details=details, shown_inputs=())
    ignored = np.zeros(values.shape, dtype=bool)
    ignored[:, 0] = True
    return Terms(
        np.where(ignored, 0, values).astype(values.dtype, copy=False),
        weights=(~ignored).astype(values.dtype),
        ignored=ignored,
        ignore_reason="class 0 (background) is excluded by --no-include-background",
        details=details,
        shown_inputs=(),
    )


def dice(*, pred, target, from_logits: str, include_background: bool,
         ignore_index: int | None, smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ(n, c) = 1 − (2·I + smooth_nr)/(P + G + smooth_dr)."""
    inter, p_sum, g_sum = _overlap(pred, target, from_logits, ignore_index)
    score = (2 * inter + smooth_nr) / (p_sum + g_sum + smooth_dr)
    return _terms(1 - score, include_background,
                  {"Σp·g": inter, "Σp": p_sum, "Σg": g_sum, "Dice": score})


def jaccard(*, pred, target, from_logits: str, include_background: bool,
            ignore_index: int | None, smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ(n, c) = 1 − (2·I + smooth_nr)/(2·(P + G − I) + smooth_dr)."""
    inter, p_sum, g_sum = _overlap(pred, target, from_logits, ignore_index)
    score = (2 * inter + smooth_nr) / (2 * (p_sum + g_sum - inter) + smooth_dr)
    return _terms(1 - score, include_background,
                  {"Σp·g": inter, "Σp": p_sum, "Σg": g_sum, "soft IoU": score})


def tversky(*, pred, target, from_logits: str, include_background: bool,
            ignore_index: int | None, alpha: float, beta: float, smooth_nr: float,
            smooth_dr: float) -> Terms:
    """ℓ(n, c) = 1 − (TP + smooth_nr)/(TP + α·FP + β·FN + smooth_dr)."""
    p, g = _flat_pair(pred, target, from_logits, ignore_index)
    tp = (p * g).sum(-1)
    fp = (p * (1 - g)).sum(-1)
    fn = ((1 - p) * g).sum(-1)
    score = (tp + smooth_nr) / (tp + alpha * fp + beta * fn + smooth_dr)
    return _terms(1 - score, include_background, {"TP": tp, "FP": fp, "FN": fn, "Tversky": score})
