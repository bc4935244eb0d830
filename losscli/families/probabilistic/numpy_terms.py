"""Likelihood-based losses (numpy twins of the family's torch terms)."""

from __future__ import annotations

import math

import numpy as np

from losscli.core.terms import Terms
from losscli.families.classification.numpy_terms import cross_entropy


def kl_div(*, pred: np.ndarray, target: np.ndarray, log_target: bool) -> Terms:
    """ℓᵢ = yᵢ·log yᵢ − yᵢ·xᵢ (0·log 0 = 0); with log_target ℓᵢ = exp(yᵢ)·(yᵢ − xᵢ)."""
    if log_target:
        return Terms(np.exp(target) * (target - pred))
    xlogy = np.where(target == 0, 0, target * np.log(target))
    return Terms(xlogy - target * pred)


def poisson_nll(
    *, pred: np.ndarray, target: np.ndarray, log_input: bool, full: bool, eps: float
) -> Terms:
    """ℓᵢ = exp(xᵢ) − yᵢ·xᵢ (log_input), or xᵢ − yᵢ·log(xᵢ + ε); full adds Stirling's term."""
    if log_input:
        values = np.exp(pred) - target * pred
    else:
        values = pred - target * np.log(pred + eps)
    if full:
        counted = target > 1
        y = np.where(counted, target, 2.0).astype(pred.dtype, copy=False)
        stirling = y * np.log(y) - y + 0.5 * np.log(2 * math.pi * y)
        values = values + np.where(counted, stirling, 0)
    return Terms(values, details={"λ": (lambda: np.exp(pred)) if log_input else pred})


def gaussian_nll(
    *, pred: np.ndarray, target: np.ndarray, var: np.ndarray, full: bool, eps: float
) -> Terms:
    """ℓᵢ = ½·(log max(σᵢ², ε) + (xᵢ − yᵢ)² / max(σᵢ², ε)) (+ ½·log 2π with full)."""
    if var.ndim and var.shape != pred.shape and var.shape == pred.shape[:-1]:
        var = var[..., None]
    var = np.maximum(var, eps)
    values = 0.5 * (np.log(var) + (pred - target) ** 2 / var)
    if full:
        values = values + 0.5 * math.log(2 * math.pi)
    return Terms(values, details={"(x−y)²": (pred - target) ** 2})


def linear_cross_entropy(
    *,
    pred: np.ndarray,
    linear_weight: np.ndarray,
    target: np.ndarray,
    linear_bias: np.ndarray | None,
    weight: np.ndarray | None,
    ignore_index: int,
    label_smoothing: float,
) -> Terms:
    """Cross-entropy of the logits z = x·Wᵀ + b."""
    logits = pred @ linear_weight.T
    if linear_bias is not None:
        logits = logits + linear_bias
    return cross_entropy(pred=logits, target=target, weight=weight, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)
