"""Summary statistics of many terms: count, NaN/Inf, min, max, mean, std, quantiles, top-k.

When the terms are too many to list, the table and the JSON output show a
:class:`TermStats` instead: which values occur, and which elements dominate the loss
(the k largest terms with their indices). :func:`summarize` computes it from terms in
memory (exact quantiles); :class:`StatsAccumulator` from terms that arrive in pieces
(inputs computed in chunks), with quantiles estimated from an evenly spaced sample.
Statistics run over the counted terms (ignored ones left out) that are finite. numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

#: Terms kept for quantile estimates when the terms are computed in pieces.
SAMPLE_SIZE = 1 << 18

#: Largest terms listed when the terms are summarised and --top is not given.
DEFAULT_TOP = 5


@dataclass
class TermStats:
    """Statistics of the counted terms; ``top``: (flat index, value), largest first."""

    shape: tuple[int, ...]
    count: int
    ignored: int = 0
    nan: int = 0
    inf: int = 0
    minimum: float = math.nan
    maximum: float = math.nan
    mean: float = math.nan
    std: float = math.nan
    quantiles: dict[float, float] = field(default_factory=dict)
    top: list[tuple[int, float]] = field(default_factory=list)
    sampled: int | None = None  # quantiles from this many terms, or None when exact

    def index(self, flat: int) -> tuple[int, ...]:
        """The index in the terms' shape of a flat (C-order) position."""
        return tuple(int(i) for i in np.unravel_index(flat, self.shape)) if self.shape else ()

    def rows(self) -> list[tuple[str, float | int]]:
        """(label, number) lines in display order."""
        out: list[tuple[str, float | int]] = [("count", self.count)]
        if self.ignored:
            out.append(("ignored", self.ignored))
        out += [("NaN", self.nan), ("Inf", self.inf), ("min", self.minimum)]
        out += [(quantile_label(q), v) for q, v in self.quantiles.items()]
        out += [("max", self.maximum), ("mean", self.mean), ("std", self.std)]
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: numbers (NaN as null), quantiles keyed "p5", "p50", ..."""
        out: dict[str, Any] = {
            "count": self.count,
            "ignored": self.ignored,
            "nan": self.nan,
            "inf": self.inf,
            "min": _finite(self.minimum),
            "max": _finite(self.maximum),
            "mean": _finite(self.mean),
            "std": _finite(self.std),
            "quantiles": {quantile_label(q): _finite(v) for q, v in self.quantiles.items()},
        }
        if self.sampled is not None:
            out["quantiles_from_sample"] = self.sampled
        return out

    def top_dict(self) -> list[dict[str, Any]]:
        return [{"index": list(self.index(i)), "value": _finite(v)} for i, v in self.top]


def quantile_label(q: float) -> str:
    """``p50`` for the median, ``p5`` for the 5% quantile."""
    return f"p{q * 100:g}"


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def summarize(terms: np.ndarray, ignored: np.ndarray | None = None, top: int = DEFAULT_TOP
              ) -> TermStats:
    """Exact statistics of terms held in memory."""
    accumulator = StatsAccumulator(terms.shape, top=top, sample=None)
    accumulator.add(np.asarray(terms).reshape(-1), 0,
                    None if ignored is None else np.asarray(ignored).reshape(-1))
    return accumulator.finish()


class StatsAccumulator:
    """:class:`TermStats` over pieces of the flattened terms, added in order.

    ``sample``: keep every k-th finite term (about ``sample`` in all) for the quantiles;
    ``None`` keeps every term (exact quantiles).
    """

    def __init__(self, shape: tuple[int, ...], *, top: int = DEFAULT_TOP,
                 sample: int | None = SAMPLE_SIZE) -> None:
        self.shape = tuple(shape)
        self.size = math.prod(self.shape)
        self.k = max(0, top)
        self.stride = 1 if sample is None else max(1, self.size // max(1, sample))
        self.count = self.ignored = self.nan = self.inf = 0
        self.n = 0  # finite counted terms
        self.mean = self.m2 = 0.0
        self.minimum, self.maximum = math.inf, -math.inf
        self.samples: list[np.ndarray] = []
        self.top_values = np.empty(0)
        self.top_index = np.empty(0, dtype=np.int64)

    def add(self, values: np.ndarray, offset: int, ignored: np.ndarray | None = None) -> None:
        """Add the flat terms ``values`` found at flat positions ``offset`` onwards."""
        values = np.asarray(values).reshape(-1)
        if values.dtype.kind != "f":
            values = values.astype(np.float64)
        positions = None
        if ignored is not None and ignored.any():
            keep = ~np.asarray(ignored).reshape(-1)
            self.ignored += int(values.size - np.count_nonzero(keep))
            positions = np.flatnonzero(keep) + offset
            values = values[keep]
        self.count += values.size
        if not values.size:
            return
        lo, hi = values.min(), values.max()  # NaN and ±inf show in these
        has_nan = bool(np.isnan(lo))
        if np.isfinite(lo) and np.isfinite(hi):
            self._moments(values, float(lo), float(hi))
        else:
            self.nan += int(np.count_nonzero(np.isnan(values)))
            self.inf += int(np.count_nonzero(np.isinf(values)))
            finite = values[np.isfinite(values)]
            if finite.size:
                self._moments(finite, float(finite.min()), float(finite.max()))
        self._top(values, offset, positions, has_nan)
        picked = values[(-offset) % self.stride :: self.stride]
        self.samples.append(picked[np.isfinite(picked)].astype(np.float64))

    def _moments(self, finite: np.ndarray, lo: float, hi: float) -> None:
        """Merge a piece's count, mean and sum of squared deviations (Chan et al.)."""
        n = finite.size
        mean = float(finite.mean(dtype=np.float64))
        centred = finite - finite.dtype.type(mean)
        m2 = float(np.dot(centred, centred))
        total = self.n + n
        delta = mean - self.mean
        self.mean += delta * n / total
        self.m2 += m2 + delta * delta * self.n * n / total
        self.n = total
        self.minimum = min(self.minimum, lo)
        self.maximum = max(self.maximum, hi)

    def _top(self, values: np.ndarray, offset: int, positions: np.ndarray | None,
             has_nan: bool) -> None:
        """Merge the piece's largest terms (NaN left out) into the running top k."""
        if not self.k:
            return
        if self.top_values.size >= self.k:
            candidates = np.flatnonzero(values > self.top_values[-1])  # NaN compares False
        else:
            ranked = values[~np.isnan(values)] if has_nan else values
            if not ranked.size:
                return
            cut = max(ranked.size - self.k, 0)
            candidates = np.flatnonzero(values >= np.partition(ranked, cut)[cut])
        if not candidates.size:
            return
        if candidates.size > self.k:
            best = np.argpartition(-values[candidates], self.k - 1)[: self.k]
            candidates = candidates[best]
        where = candidates + offset if positions is None else positions[candidates]
        merged_values = np.concatenate([self.top_values, values[candidates].astype(np.float64)])
        merged_index = np.concatenate([self.top_index, where])
        order = np.lexsort((merged_index, -merged_values))[: self.k]
        self.top_values, self.top_index = merged_values[order], merged_index[order]

    def finish(self) -> TermStats:
        sample = np.concatenate(self.samples) if self.samples else np.empty(0)
        quantiles = {}
        if sample.size:
            quantiles = dict(zip(QUANTILES, (float(v) for v in np.quantile(sample, QUANTILES))))
        std = math.sqrt(self.m2 / self.n) if self.n else math.nan
        return TermStats(
            shape=self.shape,
            count=self.count,
            ignored=self.ignored,
            nan=self.nan,
            inf=self.inf,
            minimum=self.minimum if self.n else math.nan,
            maximum=self.maximum if self.n else math.nan,
            mean=self.mean if self.n else math.nan,
            std=std,
            quantiles=quantiles,
            top=[(int(i), float(v)) for i, v in zip(self.top_index, self.top_values)],
            sampled=None if self.stride == 1 else int(sample.size),
        )
