"""Shape checks of the embedding losses: pairs and triplets of embeddings (numpy only).

Same contract as :mod:`losscli.families._shared.checks`.
"""

from __future__ import annotations

from typing import Any

from losscli.core.errors import InputError
from losscli.families._shared.checks import Arrays, equal_shapes, ndim_in, same_shape, shape_str


def hinge_embedding(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Distances and ±1 targets of the same shape."""
    same_shape(arrays, params, warnings)


def cosine_embedding(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(D) or (N, D) embedding pairs and one ±1 label per pair: () or (N)."""
    ndim_in(arrays["input1"], (1, 2), "--input1", "embeddings of shape (D) or (N, D)")
    equal_shapes(arrays, ("input1", "input2"))
    expected = arrays["input1"].shape[:-1]
    if arrays["target"].shape != expected:
        raise InputError(
            f"expected one label per pair, shape {shape_str(expected)} for inputs of shape "
            f"{shape_str(arrays['input1'].shape)}, got shape {shape_str(arrays['target'].shape)}",
            argument="--target",
        )


def triplet(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """anchor, positive and negative embeddings of one shape, (D) or (N, D)."""
    ndim_in(arrays["anchor"], (1, 2), "--anchor", "embeddings of shape (D) or (N, D)")
    if arrays["anchor"].shape[-1] == 0:
        raise InputError("embeddings need at least one dimension, got D = 0", argument="--anchor")
    equal_shapes(arrays, ("anchor", "positive", "negative"))


def cosine_similarity(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Vectors of one shape, with the axis --axis inside it."""
    pred = arrays["pred"]
    if pred.ndim == 0:
        raise InputError("expected vectors (*, D), got a single number", argument="--pred")
    same_shape(arrays, params, warnings)
    axis = params["axis"]
    if not -pred.ndim <= axis < pred.ndim:
        raise InputError(
            f"{axis} is outside the {pred.ndim} dimensions of --pred shape "
            f"{shape_str(pred.shape)}; use an axis in [{-pred.ndim}, {pred.ndim - 1}]",
            argument="--axis",
        )
