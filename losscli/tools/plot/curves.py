"""The curves of a plot, computed by the real backend (:func:`losscli.compute`).

Each curve is one loss with one set of parameter values, evaluated on every x at
once (``reduction="none"``, float64): one term per x. With ``grad``, the derivative
of each term with respect to the axis's input comes from autograd as well.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.spec import LossSpec
from losscli.families._shared.plot import PlotAxis
from losscli.tools.plot.axes import axis_for

#: More curves than this make an unreadable plot.
MAX_CURVES = 12


@dataclass
class Curve:
    label: str
    y: np.ndarray
    grad: np.ndarray | None = None


@dataclass
class PlotData:
    """Everything a renderer needs: x values, curves and the labels."""

    title: str
    axis: PlotAxis
    x: np.ndarray
    curves: list[Curve] = field(default_factory=list)

    @property
    def has_grad(self) -> bool:
        return any(c.grad is not None for c in self.curves)


def grid(axis: PlotAxis, points: int, lo: float | None, hi: float | None) -> np.ndarray:
    return np.linspace(axis.lo if lo is None else lo, axis.hi if hi is None else hi, points)


def _combinations(values: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(values)
    return [dict(zip(names, combo)) for combo in itertools.product(*values.values())]


def _label(spec: LossSpec, combo: dict[str, Any], varying: list[str], named: bool) -> str:
    parts = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in combo.items()
             if k in varying]
    if named or not parts:
        parts.insert(0, spec.name)
    return " ".join(parts)


def curve(spec: LossSpec, axis: PlotAxis, x: np.ndarray, params: dict[str, Any],
          label: str, grad: bool) -> Curve:
    """One curve: the terms of ``spec`` on the inputs the axis builds from ``x``."""
    import losscli

    result = losscli.compute(
        spec.name, reduction="none", dtype="float64", grad=grad, **axis.build(x), **params
    )
    y = np.asarray(result.terms, dtype=np.float64).reshape(-1)
    slope = result.grads.get(axis.wrt) if grad else None
    return Curve(label, y, None if slope is None else axis.grad_pick(np.asarray(slope)))


def plot_data(
    spec: LossSpec,
    axis: PlotAxis,
    params: dict[str, list[Any]],
    *,
    others: tuple[LossSpec, ...] = (),
    points: int = 200,
    lo: float | None = None,
    hi: float | None = None,
    grad: bool = False,
) -> PlotData:
    """The curves of ``spec`` for every combination of ``params`` values, then ``others``."""
    x = grid(axis, points, lo, hi)
    values = {k: [v] for k, v in axis.defaults.items()} | params
    combos = _combinations(values)
    if len(combos) + len(others) > MAX_CURVES:
        from losscli.core.errors import UsageError

        raise UsageError(f"{len(combos) + len(others)} curves are too many for one plot "
                         f"(at most {MAX_CURVES}); pass fewer parameter values")
    varying = [k for k, v in values.items() if len(v) > 1]
    fixed = [f"{k}={v[0]:g}" if isinstance(v[0], float) else f"{k}={v[0]}"
             for k, v in values.items() if len(v) == 1]
    title = f"{spec.name}: loss against {axis.name}" + (f" ({', '.join(fixed)})" if fixed else "")
    data = PlotData(title, axis, x)
    for combo in combos:
        data.curves.append(curve(spec, axis, x, combo, _label(spec, combo, varying, bool(others)),
                                 grad))
    for other in others:
        other_axis = axis_for(other, axis.name)
        data.curves.append(curve(other, other_axis, x, dict(other_axis.defaults), other.name,
                                 grad))
    return data
