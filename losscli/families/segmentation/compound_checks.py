"""Checks of dice-ce, dice-focal and generalized-dice (numpy only): dice's checks, and pixels.

Unlike dice, jaccard and tversky, these losses take no (N, C) input: their terms are per
sample over the spatial dimensions, so ``--pred`` must have at least one of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import shape_str
from losscli.families.segmentation.checks import segmentation


def generalized(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """The segmentation checks on a prediction with spatial dimensions, (N, C, d1, ...)."""
    _spatial(arrays["pred"])
    segmentation(arrays, params, warnings)


def compound(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """The segmentation checks, then a non-empty prediction (their means are per pixel)."""
    generalized(arrays, params, warnings)
    pred = arrays["pred"]
    if pred.size == 0:
        raise InputError(
            f"has no element (shape {shape_str(pred.shape)}): the cross-entropy and focal "
            "parts average over the pixels of each sample",
            argument="--pred",
        )


def _spatial(pred: np.ndarray) -> None:
    if pred.ndim < 3:
        raise InputError(
            "expected (N, C, d1, ...): a batch of N samples, C classes, then at least one "
            f"spatial dimension, got shape {shape_str(pred.shape)}",
            argument="--pred",
        )
