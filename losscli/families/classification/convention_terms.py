"""Focal losses as other libraries compute them (``--convention`` on focal and softmax-focal).

Each function returns the library's unreduced terms (what it gives with
``reduction="none"``); the library's own reduction rule is named in the convention
(:mod:`losscli.engine.convention_rules`). A negative ``alpha`` means no α weighting
(the libraries' ``alpha=None``). Lin et al., Focal Loss for Dense Object Detection, 2017.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import last_axis_mean, weighted
from losscli.families._shared.torch_terms import Terms, class_dim
from losscli.families.classification.torch_terms import (
    along_classes,
    foreground,
    one_alpha,
    sigmoid_focal,
)


def _alpha_t(target: torch.Tensor, alpha: float) -> torch.Tensor:
    return alpha * target + (1 - alpha) * (1 - target)


def _lacks(library: str, *, weight=None, include_background: bool = True,
           label_smoothing: float = 0.0) -> None:
    """Refuse the options ``library`` does not have (a row with the reason in --convention all)."""
    if label_smoothing:
        raise InputError(f"{library} has no label smoothing", argument="--label-smoothing")
    if weight is not None:
        raise InputError(f"{library} has no per-class weight", argument="--weight")
    if not include_background:
        raise InputError(f"{library} has no include_background (MONAI's FocalLoss has: "
                         "--convention monai)", argument="--include-background")


def _weighted(values: torch.Tensor, weight) -> torch.Tensor:
    return values if weight is None else values * along_classes(weight, values)


def plain_sigmoid_focal(*, pred, target, alpha, gamma: float, weight,
                        include_background: bool, label_smoothing: float = 0.0) -> Terms:
    """torchvision's formula where the library has no per-class option (fvcore, mmdetection,
    optax): as losscli's focal, refusing --weight, --no-include-background and a per-class α.
    """
    one_alpha(alpha, "this library's sigmoid focal loss")
    _lacks("this library's sigmoid focal loss",
           label_smoothing=label_smoothing, weight=weight,
           include_background=include_background)
    return sigmoid_focal(pred=pred, target=target, alpha=alpha, gamma=gamma)


def _batch_and_channels(pred: torch.Tensor, library: str) -> None:
    """kornia and MONAI index pred.shape[1]: (N, C, *) inputs, 2 dimensions at least."""
    if pred.dim() < 2:
        raise InputError(f"{library} takes (N, C, *) logits, got {pred.dim()} dimension(s)",
                         argument="--pred")


def kornia_binary_focal(*, pred: torch.Tensor, target: torch.Tensor, alpha: float,
                        gamma: float, weight=None, include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """kornia.losses.binary_focal_loss_with_logits (kornia 0.9.0, kornia/losses/focal.py).

    ℓ = α·t·(1 − p)^γ·(−log p) + (1 − α)·(1 − t)·p^γ·(−log(1 − p)), p = σ(x): a soft
    target t weights the two terms (torchvision mixes it into p_t instead); ``weight[c]``
    multiplies channel c (dimension 1).
    """
    _batch_and_channels(pred, "kornia's binary_focal_loss_with_logits")
    one_alpha(alpha, "kornia's binary_focal_loss_with_logits")
    _lacks("kornia's binary_focal_loss_with_logits", label_smoothing=label_smoothing,
           include_background=include_background)
    log_p, log_q = F.logsigmoid(pred), F.logsigmoid(-pred)
    positive = -(gamma * log_q).exp() * target * log_p
    negative = -(gamma * log_p).exp() * (1 - target) * log_q
    if alpha >= 0:
        positive, negative = alpha * positive, (1 - alpha) * negative
    return Terms(_weighted(positive + negative, weight),
                 details={"p": log_p.exp(), "positive part": positive, "negative part": negative})


def monai_sigmoid_focal(*, pred: torch.Tensor, target: torch.Tensor, alpha, gamma: float,
                        weight=None, include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """monai.losses.FocalLoss(use_softmax=False) (MONAI 1.6.1, monai/losses/focal_loss.py).

    ``include_background=False`` first drops channel 0 of dimension 1. ℓ = exp(γ·log σ(−x·
    (2t − 1)))·BCE(x, t): the modulating factor is (1 − p_t)^γ for 0/1 targets; a number α
    gives α_t = α·t + (1 − α)·(1 − t), one α per class (MONAI ≥ 1.6) gives α_c where t = 1
    and 1 elsewhere (negatives keep weight 1); ``weight[c]`` multiplies channel c.
    """
    _batch_and_channels(pred, "MONAI's FocalLoss")
    _lacks("MONAI's FocalLoss", label_smoothing=label_smoothing)
    pred, target = foreground(pred, target, include_background)
    bce = pred - pred * target - F.logsigmoid(pred)
    modulating = (gamma * F.logsigmoid(-pred * (2 * target - 1))).exp()
    values = modulating * bce
    details = {"p": torch.sigmoid(pred), "modulating": modulating, "BCE": bce}
    if isinstance(alpha, torch.Tensor):
        per_class = along_classes(alpha, values)
        details["α_t"] = torch.where(target == 1, per_class, torch.ones_like(per_class))
        values = details["α_t"] * values
    elif alpha >= 0:
        details["α_t"] = _alpha_t(target, alpha)
        values = details["α_t"] * values
    return Terms(_weighted(values, weight), details=details)


def smp_binary_focal(*, pred: torch.Tensor, target: torch.Tensor, alpha: float,
                     gamma: float, weight=None, include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """segmentation_models_pytorch focal_loss_with_logits (losses/_functional.py).

    logpt = BCE(x, t), pt = exp(−logpt), ℓ = (1 − pt)^γ·logpt: pt is p_t for 0/1 targets;
    α_t only when α is given.
    """
    one_alpha(alpha, "segmentation_models_pytorch's FocalLoss")
    _lacks("segmentation_models_pytorch's FocalLoss",
           label_smoothing=label_smoothing, weight=weight,
           include_background=include_background)
    logpt = F.binary_cross_entropy_with_logits(pred, target, reduction="none")
    modulating = (1 - torch.exp(-logpt)) ** gamma
    values = modulating * logpt
    details = {"pt = exp(−BCE)": torch.exp(-logpt), "(1−pt)^γ": modulating}
    if alpha >= 0:
        details["α_t"] = _alpha_t(target, alpha)
        values = values * details["α_t"]
    return Terms(values, details=details)


def keras_binary_focal(*, pred: torch.Tensor, target: torch.Tensor, alpha: float, gamma: float,
                       eps: float, apply_class_balancing: bool,
                       sample_weight: torch.Tensor | None = None, weight=None,
                       include_background: bool = True,
                       label_smoothing: float = 0.0) -> Terms:
    """keras.losses.BinaryFocalCrossentropy(from_logits=True) (Keras 3.15.1, losses.py).

    Label smoothing first: t → t·(1 − ε) + ε/2; p = σ(x); bce = −[t·log c + (1 − t)·log(1 − c)],
    c = clip(p, eps, 1 − eps); ℓ = (1 − p_t)^γ·bce (times α_t only with
    apply_class_balancing), then the mean over the last axis: one term per sample, times the
    sample weights.
    """
    one_alpha(alpha, "Keras's BinaryFocalCrossentropy")
    _lacks("Keras's BinaryFocalCrossentropy", weight=weight,
           include_background=include_background)
    if label_smoothing:
        target = target * (1 - label_smoothing) + 0.5 * label_smoothing
    p = torch.sigmoid(pred)
    clipped = p.clamp(eps, 1 - eps)
    bce = -(target * torch.log(clipped) + (1 - target) * torch.log(1 - clipped))
    p_t = target * p + (1 - target) * (1 - p)
    values = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        values = _alpha_t(target, alpha) * values
    return weighted(last_axis_mean(values), sample_weight)


def _one_hot(target: torch.Tensor, classes: int, dim: int, dtype) -> torch.Tensor:
    return F.one_hot(target, classes).movedim(-1, dim).to(dtype)


def _class_factor(alpha, classes: int, dim: int, like: torch.Tensor, *,
                  background: bool) -> torch.Tensor | None:
    """α per class along ``dim``: a TENSOR as given, a number as [1 − α, α, …] (background)."""
    if alpha is None:
        return None
    if isinstance(alpha, torch.Tensor):
        factor = alpha.to(like.dtype)
    elif background:
        factor = torch.full((classes,), float(alpha), dtype=like.dtype, device=like.device)
        factor[0] = 1 - alpha
    else:
        factor = torch.full((classes,), float(alpha), dtype=like.dtype, device=like.device)
    return factor.view([-1] + [1] * (like.dim() - dim - 1))


def _scalar_alpha(alpha, library: str) -> None:
    if isinstance(alpha, torch.Tensor):
        raise InputError(f"{library} takes one number for alpha, not one per class",
                         argument="--alpha")


def _class_map(pred, target, ignore_index, include_background: bool = True):
    """(dim, C, log p, one-hot with ignored positions zeroed, ignored mask of the map).

    ``include_background=False`` drops class 0 of the scores and of the one-hot target
    before the log-softmax (MONAI), so the softmax covers classes 1 … C − 1.
    """
    dim = class_dim(pred)
    classes = pred.shape[dim]
    ignored = target == ignore_index
    onehot = _one_hot(target.masked_fill(ignored, 0), classes, dim, pred.dtype)
    onehot = onehot * (~ignored).unsqueeze(dim).to(pred.dtype)
    if not include_background:
        classes -= 1
        pred, onehot = pred.narrow(dim, 1, classes), onehot.narrow(dim, 1, classes)
    log_p = F.log_softmax(pred, dim=dim)
    return dim, classes, log_p, onehot, ignored.unsqueeze(dim).expand_as(log_p)


def _softmax_focal_map(pred, target, alpha, gamma, ignore_index, weight=None,
                       include_background: bool = True) -> Terms:
    """−w_c·α_c·(1 − p_c)^γ·log p_c·g_c per (sample, class), 0 off the true class (kornia,
    MONAI)."""
    dim, classes, log_p, onehot, ignored = _class_map(pred, target, ignore_index,
                                                      include_background)
    log_p_true = log_p.masked_fill(onehot == 0, 0.0)
    values = -((1 - log_p.exp()) ** gamma) * log_p_true * onehot
    factor = _class_factor(alpha, classes, dim, values, background=True)
    if factor is not None:
        values = factor * values
    return Terms(_weighted(values, weight), ignored=ignored,
                 ignore_reason=f"target = ignore_index ({ignore_index})",
                 details={"p": log_p.exp(), "one-hot": onehot})


def kornia_softmax_focal(*, pred, target, alpha, gamma: float, ignore_index: int, weight=None,
                         include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """kornia.losses.focal_loss (kornia 0.9.0, kornia/losses/focal.py).

    The unreduced loss is the (N, C, …) map −w_c·α_c·(1 − p_c)^γ·log p_c·g_c, zero off the
    true class; α_c = 1 − α for class 0 and α for the others. Ignored positions are 0 and
    still counted by the mean.
    """
    _scalar_alpha(alpha, "kornia's focal_loss")
    _lacks("kornia's focal_loss", label_smoothing=label_smoothing,
           include_background=include_background)
    return _softmax_focal_map(pred, target, alpha, gamma, ignore_index, weight)


def monai_softmax_focal(*, pred, target, alpha, gamma: float, ignore_index: int, weight=None,
                        include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """monai.losses.FocalLoss(use_softmax=True, to_onehot_y=True) (MONAI 1.6.1).

    softmax_focal_loss: the (N, C, …) map as kornia's; a number α gives [1 − α, α, …], a
    TENSOR one α per class; ``weight[c]`` multiplies channel c. ``include_background=False``
    drops channel 0 before the softmax (which then covers the foreground channels only) and
    ignores a number α, as MONAI does (with a warning); pixels of class 0 keep their zero
    terms in the mean.
    """
    _lacks("MONAI's FocalLoss", label_smoothing=label_smoothing)
    if not include_background and not isinstance(alpha, torch.Tensor):
        alpha = None
    return _softmax_focal_map(pred, target, alpha, gamma, ignore_index, weight,
                              include_background)


def smp_multiclass_focal(*, pred, target, alpha, gamma: float, ignore_index: int, weight=None,
                         include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """segmentation_models_pytorch FocalLoss(mode="multiclass") (losses/focal.py).

    One binary focal loss per class: logits x[:, c] against 1[y = c] (a sigmoid per class,
    not a softmax), ℓ = (1 − pt)^γ·BCE with pt = exp(−BCE); ignored positions are dropped.
    """
    _scalar_alpha(alpha, "segmentation_models_pytorch's FocalLoss")
    _lacks("segmentation_models_pytorch's FocalLoss", label_smoothing=label_smoothing,
           weight=weight,
           include_background=include_background)
    dim, classes, _, onehot, ignored = _class_map(pred, target, ignore_index)
    terms = smp_binary_focal(pred=pred, target=onehot, alpha=-1 if alpha is None else alpha,
                             gamma=gamma)
    terms.values = terms.values.masked_fill(ignored, 0.0)
    terms.ignored = ignored
    terms.ignore_reason = f"target = ignore_index ({ignore_index})"
    return terms


def mmdet_sigmoid_focal(*, pred, target, alpha, gamma: float, ignore_index: int, weight=None,
                        include_background: bool = True,
        label_smoothing: float = 0.0) -> Terms:
    """mmdetection FocalLoss(use_sigmoid=True) on class indices (mmdet/models/losses/focal_loss.py).

    The indices become one-hot targets (index C would be background) and every (sample, class)
    gets torchvision's sigmoid focal term with α on positives: no softmax.
    """
    _scalar_alpha(alpha, "mmdetection's FocalLoss")
    _lacks("mmdetection's FocalLoss (its weight is per sample)",
           label_smoothing=label_smoothing, weight=weight,
           include_background=include_background)
    if pred.dim() != 2:
        raise InputError(f"mmdetection's FocalLoss takes (N, C) scores, got {pred.dim()} "
                         "dimension(s)", argument="--pred")
    if bool((target == ignore_index).any()):
        raise InputError("mmdetection's FocalLoss has no ignore_index (background is class C)",
                         argument="--target")
    onehot = _one_hot(target, pred.shape[1], 1, pred.dtype)
    return sigmoid_focal(pred=pred, target=onehot, alpha=-1 if alpha is None else alpha,
                         gamma=gamma)


def keras_categorical_focal(*, pred, target, alpha, gamma: float, ignore_index: int,
                            eps: float, sample_weight=None, weight=None,
                            include_background: bool = True,
                            label_smoothing: float = 0.0) -> Terms:
    """keras.losses.CategoricalFocalCrossentropy(from_logits=True) (Keras 3.15.1).

    p = softmax(x) (renormalised), c = clip(p, eps, 1 − eps), ℓ = Σ_c α_c·(1 − c_c)^γ·
    (−g_c·log c_c): one term per sample (times the sample weights); α the same for every
    class unless a TENSOR; label smoothing ε: g = (1 − ε)·onehot + ε/C.
    """
    _lacks("Keras's CategoricalFocalCrossentropy", weight=weight,
           include_background=include_background)
    if bool((target == ignore_index).any()):
        raise InputError("Keras's CategoricalFocalCrossentropy has no ignore_index",
                         argument="--target")
    dim = class_dim(pred)
    classes = pred.shape[dim]
    p = torch.softmax(pred, dim=dim)
    clipped = (p / p.sum(dim=dim, keepdim=True)).clamp(eps, 1 - eps)
    onehot = _one_hot(target, classes, dim, pred.dtype)
    smoothed = onehot * (1 - label_smoothing) + label_smoothing / classes
    values = (1 - clipped) ** gamma * (-smoothed * torch.log(clipped))
    factor = _class_factor(alpha, classes, dim, values, background=False)
    if factor is not None:
        values = factor * values
    per_sample = values.sum(dim=dim)
    return weighted(per_sample, sample_weight, {"p_t": (onehot * p).sum(dim=dim)})


def timm_poly(*, pred: torch.Tensor, target: torch.Tensor, epsilon: float) -> Terms:
    """timm.loss.PolyCrossEntropy (timm/loss/poly_loss.py): CE + ε·(1 − Σ_c y_c·p_c).

    Index targets are one-hot; differs from optax only for labels not summing to 1.
    """
    classes = pred.shape[-1]
    y = target.to(pred.dtype) if target.is_floating_point() else F.one_hot(target, classes).to(
        pred.dtype)
    log_p = F.log_softmax(pred, dim=-1)
    ce = -(y * log_p).sum(dim=-1)
    p_t = (y * log_p.exp()).sum(dim=-1)
    return Terms(ce + epsilon * (1 - p_t), details={"CE": ce, "1 − p_t": 1 - p_t})
