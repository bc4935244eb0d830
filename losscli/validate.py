"""Turn user values into checked numpy inputs and effective parameters.

The generic checks come from the spec (dtype kind and value domain of each
input, parameter ranges); the loss-specific ones from the spec's ``check``
function. Nothing here imports torch, so every backend gets the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.errors import InputError, StrictWarningError, UsageError
from losscli.inputs import to_array
from losscli.losses._checks import shape_str
from losscli.registry import DOMAINS, InputSpec, LossSpec

DTYPES = ("float32", "float64", "float16", "bfloat16")


class Warnings(list):
    """Collected warnings ("--arg: message"); with ``strict``, the first one is an error."""

    def __init__(self, strict: bool = False) -> None:
        super().__init__()
        self.strict = strict

    def warn(self, message: str, *, argument: str | None = None) -> None:
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
    warnings = Warnings(strict)
    if reduction in spec.reduction_warnings:
        warnings.warn(spec.reduction_warnings[reduction], argument="--reduction")
    arrays = {i.name: _input_array(i, values.get(i.name), warnings) for i in spec.inputs}
    arrays = {name: array for name, array in arrays.items() if array is not None}
    params: dict[str, Any] = {}
    for param in spec.params:
        value = values.get(param.name, param.default)
        if param.type in ("tensor", "float_or_tensor") and value is not None:
            array = to_array(value, argument=param.option)
            if param.type == "float_or_tensor" and array.ndim == 0:
                params[param.name] = param.check(float(array))
                continue
            _check_finite(array, param.option, warnings)
            arrays[param.name] = array.astype(np.float64)
            params[param.name] = array.tolist()
        else:
            params[param.name] = param.check(_coerce(param, value))
    if spec.check:
        spec.load("check")(arrays, params, warnings)
    return Prepared(spec, arrays, params, reduction, dtype, warnings)


def _coerce(param, value: Any) -> Any:
    """CLI strings and numpy scalars to the parameter's Python type."""
    if value is None:
        return None
    try:
        if param.type == "bool":
            return bool(value)
        if param.type == "int" or (param.type == "choice" and isinstance(param.default, int)):
            if float(value) != int(float(value)):
                raise ValueError
            return int(float(value))
        if param.type in ("float", "float_or_tensor"):
            return float(value)
    except (TypeError, ValueError):
        raise InputError(f"expected a {param.type}, got {value!r}", argument=param.option) from None
    return value


def _input_array(spec: InputSpec, value: Any, warnings: Warnings) -> np.ndarray | None:
    if value is None:
        if spec.required:
            raise UsageError(f"missing input {spec.option} ({spec.help})")
        return None
    array = to_array(value, argument=spec.option)
    array = _check_kind(spec, array)
    if array.dtype.kind == "f":
        _check_finite(array, spec.option, warnings)
    _check_domain(spec, array)
    _check_expected_scale(spec, array, warnings)
    return array


def _check_kind(spec: InputSpec, array: np.ndarray) -> np.ndarray:
    """Index inputs must hold integers (an empty list counts as integers); return the array."""
    if spec.kind == "index" and array.size == 0:
        return array.astype(np.int64)
    if spec.kind == "index" and array.dtype.kind not in "iub":
        bad = array[array != np.round(array)] if array.size else array
        detail = f" ({float(bad.flat[0])!r} is not)" if bad.size else ""
        raise InputError(
            f"class indices must be integers{detail}; write them without a decimal point, "
            f"e.g. [0, 2, 1] (got {array.dtype} values)",
            argument=spec.option,
        )
    if array.dtype.kind == "b":
        raise InputError("expected numbers, got booleans", argument=spec.option)
    return array


def _check_finite(array: np.ndarray, option: str, warnings: Warnings) -> None:
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        nans, infs = int(np.isnan(array).sum()), int(np.isinf(array).sum())
        warnings.warn(
            f"contains {nans} NaN and {infs} infinite value(s); the loss will not be finite",
            argument=option,
        )


def _check_domain(spec: InputSpec, array: np.ndarray) -> None:
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    outside = {
        "prob": (finite < 0) | (finite > 1),
        "nonneg": finite < 0,
        "positive": finite <= 0,
        "sign": (finite != -1) & (finite != 1),
        "binary": (finite != 0) & (finite != 1),
    }.get(spec.domain)
    if outside is not None and outside.any():
        bad = float(finite[outside].flat[0])
        hint = (
            " (apply a sigmoid first, or use a *-with-logits loss)" if spec.name == "pred" else ""
        )
        raise InputError(
            f"value {bad:g} is outside the domain: expected {DOMAINS[spec.domain]}{hint}",
            argument=spec.option,
        )


def _check_expected_scale(spec: InputSpec, array: np.ndarray, warnings: Warnings) -> None:
    """Warn on probabilities where logits are expected and positives where log-probs are."""
    if array.size < 2 or array.dtype.kind != "f" or not np.all(np.isfinite(array)):
        return
    in_unit_interval = array.min() >= 0 and array.max() <= 1
    if spec.expects == "class_logits" and in_unit_interval:
        # Class scores in [0, 1] are plausible logits unless each row sums to 1 (a softmax).
        in_unit_interval = np.allclose(array.sum(axis=min(1, array.ndim - 1)), 1.0, atol=1e-3)
    if spec.expects in ("logits", "class_logits") and in_unit_interval:
        warnings.warn(
            "every value is in [0, 1], which looks like probabilities; this loss expects "
            "raw logits and applies the sigmoid/softmax itself",
            argument=spec.option,
        )
    if spec.expects == "logprob" and array.max() > 0:
        warnings.warn(
            f"has positive values (max {array.max():g}) but log-probabilities are <= 0; "
            "apply log_softmax first, or use cross-entropy on logits",
            argument=spec.option,
        )


__all__ = ["DTYPES", "Prepared", "Warnings", "prepare", "shape_str"]
