"""Output of a ``losscli check`` report: a rich summary table, or one JSON object.

The table has one row per case (case, loss, expected, got, abs/rel error, status, and
the file when the output is 140 columns wide or more, or has no limit) and at most
``max_rows`` rows: failing rows first, passing rows in the room left, so its cost stays
bounded however many cases run. Numbers and loss names are never cut and case names wrap
only between words (a table that cannot fit is printed wider than the terminal), and user
text (case names, file names, messages) is printed as written with control characters
escaped, so no escape sequence in a case file reaches the terminal. The reason of every
failure follows the table (one line each), then what ``--update`` changed, then the totals.
"""

from __future__ import annotations

import sys

from rich import box
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from losscli.core.text import short
from losscli.render.layout import output_width, safe

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
            print(f"losscli: error: {safe(outcome.message)}", file=sys.stderr)
    if fmt == "json":
        from losscli.render.json import dumps

        print(dumps(report.to_dict()))
        return
    from losscli.render.table import UNLIMITED, make_console

    width = output_width()
    table = build_table(report, max_rows=max_rows, files=width is None or width >= 140)
    console = make_console(width)
    if width is not None:
        needed = Measurement.get(console, console.options.update_width(UNLIMITED), table).minimum
        if needed > width:  # wider than the terminal rather than a cut number
            console = make_console(needed)
    console.print(table)
    for outcome in report.outcomes:
        if outcome.status in ("failed", "missing"):
            style = STATUS_STYLES[outcome.status][1]
            console.print(Text(safe(f"{outcome.status}: {outcome.id}: {outcome.message}"),
                               style=style), soft_wrap=True)
    for line in report.updates:
        console.print(Text(safe(f"updated: {line}"), style="cyan"), soft_wrap=True)
    style = "bold green" if report.exit_status == 0 else "bold red"
    console.print(Text(report.totals(), style=style), soft_wrap=True)


def build_table(report, *, max_rows: int = 50, files: bool = True) -> Table:
    """The summary table of at most ``max_rows`` rows (failing ones first); ``files``: a file
    column."""
    table = Table(title="losscli check", box=box.SIMPLE_HEAVY, title_style="bold",
                  collapse_padding=True, pad_edge=False)
    table.add_column("case", overflow="fold", min_width=12)
    table.add_column("loss", no_wrap=True)
    table.add_column("expected", justify="right", min_width=10)  # a vector wraps between numbers
    table.add_column("got", justify="right", min_width=10)
    table.add_column("abs / rel error", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True, min_width=9)
    if files:
        table.add_column("file", style="dim", overflow="fold", min_width=12)
    failing = sum(not o.ok for o in report.outcomes)
    room = {True: max(max_rows - failing, 0), False: max_rows}  # passing rows, failing rows
    hidden = {True: 0, False: 0}
    for outcome in report.outcomes:
        if room[outcome.ok] == 0:
            hidden[outcome.ok] += 1
            continue
        room[outcome.ok] -= 1
        table.add_row(*_row(outcome)[: None if files else -1])
    notes = ([f"{hidden[False]} more not passing (their reasons follow)"] if hidden[False]
             else []) + ([f"{hidden[True]} more passed"] if hidden[True] else [])
    if notes:
        table.caption = f"⋮ {', '.join(notes)} (--max-rows to show them)"
    from losscli.render.table import pin_minimums

    return pin_minimums(table)  # case names wrap between words, never inside one


def _row(outcome) -> list[Text]:
    label, style = STATUS_STYLES[outcome.status]
    status = Text(label, style=style)
    if outcome.status == "error":
        detail = Text("invalid", style=style)
        return [Text(safe(outcome.name or "")), Text(safe(outcome.loss)), Text(""), Text(""),
                detail, status, Text(safe(outcome.path))]
    head = outcome.headline
    abs_error = max((c.abs_error for c in outcome.checks), default=None)
    rel_error = max((c.rel_error for c in outcome.checks), default=None)
    errors = "—" if abs_error is None else f"{abs_error:.2g} / {rel_error:.2g}"
    cells = [
        outcome.name,
        outcome.loss,
        short(head.expected, head.worst) if head else "—",
        short(head.got, head.worst) if head else short(outcome.got),
        errors,
    ]
    return [Text(safe(c)) for c in cells] + [status, Text(safe(outcome.path))]
