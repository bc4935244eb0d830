"""Output of a ``losscli check`` report: a rich summary table, or one JSON object.

The table has one row per case (case, file, loss, expected, got, abs/rel error,
status); passing rows beyond ``max_rows`` are elided, failing ones never are. The
reasons for failures follow the table, then what ``--update`` changed, then the totals.
"""

from __future__ import annotations

import sys

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

STATUS_STYLES = {
    "passed": ("✓ passed", "green"),
    "failed": ("✗ failed", "bold red"),
    "missing": ("? missing", "yellow"),
    "error": ("! error", "bold red"),
    "updated": ("↻ updated", "cyan"),
}


def render_report(report, fmt: str, *, max_rows: int = 50) -> None:
    """Write ``report`` to stdout; invalid cases also get an error line on stderr."""
    for outcome in report.outcomes:
        if outcome.status == "error":
            print(f"losscli: error: {outcome.message}", file=sys.stderr)
    if fmt == "json":
        from losscli.render.json import dumps

        print(dumps(report.to_dict()))
        return
    console = Console(highlight=False)
    console.print(build_table(report, max_rows=max_rows))
    for outcome in report.outcomes:
        if outcome.status in ("failed", "missing"):
            style = STATUS_STYLES[outcome.status][1]
            console.print(Text(f"{outcome.status}: {outcome.id}: {outcome.message}", style=style))
    for line in report.updates:
        console.print(Text(f"updated: {line}", style="cyan"))
    style = {0: "bold green", 1: "bold red"}.get(int(report.exit_status), "bold red")
    console.print(Text(report.totals(), style=style))


def build_table(report, *, max_rows: int = 50) -> Table:
    """The summary table, passing rows elided beyond ``max_rows``."""
    table = Table(title="losscli check", box=box.SIMPLE_HEAVY, title_style="bold")
    for header in ("case", "file", "loss", "expected", "got", "abs error", "rel error"):
        justify = "right" if header in ("expected", "got", "abs error", "rel error") else "left"
        table.add_column(header, justify=justify, style="dim" if header == "file" else None)
    table.add_column("status")
    failing = sum(not o.ok for o in report.outcomes)
    room = max(max_rows - failing, 0)
    hidden = 0
    for outcome in report.outcomes:
        if outcome.ok:
            if room == 0:
                hidden += 1
                continue
            room -= 1
        table.add_row(*_row(outcome))
    if hidden:
        table.add_row(Text(f"⋮ {hidden} more passed (--max-rows to show them)", style="dim"))
    return table


def _row(outcome) -> list[Text]:
    label, style = STATUS_STYLES[outcome.status]
    head = outcome.headline
    if outcome.status == "error":
        detail = outcome.field or "invalid case"
        cells = [outcome.name or "", outcome.path, outcome.loss, "", "", "", detail]
    else:
        abs_error = max((c.abs_error for c in outcome.checks), default=None)
        rel_error = max((c.rel_error for c in outcome.checks), default=None)
        cells = [
            outcome.name,
            outcome.path,
            outcome.loss,
            _value(head.expected) if head else "—",
            _value(head.got if head else outcome.got),
            _error(abs_error),
            _error(rel_error),
        ]
    return [Text(str(c)) for c in cells] + [Text(label, style=style)]


def _value(value) -> str:
    if value is None:
        return "—"
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return f"{array.item():.8g}"
    flat = [f"{v:.4g}" for v in array.reshape(-1)]
    if len(flat) > 4:
        flat = flat[:2] + ["…"] + flat[-1:]
    return f"[{', '.join(flat)}] {list(array.shape)}"


def _error(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2g}"
