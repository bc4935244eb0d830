"""Plot axes: which quantity a loss is plotted against (numpy, no torch).

A loss's hand-chosen axes live in its family's ``plot`` module (``AXES``, loss name ->
axes, the first the default ``--x``; :class:`~losscli.families._shared.plot.PlotAxis`
says how its values become the loss's inputs). Any other elementwise loss taking ``pred``
and a ``target`` of the same shape gets one from its declaration (``error`` for a
regression loss, ``p`` for probabilities, ``p_t`` and ``logit`` for logits).
"""

from __future__ import annotations

import functools

from losscli.core.errors import UsageError
from losscli.core.spec import LossSpec
from losscli.families._shared.plot import (
    PlotAxis,
    binary_logit,
    binary_p_t,
    error,
    prob_axis,
)
from losscli.families.registry import collected, registry


@functools.cache
def hand_chosen() -> dict[str, tuple[PlotAxis, ...]]:
    """Every family's ``plot.AXES`` (the families without a ``plot`` module have none)."""
    return collected("plot", "AXES")


def _inferred(spec: LossSpec) -> tuple[PlotAxis, ...]:
    """Axes from the declaration of a pred/target loss (elementwise, same shapes)."""
    required = [i for i in spec.inputs if i.required]
    if [i.name for i in required] != ["pred", "target"]:
        return ()
    pred, target = required
    elementwise = pred.shape.startswith("(*)") and "as" in target.shape.split()
    if not elementwise or pred.kind != "float" or target.kind != "float":
        return ()
    if pred.expects == "logits" and target.domain in ("prob", "binary"):
        return (binary_p_t(), binary_logit())
    if pred.domain == "prob" and target.domain in ("prob", "binary"):
        return (prob_axis(),)
    if spec.family == "regression" and pred.domain == target.domain == "real":
        return (error(),)
    return ()


def axes_of(spec: LossSpec) -> tuple[PlotAxis, ...]:
    return hand_chosen().get(spec.name) or _inferred(spec)


def axis_for(spec: LossSpec, name: str | None) -> PlotAxis:
    """The axis ``name`` of ``spec`` (its default when None); a usage error if it has none."""
    axes = axes_of(spec)
    if not axes:
        plottable = sorted(s.name for s in registry() if axes_of(s))
        raise UsageError(
            f"{spec.name} has no plot axis (it has no single quantity to vary); losses that "
            f"plot: {', '.join(plottable)}"
        )
    if name is None:
        return axes[0]
    for axis in axes:
        if axis.name == name:
            return axis
    raise UsageError(
        f"{spec.name} cannot be plotted against {name!r}; its axes: "
        + ", ".join(a.name for a in axes),
    )
