"""Torch helpers of the loss functions; :class:`Terms` is shared by both backends."""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.core.terms import Terms

__all__ = ["Terms", "class_dim", "index_weights", "weight_dtype"]


def class_dim(pred: torch.Tensor) -> int:
    """The class dimension of a (C), (N, C) or (N, C, d1, ...) input."""
    return 0 if pred.dim() == 1 else 1


def index_weights(
    target: torch.Tensor, classes: int, weight: torch.Tensor | None, ignore_index: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(w[yᵢ] with 0 for ignored targets, the ignored mask) for class-index targets."""
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0).clamp(0, classes - 1)
    per_term = (
        weight[safe] if weight is not None else torch.ones_like(safe, dtype=weight_dtype(weight))
    )
    return per_term.masked_fill(ignored, 0), ignored


def weight_dtype(weight: torch.Tensor | None) -> torch.dtype:
    return weight.dtype if weight is not None else torch.get_default_dtype()


def some_samples(pred: torch.Tensor) -> None:
    """scikit-learn's check_array: 'Found array with 0 sample(s) ... while a minimum of 1 is
    required' (a ValueError, not a NaN mean)."""
    if pred.numel() == 0:
        raise InputError("scikit-learn's log_loss needs at least 1 sample, got none",
                         argument="--pred")


def clipped_bce(p: torch.Tensor, t: torch.Tensor, eps: float) -> torch.Tensor:
    c = p.clamp(eps, 1 - eps)
    return -(t * torch.log(c) + (1 - t) * torch.log(1 - c))
