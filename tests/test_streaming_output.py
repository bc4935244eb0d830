"""Per-term output (plain, json) is written a block at a time.

The streamed text must equal the text of the whole result (``dumps(result.to_dict())``
for JSON, one ``repr`` per line for plain) whatever the block size; memory must not
grow with the number of terms; a reader that goes away stops the output at once.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import losscli
from losscli.families.registry import registry
from losscli.inputs import streaming
from losscli.render.json import dumps, render_json
from losscli.render.plain import render_plain

MSE = registry().resolve("mse")


def _result(pred, target, *, reduction="none", dtype="float64", grad=False):
    return losscli.compute(MSE, reduction=reduction, dtype=dtype, grad=grad, backend="torch",
                           pred=np.asarray(pred, dtype=float),
                           target=np.asarray(target, dtype=float))


CASES = {
    "2-d with non-finite": dict(pred=[[1.0, np.nan, 3.0], [np.inf, -2.5, 1e-300]],
                                target=[[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
    "1-d": dict(pred=np.linspace(-3, 3, 11), target=np.zeros(11)),
    "3-d": dict(pred=np.arange(24.0).reshape(2, 3, 4) / 7, target=np.ones((2, 3, 4))),
    "0-d": dict(pred=0.25, target=1.0),
    "empty": dict(pred=np.zeros((0, 3)), target=np.zeros((0, 3))),
    "float32 terms": dict(pred=[0.1, 0.2, 0.7], target=[0.0, 1.0, 0.3], dtype="float32"),
    "float16 terms": dict(pred=[0.1, 0.2, 0.7], target=[0.0, 1.0, 0.3], dtype="float16"),
    "mean": dict(pred=[0.1, 0.2, 0.7], target=[0.0, 1.0, 0.3], reduction="mean"),
}


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("elements", [1, 2, 5, None])
@pytest.mark.parametrize("grad", [False, True])
def test_streamed_json_is_the_whole_result(case, elements, grad, capsys):
    options = dict(CASES[case])
    result = _result(options.pop("pred"), options.pop("target"), grad=grad, **options)
    for max_elements in (None, 4, 100):
        render_json(result, max_elements=max_elements, elements=elements)
        text = capsys.readouterr().out
        assert text == dumps(result.to_dict(max_elements, 5)) + "\n"
        json.loads(text)  # strict JSON


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("elements", [1, 4, None])
def test_streamed_plain_is_one_repr_per_line(case, elements, capsys):
    options = dict(CASES[case])
    result = _result(options.pop("pred"), options.pop("target"), **options)
    render_plain(result, elements=elements)
    value = result.value
    if isinstance(value, np.ndarray):
        expected = "\n".join(repr(float(v)) for v in value.reshape(-1)) + "\n"
    else:
        expected = repr(float(value)) + "\n"
    assert capsys.readouterr().out == expected


class _ClosedAfter(io.StringIO):
    """A stdout whose reader goes away after ``writes`` writes."""

    def __init__(self, writes: int) -> None:
        super().__init__()
        self.writes, self.calls = writes, 0

    def write(self, text: str) -> int:
        self.calls += 1
        if self.calls > self.writes:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_a_closed_pipe_stops_the_output_at_once(fmt, monkeypatch):
    result = _result(np.arange(100_000.0), np.zeros(100_000))
    sink = _ClosedAfter(2)
    monkeypatch.setattr(sys, "stdout", sink)
    with pytest.raises(BrokenPipeError):  # not swallowed: the entry point decides the exit
        if fmt == "plain":
            render_plain(result, elements=100)
        else:
            render_json(result, max_elements=None, elements=100)
    assert sink.calls == 3  # nothing formatted or written after the failed write
    assert len(sink.getvalue()) < 5_000


class _Discard(io.TextIOBase):
    """A stdout that counts what it is given and keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_memory_does_not_grow_with_the_number_of_terms(fmt, monkeypatch):
    n = 1_000_000
    result = _result(np.random.default_rng(0).standard_normal(n), np.zeros(n))
    sink = _Discard()
    monkeypatch.setattr(sys, "stdout", sink)
    tracemalloc.start()
    try:
        if fmt == "plain":
            render_plain(result)
        else:
            render_json(result, max_elements=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > 18 * n  # every term was written (about 20 characters each)
    # the whole text would be > 18 MB, its list of floats > 30 MB; one block is ~5 MB
    assert peak < 12 * 2**20, peak
    assert streaming.TEXT_ELEMENTS * 80 < 12 * 2**20


def test_head_of_the_per_term_output_ends_the_process(tmp_path):
    n = 2_000_000
    np.save(tmp_path / "p.npy", np.arange(n, dtype=np.float64))
    np.save(tmp_path / "t.npy", np.zeros(n))
    command = [sys.executable, "-m", "losscli", "mse", "-p", f"@{tmp_path}/p.npy",
               "-t", f"@{tmp_path}/t.npy", "-r", "none", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("losscli kept writing after its reader went away") from None
    assert first == b"0.0\n"
    assert b"Traceback" not in err, err
