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


def _kl_to_mean(a: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Σ_hw a·log(a/m), 0 where a = 0."""
    positive = a > 0
    ratio = np.where(positive, a, 1) / np.where(positive, m, 1)
    return np.where(positive, a * np.log(ratio), 0).sum(axis=(-2, -1))


def js_div(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓ(b, n) = ½·KL(Q ‖ M) + ½·KL(P ‖ M), M = (P + Q)/2, sums over H·W."""
    m = 0.5 * (pred + target)
    kl_target, kl_pred = _kl_to_mean(target, m), _kl_to_mean(pred, m)
    return Terms(0.5 * kl_target + 0.5 * kl_pred,
                 details={"KL(Q‖M)": kl_target, "KL(P‖M)": kl_pred}, shown_inputs=())


def generalized_kl(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """ℓ = Σ_c tᶜ·(log tᶜ − xᶜ) + exp(xᶜ) − tᶜ over the last axis, 0·log 0 = 0."""
    kl = np.where(target > 0, target * np.log(np.where(target > 0, target, 1)), 0) - target * pred
    mass = np.exp(pred) - target
    return Terms((kl + mass).sum(axis=-1),
                 details={"Σ t·log(t/p)": kl.sum(axis=-1), "Σ (p − t)": mass.sum(axis=-1)})


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def distillation(
    *,
    pred: np.ndarray,
    teacher: np.ndarray,
    target: np.ndarray | None,
    temperature: float,
    alpha: float,
) -> Terms:
    """ℓᵢ = T²·KL(softmax(tᵢ/T) ‖ softmax(sᵢ/T)); with a target α·that + (1 − α)·CE(sᵢ, yᵢ)."""
    log_p = _log_softmax(pred / temperature)
    log_q = _log_softmax(teacher / temperature)
    kd = temperature**2 * (np.exp(log_q) * (log_q - log_p)).sum(axis=-1)
    if target is None:
        return Terms(kd, details={"T²·KL": kd})
    log_s = _log_softmax(pred)
    ce = -np.take_along_axis(log_s, target.astype(np.int64)[..., None], axis=-1)[..., 0]
    return Terms(alpha * kd + (1 - alpha) * ce, details={"T²·KL": kd, "CE": ce})
