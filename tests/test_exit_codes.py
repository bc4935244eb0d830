"""Exit codes are the contract, through real pipes, closed descriptors and Ctrl-C.

Each test runs ``python -m losscli`` in a child process: a reader that leaves early
(``| head``, a pipe whose read end is closed) keeps the command's own status, an output
that cannot be written (``>&-``, ``/dev/full``) is exit 2 with one line, a closed stderr
never moves messages to stdout, and Ctrl-C is exit 130 with one line for every command.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOSSCLI = f"{shlex.quote(sys.executable)} -m losscli"
MISMATCH = "mse -p '[1,2,3]' -t '[1,2,4]' --expect 5"
BAD_INPUT = "mse -p '[1,2,3]' -t 'abc'"
GOOD = "mse -p '[1,2,3]' -t '[1,2,4]'"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shells and signals")


def bash(script: str) -> subprocess.CompletedProcess:
    """``script`` in bash (``L`` is the losscli command); its last line echoes statuses."""
    return subprocess.run(["bash", "-c", f"L() {{ {LOSSCLI} \"$@\"; }}\n{script}"],
                          capture_output=True, text=True, env=ENV, timeout=120)


def statuses(out: subprocess.CompletedProcess) -> list[int]:
    return [int(s) for s in out.stdout.split()[-1].split(",")]


@pytest.mark.parametrize(("command", "status"), [(MISMATCH, 1), (BAD_INPUT, 2), (GOOD, 0)])
def test_a_reader_that_leaves_early_keeps_the_status(command, status):
    out = bash(f"L {command} | head -0; echo ${{PIPESTATUS[0]}}")
    assert statuses(out) == [status], out.stderr
    if status == 1:  # the mismatch line is on stderr, so it survives the closed stdout
        assert out.stderr.startswith("losscli: mismatch: value 0.33333334"), out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr


@pytest.mark.parametrize(("command", "status"), [(MISMATCH, 1), (GOOD, 0)])
def test_a_pipe_closed_before_the_first_write(command, status):
    """os.pipe with its read end closed: every write fails with EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        out = subprocess.run([*shlex.split(LOSSCLI), *shlex.split(command), "--json"],
                             stdout=write, stderr=subprocess.PIPE, text=True, env=ENV,
                             timeout=120)
    finally:
        os.close(write)
    assert out.returncode == status, out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr
    assert ("losscli: mismatch:" in out.stderr) == (status == 1)


def test_a_failing_check_suite_through_head(tmp_path):
    case = {"name": "wrong", "loss": "mse", "inputs": {"pred": [1, 2], "target": [1, 3]},
            "expect": {"value": 7}}
    (tmp_path / "wrong.json").write_text(json.dumps(case))
    out = bash(f"L check {shlex.quote(str(tmp_path))} --json | head -c 10; "
               "s=${PIPESTATUS[0]}; echo; echo $s")
    assert statuses(out) == [1], out.stderr


def test_a_full_disk_is_an_output_error():
    out = bash(f"L {GOOD} > /dev/full; echo $?")
    assert statuses(out) == [2]
    assert out.stderr == "losscli: error: cannot write output: No space left on device\n"


@pytest.mark.parametrize(("command", "status"), [(GOOD, 2), (MISMATCH, 1), (BAD_INPUT, 2)])
def test_a_closed_stdout_is_an_output_error_never_success(command, status):
    out = bash(f"L {command} >&-; echo $?")
    assert statuses(out) == [status], out.stderr
    lines = out.stderr.splitlines()
    if command == GOOD:
        assert lines == ["losscli: error: cannot write output: standard output is closed"]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(("command", "status"), [(GOOD, 0), (MISMATCH, 1), (BAD_INPUT, 2)])
def test_a_closed_stderr_keeps_the_status_and_never_writes_errors_to_stdout(command, status):
    out = bash(f"L {command} 2>&-; echo \"|$?\"")
    text, code = out.stdout.rsplit("|", 1)
    assert int(code) == status
    assert "losscli:" not in text  # the table's own ✗ line is stdout's; the rest is lost
    if command == GOOD:
        assert "value = 0.33333334" in text


def _interrupt(args: list[str], wait: float) -> subprocess.CompletedProcess:
    """Run losscli with a standard input that never ends, press Ctrl-C after ``wait`` s.

    The loss command blocks reading ``-`` until interrupted; ``run`` and ``check`` work
    through a suite far longer than ``wait``. A Ctrl-C that arrives while losscli is still
    importing is caught by the same boundary, so only the outcome is asserted.
    """
    child = subprocess.Popen([*shlex.split(LOSSCLI), *args], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        try:
            child.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    return subprocess.CompletedProcess(args, child.returncode, stdout, stderr)


@pytest.mark.parametrize("command", ["loss", "run", "check"])
def test_ctrl_c_is_130_with_one_line_for_every_command(command, tmp_path):
    case = {"loss": "mse", "inputs": {"pred": [1, 2], "target": [1, 3]},
            "expect": {"value": 0.5}}
    suite = [{"name": f"case {i}", **case} for i in range(50_000)]
    (tmp_path / "suite.loss.json").write_text(json.dumps(suite))
    args = {"loss": ["mse", "-p", "-", "-t", "[1, 3]"],
            "run": ["run", str(tmp_path / "suite.loss.json")],
            "check": ["check", str(tmp_path / "suite.loss.json")]}[command]
    out = _interrupt(args, wait=3.0)
    assert out.returncode == 130, out.stderr
    assert out.stderr == "losscli: error: interrupted\n", out.stderr


def test_undecodable_bytes_on_stdin_are_an_input_error():
    out = bash("printf '\\xff\\xfe[1]' | L mse -p - -t '[1]'; echo $?")
    assert statuses(out) == [2], out.stderr
    assert out.stderr.startswith("losscli: error: --pred: "), out.stderr
