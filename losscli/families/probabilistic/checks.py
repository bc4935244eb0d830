"""Shape and range checks of the probabilistic losses (numpy only).

Same contract as :mod:`losscli.families._shared.checks`; linear cross-entropy checks its
logits x·Wᵀ + b as cross-entropy does.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import (
    Arrays,
    broadcastable,
    class_indices,
    equal_shapes,
    ndim_in,
    same_shape,
    shape_str,
)
from losscli.families.classification.checks import cross_entropy


def kl_div(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Log-probability input and a probability (or, with --log-target, log-probability) target."""
    same_shape(arrays, params, warnings)
    pred, target = arrays["pred"], arrays["target"]
    finite = pred[np.isfinite(pred)]
    if finite.size and finite.max() > 0:
        warnings.warn(
            f"has positive values (max {finite.max():g}) but kl-div takes log-probabilities "
            "(<= 0) as input; apply log_softmax (or log) to the predicted distribution",
            argument="--pred",
        )
    finite = target[np.isfinite(target)]
    if not params["log_target"] and finite.size and finite.min() < 0:
        raise InputError(
            f"value {finite.min():g} is negative: without --log-target the target holds "
            "probabilities (>= 0); pass --log-target for log-probabilities",
            argument="--target",
        )
    if params["log_target"] and finite.size and finite.max() > 0:
        warnings.warn(
            f"has positive values (max {finite.max():g}) but --log-target expects "
            "log-probabilities (<= 0); drop --log-target for probabilities",
            argument="--target",
        )


def poisson_nll(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Rates (>= 0 without --log-input) and counts of the same shape."""
    same_shape(arrays, params, warnings)
    pred = arrays["pred"]
    finite = pred[np.isfinite(pred)]
    if not params["log_input"] and finite.size and finite.min() < 0:
        raise InputError(
            f"value {finite.min():g} is negative: with --no-log-input the input is the "
            "Poisson rate λ >= 0; use --log-input for log-rates",
            argument="--pred",
        )


def gaussian_nll(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Means, targets (broadcast to the means) and variances in PyTorch's accepted shapes."""
    pred, var = arrays["pred"], arrays["var"]
    broadcastable(arrays["target"], pred.shape, "--target", "pred shape")
    # PyTorch: the same shape, pred's shape without its last dimension, or pred's shape
    # with 1 in exactly one dimension; a single number stands for every element.
    mismatched = [v for p, v in zip(pred.shape, var.shape) if p != v]
    fits = (
        var.ndim == 0
        or (pred.ndim > 0 and var.shape == pred.shape[:-1])
        or (var.ndim == pred.ndim and mismatched in ([], [1]))
    )
    if not fits:
        raise InputError(
            f"shape {shape_str(var.shape)} does not fit --pred shape {shape_str(pred.shape)}: "
            "give one variance per element (the same shape), one per row (pred's shape "
            "without its last dimension, or with 1 in one dimension), or a single number",
            argument="--var",
        )
    eps = params["eps"]
    small = var[var < eps]
    if small.size:
        warnings.warn(
            f"{small.size} variance(s) below eps = {eps:g} (e.g. {float(small.flat[0]):g}) "
            "are clamped to eps",
            argument="--var",
        )


def linear_cross_entropy(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Features (F) or (N, F), a (C, F) projection, optional (C) bias; the targets, weights
    and ignore_index are checked as cross-entropy's against the logits x·Wᵀ + b."""
    pred, linear_weight = arrays["pred"], arrays["linear_weight"]
    ndim_in(pred, (1, 2), "--pred", "features of shape (F) or (N, F)")
    ndim_in(linear_weight, (2,), "--linear-weight", "a weight matrix of shape (C, F)")
    classes, features = linear_weight.shape
    if features != pred.shape[-1] or classes == 0:
        raise InputError(
            f"shape {shape_str(linear_weight.shape)} needs (C, {pred.shape[-1]}) with C >= 1 "
            f"for features of shape {shape_str(pred.shape)}",
            argument="--linear-weight",
        )
    bias = arrays.get("linear_bias")
    if bias is not None and bias.shape != (classes,):
        raise InputError(
            f"expected one bias per class, shape ({classes}), got {shape_str(bias.shape)}",
            argument="--linear-bias",
        )
    logits = {**arrays, "pred": np.zeros((*pred.shape[:-1], classes))}
    try:
        cross_entropy(logits, params, warnings)
    except InputError as error:
        message = re.sub(r"(--)?pred\b", "the logits x·Wᵀ", error.message)
        raise InputError(message, argument=error.argument) from None


def js_div(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Two non-negative heatmap stacks (B, N, H, W) of one shape; maps of mass 1 expected."""
    ndim_in(arrays["pred"], (4,), "--pred", "heatmaps (B, N, H, W)")
    same_shape(arrays, params, warnings)
    for name in ("pred", "target"):
        mass = arrays[name].sum(axis=(-2, -1), dtype=np.float64)
        finite = mass[np.isfinite(mass)]
        if finite.size and np.abs(finite - 1).max() > 1e-3:
            warnings.warn(
                f"has maps whose values sum to {finite.flat[np.abs(finite - 1).argmax()]:g}, "
                "not 1: js-div compares distributions (kornia does not normalise them either)",
                argument="--" + name,
            )


def generalized_kl(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Log-predictions and targets of one shape, with a last (class) axis."""
    ndim_in(arrays["pred"], tuple(range(1, 33)), "--pred",
            "log-predictions with at least one dimension, (*, C)")
    same_shape(arrays, params, warnings)


def distillation(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Student and teacher logits (N, C) or (C) of one shape; optional class indices."""
    pred = arrays["pred"]
    ndim_in(pred, (1, 2), "--pred", "student logits of shape (C) or (N, C)")
    if pred.shape[-1] == 0:
        raise InputError("expected at least one class, got shape "
                         f"{shape_str(pred.shape)}", argument="--pred")
    equal_shapes(arrays, ("pred", "teacher"))
    if arrays.get("target") is not None:
        class_indices(arrays["target"], pred.shape, None)
