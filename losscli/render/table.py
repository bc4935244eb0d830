"""``--format table``: a rich table of the terms, the reduction rule and the value.

One row per loss term: its index, the slice of every input that produced it
(the logit row and the class for cross-entropy), intermediate quantities, the
term, and with ``--grad`` the gradient slice. Long tensors are elided in the
middle; when the terms are more than the rows shown, summary statistics (count,
NaN/Inf, min, quantiles, max, mean, std) and the largest terms with their indices
and inputs follow: which elements dominate the loss. Terms computed in chunks
(not kept in memory) get the summary alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from losscli.core.summary import DEFAULT_TOP, quantile_label
from losscli.core.text import Slicer, term_slicer


def render_table(result, *, max_rows: int = 20, top: int | None = None,
                 console: Console | None = None) -> None:
    """The terms table (or their summary), then the reduction and the value.

    ``top``: list the k largest terms (default: DEFAULT_TOP when the terms are more than
    ``max_rows``, none otherwise; 0: none).
    """
    console = console or Console(highlight=False)
    many = result.terms is None or result.terms.size > max_rows
    if result.terms is not None:
        console.print(build_table(result, max_rows=max_rows))
    k = (DEFAULT_TOP if many else 0) if top is None else top
    if many or k:
        stats = result.summary(max(k, 1))
        if many:
            for line in stats_lines(stats):
                console.print(line)
        if k:
            console.print(top_table(result, stats, k))
    for line in summary_lines(result, max_rows):
        console.print(line)


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


def top_table(result, stats, k: int) -> Table:
    """The k largest terms: rank, index, the inputs behind each, the term, its share of Σ."""
    shape = stats.shape
    total = stats.mean * (stats.count - stats.nan - stats.inf) if stats.count else 0.0
    table = Table(title=f"largest {min(k, len(stats.top))} terms", box=box.SIMPLE_HEAVY,
                  title_style="bold")
    columns: list[tuple[str, Slicer]] = []
    for name, array in result.inputs.items():
        if result.shown_inputs is not None and name not in result.shown_inputs:
            continue
        slicer = term_slicer(shape, array)
        if slicer is not None:
            columns.append((name, slicer))
    table.add_column("rank", style="dim")
    table.add_column("#", style="dim")
    for name, _ in columns:
        table.add_column(Text(name), justify="right")
    table.add_column("term", style="bold", justify="right")
    table.add_column("share of Σ", justify="right", style="magenta")
    for rank, (flat, value) in enumerate(stats.top[:k], start=1):
        idx = stats.index(flat)
        share = f"{100 * value / total:.3g}%" if value >= 0 and total > 0 else "—"
        cells = [str(rank), _index(idx), *(_cell(s(idx)) for _, s in columns), _number(value)]
        table.add_row(*map(Text, cells + [share]))
    return table


def _shape_text(shape: tuple[int, ...]) -> str:
    return f" (shape {list(shape)})" if len(shape) > 1 else ""


def build_table(result, *, max_rows: int = 20) -> Table:
    """The per-term table, elided to about ``max_rows`` rows."""
    terms = result.terms
    shape = terms.shape
    title = f"{result.loss} · reduction {result.reduction.name} · {result.dtype}"
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_style="bold")
    columns: list[tuple[str, Any, str]] = [("#", lambda idx: idx, "dim")]
    for name, array in result.inputs.items():
        if result.shown_inputs is not None and name not in result.shown_inputs:
            continue
        slicer = term_slicer(shape, array)
        if slicer is not None:
            columns.append((name, slicer, ""))
    if result.term_weights is not None and result.reduction.rule.startswith("weighted"):
        columns.append(("weight", term_slicer(shape, result.term_weights), "magenta"))
    for name, array in result.details.items():
        columns.append((name, term_slicer(shape, array), "cyan"))
    columns.append(("term", lambda idx: terms[idx], "bold"))
    for name, grad in result.grads.items():
        slicer = term_slicer(shape, grad)
        if slicer is not None:
            columns.append((f"∂/∂{name}", slicer, "green"))
    for header, _, style in columns:
        table.add_column(
            Text(header), style=style or None, justify="right" if header != "#" else "left"
        )
    rows = elided_indices(shape, max_rows)
    hidden = terms.size - len([r for r in rows if r is not None])
    for idx in rows:
        if idx is None:
            table.add_row(f"⋮ {hidden} more", *["⋮"] * (len(columns) - 1), style="dim")
            continue
        ignored = result.ignored is not None and bool(result.ignored[idx])
        cells = [
            _index(idx)
            if header == "#"
            else "ignored"
            if ignored and header == "term"
            else _cell(slicer(idx))
            for header, slicer, _ in columns
        ]
        table.add_row(*map(Text, cells), style="dim" if ignored else None)
    return table


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
        items = items[:3] + ["…"] + items[-2:]
    return "[" + ", ".join(items) + "]"


def _number(value, digits: int = 6) -> str:
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, float) and value.is_integer() and abs(value) < 1e15
    ):
        return str(int(value))
    return f"{value:.{digits}g}"
