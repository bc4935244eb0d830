"""``losscli check``: discovery, the summary table, exit codes, JSON, JUnit, -k, --fail-fast,
--update (comments kept), and the examples suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import yaml

from losscli.cases.update import flow

ROOT = Path(__file__).resolve().parent.parent

# mse of pred [1, 2] against target [0, 0]: (1 + 4) / 2 = 2.5; terms [1, 4].
PASSING = """\
    # mse: (1 + 4) / 2
    name: mse passes
    loss: mse
    inputs: {pred: [1, 2], target: [0, 0]}
    expect: 2.5
    """
# l1 of [0.5, -1] against 0: terms [0.5, 1], mean 0.75, d/dpred = sign / 2.
LIST = """\
    - name: l1 passes
      loss: l1
      inputs: {pred: [0.5, -1], target: [0, 0]}
      expect:
        value: 0.75
        grad: {pred: [0.5, -0.5]}
    - name: l1 fails   # the value is 0.75
      loss: l1
      inputs: {pred: [0.5, -1], target: [0, 0]}
      expect: 0.7
    - name: l1 missing
      loss: l1
      inputs: {pred: [0.5, -1], target: [0, 0]}
    """
INVALID = '{"loss": "mse", "inputs": {"pred": [1, 2], "targte": [0, 0]}, "expect": 1}'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def suite(tmp_path, monkeypatch):
    """A directory of mixed case files (and a data file that is not a case), as the cwd."""
    write(tmp_path / "pass.loss.yaml", PASSING)
    write(tmp_path / "sub" / "list.loss.yaml", LIST)
    write(tmp_path / "data" / "values.json", "[[1, 2], [3, 4]]")
    write(tmp_path / ".hidden" / "ignored.yaml", "loss: nonsense\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_passing_suite_exits_0_with_table_and_totals(cli, suite):
    out = cli("check", "pass.loss.yaml", "sub/list.loss.yaml", "-k", "passes")
    assert out.code == 0, out.stderr
    for text in ("case", "loss", "expected", "got", "abs / rel error", "status",
                 "mse passes", "l1 passes", "2.5", "0.75", "✓ passed"):
        assert text in out.stdout
    assert "2 cases: 2 passed in" in out.stdout
    assert out.stderr == ""


def test_mixed_directory_gives_rows_reasons_and_exit_1(cli, suite):
    out = cli("check", ".")
    assert out.code == 1, out.stderr
    assert "✗ failed" in out.stdout and "? missing" in out.stdout
    assert ("failed: sub/list.loss.yaml::l1 fails: value 0.75 differs from expected 0.7 "
            "(abs error 0.05, rel error 0.0714; rtol 1e-05, atol 1e-08)") in out.stdout
    assert "missing: sub/list.loss.yaml::l1 missing: no expect; the computed value is 0.75" \
        in out.stdout
    assert "4 cases: 2 passed, 1 failed, 1 missing in" in out.stdout
    assert "1 file(s) without cases skipped" in out.stdout


def test_invalid_case_file_exits_2_naming_file_case_and_field(cli, suite):
    write(suite / "bad.json", INVALID)
    out = cli("check", ".")
    assert out.code == 2
    assert out.stderr.splitlines() == [
        "losscli: error: bad.json: case 'bad': inputs.targte: mse has no input 'targte'; "
        "did you mean 'target'? (its inputs: pred, target)"
    ]
    assert "! error" in out.stdout and "1 error" in out.stdout
    assert "2 passed" in out.stdout, "the valid cases still run"


def test_unreadable_file_is_one_error_row(cli, suite):
    write(suite / "broken.yaml", "loss: [oops\n")
    out = cli("check", "broken.yaml", "pass.loss.yaml")
    assert out.code == 2
    assert "losscli: error: broken.yaml: the file is not valid YAML" in out.stderr


def test_json_report(cli, suite):
    write(suite / "bad.json", INVALID)
    out = cli("check", ".", "--format", "json")
    assert out.code == 2
    report = json.loads(out.stdout)
    assert report["summary"] == {**report["summary"], "total": 5, "passed": 2, "failed": 1,
                                 "missing": 1, "error": 1, "updated": 0, "exit_status": 2}
    by_case = {c["case"]: c for c in report["cases"]}
    failed = by_case["l1 fails"]
    assert failed["status"] == "failed" and failed["loss"] == "l1"
    assert failed["expected"] == 0.7 and failed["got"] == 0.75
    assert failed["abs_error"] == pytest.approx(0.05)
    assert failed["rel_error"] == pytest.approx(0.05 / 0.7)
    assert failed["id"] == "sub/list.loss.yaml::l1 fails"
    grad_check = by_case["l1 passes"]["checks"][1]
    assert grad_check == {**grad_check, "check": "grad.pred", "ok": True, "got": [0.5, -0.5]}
    assert by_case["bad"]["field"] == "inputs.targte"
    assert report["skipped_files"] == [os.path.join("data", "values.json")]
    assert json.loads(cli("check", ".", "--json").stdout)["summary"]["total"] == 5


def test_junit_xml(cli, suite, tmp_path):
    write(suite / "bad.json", INVALID)
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    out = cli("check", ".", "--junit", str(junit))
    assert out.code == 2
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"bad.json", "pass.loss.yaml", os.path.join("sub", "list.loss.yaml")}
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["mse passes"].find("failure") is None
    failure = cases["l1 fails"].find("failure")
    assert failure.get("type") == "Mismatch"
    assert "value 0.75 differs from expected 0.7" in failure.get("message")
    assert cases["l1 missing"].find("failure").get("type") == "MissingExpect"
    error = cases["bad"].find("error")
    assert "inputs.targte" in error.get("message")
    assert float(cases["mse passes"].get("time")) >= 0


def test_junit_unwritable_path_is_an_input_error(cli, suite):
    out = cli("check", "pass.loss.yaml", "--junit", str(suite / "no" / "dir" / "j.xml"))
    assert out.code == 2 and "--junit: cannot write" in out.stderr


def test_fail_fast_stops_at_the_first_failure(cli, suite):
    out = cli("check", "sub", "--fail-fast", "--json")
    report = json.loads(out.stdout)
    assert out.code == 1
    assert [c["case"] for c in report["cases"]] == ["l1 passes", "l1 fails"]
    assert report["summary"]["not_run"] == 1
    assert "stopped at the first failure (1 not run)" in cli("check", "sub", "-x").stdout


def test_k_selects_by_substring_or_glob(cli, suite):
    report = json.loads(cli("check", ".", "-k", "MSE", "-k", "l1 f*", "--json").stdout)
    assert [c["case"] for c in report["cases"]] == ["mse passes", "l1 fails"]
    write(suite / "bad.json", INVALID)
    report = json.loads(cli("check", ".", "-k", "passes", "--json").stdout)
    assert [c["case"] for c in report["cases"]] == ["mse passes", "l1 passes"], \
        "an invalid case is selected by its name too"
    out = cli("check", ".", "-k", "nothing-like-this")
    assert out.code == 2 and "no cases matching -k 'nothing-like-this' found" in out.stderr


def test_globs_and_missing_paths(cli, suite):
    report = json.loads(cli("check", "**/*.loss.yaml", "--json").stdout)
    assert report["summary"]["total"] == 4
    out = cli("check", "nowhere/")
    assert out.code == 2 and "no such file or directory: 'nowhere/'" in out.stderr
    assert cli("check", "*.nothing").code == 2
    assert cli("check").code == 2


def test_update_rewrites_expect_keeping_comments(cli, suite):
    out = cli("check", "sub", "--update")
    assert out.code == 0, out.stdout + out.stderr
    assert "updated: sub/list.loss.yaml::l1 fails: expect: 0.7 -> 0.75" in out.stdout
    assert "updated: sub/list.loss.yaml::l1 missing: added expect: 0.75" in out.stdout
    assert "1 passed, 2 updated" in out.stdout
    text = (suite / "sub" / "list.loss.yaml").read_text()
    original = textwrap.dedent(LIST)
    assert text == original.replace("expect: 0.7\n", "expect: 0.75\n") + "  expect: 0.75\n"
    assert cli("check", "sub").code == 0


def test_update_of_terms_and_gradients_in_json_and_block_yaml(cli, tmp_path):
    pred = np.array([1.0, 2.0, -0.5])
    terms = pred**2  # mse against zeros
    (tmp_path / "a.json").write_text(json.dumps(
        {"loss": "mse", "inputs": {"pred": pred.tolist(), "target": [0, 0, 0]},
         "dtype": "float64", "expect": {"terms": [1, 2, 3], "grad": {"pred": [0, 0, 0]}}},
        indent=2))
    block = write(tmp_path / "b.yaml", """\
        loss: mse
        inputs:
          pred: [1.0, 2.0, -0.5]
          target: [0, 0, 0]
        dtype: float64
        reduction: none
        expect:   # the terms
          - 1
          - 2
          - 3
        # end
        """)
    out = cli("check", str(tmp_path), "--update")
    assert out.code == 0, out.stdout
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["expect"]["terms"] == terms.tolist()
    assert data["expect"]["grad"]["pred"] == (2 * pred / 3).tolist()
    text = block.read_text()
    assert "# the terms" in text and "# end" in text
    assert yaml.safe_load(text)["expect"] == terms.tolist()


def test_update_leaves_file_references_alone(cli, tmp_path):
    (tmp_path / "want.json").write_text("[9, 9]")
    write(tmp_path / "ref.yaml", """\
        loss: mse
        reduction: none
        inputs: {pred: [1, 2], target: [0, 0]}
        expect: "@want.json"
        """)
    before = (tmp_path / "ref.yaml").read_text()
    out = cli("check", str(tmp_path / "ref.yaml"), "--update")
    assert out.code == 1
    assert "not updated: expect.value is read from a file" in out.stdout
    assert (tmp_path / "ref.yaml").read_text() == before


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.25, "0.25"), (1e-05, "1.0e-05"), (3e20, "3.0e+20"), (float("nan"), ".nan"),
     (float("-inf"), "-.inf"), ([[1.0, 2.5]], "[[1.0, 2.5]]")],
)
def test_written_values_read_back_as_floats_in_yaml_1_1(value, text):
    assert flow(value, as_json=False) == text
    loaded = yaml.safe_load(f"x: {text}")["x"]
    np.testing.assert_array_equal(np.asarray(loaded, dtype=float), np.asarray(value))
    np.testing.assert_array_equal(json.loads(flow(value, as_json=True)), np.asarray(value))


def test_examples_suite_passes(cli):
    out = cli("check", str(ROOT / "examples"), "--format", "json")
    assert out.code == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["summary"]["passed"] == report["summary"]["total"] >= 12
    assert not report["skipped_files"]


def test_check_help_does_not_import_torch():
    probe = ("import sys\nfrom losscli.__main__ import main\nmain(['check', '--help'])\n"
             "main(['run', '--help'])\nprint('torch' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.strip().endswith("False"), proc.stdout + proc.stderr
