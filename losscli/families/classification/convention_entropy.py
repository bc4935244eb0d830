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
from losscli.families.classification.z_loss import without_z_loss


def _keras_smoothing(target, label_smoothing: float):
    """Keras's binary label smoothing: y·(1 − ε) + 0.5·ε."""
    return target * (1 - label_smoothing) + 0.5 * label_smoothing


def _no_elementwise_weight(weight, library: str, argument: str = "--weight") -> None:
    if weight is not None:
        raise InputError(f"{library} takes a per-sample weight: use --sample-weight, not an "
                         "elementwise --weight", argument=argument)


def keras_bce(*, pred, target, weight, sample_weight, eps: float,
              label_smoothing: float = 0.0) -> Terms:
    """keras.losses.BinaryCrossentropy(label_smoothing=ε) (Keras 3.15.1): y·(1 − ε) + 0.5·ε,
    probabilities clipped to [eps, 1 − eps], then the mean over the last axis (one term per
    sample), times the sample weights."""
    _no_elementwise_weight(weight, "Keras's BinaryCrossentropy")
    smoothed = _keras_smoothing(target, label_smoothing)
    return weighted(last_axis_mean(clipped_bce(pred, smoothed, eps)), sample_weight)


def keras_bce_with_logits(*, pred, target, weight, pos_weight, sample_weight,
                          label_smoothing: float = 0.0) -> Terms:
    """keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=ε) (Keras 3.15.1).

    y·(1 − ε) + 0.5·ε, the exact BCE with logits (no clip on this path), then the mean over
    the last axis (one term per sample), times the sample weights.
    """
    _no_elementwise_weight(weight, "Keras's BinaryCrossentropy")
    if pos_weight is not None:
        raise InputError("Keras's BinaryCrossentropy has no pos_weight", argument="--pos-weight")
    smoothed = _keras_smoothing(target, label_smoothing)
    values = F.binary_cross_entropy_with_logits(pred, smoothed, reduction="none")
    return weighted(last_axis_mean(values), sample_weight)


def smp_soft_bce(*, pred, target, weight, pos_weight, ignore_index: int,
                 label_smoothing: float = 0.0) -> Terms:
    """segmentation_models_pytorch SoftBCEWithLogitsLoss(smooth_factor=s, ignore_index)
    (losses/soft_bce.py).

    y' = (1 − y)·s + y·(1 − s): 0 → s and 1 → 1 − s, twice Keras's shift for the same
    number; then torch's BCE with logits (weight, pos_weight). Elements whose target equals
    ignore_index are multiplied by 0 and still counted: the mean divides by every element.
    """
    ignored = target == ignore_index
    target = target.masked_fill(ignored, 0.0)
    smoothed = (1 - target) * label_smoothing + target * (1 - label_smoothing)
    values = F.binary_cross_entropy_with_logits(pred, smoothed, weight=weight,
                                                pos_weight=pos_weight, reduction="none")
    if not bool(ignored.any()):
        return Terms(values, details={"y'": smoothed})
    return Terms(values.masked_fill(ignored, 0.0), ignored=ignored,
                 ignore_reason=f"target = ignore_index ({ignore_index}), still counted by the "
                 "mean", details={"y'": smoothed})


def sklearn_bce(*, pred, target, weight, label_smoothing: float = 0.0) -> Terms:
    """sklearn.metrics.log_loss(y.ravel(), p.ravel(), labels=[0, 1]) (scikit-learn 1.9.1).

    Every element is a sample; p clipped to [eps, 1 − eps], eps the dtype's machine epsilon;
    ``weight`` is its sample_weight, so the mean divides by Σ w.
    """
    if label_smoothing:
        raise InputError("scikit-learn's log_loss has no label smoothing",
                         argument="--label-smoothing")
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


@without_z_loss("Keras's CategoricalCrossentropy")
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


@without_z_loss("optax's softmax_cross_entropy")
def optax_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing) -> Terms:
    """optax.softmax_cross_entropy(x, optax.smooth_labels(y, ε)) (optax 0.2.8): no class weights."""
    if weight is not None:
        raise InputError("optax's softmax_cross_entropy has no class weights",
                         argument="--weight")
    _no_ignored(target, ignore_index, "optax's softmax_cross_entropy")
    dim, y = _smoothed(pred, target, label_smoothing)
    return Terms(-(y * F.log_softmax(pred, dim=dim)).sum(dim=dim))


@without_z_loss("fairseq's label_smoothed_nll_loss")
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


@without_z_loss("segmentation_models_pytorch's SoftCrossEntropyLoss")
def smp_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing) -> Terms:
    """segmentation_models_pytorch SoftCrossEntropyLoss(smooth_factor=ε, ignore_index)
    (losses/soft_ce.py, _functional.label_smoothed_nll_loss).

    ℓᵢ = (1 − ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c), the same smoothing as torch; an ignored
    target gives 0 but still counts in the mean, which divides by N (torch divides by the
    kept targets). No class weights.
    """
    if weight is not None:
        raise InputError("segmentation_models_pytorch's SoftCrossEntropyLoss has no class "
                         "weights", argument="--weight")
    if target.is_floating_point():
        raise InputError("segmentation_models_pytorch's SoftCrossEntropyLoss takes class "
                         "indices", argument="--target")
    dim = class_dim(pred)
    classes = pred.shape[dim]
    log_p = F.log_softmax(pred, dim=dim)
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0)
    nll = -log_p.gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    smooth = -log_p.sum(dim=dim)
    values = ((1 - label_smoothing) * nll + label_smoothing / classes * smooth)
    return Terms(values.masked_fill(ignored, 0.0), ignored=ignored,
                 ignore_reason=f"target = ignore_index ({ignore_index}), still counted by the "
                 "mean", details={"−log p[y]": nll, "Σ −log p": smooth})


@without_z_loss("optax's safe_softmax_cross_entropy")
def optax_safe_cross_entropy(*, pred, target, weight, ignore_index, label_smoothing) -> Terms:
    """optax.safe_softmax_cross_entropy(logits, smooth_labels(labels, ε)) (optax 0.2.8,
    _classification.py, _smoothing.py).

    ℓ = −Σ_c where(y_c ≠ 0, y_c·log softmax(x)_c, 0): a −inf logit whose target probability
    is 0 adds 0 (0·log 0 = 0), where softmax_cross_entropy gives NaN; a −inf logit with a
    non-zero target still gives +inf (so does any −inf logit once ε > 0 smooths every label
    above 0). No class weights or ignore_index.
    """
    if weight is not None:
        raise InputError("optax's safe_softmax_cross_entropy has no class weights",
                         argument="--weight")
    _no_ignored(target, ignore_index, "optax's safe_softmax_cross_entropy")
    dim, y = _smoothed(pred, target, label_smoothing)
    log_p = F.log_softmax(pred, dim=dim)
    picked = torch.where(y != 0, y * log_p, torch.zeros_like(log_p))
    return Terms(-picked.sum(dim=dim), details={"log p": log_p})
