"""Shared fixtures: run the CLI in-process through Typer's CliRunner isolation."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from losscli.__main__ import main

# A deterministic terminal for table output (as typer's own test suite does).
os.environ.setdefault("TERMINAL_WIDTH", "120")
os.environ.setdefault("COLUMNS", "120")
os.environ["NO_COLOR"] = "1"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | None = None) -> Outcome:
    """Run ``losscli ARGS`` through the real entry point, capturing stdout and stderr."""
    runner = CliRunner()
    with runner.isolation(input=input) as (stdout, stderr, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        captured = Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode())
    return captured


@pytest.fixture
def cli():
    return run_cli
