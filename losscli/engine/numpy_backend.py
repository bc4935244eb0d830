"""The numpy backend: forward terms and value without torch, in chunks for large inputs.

Runs a loss's ``numpy_impl`` (:mod:`losscli.families`) on validated inputs. Inputs too
large to hold several copies of (more than :data:`~losscli.inputs.streaming.STREAM_ELEMENTS`
elements, typically memory-mapped ``.npy`` files) are computed in pieces when the loss
declares its terms chunkable (``LossSpec.chunks``): slices along the first dimension
(or of the flattened arrays, for elementwise losses on equal shapes), each reduced into
running totals and summary statistics, so memory stays bounded whatever the input
size. The terms of a chunked computation are kept only for ``reduction="none"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from losscli.core.options import DEFAULT_TOP
from losscli.core.result import Result
from losscli.core.spec import LossSpec
from losscli.core.terms import Terms, Totals, reduce
from losscli.engine.validate import Prepared
from losscli.inputs import streaming

#: Compute dtypes of the numpy backend (float16/bfloat16 run on torch).


def run(prepared: Prepared, *, chunk_elements: int | None = None, top: int = DEFAULT_TOP
        ) -> Result:
    """Compute a validated problem with numpy.

    ``chunk_elements``: None computes inputs above STREAM_ELEMENTS elements in blocks of
    BLOCK_ELEMENTS; a positive number computes inputs above it in blocks of that many;
    0 never chunks. ``top``: how many largest terms a chunked computation keeps.
    """
    spec = prepared.spec
    dtype = np.dtype(prepared.dtype)
    impl = spec.load("numpy_impl")
    plan = _plan(spec, prepared.arrays, chunk_elements, prepared.params)
    with np.errstate(all="ignore"):
        if plan is not None:
            return _chunked(prepared, impl, dtype, plan, top)
        arrays = {name: _compute_array(spec, name, a, dtype) for name, a in prepared.arrays.items()}
        terms: Terms = impl(**_kwargs(spec, prepared.params, arrays))
        value, rule = reduce(terms, prepared.reduction)
        details = {k: _float64(v() if callable(v) else v) for k, v in terms.details.items()}
    return _result(
        prepared,
        rule,
        shown_inputs=terms.shown_inputs,
        value=float(value) if np.ndim(value) == 0 else _float64(value),
        terms=_float64(terms.values),
        term_weights=None if terms.weights is None else _float64(terms.weights),
        ignored=None if terms.ignored is None else np.asarray(terms.ignored, dtype=bool),
        details=details,
    )


@dataclass
class _Plan:
    """How to cut the inputs: ``sliced`` arrays along dim 0 (flattened first if ``flat``)."""

    sliced: tuple[str, ...]
    flat: bool
    length: int
    row_elements: int
    block: int


def _plan(spec: LossSpec, arrays: dict[str, np.ndarray], chunk_elements: int | None,
          params: dict[str, Any] | None = None) -> _Plan | None:
    """The chunking of this problem, or None to compute it whole (also when a parameter
    declared ``unchunked`` is set: its terms pool the rows)."""
    threshold = streaming.STREAM_ELEMENTS if chunk_elements is None else chunk_elements
    block = streaming.BLOCK_ELEMENTS if chunk_elements is None else chunk_elements
    if spec.chunks is None or not threshold or not arrays:
        return None
    if any(p.unchunked and (params or {}).get(p.name) for p in spec.params):
        return None
    if max(a.size for a in arrays.values()) <= threshold:
        return None
    inputs = [arrays[i.name] for i in spec.inputs if i.name in arrays]
    first = inputs[0]
    if any(a.ndim == 0 or a.shape[0] != first.shape[0] for a in inputs):
        return None
    if first.ndim < {"rows": 2, "samples": 3}.get(spec.chunks, 0):
        return None
    names = {i.name for i in spec.inputs} | {p.name for p in spec.params if p.per_sample}
    sliced = tuple(
        name for name, a in arrays.items()
        if name in names or (a.ndim == first.ndim and a.shape[0] == first.shape[0])
    )
    flat = (
        spec.chunks == "elements"
        and len(sliced) == len(arrays)
        and all(arrays[n].shape == first.shape and arrays[n].flags.c_contiguous for n in sliced)
    )
    if flat:
        return _Plan(sliced, True, first.size, 1, block)
    return _Plan(sliced, False, first.shape[0], first.size // max(1, first.shape[0]), block)


def _chunked(prepared: Prepared, impl, dtype: np.dtype, plan: _Plan, top: int) -> Result:
    """Compute piece by piece (in parallel threads where there are cores), merge in order."""
    from losscli.core.summary import StatsAccumulator

    spec = prepared.spec
    views = {
        name: (a.reshape(-1) if plan.flat and name in plan.sliced else a)
        for name, a in prepared.arrays.items()
    }
    whole = {
        name: _compute_array(spec, name, a, dtype)
        for name, a in views.items() if name not in plan.sliced
    }
    spans = list(streaming.spans(plan.length, plan.row_elements, plan.block))
    state: dict[str, Any] = {}

    def piece(start: int, stop: int):
        """(totals, statistics) of one piece; writes its terms into ``out`` for 'none'."""
        with np.errstate(all="ignore"):
            pieces = {name: views[name][start:stop] for name in plan.sliced}
            arrays = {name: _compute_array(spec, name, np.asarray(p), dtype)
                      for name, p in pieces.items()}
            terms: Terms = impl(**_kwargs(spec, prepared.params, {**whole, **arrays}))
            values = np.asarray(terms.values)
            if not state:  # the first piece fixes the shape of all the terms
                shape = _terms_shape(plan, prepared.arrays[plan.sliced[0]], values)
                state["per_row"] = values.size // (stop - start)
                state["stats"] = StatsAccumulator(shape, top=top)
                state["out"] = (np.empty(shape, dtype=values.dtype)
                                if prepared.reduction == "none" else None)
            offset = start * state["per_row"]
            if state["out"] is not None:
                state["out"].reshape(-1)[offset : offset + values.size] = values.reshape(-1)
            stats = state["stats"]
            summary = stats.piece(values, offset, terms.ignored, stats.threshold())
            for p in pieces.values():
                streaming.release(p)
            return Totals.of(terms), summary

    totals = Totals()
    with streaming.meter(f"computing {spec.name}", plan.length) as progress:
        for (start, stop), (sums, summary) in _in_order(piece, spans, state):
            totals.merge(sums)
            state["stats"].merge(summary)
            progress.advance(stop - start)
    stats = state["stats"]
    value, rule = totals.finish(prepared.reduction, dtype, stats.shape)
    out = state["out"]
    assert totals.first is not None, "a computation has at least one chunk"
    note = f"computed in chunks of {plan.block:,} elements"
    if stats.stride > 1:
        note += "; summary quantiles are estimated from a sample of the terms"
    return _result(prepared, rule, shown_inputs=totals.first.shown_inputs,
                   value=out if value is None else value, terms=out, stats=stats.finish(),
                   notes=[note])


def _in_order(piece, spans: list[tuple[int, int]], state: dict):
    """(span, piece(span)) in order: the first alone (it sets up ``state``), the rest on
    worker threads (streaming.ordered)."""
    if not spans:
        return
    yield spans[0], piece(*spans[0])
    yield from zip(spans[1:], streaming.ordered(lambda span: piece(*span), spans[1:]))


def _terms_shape(plan: _Plan, first: np.ndarray, piece: np.ndarray) -> tuple[int, ...]:
    """The shape of all the terms, from the first input and the first piece's terms."""
    if plan.flat:
        return first.shape
    return (plan.length, *piece.shape[1:])


def _compute_array(spec: LossSpec, name: str, array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Class indices as int64, everything else in the compute dtype (as the torch backend)."""
    if array.dtype.kind in "iub":
        names = {i.name: i for i in spec.inputs}
        kind = names[name].kind if name in names else "float"
        if kind in ("index", "float_or_index"):
            return array.astype(np.int64, copy=False)
    return array.astype(dtype, copy=False)


def _kwargs(spec: LossSpec, params: dict[str, Any], arrays: dict[str, np.ndarray]) -> dict:
    merged = {**params, **arrays}
    # A parameter only some library conventions take never reaches losscli's own function.
    names = (*(i.name for i in spec.inputs), *(p.name for p in spec.params if not p.conventions))
    return {name: merged.get(name) for name in names}


def _result(prepared: Prepared, rule, **fields: Any) -> Result:
    spec = prepared.spec
    inputs = {i.name: prepared.arrays[i.name] for i in spec.inputs if i.name in prepared.arrays}
    return Result(loss=spec.name, reduction=rule, dtype=prepared.dtype, params=prepared.params,
                  inputs=inputs, warnings=list(prepared.warnings), backend="numpy", **fields)


def _float64(array: Any) -> np.ndarray:
    return np.asarray(array, dtype=np.float64)
