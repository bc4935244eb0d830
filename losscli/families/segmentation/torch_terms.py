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

p is the prediction after the optional sigmoid/softmax (or MONAI's ``other_act``:
tanh or log-softmax, used as given even where negative), g the one-hot target.

MONAI's options: ``batch`` sums over the batch too (one term per class);
``squared_pred`` (dice, jaccard) and ``soft_label`` replace I, P, G by the norm form
of ``monai.losses.utils.compute_tp_fp_fn``: with P = ‖p‖, G = ‖g‖, D = ‖p − g‖
(squared 2-norms with ``squared_pred``, 1-norms Σ|·| with ``soft_label``),
TP = (P + G − D)/2, FP = P − TP, FN = G − TP; dice's denominator is 2·TP + FP + FN.
Inputs without spatial dimensions, (N, C), pool everything into one term unless
``batch`` (MONAI sums over an empty axis list, i.e. over every axis). ``weight``
(dice, jaccard) multiplies each class's term; the mean still divides by the number
of terms.
``ignore_index`` removes pixels from every sum (p and g set to 0 there), as MONAI
1.6 does: pixels whose class-index target equals it; for one-hot targets, the
pixels of class ``ignore_index`` if it is a class, else the pixels with no class.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms
from losscli.families.segmentation.compound import dice_ce as dice_ce
from losscli.families.segmentation.compound import dice_focal as dice_focal
from losscli.families.segmentation.generalized import generalized_dice as generalized_dice
from losscli.families.segmentation.lovasz import lovasz_hinge as lovasz_hinge
from losscli.families.segmentation.lovasz import lovasz_softmax as lovasz_softmax


def _probabilities(pred: torch.Tensor, from_logits: str, other_act: str = "none") -> torch.Tensor:
    if from_logits == "sigmoid":
        pred = torch.sigmoid(pred)
    elif from_logits == "softmax" and pred.shape[1] > 1:  # MONAI skips softmax on one channel
        pred = torch.softmax(pred, dim=1)
    if other_act == "tanh":
        return torch.tanh(pred)
    if other_act == "log-softmax":
        return torch.log_softmax(pred, dim=1)
    return pred


def _flat_pair(
    pred: torch.Tensor, target: torch.Tensor, from_logits: str, ignore_index: int | None,
    other_act: str = "none",
) -> tuple[torch.Tensor, torch.Tensor]:
    """(p, g), both (N, C, S) with S the flattened spatial size, ignored pixels zeroed."""
    n, classes = pred.shape[:2]
    size = math.prod(pred.shape[2:])  # not -1: an empty batch has no size to infer
    p = _probabilities(pred, from_logits, other_act).reshape(n, classes, size)
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


def _overlap(pred, target, o: dict, decoupled: bool) -> tuple:
    """(TP, FP, FN, pooled, details): per (sample, class), per class with ``batch``, or one
    pooled value for (N, C) inputs (class 0 dropped first there, as MONAI does)."""
    p, g = _flat_pair(pred, target, o["from_logits"], o["ignore_index"], o["other_act"])
    pooled = pred.dim() == 2 and not o["batch"]
    if pooled and not o["include_background"] and p.shape[1] > 1:
        p, g = p[:, 1:], g[:, 1:]
    dims = (0, 1, 2) if pooled else (0, 2) if o["batch"] else (2,)
    if o.get("squared_pred") or o["soft_label"]:
        power = 2 if o.get("squared_pred") else 1
        p_norm = (p.abs() ** power).sum(dims)
        g_norm = (g.abs() ** power).sum(dims)
        tp = (p_norm + g_norm - ((p - g).abs() ** power).sum(dims)) / 2
        fp, fn = p_norm - tp, g_norm - tp
        names = ("Σp²", "Σg²") if power == 2 else ("Σ|p|", "Σ|g|")
        return tp, fp, fn, pooled, {"TP": tp, names[0]: p_norm, names[1]: g_norm}
    tp = (p * g).sum(dims)
    if decoupled:
        fp, fn = p.sum(dims) - tp, g.sum(dims) - tp
        return tp, fp, fn, pooled, {"Σp·g": tp, "Σp": tp + fp, "Σg": tp + fn}
    fp, fn = (p * (1 - g)).sum(dims), ((1 - p) * g).sum(dims)
    return tp, fp, fn, pooled, {"TP": tp, "FP": fp, "FN": fn}


def _class_weight(values: torch.Tensor, weight, classes: int, o: dict, pooled: bool):
    """MONAI's class_weight: ``f * w`` per class (ignored with one class left)."""
    dropped = not o["include_background"] and classes > 1
    left = classes - dropped
    if weight is None or left == 1:
        return values
    w = torch.as_tensor(weight, dtype=values.dtype).reshape(-1).expand(left)
    if dropped and not pooled:
        w = torch.cat([w.new_ones(1), w])
    return values * w


def _background(terms: torch.Tensor, include_background: bool) -> dict:
    """Terms' keyword arguments leaving class 0 (the last axis) out of the mean."""
    if include_background or terms.dim() == 0 or terms.shape[-1] == 1:
        return {}
    ignored = torch.zeros_like(terms, dtype=torch.bool)
    ignored[..., 0] = True
    return dict(
        weights=(~ignored).to(terms.dtype),
        ignored=ignored,
        ignore_reason="class 0 (background) is excluded by --no-include-background",
    )


def _overlap_loss(pred, target, o: dict, jaccard: bool, weight) -> Terms:
    tp, fp, fn, pooled, details = _overlap(pred, target, o, decoupled=True)
    if jaccard:
        score = (2 * tp + o["smooth_nr"]) / (2 * (tp + fp + fn) + o["smooth_dr"])
    else:
        score = (2 * tp + o["smooth_nr"]) / (2 * tp + fp + fn + o["smooth_dr"])
    details["soft IoU" if jaccard else "Dice"] = score
    values = _class_weight(1 - score, weight, pred.shape[1], o, pooled)
    if values.shape != score.shape:  # pooled (N, C) input with class weights
        details = {k: v.expand(values.shape) for k, v in details.items()}
    return _terms(values, o["include_background"] or pooled, details)


def dice(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    other_act: str,
    include_background: bool,
    ignore_index: int | None,
    batch: bool,
    squared_pred: bool,
    soft_label: bool,
    weight: torch.Tensor | None,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ = 1 − (2·TP + smooth_nr)/(2·TP + FP + FN + smooth_dr) (monai.losses.DiceLoss);
    with the plain sums 1 − (2·I + smooth_nr)/(P + G + smooth_dr).

    Milletari et al., V-Net, 3DV 2016.
    """
    o = dict(locals())
    return _overlap_loss(pred, target, o, jaccard=False, weight=weight)


def jaccard(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    other_act: str,
    include_background: bool,
    ignore_index: int | None,
    batch: bool,
    squared_pred: bool,
    soft_label: bool,
    weight: torch.Tensor | None,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ = 1 − (2·TP + smooth_nr)/(2·(TP + FP + FN) + smooth_dr) (DiceLoss(jaccard=True));
    with the plain sums 1 − (2·I + smooth_nr)/(2·(P + G − I) + smooth_dr)."""
    o = dict(locals())
    return _overlap_loss(pred, target, o, jaccard=True, weight=weight)


def tversky(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    other_act: str,
    include_background: bool,
    ignore_index: int | None,
    batch: bool,
    soft_label: bool,
    alpha: float,
    beta: float,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ = 1 − (TP + smooth_nr)/(TP + α·FP + β·FN + smooth_dr) (monai.losses.TverskyLoss).

    Salehi et al., Tversky loss function for image segmentation, MLMI 2017.
    """
    o = dict(locals())
    tp, fp, fn, pooled, details = _overlap(pred, target, o, decoupled=False)
    if "FP" not in details:
        details.update(FP=fp, FN=fn)
    score = (tp + smooth_nr) / (tp + alpha * fp + beta * fn + smooth_dr)
    details["Tversky"] = score
    return _terms(1 - score, include_background or pooled, details)


def _terms(values: torch.Tensor, include_background: bool, details: dict) -> Terms:
    extra = _background(values, include_background)
    if extra:
        values = values.masked_fill(extra["ignored"], 0.0)
    # A term aggregates a whole (sample, class) map: no single input slice explains it.
    return Terms(values, details=details, shown_inputs=(), **extra)
