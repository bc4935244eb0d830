"""The command line: output formats, --expect, aliases, warnings and every input error."""

from __future__ import annotations

import json

import numpy as np
import pytest

SEED_CE = ("--pred", "[[0.8,0.1,0.4],[0.1,0.9,0.2],[0.5,0.4,0.6]]", "--target", "[0,1,2]")


def test_plain_prints_the_full_precision_value(cli):
    out = cli("cross-entropy", *SEED_CE, "--format", "plain")
    assert out.code == 0
    assert out.stdout.strip().startswith("0.81365")
    assert float(out.stdout) == pytest.approx(0.8136582730339882, rel=1e-6)
    assert cli("cross-entropy", *SEED_CE, "-q").stdout == out.stdout


def test_plain_with_reduction_none_prints_one_value_per_line(cli):
    out = cli("mse", "-p", "[1, 2, 3]", "-t", "[1, 1, 1]", "-q", "--reduction", "none")
    assert [float(v) for v in out.stdout.split()] == [0.0, 1.0, 4.0]


def test_json_follows_the_schema(cli):
    out = cli("cross-entropy", *SEED_CE, "--json", "--grad", "--expect", "0.8137", "--rtol", "1e-4")
    assert out.code == 0
    data = json.loads(out.stdout)
    assert data["loss"] == "cross-entropy"
    assert data["reduction"] == "mean"
    assert data["dtype"] == "float32"
    assert data["params"] == {"weight": None, "ignore_index": -100, "label_smoothing": 0.0,
                              "z_loss": 0.0}
    assert data["inputs"] == {"pred": {"shape": [3, 3]}, "target": {"shape": [3]}}
    assert data["value"] == pytest.approx(0.81366, rel=1e-4)
    assert data["terms"]["shape"] == [3]
    assert data["terms"]["values"] == pytest.approx([0.7733, 0.6657, 1.0019], rel=1e-3)
    assert data["grad"]["pred"]["shape"] == [3, 3]
    assert data["expect"] == {"expected": 0.8137, "rtol": 1e-4, "atol": 1e-8, "ok": True}
    assert data["warnings"] == []


def test_json_writes_nan_as_null(cli):
    out = cli("cross-entropy", "-p", "[[1, 2]]", "-t", "[-100]", "--json")
    data = json.loads(out.stdout)
    assert data["value"] is None
    assert any("ignore_index" in w for w in data["warnings"])


def test_table_shows_terms_rule_and_value(cli):
    out = cli("cross-entropy", *SEED_CE, "--weight", "[1, 2, 1]", "--grad")
    assert out.code == 0
    for text in ("[0.8, 0.1, 0.4]", "0.7733", "weighted mean", "/ 4", "value = ", "∂/∂pred"):
        assert text in out.stdout


def test_table_shows_masked_targets(cli):
    out = cli("cross-entropy", "-p", "[[1, 2], [3, 1]]", "-t", "[0, -100]")
    assert "ignored" in out.stdout and "masked out: 1 term" in out.stdout


def test_large_tensors_are_elided(cli):
    pred = json.dumps(np.linspace(0, 1, 1000).tolist())
    out = cli("l1", "-p", pred, "-t", pred, "--max-rows", "10")
    assert "⋮ 990 more" in out.stdout
    assert out.stdout.count("\n") < 40


@pytest.mark.parametrize("expect,code", [("0.8137", 0), ("0.9", 1), ("0.81365824", 0)])
def test_expect_exit_codes(cli, expect, code):
    out = cli("cross-entropy", *SEED_CE, "-q", "--expect", expect, "--rtol", "1e-4")
    assert out.code == code
    if code:
        assert "expected 0.9" in out.stderr and "abs error" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1


def test_expect_for_reduction_none_takes_a_tensor(cli):
    args = ("mse", "-p", "[1, 2]", "-t", "[1, 1]", "-r", "none", "-q")
    assert cli(*args, "--expect", "[0, 1]").code == 0
    assert cli(*args, "--expect", "[0, 2]").code == 1


@pytest.mark.parametrize(
    "alias", ["CrossEntropyLoss", "cross_entropy", "ce", "CE", "Cross-Entropy"]
)
def test_aliases_resolve_case_insensitively(cli, alias):
    assert cli(alias, *SEED_CE, "-q").stdout == cli("cross-entropy", *SEED_CE, "-q").stdout


def test_reads_files_and_stdin(cli, tmp_path):
    (tmp_path / "case.yaml").write_text("pred: [[0.8, 0.1, 0.4]]\ntarget: [0]\n")
    out = cli(
        "ce", "-p", f"@{tmp_path}/case.yaml:pred", "-t", f"@{tmp_path}/case.yaml:target", "-q"
    )
    assert float(out.stdout) == pytest.approx(0.7733, rel=1e-4)
    out = cli("ce", "-p", "-", "-t", "[0]", "-q", input="[[0.8, 0.1, 0.4]]")
    assert float(out.stdout) == pytest.approx(0.7733, rel=1e-4)
    np.save(tmp_path / "x.npy", np.array([[0.8, 0.1, 0.4]], dtype=np.float32))
    out = cli("ce", "-p", f"@{tmp_path}/x.npy", "-t", "[0]", "-q")
    assert float(out.stdout) == pytest.approx(0.7733, rel=1e-4)


def test_warning_and_strict(cli):
    args = ("bce-with-logits", "-p", "[0.2, 0.9]", "-t", "[0, 1]", "-q")
    out = cli(*args)
    assert out.code == 0 and "looks like probabilities" in out.stderr
    strict = cli(*args, "--strict")
    assert strict.code == 2 and "--pred:" in strict.stderr and "--strict" in strict.stderr


def test_softmax_output_passed_to_cross_entropy_warns(cli):
    out = cli("ce", "-p", "[[0.7, 0.2, 0.1]]", "-t", "[0]", "-q")
    assert "looks like probabilities" in out.stderr
    assert "warning" not in cli("ce", *SEED_CE, "-q").stderr  # raw scores in [0, 1]: fine


def test_probability_targets_must_sum_to_one(cli):
    out = cli("ce", "-p", "[[1, 2, 3]]", "-t", "[[0.5, 0.4, 0.3]]", "-q")
    assert out.code == 0 and "do not sum to 1" in out.stderr


def test_nan_input_warns(cli):
    out = cli("mse", "-p", "[1, NaN]", "-t", "[1, 1]", "-q")
    assert "NaN" in out.stderr and out.stdout.strip() == "nan"


BAD_INPUTS = [
    (("ce", "-p", "[[1,2][3,4]]", "-t", "[0]"), "--pred", "character"),
    (("ce", "-p", "[[1,2],[3]]", "-t", "[0]"), "--pred", "ragged"),
    (("mse", "-p", "[1,2,3]", "-t", "[1,2]"), "--target", "does not match --pred shape (3)"),
    (("ce", "-p", "[[1,2,3]]", "-t", "[0.0, 1.0]"), "--target", "shape"),
    (("nll", "-p", "[[1,2,3]]", "-t", "[1.0]"), "--target", "integers"),
    (
        ("ce", "-p", "[[1,2,3],[1,2,3]]", "-t", "[0, 5]"),
        "--target",
        "class index 5 is out of range for 3 classes (pred has shape (2, 3))",
    ),
    (("bce", "-p", "[1.5, 0.2]", "-t", "[1, 0]"), "--pred", "[0, 1]"),
    (("focal", "-p", "[1.5]", "-t", "[1]", "--gamma", "-1"), "--gamma", ">= 0"),
    (("smooth-l1", "-p", "[1]", "-t", "[1]", "--beta", "-0.5"), "--beta", ">= 0"),
    (("huber", "-p", "[1]", "-t", "[1]", "--delta", "0"), "--delta", "> 0"),
    (("ce", "-p", "[[1,2,3]]", "-t", "[0]", "--weight", "[1, 2]"), "--weight", "3 values"),
    (
        ("ce", "-p", "[[1,2,3]]", "-t", "[0]", "--label-smoothing", "1.5"),
        "--label-smoothing",
        "<= 1",
    ),
    (("multi-margin", "-p", "[[1,2,3]]", "-t", "[0]", "--p", "3"), "--p", "3"),
    (("focla", "-p", "[1]"), "focal", "did you mean"),
    (("focal", "--pred", "[1]", "--target", "[1]", "--gama", "2"), "--gama", "No such option"),
    (("ce", "-p", "@/nonexistent/file.npy", "-t", "[0]"), "--pred", "file.npy"),
    (("ce", "-p", "@setup.cfg.xyz", "-t", "[0]"), "--pred", ""),
    (("ce", "-t", "[0]"), "--pred", "missing"),
    (("ce", "-p", "[[1,2]]", "-t", "[[0.5,0.5]]", "--ignore-index", "1"), "--ignore-index",
     "class-index targets"),
]


@pytest.mark.parametrize(
    "args,argument,fragment",
    BAD_INPUTS,
    ids=[" ".join(a[0][:2]) + str(i) for i, a in enumerate(BAD_INPUTS)],
)
def test_bad_input_exits_2_with_one_line(cli, args, argument, fragment):
    out = cli(*args)
    assert out.code == 2, out
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("losscli: error:")
    assert argument in lines[0] and fragment in lines[0]
    assert "Traceback" not in out.stderr


def test_hostile_files_are_refused(cli, tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['touch " + str(tmp_path / "owned") + "']\n")
    out = cli("mse", "-p", f"@{evil}", "-t", "[1]")
    assert out.code == 2 and "--pred" in out.stderr
    assert not (tmp_path / "owned").exists()
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    out = cli("mse", "-p", f"@{tmp_path}/obj.npy", "-t", "[1]")
    assert out.code == 2 and "--pred" in out.stderr


def test_pickle_that_is_not_a_tensor_is_refused(cli, tmp_path):
    from fractions import Fraction

    import torch

    torch.save({"model": Fraction(1, 3)}, tmp_path / "evil.pt")  # an arbitrary class
    out = cli("mse", "-p", f"@{tmp_path}/evil.pt", "-t", "[1]")
    assert out.code == 2 and "--pred" in out.stderr and "Traceback" not in out.stderr


def test_internal_errors_exit_3_without_traceback(cli, monkeypatch):
    import losscli.engine.pipeline

    def boom(*args, **kwargs):
        raise ZeroDivisionError("simulated")

    monkeypatch.setattr(losscli.engine.pipeline, "run", boom)
    out = cli("mse", "-p", "[1]", "-t", "[1]")
    assert out.code == 3
    assert "bug in losscli" in out.stderr and "Traceback" not in out.stderr
    monkeypatch.setenv("LOSSCLI_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli("mse", "-p", "[1]", "-t", "[1]")


def test_help_and_list(cli):
    out = cli("--help")
    assert out.code == 0 and "cross-entropy" in out.stdout
    out = cli("focal", "--help")
    assert "--alpha" in out.stdout and "torchvision" in out.stdout
    listing = json.loads(cli("list", "--format", "json").stdout)
    names = [entry["name"] for entry in listing["losses"]]
    assert {"cross-entropy", "focal", "softmax-focal", "multilabel-margin"} <= set(names)
    assert "CrossEntropyLoss" in cli("list").stdout


def test_expect_nan_matches_a_nan_value(cli):
    args = ("ce", "-p", "[[1, 2]]", "-t", "[-100]", "-q")
    assert cli(*args, "--expect", "NaN").code == 0
    assert cli(*args, "--expect", "0.5").code == 1
