"""Output of ``--convention all``: one table (rich), a JSON list, or plain lines.

The table has one row per convention: its value on the user's inputs, the difference
from losscli's default (the first row) and the ratio, and the one-line reason; each
convention's reduction rule follows. JSON is the same as a list of objects (with the
parameters, the library call and the source); plain prints ``name value`` lines.
"""

from __future__ import annotations

import sys

from losscli.render.json import dumps


def render_comparison(comparison, fmt: str) -> None:
    """Write ``comparison`` to stdout; warnings go to stderr."""
    for message in comparison.warnings:
        print(f"losscli: warning: {message}", file=sys.stderr)
    if fmt == "json":
        print(dumps(comparison.to_list()))
    elif fmt == "plain":
        for row in comparison.rows:
            print(f"{row.convention.name}\t{'n/a' if row.value is None else repr(row.value)}")
    else:
        _table(comparison)


def _table(comparison) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    default = comparison.rows[0].convention.name
    title = (f"{comparison.loss} · reduction {comparison.reduction} · {comparison.dtype} · "
             "each library's convention on the same inputs")
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_style="bold")
    table.add_column("convention", style="bold", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column(f"− {default}", justify="right", no_wrap=True)
    table.add_column("×", justify="right", no_wrap=True)
    table.add_column("why it differs", min_width=24, ratio=1)
    for number, row in enumerate(comparison.rows):
        name = row.convention.name
        if row.value is None:
            table.add_row(name, "n/a", "", "", Text(row.error or "", style="yellow"))
        elif number == 0:
            table.add_row(name, _number(row.value), "default", "", row.convention.reason,
                          style=None)
        else:
            table.add_row(name, _number(row.value), _signed(row.difference), _ratio(row.ratio),
                          row.convention.reason)
    console.print(table)
    for row in comparison.rows:
        if row.value is not None:
            console.print(Text(f"{row.convention.name}: {row.reduction_rule}", style="italic"),
                          soft_wrap=True)
    console.print(Text(f"library calls, parameter defaults and sources: losscli explain "
                       f"{comparison.loss}", style="dim"), soft_wrap=True)


def _number(value: float) -> str:
    return f"{value:.6g}"


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    return "0" if value == 0 else f"{value:+.4g}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
