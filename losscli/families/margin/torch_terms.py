"""Margin losses (PyTorch semantics)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def multi_margin(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    p: int,
    margin: float,
    weight: torch.Tensor | None,
) -> Terms:
    """ℓᵢ = Σ_{c≠y} w[y]·max(0, margin − x_y + x_c)^p / C (torch.nn.MultiMarginLoss).

    Half precision on the CPU runs in float32 (PyTorch has no CPU kernel for it).
    """
    x = _cpu_kernel_dtype(pred)
    weight = None if weight is None else weight.to(x.dtype)
    values = F.multi_margin_loss(x, target, p=p, margin=margin, weight=weight, reduction="none")
    return Terms(values.to(pred.dtype))


def multilabel_margin(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = Σ_{j∈Y} Σ_{k∉Y} max(0, 1 − (x_j − x_k)) / C (torch.nn.MultiLabelMarginLoss).

    Half precision on the CPU runs in float32 (PyTorch has no CPU kernel for it).
    """
    values = F.multilabel_margin_loss(_cpu_kernel_dtype(pred), target, reduction="none")
    return Terms(values.to(pred.dtype))


def _cpu_kernel_dtype(x: torch.Tensor) -> torch.Tensor:
    """``x``, in float32 if it is float16/bfloat16 on the CPU."""
    if x.device.type == "cpu" and x.dtype in (torch.float16, torch.bfloat16):
        return x.float()
    return x


def soft_margin(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = log(1 + exp(−yᵢ·xᵢ)) (torch.nn.SoftMarginLoss).

    Written as logaddexp(0, −y·x), stable for large margins and differentiable in a
    floating-point y (F.soft_margin_loss refuses a y that requires grad).
    """
    margin = target.to(pred.dtype) * pred
    return Terms(torch.logaddexp(torch.zeros_like(margin), -margin), details={"y·x": margin})


def multilabel_soft_margin(
    *, pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None
) -> Terms:
    """ℓᵢ = −Σ_c w_c·[yᵢ,c·log σ(xᵢ,c) + (1 − yᵢ,c)·log σ(−xᵢ,c)] / C.

    One term per sample, classes on the last dimension (torch.nn.MultiLabelSoftMarginLoss).
    """
    return Terms(F.multilabel_soft_margin_loss(pred, target, weight=weight, reduction="none"))


def margin_ranking(
    *, input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor, margin: float
) -> Terms:
    """ℓᵢ = max(0, −yᵢ·(x1ᵢ − x2ᵢ) + margin) (torch.nn.MarginRankingLoss)."""
    target = target.to(input1.dtype)
    return Terms(
        F.margin_ranking_loss(input1, input2, target, margin=margin, reduction="none"),
        details={"x1 − x2": input1 - input2},
    )


def _hinge_labels(target: torch.Tensor) -> torch.Tensor:
    """Keras' convert_binary_labels_to_hinge: all labels in {0, 1} become 2y − 1."""
    binary = bool(((target == 0) | (target == 1)).all())
    return 2 * target - 1 if binary else target


def squared_hinge(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = Σ_c max(0, 1 − yᵢ,c·xᵢ,c)² / C over the last dimension (keras.losses.SquaredHinge)."""
    y = _hinge_labels(target.to(pred.dtype))
    hinge = torch.clamp(1 - y * pred, min=0)
    return Terms((hinge * hinge).mean(dim=-1), details={"y": y})


def categorical_hinge(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = max(0, max_c (1 − yᵢ,c)·xᵢ,c − Σ_c yᵢ,c·xᵢ,c + 1) (keras.losses.CategoricalHinge).

    Ties in the max share the gradient evenly (torch.amax); at the hinge's kink the
    slope 1 is taken (torch.clamp passes the gradient at its bound).
    """
    y = target.to(pred.dtype)
    pos = (y * pred).sum(dim=-1)
    neg = torch.amax((1 - y) * pred, dim=-1)
    return Terms(torch.clamp(neg - pos + 1, min=0), details={"pos": pos, "neg": neg})


def perceptron(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓᵢ = max_c xᵢ,c − xᵢ,yᵢ (optax.losses.multiclass_perceptron_loss).

    Ties in the max share the gradient evenly (torch.amax, as jax.numpy.max).
    """
    best = torch.amax(pred, dim=-1)
    true = pred.gather(-1, target.unsqueeze(-1)).squeeze(-1)
    return Terms(best - true, details={"max_c x_c": best, "x_y": true})
