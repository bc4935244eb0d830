"""Preference losses in numpy (twins of the family's torch terms; no torch)."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import log_sigmoid


def dpo(*, policy_chosen: np.ndarray, policy_rejected: np.ndarray, ref_chosen: np.ndarray,
        ref_rejected: np.ndarray, beta: float, loss_type: str,
        label_smoothing: float) -> Terms:
    """ℓᵢ of DPO's loss_type (sigmoid with ε, hinge, ipo, robust), m = β·z."""
    eps = label_smoothing
    z = (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected)
    margin = beta * z
    if loss_type == "hinge":
        values = np.maximum(1 - margin, 0)
    elif loss_type == "ipo":
        values = (z - 1 / (2 * beta)) ** 2
    elif loss_type == "robust":
        values = (-(1 - eps) * log_sigmoid(margin) + eps * log_sigmoid(-margin)) / (1 - 2 * eps)
    else:
        values = -(1 - eps) * log_sigmoid(margin) - eps * log_sigmoid(-margin)
    details = {"reward margin": margin, "chosen reward": beta * (policy_chosen - ref_chosen),
               "rejected reward": beta * (policy_rejected - ref_rejected)}
    return Terms(values.astype(z.dtype, copy=False), details=details)


def simpo(*, chosen: np.ndarray, rejected: np.ndarray, chosen_length: np.ndarray,
          rejected_length: np.ndarray, beta: float, gamma: float) -> Terms:
    """ℓᵢ = −log σ(β·(cᵢ/|cᵢ| − rᵢ/|rᵢ|) − γ)."""
    avg_chosen, avg_rejected = chosen / chosen_length, rejected / rejected_length
    reward_margin = beta * (avg_chosen - avg_rejected)
    values = -log_sigmoid(reward_margin - gamma)
    details = {"reward margin": reward_margin, "avg chosen": avg_chosen,
               "avg rejected": avg_rejected}
    return Terms(values.astype(chosen.dtype, copy=False), details=details)


def log1mexp(x: np.ndarray) -> np.ndarray:
    """log(1 − eˣ) for x < 0: log(−expm1 x) above −ln 2, log1p(−eˣ) below."""
    near = x > -np.log(2)
    with np.errstate(divide="ignore"):
        return np.where(near, np.log(-np.expm1(np.where(near, x, -1.0))),
                        np.log1p(-np.exp(np.where(near, -1.0, x)))).astype(x.dtype, copy=False)


def orpo(*, chosen: np.ndarray, rejected: np.ndarray, beta: float) -> Terms:
    """ℓᵢ = −β·log σ((c − r) − (log(1 − eᶜ) − log(1 − eʳ)))."""
    log_odds = (chosen - rejected) - (log1mexp(chosen) - log1mexp(rejected))
    values = -beta * log_sigmoid(log_odds)
    return Terms(values.astype(chosen.dtype, copy=False), details={"log odds": log_odds})
