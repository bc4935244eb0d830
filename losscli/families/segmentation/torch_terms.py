"""Overlap losses for segmentation: soft Dice, Jaccard (soft IoU) and Tversky (MONAI semantics).

Follows MONAI's ``monai.losses.DiceLoss`` (``jaccard=True`` for Jaccard) and
``monai.losses.TverskyLoss``. ``pred`` is (N, C, d1, ...); the sums run over the
spatial dimensions d1, ... of each sample n and class c, so there is one term per
(sample, class) pair, as MONAI's ``reduction="none"`` gives:

    I = Σ p·g,  P = Σ p,  G = Σ g
    dice:     ℓ = 1 − (2·I + smooth_nr) / (P + G + smooth_dr)
    jaccard:  ℓ = 1 − (2·I + smooth_nr) / (2·(P + G − I) + smooth_dr)
    tversky:  ℓ = 1 − (TP + smooth_nr) / (TP + α·FP + β·FN + smooth_dr),
              TP = Σ p·g,  FP = Σ p·(1 − g),  FN = Σ (1 − p)·g

p is the prediction after the optional sigmoid/softmax, g the one-hot target.
``ignore_index`` removes pixels from every sum (p and g set to 0 there), as MONAI
1.6 does: pixels whose class-index target equals it; for one-hot targets, the
pixels of class ``ignore_index`` if it is a class, else the pixels with no class.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def _probabilities(pred: torch.Tensor, from_logits: str) -> torch.Tensor:
    if from_logits == "sigmoid":
        return torch.sigmoid(pred)
    if from_logits == "softmax" and pred.shape[1] > 1:  # MONAI skips softmax on one channel
        return torch.softmax(pred, dim=1)
    return pred


def _flat_pair(
    pred: torch.Tensor, target: torch.Tensor, from_logits: str, ignore_index: int | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """(p, g), both (N, C, S) with S the flattened spatial size, ignored pixels zeroed."""
    n, classes = pred.shape[:2]
    size = math.prod(pred.shape[2:])  # not -1: an empty batch has no size to infer
    p = _probabilities(pred, from_logits).reshape(n, classes, size)
    if classes > 1 and target.shape == pred.shape:  # one-hot or class probabilities
        g = target.to(p.dtype).reshape(n, classes, size)
        if ignore_index is None:
            return p, g
        if 0 <= ignore_index < classes:  # MONAI: drop the pixels of that class
            keep = 1 - g[:, ignore_index : ignore_index + 1]
        else:  # MONAI: drop the pixels whose one-hot row is all zero
            keep = (g.sum(dim=1, keepdim=True) > 0).to(p.dtype)
        return p * keep, g * keep
    labels = target.reshape(n, 1, size)  # class indices, or a binary mask when C = 1
    keep = torch.ones_like(labels, dtype=torch.bool)
    if ignore_index is not None:
        keep = labels != ignore_index
        labels = labels.masked_fill(~keep, 0)
    if classes == 1:
        g = labels.to(p.dtype)
    else:
        g = F.one_hot(labels[:, 0].long(), classes).movedim(-1, 1).to(p.dtype)
    return p * keep, g * keep


def _background(terms: torch.Tensor, include_background: bool) -> dict:
    """Terms' keyword arguments leaving class 0 out of the mean (MONAI include_background)."""
    if include_background or terms.shape[1] == 1:
        return {}
    ignored = torch.zeros_like(terms, dtype=torch.bool)
    ignored[:, 0] = True
    return dict(
        weights=(~ignored).to(terms.dtype),
        ignored=ignored,
        ignore_reason="class 0 (background) is excluded by --no-include-background",
    )


def _overlap(pred, target, from_logits, ignore_index):
    p, g = _flat_pair(pred, target, from_logits, ignore_index)
    return (p * g).sum(-1), p.sum(-1), g.sum(-1)


def dice(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    include_background: bool,
    ignore_index: int | None,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ(n, c) = 1 − (2·I + smooth_nr)/(P + G + smooth_dr) (monai.losses.DiceLoss).

    Milletari et al., V-Net, 3DV 2016.
    """
    inter, p_sum, g_sum = _overlap(pred, target, from_logits, ignore_index)
    score = (2 * inter + smooth_nr) / (p_sum + g_sum + smooth_dr)
    return _terms(1 - score, include_background,
                  {"Σp·g": inter, "Σp": p_sum, "Σg": g_sum, "Dice": score})


def jaccard(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    include_background: bool,
    ignore_index: int | None,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ(n, c) = 1 − (2·I + smooth_nr)/(2·(P + G − I) + smooth_dr) (DiceLoss(jaccard=True))."""
    inter, p_sum, g_sum = _overlap(pred, target, from_logits, ignore_index)
    score = (2 * inter + smooth_nr) / (2 * (p_sum + g_sum - inter) + smooth_dr)
    return _terms(1 - score, include_background,
                  {"Σp·g": inter, "Σp": p_sum, "Σg": g_sum, "soft IoU": score})


def tversky(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    include_background: bool,
    ignore_index: int | None,
    alpha: float,
    beta: float,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ(n, c) = 1 − (TP + smooth_nr)/(TP + α·FP + β·FN + smooth_dr) (monai.losses.TverskyLoss).

    Salehi et al., Tversky loss function for image segmentation, MLMI 2017.
    """
    p, g = _flat_pair(pred, target, from_logits, ignore_index)
    tp = (p * g).sum(-1)
    fp = (p * (1 - g)).sum(-1)
    fn = ((1 - p) * g).sum(-1)
    score = (tp + smooth_nr) / (tp + alpha * fp + beta * fn + smooth_dr)
    return _terms(1 - score, include_background,
                  {"TP": tp, "FP": fp, "FN": fn, "Tversky": score})


def _terms(values: torch.Tensor, include_background: bool, details: dict) -> Terms:
    extra = _background(values, include_background)
    if extra:
        values = values.masked_fill(extra["ignored"], 0.0)
    # A term aggregates a whole (sample, class) map: no single input slice explains it.
    return Terms(values, details=details, shown_inputs=(), **extra)
