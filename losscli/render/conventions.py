"""Output of ``--convention all``: one table (rich), a JSON list, or plain lines.

The table has one row per convention: its value on the user's inputs, the difference
from losscli's default (the first row) and the ratio, and the one-line reason; each
convention's reduction rule follows. Every text is printed as written and no number is
cut: too narrow for the table, each convention gets a block of lines instead. JSON is
the same as a list of objects (with the parameters, the library call and the source);
plain prints ``name value`` lines.
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
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    from losscli.render.layout import output_width
    from losscli.render.table import UNLIMITED, make_console, pin_minimums, print_titled

    width = output_width()
    console = make_console(width)
    default = comparison.rows[0].convention.name
    title = (f"{comparison.loss} · reduction {comparison.reduction} · {comparison.dtype} · "
             "each library's convention on the same inputs")
    headers = ["convention", "value", f"− {default}", "×", "why it differs"]
    rows = [_cells(number, row) for number, row in enumerate(comparison.rows)]
    table = Table(box=box.SIMPLE_HEAVY)
    for header in headers[:-1]:
        first = header == "convention"
        table.add_column(Text(header), justify="left" if first else "right", no_wrap=True,
                         style="bold" if first else None)
    table.add_column(Text(headers[-1]), min_width=24, ratio=1)
    for number, cells in enumerate(rows):
        error = comparison.rows[number].value is None
        table.add_row(*map(Text, cells[:-1]), Text(cells[-1], style="yellow" if error else ""))
    pin_minimums(table)
    needed = Measurement.get(console, console.options.update_width(UNLIMITED), table).minimum
    if width is None or needed <= width:
        print_titled(console, table, title)
    else:  # one block per convention: nothing cut
        from losscli.render.layout import wrap

        console.print(Text(title, style="bold"), soft_wrap=True)
        for cells in rows:
            console.print(Text(cells[0], style="bold"), soft_wrap=True)
            for header, cell in zip(headers[1:], cells[1:]):
                if cell:
                    lines = wrap(f"{header}: {cell}", width, 4, first=2)
                    console.print(Text("\n".join(lines)), soft_wrap=True)
    for row in comparison.rows:
        if row.value is not None:
            console.print(Text(f"{row.convention.name}: {row.reduction_rule}", style="italic"),
                          soft_wrap=True)
    console.print(Text(f"library calls, parameter defaults and sources: losscli explain "
                       f"{comparison.loss}", style="dim"), soft_wrap=True)


def _cells(number: int, row) -> list[str]:
    """convention, value, difference from the default, ratio, why (every cell plain text)."""
    name = row.convention.name
    if row.value is None:
        why = row.convention.reason
        return [name, "n/a", "", "", f"{why}. Not computed: {row.error}" if row.error else why]
    if number == 0:
        return [name, _number(row.value), "default", "", row.convention.reason]
    return [name, _number(row.value), _signed(row.difference), _ratio(row.ratio),
            row.convention.reason]


def _number(value: float) -> str:
    return f"{value:.6g}"


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    return "0" if value == 0 else f"{value:+.4g}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
