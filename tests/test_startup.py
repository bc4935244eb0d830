"""--help, list, per-loss --help and shell completion never import torch, and build a
loss's command only for the loss they are about.

Import checks run in a fresh interpreter (subprocess) so earlier imports cannot hide one.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer.main

import losscli.cli.run
from losscli.cli.app import run_app
from losscli.families.registry import registry

PROBE = """
import sys
from losscli.__main__ import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "numpy", "rich") if m in sys.modules)
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""


def _heavy_modules(args, env=None):
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY:")]
    assert line, proc.stderr
    return line[-1][len("HEAVY:"):], proc


@pytest.mark.parametrize(
    "args", [["--help"], ["list"], ["list", "--json"], ["focal", "--help"], ["ce", "--help"]]
)
def test_help_and_list_do_not_import_torch(args):
    heavy, proc = _heavy_modules(args)
    assert "torch" not in heavy, proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "--json"], ["focal", "--help"],
                                  ["ce", "--help"]])
def test_help_and_list_import_neither_numpy_nor_rich(args):
    """The start-up these take is Typer's and the declarations' (benchmarks/bench_startup.py)."""
    heavy, proc = _heavy_modules(args)
    assert heavy == "", proc.stderr


@pytest.fixture
def built(monkeypatch):
    """The names of the loss commands built (click commands made from a loss's function)."""
    names = []
    losses = {spec.name for spec in registry()}
    make = typer.main.get_command_from_info

    def counting(command_info, **kwargs):
        command = make(command_info, **kwargs)
        if command.name in losses:
            names.append(command.name)
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", counting)
    return names


@pytest.mark.parametrize(("args", "expected"), [
    (["--help"], []),
    ([], []),
    (["list"], []),
    (["list", "--json"], []),
    (["explain", "--help"], []),
    (["focal", "--help"], ["focal"]),
    (["CrossEntropyLoss", "-h"], ["cross-entropy"]),
    (["focal", "--no-such-option"], ["focal"]),
])
def test_only_the_invoked_loss_command_is_built(built, cli, args, expected):
    out = cli(*args)
    assert built == expected
    assert out.stdout if out.code == 0 else out.stderr.startswith("losscli: error: losscli focal")


def test_a_loss_call_through_the_full_cli_builds_its_command_only(built, monkeypatch):
    calls = []
    monkeypatch.setattr(losscli.cli.run, "run_loss", lambda spec, options: calls.append(spec))
    assert run_app(["mse", "-p", "[1,2]", "-t", "[1,3]", "--convention", "optax"]) == 0
    assert built == ["mse"] and [spec.name for spec in calls] == ["mse"]


@pytest.mark.parametrize(("words", "expected", "loss_built"), [
    ("losscli fo", ["focal"], []),
    ("losscli ", ["list", "explain", "mse", "focal"], []),
    ("losscli focal --red", ["--reduction"], ["focal"]),
    ("losscli focal --reduction ", ["mean", "sum", "none"], ["focal"]),
])
def test_completion_builds_only_the_loss_being_completed(built, capsys, monkeypatch, words,
                                                        expected, loss_built):
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    for name, value in {"_LOSSCLI_COMPLETE": "complete_bash", "COMP_WORDS": words,
                        "COMP_CWORD": str(cword)}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit):
        run_app(None)
    completions = capsys.readouterr().out.split()
    assert set(expected) <= set(completions)
    assert built == loss_built


def test_shell_completion_does_not_import_torch():
    env = {"_LOSSCLI_COMPLETE": "complete_bash", "COMP_WORDS": "losscli foc", "COMP_CWORD": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=None)],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=120,
    )
    assert "focal" in proc.stdout
    assert "torch" not in proc.stderr.split("HEAVY:")[-1]


def test_python_dash_m_and_console_script_run_a_real_computation():
    args = ["cross-entropy", "-p", "[[0.8,0.1,0.4],[0.1,0.9,0.2],[0.5,0.4,0.6]]", "-t", "[0,1,2]",
            "-q"]
    proc = subprocess.run([sys.executable, "-m", "losscli", *args], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("0.81365")
    bad = subprocess.run([sys.executable, "-m", "losscli", "ce", "-p", "[1,", "-t", "[0]"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
