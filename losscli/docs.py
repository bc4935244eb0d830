"""Generated documentation: the README's table of losses, from the registry.

``python -m losscli.docs`` rewrites the block between the ``losses:start`` and
``losses:end`` markers of README.md; a test fails when the README is stale.
Each row runs the loss's declared example, so every value shown is real.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from losscli.core.spec import FAMILIES
from losscli.core.text import example_command
from losscli.families.registry import registry

START, END = "<!-- losses:start -->", "<!-- losses:end -->"


def loss_table() -> str:
    """A markdown table: family, loss, aliases, example command and its value."""
    from losscli.engine.pipeline import compute
    from losscli.inputs import load_tensor

    rows = ["| family | loss | aliases | example | value |", "| --- | --- | --- | --- | --- |"]
    for spec in sorted(registry(), key=lambda s: (FAMILIES.index(s.family), s.name)):
        values: dict[str, Any] = {}
        for name, text in spec.example.items():
            is_tensor = any(i.name == name for i in spec.inputs) or any(
                p.name == name and p.type in ("tensor", "float_or_tensor") for p in spec.params
            )
            values[name] = load_tensor(text, argument=name) if is_tensor else text
        value = compute(spec, **values).value
        aliases = ", ".join(f"`{a}`" for a in spec.aliases)
        command = example_command(spec).replace("|", "\\|")
        rows.append(
            f"| {spec.family} | `{spec.name}` | {aliases} | `{command}` | {value:.6g} |"
        )
    return "\n".join(rows)


def update_readme(path: Path) -> bool:
    """Rewrite the generated block of ``path``; return True when it changed."""
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{loss_table()}\n{END}"
    new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print("updated" if update_readme(readme) else "up to date", readme)
