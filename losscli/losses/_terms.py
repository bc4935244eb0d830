"""The unreduced result of a loss function."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class Terms:
    """Per-element loss terms, and what the mean must divide by.

    ``values``: the terms ℓᵢ, already multiplied by any per-term weight.
    ``weights``: the per-term denominator weights of the mean (class weights w[yᵢ],
    0 for ignored targets); ``None`` means the plain mean over every term.
    ``ignored``: a boolean mask of terms left out (ignored targets), if any.
    ``weight_symbol``: how the rule names the weights ("w[yᵢ]" or "1").
    ``details``: per-term intermediate quantities (same shape as ``values``), shown
    in the table and used by explanations, e.g. ``{"p_t": ...}``.
    ``shown_inputs``: the inputs whose slice per term the table may show; ``None`` lets
    the table match shapes (element, or a row along the class or last dimension). Losses
    whose terms aggregate whole regions (Dice per sample and class) pass ``()``.
    ``mean_divisor``: a per-term divisor dᵢ for a mean Σ (ℓᵢ / dᵢ) / n (CTC's target
    lengths); ``divisor_symbol`` names it in the rule.
    """

    values: torch.Tensor
    weights: torch.Tensor | None = None
    ignored: torch.Tensor | None = None
    weight_symbol: str = "1"
    ignore_reason: str = ""
    details: dict[str, torch.Tensor] = field(default_factory=dict)
    shown_inputs: tuple[str, ...] | None = None
    mean_divisor: torch.Tensor | None = None
    divisor_symbol: str = "dᵢ"


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
