"""Other libraries' versions of a loss: ``--convention NAME`` and ``--convention all``.

A loss declares its conventions in its :class:`~losscli.core.spec.LossSpec` (see the
``conventions`` module of each family); the first one is losscli's own default. Using one
means computing the loss with a derived declaration: the convention's implementation
in place of the loss's, its parameter defaults under the user's explicit values, its
constants, and its reduction rules (:func:`losscli.core.terms.reduce`). Nothing here
imports torch or any of those libraries.

>>> import losscli
>>> losscli.compute("focal", pred=[2.0, -1.0], target=[1.0, 0.0], convention="fvcore").params
{'alpha': -1.0, 'gamma': 2.0}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from losscli.core.errors import InputError, UsageError
from losscli.core.spec import Convention, LossSpec

ALL = "all"


def names(spec: LossSpec) -> list[str]:
    return [c.name for c in spec.conventions]


def resolve(spec: LossSpec, name: str) -> Convention:
    """The convention ``name`` of ``spec``; an unknown name is a usage error naming the valid."""
    for convention in spec.conventions:
        if convention.name == name.lower():
            return convention
    if not spec.conventions:
        raise UsageError(f"{spec.name} declares no library conventions", argument="--convention")
    valid = ", ".join(names(spec))
    raise UsageError(
        f"{spec.name} has no convention {name!r}; valid: {valid} (or {ALL} to compare them)",
        argument="--convention",
    )


def apply(
    spec: LossSpec, name: str, values: dict[str, Any]
) -> tuple[LossSpec, Convention, dict[str, Any]]:
    """(the derived declaration, the convention, the values with the library's defaults)."""
    convention = resolve(spec, name)
    derived = replace(
        spec,
        impl=convention.impl or spec.impl,
        reduction_warnings=(
            spec.reduction_warnings if convention.warnings is None else convention.warnings
        ),
        **_torch_only(spec),
    )
    return derived, convention, {**convention.params, **values}


def _torch_only(spec: LossSpec) -> dict[str, Any]:
    """A convention's functions and rules are torch code: no other backend's function."""
    return {"numpy_impl": None} if "numpy_impl" in {f.name for f in fields(spec)} else {}


@dataclass
class Row:
    """One convention's value in a comparison, or why it could not be computed."""

    convention: Convention
    value: float | None = None
    difference: float | None = None
    ratio: float | None = None
    reduction_rule: str = ""
    params: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        c = self.convention
        return {
            "convention": c.name,
            "library": c.library,
            "call": c.call,
            "value": _finite(self.value),
            "difference": _finite(self.difference),
            "ratio": _finite(self.ratio),
            "reduction_rule": self.reduction_rule,
            "params": self.params,
            "reason": c.reason,
            "clamp": c.clamp,
            "source": c.source,
            **({"error": self.error} if self.error else {}),
        }


@dataclass
class Comparison:
    """Every convention of a loss on the same inputs; the first row is the default."""

    loss: str
    reduction: str
    dtype: str
    rows: list[Row]
    warnings: list[str]

    def to_list(self) -> list[dict[str, Any]]:
        return [row.to_dict() for row in self.rows]


def compare(
    spec: LossSpec,
    values: dict[str, Any],
    *,
    reduction: str = "mean",
    dtype: str = "float32",
    strict: bool = False,
) -> Comparison:
    """Compute ``spec`` under each of its conventions on the same ``values``.

    The default (the first convention) must compute: its input errors are raised. Another
    convention that cannot take these inputs (an option its library lacks) gets a row
    with the reason instead of a value.
    """
    from losscli.engine.pipeline import compute

    if not spec.conventions:
        resolve(spec, ALL)
    if reduction == "none":
        raise UsageError(
            f"--convention {ALL} compares single values: use --reduction mean or sum",
            argument="--reduction",
        )
    rows: list[Row] = []
    warnings: list[str] = []
    for number, convention in enumerate(spec.conventions):
        try:
            result = compute(spec, reduction=reduction, dtype=dtype, strict=strict,
                             convention=convention.name, **values)
        except InputError as error:
            if number == 0:
                raise
            rows.append(Row(convention, error=str(error)))
            continue
        warnings += [w for w in result.warnings if w not in warnings]
        rows.append(Row(convention, float(result.value), reduction_rule=result.reduction.rule,
                        params=result.params))
    default = rows[0].value
    for row in rows:
        if row.value is not None:
            row.difference = row.value - default
            row.ratio = row.value / default if default else None
    return Comparison(spec.name, reduction, dtype, rows, warnings)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def explain_lines(spec: LossSpec) -> list[str]:
    """``losscli explain``'s lines on the conventions: each reason, call, defaults and source."""
    lines = []
    for convention in spec.conventions:
        facts = [convention.call]
        if convention.params:
            facts.append("defaults " + ", ".join(f"{k}={v!r}" for k, v in
                                                 convention.params.items()))
        if convention.rules:
            facts.append("reduction " + ", ".join(f"{k}: {v}" for k, v in
                                                  convention.rules.items()))
        if convention.clamp:
            facts.append(convention.clamp)
        lines += [f"{convention.name}\t{convention.reason}", "    " + " · ".join(facts),
                  f"    source: {convention.source}"]
    return lines + [f"compare them on your inputs: losscli {spec.name} ... --convention {ALL}"]
