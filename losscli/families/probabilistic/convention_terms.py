"""The KL divergence as Keras and optax compute it (``--convention``): one term per
sample, summed over the last axis; Keras's Poisson loss, averaged over the last axis. Each
function returns the library's unreduced terms (Keras's times its sample weights).
"""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import last_axis_mean, last_axis_sum, weighted
from losscli.families._shared.torch_terms import Terms


def keras_kl_div(*, pred, target, log_target: bool, eps: float, sample_weight) -> Terms:
    """keras.losses.KLDivergence() (Keras 3.15.1) on probabilities: y_pred = exp(input).

    Both clipped to [eps, 1], ℓ = Σ_last y·log(y / ŷ): one term per sample.
    """
    y = (target.exp() if log_target else target).clamp(eps, 1)
    y_hat = pred.exp().clamp(eps, 1)
    return weighted(last_axis_sum(y * torch.log(y / y_hat)), sample_weight)


def optax_kl_div(*, pred, target, log_target: bool) -> Terms:
    """optax.kl_divergence(log_predictions, targets) (optax 0.2.8): Σ_last t·(log t − x), 0 where
    t = 0 (kl_divergence_with_log_targets for log targets): one term per sample."""
    if log_target:
        values = target.exp() * (target - pred)
    else:
        values = target * (torch.log(torch.where(target == 0, 1.0, target)) - pred)
    return Terms(values.sum(dim=-1) if values.dim() else values)


def scipy_js_div(*, pred, target) -> Terms:
    """scipy.spatial.distance.jensenshannon (SciPy 1.17.1) per (b, n) map, base e.

    Each map is divided by its sum, then √(½·KL(P ‖ M) + ½·KL(Q ‖ M)) (the distance).
    """
    from losscli.families.probabilistic.torch_terms import js_div

    p = pred / pred.sum(dim=(-2, -1), keepdim=True)
    q = target / target.sum(dim=(-2, -1), keepdim=True)
    return Terms(js_div(pred=p, target=q).values.clamp(min=0).sqrt())


def timm_distillation(*, pred, teacher, target, temperature: float, alpha: float) -> Terms:
    """timm LogitDistillationTask (v1.0.28) with its default weights 1 and 1:
    ℓᵢ = CE(sᵢ, yᵢ) + T²·KL(softmax(tᵢ/T) ‖ softmax(sᵢ/T)) (CE left out without a target)."""
    from losscli.families.probabilistic.torch_terms import distillation

    kd = distillation(pred=pred, teacher=teacher, target=None, temperature=temperature,
                      alpha=alpha).values
    if target is None:
        return Terms(kd)
    return Terms(kd + torch.nn.functional.cross_entropy(pred, target, reduction="none"))


def keras_poisson(*, pred, target, log_input: bool, full: bool, eps: float,
                  sample_weight) -> Terms:
    """keras.losses.Poisson() (Keras 3.15.1): ℓ = mean_last(λ − y·log(λ + ε)), ε = 1e-7, on
    the rate λ (the input, or exp(input) with --log-input); one term per sample, times the
    sample weights. Keras has no Stirling term."""
    if full:
        raise InputError("Keras's Poisson loss has no Stirling term (full)", argument="--full")
    rate = pred.exp() if log_input else pred
    return weighted(last_axis_mean(rate - target * torch.log(rate + eps)), sample_weight)
