"""Turn user values into checked numpy inputs and effective parameters.

The generic checks come from the spec (dtype kind and value domain of each
input, parameter ranges); the loss-specific ones from the spec's ``check``
function. Nothing here imports torch, so every backend gets the same checks.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.errors import InputError, StrictWarningError, UsageError
from losscli.core.options import DTYPES
from losscli.core.spec import DOMAINS, InputSpec, LossSpec
from losscli.families._shared.checks import shape_str
from losscli.inputs import streaming, to_array


class Warnings(list):
    """Collected warnings ("--arg: message"); with ``strict``, the first one is an error.

    A loss's own check that foresees a non-finite value (no positive pair, identical
    images) says so with ``nonfinite=True``; the generic explanation then stays quiet.
    """

    def __init__(self, strict: bool = False) -> None:
        super().__init__()
        self.strict = strict
        self.nonfinite_explained = False

    def warn(self, message: str, *, argument: str | None = None,
             nonfinite: bool = False) -> None:
        self.nonfinite_explained = self.nonfinite_explained or nonfinite
        if self.strict:
            raise StrictWarningError(f"{message} (an error under --strict)", argument=argument)
        text = f"{argument}: {message}" if argument else message
        if text not in self:
            self.append(text)


@dataclass
class Prepared:
    """Validated inputs (numpy), tensor parameters (numpy) and scalar parameters."""

    spec: LossSpec
    arrays: dict[str, np.ndarray]
    params: dict[str, Any]
    reduction: str
    dtype: str
    warnings: Warnings = field(default_factory=Warnings)


def prepare(
    spec: LossSpec,
    values: dict[str, Any],
    *,
    reduction: str = "mean",
    dtype: str = "float32",
    strict: bool = False,
) -> Prepared:
    """Check everything given for ``spec``; raise InputError or UsageError on the first fault."""
    known = {i.name for i in spec.inputs} | {p.name for p in spec.params}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UsageError(
            f"{spec.name} takes no argument {unknown[0]!r} (it takes {', '.join(sorted(known))})"
        )
    if reduction not in spec.reductions:
        raise InputError(
            f"{reduction!r} is not one of {', '.join(spec.reductions)}", argument="--reduction"
        )
    if dtype not in DTYPES:
        raise InputError(f"{dtype!r} is not one of {', '.join(DTYPES)}", argument="--dtype")
    # Each input is scanned once, whichever checks ask; the checks find faults by comparing,
    # so the overflow of an intermediate (a box area of huge corners) is no news to the user.
    with streaming.remembering(), np.errstate(all="ignore"):
        return _prepare(spec, values, reduction, dtype, strict)


def _prepare(
    spec: LossSpec, values: dict[str, Any], reduction: str, dtype: str, strict: bool
) -> Prepared:
    warnings = Warnings(strict)
    if reduction in spec.reduction_warnings:
        warnings.warn(spec.reduction_warnings[reduction], argument="--reduction")
    given = {i.name: _input_array(i, values.get(i.name), warnings, dtype) for i in spec.inputs}
    arrays = {name: array for name, array in given.items() if array is not None}
    params: dict[str, Any] = {}
    for param in spec.params:
        value = values.get(param.name, param.default)
        if param.type in ("tensor", "float_or_tensor") and value is not None:
            array = to_array(value, argument=param.option)
            if param.type == "float_or_tensor" and array.ndim == 0:
                params[param.name] = _fits(param, param.check(float(array)), dtype)
                continue
            _check_finite(array, param.option, warnings)
            arrays[param.name] = array.astype(np.float64)
            params[param.name] = array.tolist()
        else:
            params[param.name] = _fits(param, param.check(_coerce(param, value)), dtype)
    if spec.check:
        spec.load("check")(arrays, params, warnings)
    return Prepared(spec, arrays, params, reduction, dtype, warnings)


#: The largest finite number of each compute dtype.
LARGEST = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38,
            "float32": float(np.finfo(np.float32).max), "float64": float(np.finfo(np.float64).max)}


def _fits(param, value: Any, dtype: str) -> Any:
    """A finite float parameter must stay finite in the compute dtype; return it."""
    if param.type in ("float", "float_or_tensor") and isinstance(value, float):
        if np.isfinite(value) and abs(value) > LARGEST[dtype]:
            raise InputError(
                f"{value:g} overflows {dtype} (largest {LARGEST[dtype]:g}); give a smaller "
                "value, inf, or a wider --dtype",
                argument=param.option,
            )
    return value


def _coerce(param, value: Any) -> Any:
    """CLI strings and numpy scalars to the parameter's Python type."""
    if value is None:
        return None
    try:
        if param.type == "bool":
            return bool(value)
        if param.type == "int" or (param.type == "choice" and isinstance(param.default, int)):
            if isinstance(value, numbers.Integral):  # exact, also beyond 2**53
                return int(value)
            if float(value) != int(float(value)):
                raise ValueError
            return int(float(value))
        if param.type in ("float", "float_or_tensor"):
            return float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"expected a {param.type}, got {value!r}", argument=param.option) from None
    return value


def _input_array(
    spec: InputSpec, value: Any, warnings: Warnings, dtype: str = "float64"
) -> np.ndarray | None:
    if value is None:
        if spec.required:
            raise UsageError(f"missing input {spec.option} ({spec.help})")
        return None
    array = to_array(value, argument=spec.option)
    array = _check_kind(spec, array)
    lo, hi = streaming.extent(array)  # one pass; the checks below rescan only on faults
    _check_finite(array, spec.option, warnings, (lo, hi))
    if spec.kind == "float" or array.dtype.kind == "f":  # cast to the compute dtype
        _check_fits(array, dtype, spec.option, warnings, (lo, hi))
    _check_domain(spec, array, (lo, hi))
    _check_expected_scale(spec, array, warnings, (lo, hi))
    return array


def _check_kind(spec: InputSpec, array: np.ndarray) -> np.ndarray:
    """Index inputs must hold integers (an empty list counts as integers); return the array."""
    if spec.kind == "index" and array.size == 0:
        return array.astype(np.int64)
    if spec.kind == "index" and array.dtype.kind not in "iub":
        bad = streaming.first(array, lambda block: block != np.round(block))
        detail = f" ({float(bad)!r} is not)" if bad is not None else ""
        what = "lengths" if spec.name.endswith("lengths") else "class indices"
        raise InputError(
            f"{what} must be integers{detail}; write them without a decimal point, "
            f"e.g. [0, 2, 1] (got {array.dtype} values)",
            argument=spec.option,
        )
    if array.dtype.kind == "b":
        raise InputError("expected numbers, got booleans", argument=spec.option)
    return array


def _check_finite(
    array: np.ndarray, option: str, warnings: Warnings, extent: tuple[float, float] | None = None
) -> None:
    if array.dtype.kind != "f" or not array.size:
        return
    lo, hi = extent or streaming.extent(array)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        nans, infs = streaming.count(array, np.isnan), streaming.count(array, np.isinf)
        warnings.warn(
            f"contains {nans} NaN and {infs} infinite value(s); the loss will not be finite",
            argument=option,
        )


def overflows(value: float, dtype: str) -> bool:
    """Whether the finite ``value`` becomes ±inf when cast to ``dtype`` (round to nearest)."""
    if not np.isfinite(value) or dtype == "float64":
        return False
    if dtype == "bfloat16":  # beyond the largest bfloat16 plus half its spacing
        return abs(value) >= 2.0**128 - 2.0**119
    with np.errstate(over="ignore"):
        return bool(np.isinf(np.dtype(dtype).type(value)))


def _check_fits(
    array: np.ndarray, dtype: str, option: str, warnings: Warnings, extent: tuple[float, float]
) -> None:
    """Warn (before computing) when a finite value of the input becomes inf in ``dtype``."""
    if not array.size or array.dtype.kind not in "iuf":
        return
    worst = max((v for v in map(float, extent) if overflows(v, dtype)), key=abs, default=None)
    if worst is not None:
        warnings.warn(
            f"{worst:g} does not fit {dtype} (largest {LARGEST[dtype]:g}): it becomes "
            f"{'-' if worst < 0 else ''}inf when cast; use a wider --dtype",
            argument=option,
        )


#: The values outside each domain; NaN is the finite check's business, but ±inf is a value
#: (no probability, label or non-negative number is −inf).
_OUTSIDE = {
    "prob": lambda b: (b < 0) | (b > 1),
    "nonneg": lambda b: b < 0,
    "positive": lambda b: b <= 0,
    "sign": lambda b: (b != -1) & (b != 1),
    "binary": lambda b: (b != 0) & (b != 1),
}
#: Domains decided by the minimum and maximum alone: (lowest allowed, its bound is strict, highest)
_BOUNDS = {"prob": (0, False, 1), "nonneg": (0, False, np.inf), "positive": (0, True, np.inf)}


def _check_domain(spec: InputSpec, array: np.ndarray, extent: tuple[float, float]) -> None:
    outside = _OUTSIDE.get(spec.domain)
    if outside is None or not array.size:
        return
    lo, hi = extent
    if spec.domain in _BOUNDS and np.isfinite(lo) and np.isfinite(hi):
        low, strict, high = _BOUNDS[spec.domain]
        if (lo > low or (lo == low and not strict)) and hi <= high:
            return
    if array.dtype.kind == "f":
        bad = streaming.first(array, lambda b: ~np.isnan(b) & outside(b))
    else:
        bad = streaming.first(array, outside)
    if bad is not None:
        hint = (
            " (apply a sigmoid first, or use a *-with-logits loss)" if spec.name == "pred" else ""
        )
        raise InputError(
            f"value {float(bad):g} is outside the domain: expected {DOMAINS[spec.domain]}{hint}",
            argument=spec.option,
        )


def _check_expected_scale(
    spec: InputSpec, array: np.ndarray, warnings: Warnings, extent: tuple[float, float]
) -> None:
    """Warn on probabilities where logits are expected and positives where log-probs are."""
    lo, hi = extent
    if array.size < 2 or array.dtype.kind != "f" or not (np.isfinite(lo) and np.isfinite(hi)):
        return
    in_unit_interval = lo >= 0 and hi <= 1
    if spec.expects == "class_logits" and in_unit_interval:
        # Class scores in [0, 1] are plausible logits unless each row sums to 1 (a softmax).
        in_unit_interval = _rows_sum_to_one(array, atol=1e-3)
    if spec.expects in ("logits", "class_logits") and in_unit_interval:
        warnings.warn(
            "every value is in [0, 1], which looks like probabilities; this loss expects "
            "raw logits and applies the sigmoid/softmax itself",
            argument=spec.option,
        )
    if spec.expects == "logprob" and hi > 0:
        warnings.warn(
            f"has positive values (max {hi:g}) but log-probabilities are <= 0; "
            "apply log_softmax first, or use cross-entropy on logits",
            argument=spec.option,
        )


def _rows_sum_to_one(array: np.ndarray, atol: float) -> bool:
    """Whether the sums over the class dimension (1, or 0 for 1-D) are all within atol of 1."""
    if array.ndim == 1:
        total = sum(float(block.sum(dtype=np.float64)) for block in streaming.blocks(array))
        return abs(total - 1.0) <= atol
    return all(
        np.allclose(block.sum(axis=1), 1.0, atol=atol) for block in streaming.blocks(array)
    )


__all__ = ["Prepared", "Warnings", "prepare", "shape_str"]
