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
from losscli.families.regression.torch_terms import smooth_l1


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
