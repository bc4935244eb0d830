"""Dice + cross-entropy (numpy twin of :mod:`.compound`): one term per sample."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families.segmentation.generalized_numpy import flat_pair


def dice_per_sample(p, g, include_background: bool, smooth_nr: float, smooth_dr: float):
    """Mean over the counted classes of the soft Dice loss of each sample, (N)."""
    if not include_background and p.shape[1] > 1:
        p, g = p[:, 1:], g[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (2 * (p * g).sum(-1) + smooth_nr) / (p.sum(-1) + g.sum(-1) + smooth_dr)
    return (1 - score).mean(axis=1)


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy_per_sample(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Mean over the pixels of the cross-entropy of the raw logits, (N)."""
    n, classes = pred.shape[:2]
    logits = pred.reshape(n, classes, -1)
    if classes == 1:
        y = target.reshape(n, 1, -1).astype(logits.dtype)
        values = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    elif target.shape == pred.shape:
        values = -(target.astype(logits.dtype).reshape(n, classes, -1)
                   * _log_softmax(logits)).sum(1)
    else:
        labels = target.reshape(n, 1, -1).astype(np.int64)
        values = -np.take_along_axis(_log_softmax(logits), labels, axis=1)
    return values.reshape(n, -1).mean(axis=1)


def dice_ce(*, pred, target, from_logits: str, include_background: bool, lambda_dice: float,
            lambda_ce: float, smooth_nr: float, smooth_dr: float) -> Terms:
    """ℓ(n) = λ_dice·mean_c dice(n, c) + λ_ce·mean_s CE(n, s) (MONAI DiceCELoss)."""
    p, g = flat_pair(pred, target, from_logits)
    dice = dice_per_sample(p, g, include_background, smooth_nr, smooth_dr)
    ce = cross_entropy_per_sample(pred, target)
    return Terms(lambda_dice * dice + lambda_ce * ce,
                 details={"mean dice": dice, "mean CE": ce}, shown_inputs=())


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def sigmoid_focal_per_sample(pred, g, include_background: bool, gamma: float,
                             alpha: float | None) -> np.ndarray:
    """Mean over (counted class, pixel) of MONAI's sigmoid focal loss of the raw logits, (N)."""
    n, classes = pred.shape[:2]
    x = pred.reshape(n, classes, -1)
    if not include_background and classes > 1:
        x, g = x[:, 1:], g[:, 1:]
    bce = x - x * g - _log_sigmoid(x)
    values = np.exp(_log_sigmoid(-x * (2 * g - 1)) * gamma) * bce
    if alpha is not None:
        values = (alpha * g + (1 - alpha) * (1 - g)) * values
    return values.reshape(n, -1).mean(axis=1)


def dice_focal(*, pred, target, from_logits: str, include_background: bool, gamma: float,
               alpha: float | None, lambda_dice: float, lambda_focal: float, smooth_nr: float,
               smooth_dr: float) -> Terms:
    """ℓ(n) = λ_dice·mean_c dice(n, c) + λ_focal·mean_(c, s) FL(n, c, s) (MONAI DiceFocalLoss)."""
    p, g = flat_pair(pred, target, from_logits)
    dice = dice_per_sample(p, g, include_background, smooth_nr, smooth_dr)
    focal = sigmoid_focal_per_sample(pred, g, include_background, gamma, alpha)
    return Terms(lambda_dice * dice + lambda_focal * focal,
                 details={"mean dice": dice, "mean focal": focal}, shown_inputs=())
