"""Log loss as other libraries compute it (``--convention``): scikit-learn's renormalised
rows, Keras's clip, PyTorch's per-row cross-entropy; Keras's elementwise hinge loss. Each
function returns the library's unreduced terms.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import last_axis_mean, weighted
from losscli.families._shared.torch_terms import Terms, clipped_bce, some_samples


def _two_columns(pred: torch.Tensor) -> torch.Tensor:
    return torch.stack((1 - pred, pred), dim=1) if pred.dim() == 1 else pred


def _indicator(target: torch.Tensor, probs: torch.Tensor) -> torch.Tensor:
    if target.shape == probs.shape:
        return target.to(probs.dtype)
    return torch.zeros_like(probs).scatter(1, target.long().unsqueeze(1), 1.0)


def _sample_weighted(values, sample_weight, **extra) -> Terms:
    if sample_weight is None:
        return Terms(values, **extra)
    w = sample_weight.to(values.dtype)
    return Terms(values * w, weights=w, weight_symbol="wᵢ", **extra)


def sklearn_renormalised_log_loss(*, pred, target, sample_weight, eps: float | None) -> Terms:
    """sklearn.metrics.log_loss before 1.5: clip to [eps, 1 − eps], then rows divided by their sum.

    eps = 1e-15 up to 1.1, the dtype's epsilon ('auto') from 1.2; a (N) pred is clipped
    before it becomes [1 − p, p]. Renormalising was removed in 1.5.
    """
    some_samples(pred)
    eps = torch.finfo(pred.dtype).eps if eps is None else eps
    probs = _two_columns(pred.clamp(eps, 1 - eps))
    probs = probs / probs.sum(dim=1, keepdim=True)
    onehot = _indicator(target, probs)
    values = -(onehot * torch.log(probs)).sum(dim=1)
    return _sample_weighted(values, sample_weight,
                            details={"p[y] renormalised": (onehot * probs).sum(dim=1)})


def keras_log_loss(*, pred, target, sample_weight, eps: float) -> Terms:
    """Keras 3.15.1 on probabilities: CategoricalCrossentropy for (N, C) (rows renormalised,
    clipped to [eps, 1 − eps]); BinaryCrossentropy on the (N, 1) column for (N).

    A sample_weight multiplies the terms and sum_over_batch_size still divides by N.
    """
    if pred.dim() == 1:
        values = clipped_bce(pred, target.to(pred.dtype), eps)
    else:
        probs = (pred / pred.sum(dim=1, keepdim=True)).clamp(eps, 1 - eps)
        values = -(_indicator(target, probs) * torch.log(probs)).sum(dim=1)
    return Terms(values if sample_weight is None else values * sample_weight.to(values.dtype))


def torch_log_loss(*, pred, target, sample_weight) -> Terms:
    """PyTorch: nll_loss(log p, y) for (N, C) (no clip: p = 0 gives inf); BCELoss for (N)
    probabilities of class 1 (each log clamped at −100)."""
    if sample_weight is not None:
        raise InputError("PyTorch's nll_loss and BCELoss take class weights, not per-sample "
                         "weights", argument="--sample-weight")
    if pred.dim() == 1:
        return Terms(F.binary_cross_entropy(pred, target.to(pred.dtype), reduction="none"))
    return Terms(-torch.xlogy(_indicator(target, pred), pred).sum(dim=1))


def keras_hinge(*, pred, target, sample_weight) -> Terms:
    """keras.losses.Hinge (Keras 3.15.1, losses.py hinge): y = 2·t − 1 when every label is 0
    or 1 (else t as given), ℓ = mean_last max(1 − y·x, 0): one term per sample, times the
    sample weights."""
    y = target.to(pred.dtype)
    if bool(((y == 0) | (y == 1)).all()):
        y = 2 * y - 1
    return weighted(last_axis_mean(torch.clamp(1 - y * pred, min=0)), sample_weight)
