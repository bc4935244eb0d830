"""Cross-entropy family losses as other libraries compute them (``--convention``).

Binary cross-entropy and softmax cross-entropy with label smoothing (log loss is in
:mod:`losscli.families.classical.convention_terms`, the KL divergence in
:mod:`losscli.families.probabilistic.convention_terms`). The libraries differ in their clips
(Keras clips probabilities to [1e-7, 1 − 1e-7]; PyTorch clamps each log at −100;
scikit-learn clips at the dtype's epsilon), in how label smoothing spreads ε, and in their
unit of reduction (Keras and optax reduce over the class axis first: one term per sample).
Each function returns the library's unreduced terms.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import last_axis_mean, weighted
from losscli.families._shared.torch_terms import Terms, class_dim, clipped_bce, some_samples


def keras_bce(*, pred, target, weight, sample_weight, eps: float) -> Terms:
    """keras.losses.BinaryCrossentropy() (Keras 3.15.1): probabilities clipped to [eps, 1 − eps],
    then the mean over the last axis (one term per sample), times the sample weights."""
    if weight is not None:
        raise InputError("Keras's BinaryCrossentropy takes a per-sample weight: use "
                         "--sample-weight, not an elementwise --weight", argument="--weight")
    return weighted(last_axis_mean(clipped_bce(pred, target, eps)), sample_weight)


def sklearn_bce(*, pred, target, weight) -> Terms:
    """sklearn.metrics.log_loss(y.ravel(), p.ravel(), labels=[0, 1]) (scikit-learn 1.9.1).

    Every element is a sample; p clipped to [eps, 1 − eps], eps the dtype's machine epsilon;
    ``weight`` is its sample_weight, so the mean divides by Σ w.
    """
    if bool(((target != 0) & (target != 1)).any()):
        raise InputError("scikit-learn's log_loss takes 0/1 labels", argument="--target")
    some_samples(pred)
    values = clipped_bce(pred, target, torch.finfo(pred.dtype).eps)
    if weight is None:
        return Terms(values)
    w = weight.expand_as(values).to(values.dtype)
    return Terms(values * w, weights=w, weight_symbol="wᵢ")


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


def keras_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing,
                        sample_weight) -> Terms:
    """keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε) (Keras 3.15.1).

    y·(1 − ε) + ε/C against log_softmax: one term per sample. Class weights (fit's
    class_weight) become sample weights w[yᵢ], and sum_over_batch_size divides by N, not Σ w;
    ``sample_weight`` multiplies the terms as well.
    """
    _no_ignored(target, ignore_index, "Keras's CategoricalCrossentropy")
    dim, y = _smoothed(pred, target, label_smoothing)
    values = -(y * F.log_softmax(pred, dim=dim)).sum(dim=dim)
    if weight is not None:
        if target.is_floating_point():
            raise InputError("Keras's class_weight needs class indices", argument="--weight")
        values = values * weight[target].to(values.dtype)
    return weighted(values, sample_weight)


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
