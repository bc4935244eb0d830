"""Summary statistics of many terms: count, NaN/Inf, min, max, mean, std, quantiles, top-k.

When the terms are too many to list, the table and the JSON output show a
:class:`TermStats` instead: which values occur, and which elements dominate the loss
(the k largest terms with their indices). :func:`summarize` computes it from terms in
memory (exact quantiles); :class:`StatsAccumulator` from terms that arrive in pieces
(inputs computed in chunks, possibly in parallel threads), with quantiles estimated
from an evenly spaced sample.
Statistics run over the counted terms (ignored ones left out) that are finite. numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.options import DEFAULT_TOP

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

#: Terms kept for quantile estimates when the terms are computed in pieces.
SAMPLE_SIZE = 1 << 18


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


@dataclass
class Piece:
    """The statistics of one piece of the terms, ready to merge (see StatsAccumulator)."""

    count: int = 0
    ignored: int = 0
    nan: int = 0
    inf: int = 0
    n: int = 0  # finite counted terms
    mean: float = 0.0
    m2: float = 0.0  # sum of squared deviations from the mean
    minimum: float = math.inf
    maximum: float = -math.inf
    top_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    top_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    sample: np.ndarray = field(default_factory=lambda: np.empty(0))


class StatsAccumulator:
    """:class:`TermStats` over pieces of the flattened terms.

    ``piece`` summarises one piece (it only reads the accumulator, so pieces may be
    summarised in parallel threads); ``merge`` adds pieces in order; ``add`` does both.
    ``sample``: keep every k-th finite term (about ``sample`` in all) for the quantiles;
    ``None`` keeps every term (exact quantiles).
    """

    def __init__(self, shape: tuple[int, ...], *, top: int = DEFAULT_TOP,
                 sample: int | None = SAMPLE_SIZE) -> None:
        self.shape = tuple(shape)
        self.size = math.prod(self.shape)
        self.k = max(0, top)
        self.stride = 1 if sample is None else max(1, self.size // max(1, sample))
        self.total = Piece()
        self.samples: list[np.ndarray] = []

    def add(self, values: np.ndarray, offset: int, ignored: np.ndarray | None = None) -> None:
        """Add the flat terms ``values`` found at flat positions ``offset`` onwards."""
        self.merge(self.piece(values, offset, ignored, self.threshold()))

    def threshold(self) -> float | None:
        """The smallest of the current top k: a piece's larger terms are its candidates."""
        full = self.k and self.total.top_values.size >= self.k
        return float(self.total.top_values[-1]) if full else None

    def piece(self, values: np.ndarray, offset: int, ignored: np.ndarray | None = None,
              threshold: float | None = None) -> Piece:
        """The statistics of the flat terms ``values`` at flat positions ``offset`` onwards."""
        values = np.asarray(values).reshape(-1)
        if values.dtype.kind != "f":
            values = values.astype(np.float64)
        out = Piece()
        positions = None
        if ignored is not None and ignored.any():
            keep = ~np.asarray(ignored).reshape(-1)
            out.ignored = int(values.size - np.count_nonzero(keep))
            positions = np.flatnonzero(keep) + offset
            values = values[keep]
        out.count = values.size
        if not values.size:
            return out
        lo, hi = values.min(), values.max()  # NaN and ±inf show in these
        finite = values
        if not (np.isfinite(lo) and np.isfinite(hi)):
            out.nan = int(np.count_nonzero(np.isnan(values)))
            out.inf = int(np.count_nonzero(np.isinf(values)))
            finite = values[np.isfinite(values)]
            lo, hi = (finite.min(), finite.max()) if finite.size else (lo, hi)
        if finite.size:
            out.n, out.minimum, out.maximum = finite.size, float(lo), float(hi)
            out.mean = float(finite.mean(dtype=np.float64))
            centred = finite - finite.dtype.type(out.mean)
            out.m2 = float(np.dot(centred, centred))
        self._top(out, values, offset, positions, threshold)
        picked = values[(-offset) % self.stride :: self.stride]
        out.sample = picked[np.isfinite(picked)].astype(np.float64)
        return out

    def _top(self, out: Piece, values: np.ndarray, offset: int, positions, threshold) -> None:
        """The piece's k largest terms (NaN left out), with their flat indices."""
        if not self.k:
            return
        if threshold is not None:
            candidates = np.flatnonzero(values > threshold)  # NaN compares False
        else:
            ranked = values[~np.isnan(values)] if out.nan else values
            if not ranked.size:
                return
            cut = max(ranked.size - self.k, 0)
            candidates = np.flatnonzero(values >= np.partition(ranked, cut)[cut])
        if candidates.size > self.k:
            best = np.argpartition(-values[candidates], self.k - 1)[: self.k]
            candidates = candidates[best]
        out.top_values = values[candidates].astype(np.float64)
        out.top_index = candidates + offset if positions is None else positions[candidates]

    def merge(self, piece: Piece) -> None:
        """Add a piece's statistics (Chan et al.'s merge of means and squared deviations)."""
        total = self.total
        total.count += piece.count
        total.ignored += piece.ignored
        total.nan += piece.nan
        total.inf += piece.inf
        if piece.n:
            n = total.n + piece.n
            delta = piece.mean - total.mean
            total.mean += delta * piece.n / n
            total.m2 += piece.m2 + delta * delta * total.n * piece.n / n
            total.n = n
            total.minimum = min(total.minimum, piece.minimum)
            total.maximum = max(total.maximum, piece.maximum)
        if piece.top_values.size:
            values = np.concatenate([total.top_values, piece.top_values])
            index = np.concatenate([total.top_index, piece.top_index])
            order = np.lexsort((index, -values))[: self.k]
            total.top_values, total.top_index = values[order], index[order]
        self.samples.append(piece.sample)

    def finish(self) -> TermStats:
        total = self.total
        sample = np.concatenate(self.samples) if self.samples else np.empty(0)
        quantiles = {}
        if sample.size:
            quantiles = dict(zip(QUANTILES, (float(v) for v in np.quantile(sample, QUANTILES))))
        found = total.n > 0
        return TermStats(
            shape=self.shape,
            count=total.count,
            ignored=total.ignored,
            nan=total.nan,
            inf=total.inf,
            minimum=total.minimum if found else math.nan,
            maximum=total.maximum if found else math.nan,
            mean=total.mean if found else math.nan,
            std=math.sqrt(total.m2 / total.n) if found else math.nan,
            quantiles=quantiles,
            top=[(int(i), float(v)) for i, v in zip(total.top_index, total.top_values)],
            sampled=None if self.stride == 1 else int(sample.size),
        )
