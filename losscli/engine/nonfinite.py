"""Why a value or a term is NaN or ±inf: a warning naming the element and the cause.

A non-finite result is never silent. The causes, in the order they are looked for:

- an input is NaN or ±inf (already a warning of its own, from validation), or the loss's
  own check foresaw it (no positive pair, identical images: its warning says why);
- an input does not fit the compute dtype and became ±inf when cast (also warned before
  computing, see :func:`losscli.engine.validate.overflows`);
- the mean of no terms (empty inputs): 0 / 0 is NaN, as in torch;
- every target is ignored (``--ignore-index``), or the weights of a weighted mean sum
  to 0: the mean divides by 0;
- otherwise the computation itself overflowed the compute dtype (``--dtype float64``
  holds far more).

With ``--strict`` the warning is an input error (exit 2).
"""

from __future__ import annotations

import numpy as np

from losscli.core.result import Result
from losscli.engine.validate import LARGEST, Prepared, overflows


def check(prepared: Prepared, result: Result) -> None:
    """Add the warning that explains a non-finite value or term to ``result`` (or raise
    under ``--strict``)."""
    message = explain(prepared, result)
    if message is None or message in prepared.warnings:
        return
    prepared.warnings.warn(message)  # raises StrictWarningError under --strict
    if message not in result.warnings:
        result.warnings.append(message)


def explain(prepared: Prepared, result: Result) -> str | None:
    """The explanation of the first non-finite term or value, or None when all are finite."""
    with np.errstate(all="ignore"):
        terms = None if result.terms is None else np.asarray(result.terms, dtype=np.float64)
        value = np.asarray(result.value, dtype=np.float64)
        bad_term = _first_bad(terms) if terms is not None else None
        if bad_term is None and np.all(np.isfinite(value)):
            return None
        if _inputs_not_finite(prepared) or prepared.warnings.nonfinite_explained:
            return None  # the input's or the loss's own warning says it
        dtype = prepared.dtype
        cast = [name for name, a in prepared.arrays.items() if _overflowed(prepared, name, a)]
        if bad_term is not None and terms is not None:
            index, what = bad_term
            where = f"term {_index(index, terms.shape)} is {what}"
            if cast:
                return (f"{where}: {_names(prepared, cast)} overflowed {dtype} when cast "
                        "(see the warning above); use a wider --dtype")
            return (f"{where}: the computation overflowed {dtype} (largest "
                    f"{LARGEST[dtype]:g}); --dtype float64 holds it")
        return _value_cause(prepared, result, value, cast)


def _value_cause(prepared: Prepared, result: Result, value: np.ndarray, cast: list
                 ) -> str | None:
    """Every term is finite, but the value is not."""
    what = _what(float(value.reshape(-1)[np.argmax(~np.isfinite(value.reshape(-1)))]))
    dtype = prepared.dtype
    reduction = result.reduction
    if result.term_shape and int(np.prod(result.term_shape)) == 0:
        return (f"the value is {what}: the inputs are empty, and the mean of no terms is "
                    "0 / 0 (torch gives NaN too; --reduction sum gives 0)")
    ignored = result.ignored
    if ignored is not None and ignored.size and bool(np.all(ignored)):
        if any("ignore" in warning for warning in prepared.warnings):
            return None  # the loss's own check said it already
        reason = reduction.ignore_reason or "ignore_index"
        return (f"the value is {what}: every target is ignored ({reason}), so the mean "
                "divides 0 by 0; check --ignore-index or use --reduction sum")
    if reduction.name == "mean" and reduction.denominator == 0:
        return (f"the value is {what}: the weights of the mean sum to 0, so it divides by 0; "
                "check --weight or use --reduction sum")
    if cast:
        return (f"the value is {what}: {_names(prepared, cast)} overflowed {dtype} when cast "
                "(see the warning above); use a wider --dtype")
    return (f"the value is {what}: the {reduction.name} of the terms overflowed {dtype} "
            f"(largest {LARGEST[dtype]:g}); --dtype float64 holds it")


def _first_bad(terms: np.ndarray) -> tuple[tuple[int, ...], str] | None:
    flat = terms.reshape(-1)
    bad = ~np.isfinite(flat)
    if not bad.any():
        return None
    position = int(np.argmax(bad))
    return tuple(int(i) for i in np.unravel_index(position, terms.shape)), _what(flat[position])


def _what(x: float) -> str:
    return "NaN" if np.isnan(x) else "inf" if x > 0 else "-inf"


def _index(index: tuple[int, ...], shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]" if shape else "[]"


def _inputs_not_finite(prepared: Prepared) -> bool:
    return any(a.dtype.kind == "f" and a.size and not np.all(np.isfinite(a))
               for a in prepared.arrays.values())


def _overflowed(prepared: Prepared, name: str, array: np.ndarray) -> bool:
    """Whether the input ``name`` holds a finite value that became ±inf when cast."""
    kinds = {i.name: i.kind for i in prepared.spec.inputs}
    cast = array.dtype.kind == "f" or kinds.get(name, "float") == "float"
    if not cast or array.dtype.kind not in "iuf" or not array.size:
        return False
    dtype = prepared.dtype
    return overflows(float(np.max(array)), dtype) or overflows(float(np.min(array)), dtype)


def _names(prepared: Prepared, names: list[str]) -> str:
    options = {i.name: i.option for i in prepared.spec.inputs}
    options.update({p.name: p.option for p in prepared.spec.params})
    return ", ".join(options.get(n, n) for n in names)
