"""``losscli list``: the catalogue grouped by family, as a table or JSON.

Each loss shows the backends that compute it: torch always, numpy where declared.
"""

from __future__ import annotations

from losscli.core.spec import FAMILIES
from losscli.families.registry import registry


def print_catalogue(fmt: str) -> None:
    specs = sorted(registry(), key=lambda s: (FAMILIES.index(s.family), s.name))
    if fmt == "json":
        from losscli.render.json import dumps

        print(dumps({"losses": [spec.to_dict() for spec in specs]}))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"losscli: {len(specs)} losses", title_style="bold")
    table.add_column("family", style="magenta")
    table.add_column("loss", style="bold cyan", no_wrap=True)
    table.add_column("aliases", style="dim")
    table.add_column("backends", style="green")
    table.add_column("summary")
    previous = None
    for spec in specs:
        family = spec.family if spec.family != previous else ""
        if family and previous is not None:
            table.add_section()
        previous = spec.family
        table.add_row(family, spec.name, ", ".join(spec.aliases), " ".join(spec.backends),
                      spec.summary)
    Console(highlight=False).print(table)
