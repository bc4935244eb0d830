"""Classical losses with scikit-learn's semantics: zero-one, hinge and log loss.

One term per sample. An optional ``sample_weight`` multiplies each term and the
mean divides by the sum of the weights, as ``numpy.average(..., weights=)`` does in
``sklearn.metrics``.
"""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.families._shared.torch_terms import Terms
from losscli.families.classical.checks import NO_SAMPLES


def _weighted(values: torch.Tensor, sample_weight: torch.Tensor | None, details: dict) -> Terms:
    if sample_weight is None:
        return Terms(values, details=details)
    weight = sample_weight.to(values.dtype)
    return Terms(values * weight, weights=weight, weight_symbol="wᵢ", details=details)


def zero_one(
    *, pred: torch.Tensor, target: torch.Tensor, sample_weight: torch.Tensor | None
) -> Terms:
    """ℓᵢ = 1 if the predicted label differs from yᵢ, else 0 (sklearn.metrics.zero_one_loss).

    The predicted label is ``pred`` itself for (N) labels, or the arg-max of each row
    of (N, C) scores (the first maximum on ties, as torch.argmax).
    """
    predicted = pred if pred.dim() == 1 else pred.argmax(dim=1)
    wrong = (predicted.long() != target.long()).to(torch.float64)
    if pred.is_floating_point():
        wrong = wrong.to(pred.dtype)
    return _weighted(wrong, sample_weight, {"predicted": predicted})


def hinge(
    *, pred: torch.Tensor, target: torch.Tensor, sample_weight: torch.Tensor | None
) -> Terms:
    """ℓᵢ = max(0, 1 − marginᵢ) (sklearn.metrics.hinge_loss).

    Binary, (N) decision values: marginᵢ = yᵢ·xᵢ with labels ±1 (0/1 labels are mapped
    0 → −1, 1 → +1). Multi-class, (N, C) scores: Crammer-Singer,
    marginᵢ = xᵢ,yᵢ − max_{c ≠ yᵢ} xᵢ,c.
    """
    if pred.dim() == 1:
        sign = torch.where(target > 0, 1.0, -1.0).to(pred.dtype)
        margin = sign * pred
        details = {"y (±1)": sign, "margin y·x": margin}
    else:
        labels = target.long().unsqueeze(1)
        true_score = pred.gather(1, labels).squeeze(1)
        others = pred.scatter(1, labels, float("-inf"))
        best_other = others.max(dim=1).values
        margin = true_score - best_other
        details = {"x[y]": true_score, "max other": best_other, "margin": margin}
    return _weighted(torch.clamp(1 - margin, min=0), sample_weight, details)


def log_loss(
    *, pred: torch.Tensor, target: torch.Tensor, sample_weight: torch.Tensor | None
) -> Terms:
    """ℓᵢ = −Σ_c yᵢ,c·log clip(pᵢ,c, eps, 1 − eps) (sklearn.metrics.log_loss, >= 1.5).

    eps is the machine epsilon of the compute dtype (scikit-learn >= 1.5 uses the
    epsilon of the probabilities' dtype; earlier versions took eps=1e-15 and
    renormalised the rows). (N) probabilities are those of class 1: p becomes
    [1 − p, p]. y is one-hot from class indices, or the given indicator matrix. No
    sample is an input error, as scikit-learn's check_array raises "Found array with 0
    sample(s)".
    """
    if pred.shape[0] == 0:
        raise InputError(NO_SAMPLES, argument="--pred")
    probs = torch.stack((1 - pred, pred), dim=1) if pred.dim() == 1 else pred
    eps = torch.finfo(probs.dtype).eps
    clipped = probs.clamp(eps, 1 - eps)
    if target.shape == probs.shape:
        onehot = target.to(probs.dtype)
    else:
        onehot = torch.zeros_like(probs).scatter(1, target.long().unsqueeze(1), 1.0)
    values = -(onehot * torch.log(clipped)).sum(dim=1)
    return _weighted(values, sample_weight, {"p[y] clipped": (onehot * clipped).sum(dim=1)})
