"""--help and list: plain flags, one-line examples, 80-column list, and a light start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from losscli.core.text import example_command
from losscli.families.registry import registry

SPECS = list(registry())


@pytest.fixture
def at80(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    return cli


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_loss_help_example_is_one_line_and_flags_are_plain(at80, spec):
    out = at80(spec.name, "--help")
    assert out.code == 0
    if spec.example:
        assert f"  Example: {example_command(spec)}" in out.stdout.splitlines()
    assert "<bool>" not in out.stdout
    lines = out.stdout.splitlines()
    assert any(line.split()[:2] == ["--grad", "also"] for line in lines)
    long = [line for line in lines if len(line) > 80 and "Example: " not in line]
    assert all(len(line.split()) == 1 for line in long), long  # only an unbreakable URL


@pytest.mark.parametrize("args", [["--help"], ["plot", "--help"], ["check", "--help"],
                                  ["list", "--help"], ["explain", "--help"]])
def test_command_help_has_no_bool_metavar_and_fits_80_columns(at80, args):
    out = at80(*args)
    assert out.code == 0 and "<bool>" not in out.stdout
    commands = [line for line in out.stdout.splitlines() if line.strip().startswith("losscli ")]
    assert all(len(line) <= 80 for line in out.stdout.splitlines() if line not in commands)


def test_no_arguments_prints_the_help(cli):
    out = cli()
    assert out.code == 0 and out.stdout.startswith("Usage: losscli")


def test_list_fits_80_columns_and_reads_compactly(at80):
    out = at80("list")
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) < 4 * len(SPECS)
    assert "  log-loss (aliases: log_loss, sklearn-log-loss · backends: torch, numpy)" in out.stdout
    assert "…" not in out.stdout


def test_list_piped_without_columns_has_one_line_per_summary():
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "TERMINAL_WIDTH")}
    proc = subprocess.run([sys.executable, "-m", "losscli", "list"], env=env,
                          capture_output=True, text=True, timeout=120)
    for spec in SPECS:
        assert any(line.split()[:1] == [spec.name] and line.endswith(spec.summary)
                   for line in proc.stdout.splitlines()), spec.name


def test_list_rejects_an_unknown_format(cli):
    out = cli("list", "--format", "xml")
    assert out.code == 2 and "'xml' is not one of 'table', 'json'" in out.stderr


PROBE = """
import sys
from losscli.__main__ import main
try:
    main({args!r})
except SystemExit:
    pass
print("LOADED:" + ",".join(sorted(m for m in sys.modules
      if m.split(".")[0] in ("torch", "markdown_it", "pydantic") or m == "rich.markdown")),
      file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "--json"], ["focal", "--help"]])
def test_help_and_list_do_not_import_markdown_or_pydantic(args):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, timeout=120)
    loaded = [line for line in proc.stderr.splitlines() if line.startswith("LOADED:")]
    assert loaded == ["LOADED:"], proc.stderr
