"""Smooth L1 as other libraries compute it (``--convention`` on smooth-l1).

PyTorch's ℓ = 0.5·d²/β for d = |x − y| < β, else d − 0.5·β. Detection code often writes
it with Faster R-CNN's σ, β = 1/σ² (maskrcnn-benchmark's default β = 1/9 is σ = 3).
Keras and optax have no Smooth L1: their Huber loss with δ = β is β × smooth-l1.
Keras's MSE, MAE and Huber average over the last axis first (one loss per sample) and take
a sample weight (:mod:`losscli.families._shared.keras_terms`).
"""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import last_axis_mean, weighted
from losscli.families._shared.torch_terms import Terms
from losscli.families.regression.torch_terms import log_cosh, mape, msle, quantile, smooth_l1


def fvcore_smooth_l1(*, pred: torch.Tensor, target: torch.Tensor, beta: float) -> Terms:
    """fvcore.nn.smooth_l1_loss (fvcore 0.1.5, fvcore/nn/smooth_l1_loss.py): β < 1e-5 gives
    exactly L1, and the mean over no elements is 0 (``loss.mean() if loss.numel() > 0 else
    0.0 * loss.sum()``), not NaN."""
    if beta < 1e-5:
        terms = Terms((pred - target).abs(), details={"|x−y|": (pred - target).abs()})
    else:
        terms = smooth_l1(pred=pred, target=target, beta=beta)
    terms.empty_mean_zero = True
    return terms


def mmdet_smooth_l1(*, pred: torch.Tensor, target: torch.Tensor, beta: float) -> Terms:
    """mmdet smooth_l1_loss (mmdet/models/losses/smooth_l1_loss.py): PyTorch's formula; it
    asserts β > 0 and ``target.numel() > 0``."""
    if beta <= 0:
        raise InputError("mmdetection's smooth_l1_loss asserts beta > 0", argument="--beta")
    if target.numel() == 0:
        raise InputError("mmdetection's smooth_l1_loss asserts target.numel() > 0: no elements",
                         argument="--target")
    return smooth_l1(pred=pred, target=target, beta=beta)


def _huber(pred: torch.Tensor, target: torch.Tensor, delta: float) -> torch.Tensor:
    error = (pred - target).abs()
    quadratic = torch.minimum(error, torch.full_like(error, delta))
    return 0.5 * quadratic**2 + delta * (error - quadratic)


def keras_huber(*, pred: torch.Tensor, target: torch.Tensor, beta: float,
                sample_weight: torch.Tensor | None) -> Terms:
    """keras.losses.Huber(delta=β) (Keras 3.15.1): 0.5·d² for d ≤ δ, else δ·d − 0.5·δ², then the
    mean over the last axis (one term per sample), times the sample weights."""
    return weighted(last_axis_mean(_huber(pred, target, beta)), sample_weight)


def keras_huber_delta(*, pred: torch.Tensor, target: torch.Tensor, delta: float,
                      sample_weight: torch.Tensor | None) -> Terms:
    """keras.losses.Huber(delta=δ) on huber (Keras 3.15.1): as :func:`keras_huber`."""
    return keras_huber(pred=pred, target=target, beta=delta, sample_weight=sample_weight)


def keras_mse(*, pred: torch.Tensor, target: torch.Tensor,
              sample_weight: torch.Tensor | None) -> Terms:
    """keras.losses.MeanSquaredError (Keras 3.15.1): mean_last (y_pred − y_true)², weighted."""
    return weighted(last_axis_mean((pred - target) ** 2), sample_weight)


def keras_mae(*, pred: torch.Tensor, target: torch.Tensor,
              sample_weight: torch.Tensor | None) -> Terms:
    """keras.losses.MeanAbsoluteError (Keras 3.15.1): mean_last |y_pred − y_true|, weighted."""
    return weighted(last_axis_mean((pred - target).abs()), sample_weight)


def optax_huber(*, pred: torch.Tensor, target: torch.Tensor, beta: float) -> Terms:
    """optax.huber_loss(pred, target, delta=β) (optax 0.2.8, losses/_regression.py): elementwise."""
    return Terms(_huber(pred, target, beta), details={"|x−y|": (pred - target).abs()})


def keras_log_cosh(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """keras.losses.LogCosh (Keras 3.15.1, losses.py log_cosh): d + softplus(−2d) − log 2,
    d = y_pred − y_true, then the mean over the last axis."""
    return Terms(last_axis_mean(log_cosh(pred=pred, target=target).values))


def keras_mape(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """keras.losses.MeanAbsolutePercentageError (Keras 3.15.1, losses.py): 100·|y − ŷ| /
    max(|y|, 1e-7), then the mean over the last axis."""
    return Terms(last_axis_mean(mape(pred=pred, target=target).values))


def sklearn_mape(*, pred: torch.Tensor, target: torch.Tensor, eps: float) -> Terms:
    """sklearn.metrics.mean_absolute_percentage_error: |y − ŷ| / max(|y|, eps), eps the float64
    machine epsilon (a fraction: no × 100)."""
    return Terms((pred - target).abs() / target.abs().clamp_min(eps))


def keras_msle(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """keras.losses.MeanSquaredLogarithmicError (Keras 3.15.1, losses.py): values clipped to
    1e-7, (log(1 + ŷ) − log(1 + y))², then the mean over the last axis."""
    return Terms(last_axis_mean(msle(pred=pred, target=target).values))


def sklearn_msle(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """sklearn.metrics.mean_squared_log_error (scikit-learn 1.9.1): (log1p(ŷ) − log1p(y))², no
    clip; any value ≤ −1 raises ValueError."""
    for tensor, option in ((pred, "--pred"), (target, "--target")):
        if bool((tensor <= -1).any()):
            raise InputError("scikit-learn's mean_squared_log_error rejects values <= -1",
                             argument=option)
    return Terms((torch.log1p(pred) - torch.log1p(target)) ** 2)


def tfa_pinball(*, pred: torch.Tensor, target: torch.Tensor, tau: float | torch.Tensor) -> Terms:
    """tfa.losses.PinballLoss (tensorflow_addons/losses/quantiles.py): max(τ·d, (τ − 1)·d),
    d = y − ŷ, then the mean over the last axis."""
    return Terms(last_axis_mean(quantile(pred=pred, target=target, tau=tau).values))


def basicsr_charbonnier(*, pred: torch.Tensor, target: torch.Tensor, eps: float) -> Terms:
    """basicsr.losses.CharbonnierLoss (basicsr/losses/basic_loss.py): √((x − y)² + ε),
    ε = 1e-12 (no − 1)."""
    return Terms(torch.sqrt((pred - target) ** 2 + eps))


def optax_l2(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """optax.losses.l2_loss (optax 0.2.8, losses/_regression.py): ½·(x − y)², elementwise."""
    return Terms(0.5 * (pred - target) ** 2)
