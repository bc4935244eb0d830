"""``--format table``: a rich table of the terms, the reduction rule and the value.

One row per loss term: its index, the slice of every input that produced it
(the logit row and the class for cross-entropy), intermediate quantities, the
term, and with ``--grad`` the gradient slice. Long tensors are elided in the
middle; when the terms are more than the rows shown, summary statistics (count,
NaN/Inf, min, quantiles, max, mean, std) and the largest terms with their indices
and inputs follow: which elements dominate the loss. Terms computed in chunks
(not kept in memory) get the summary alone.

No number is ever cut. Cells do not wrap; the table is laid out for the output's width
(:func:`losscli.render.layout.output_width`: the terminal's, or ``COLUMNS``, or no limit
when stdout is not a terminal). A table too wide for it drops the intermediate
quantities (the rightmost first, then the weight), saying which; when the index, the
inputs, the term and the gradients alone do not fit, every row is shown as a block of
``name  value`` lines instead. Long vectors in a cell keep their first and last entries
around ``⋯``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rich import box
from rich.cells import cell_len
from rich.console import Console, JustifyMethod
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from losscli.core.summary import DEFAULT_TOP, quantile_label
from losscli.core.text import term_slicer
from losscli.render.layout import output_width

UNLIMITED = 100_000  # the console width standing for "no limit"


@dataclass(eq=False)
class Column:
    """One column of a table: its header, how to get its cell at an index, and its role.

    ``drop``: the order in which columns go when the table is too wide (1 first; 0: never);
    ``cell_style``: a style for the cell at an index, over the column's own.
    """

    header: str
    cell: Callable[..., str]  # of an index
    style: str = ""
    justify: JustifyMethod = "right"
    drop: int = 0
    cell_style: Callable[[tuple[int, ...]], str] | None = None


class Rows(list):
    """Row indices (None: the elided middle) and how many rows that hides."""

    hidden = 0


class _Console(Console):
    """A rich console that goes quiet when stdout is closed (``| head``).

    Rich's own handler exits 1; this one sends the rest to /dev/null, so the exit
    status stays the command's own (1 only for a mismatch).
    """

    def on_broken_pipe(self) -> None:
        import os
        import sys

        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def make_console(width: int | None = None) -> Console:
    """A console laid out for ``width`` columns (None: no limit)."""
    return _Console(highlight=False, width=width or UNLIMITED)


def print_fitted(console: Console, title: str, columns: list[Column], rows: Rows,
                 width: int | None, *, row_style=None) -> None:
    """A table of ``rows`` (indices, None for the elided ones) that fits ``width``.

    Too wide: drop the droppable columns in their order, then fall back to blocks.
    """
    shown = list(columns)
    droppable = sorted((c for c in columns if c.drop), key=lambda c: c.drop)
    while True:
        table = _table(shown, rows, row_style)
        if width is None or natural_width(console, table) <= width:
            print_titled(console, table, title)
            dropped = [c.header for c in columns if c not in shown]
            if dropped:
                console.print(Text(f"not shown at this width: {', '.join(dropped)} "
                                   "(--format json has them)", style="dim"), soft_wrap=True)
            return
        if not droppable:
            break
        shown.remove(droppable.pop(0))
    for line in block_lines(title, columns, rows, width, row_style):
        console.print(line, soft_wrap=True)


def natural_width(console: Console, renderable) -> int:
    """The width ``renderable`` takes when nothing limits it."""
    return Measurement.get(console, console.options.update_width(UNLIMITED), renderable).maximum


def print_titled(console: Console, table: Table, title: str) -> None:
    """``table`` under ``title``, which is never wrapped: centred above the table when the
    table is as wide, else on a line of its own (a narrow table, a long title)."""
    width = min(natural_width(console, table), console.width)
    if cell_len(title) <= width:
        table.title, table.title_style = Text(title), "bold"
    else:
        console.print(Text(title, style="bold"), soft_wrap=True)
    console.print(table)


def pin_minimums(table: Table) -> Table:
    """Give every column of ``table`` the least width its cells need whole: a ``no_wrap``
    column its widest cell, another its longest word. Rich may otherwise squeeze a column
    below that and cut a number or split a word; with these minimums the table's measured
    minimum is the width it needs (wider than the output rather than cut)."""
    for column in table.columns:
        cells = [column.header, *column.cells]
        texts = [cell.plain if isinstance(cell, Text) else str(cell) for cell in cells]
        if column.no_wrap:
            least = max((cell_len(line) for t in texts for line in t.splitlines()), default=0)
        else:
            least = max((cell_len(word) for t in texts for word in t.split()), default=0)
        column.min_width = max(column.min_width or 0, least)
    return table


def _table(columns: list[Column], rows: Rows, row_style) -> Table:
    table = Table(box=box.SIMPLE_HEAVY)
    for column in columns:
        table.add_column(Text(column.header), style=column.style or None,
                         justify=column.justify, no_wrap=True)
    for idx in rows:
        if idx is None:
            table.add_row(f"⋮ {rows.hidden} more", *["⋮"] * (len(columns) - 1), style="dim")
            continue
        table.add_row(*(Text(c.cell(idx), style=c.cell_style(idx) if c.cell_style else "")
                        for c in columns),
                      style=row_style(idx) if row_style else None)
    return table


def block_lines(title: str, columns: list[Column], rows: Rows, width: int | None,
                row_style=None) -> list[Text]:
    """One block per row: its index, then a ``header  value`` line per column."""
    label = max(len(c.header) for c in columns[1:]) + 2
    lines = [Text(title, style="bold")]
    for idx in rows:
        if idx is None:
            lines.append(Text(f"⋮ {rows.hidden} more", style="dim"))
            continue
        style = row_style(idx) if row_style else None
        lines.append(Text(f"{columns[0].header} {columns[0].cell(idx)}", style=style or "bold"))
        room = (width or UNLIMITED) - 2 - label
        for column in columns[1:]:
            for number, part in enumerate(_fold(column.cell(idx), room)):
                head = column.header if number == 0 else ""
                lines.append(Text("  " + head.ljust(label) + part, style=style or column.style))
    return lines


def _fold(cell: str, room: int) -> list[str]:
    """A cell split after its commas to lines of at most ``room`` characters (numbers whole)."""
    parts: list[str] = []
    for piece in cell.split(", "):
        if parts and len(parts[-1]) + 2 + len(piece) <= room:
            parts[-1] += ", " + piece
        else:
            if parts:
                parts[-1] += ","
            parts.append(piece)
    return parts or [""]


def render_table(result, *, max_rows: int = 20, top: int | None = None,
                 console: Console | None = None) -> None:
    """The terms table (or their summary), then the reduction and the value.

    ``top``: list the k largest terms (default: DEFAULT_TOP when the terms are more than
    ``max_rows``, none otherwise; 0: none).
    """
    width = output_width() if console is None else console.width
    console = console or make_console(width)
    many = result.terms is None or result.terms.size > max_rows
    if result.terms is not None:
        title, columns, rows, row_style = table_parts(result, max_rows=max_rows)
        print_fitted(console, title, columns, rows, width, row_style=row_style)
    k = (DEFAULT_TOP if many else 0) if top is None else top
    if many or k:
        stats = result.summary(max(k, 1))
        if many:
            for line in stats_lines(stats):
                console.print(line, soft_wrap=True)
        if k:
            print_fitted(console, *top_parts(result, stats, k), width)
    for line in summary_lines(result, max_rows):  # one line each, never wrapped
        console.print(line, soft_wrap=True)


def stats_lines(stats) -> list[Text]:
    """Summary statistics of the counted terms, three lines."""
    def joined(pairs):
        return " · ".join(f"{label} {_stat(number)}" for label, number in pairs)

    head = [("NaN", stats.nan), ("Inf", stats.inf)]
    if stats.ignored:
        head.insert(0, ("ignored", stats.ignored))
    middle = [("min", stats.minimum), ("max", stats.maximum), ("mean", stats.mean),
              ("std", stats.std)]
    quantiles = [(quantile_label(q), v) for q, v in stats.quantiles.items()]
    sampled = "" if stats.sampled is None else f" (from a sample of {stats.sampled:,})"
    return [
        Text(f"summary of {stats.count:,} terms{_shape_text(stats.shape)} · {joined(head)}",
             style="bold"),
        Text("  " + joined(middle)),
        Text("  quantiles " + joined(quantiles) + sampled),
    ]


def _stat(number) -> str:
    return f"{number:,}" if isinstance(number, int) else _number(number, digits=4)


def top_parts(result, stats, k: int) -> tuple[str, list[Column], Rows]:
    """The k largest terms: rank, index, the inputs behind each, the term, its share of Σ."""
    shape = stats.shape
    total = stats.mean * (stats.count - stats.nan - stats.inf) if stats.count else 0.0
    top = stats.top[:k]

    def entry(rank):
        return stats.index(top[rank][0])

    columns = [Column("rank", lambda r: str(r[0] + 1), "dim", "left"),
               Column("#", lambda r: _index(entry(r[0])), "dim", "left")]
    for name, array in result.inputs.items():
        if result.shown_inputs is not None and name not in result.shown_inputs:
            continue
        slicer = term_slicer(shape, array)
        if slicer is not None:
            columns.append(Column(name, lambda r, s=slicer: _cell(s(entry(r[0])))))
    columns.append(Column("term", lambda r: _number(top[r[0]][1]), "bold"))

    def share(r):
        value = top[r[0]][1]
        return f"{100 * value / total:.3g}%" if value >= 0 and total > 0 else "—"

    columns.append(Column("share of Σ", share, "magenta"))
    return f"largest {min(k, len(stats.top))} terms", columns, Rows((r,) for r in range(len(top)))


def _shape_text(shape: tuple[int, ...]) -> str:
    return f" (shape {list(shape)})" if len(shape) > 1 else ""



def table_parts(result, *, max_rows: int = 20):
    """The per-term table's title, columns, rows (elided to about ``max_rows``), row style."""
    terms = result.terms
    shape = terms.shape
    title = f"{result.loss} · reduction {result.reduction.name} · {result.dtype}"
    ignored = result.ignored

    def is_ignored(idx):
        return ignored is not None and bool(ignored[idx])

    columns = [Column("#", _index, "dim", "left")]
    for name, array in result.inputs.items():
        if result.shown_inputs is not None and name not in result.shown_inputs:
            continue
        slicer = term_slicer(shape, array)
        if slicer is not None:
            columns.append(Column(name, lambda idx, s=slicer: _cell(s(idx))))
    details = []
    if result.term_weights is not None and result.reduction.rule.startswith("weighted"):
        slicer = term_slicer(shape, result.term_weights)
        details.append(Column("weight", lambda idx, s=slicer: _cell(s(idx)), "magenta"))
    for name, array in result.details.items():
        slicer = term_slicer(shape, array)
        details.append(Column(name, lambda idx, s=slicer: _cell(s(idx)), "cyan"))
    for order, column in enumerate(reversed(details), start=1):
        column.drop = order
    columns += details
    columns.append(Column(
        "term", lambda idx: "ignored" if is_ignored(idx) else _cell(terms[idx]), "bold"))
    for name, grad in result.grads.items():
        slicer = term_slicer(shape, grad)
        if slicer is not None:
            columns.append(Column(f"∂/∂{name}", lambda idx, s=slicer: _cell(s(idx)), "green"))
    rows = Rows(elided_indices(shape, max_rows))
    rows.hidden = terms.size - sum(r is not None for r in rows)
    return title, columns, rows, lambda idx: "dim" if is_ignored(idx) else None


def summary_lines(result, max_rows: int = 20) -> list[Text]:
    """The reduction rule with its numbers, masked elements, notes and the value."""
    lines = [Text(result.reduction.describe(), style="italic")]
    if result.reduction.ignored:
        lines.append(
            Text(
                f"masked out: {result.reduction.ignored} term(s) where "
                f"{result.reduction.ignore_reason}; they add nothing and are not counted",
                style="yellow",
            )
        )
    for note in result.notes:
        lines.append(Text(f"note: {note}", style="yellow"))
    value = result.value
    if isinstance(value, np.ndarray):
        where = "above" if value.size <= max_rows else "summarised above"
        lines.append(
            Text(f"value: the {value.size:,} terms {where} (shape {list(value.shape)})",
                 style="bold")
        )
    else:
        lines.append(Text.assemble(("value = ", "bold"), (f"{value:.8g}", "bold green")))
    if result.perplexity is not None:
        lines.append(Text(f"perplexity = exp(mean token loss) = {result.perplexity:.8g}"))
    if result.expect is not None:
        style = "green" if result.expect.ok else "bold red"
        lines.append(
            Text(("✓ " if result.expect.ok else "✗ ") + result.expect.describe(value), style=style)
        )
    return lines


def elided_indices(shape: tuple[int, ...], max_rows: int) -> list[tuple[int, ...] | None]:
    """Indices of the rows to show; None marks the elided middle."""
    count = int(np.prod(shape)) if shape else 1
    if count <= max_rows:
        flat = list(range(count))
    else:
        head = max(1, max_rows // 2)
        tail = max(1, max_rows - head)
        flat = list(range(head)) + [-1] + list(range(count - tail, count))
    return [None if i < 0 else tuple(int(j) for j in np.unravel_index(i, shape)) for i in flat]


def _index(idx: tuple[int, ...]) -> str:
    return ",".join(map(str, idx)) if idx else "·"


def _cell(value) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return _number(array.item())
    flat = array.reshape(-1)
    items = [_number(v.item(), digits=4) for v in flat]
    if len(items) > 6:
        items = items[:3] + ["⋯"] + items[-2:]
    return "[" + ", ".join(items) + "]"


def _number(value, digits: int = 6) -> str:
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, float) and value.is_integer() and abs(value) < 1e15
    ):
        return str(int(value))
    return f"{value:.{digits}g}"
