"""The pytest plugin: a project's ``*.loss.yaml`` files become tests with readable failures."""

from __future__ import annotations

import textwrap
from importlib.metadata import entry_points

import pytest
import yaml  # noqa: F401

import losscli.cases.suite  # noqa: F401

# Loaded here, not first inside a pytester run: pytester unloads the modules a run imports,
# and numpy, torch and PyYAML's C parser cannot be imported twice in one process.
import losscli.engine.pipeline  # noqa: F401

pytest_plugins = ["pytester"]

# mse of [1, 2] against zeros: (1 + 4) / 2 = 2.5.
CASES = """\
    - name: mse passes
      loss: mse
      inputs: {pred: [1, 2], target: [0, 0]}
      expect: 2.5
    - name: mse differs
      loss: mse
      inputs: {pred: [1, 2], target: [0, 0]}
      expect: 2.4
    - name: mse invalid
      loss: mse
      inputs: {pred: [1, 2], target: [0]}
      expect: 2.5
    """


def make(pytester, name: str, text: str) -> None:
    path = pytester.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_plugin_is_registered_through_an_entry_point():
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("losscli") == "losscli.pytest_plugin"


def test_each_case_is_a_test_with_a_readable_failure(pytester):
    make(pytester, "suite/mse.loss.yaml", CASES)
    make(pytester, "suite/other.yaml", "loss: mse\n")  # not matched by the default pattern
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*suite/mse.loss.yaml::mse passes PASSED*",
        "*suite/mse.loss.yaml::mse differs FAILED*",
        "*suite/mse.loss.yaml::mse invalid FAILED*",
    ])
    result.stdout.fnmatch_lines([
        "value 2.5 differs from expected 2.4 (abs error 0.1, rel error 0.0417; "
        "rtol 1e-05, atol 1e-08)",
        "  case 'mse differs' in *mse.loss.yaml",
        "  loss mse, reduction mean, dtype float32, rtol 1e-05, atol 1e-08",
    ])
    result.stdout.fnmatch_lines(["FAILED suite/mse.loss.yaml::mse differs - value 2.5 differs*"])
    result.stdout.fnmatch_lines([
        "*mse.loss.yaml: case 'mse invalid': inputs.target: *shape*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_pattern_is_configurable(pytester):
    make(pytester, "a.loss.yaml", CASES)
    make(pytester, "b.case.json",
         '{"name": "l1", "loss": "l1", "inputs": {"pred": [3], "target": [1]}, "expect": 2}')
    pytester.makeini("[pytest]\nlosscli_cases = *.case.json\n")
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*b.case.json::l1 PASSED*"])


def test_unreadable_file_is_a_collection_error(pytester):
    make(pytester, "broken.loss.yaml", "loss: [oops\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([
        "*invalid losscli case file: *broken.loss.yaml: the file is not valid YAML*"])


def test_plugin_can_be_disabled(pytester):
    make(pytester, "a.loss.yaml", CASES)
    result = pytester.runpytest("-p", "no:losscli", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_integer_too_long_to_convert_is_a_clean_collection_error(pytester):
    make(pytester, "huge.loss.yaml", f"loss: mse\ninputs: {{pred: [{'9' * 5000}], target: [0]}}\n")
    make(pytester, "ok.loss.yaml", CASES)
    result = pytester.runpytest("-p", "no:cacheprovider", "--continue-on-collection-errors")
    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines([
        "*invalid losscli case file: *huge.loss.yaml: the file holds a value that cannot be "
        "read: an integer has more than 4300 digits*"])
    assert "Traceback" not in result.stdout.str() and "ValueError" not in result.stdout.str()


def test_references_stay_inside_the_rootdir(pytester, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "pred.json"
    outside.write_text("[1, 2]")
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "pred.json").write_text("[1, 2]")
    make(pytester, "cases/refs.loss.yaml", f"""\
        - name: inside the rootdir
          loss: mse
          inputs: {{pred: "@../data/pred.json", target: [0, 0]}}
          expect: 2.5
        - name: outside
          loss: mse
          inputs: {{pred: "@{outside}", target: [0, 0]}}
          expect: 2.5
        """)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*is outside the folders a case file may read*"])
