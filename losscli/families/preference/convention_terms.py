"""DPO and ORPO as other TRL releases compute them (``--convention``): unreduced terms."""

from __future__ import annotations

import torch

from losscli.families._shared.torch_terms import Terms
from losscli.families.preference.torch_terms import dpo_terms, odds_ratio_terms


def dpo_trl_v1(*, policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta: float,
               loss_type: str, label_smoothing: float) -> Terms:
    """TRL v1.9.0 DPOTrainer._compute_loss: as v0.19, but sigmoid is −log σ(β·z) whatever
    label_smoothing is (only robust, exo_pair and aot read it)."""
    smoothing = 0.0 if loss_type == "sigmoid" else label_smoothing
    return dpo_terms(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta, loss_type,
                smoothing)


def orpo_naive(*, chosen, rejected, beta: float) -> Terms:
    """TRL v0.19.0 ORPOTrainer.odds_ratio_loss: log(1 − eˣ) written log1p(−exp(x))."""
    return odds_ratio_terms(chosen, rejected, beta, lambda x: torch.log1p(-torch.exp(x)))
