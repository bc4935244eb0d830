"""``--convention all``: one loss computed under each of its conventions, side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from losscli.core.errors import InputError, UsageError
from losscli.core.spec import Convention, LossSpec
from losscli.engine.conventions import ALL, accepted, resolve
from losscli.engine.pipeline import compute


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
    with the reason instead of a value, and so does every convention, the default included,
    that lacks a library's own option the user set (``--sample-weight`` is Keras's).
    """
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
            accepted(spec, convention.name, values)
        except UsageError as error:
            rows.append(Row(convention, error=str(error)))
            continue
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
        if row.value is not None and default is not None:
            row.difference = row.value - default
            row.ratio = row.value / default if default else None
    return Comparison(spec.name, reduction, dtype, rows, warnings)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
