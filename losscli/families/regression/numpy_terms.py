"""Elementwise regression losses (numpy twins of the family's torch terms)."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms


def l1(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = |xᵢ − yᵢ|."""
    return Terms(np.abs(pred - target))


def mse(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = (xᵢ − yᵢ)²."""
    d = pred - target
    return Terms(np.multiply(d, d, out=d) if isinstance(d, np.ndarray) else d * d)


def smooth_l1(*, pred: np.ndarray, target: np.ndarray, beta: float) -> Terms:
    """ℓᵢ = 0.5·d²/β if d < β else d − 0.5·β, d = |xᵢ − yᵢ| (d itself when β = 0)."""
    d = np.abs(pred - target)
    if beta == 0:
        return Terms(d.copy(), details={"|x−y|": d})
    return Terms(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), details={"|x−y|": d})


def huber(*, pred: np.ndarray, target: np.ndarray, delta: float) -> Terms:
    """ℓᵢ = 0.5·d² if d < δ else δ·(d − 0.5·δ), d = |xᵢ − yᵢ|."""
    d = np.abs(pred - target)
    return Terms(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)),
                 details={"|x−y|": d})
