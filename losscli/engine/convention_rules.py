"""Reduction rules of other libraries, by name (``Convention.rules``, losscli.core.spec).

Each rule turns a library's unreduced terms into its value and says how, with the
numbers, as :func:`losscli.core.terms.reduce` does for losscli's own rules:

- ``sum_over_batch_size`` (Keras ``Loss(reduction="sum_over_batch_size")``, keras/src/losses/
  loss.py ``reduce_values``): the terms are Keras's per-sample losses ℓ_b and the value is
  Σ ℓ_b / B, B their number, 0 when B = 0 (``divide_no_nan``). Sample weights multiply the
  terms and do not enter B. Per-sample losses of shape (0,) (an empty batch of rows) come
  back unreduced, an empty array: an input error here.
- ``mean_with_sample_weight`` (Keras ``Loss(reduction="mean_with_sample_weight")``, same
  file): Σ w_b·ℓ_b / Σ w_b, the sum of the sample weights as given (after Keras's rank
  alignment, before broadcasting: a scalar weight w counts once, so the value is Σ ℓ_b), 0
  when Σ w = 0 (``divide_no_nan``); without weights Σ ℓ_b / B, as ``sum_over_batch_size``,
  and so for a single weighted loss (Keras's Dice over every element): w·ℓ, unreduced.
  The terms carry the weights' share of each term in ``Terms.weights``
  (:func:`losscli.families._shared.keras_terms.weighted`).
- ``mean_over_classes`` (kornia ``focal_loss``, mmdetection ``FocalLoss``): the terms are the
  (N, C, …) map with one entry per sample and class, and the mean divides by all of them, C
  included.
- ``sum_over_classes`` (segmentation_models_pytorch ``FocalLoss(mode="multiclass")``): one
  binary focal loss per class, each averaged over the kept positions, summed over the classes:
  Σ ℓ / (number of kept positions).
- ``sum_of_all`` (timm ``AsymmetricLossMultiLabel`` up to v1.0.28): no mean at all, the value
  is Σ ℓ over every (sample, class) element.
- ``monai_mean`` / ``monai_sum`` (MONAI ``FocalLoss``, monai/losses/focal_loss.py): the mean over
  every element, or Σ ℓ / (kept pixels) when pixels are ignored; the sum first averages each
  (sample, class) over its spatial positions.
"""

from __future__ import annotations

import torch

from losscli.core.errors import InputError
from losscli.core.result import Reduction
from losscli.families._shared.torch_terms import Terms, class_dim


def _kept(terms: Terms) -> torch.Tensor:
    values = terms.values
    if terms.ignored is None:
        return torch.ones_like(values, dtype=torch.bool)
    return ~terms.ignored


def _ignored_info(terms: Terms) -> dict:
    ignored = 0 if terms.ignored is None else int(terms.ignored.sum())
    return dict(ignored=ignored, ignore_reason=terms.ignore_reason if ignored else "")


def sum_over_batch_size(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    if tuple(terms.values.shape) == (0,):
        raise InputError("Keras returns no value for an empty batch: reduce_values gives back "
                         "the (0,) per-sample losses unreduced", argument="--pred")
    total = terms.values.sum()
    batch = max(terms.values.numel(), 1)
    rule = "sum_over_batch_size (Keras): Σ ℓ_b / B over the B per-sample losses"
    return total / batch, Reduction(
        "mean", rule, float(total.detach()), float(batch), **_ignored_info(terms)
    )


def mean_with_sample_weight(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    if terms.weights is None or terms.values.dim() == 0:  # Keras returns a scalar as it is
        value, reduction = sum_over_batch_size(terms)
        rule = "mean_with_sample_weight (Keras, unweighted or one loss): Σ ℓ_b / B"
        return value, Reduction("mean", rule, reduction.numerator, reduction.denominator)
    total, weight = terms.values.sum(), terms.weights.sum()
    value = torch.where(weight == 0, torch.zeros_like(total), total / weight)
    rule = "mean_with_sample_weight (Keras): Σ w_b·ℓ_b / Σ w_b (0 when Σ w_b = 0)"
    return value, Reduction("mean", rule, float(total.detach()), float(weight.detach()),
                            **_ignored_info(terms))


def mean_over_classes(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    total = terms.values.sum()
    count = terms.values.numel()
    rule = "mean over every (sample, class) element, C included: Σ ℓ / (N·C·…)"
    return total / count, Reduction(
        "mean", rule, float(total.detach()), float(count), **_ignored_info(terms)
    )


def sum_over_classes(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    values = terms.values
    classes = values.shape[class_dim(values)] if values.dim() else 1
    positions = _kept(terms).sum() / classes
    total = values.sum()
    rule = "Σ over the classes of each class's mean: Σ ℓ / (kept positions)"
    return total / positions, Reduction(
        "mean", rule, float(total.detach()), float(positions), **_ignored_info(terms)
    )


def sum_of_all(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    total = terms.values.sum()
    rule = "sum over every (sample, class) element, no mean: Σ ℓ"
    return total, Reduction("mean", rule, float(total.detach()), None, **_ignored_info(terms))


def monai_mean(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    values = terms.values
    total = values.sum()
    if terms.ignored is None or not bool(terms.ignored.any()):
        return total / values.numel(), Reduction(
            "mean", "mean over every element: Σ ℓ / n", float(total.detach()),
            float(values.numel()),
        )
    classes = values.shape[class_dim(values)] if values.dim() else 1
    pixels = _kept(terms).sum() / classes
    rule = "mean (MONAI with ignored pixels): Σ ℓ / (kept pixels), C not included"
    return total / pixels, Reduction(
        "mean", rule, float(total.detach()), float(pixels), **_ignored_info(terms)
    )


def monai_sum(terms: Terms) -> tuple[torch.Tensor, Reduction]:
    """MONAI's sum: each (sample, class) averaged over its spatial positions, then summed.

    With no spatial dimension MONAI's ``mean(dim=[])`` reduces every dimension, so its
    'sum' is then the mean: Σ ℓ / (N·C) as ``FocalLoss()`` without ignore_index gives it, or
    Σ ℓ / (kept positions) when some are ignored (its masked sum over ``dim=[]``), the same
    denominators as :func:`monai_mean`.
    """
    values = terms.values
    kept = _kept(terms).to(values.dtype)
    if values.dim() > 2:
        spatial = tuple(range(2, values.dim()))
        counts = kept.sum(dim=spatial).clamp(min=torch.finfo(values.dtype).eps)
        value = (values.sum(dim=spatial) / counts).sum()
        rule = "sum (MONAI): Σ over (sample, class) of the mean over the spatial positions"
        return value, Reduction("sum", rule, float(value.detach()), **_ignored_info(terms))
    classes = values.shape[class_dim(values)] if values.dim() == 2 else 1
    total = values.sum()
    ignored = terms.ignored is not None and bool(terms.ignored.any())
    count = kept.sum() / classes if ignored else values.numel()
    rule = "sum (MONAI, no spatial dimension): its mean over an empty dimension list, Σ ℓ / n"
    return total / count, Reduction(
        "sum", rule, float(total.detach()), float(count), **_ignored_info(terms)
    )


RULES = {
    "sum_over_batch_size": sum_over_batch_size,
    "mean_with_sample_weight": mean_with_sample_weight,
    "mean_over_classes": mean_over_classes,
    "sum_over_classes": sum_over_classes,
    "sum_of_all": sum_of_all,
    "monai_mean": monai_mean,
    "monai_sum": monai_sum,
}
