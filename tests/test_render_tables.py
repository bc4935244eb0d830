"""Tables never cut a number: piped without COLUMNS, at 80 columns with --grad, and narrower.

Every registry example is run twice with the same options, as a table and as JSON; every
term (and gradient entry) of the JSON must appear in the table at the table's precision,
and no cell may be cut (rich marks a cut with ``…``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from losscli.families.registry import registry
from losscli.render.layout import safe
from losscli.render.table import elided_indices, term_slicer

EXAMPLES = [spec for spec in registry() if spec.example]


def args_of(spec) -> list[str]:
    out = [spec.name]
    for key, value in spec.example.items():
        out += [f"--{key.replace('_', '-')}", value]
    return out


def assert_numbers_whole(table: str, data: dict, max_rows: int = 20) -> None:
    """Every term, gradient entry and the value of ``data`` (JSON) shown whole in ``table``."""
    assert "…" not in table, table
    assert f"value = {data['value']:.8g}" in table or not isinstance(data["value"], float)
    terms = data.get("terms") or {}
    if "values" not in terms or np.prod(terms["shape"]) > max_rows:
        return
    shape = tuple(terms["shape"])
    arrays = {"term": np.asarray(terms["values"], dtype=float)}
    for name, grad in (data.get("grad") or {}).items():
        if "values" in grad:
            arrays[name] = np.asarray(grad["values"], dtype=float)
    for name, array in arrays.items():
        slicer = term_slicer(shape, array)
        if slicer is None:  # not per term (a weight matrix): JSON only
            continue
        for idx in elided_indices(shape, max_rows):
            for number in shown_numbers(slicer(idx)):
                assert number in table, (name, idx, number, table)


def shown_numbers(values) -> list[str]:
    """The table's precision: a scalar to 6 significant digits, a vector's entries to 4
    (its first 3 and last 2 when longer than 6); integers plainly."""
    flat = np.asarray(values, dtype=float).reshape(-1)
    digits = 6 if np.ndim(values) == 0 else 4
    if flat.size > 6:
        flat = np.concatenate([flat[:3], flat[-2:]])
    return [str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.{digits}g}"
            for v in map(float, flat) if not np.isnan(v)]


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda s: s.name)
def test_every_example_piped_without_columns_keeps_every_digit(spec):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "TERMINAL_WIDTH")}
    proc = subprocess.run([sys.executable, "-m", "losscli", *args_of(spec)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(subprocess.run(
        [sys.executable, "-m", "losscli", *args_of(spec), "--json"], env=env,
        capture_output=True, text=True, timeout=120).stdout)
    assert_numbers_whole(proc.stdout, data)


@pytest.mark.parametrize("width", ["80", "40"])
@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda s: s.name)
def test_every_example_with_grad_at_80_and_40_columns_keeps_every_digit(cli, monkeypatch,
                                                                        spec, width):
    monkeypatch.setenv("COLUMNS", width)
    grad = ["--grad"] if spec.differentiable else []
    out = cli(*args_of(spec), *grad)
    assert out.code == 0, out.stderr
    data = json.loads(cli(*args_of(spec), *grad, "--json").stdout)
    assert_numbers_whole(out.stdout, data)
    widest = max(len(line.rstrip()) for line in out.stdout.splitlines())
    assert widest <= int(width) or "ℓ" in out.stdout, out.stdout  # only long sums may run over


def test_focal_at_80_columns_drops_intermediates_first_and_says_so(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("focal", "--pred", "[[-0.1,0.9,0.23],[-0.12,-0.34,0.6]]",
              "--target", "[[0,1,0],[0,0,1]]", "--gamma", "2", "--grad")
    assert "0.109054" in out.stdout and "0.0324819" in out.stdout
    assert "∂/∂pred" in out.stdout and "∂/∂target" in out.stdout and "term" in out.stdout
    assert "not shown at this width: p_t, (1−p_t)^γ, −log p_t, α_t" in out.stdout


def test_too_narrow_for_a_table_gives_one_block_per_term(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    out = cli("cross-entropy", "-p", "[[0.8,0.1,0.4],[0.1,0.9,0.2]]", "-t", "[0,1]", "--grad")
    assert "…" not in out.stdout
    lines = out.stdout.splitlines()
    assert "# 0" in lines and "# 1" in lines
    assert any(line.split()[:2] == ["term", "0.7733"] for line in lines if line.strip())


def test_long_vectors_are_elided_with_a_midline_ellipsis(cli):
    out = cli("cross-entropy", "-p", json.dumps([[0.1 * i for i in range(10)]]), "-t", "[3]")
    assert "[0, 0.1, 0.2, ⋯, 0.8, 0.9]" in out.stdout and "…" not in out.stdout


def test_control_characters_are_escaped():
    assert safe("a\x1b]0;title\x07b\n") == "a\\x1b]0;title\\x07b\\n"
    assert safe("ℓ[yᵢ] · Σ w") == "ℓ[yᵢ] · Σ w"


@pytest.mark.parametrize("expect,status", [([], 0), (["--expect", "1"], 1)])
def test_a_closed_pipe_keeps_the_exit_status(expect, status):
    pred = json.dumps([0.1 * i for i in range(5000)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "losscli", "l1", "-p", pred, "-t", pred, "--max-rows", "5000",
         *expect], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert b"Traceback" not in err


# --------------------------------------------------------------------------- whole lines


def test_message_lines_are_never_wrapped(cli, monkeypatch):
    # the reduction rule, the value and the --expect verdict are one line each, however
    # narrow the output: a wrapped formula or verdict reads as two statements
    monkeypatch.setenv("COLUMNS", "40")
    out = cli("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--expect", "0.5")
    assert out.code == 0, out.stderr
    lines = [line.rstrip() for line in out.stdout.splitlines()]
    assert "mean: Σ ℓᵢ / n = 1 / 2" in lines
    assert ("✓ value 0.5 matches expected 0.5 (abs error 0, rel error 0; rtol 1e-05, "
            "atol 1e-08)") in lines


def test_the_note_of_a_chunked_computation_is_one_line():
    import losscli
    from losscli.render.table import make_console, render_table

    data = np.linspace(-1, 1, 4000).reshape(1000, 4)
    result = losscli.compute("mse", pred=data, target=data[::-1], backend="numpy",
                             chunk_elements=512)
    console = make_console(30)
    with console.capture() as captured:
        render_table(result, console=console)
    lines = [line.rstrip() for line in captured.get().splitlines()]
    assert "note: computed in chunks of 512 elements" in lines, captured.get()
    assert "mean: Σ ℓᵢ / n = 5336 / 4000" in lines


def test_a_title_wider_than_its_table_is_never_wrapped(cli, monkeypatch):
    # mse's table on two elements is narrower than its title: the title takes a line of
    # its own instead of wrapping inside the table's width
    for columns in ("40", "120"):
        monkeypatch.setenv("COLUMNS", columns)
        lines = cli("mse", "-p", "[1, 2]", "-t", "[1, 3]").stdout.splitlines()
        assert lines[0].strip() == "mse · reduction mean · float32", lines
        assert not any(line.strip() == "float32" for line in lines)
    # a wider table keeps its title centred above it
    monkeypatch.setenv("COLUMNS", "120")
    lines = cli("cross-entropy", "-p", "[[0.8, 0.1, 0.4]]", "-t", "[0]", "--grad").stdout
    title = lines.splitlines()[0]
    assert title.strip() == "cross-entropy · reduction mean · float32" and title.startswith(" ")


def test_check_table_splits_no_loss_name_and_no_word_of_a_case_name(cli, monkeypatch):
    # at 100 columns the examples' table is wider than the output: printed wider rather
    # than cutting a number, splitting 'multilabel-margin' or a word of a case name
    monkeypatch.setenv("COLUMNS", "100")
    out = cli("check", "examples")
    assert out.code == 0, out.stdout + out.stderr
    table = out.stdout[: out.stdout.index(" cases: ")]
    words = {word for line in table.splitlines() for word in line.split()}
    cases = json.loads(cli("check", "examples", "--json").stdout)["cases"]
    assert len(cases) > 10 and any(c["loss"] == "multilabel-margin" for c in cases)
    for case in cases:
        assert case["loss"] in words, (case["loss"], table)
        assert set(case["case"].split()) <= words, (case["case"], table)
    assert "…" not in table
