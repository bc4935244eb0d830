"""Margin losses (numpy twins of the family's torch terms)."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import log_sigmoid, take_class


def multi_margin(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    p: int,
    margin: float,
    weight: np.ndarray | None,
) -> Terms:
    """ℓᵢ = Σ_{c≠y} w[y]·max(0, margin − x_y + x_c)^p / C."""
    x = pred if pred.ndim == 2 else pred[None]
    y = target.reshape(-1)
    classes = x.shape[1]
    z = margin - take_class(x, y, 1)[:, None] + x
    hinge = np.where(z > 0, z if p == 1 else z * z, 0)
    if weight is not None:
        hinge = hinge * weight[y][:, None]
    hinge[np.arange(x.shape[0]), y] = 0
    values = hinge.sum(axis=1) / classes
    return Terms(values if pred.ndim == 2 else values[0])


def multilabel_margin(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = Σ_{j∈Y} Σ_{k∉Y} max(0, 1 − (x_j − x_k)) / C, Y = the labels before the first −1."""
    x = pred if pred.ndim == 2 else pred[None]
    labels = target if target.ndim == 2 else target[None]
    classes = x.shape[1]
    listed = np.cumprod(labels >= 0, axis=1).astype(bool)  # entries before the first -1
    safe = np.where(listed, labels, 0)
    rows = np.arange(x.shape[0])[:, None]
    is_target = np.zeros(x.shape, dtype=bool)
    is_target[np.broadcast_to(rows, safe.shape)[listed], safe[listed]] = True
    x_target = np.take_along_axis(x, safe, axis=1)  # (N, S)
    z = 1 - x_target[:, :, None] + x[:, None, :]  # (N, S, C)
    counted = listed[:, :, None] & ~is_target[:, None, :] & (z > 0)
    values = np.where(counted, z, 0).sum(axis=(1, 2)) / classes
    values = values.astype(pred.dtype, copy=False)
    return Terms(values if pred.ndim == 2 else values[0])


def soft_margin(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = log(1 + exp(−yᵢ·xᵢ)), as logaddexp(0, −y·x)."""
    margin = target.astype(pred.dtype, copy=False) * pred
    return Terms(np.logaddexp(np.zeros_like(margin), -margin), details={"y·x": margin})


def multilabel_soft_margin(
    *, pred: np.ndarray, target: np.ndarray, weight: np.ndarray | None
) -> Terms:
    """ℓᵢ = −Σ_c w_c·[yᵢ,c·log σ(xᵢ,c) + (1 − yᵢ,c)·log σ(−xᵢ,c)] / C, classes last."""
    loss = -(target * log_sigmoid(pred) + (1 - target) * log_sigmoid(-pred))
    if weight is not None:
        loss = loss * weight
    return Terms(loss.sum(axis=-1) / pred.shape[-1])


def margin_ranking(
    *, input1: np.ndarray, input2: np.ndarray, target: np.ndarray, margin: float
) -> Terms:
    """ℓᵢ = max(0, −yᵢ·(x1ᵢ − x2ᵢ) + margin)."""
    target = target.astype(input1.dtype, copy=False)
    difference = input1 - input2
    return Terms(np.maximum(-target * difference + margin, 0), details={"x1 − x2": difference})


def _hinge_labels(target: np.ndarray) -> np.ndarray:
    """Keras' convert_binary_labels_to_hinge: all labels in {0, 1} become 2y − 1."""
    return 2 * target - 1 if np.all((target == 0) | (target == 1)) else target


def squared_hinge(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = Σ_c max(0, 1 − yᵢ,c·xᵢ,c)² / C over the last dimension."""
    y = _hinge_labels(target.astype(pred.dtype, copy=False))
    hinge = np.maximum(1 - y * pred, 0)
    return Terms((hinge * hinge).mean(axis=-1), details={"y": y})


def categorical_hinge(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = max(0, max_c (1 − yᵢ,c)·xᵢ,c − Σ_c yᵢ,c·xᵢ,c + 1)."""
    y = target.astype(pred.dtype, copy=False)
    pos = (y * pred).sum(axis=-1)
    neg = ((1 - y) * pred).max(axis=-1)
    return Terms(np.maximum(neg - pos + 1, 0), details={"pos": pos, "neg": neg})


def perceptron(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = max_c xᵢ,c − xᵢ,yᵢ."""
    best = pred.max(axis=-1)
    true = np.take_along_axis(pred, target[..., None], axis=-1)[..., 0]
    return Terms(best - true, details={"max_c x_c": best, "x_y": true})
