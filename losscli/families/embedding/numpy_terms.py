"""Embedding losses (numpy twins of the family's torch terms)."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms


def hinge_embedding(*, pred: np.ndarray, target: np.ndarray, margin: float) -> Terms:
    """ℓᵢ = xᵢ if yᵢ = 1, max(0, margin − xᵢ) if yᵢ = −1 (both parts added, as PyTorch)."""
    target = target.astype(pred.dtype, copy=False)
    below = np.where(target != 1, np.maximum(margin - pred, 0), 0)
    return Terms(below + np.where(target != -1, pred, 0))


def cosine_embedding(
    *, input1: np.ndarray, input2: np.ndarray, target: np.ndarray, margin: float
) -> Terms:
    """ℓᵢ = 1 − cos if yᵢ = 1, max(0, cos − margin) if yᵢ = −1, with ε = 1e-12 in the norms."""
    target = target.astype(input1.dtype, copy=False)
    eps = 1e-12
    cos = (input1 * input2).sum(-1) / np.sqrt(
        ((input1 * input1).sum(-1) + eps) * ((input2 * input2).sum(-1) + eps)
    )
    values = np.where(target == 1, 1 - cos, 0) + np.where(target == -1,
                                                         np.maximum(cos - margin, 0), 0)
    return Terms(values, details={"cos": cos})


def pairwise_distance(x: np.ndarray, y: np.ndarray, p: float = 2.0, eps: float = 1e-6):
    """‖x − y + ε‖_p over the last dimension (torch.nn.functional.pairwise_distance)."""
    v = np.abs(x - y + eps)
    if p == 0:
        return np.count_nonzero(v, axis=-1).astype(x.dtype)
    if np.isinf(p):
        return v.max(axis=-1)
    if p == 1:
        return v.sum(axis=-1)
    if p == 2:
        return np.sqrt((v * v).sum(axis=-1))
    return (v**p).sum(axis=-1) ** (1 / p)


def cosine_distance(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """1 − Σ (x / max(‖x‖, 1e-8))·(y / max(‖y‖, 1e-8)) (torch.nn.functional.cosine_similarity)."""
    eps = 1e-8
    x_norm = np.maximum(np.sqrt((x * x).sum(-1, keepdims=True)), eps)
    y_norm = np.maximum(np.sqrt((y * y).sum(-1, keepdims=True)), eps)
    return 1.0 - ((x / x_norm) * (y / y_norm)).sum(-1)


def triplet_margin(
    *,
    anchor: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    margin: float,
    p: float,
    eps: float,
    swap: bool,
) -> Terms:
    """ℓᵢ = max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0), d(x, y) = ‖x − y + ε‖_p (swap: min)."""

    def distance(x, y):
        return pairwise_distance(x, y, p, eps)

    return _triplet(distance, anchor, positive, negative, margin, swap)


def triplet_margin_with_distance(
    *,
    anchor: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    distance: str,
    margin: float,
    swap: bool,
) -> Terms:
    """ℓᵢ = max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0), d pairwise (ε = 1e-6) or cosine."""
    function = cosine_distance if distance == "cosine" else pairwise_distance
    return _triplet(function, anchor, positive, negative, margin, swap)


def _triplet(distance, anchor, positive, negative, margin: float, swap: bool) -> Terms:
    d_ap, d_an = distance(anchor, positive), distance(anchor, negative)
    details = {"d(a,p)": d_ap, "d(a,n)": d_an}
    negative_distance = d_an
    if swap:
        details["d(p,n)"] = distance(positive, negative)
        negative_distance = np.minimum(d_an, details["d(p,n)"])
    return Terms(np.maximum(margin + d_ap - negative_distance, 0), details=details)


def cosine_similarity(*, pred: np.ndarray, target: np.ndarray, axis: int, eps: float) -> Terms:
    """ℓ = −Σ x·y / (√max(Σx², ε)·√max(Σy², ε)) along ``axis``."""
    x_norm = np.sqrt(np.maximum((pred * pred).sum(axis=axis), eps))
    y_norm = np.sqrt(np.maximum((target * target).sum(axis=axis), eps))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = (pred * target).sum(axis=axis) / (x_norm * y_norm)
    return Terms(-cos, details={"‖x‖": x_norm, "‖y‖": y_norm},
                 shown_inputs=None if axis in (-1, pred.ndim - 1) else ())
