"""Draw a :class:`~losscli.tools.plot.curves.PlotData` in the terminal with plotext.

Colour when stdout is a terminal and ``NO_COLOR`` is unset; otherwise every curve
gets its own marker character so the plot still reads in plain text. With
gradients, the derivative is drawn in a second panel below the loss.
"""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np

from losscli.core.errors import UsageError
from losscli.tools.plot.curves import PlotData

#: Markers of the curves when drawn without colour.
MARKERS = ("•", "+", "x", "o", "*", "#", "=", "%", "@", "~", "^", "&")


def use_colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def draw(data: PlotData, *, width: int | None = None, height: int | None = None,
         colour: bool | None = None) -> str:
    """The plot as text (with ANSI colours when ``colour``)."""
    try:
        import plotext
    except ImportError:
        raise UsageError("drawing in the terminal needs plotext: pip install plotext") from None
    colour = use_colour() if colour is None else colour
    columns, rows = shutil.get_terminal_size((100, 30))
    width = width or max(40, min(columns, 120))
    panels = [("loss ℓ", lambda c: c.y)]
    if data.has_grad:
        panels.append((data.axis.grad_label, lambda c: c.grad))
    height = (height or max(12, min(rows - 4, 24))) * len(panels)
    plotext.terminal.limit(False, False)
    figure = plotext.figure
    figure.clear()
    if len(panels) > 1:
        figure.subplots(len(panels), 1)
    figure.plot_size(width, height)
    for row, (ylabel, values) in enumerate(panels, start=1):
        panel = figure.subplot(row, 1) if len(panels) > 1 else figure
        top = -np.inf
        for number, curve in enumerate(data.curves):
            y = values(curve)
            if y is None:
                continue
            keep = np.isfinite(y)
            top = max(top, float(np.max(y[keep]))) if keep.any() else top
            marker = None if colour else MARKERS[number % len(MARKERS)]
            signal = panel.signal(data.x[keep].tolist(), y[keep].tolist(), marker=marker)
            signal.label(curve.label)
            signal.lines()
            panel.draw(signal)
        panel.title(data.title if row == 1 else f"{ylabel} against {data.axis.name}")
        panel.label(data.axis.label, axis="x")
        panel.label(ylabel, axis="y")
        if np.isfinite(top):
            x, align = _legend_place(data, values)
            panel.legend(x=x, y=top, ha=align, va="top", relative=True)
    return figure.build().string(colorless=not colour)


def _finite_max(y: np.ndarray) -> float:
    """The largest finite value (−inf if none: curves that overflow or are NaN there)."""
    finite = y[np.isfinite(y)]
    return float(finite.max()) if finite.size else -np.inf


def _legend_place(data: PlotData, values) -> tuple[float, str]:
    """Put the legend at the top of the side where the curves are low (the free corner)."""
    ends = []
    for curve in data.curves:
        y = values(curve)
        if y is not None:
            tail = max(1, len(y) // 8)
            ends.append((_finite_max(y[:tail]), _finite_max(y[-tail:])))
    left = max((e[0] for e in ends), default=0.0)
    right = max((e[1] for e in ends), default=0.0)
    if right < left - 0.4 * abs(left):
        return float(data.x[-1]), "right"
    if left < right - 0.4 * abs(right):
        return float(data.x[0]), "left"
    return float((data.x[0] + data.x[-1]) / 2), "center"
