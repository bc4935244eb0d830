"""Likelihood-based losses: KL divergence, Poisson and Gaussian NLL (PyTorch semantics)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms
from losscli.families.classification.torch_terms import cross_entropy


def kl_div(*, pred: torch.Tensor, target: torch.Tensor, log_target: bool) -> Terms:
    """ℓᵢ = yᵢ·(log yᵢ − xᵢ), 0 where yᵢ = 0; with log_target ℓᵢ = exp(yᵢ)·(yᵢ − xᵢ).

    x holds log-probabilities (torch.nn.KLDivLoss); Σ ℓᵢ over a distribution is KL(y ‖ exp x).
    """
    return Terms(F.kl_div(pred, target, reduction="none", log_target=log_target))


def poisson_nll(
    *, pred: torch.Tensor, target: torch.Tensor, log_input: bool, full: bool, eps: float
) -> Terms:
    """ℓᵢ = exp(xᵢ) − yᵢ·xᵢ (log_input), or xᵢ − yᵢ·log(xᵢ + ε).

    With full, Stirling's term yᵢ·log yᵢ − yᵢ + ½·log(2π·yᵢ) is added where yᵢ > 1
    (torch.nn.PoissonNLLLoss).
    """
    values = F.poisson_nll_loss(pred, target, log_input=log_input, eps=eps, reduction="none")
    if full:
        # Written with a safe y so that the gradient with respect to y is finite where y <= 1.
        counted = target > 1
        y = torch.where(counted, target, torch.full_like(target, 2.0))
        stirling = y * y.log() - y + 0.5 * (2 * math.pi * y).log()
        values = values + torch.where(counted, stirling, torch.zeros_like(stirling))
    rate = pred.exp() if log_input else pred
    return Terms(values, details={"λ": rate.detach()})


def gaussian_nll(
    *, pred: torch.Tensor, target: torch.Tensor, var: torch.Tensor, full: bool, eps: float
) -> Terms:
    """ℓᵢ = ½·(log max(σᵢ², ε) + (xᵢ − yᵢ)² / max(σᵢ², ε)) (+ ½·log 2π with full).

    σ² is per element, per row or a single number (torch.nn.GaussianNLLLoss; the clamp at
    ε is applied without gradient, as in PyTorch).
    """
    if var.dim() == 0:
        var = var.expand_as(pred)
    values = F.gaussian_nll_loss(pred, target, var, full=full, eps=eps, reduction="none")
    return Terms(values, details={"(x−y)²": ((pred - target) ** 2).detach()})


def linear_cross_entropy(
    *,
    pred: torch.Tensor,
    linear_weight: torch.Tensor,
    target: torch.Tensor,
    linear_bias: torch.Tensor | None,
    weight: torch.Tensor | None,
    ignore_index: int,
    label_smoothing: float,
) -> Terms:
    """Cross-entropy of the logits z = x·Wᵀ + b (torch.nn.LinearCrossEntropyLoss).

    The terms and the weighted mean are those of cross-entropy on z.
    """
    return cross_entropy(
        pred=F.linear(pred, linear_weight, linear_bias),
        target=target,
        weight=weight,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
    )


def _kl_to_mean(a: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """Σ_hw a·log(a/m), 0 where a = 0 (m = 0 only where a = 0 too).

    Where a = 0 the term and its gradient are 0 (torch.xlogy's convention), so autograd
    stays finite there; the logs only see positive arguments.
    """
    positive = a > 0
    safe_a = torch.where(positive, a, torch.ones_like(a))
    safe_m = torch.where(positive, m, torch.ones_like(m))
    return (torch.xlogy(a, safe_a) - torch.xlogy(a, safe_m)).sum(dim=(-2, -1))


def js_div(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓ(b, n) = ½·KL(Q ‖ M) + ½·KL(P ‖ M), M = (P + Q)/2, sums over H·W (kornia js_div_loss_2d).

    P = pred, Q = target; 0·log 0 = 0, so a pixel where both maps are 0 adds 0.
    """
    m = 0.5 * (pred + target)
    kl_target, kl_pred = _kl_to_mean(target, m), _kl_to_mean(pred, m)
    return Terms(
        0.5 * kl_target + 0.5 * kl_pred,
        details={"KL(Q‖M)": kl_target.detach(), "KL(P‖M)": kl_pred.detach()},
        shown_inputs=(),
    )


def generalized_kl(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓ = Σ_c tᶜ·(log tᶜ − xᶜ) + exp(xᶜ) − tᶜ over the last axis (optax generalized_kl_divergence).

    x = log p; t·log t = 0 at t = 0 (with a zero gradient there, as torch.xlogy).
    """
    safe_t = torch.where(target > 0, target, torch.ones_like(target))
    kl = torch.xlogy(target, safe_t) - target * pred
    mass = pred.exp() - target
    return Terms((kl + mass).sum(dim=-1),
                 details={"Σ t·log(t/p)": kl.sum(dim=-1).detach(),
                          "Σ (p − t)": mass.sum(dim=-1).detach()})


def _distilled(pred: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """T²·Σ_c q·(log q − log p), q = softmax(t/T), p = softmax(s/T), one value per row."""
    log_p = F.log_softmax(pred / temperature, dim=-1)
    log_q = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(log_p, log_q, reduction="none", log_target=True).sum(dim=-1)
    return temperature**2 * kl


def distillation(
    *,
    pred: torch.Tensor,
    teacher: torch.Tensor,
    target: torch.Tensor | None,
    temperature: float,
    alpha: float,
) -> Terms:
    """ℓᵢ = T²·KL(softmax(tᵢ/T) ‖ softmax(sᵢ/T)); with a target α·that + (1 − α)·CE(sᵢ, yᵢ).

    Hinton, Vinyals and Dean 2015; the KL is summed over classes (timm's batchmean).
    """
    kd = _distilled(pred, teacher, temperature)
    if target is None:
        return Terms(kd, details={"T²·KL": kd.detach()})
    ce = F.cross_entropy(pred, target, reduction="none")
    return Terms(alpha * kd + (1 - alpha) * ce,
                 details={"T²·KL": kd.detach(), "CE": ce.detach()})
