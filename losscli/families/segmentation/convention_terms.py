"""Dice, Jaccard and Tversky losses as other libraries compute them (``--convention``).

p is the prediction after the loss's ``--from-logits`` activation and g the one-hot
target, both (N, C, S) with the ignored pixels zeroed, as for losscli's MONAI-style
losses (:mod:`losscli.families.segmentation.torch_terms`). The libraries differ in what they
sum over
(per sample and class, per class over the whole batch, per sample over every class, or
everything at once), where the smoothing goes, and which classes count:

- segmentation_models_pytorch (losses/dice.py, jaccard.py, tversky.py, _functional.py): per
  class over the batch, smooth 0, denominator clamped at eps = 1e-7, classes absent from the
  target score 0; the mean over the classes.
- kornia 0.9.0 (kornia/losses/dice.py, tversky.py): Dice per sample over every class
  ('micro'), or per sample and class averaged over the classes present in the target
  ('macro'; the installed release, see the convention's note), Tversky per sample and class
  averaged over the classes present; eps = 1e-8 in the denominator only; the mean over the
  batch. kornia 0.7.0 to 0.9.0rc1 computed the Tversky index like the Dice: one per sample,
  TP, FP and FN summed over every class and pixel.
- Keras 3.15.1 (keras/src/losses/losses.py ``dice``, ``tversky``): one ratio over every
  element (axis=None), or one per sample (``--axis sample``: axis=(1, …, ndim − 1)); 1e-7 in
  the denominator only. A target of --pred's shape is taken as it is, any values and any
  rank, as Keras does; class indices are one-hot encoded first. Its Tversky α weights the
  false negatives and β the false positives, swapped back in Keras 3.16 (in development).
- optax 0.2.8 (optax/losses/_segmentation.py ``dice_loss``): per sample and class,
  (I + smooth)/(I + α·FP + β·FN + smooth) with smooth = 1.
"""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import weighted
from losscli.families._shared.torch_terms import Terms
from losscli.families.segmentation.torch_terms import _flat_pair

#: MONAI-only options and their defaults: another library has no equivalent.
_MONAI_OPTIONS = {"other_act": "none", "batch": False, "squared_pred": False,
                  "soft_label": False, "weight": None}


def _plain(options: dict, library: str, allowed: tuple[str, ...] = ()) -> None:
    """Refuse a MONAI option the library does not have (exit 2, naming the option)."""
    for name, default in _MONAI_OPTIONS.items():
        value = options.get(name, default)
        changed = value is not None if default is None else value != default
        if changed and name not in allowed:
            option = "--" + name.replace("_", "-")
            raise InputError(f"{library} has no equivalent of {option}", argument=option)


def _pair(pred, target, from_logits, ignore_index, library: str | None = None):
    if library and ignore_index is not None:
        raise InputError(f"{library} has no ignore_index", argument="--ignore-index")
    return _flat_pair(pred, target, from_logits, ignore_index)


def _all_classes(include_background: bool, library: str) -> None:
    if not include_background:
        raise InputError(f"{library} has no option to leave out the background class",
                         argument="--include-background")


def _terms(values, details, include_background: bool) -> Terms:
    """Per-class terms (C) or (N, C), class 0 dropped as the library's class selection does."""
    if not include_background and values.shape[-1] > 1:
        values = values[..., 1:]
        details = {k: v[..., 1:] for k, v in details.items()}
    return Terms(values, details=details, shown_inputs=())


def _smp(score, g_sum, details, include_background) -> Terms:
    loss = (1 - score) * (g_sum > 0).to(score.dtype)  # classes absent from the target: 0
    return _terms(loss, {**details, "score": score}, include_background)


def smp_dice(*, pred, target, from_logits, include_background, ignore_index, smooth_nr,
             smooth_dr, eps: float, **options) -> Terms:
    """smp DiceLoss: per class c over the batch, 1 − (2·I + s)/max(P + G + s, eps)."""
    _plain(options, "segmentation_models_pytorch's DiceLoss")
    p, g = _pair(pred, target, from_logits, ignore_index)
    inter, card = (p * g).sum((0, 2)), (p + g).sum((0, 2))
    score = (2 * inter + smooth_nr) / (card + smooth_dr).clamp(min=eps)
    return _smp(score, g.sum((0, 2)), {"Σp·g": inter, "Σp+Σg": card}, include_background)


def smp_jaccard(*, pred, target, from_logits, include_background, ignore_index, smooth_nr,
                smooth_dr, eps: float, **options) -> Terms:
    """smp JaccardLoss: per class c over the batch, 1 − (I + s)/max(U + s, eps), U = P + G − I."""
    _plain(options, "segmentation_models_pytorch's JaccardLoss")
    p, g = _pair(pred, target, from_logits, ignore_index, "segmentation_models_pytorch's "
                 "JaccardLoss")
    inter, card = (p * g).sum((0, 2)), (p + g).sum((0, 2))
    score = (inter + smooth_nr) / (card - inter + smooth_dr).clamp(min=eps)
    return _smp(score, g.sum((0, 2)), {"Σp·g": inter, "U": card - inter}, include_background)


def smp_tversky(*, pred, target, from_logits, include_background, ignore_index, alpha, beta,
                smooth_nr, smooth_dr, eps: float, **options) -> Terms:
    """smp TverskyLoss: per class over the batch, 1 − (TP + s)/max(TP + α·FP + β·FN + s, eps)."""
    _plain(options, "segmentation_models_pytorch's TverskyLoss")
    p, g = _pair(pred, target, from_logits, ignore_index)
    tp, fp, fn = (p * g).sum((0, 2)), (p * (1 - g)).sum((0, 2)), ((1 - p) * g).sum((0, 2))
    score = (tp + smooth_nr) / (tp + alpha * fp + beta * fn + smooth_dr).clamp(min=eps)
    return _smp(score, g.sum((0, 2)), {"TP": tp, "FP": fp, "FN": fn}, include_background)


def kornia_dice(*, pred, target, from_logits, include_background, ignore_index, smooth_nr,
                smooth_dr, weight, eps: float, average: str = "micro", **options) -> Terms:
    """kornia.losses.dice_loss as installed kornia 0.9.0 computes it, per sample:

    micro: 1 − 2·Σ_c w_c·I_c / (Σ_c w_c·(P_c + G_c) + eps) (w = 1 without --weight);
    macro: Σ_c w_c·present_c·ℓ_c / Σ_c w_c·present_c with ℓ_c = 1 − 2·I_c/(P_c + G_c + eps),
    over the classes present in the sample's (non-ignored) target; a sample with no
    present class (or only zero-weight ones), or an empty cardinality, scores loss 1.
    """
    _all_classes(include_background, "kornia's dice_loss")
    _plain(options, "kornia's dice_loss", allowed=("weight",))
    p, g = _pair(pred, target, from_logits, ignore_index)
    w = (torch.ones(p.shape[1], dtype=p.dtype) if weight is None
         else torch.as_tensor(weight, dtype=p.dtype).reshape(-1).expand(p.shape[1]))
    if average == "micro":
        inter = ((p * g).sum(2) * w).sum(1)
        card = ((p + g).sum(2) * w).sum(1)
    else:
        inter, card = (p * g).sum(2), (p + g).sum(2)
    empty = card == 0
    score = (2 * inter / (card + eps).masked_fill(empty, 1.0)).masked_fill(empty, 0.0)
    if average == "micro":
        return Terms(1 - score, details={"Σ w·p·g": inter, "Σ w·(p+g)": card, "Dice": score},
                     shown_inputs=())
    present = w * (g == 1).any(2).to(p.dtype)
    normalizer = present.sum(1)
    none = normalizer == 0
    loss = ((1 - score) * present).sum(1) / normalizer.masked_fill(none, 1.0)
    return Terms(loss.masked_fill(none, 1.0),
                 details={"present classes": (present > 0).sum(1).to(p.dtype)},
                 shown_inputs=())


def kornia_tversky(*, pred, target, from_logits, include_background, ignore_index, alpha, beta,
                   smooth_nr, smooth_dr, eps: float, **options) -> Terms:
    """kornia.losses.tversky_loss: per sample, 1 − the mean over the present classes of
    TP/(TP + α·FP + β·FN + eps)."""
    _plain(options, "kornia's tversky_loss")
    _all_classes(include_background, "kornia's tversky_loss")
    p, g = _pair(pred, target, from_logits, ignore_index)
    tp, fp, fn = (p * g).sum(2), (p * (1 - g)).sum(2), ((1 - p) * g).sum(2)
    present = g.sum(2) > 0
    ratio = tp / (tp + alpha * fp + beta * fn + eps).masked_fill(~present, 1.0)
    score = ratio.masked_fill(~present, 0.0).sum(1) / present.sum(1).clamp(min=1)
    return Terms(1 - score, details={"mean Tversky index": score}, shown_inputs=())


def _keras_pair(pred, target, from_logits, include_background, ignore_index, library: str):
    """(p, g) as Keras sees them: a target of pred's shape as given (any values), otherwise
    the one-hot encoding of the class indices, (N, C, S)."""
    _all_classes(include_background, library)
    if target.shape == pred.shape and from_logits == "none":
        if ignore_index is not None:
            raise InputError(f"{library} has no ignore_index", argument="--ignore-index")
        return pred, target.to(pred.dtype)
    return _pair(pred, target, from_logits, ignore_index, library)


def _keras_sum(x: torch.Tensor, axis: str) -> torch.Tensor:
    """Keras's ``ops.sum(x, axis)``: every element (axis=None) or all but the batch axis."""
    return x.sum() if axis == "all" else x.reshape(x.shape[0], -1).sum(dim=1)


def _keras_terms(values, sample_weight) -> Terms:
    terms = weighted(values, sample_weight)
    terms.shown_inputs = ()
    return terms


def kornia_tversky_micro(*, pred, target, from_logits, include_background, ignore_index, alpha,
                         beta, smooth_nr, smooth_dr, eps: float, **options) -> Terms:
    """kornia.losses.tversky_loss, kornia 0.7.0 to 0.9.0rc1: one index per sample over every class.

    TP = Σ_c Σ_s p·g, FP = Σ_c Σ_s p·(1 − g), FN = Σ_c Σ_s (1 − p)·g over the kept pixels,
    ℓ = 1 − TP/(TP + α·FP + β·FN + eps) (kornia/losses/tversky.py @ v0.8.2, dims (1, 2, 3));
    with a softmax, FP = FN = (kept pixels) − TP, as 0.8.2 writes it. A sample whose pixels
    are all ignored scores 0 (loss 1).
    """
    _plain(options, "kornia's tversky_loss")
    _all_classes(include_background, "kornia's tversky_loss")
    p, g = _pair(pred, target, from_logits, ignore_index)
    tp, fp, fn = (p * g).sum((1, 2)), (p * (1 - g)).sum((1, 2)), ((1 - p) * g).sum((1, 2))
    score = tp / (tp + alpha * fp + beta * fn + eps)
    return Terms(1 - score, details={"TP": tp, "FP": fp, "FN": fn, "Tversky": score},
                 shown_inputs=())


def keras_dice(*, pred, target, from_logits, include_background, ignore_index, smooth_nr,
               smooth_dr, axis: str, sample_weight, eps: float, **options) -> Terms:
    """keras.losses.Dice(axis): 1 − 2·Σ g·p / (Σ g + Σ p + eps), the sums over every element
    (axis=None) or over each sample; times the sample weights."""
    _plain(options, "Keras's Dice")
    p, g = _keras_pair(pred, target, from_logits, include_background, ignore_index,
                       "Keras's Dice")
    inter = _keras_sum(p * g, axis)
    return _keras_terms(1 - 2 * inter / (_keras_sum(g, axis) + _keras_sum(p, axis) + eps),
                        sample_weight)


def keras_tversky(*, pred, target, from_logits, include_background, ignore_index, alpha, beta,
                  smooth_nr, smooth_dr, axis: str, sample_weight, eps: float,
                  swapped: bool, **options) -> Terms:
    """keras.losses.Tversky(alpha, beta, axis): one index over every element (axis=None) or
    over each sample, eps in the denominator, times the sample weights.

    ``swapped`` (Keras 3.15.1 and earlier, ``inputs = y_true, targets = y_pred``):
    1 − TP/(TP + α·Σ g·(1 − p) + β·Σ p·(1 − g) + eps), α on the missed target mass (the
    false negatives) and β on the false positives, the reverse of MONAI's. Keras 3.16
    (keras master since fa9afd5a) swaps them back: 1 − TP/(TP + α·FP + β·FN + eps).
    """
    _plain(options, "Keras's Tversky")
    p, g = _keras_pair(pred, target, from_logits, include_background, ignore_index,
                       "Keras's Tversky")
    tp = _keras_sum(p * g, axis)
    fn, fp = _keras_sum(g * (1 - p), axis), _keras_sum(p * (1 - g), axis)
    if swapped:
        fp, fn = fn, fp
    score = tp / (tp + alpha * fp + beta * fn + eps)
    terms = weighted(1 - score, sample_weight,
                     {"TP": tp, "α term": fp, "β term": fn, "Tversky": score})
    terms.shown_inputs = ()
    return terms


def optax_tversky(*, pred, target, from_logits, include_background, ignore_index, alpha, beta,
                  smooth_nr, smooth_dr, **options) -> Terms:
    """optax.losses.dice_loss: per sample and class, 1 − (I + s)/(I + α·(P − I) + β·(G − I) + s).

    P − I is the false-positive mass and G − I the false negatives; optax's one ``smooth``
    goes to both sides (smooth_nr and smooth_dr here).
    """
    _plain(options, "optax's dice_loss")
    p, g = _pair(pred, target, from_logits, ignore_index, "optax's dice_loss")
    inter, p_sum, g_sum = (p * g).sum(2), p.sum(2), g.sum(2)
    score = (inter + smooth_nr) / (
        inter + alpha * (p_sum - inter) + beta * (g_sum - inter) + smooth_dr
    )
    return _terms(1 - score, {"Σp·g": inter, "Σp": p_sum, "Σg": g_sum}, include_background)


def optax_dice(*, pred, target, from_logits, include_background, ignore_index, smooth_nr,
               smooth_dr, **options) -> Terms:
    """optax.losses.dice_loss with its α = β = 0.5: (I + s)/((P + G)/2 + s) per sample and class."""
    return optax_tversky(pred=pred, target=target, from_logits=from_logits,
                         include_background=include_background, ignore_index=ignore_index,
                         alpha=0.5, beta=0.5, smooth_nr=smooth_nr, smooth_dr=smooth_dr,
                         **options)
