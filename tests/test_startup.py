"""--help, list, per-loss --help and shell completion never import torch.

Each runs in a fresh interpreter (subprocess) so earlier imports cannot hide one.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import sys
from losscli.__main__ import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "numpy") if m in sys.modules)
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
