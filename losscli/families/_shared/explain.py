"""The pieces every worked derivation uses: number formatting and a view of one term.

A derivation function takes a :class:`TermView` (one term of a :class:`~losscli.core.result.Result`)
and returns the lines that lead to it, the last one ending in the term's value. Numbers
come from the result only (inputs, parameters, ``details`` and the terms): a derivation
writes expressions with them but never computes a new number itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from losscli.core.text import term_slicer


class MissingDetail(KeyError):
    """A derivation needs an intermediate quantity the loss did not report."""


#: loss name -> derivation function; filled by the family modules of this package.
DERIVATIONS: dict[str, Callable[[TermView], list[str]]] = {}


def derivation(*names: str):
    """Register a derivation function for the losses ``names``."""

    def register(function):
        for name in names:
            DERIVATIONS[name] = function
        return function

    return register


def num(value: Any, digits: int = 6) -> str:
    """A number as the table prints it: integers plainly, others to 6 significant digits."""
    value = float(value)
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.{digits}g}"
    return text.replace("-", "−")


def par(value: Any) -> str:
    """``num(value)``, in parentheses when negative (for use inside an expression)."""
    text = num(value)
    return f"({text})" if text.startswith("−") else text


def vector(values: Any, limit: int = 8) -> str:
    """``[0.8, 0.1, 0.4]``; long vectors keep their first and last entries."""
    flat = [num(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
    if len(flat) > limit:
        flat = flat[: limit - 2] + ["…"] + flat[-1:]
    return "[" + ", ".join(flat) + "]"


def joined(parts: list[str], sep: str = " + ", limit: int = 8) -> str:
    """``a + b + c``; long sums keep their first and last parts."""
    if len(parts) > limit:
        parts = parts[: limit - 2] + ["…"] + parts[-1:]
    return sep.join(parts)


@dataclass
class TermView:
    """One term of a result: the inputs that produced it, its details, parameters, value."""

    result: Any
    index: tuple[int, ...]

    @property
    def term(self) -> float:
        return float(self.result.terms[self.index])

    @property
    def ignored(self) -> bool:
        mask = self.result.ignored
        return mask is not None and bool(mask[self.index])

    @property
    def weight(self) -> float | None:
        """The term's weight in a weighted mean (w[yᵢ]), or None when unweighted."""
        weights = self.result.term_weights
        return None if weights is None else float(weights[self.index])

    def has(self, name: str) -> bool:
        return name in self.result.inputs or name in self.result.details

    def input(self, name: str) -> np.ndarray:
        """The slice of input ``name`` behind this term (an element, or a row of classes)."""
        return self._slice(self.result.inputs[name])

    def detail(self, name: str) -> np.ndarray:
        if name not in self.result.details:
            raise MissingDetail(name)
        return self._slice(self.result.details[name])

    def param(self, name: str, default: Any = None) -> Any:
        return self.result.params.get(name, default)

    def tensor_param(self, name: str) -> np.ndarray | None:
        """A TENSOR parameter (e.g. a class weight) as an array, or None when unset."""
        value = self.result.params.get(name)
        return None if value is None else np.asarray(value, dtype=np.float64)

    def broadcast_param(self, name: str, like: str = "pred") -> float | None:
        """A TENSOR parameter broadcast to input ``like``, at this term (elementwise weights)."""
        value = self.tensor_param(name)
        if value is None:
            return None
        shape = self.result.inputs[like].shape
        return float(np.broadcast_to(value, shape)[self.index])

    def _slice(self, array: np.ndarray) -> np.ndarray:
        slicer = term_slicer(self.result.terms.shape, np.asarray(array))
        if slicer is None:
            return np.asarray(array)
        return np.asarray(slicer(self.index))


def location(index: tuple[int, ...]) -> str:
    """``ℓ[0, 2]`` for a term index, ``ℓ`` for the single term of a scalar."""
    return "ℓ[" + ", ".join(map(str, index)) + "]" if index else "ℓ"
