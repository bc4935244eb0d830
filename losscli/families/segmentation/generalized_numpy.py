"""Generalized Dice loss (numpy twin of :mod:`.generalized`): one term per sample."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families.segmentation.numpy_terms import _flat_pair


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
    p, g = _flat_pair(pred, target, from_logits, None)
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
