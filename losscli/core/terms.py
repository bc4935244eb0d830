"""The unreduced result of a loss function, and its reduction, for either backend.

A loss function (torch in :mod:`losscli.families`, numpy in :mod:`losscli.families`)
returns :class:`Terms` holding arrays of its backend: torch tensors or numpy arrays.
:func:`reduce` works on both with the same operations (``sum``, ``shape``, ``/``), so
a torch reduction keeps its autograd graph and a numpy one never imports torch.
:class:`Totals` is the same reduction accumulated over pieces of the terms (inputs
computed in chunks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from losscli.core.result import Reduction


@dataclass
class Terms:
    """Per-element loss terms, and what the mean must divide by.

    ``values``: the terms ℓᵢ, already multiplied by any per-term weight.
    ``weights``: the per-term denominator weights of the mean (class weights w[yᵢ],
    0 for ignored targets); ``None`` means the plain mean over every term.
    ``ignored``: a boolean mask of terms left out (ignored targets), if any.
    ``weight_symbol``: how the rule names the weights ("w[yᵢ]" or "1").
    ``details``: per-term intermediate quantities (same shape as ``values``), shown
    in the table and used by explanations, e.g. ``{"p_t": ...}``; a numpy function may
    give a function that computes one, called only when the details are kept (not for
    inputs computed in chunks).
    ``shown_inputs``: the inputs whose slice per term the table may show; ``None`` lets
    the table match shapes (element, or a row along the class or last dimension). Losses
    whose terms aggregate whole regions (Dice per sample and class) pass ``()``.
    ``mean_divisor``: a per-term divisor dᵢ for a mean Σ (ℓᵢ / dᵢ) / n (CTC's target
    lengths); ``divisor_symbol`` names it in the rule.

    The arrays are torch tensors or numpy arrays, all of one backend.
    """

    values: Any
    weights: Any | None = None
    ignored: Any | None = None
    weight_symbol: str = "1"
    ignore_reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    shown_inputs: tuple[str, ...] | None = None
    mean_divisor: Any | None = None
    divisor_symbol: str = "dᵢ"
    empty_mean_zero: bool = False


def _float(x: Any) -> float:
    """A Python float of a 0-d tensor (detached) or numpy scalar."""
    return float(x.detach()) if hasattr(x, "detach") else float(x)


def _size(values: Any) -> int:
    return math.prod(values.shape)


def reduce(terms: Terms, reduction: str) -> tuple[Any, Reduction]:
    """Reduce the terms as the loss's rule says; describe the rule with its numbers.

    The value is an array of the terms' backend (0-d for mean/sum/batchmean).
    """
    values = terms.values
    ignored = 0 if terms.ignored is None else int(terms.ignored.sum())
    if reduction == "none":
        return values, _rule(terms, "none", ignored)
    total = values.sum()
    if reduction == "batchmean":
        batch = values.shape[0] if values.ndim else 1
        return total / batch, _rule(terms, reduction, ignored, _float(total), batch)
    if reduction == "sum":
        return total, _rule(terms, reduction, ignored, _float(total))
    if terms.mean_divisor is not None:
        scaled, count = (values / terms.mean_divisor).sum(), _size(values)
        return scaled / count, _rule(terms, reduction, ignored, _float(scaled), count)
    if terms.weights is None:
        count = _size(values)
        if count == 0 and terms.empty_mean_zero:
            return total * 0.0, Reduction("mean", _EMPTY_ZERO, 0.0)
        return total / count, _rule(terms, reduction, ignored, _float(total), count)
    denominator = terms.weights.sum()
    value = total / denominator
    return value, _rule(terms, reduction, ignored, _float(total), _float(denominator))


_EMPTY_ZERO = "mean over no terms: 0 (loss.mean() if loss.numel() > 0 else 0.0 * loss.sum())"


def _rule(
    terms: Terms,
    reduction: str,
    ignored: int,
    numerator: float | None = None,
    denominator: float | None = None,
) -> Reduction:
    """The rule's text for ``terms`` (the same whether the terms came whole or in pieces)."""
    info: dict[str, Any] = dict(ignored=ignored,
                                ignore_reason=terms.ignore_reason if ignored else "")
    if reduction == "none":
        return Reduction("none", "none: the terms, unreduced", **info)
    if reduction == "sum":
        return Reduction("sum", "sum: Σ ℓᵢ", numerator, **info)
    if reduction == "batchmean":
        rule = "batchmean: Σ ℓᵢ / N (N = batch size)"
        return Reduction("batchmean", rule, numerator, _float(denominator), **info)
    if terms.mean_divisor is not None:
        rule = f"mean: Σ (ℓᵢ / {terms.divisor_symbol}) / N"
        return Reduction("mean", rule, numerator, _float(denominator))
    if terms.weights is None:
        return Reduction("mean", "mean: Σ ℓᵢ / n", numerator, _float(denominator))
    w = terms.weight_symbol
    if w == "1":
        rule = "mean over the n non-ignored terms: Σ ℓᵢ / n" if ignored else "mean: Σ ℓᵢ / n"
    else:
        rule = f"weighted mean: Σ {w}·ℓᵢ / Σ {w}"
    return Reduction("mean", rule, numerator, denominator, **info)


@dataclass
class Totals:
    """The reduction of terms that arrive in pieces (numpy), summed in float64.

    ``merge`` the ``Totals.of`` each piece's :class:`Terms` in order; ``finish`` gives the
    value (rounded to the compute dtype) and its :class:`Reduction`, as :func:`reduce`
    would on the whole.
    """

    total: float = 0.0
    denominator: float = 0.0
    scaled: float = 0.0
    count: int = 0
    ignored: int = 0
    first: Terms | None = None

    @classmethod
    def of(cls, piece: Terms) -> Totals:
        """The sums of one piece of the terms."""
        import numpy as np

        values = piece.values
        empty = np.empty(0)
        rule = replace(  # what the rule depends on, without the piece's arrays
            piece, values=empty, details={},
            weights=None if piece.weights is None else empty,
            ignored=None if piece.ignored is None else empty,
            mean_divisor=None if piece.mean_divisor is None else empty,
        )
        out = cls(total=float(np.sum(values, dtype=np.float64)), count=values.size, first=rule)
        if piece.ignored is not None:
            out.ignored = int(np.count_nonzero(piece.ignored))
        if piece.weights is not None:
            out.denominator = float(np.sum(piece.weights, dtype=np.float64))
        if piece.mean_divisor is not None:
            out.scaled = float(np.sum(values / piece.mean_divisor, dtype=np.float64))
        return out

    def merge(self, other: Totals) -> None:
        """Add the sums of the next piece."""
        self.total += other.total
        self.denominator += other.denominator
        self.scaled += other.scaled
        self.count += other.count
        self.ignored += other.ignored
        if self.first is None:
            self.first = other.first

    def finish(
        self, reduction: str, dtype: Any, shape: tuple[int, ...]
    ) -> tuple[float | None, Reduction]:
        """(value, rule) for terms of ``shape``; the value is None for 'none'."""
        terms = self.first if self.first is not None else Terms(values=None)
        if reduction == "none":
            return None, _rule(terms, "none", self.ignored)
        if reduction == "sum":
            return float(dtype.type(self.total)), _rule(terms, reduction, self.ignored, self.total)
        numerator, denominator = self.total, float(self.count)
        if reduction == "batchmean":
            denominator = shape[0] if shape else 1
        elif terms.mean_divisor is not None:
            numerator = self.scaled
        elif terms.weights is not None:
            denominator = self.denominator
        rule = _rule(terms, reduction, self.ignored, numerator, denominator)
        with _quiet():
            value = dtype.type(numerator) / dtype.type(denominator)
        return float(value), rule


def _quiet():
    import numpy as np

    return np.errstate(all="ignore")
