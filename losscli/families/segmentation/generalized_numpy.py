"""Generalized Dice loss (numpy twin of :mod:`.generalized`): one term per sample."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import sigmoid


def flat_pair(pred: np.ndarray, target: np.ndarray, from_logits: str):
    """(p, g), both (N, C, S): p after the activation, g the one-hot target (or C = 1 mask)."""
    n, classes = pred.shape[:2]
    if from_logits == "sigmoid":
        pred = sigmoid(pred)
    elif from_logits == "softmax" and classes > 1:
        shifted = np.exp(pred - pred.max(axis=1, keepdims=True))
        pred = shifted / shifted.sum(axis=1, keepdims=True)
    p = pred.reshape(n, classes, -1)
    if classes > 1 and target.shape == pred.shape:
        return p, target.astype(p.dtype).reshape(n, classes, -1)
    labels = target.reshape(n, 1, -1)
    if classes == 1:
        return p, labels.astype(p.dtype)
    return p, (labels == np.arange(classes)[None, :, None]).astype(p.dtype)


def class_weights(g_sum: np.ndarray, w_type: str) -> np.ndarray:
    """w (N, C) from the per-class target sums; an infinite weight becomes its row's max."""
    if w_type == "uniform":
        return np.ones_like(g_sum)
    with np.errstate(divide="ignore"):
        w = 1 / (g_sum * g_sum if w_type == "square" else g_sum)
    infinite = np.isinf(w)
    w = np.where(infinite, 0, w)
    return np.where(infinite, w.max(axis=1, keepdims=True), w)


def generalized_dice(*, pred, target, from_logits: str, include_background: bool, w_type: str,
                     smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ(n) = 1 − (2·Σ_c w_c·I_c + smooth_nr) / (Σ_c w_c·(P_c + G_c) + smooth_dr)."""
    p, g = flat_pair(pred, target, from_logits)
    if not include_background and p.shape[1] > 1:
        p, g = p[:, 1:], g[:, 1:]
    intersection, p_sum, g_sum = (p * g).sum(-1), p.sum(-1), g.sum(-1)
    w = class_weights(g_sum, w_type).astype(p.dtype, copy=False)
    numerator = 2 * (w * intersection).sum(1) + smooth_nr
    denominator = (w * (p_sum + g_sum)).sum(1) + smooth_dr
    with np.errstate(divide="ignore", invalid="ignore"):
        values = 1 - numerator / denominator
    return Terms(values, details={"2·Σ w·I + s_nr": numerator, "Σ w·(P + G) + s_dr": denominator},
                 shown_inputs=())
