"""Write a :class:`~losscli.tools.plot.curves.PlotData` to PNG, SVG or PDF with matplotlib.

matplotlib is the optional extra ``losscli[plot]``; without it, ``--out`` is a usage
error that says how to install it. The figure is built without pyplot (no GUI, no
global state).
"""

from __future__ import annotations

import pathlib

from losscli.core.errors import UsageError
from losscli.tools.plot.curves import PlotData

FORMATS = (".png", ".svg", ".pdf")


def check_path(path: str) -> pathlib.Path:
    """The output path, if its extension is a format we write."""
    out = pathlib.Path(path)
    if out.suffix.lower() not in FORMATS:
        raise UsageError(f"--out: cannot write {out.name!r}: use a .png, .svg or .pdf file name")
    return out


def save(data: PlotData, path: str) -> pathlib.Path:
    """Draw ``data`` (loss, and gradient beside it) into ``path``."""
    out = check_path(path)
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError(
            "--out needs matplotlib, the optional plotting extra: pip install 'losscli[plot]'"
        ) from None
    panels = [("loss ℓ", lambda c: c.y)]
    if data.has_grad:
        panels.append((data.axis.grad_label, lambda c: c.grad))
    figure = Figure(figsize=(6.4 * len(panels), 4.6), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, (ylabel, values) in zip(axes, panels):
        for curve in data.curves:
            y = values(curve)
            if y is not None:
                ax.plot(data.x, y, label=curve.label, linewidth=1.8)
        ax.set_xlabel(data.axis.label)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend(frameon=False)
    figure.suptitle(data.title)
    try:
        figure.savefig(out, dpi=120)
    except OSError as error:
        raise UsageError(f"--out: cannot write {out}: {error.strerror or error}") from None
    return out
