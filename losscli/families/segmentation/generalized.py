"""Generalized Dice loss (MONAI GeneralizedDiceLoss), torch terms: one term per sample.

For sample n, with sums over the spatial dimensions (I_c = Σ p·g, P_c = Σ p, G_c = Σ g):

    w_c = 1/G_c² (square), 1/G_c (simple) or 1 (uniform)
    w_c = max finite w of the sample where G_c = 0 (0 if every class is absent)
    ℓ(n) = 1 − (2·Σ_c w_c·I_c + smooth_nr) / (Σ_c w_c·(P_c + G_c) + smooth_dr)

The classes are summed before the ratio (Sudre et al. 2017). The weights come from the
target only, so they carry no gradient.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def flat_pair(pred: torch.Tensor, target: torch.Tensor, from_logits: str):
    """(p, g), both (N, C, S): p after the activation, g the one-hot target (or C = 1 mask)."""
    n, classes = pred.shape[:2]
    if from_logits == "sigmoid":
        pred = torch.sigmoid(pred)
    elif from_logits == "softmax" and classes > 1:  # MONAI skips softmax on one channel
        pred = torch.softmax(pred, dim=1)
    p = pred.reshape(n, classes, -1)
    if classes > 1 and target.shape == pred.shape:  # one-hot or class probabilities
        return p, target.to(p.dtype).reshape(n, classes, -1)
    labels = target.reshape(n, -1)
    if classes == 1:
        return p, labels.to(p.dtype)[:, None]
    return p, F.one_hot(labels.long(), classes).movedim(-1, 1).to(p.dtype)


def class_weights(g_sum: torch.Tensor, w_type: str) -> torch.Tensor:
    """w (N, C) from the per-class target sums; an infinite weight becomes its row's max."""
    if w_type == "uniform":
        return torch.ones_like(g_sum)
    w = 1 / (g_sum * g_sum if w_type == "square" else g_sum)
    infinite = torch.isinf(w)
    w = torch.where(infinite, torch.zeros_like(w), w)
    return torch.where(infinite, w.max(dim=1, keepdim=True).values, w)


def generalized_dice(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    include_background: bool,
    w_type: str,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ(n) = 1 − (2·Σ_c w_c·I_c + smooth_nr) / (Σ_c w_c·(P_c + G_c) + smooth_dr)."""
    p, g = flat_pair(pred, target, from_logits)
    if not include_background and p.shape[1] > 1:
        p, g = p[:, 1:], g[:, 1:]
    intersection, p_sum, g_sum = (p * g).sum(-1), p.sum(-1), g.sum(-1)
    w = class_weights(g_sum.detach(), w_type)
    numerator = 2 * (w * intersection).sum(1) + smooth_nr
    denominator = (w * (p_sum + g_sum)).sum(1) + smooth_dr
    return Terms(
        1 - numerator / denominator,
        details={"2·Σ w·I + s_nr": numerator.detach(), "Σ w·(P + G) + s_dr": denominator.detach()},
        shown_inputs=(),
    )
