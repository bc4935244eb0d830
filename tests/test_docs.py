"""The README is the user's manual: its generated parts are current, its claims hold."""

from __future__ import annotations

import re
from pathlib import Path

from losscli.docs import END, START, loss_table
from losscli.families.registry import registry

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_loss_table_is_current():
    block = README[README.index(START) + len(START): README.index(END)].strip()
    assert block == loss_table(), "README is stale: run `python -m losscli.docs`"


def test_every_loss_has_a_readme_row():
    for spec in registry():
        assert f"| `{spec.name}` |" in README


def test_ci_runs_the_readme_test_command():
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_exit_codes_and_formats_are_documented():
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in README
    assert re.search(r"case \$\? in", README)
    for fmt in ("**table**", "**plain**", "**json**"):
        assert fmt in README
