"""Checks of dice-ce and dice-focal (numpy only): dice's checks, and at least one pixel."""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import shape_str
from losscli.families.segmentation.checks import segmentation


def compound(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """The segmentation checks, then a non-empty prediction (their means are per pixel)."""
    segmentation(arrays, params, warnings)
    pred = arrays["pred"]
    if pred.size == 0:
        raise InputError(
            f"has no element (shape {shape_str(pred.shape)}): the cross-entropy and focal "
            "parts average over the pixels of each sample",
            argument="--pred",
        )
