"""Cross-entropy family losses as other libraries compute them (``--convention``).

Binary cross-entropy, log loss, softmax cross-entropy with label smoothing and the KL
divergence. The libraries differ in their clips (Keras clips probabilities to
[1e-7, 1 − 1e-7]; PyTorch clamps each log at −100; scikit-learn clips at the dtype's
epsilon, 1e-15 up to 1.1), in renormalising rows, in how label smoothing spreads ε, and in
their unit of reduction (Keras and optax reduce over the class axis first: one term per
sample). Each function returns the library's unreduced terms.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.errors import InputError
from losscli.losses._terms import Terms, class_dim


def _last_axis_mean(values: torch.Tensor) -> torch.Tensor:
    """Keras's per-sample loss: the mean over the last axis (a scalar stays one)."""
    return values.mean(dim=-1) if values.dim() else values


def _clipped_bce(p: torch.Tensor, t: torch.Tensor, eps: float) -> torch.Tensor:
    c = p.clamp(eps, 1 - eps)
    return -(t * torch.log(c) + (1 - t) * torch.log(1 - c))


def keras_bce(*, pred, target, weight, eps: float) -> Terms:
    """keras.losses.BinaryCrossentropy() (Keras 3.15.1): probabilities clipped to [eps, 1 − eps],
    then the mean over the last axis (one term per sample)."""
    if weight is not None:
        raise InputError("Keras's BinaryCrossentropy takes a per-sample sample_weight in its "
                         "call, not an elementwise weight", argument="--weight")
    return Terms(_last_axis_mean(_clipped_bce(pred, target, eps)))


def sklearn_bce(*, pred, target, weight) -> Terms:
    """sklearn.metrics.log_loss(y.ravel(), p.ravel(), labels=[0, 1]) (scikit-learn 1.9.1).

    Every element is a sample; p clipped to [eps, 1 − eps], eps the dtype's machine epsilon;
    ``weight`` is its sample_weight, so the mean divides by Σ w.
    """
    if bool(((target != 0) & (target != 1)).any()):
        raise InputError("scikit-learn's log_loss takes 0/1 labels", argument="--target")
    _some_samples(pred)
    values = _clipped_bce(pred, target, torch.finfo(pred.dtype).eps)
    if weight is None:
        return Terms(values)
    w = weight.expand_as(values).to(values.dtype)
    return Terms(values * w, weights=w, weight_symbol="wᵢ")


def _some_samples(pred: torch.Tensor) -> None:
    """scikit-learn's check_array: 'Found array with 0 sample(s) ... while a minimum of 1 is
    required' (a ValueError, not a NaN mean)."""
    if pred.numel() == 0:
        raise InputError("scikit-learn's log_loss needs at least 1 sample, got none",
                         argument="--pred")


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
    _some_samples(pred)
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
        values = _clipped_bce(pred, target.to(pred.dtype), eps)
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


def _no_ignored(target, ignore_index, library: str) -> None:
    if not target.is_floating_point() and bool((target == ignore_index).any()):
        raise InputError(f"{library} has no ignore_index", argument="--target")


def _smoothed(pred, target, label_smoothing: float) -> tuple[int, torch.Tensor]:
    """(class dim, (1 − ε)·y + ε/C) with y one-hot or the given probabilities."""
    dim = class_dim(pred)
    classes = pred.shape[dim]
    if target.is_floating_point():
        y = target
    else:
        y = F.one_hot(target, classes).movedim(-1, dim).to(pred.dtype)
    return dim, y * (1 - label_smoothing) + label_smoothing / classes


def keras_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing) -> Terms:
    """keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε) (Keras 3.15.1).

    y·(1 − ε) + ε/C against log_softmax: one term per sample. Class weights (fit's
    class_weight) become sample weights w[yᵢ], and sum_over_batch_size divides by N, not Σ w.
    """
    _no_ignored(target, ignore_index, "Keras's CategoricalCrossentropy")
    dim, y = _smoothed(pred, target, label_smoothing)
    values = -(y * F.log_softmax(pred, dim=dim)).sum(dim=dim)
    if weight is None:
        return Terms(values)
    if target.is_floating_point():
        raise InputError("Keras's class_weight needs class indices", argument="--weight")
    return Terms(values * weight[target].to(values.dtype))


def optax_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing) -> Terms:
    """optax.softmax_cross_entropy(x, optax.smooth_labels(y, ε)) (optax 0.2.8): no class weights."""
    if weight is not None:
        raise InputError("optax's softmax_cross_entropy has no class weights",
                         argument="--weight")
    _no_ignored(target, ignore_index, "optax's softmax_cross_entropy")
    dim, y = _smoothed(pred, target, label_smoothing)
    return Terms(-(y * F.log_softmax(pred, dim=dim)).sum(dim=dim))


def fairseq_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing) -> Terms:
    """fairseq label_smoothed_nll_loss (criterions/label_smoothed_cross_entropy.py).

    ε_i = ε/(C − 1); ℓ = (1 − ε − ε_i)·(−log p_y) + ε_i·Σ_c (−log p_c): the true class keeps
    1 − ε and each other class gets ε/(C − 1). Padding (ignore_index) adds 0 and the mean
    divides by the tokens kept (fairseq's sample_size = ntokens).
    """
    if weight is not None:
        raise InputError("fairseq's criterion has no class weights", argument="--weight")
    if target.is_floating_point():
        raise InputError("fairseq's criterion takes class indices", argument="--target")
    dim = class_dim(pred)
    classes = pred.shape[dim]
    if classes < 2:
        raise InputError("fairseq's label smoothing needs at least 2 classes", argument="--pred")
    log_p = F.log_softmax(pred, dim=dim)
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0)
    nll = -log_p.gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    smooth = -log_p.sum(dim=dim)
    eps_i = label_smoothing / (classes - 1)
    values = ((1 - label_smoothing - eps_i) * nll + eps_i * smooth).masked_fill(ignored, 0.0)
    return Terms(values, weights=(~ignored).to(values.dtype), ignored=ignored,
                 ignore_reason=f"target = ignore_index ({ignore_index})",
                 details={"−log p[y]": nll, "Σ −log p": smooth})


def keras_kl_div(*, pred, target, log_target: bool, eps: float) -> Terms:
    """keras.losses.KLDivergence() (Keras 3.15.1) on probabilities: y_pred = exp(input).

    Both clipped to [eps, 1], ℓ = Σ_last y·log(y / ŷ): one term per sample.
    """
    y = (target.exp() if log_target else target).clamp(eps, 1)
    y_hat = pred.exp().clamp(eps, 1)
    values = y * torch.log(y / y_hat)
    return Terms(values.sum(dim=-1) if values.dim() else values)


def optax_kl_div(*, pred, target, log_target: bool) -> Terms:
    """optax.kl_divergence(log_predictions, targets) (optax 0.2.8): Σ_last t·(log t − x), 0 where
    t = 0 (kl_divergence_with_log_targets for log targets): one term per sample."""
    if log_target:
        values = target.exp() * (target - pred)
    else:
        values = target * (torch.log(torch.where(target == 0, 1.0, target)) - pred)
    return Terms(values.sum(dim=-1) if values.dim() else values)
