"""Checks for the classical losses (zero-one, hinge, log-loss), numpy only.

Each takes one sample per row: ``--pred`` is (N) or (N, C), ``--target`` holds N
labels (or, for log-loss, an (N, C) indicator matrix), ``--sample-weight`` N
non-negative weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import in_range, shape_str

#: log-loss on no samples: scikit-learn raises (check_array's "Found array with 0
#: sample(s)") where a mean would be NaN; its implementations say this (exit 2).
NO_SAMPLES = "scikit-learn's log_loss needs at least 1 sample, got none"


def _rows(pred: np.ndarray, what: str) -> int:
    if pred.ndim not in (1, 2):
        raise InputError(
            f"expected {what}, got shape {shape_str(pred.shape)}", argument="--pred"
        )
    return pred.shape[0]


def _labels(target: np.ndarray, pred: np.ndarray) -> None:
    if target.shape != pred.shape[:1]:
        raise InputError(
            f"expected one label per sample, shape ({pred.shape[0]}), for pred of shape "
            f"{shape_str(pred.shape)}, got shape {shape_str(target.shape)}",
            argument="--target",
        )


def _class_indices(target: np.ndarray, classes: int) -> None:
    if target.dtype.kind == "f":
        raise InputError(
            "class indices must be integers; write them without a decimal point",
            argument="--target",
        )
    in_range(target, classes)


def _sample_weight(arrays: dict[str, np.ndarray], samples: int) -> None:
    weight = arrays.get("sample_weight")
    if weight is None:
        return
    if weight.shape != (samples,):
        raise InputError(
            f"expected one weight per sample, shape ({samples}), got shape "
            f"{shape_str(weight.shape)}",
            argument="--sample-weight",
        )
    if (weight < 0).any():
        raise InputError(
            f"weights must be >= 0, got {float(weight[weight < 0][0]):g}",
            argument="--sample-weight",
        )


def zero_one(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """(N, C) scores with indices in [0, C), (N) predicted labels with (N) labels, or (N, L)
    0/1 indicator matrices for both (multilabel)."""
    pred, target = arrays["pred"], arrays["target"]
    samples = _rows(pred, "(N, C) class scores or (N) predicted labels")
    if pred.ndim == 2 and target.shape == pred.shape:
        _binary(target, "a multilabel indicator matrix")
        bad = pred[(pred != 0) & (pred != 1)]
        if bad.size:
            raise InputError(
                f"value {float(bad.flat[0]):g} is not 0 or 1: with an (N, L) indicator target, "
                "pred holds the predicted (N, L) indicator matrix",
                argument="--pred",
            )
        _sample_weight(arrays, samples)
        return
    _labels(target, pred)
    if pred.ndim == 2:
        _class_indices(target, pred.shape[1])
    elif pred.dtype.kind == "f" and not np.all(pred == np.round(pred)):
        raise InputError(
            "a 1-D pred holds predicted labels, which must be integers; pass class scores "
            "as (N, C)",
            argument="--pred",
        )
    _sample_weight(arrays, samples)


def hinge(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Binary: (N) decision values, labels ±1 or 0/1. Multi-class: (N, C), indices."""
    pred, target = arrays["pred"], arrays["target"]
    samples = _rows(pred, "(N) binary decision values or (N, C) class scores")
    _labels(target, pred)
    if pred.ndim == 1:
        values = set(np.unique(target).tolist())
        if not (values <= {-1, 1} or values <= {0, 1} or len(values) == 2):
            shown = ", ".join(f"{v:g}" for v in sorted(values))
            raise InputError(
                f"binary labels must be two values (-1/1, 0/1, or any two: the smaller is "
                f"the negative class), got values {shown}; for more classes pass (N, C) "
                "scores to --pred",
                argument="--target",
            )
    else:
        if pred.shape[1] < 2:
            raise InputError(
                "multi-class scores need C >= 2 columns; for binary decision values pass "
                f"a 1-D pred of shape ({samples})",
                argument="--pred",
            )
        _class_indices(target, pred.shape[1])
    _sample_weight(arrays, samples)


def log_loss(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """(N) P(class 1) with 0/1 labels, or (N, C) probabilities with indices or indicators."""
    pred, target = arrays["pred"], arrays["target"]
    samples = _rows(pred, "(N) probabilities of class 1 or (N, C) class probabilities")
    if pred.ndim == 2 and pred.shape[1] < 2:
        raise InputError(
            f"needs C >= 2 class columns; for one probability per sample pass shape ({samples})",
            argument="--pred",
        )
    if pred.ndim == 2 and target.shape == pred.shape:
        _binary(target, "an indicator matrix")
    else:
        _labels(target, pred)
        if pred.ndim == 1:
            _binary(target, "binary labels for a 1-D pred")
        else:
            _class_indices(target, pred.shape[1])
    if pred.ndim == 2:
        _rows_sum_to_one(pred, warnings)
    _sample_weight(arrays, samples)


def _binary(target: np.ndarray, what: str) -> None:
    bad = target[(target != 0) & (target != 1)]
    if bad.size:
        raise InputError(
            f"value {float(bad.flat[0]):g} is not 0 or 1, as {what} must be",
            argument="--target",
        )


def _rows_sum_to_one(pred: np.ndarray, warnings) -> None:
    """scikit-learn's check: rows within rtol sqrt(eps of the dtype) of 1; a warning only."""
    sums = pred.sum(axis=1)
    rtol = np.sqrt(np.finfo(pred.dtype).eps) if pred.dtype.kind == "f" else 0.0
    if not np.allclose(sums, 1.0, rtol=rtol, atol=0):
        worst = float(sums[np.argmax(np.abs(sums - 1))])
        warnings.warn(
            f"rows do not sum to 1 (one sums to {worst:.6g}); log-loss uses them as they "
            "are, without renormalising (scikit-learn >= 1.5 warns the same)",
            argument="--pred",
        )


def keras_hinge(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """hinge under --convention keras: --target has --pred's shape (Keras's y_true)."""
    pred, target = arrays["pred"], arrays["target"]
    if target.shape != pred.shape:
        raise InputError(
            f"Keras's Hinge takes a target of --pred's shape {shape_str(pred.shape)}, got "
            f"{shape_str(target.shape)}",
            argument="--target",
        )
