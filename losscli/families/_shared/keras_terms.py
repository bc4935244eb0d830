"""Keras's reduction of per-sample losses with a ``sample_weight`` (``--convention keras``).

Keras 3.15.1 (keras/src/losses/loss.py ``Loss.__call__``, ``reduce_weighted_values``,
``squeeze_or_expand_to_same_rank``, ``reduce_values``): each loss function first reduces
over the last axis (a mean for MSE, MAE, Huber, binary cross-entropy, Poisson; a sum for KL
and categorical cross-entropy), giving one loss ℓ_b per sample (per timestep for 3-d
inputs). A ``sample_weight`` whose rank differs from the losses' by one through a trailing
dimension of 1 is squeezed to match ((N, 1) → (N); (N, T, 1) → (N, T)); it then multiplies
the losses with broadcasting (a scalar scales all). The reduction
``sum_over_batch_size`` (losscli's ``mean`` under this convention, see
:mod:`losscli.engine.convention_rules`) is Σ w_b·ℓ_b / n with n the number of weighted
losses, whatever the weights (zero weights still count in n); ``sum`` is Σ w_b·ℓ_b and
``none`` the weighted per-sample losses. ``mean_with_sample_weight`` (``--keras-reduction``)
divides by the sum of the weights as given (rank-aligned, not broadcast): the terms carry
each one's share of that sum as their ``weights``.
"""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.families._shared.torch_terms import Terms


def last_axis_mean(values: torch.Tensor) -> torch.Tensor:
    """Keras's per-sample loss of an elementwise loss: the mean over the last axis."""
    return values.mean(dim=-1) if values.dim() else values


def last_axis_sum(values: torch.Tensor) -> torch.Tensor:
    """Keras's per-sample loss of a distribution loss (KL, categorical): the last-axis sum."""
    return values.sum(dim=-1) if values.dim() else values


def weighted(per_sample: torch.Tensor, sample_weight: torch.Tensor | float | None,
             details: dict | None = None) -> Terms:
    """Keras's per-sample losses times ``sample_weight`` (None: unweighted), as terms."""
    details = dict(details or {})
    if sample_weight is None:
        return Terms(per_sample, details=details)
    weight = torch.as_tensor(sample_weight, dtype=per_sample.dtype, device=per_sample.device)
    if weight.dim() == per_sample.dim() + 1 and weight.shape[-1] == 1:
        weight = weight.squeeze(-1)
    elif per_sample.dim() == weight.dim() + 1 and per_sample.shape[-1] == 1:
        weight = weight.unsqueeze(-1)
    try:
        shape = torch.broadcast_shapes(per_sample.shape, weight.shape)
    except RuntimeError:
        raise InputError(
            f"shape {tuple(weight.shape)} does not broadcast against Keras's per-sample losses "
            f"{tuple(per_sample.shape)}: give a scalar, one weight per sample or per timestep",
            argument="--sample-weight",
        ) from None
    values = per_sample.expand(shape) * weight.expand(shape)
    details = {k: v.expand(shape) if v.dim() else v for k, v in details.items()}
    details["ℓ before sample_weight"] = per_sample.expand(shape)
    details["sample_weight"] = weight.expand(shape)
    # Σ of these shares is Σ of the weights as given (a broadcast weight counts once).
    share = weight.expand(shape) * (weight.numel() / max(values.numel(), 1))
    return Terms(values, details=details, weights=share)
