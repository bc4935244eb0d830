"""Dice + cross-entropy (MONAI DiceCELoss), torch terms: one term per sample.

    ℓ(n) = λ_dice·(1/C')·Σ_c dice(n, c) + λ_ce·(1/S)·Σ_s CE(n, s)

dice(n, c) = 1 − (2·Σ p·g + smooth_nr) / (Σ p + Σ g + smooth_dr) with p after the
activation, over the C' counted classes; CE(n, s) is the cross-entropy of the **raw**
logits at pixel s over **all** C channels (MONAI ignores the activation and
include_background there); with C = 1 it is the binary cross-entropy with logits. The
mean over the N samples equals MONAI's λ_dice·mean(dice) + λ_ce·mean(CE).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms
from losscli.families.segmentation.generalized import flat_pair


def dice_per_sample(p, g, include_background: bool, smooth_nr: float, smooth_dr: float):
    """Mean over the counted classes of the soft Dice loss of each sample, (N)."""
    if not include_background and p.shape[1] > 1:
        p, g = p[:, 1:], g[:, 1:]
    score = (2 * (p * g).sum(-1) + smooth_nr) / (p.sum(-1) + g.sum(-1) + smooth_dr)
    return (1 - score).mean(dim=1)


def cross_entropy_per_sample(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over the pixels of the cross-entropy of the raw logits, (N)."""
    n, classes = pred.shape[:2]
    logits = pred.reshape(n, classes, -1)
    if classes == 1:
        mask = target.reshape(n, 1, -1).to(logits.dtype)
        values = F.binary_cross_entropy_with_logits(logits, mask, reduction="none")
    elif target.shape == pred.shape:  # one-hot: class probabilities
        values = -(target.to(logits.dtype).reshape(n, classes, -1)
                   * F.log_softmax(logits, dim=1)).sum(1)
    else:
        values = F.cross_entropy(logits, target.reshape(n, -1).long(), reduction="none")
    return values.reshape(n, -1).mean(dim=1)


def dice_ce(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    include_background: bool,
    lambda_dice: float,
    lambda_ce: float,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ(n) = λ_dice·mean_c dice(n, c) + λ_ce·mean_s CE(n, s) (MONAI DiceCELoss)."""
    p, g = flat_pair(pred, target, from_logits)
    dice = dice_per_sample(p, g, include_background, smooth_nr, smooth_dr)
    ce = cross_entropy_per_sample(pred, target)
    return Terms(lambda_dice * dice + lambda_ce * ce,
                 details={"mean dice": dice.detach(), "mean CE": ce.detach()}, shown_inputs=())


def sigmoid_focal_per_sample(pred, g, include_background: bool, gamma: float,
                             alpha: float | None) -> torch.Tensor:
    """Mean over (counted class, pixel) of MONAI's sigmoid focal loss of the raw logits, (N).

    FL = σ(−x·(2g − 1))^γ·BCE(x, g), times α·g + (1 − α)·(1 − g) when α is given.
    """
    n, classes = pred.shape[:2]
    x = pred.reshape(n, classes, -1)
    if not include_background and classes > 1:
        x, g = x[:, 1:], g[:, 1:]
    bce = x - x * g - F.logsigmoid(x)
    values = torch.exp(F.logsigmoid(-x * (2 * g - 1)) * gamma) * bce
    if alpha is not None:
        values = (alpha * g + (1 - alpha) * (1 - g)) * values
    return values.reshape(n, -1).mean(dim=1)


def dice_focal(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    from_logits: str,
    include_background: bool,
    gamma: float,
    alpha: float | None,
    lambda_dice: float,
    lambda_focal: float,
    smooth_nr: float,
    smooth_dr: float,
) -> Terms:
    """ℓ(n) = λ_dice·mean_c dice(n, c) + λ_focal·mean_(c, s) FL(n, c, s) (MONAI DiceFocalLoss)."""
    p, g = flat_pair(pred, target, from_logits)
    dice = dice_per_sample(p, g, include_background, smooth_nr, smooth_dr)
    focal = sigmoid_focal_per_sample(pred, g, include_background, gamma, alpha)
    return Terms(lambda_dice * dice + lambda_focal * focal,
                 details={"mean dice": dice.detach(), "mean focal": focal.detach()},
                 shown_inputs=())
