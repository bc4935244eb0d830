"""``losscli list``: the catalogue grouped by family, as compact text or JSON.

Each loss shows its name, summary, aliases and the backends that compute it (torch
always, numpy where declared), laid out for the output's width
(:func:`losscli.render.layout.output_width`); every string is printed as written.
"""

from __future__ import annotations

from losscli.core.spec import FAMILIES
from losscli.families.registry import registry

INDENT = 2


def print_catalogue(fmt: str) -> None:
    specs = sorted(registry(), key=lambda s: (FAMILIES.index(s.family), s.name))
    if fmt == "json":
        from losscli.render.json import dumps

        print(dumps({"losses": [spec.to_dict() for spec in specs]}))
        return
    from losscli.render.layout import output_width

    print("\n".join(catalogue_lines(specs, output_width())))


def catalogue_lines(specs, width: int | None) -> list[str]:
    """The catalogue laid out for ``width`` columns (None: no limit).

    Wide enough for every summary on one line after the names: a name column, the
    summary, and aliases and backends below it. Narrower: the name with its aliases and
    backends on one line, the summary indented below it; both wrap at whole words.
    """
    from losscli.render.layout import wrap

    column = INDENT + max(len(spec.name) for spec in specs) + 2
    columns = width is None or all(column + len(s.summary) <= width for s in specs)
    lines = [f"losscli: {len(specs)} losses ('losscli LOSS --help' for its options, "
             "'losscli explain LOSS' for the details)"]
    if width is not None:
        lines = wrap(lines[0], width)
    family = None
    for spec in specs:
        if spec.family != family:
            family = spec.family
            lines += ["", family]
        details = (f"aliases: {', '.join(spec.aliases) or 'none'} · "
                   f"backends: {', '.join(spec.backends)}")
        if columns:
            lines.append((" " * INDENT + spec.name).ljust(column) + spec.summary)
            lines += wrap(details, width or 10**6, column)
        else:
            lines += wrap(f"{spec.name}  ({details})", width or 10**6, INDENT + 4, first=INDENT)
            lines += wrap(spec.summary, width or 10**6, INDENT + 4)
    return [line.rstrip() for line in lines]
