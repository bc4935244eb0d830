"""Shape and range checks of the torch.nn-parity losses (margin, embedding, probabilistic, CTC).

Same contract as :mod:`losscli.families._shared.checks`: each check takes ``(arrays, params,
warnings)``, raises :class:`~losscli.core.errors.InputError` with one line naming the argument
and the shapes involved, and warns about valid but suspicious inputs. numpy only.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import broadcastable, cross_entropy, same_shape, shape_str

Arrays = dict[str, np.ndarray]


def _ndim(array: np.ndarray, allowed: tuple[int, ...], argument: str, what: str) -> None:
    if array.ndim not in allowed:
        raise InputError(f"expected {what}, got shape {shape_str(array.shape)}", argument=argument)


def _equal_shapes(arrays: Arrays, names: tuple[str, ...]) -> None:
    """Every named input has the shape of the first one."""
    first = arrays[names[0]]
    for name in names[1:]:
        if arrays[name].shape != first.shape:
            raise InputError(
                f"shape {shape_str(arrays[name].shape)} does not match --"
                f"{names[0].replace('_', '-')} shape {shape_str(first.shape)}; they must be equal",
                argument="--" + name.replace("_", "-"),
            )


def _warn_not_sign(target: np.ndarray, warnings, loss: str) -> None:
    """The formula is written for y ∈ {−1, 1}; other values are computed but rarely meant."""
    finite = target[np.isfinite(target)] if target.dtype.kind == "f" else target
    other = finite[(finite != 1) & (finite != -1)]
    if other.size:
        hint = " (0/1 labels: write the negative class as -1)" if np.all(
            np.isin(finite, (0, 1))
        ) else ""
        warnings.warn(
            f"{loss} expects labels 1 or -1, but {other.size} value(s) are neither "
            f"(e.g. {float(other.flat[0]):g}){hint}",
            argument="--target",
        )


# --------------------------------------------------------------------------- margin/ranking


def soft_margin(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """pred and ±1 target of the same shape."""
    same_shape(arrays, params, warnings)
    _warn_not_sign(arrays["target"], warnings, "soft-margin")


def multilabel_soft_margin(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(C) or (N, C, ...) scores, 0/1 targets of the same shape, weights broadcast to pred."""
    pred = arrays["pred"]
    if pred.ndim == 0:
        raise InputError(
            "expected class scores with the classes on the last dimension, (C) or (N, C), "
            "got a scalar",
            argument="--pred",
        )
    same_shape(arrays, params, warnings)
    if arrays.get("weight") is not None:
        broadcastable(arrays["weight"], pred.shape, "--weight", "pred shape")


def margin_ranking(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """input1, input2 and target of one shape; target ±1."""
    _equal_shapes(arrays, ("input1", "input2", "target"))
    _warn_not_sign(arrays["target"], warnings, "margin-ranking")


# --------------------------------------------------------------------------- embedding


def hinge_embedding(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Distances and ±1 targets of the same shape."""
    same_shape(arrays, params, warnings)


def cosine_embedding(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(D) or (N, D) embedding pairs and one ±1 label per pair: () or (N)."""
    _ndim(arrays["input1"], (1, 2), "--input1", "embeddings of shape (D) or (N, D)")
    _equal_shapes(arrays, ("input1", "input2"))
    expected = arrays["input1"].shape[:-1]
    if arrays["target"].shape != expected:
        raise InputError(
            f"expected one label per pair, shape {shape_str(expected)} for inputs of shape "
            f"{shape_str(arrays['input1'].shape)}, got shape {shape_str(arrays['target'].shape)}",
            argument="--target",
        )


def triplet(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """anchor, positive and negative embeddings of one shape, (D) or (N, D)."""
    _ndim(arrays["anchor"], (1, 2), "--anchor", "embeddings of shape (D) or (N, D)")
    if arrays["anchor"].shape[-1] == 0:
        raise InputError("embeddings need at least one dimension, got D = 0", argument="--anchor")
    _equal_shapes(arrays, ("anchor", "positive", "negative"))


# --------------------------------------------------------------------------- probabilistic


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


# --------------------------------------------------------------------------- sequence


def ctc(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(T, N, C) or (T, C) scores; padded or concatenated targets; lengths per sequence."""
    pred = arrays["pred"]
    _ndim(pred, (2, 3), "--pred", "log-probabilities of shape (T, N, C) or (T, C)")
    steps, classes = pred.shape[0], pred.shape[-1]
    batched = pred.ndim == 3
    blank = params["blank"]
    if not 0 <= blank < classes:
        raise InputError(
            f"blank {blank} is not a class index in [0, {classes}) (pred has shape "
            f"{shape_str(pred.shape)})",
            argument="--blank",
        )
    count = pred.shape[1] if batched else 1
    input_lengths = _lengths(arrays["input_lengths"], count, batched, "--input-lengths")
    target_lengths = _lengths(arrays["target_lengths"], count, batched, "--target-lengths")
    if input_lengths.max(initial=0) > steps:
        raise InputError(
            f"length {int(input_lengths.max())} exceeds T = {steps} (pred has shape "
            f"{shape_str(pred.shape)})",
            argument="--input-lengths",
        )
    labels = _ctc_labels(arrays["target"], target_lengths, batched)
    for sequence in labels:
        bad = sequence[(sequence < 0) | (sequence >= classes) | (sequence == blank)]
        if bad.size:
            raise InputError(
                f"label {int(bad.flat[0])} is not a class in [0, {classes}) other than the "
                f"blank {blank}",
                argument="--target",
            )
    for n, (sequence, length) in enumerate(zip(labels, input_lengths)):
        needed = sequence.size + int(np.sum(sequence[1:] == sequence[:-1]))
        if length < needed:
            warnings.warn(
                f"sequence {n} has {int(length)} frames but its target needs at least "
                f"{needed} (labels plus a blank between repeats): its loss is infinite"
                + ("" if params["zero_infinity"] else "; --zero-infinity makes it 0"),
                argument="--input-lengths",
            )
    if not params["from_logits"]:
        _warn_not_log_probs(pred, warnings)


def _lengths(array: np.ndarray, count: int, batched: bool, argument: str) -> np.ndarray:
    shapes = ((count,),) if batched else ((), (1,))
    if array.shape not in shapes:
        want = " or ".join(shape_str(s) for s in shapes)
        raise InputError(
            f"expected one length per sequence, shape {want}, got shape "
            f"{shape_str(array.shape)}",
            argument=argument,
        )
    lengths = array.reshape(-1)
    if lengths.size and lengths.min() < 0:
        raise InputError(f"length {int(lengths.min())} is negative", argument=argument)
    return lengths


def _ctc_labels(target: np.ndarray, lengths: np.ndarray, batched: bool) -> list[np.ndarray]:
    """The label sequence of each batch element, from padded (N, S) or concatenated targets."""
    total = int(lengths.sum())
    if batched and target.ndim == 2:
        if target.shape[0] != lengths.size:
            raise InputError(
                f"padded targets need one row per sequence: {lengths.size} rows expected, got "
                f"shape {shape_str(target.shape)}",
                argument="--target",
            )
        if lengths.max(initial=0) > target.shape[1]:
            raise InputError(
                f"--target-lengths has {int(lengths.max())} but the padded rows hold only "
                f"{target.shape[1]} labels (shape {shape_str(target.shape)})",
                argument="--target",
            )
        return [row[:length] for row, length in zip(target, lengths)]
    if target.ndim != 1:
        want = "(N, S) padded or (sum of target lengths) concatenated" if batched else "(S)"
        raise InputError(
            f"expected targets of shape {want}, got shape {shape_str(target.shape)}",
            argument="--target",
        )
    if batched and target.size != total:
        raise InputError(
            f"concatenated targets must hold sum(--target-lengths) = {total} labels, got "
            f"{target.size}",
            argument="--target",
        )
    if not batched and target.size < total:
        raise InputError(
            f"--target-lengths is {total} but the target holds {target.size} labels",
            argument="--target",
        )
    return list(np.split(target[:total], np.cumsum(lengths)[:-1]))


def _warn_not_log_probs(pred: np.ndarray, warnings) -> None:
    if not np.all(np.isfinite(pred)) or pred.size == 0:
        return
    pred = pred.astype(np.float64, copy=False)  # integers (a uint8 file) would wrap around
    peak = pred.max(axis=-1, keepdims=True)
    norm = (peak + np.log(np.exp(pred - peak).sum(axis=-1, keepdims=True))).squeeze(-1)
    worst = float(norm.flat[np.argmax(np.abs(norm))])
    if abs(worst) > 1e-3:
        warnings.warn(
            f"frames are not log-probabilities over the classes (logsumexp {worst:.4g}, "
            "not 0); pass --from-logits for raw scores, or apply log_softmax",
            argument="--pred",
        )


# --------------------------------------------------------------------------- linear cross-entropy


def linear_cross_entropy(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Features (F) or (N, F), a (C, F) projection, optional (C) bias; the targets, weights
    and ignore_index are checked as cross-entropy's against the logits x·Wᵀ + b."""
    pred, linear_weight = arrays["pred"], arrays["linear_weight"]
    _ndim(pred, (1, 2), "--pred", "features of shape (F) or (N, F)")
    _ndim(linear_weight, (2,), "--linear-weight", "a weight matrix of shape (C, F)")
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
