"""Elementwise regression losses (PyTorch semantics)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def l1(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = |xᵢ − yᵢ| (torch.nn.L1Loss)."""
    return Terms(F.l1_loss(pred, target, reduction="none"))


def mse(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = (xᵢ − yᵢ)² (torch.nn.MSELoss)."""
    return Terms(F.mse_loss(pred, target, reduction="none"))


def smooth_l1(*, pred: torch.Tensor, target: torch.Tensor, beta: float) -> Terms:
    """ℓᵢ = 0.5·d²/β if d < β else d − 0.5·β, d = |xᵢ − yᵢ| (torch.nn.SmoothL1Loss)."""
    return Terms(
        F.smooth_l1_loss(pred, target, reduction="none", beta=beta),
        details={"|x−y|": (pred - target).abs()},
    )


def huber(*, pred: torch.Tensor, target: torch.Tensor, delta: float) -> Terms:
    """ℓᵢ = 0.5·d² if d < δ else δ·(d − 0.5·δ), d = |xᵢ − yᵢ| (torch.nn.HuberLoss)."""
    return Terms(
        F.huber_loss(pred, target, reduction="none", delta=delta),
        details={"|x−y|": (pred - target).abs()},
    )


def log_cosh(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = log cosh d = d + softplus(−2d) − log 2, d = xᵢ − yᵢ (Keras's overflow-free form)."""
    d = pred - target
    return Terms(d + F.softplus(-2 * d) - math.log(2.0), details={"x−y": d})


#: Keras's backend.epsilon(): the smallest |y| mape divides by, the clip of msle.
MAPE_EPS = 1e-7


def mape(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = 100·|xᵢ − yᵢ| / max(|yᵢ|, 1e-7) (keras.losses.MeanAbsolutePercentageError)."""
    scale = target.abs().clamp_min(MAPE_EPS)
    return Terms(100 * (pred - target).abs() / scale, details={"max(|y|, ε)": scale})


def msle(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = (log(1 + max(xᵢ, ε)) − log(1 + max(yᵢ, ε)))², ε = 1e-7
    (keras.losses.MeanSquaredLogarithmicError; below ε the gradient is 0)."""
    log_pred = torch.log1p(pred.clamp_min(MAPE_EPS))
    log_target = torch.log1p(target.clamp_min(MAPE_EPS))
    return Terms((log_pred - log_target) ** 2,
                 details={"log(1+x̃)": log_pred, "log(1+ỹ)": log_target})


def quantile(*, pred: torch.Tensor, target: torch.Tensor, tau: float | torch.Tensor) -> Terms:
    """ℓᵢ = τ·dᵢ if dᵢ ≥ 0 else (τ − 1)·dᵢ, dᵢ = yᵢ − xᵢ (tfa.losses.PinballLoss).

    At dᵢ = 0 autograd takes the τ·d side (∂ℓ/∂x = −τ), as TensorFlow's maximum does.
    """
    d = target - pred
    details = {"y−x": d}
    if isinstance(tau, torch.Tensor):
        tau = tau.to(d.dtype)
        details["τ"] = tau.expand_as(d)
    return Terms(torch.where(d >= 0, tau * d, (tau - 1) * d), details=details)


def charbonnier(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = √(rᵢ² + 1) − 1 = r·(r / (√(r² + 1) + 1)), r = xᵢ − yᵢ (kornia.losses.charbonnier_loss).

    The second form has no cancellation for small r and no overflow of r² for large r.
    """
    r = pred - target
    return Terms(r * (r / (torch.hypot(r, torch.ones_like(r)) + 1)), details={"x−y": r})


def cauchy(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = log(1 + rᵢ²/2) = 2·log(1 + (√(s² + 1) − 1)), s = r/√2, r = xᵢ − yᵢ
    (kornia.losses.cauchy_loss); the second form cannot overflow r²."""
    r = pred - target
    s = r / math.sqrt(2.0)
    return Terms(2 * torch.log1p(s * (s / (torch.hypot(s, torch.ones_like(s)) + 1))),
                 details={"x−y": r})


def geman_mcclure(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = 2·rᵢ²/(rᵢ² + 4) = 2·(t/√(t² + 1))², t = r/2, r = xᵢ − yᵢ
    (kornia.losses.geman_mcclure_loss); the second form cannot overflow r²."""
    r = pred - target
    t = r / 2
    return Terms(2 * (t / torch.hypot(t, torch.ones_like(t))) ** 2, details={"x−y": r})


def welsch(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = 1 − exp(−rᵢ²/2) = −expm1(−rᵢ²/2), r = xᵢ − yᵢ (kornia.losses.welsch_loss)."""
    r = pred - target
    return Terms(-torch.expm1(-0.5 * r * r), details={"x−y": r})


#: float32's machine epsilon: how close to 0 or 2 the general formula's α may come (Barron).
ALPHA_EPS = 1.1920929e-07


def robust(*, pred: torch.Tensor, target: torch.Tensor, alpha: float, scale: float) -> Terms:
    """Barron's general robust loss ρ(r, α, c), r = xᵢ − yᵢ (CVPR 2019, eq. 1 and its limits).

    ρ = b/a·(((r/c)²/b + 1)^(a/2) − 1) with b = |α − 2| and a = α, both kept at least
    ALPHA_EPS from 0 (robust_loss_pytorch's general.lossfun), written as
    b/a·expm1(a/2·log1p(z/b)) so that small residuals keep their precision. α = 2, 0, −∞ and
    +∞ are the closed-form limits.
    """
    r = pred - target
    z = (r / scale) ** 2
    if alpha == 2:
        values = 0.5 * z
    elif alpha == 0:
        values = torch.log1p(0.5 * z)
    elif alpha == -math.inf:
        values = -torch.expm1(-0.5 * z)
    elif alpha == math.inf:
        values = torch.expm1(0.5 * z)
    else:
        b = max(abs(alpha - 2), ALPHA_EPS)
        a = math.copysign(max(abs(alpha), ALPHA_EPS), alpha)
        values = b / a * torch.expm1(0.5 * a * torch.log1p(z / b))
    return Terms(values, details={"x−y": r, "(r/c)²": z})
