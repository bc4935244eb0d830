"""Text shared by the renderers and the tools: numbers, term slices, example commands.

numpy only, imported when a number is formatted (a loss's --help needs none); no rich,
no torch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from losscli.core.spec import LossSpec

if TYPE_CHECKING:
    import numpy as np

Slicer = Callable[[tuple[int, ...]], "np.ndarray"]


def term_slicer(term_shape: tuple[int, ...], array: np.ndarray) -> Slicer | None:
    """How to pick the part of ``array`` that produced the term at an index, or None.

    Same shape: the element. One more dimension: the row along the class dimension
    (dim 1, or 0 for a single sample) or along the last dimension (boxes, embeddings).
    """
    if array.shape == term_shape:
        return lambda idx: array[idx]
    if array.ndim != len(term_shape) + 1:
        return None
    for axis in dict.fromkeys((min(1, len(term_shape)), array.ndim - 1)):
        if array.shape[:axis] + array.shape[axis + 1 :] == term_shape:
            return partial(_row, array, axis)
    return None


def _row(array: np.ndarray, axis: int, idx: tuple[int, ...]) -> np.ndarray:
    """The slice of ``array`` along ``axis`` at the term index ``idx``."""
    return array[idx[:axis] + (slice(None),) + idx[axis:]]


def short(value: Any, worst: tuple[int, ...] | None = None) -> str:
    """A number (8 digits), a short array (6 digits), or an array's worst element."""
    import numpy as np

    if value is None:
        return "—"
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return f"{array.item():.8g}"
    if worst is not None:
        # The element at ``worst`` as broadcast against the other side (size-1 dims repeat).
        full = (1,) * (len(worst) - array.ndim) + array.shape
        at = tuple(i if n > 1 else 0 for i, n in zip(worst, full))
        return "".join(f"[{i}]" for i in worst) + f" {array.reshape(full)[at]:.8g}"
    flat = [f"{v:.6g}" for v in array.reshape(-1)]
    if len(flat) > 3:
        flat = flat[:2] + ["…"] + flat[-1:]
    shape = f" {list(array.shape)}" if array.ndim > 1 or len(flat) < array.size else ""
    return f"[{', '.join(flat)}]{shape}"


def example_command(spec: LossSpec) -> str:
    """A ready-to-run shell command from the spec's example arguments."""
    args = " ".join(f"--{k.replace('_', '-')} '{v}'" for k, v in spec.example.items())
    return f"losscli {spec.name} {args}"
