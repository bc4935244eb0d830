"""Margin losses (PyTorch semantics)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.losses._terms import Terms


def multi_margin(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    p: int,
    margin: float,
    weight: torch.Tensor | None,
) -> Terms:
    """ℓᵢ = Σ_{c≠y} w[y]·max(0, margin − x_y + x_c)^p / C (torch.nn.MultiMarginLoss)."""
    return Terms(
        F.multi_margin_loss(pred, target, p=p, margin=margin, weight=weight, reduction="none")
    )


def multilabel_margin(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = Σ_{j∈Y} Σ_{k∉Y} max(0, 1 − (x_j − x_k)) / C (torch.nn.MultiLabelMarginLoss)."""
    return Terms(F.multilabel_margin_loss(pred, target, reduction="none"))
