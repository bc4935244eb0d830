"""Input checks of the metric-learning losses (numpy only), run before any loss code.

Same contract as :mod:`losscli.families._shared.checks`: one line naming the argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import Arrays, equal_shapes, same_shape, shape_str
from losscli.inputs.limits import max_input_bytes, size_text


def _batch(arrays: Arrays) -> int:
    """(N, D) embeddings with D ≥ 1 and N ≥ 1, one label per row, the optional second view
    of the same shape; the pairwise (rows × rows) matrices must fit the input limit."""
    embeddings, labels = arrays["embeddings"], arrays["labels"]
    if embeddings.ndim != 2 or 0 in embeddings.shape:
        raise InputError(
            f"expected a batch of embeddings of shape (N, D) with N, D >= 1, got shape "
            f"{shape_str(embeddings.shape)}", argument="--embeddings")
    if labels.shape != embeddings.shape[:1]:
        raise InputError(
            f"expected one label per row of --embeddings, shape ({embeddings.shape[0]}), got "
            f"shape {shape_str(labels.shape)}", argument="--labels")
    rows = embeddings.shape[0]
    if arrays.get("pair") is not None:
        equal_shapes(arrays, ("embeddings", "pair"))
        rows *= 2
    needed = rows * rows * 8
    if needed > max_input_bytes():
        raise InputError(
            f"{rows} rows need {rows}×{rows} pairwise similarities ({size_text(needed)}), "
            f"more than the input limit {size_text(max_input_bytes())} "
            "(LOSSCLI_MAX_INPUT_BYTES); use a smaller batch", argument="--embeddings")
    return rows


def _labels(arrays: Arrays) -> np.ndarray:
    labels = arrays["labels"]
    return labels if arrays.get("pair") is None else np.concatenate([labels, labels])


def ntxent(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """A batch of embeddings with labels (or two views); warns when no pair is positive."""
    _batch(arrays)
    labels = _labels(arrays)
    if len(np.unique(labels)) == len(labels):
        warnings.warn(
            "no two rows share a label, so there is no positive pair and the mean is NaN "
            "(optax; pytorch-metric-learning returns 0); give --pair for two views",
            argument="--labels", nonfinite=True)


def supcon(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """A batch of embeddings with labels (or two views)."""
    _batch(arrays)


def contrastive(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """A batch of embeddings with labels; --power is 1 or 2."""
    _batch(arrays)


def circle(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """A batch of embeddings with labels; warns when the rows are not unit vectors."""
    _batch(arrays)
    embeddings = arrays["embeddings"]
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.sqrt((embeddings.astype(np.float64) ** 2).sum(-1))
    off = np.abs(norms - 1) > 1e-3
    if off.any():
        row = int(np.argmax(off))
        warnings.warn(
            f"row {row} has norm {norms[row]:.4g}, not 1: circle loss (as Keras) takes "
            "L2-normalised embeddings and does not normalise them", argument="--embeddings")


def margin_softmax(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(N, D) embeddings, (C, D) class centres, labels in [0, C)."""
    _batch(arrays)
    embeddings, centers, labels = arrays["embeddings"], arrays["centers"], arrays["labels"]
    if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] != embeddings.shape[1]:
        raise InputError(
            f"expected class centres of shape (C, {embeddings.shape[1]}) with C >= 1 (one row "
            f"per class, the width of --embeddings), got shape {shape_str(centers.shape)}",
            argument="--centers")
    classes = centers.shape[0]
    outside = (labels < 0) | (labels >= classes)
    if outside.any():
        raise InputError(
            f"class index {int(labels[np.argmax(outside)])} is out of range for {classes} "
            f"classes (--centers has {classes} rows)", argument="--labels")


def ranking(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Scores (…, L) and relevance labels of the same shape."""
    if arrays["pred"].ndim == 0:
        raise InputError("expected scores of shape (L) or (…, L), got a single number",
                         argument="--pred")
    same_shape(arrays, params, warnings)
