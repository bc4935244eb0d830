"""Preference losses in PyTorch: one term per pair, gradients by autograd.

DPO (Rafailov et al. 2023) and its TRL variants, SimPO (Meng et al. 2024) and ORPO's
odds-ratio term (Hong et al. 2024); the formulas are those of TRL's trainers
(trl/trainer/dpo_trainer.py v0.19.0, trl/experimental/{cpo,orpo} v1.9.0).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def _dpo_values(z: torch.Tensor, margin: torch.Tensor, beta: float, loss_type: str,
                label_smoothing: float) -> torch.Tensor:
    eps = label_smoothing
    if loss_type == "hinge":
        return torch.relu(1 - margin)
    if loss_type == "ipo":
        return (z - 1 / (2 * beta)) ** 2
    if loss_type == "robust":
        return (-(1 - eps) * F.logsigmoid(margin) + eps * F.logsigmoid(-margin)) / (1 - 2 * eps)
    return -(1 - eps) * F.logsigmoid(margin) - eps * F.logsigmoid(-margin)


def dpo_terms(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta, loss_type,
         label_smoothing) -> Terms:
    chosen = beta * (policy_chosen - ref_chosen)
    rejected = beta * (policy_rejected - ref_rejected)
    z = (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected)
    margin = beta * z
    values = _dpo_values(z, margin, beta, loss_type, label_smoothing)
    details = {"reward margin": margin.detach(), "chosen reward": chosen.detach(),
               "rejected reward": rejected.detach()}
    return Terms(values, details=details)


def dpo(*, policy_chosen: torch.Tensor, policy_rejected: torch.Tensor,
        ref_chosen: torch.Tensor, ref_rejected: torch.Tensor, beta: float, loss_type: str,
        label_smoothing: float) -> Terms:
    """ℓᵢ of DPO's loss_type with z = (πc − πr) − (refc − refr) and margin m = β·z.

    sigmoid: −(1 − ε)·log σ(m) − ε·log σ(−m) (conservative DPO; TRL v0.19); hinge:
    max(0, 1 − m); ipo: (z − 1/(2β))²; robust: (−(1 − ε)·log σ(m) + ε·log σ(−m))/(1 − 2ε).
    The details are TRL's implicit rewards β·(log π − log π_ref) and their margin.
    """
    return dpo_terms(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta, loss_type,
                label_smoothing)


def simpo(*, chosen: torch.Tensor, rejected: torch.Tensor, chosen_length: torch.Tensor,
          rejected_length: torch.Tensor, beta: float, gamma: float) -> Terms:
    """ℓᵢ = −log σ(β·(cᵢ/|cᵢ| − rᵢ/|rᵢ|) − γ) (SimPO; TRL CPOTrainer loss_type='simpo')."""
    avg_chosen = chosen / chosen_length
    avg_rejected = rejected / rejected_length
    margin = beta * (avg_chosen - avg_rejected) - gamma
    details = {"reward margin": (margin + gamma).detach(), "avg chosen": avg_chosen.detach(),
               "avg rejected": avg_rejected.detach()}
    return Terms(-F.logsigmoid(margin), details=details)


def log1mexp(x: torch.Tensor) -> torch.Tensor:
    """log(1 − eˣ) for x < 0: log(−expm1 x) above −ln 2, log1p(−eˣ) below (Mächler 2012)."""
    near = x > -math.log(2)
    return torch.where(near, torch.log(-torch.expm1(torch.where(near, x, -1.0))),
                       torch.log1p(-torch.exp(torch.where(near, -1.0, x))))


def odds_ratio_terms(chosen: torch.Tensor, rejected: torch.Tensor, beta: float, log1m) -> Terms:
    log_odds = (chosen - rejected) - (log1m(chosen) - log1m(rejected))
    return Terms(-beta * F.logsigmoid(log_odds), details={"log odds": log_odds.detach()})


def orpo(*, chosen: torch.Tensor, rejected: torch.Tensor, beta: float) -> Terms:
    """ℓᵢ = −β·log σ((c − r) − (log(1 − eᶜ) − log(1 − eʳ))), ORPO's odds-ratio term (TRL v1.9
    computes log(1 − eˣ) as log1mexp; its ``losses`` are −ℓᵢ)."""
    return odds_ratio_terms(chosen, rejected, beta, log1mexp)
