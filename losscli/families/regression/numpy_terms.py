"""Elementwise regression losses (numpy twins of the family's torch terms)."""

from __future__ import annotations

import math

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


def log_cosh(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = log cosh d = logaddexp(d, −d) − log 2, d = xᵢ − yᵢ (no overflow for large |d|)."""
    d = pred - target
    return Terms(np.logaddexp(d, -d) - math.log(2.0), details={"x−y": d})


def mape(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = 100·|xᵢ − yᵢ| / max(|yᵢ|, 1e-7)."""
    scale = np.maximum(np.abs(target), 1e-7)
    return Terms(100 * np.abs(pred - target) / scale, details={"max(|y|, ε)": scale})


def msle(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = (log(1 + max(xᵢ, ε)) − log(1 + max(yᵢ, ε)))², ε = 1e-7."""
    log_pred = np.log1p(np.maximum(pred, 1e-7))
    log_target = np.log1p(np.maximum(target, 1e-7))
    d = log_pred - log_target
    return Terms(d * d, details={"log(1+x̃)": log_pred, "log(1+ỹ)": log_target})


def quantile(*, pred: np.ndarray, target: np.ndarray, tau: float | np.ndarray) -> Terms:
    """ℓᵢ = τ·dᵢ if dᵢ ≥ 0 else (τ − 1)·dᵢ, dᵢ = yᵢ − xᵢ."""
    d = target - pred
    details = {"y−x": d}
    if isinstance(tau, np.ndarray):
        tau = tau.astype(d.dtype)
        details["τ"] = np.broadcast_to(tau, d.shape)
    return Terms(np.where(d >= 0, tau * d, (tau - 1) * d), details=details)


def charbonnier(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = √(rᵢ² + 1) − 1 = r·(r / (√(r² + 1) + 1)), r = xᵢ − yᵢ."""
    r = pred - target
    return Terms(r * (r / (np.hypot(r, 1) + 1)), details={"x−y": r})


def cauchy(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = log(1 + rᵢ²/2) = 2·log(1 + (√(s² + 1) − 1)), s = r/√2, r = xᵢ − yᵢ."""
    r = pred - target
    s = r / math.sqrt(2.0)
    return Terms(2 * np.log1p(s * (s / (np.hypot(s, 1) + 1))), details={"x−y": r})


def geman_mcclure(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = 2·rᵢ²/(rᵢ² + 4) = 2·(t/√(t² + 1))², t = r/2, r = xᵢ − yᵢ."""
    r = pred - target
    t = r / 2
    return Terms(2 * (t / np.hypot(t, 1)) ** 2, details={"x−y": r})


def welsch(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓᵢ = 1 − exp(−rᵢ²/2) = −expm1(−rᵢ²/2), r = xᵢ − yᵢ."""
    r = pred - target
    return Terms(-np.expm1(-0.5 * r * r), details={"x−y": r})


def robust(*, pred: np.ndarray, target: np.ndarray, alpha: float, scale: float) -> Terms:
    """Barron's ρ(r, α, c), r = xᵢ − yᵢ: b/a·expm1(a/2·log1p(z/b)), z = (r/c)², b = |α − 2|;
    α = 2, 0, ±∞ are the closed-form limits (see torch_terms.robust)."""
    r = pred - target
    z = (r / scale) ** 2
    if alpha == 2:
        values = 0.5 * z
    elif alpha == 0:
        values = np.log1p(0.5 * z)
    elif alpha == -math.inf:
        values = -np.expm1(-0.5 * z)
    elif alpha == math.inf:
        values = np.expm1(0.5 * z)
    else:
        eps = 1.1920929e-07  # float32's machine epsilon, as in torch_terms.ALPHA_EPS
        b = max(abs(alpha - 2), eps)
        a = math.copysign(max(abs(alpha), eps), alpha)
        values = b / a * np.expm1(0.5 * a * np.log1p(z / b))
    return Terms(values, details={"x−y": r, "(r/c)²": z})
