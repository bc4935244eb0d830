"""Shape and range checks of CTC: frames, padded or concatenated targets, lengths.

Same contract as :mod:`losscli.families._shared.checks`: each check takes ``(arrays, params,
warnings)``, raises :class:`~losscli.core.errors.InputError` with one line naming the argument
and the shapes involved, and warns about valid but suspicious inputs. numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import Arrays, ndim_in, shape_str

# --------------------------------------------------------------------------- margin/ranking


# --------------------------------------------------------------------------- embedding


# --------------------------------------------------------------------------- probabilistic


# --------------------------------------------------------------------------- sequence


def ctc(arrays: Arrays, params: dict[str, Any], warnings, impossible: str = "") -> None:
    """(T, N, C) or (T, C) scores; padded or concatenated targets; lengths per sequence.

    ``impossible``: what an input too short for its target gives, when not infinity."""
    pred = arrays["pred"]
    ndim_in(pred, (2, 3), "--pred", "log-probabilities of shape (T, N, C) or (T, C)")
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
                f"{needed} (labels plus a blank between repeats): "
                + (impossible or "its loss is infinite"
                   + ("" if params["zero_infinity"] else "; --zero-infinity makes it 0")),
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


def keras_ctc(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """ctc under --convention keras: (N, T, C) logits, (N, S) labels with 0 as padding."""
    pred, target = arrays["pred"], arrays["target"]
    ndim_in(pred, (3,), "--pred", "Keras's logits of shape (N, T, C), batch first")
    classes = pred.shape[-1]
    if target.ndim != 2 or target.shape[0] != pred.shape[0]:
        raise InputError(
            f"expected (N, S) labels with N = {pred.shape[0]} (pred has shape "
            f"{shape_str(pred.shape)}), got shape {shape_str(target.shape)}",
            argument="--target",
        )
    bad = target[(target < 0) | (target >= classes)]
    if bad.size:
        raise InputError(f"label {int(bad.flat[0])} is not a class in [0, {classes})",
                         argument="--target")


def optax_ctc(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """ctc under --convention optax: (B, T, K) logits, padded (B, N) labels, lengths (B)."""
    pred = arrays["pred"]
    ndim_in(pred, (3,), "--pred", "optax's logits of shape (B, T, K), batch first")
    if arrays["target"].ndim != 2:
        raise InputError(
            f"expected optax's padded labels of shape (B, N), got shape "
            f"{shape_str(arrays['target'].shape)}",
            argument="--target",
        )
    time_first = {**arrays, "pred": pred.transpose(1, 0, 2)}
    ctc(time_first, {**params, "from_logits": True}, warnings,
        impossible=f"optax gives a loss of about {-params['log_epsilon']:g} per missing frame")
