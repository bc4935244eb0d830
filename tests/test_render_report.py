"""The check report shows user text (case names, file names, messages) as written, with
control characters escaped, and never cuts a number."""

from __future__ import annotations

import json

import pytest

ESCAPE = "\x1b]0;owned\x07"


@pytest.fixture
def cases(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cases = [
        {"name": f"evil {ESCAPE} [bold]x[/bold]", "loss": "mse",
         "inputs": {"pred": [1, 2], "target": [0, 0]}, "expect": 2.5},
        {"name": "fails [w]", "loss": "mse",
         "inputs": {"pred": [1.23456789, 2], "target": [0, 0]}, "expect": 2.1},
    ]
    (tmp_path / f"odd{ESCAPE[:4]}.loss.json").write_text(json.dumps(cases), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("width", ["200", "80", "50"])
def test_report_escapes_control_characters_and_keeps_brackets(cli, cases, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", width)
    out = cli("check", ".")
    assert out.code == 1
    assert "\x1b" not in out.stdout + out.stderr and "\x07" not in out.stdout + out.stderr
    assert "\\x1b" in out.stdout
    assert "[bold]x[/bold]" in "".join(out.stdout.split())  # the case column may fold
    assert "fails [w]" in out.stdout
    assert "…" not in out.stdout
    assert "2.1" in out.stdout
