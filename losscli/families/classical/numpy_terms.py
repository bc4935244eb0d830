"""Classical losses, scikit-learn's semantics (numpy twins of the family's torch terms)."""

from __future__ import annotations

import numpy as np

from losscli.core.errors import InputError
from losscli.core.terms import Terms
from losscli.families.classical.checks import NO_SAMPLES


def _weighted(values: np.ndarray, sample_weight: np.ndarray | None, details: dict) -> Terms:
    if sample_weight is None:
        return Terms(values, details=details)
    weight = sample_weight.astype(values.dtype, copy=False)
    return Terms(values * weight, weights=weight, weight_symbol="wᵢ", details=details)


def zero_one(
    *, pred: np.ndarray, target: np.ndarray, sample_weight: np.ndarray | None
) -> Terms:
    """ℓᵢ = 1 if the predicted label (pred, or the row's first arg-max) differs from yᵢ."""
    predicted = pred if pred.ndim == 1 else pred.argmax(axis=1)
    wrong = (predicted.astype(np.int64) != target.astype(np.int64)).astype(np.float64)
    if pred.dtype.kind == "f":
        wrong = wrong.astype(pred.dtype)
    return _weighted(wrong, sample_weight, {"predicted": predicted})


def hinge(
    *, pred: np.ndarray, target: np.ndarray, sample_weight: np.ndarray | None
) -> Terms:
    """ℓᵢ = max(0, 1 − marginᵢ): yᵢ·xᵢ (binary, 0/1 labels read as ∓1) or Crammer-Singer."""
    if pred.ndim == 1:
        sign = np.where(target > 0, 1.0, -1.0).astype(pred.dtype)
        margin = sign * pred
        details = {"y (±1)": sign, "margin y·x": margin}
    else:
        labels = target.astype(np.int64)[:, None]
        true_score = np.take_along_axis(pred, labels, axis=1)[:, 0]
        others = pred.copy()
        np.put_along_axis(others, labels, -np.inf, axis=1)
        best_other = others.max(axis=1)
        margin = true_score - best_other
        details = {"x[y]": true_score, "max other": best_other, "margin": margin}
    return _weighted(np.maximum(1 - margin, 0), sample_weight, details)


def log_loss(
    *, pred: np.ndarray, target: np.ndarray, sample_weight: np.ndarray | None
) -> Terms:
    """ℓᵢ = −Σ_c yᵢ,c·log clip(pᵢ,c, eps, 1 − eps), eps the machine epsilon of the dtype;
    no sample is an input error, as in scikit-learn."""
    if pred.shape[0] == 0:
        raise InputError(NO_SAMPLES, argument="--pred")
    probs = np.stack((1 - pred, pred), axis=1) if pred.ndim == 1 else pred
    eps = np.finfo(probs.dtype).eps
    clipped = np.clip(probs, eps, 1 - eps)
    if target.shape == probs.shape:
        onehot = target.astype(probs.dtype)
    else:
        onehot = np.zeros_like(probs)
        np.put_along_axis(onehot, target.astype(np.int64)[:, None], 1.0, axis=1)
    values = -(onehot * np.log(clipped)).sum(axis=1)
    return _weighted(values, sample_weight, {"p[y] clipped": (onehot * clipped).sum(axis=1)})
