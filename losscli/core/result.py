"""The result of a computation as plain data (numpy arrays, floats, strings).

Renderers and the Python API read a :class:`Result`; ``to_dict()`` is the JSON
schema of INTERFACE.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from losscli.core.errors import InputError
from losscli.core.options import DEFAULT_TOP

if TYPE_CHECKING:  # the statistics are imported when terms are summarised
    from losscli.core.summary import TermStats


@dataclass
class Reduction:
    """How the terms became the value, with the numbers used."""

    name: str
    rule: str
    numerator: float | None = None
    denominator: float | None = None
    ignored: int = 0
    ignore_reason: str = ""

    def describe(self) -> str:
        """E.g. ``weighted mean: Σ w[yᵢ]·ℓᵢ / Σ w[yᵢ] = 3.21 / 4``."""
        if self.numerator is None:
            return self.rule
        if self.denominator is None:
            return f"{self.rule} = {self.numerator:.6g}"
        return f"{self.rule} = {self.numerator:.6g} / {self.denominator:.6g}"


@dataclass
class Expectation:
    """The outcome of ``--expect``: |got − expected| <= atol + rtol·|expected|, elementwise."""

    expected: float | list
    rtol: float
    atol: float
    ok: bool
    abs_error: float
    rel_error: float

    def to_dict(self) -> dict[str, Any]:
        return {"expected": _jsonable(self.expected), "rtol": self.rtol, "atol": self.atol,
                "ok": self.ok}

    def describe(self, got: Any) -> str:
        verdict = "matches" if self.ok else "differs from"
        return (
            f"value {_short(got)} {verdict} expected {_short(self.expected)} "
            f"(abs error {self.abs_error:.3g}, rel error {self.rel_error:.3g}; "
            f"rtol {self.rtol:g}, atol {self.atol:g})"
        )


@dataclass
class Result:
    """Everything one loss computation produced."""

    loss: str
    reduction: Reduction
    dtype: str
    params: dict[str, Any]
    inputs: dict[str, np.ndarray]
    value: float | np.ndarray
    #: The unreduced terms; None when the inputs were computed in chunks and only
    #: their summary (``stats``) was kept.
    terms: np.ndarray | None
    shown_inputs: tuple[str, ...] | None = None  # None: the table matches shapes
    term_weights: np.ndarray | None = None
    ignored: np.ndarray | None = None
    details: dict[str, np.ndarray] = field(default_factory=dict)
    grads: dict[str, np.ndarray] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expect: Expectation | None = None
    backend: str = "torch"
    #: The other library's convention used (--convention), as Convention.to_dict().
    convention: dict[str, Any] | None = None
    #: The torch device that computed the terms ("cpu", "cuda:0"); None for numpy.
    device: str | None = None
    #: Summary statistics of terms computed in chunks (see ``summary()`` otherwise).
    stats: TermStats | None = None
    #: exp of the mean token loss over the counted tokens (cross-entropy with mean), or None.
    perplexity: float | None = None

    @property
    def term_shape(self) -> tuple[int, ...]:
        if self.terms is None:
            assert self.stats is not None, "a result keeps its terms or their statistics"
            return self.stats.shape
        return tuple(self.terms.shape)

    def summary(self, top: int = DEFAULT_TOP) -> TermStats:
        """Statistics of the terms and the ``top`` largest (exact when the terms are kept)."""
        if self.stats is not None and (self.terms is None or top <= len(self.stats.top)):
            return self.stats
        assert self.terms is not None, "a result keeps its terms or their statistics"
        from losscli.core.summary import summarize

        return summarize(self.terms, self.ignored, top=top)

    def compare(self, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-8,
                same_shape: bool = False) -> Expectation:
        """Compare the value with ``expected`` (a number, or a nested list for 'none').

        An infinite expectation matches only the same infinity; NaN matches NaN. With
        ``same_shape`` (``--expect``) the expectation must have the value's shape: a
        number for a scalar value, the terms' shape for 'none'; otherwise it broadcasts.
        """
        for option, tolerance in (("--rtol", rtol), ("--atol", atol)):
            if not tolerance >= 0:
                raise InputError(f"must be a non-negative number, got {tolerance:g}",
                                 argument=option)
        got = np.asarray(self.value, dtype=np.float64)
        want = np.asarray(expected, dtype=np.float64)
        if same_shape and want.shape != got.shape:
            wanted = ("a number" if not got.shape
                      else f"a TENSOR of shape {list(got.shape)}")
            raise InputError(
                f"has shape {list(want.shape)} but the value has shape {list(got.shape)}; "
                f"give {wanted}",
                argument="--expect",
            )
        try:
            with np.errstate(invalid="ignore"):  # inf − inf
                diff = np.abs(
                    np.broadcast_to(got, np.broadcast_shapes(got.shape, want.shape)) - want
                )
        except ValueError:
            raise InputError(
                f"expected shape {list(want.shape)} does not match the value's shape "
                f"{list(got.shape)}",
                argument="--expect",
            ) from None
        both_nan = np.isnan(got) & np.isnan(want)  # NaN expected and NaN got: a match
        close = np.isfinite(want) & (diff <= atol + rtol * np.abs(want))
        ok = bool(np.all(close | (got == want) | both_nan))
        abs_error = float(np.max(diff)) if diff.size else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(want != 0, diff / np.abs(want), np.where(diff == 0, 0.0, np.inf))
        rel_error = float(np.max(rel)) if rel.size else 0.0
        plain = want.tolist()
        self.expect = Expectation(plain, rtol, atol, ok, abs_error, rel_error)
        return self.expect

    def to_dict(self, max_elements: int | None = None, top: int = DEFAULT_TOP) -> dict[str, Any]:
        """The JSON object of INTERFACE.md ("Output", json).

        Terms (and gradients) with more than ``max_elements`` elements, or not kept, are
        given as summary statistics and the ``top`` largest terms instead of every value.
        """
        summarised = self.terms is None or (
            max_elements is not None and self.terms.size > max_elements
        )
        out: dict[str, Any] = {
            "loss": self.loss,
            **({"convention": self.convention} if self.convention else {}),
            "reduction": self.reduction.name,
            "dtype": self.dtype,
            "backend": self.backend,
            **({"device": self.device} if self.device else {}),
            "params": _jsonable(self.params),
            "inputs": {name: {"shape": list(a.shape)} for name, a in self.inputs.items()},
            "value": None if summarised and isinstance(self.value, np.ndarray)
            else _jsonable(self.value),
            "terms": self._terms_dict(summarised, top),
            "reduction_rule": self.reduction.describe(),
        }
        if self.perplexity is not None:
            out["perplexity"] = _jsonable(self.perplexity)
        if self.ignored is not None and self.ignored.any():
            out["ignored"] = {
                "count": int(self.ignored.sum()),
                "reason": self.reduction.ignore_reason,
            }
        if self.grads:
            from losscli.core.summary import summarize

            out["grad"] = {
                name: {"shape": list(g.shape), "summary": summarize(g, top=0).to_dict()}
                if max_elements is not None and g.size > max_elements
                else {"shape": list(g.shape), "values": _jsonable(g)}
                for name, g in self.grads.items()
            }
        if self.expect is not None:
            out["expect"] = self.expect.to_dict()
        out["notes"] = self.notes
        out["warnings"] = self.warnings
        return out


    def _terms_dict(self, summarised: bool, top: int) -> dict[str, Any]:
        if not summarised and self.terms is not None:
            return {"shape": list(self.terms.shape), "values": _jsonable(self.terms)}
        stats = self.summary(top)
        return {"shape": list(stats.shape), "summary": stats.to_dict(),
                "top": stats.top_dict()[:top]}


def _jsonable(value: Any) -> Any:
    """Floats and nested lists; NaN and ±inf become null (strict JSON has no such numbers)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _jsonable(value.item())
        return [_jsonable(v) for v in value]
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _short(value: Any) -> str:
    if isinstance(value, (float, int)):
        return f"{value:.8g}"
    text = np.array2string(np.asarray(value), precision=6, separator=", ")
    return text if len(text) < 60 else text[:57] + "..."
