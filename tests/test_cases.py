"""Case files: loading, validation errors (file, case, field), the schema, ``losscli run``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from losscli.cases.case import CASE_FIELDS, EXPECT_FIELDS, CaseError, load_case, load_file
from losscli.core.options import DTYPES
from losscli.core.spec import REDUCTIONS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "losscli" / "case.schema.json").read_text(encoding="utf-8"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def softmax_ce(logits, target):
    """−log softmax(x)[y] per row, in float64."""
    x = np.asarray(logits, dtype=np.float64)
    log_z = np.log(np.exp(x).sum(axis=1))
    return log_z - x[np.arange(len(x)), target]


# --------------------------------------------------------------------------- loading


def test_single_case_with_every_field(tmp_path):
    path = write(tmp_path / "ce.loss.yaml", """\
        name: smoothed
        description: label smoothing 0.1
        loss: CrossEntropyLoss
        inputs:
          input: [[0.8, 0.1, 0.4]]
          target: "[0]"
        params: {label-smoothing: 0.1}
        reduction: sum
        dtype: float64
        grad: true
        strict: true
        expect: 0.8
        rtol: 1e-3
        atol: 0
        """)
    [case] = load_file(path)
    assert case.name == "smoothed" and case.description == "label smoothing 0.1"
    assert case.spec.name == "cross-entropy"
    assert case.values["pred"].tolist() == [[0.8, 0.1, 0.4]]
    assert case.values["target"].dtype.kind == "i"
    assert case.values["label_smoothing"] == 0.1
    assert (case.reduction, case.dtype, case.grad, case.strict) == ("sum", "float64", True, True)
    assert case.rtol == 1e-3 and case.atol == 0.0  # YAML 1.1 reads 1e-3 as a string
    assert float(case.expect.value) == 0.8 and case.expect.bare


def test_list_of_cases_gets_default_names_and_defaults(tmp_path):
    path = write(tmp_path / "many.loss.yaml", """\
        - loss: mse
          inputs: {pred: [1], target: [0]}
        - loss: l1
          inputs: {pred: [1], target: [0]}
        """)
    first, second = load_file(path)
    assert (first.name, second.name) == ("many[0]", "many[1]")
    assert (first.index, second.index) == (0, 1)
    assert (first.reduction, first.dtype, first.grad, first.strict) == ("mean", "float32",
                                                                        False, False)
    assert (first.rtol, first.atol, first.expect) == (1e-5, 1e-8, None)


def test_file_references_are_relative_to_the_case_file_inside_its_roots(tmp_path):
    write(tmp_path / "data" / "logits.csv", "0.8, 0.1, 0.4\n0.1, 0.9, 0.2\n")
    (tmp_path / "data" / "target.json").write_text('{"labels": [0, 1]}')
    path = write(tmp_path / "suite" / "ce.loss.yaml", """\
        loss: ce
        inputs:
          pred: "@../data/logits.csv"
          target: "@../data/target.json:labels"
        expect:
          terms: "@../data/target.json:labels"
        """)
    [case] = load_file(path, roots=[tmp_path])
    assert case.values["pred"].shape == (2, 3)
    assert case.values["target"].tolist() == [0, 1]
    assert case.expect.from_file == ("terms",)
    [error] = load_file(path)  # by default only the case file's own folder may be read
    assert isinstance(error, CaseError) and error.field == "inputs.pred"
    assert "'../data/logits.csv' is outside the folders a case file may read" in str(error)


def test_json_case_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"loss": "mse", "inputs": {"pred": [2], "target": [0]},
                                "expect": {"value": 4, "grad": {"pred": [4]}}}))
    [case] = load_file(path)
    assert case.grad, "expect.grad turns gradients on"
    assert [name for name, _ in case.expect.items()] == ["value", "grad.pred"]


def test_parameters_are_read_by_the_command_line_parser(tmp_path):
    """Case files convert parameters as ``plot`` and ``compare`` read them from the command
    line (:func:`losscli.core.options.scalar`): YAML 1.1's text ``1e-3`` is a float, a whole
    float an integer, ``"true"`` a boolean."""
    path = write(tmp_path / "params.yaml", """\
        - {name: focal, loss: focal, inputs: {pred: [1], target: [1]}, params: {gamma: 1e-3}}
        - {name: nll, loss: nll, inputs: {pred: [[-1, -2]], target: [1]},
           params: {ignore_index: -100.0}}
        - {name: dice, loss: dice, inputs: {pred: [[[0.5]]], target: [[[1]]]},
           params: {include_background: "false"}}
        """)
    focal, nll, dice = load_file(path)
    assert focal.values["gamma"] == 0.001 and isinstance(focal.values["gamma"], float)
    assert nll.values["ignore_index"] == -100 and isinstance(nll.values["ignore_index"], int)
    assert dice.values["include_background"] is False


def test_unnamed_file_with_other_data_is_skipped_but_a_named_one_is_an_error(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("[[1, 2], [3, 4]]")
    assert load_file(path, named=False) == []
    with pytest.raises(CaseError, match="expected a mapping of case fields"):
        raise load_file(path)[0]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nexpected: 1\n", "expected",
         "unknown field 'expected'; did you mean 'expect'?"),
        ("inputs: {pred: [1], target: [0]}\n", "loss", "missing"),
        ("loss: msee\ninputs: {pred: [1], target: [0]}\n", "loss", "did you mean mse or msle?"),
        ("loss: mse\n", "inputs", "mse takes pred, target"),
        ("loss: mse\ninputs: {pred: [1], targte: [0]}\n", "inputs.targte",
         "did you mean 'target'?"),
        ("loss: mse\ninputs: {pred: [1, abc], target: [0, 0]}\n", "inputs.pred",
         "element [1] is a string"),
        ("loss: mse\ninputs: {pred: '@nowhere.npy', target: [0]}\n", "inputs.pred",
         "file not found"),
        ("loss: mse\ninputs: {pred: '-', target: [0]}\n", "inputs.pred", "standard input"),
        ("loss: ce\ninputs: {pred: [[1, 2]], target: [0]}\nparams: {gama: 2}\n", "params.gama",
         "cross-entropy has no parameter 'gama'"),
        ("loss: bce-with-logits\ninputs: {pred: [1], target: [1]}\nparams: {weight: {a: 1}}\n",
         "params.weight", "expected a tensor, got a mapping"),
        ("loss: focal\ninputs: {pred: [1], target: [1]}\nparams: {gamma: abc}\n",
         "params.gamma", "expected a float, got 'abc'"),
        ("loss: focal\ninputs: {pred: [1], target: [1]}\nparams: {gamma: true}\n",
         "params.gamma", "expected a float, got true (a boolean)"),
        ("loss: focal\ninputs: {pred: [1], target: [1]}\nparams: {gamma: [1, 2]}\n",
         "params.gamma", "expected a float, got a list"),
        ("loss: nll\ninputs: {pred: [[-1, -2]], target: [1]}\nparams: {ignore_index: 2.5}\n",
         "params.ignore_index", "expected a int, got 2.5"),
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nexpect: {valeu: 1}\n", "expect.valeu",
         "did you mean 'value'?"),
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nexpect: {grad: {tgt: [1]}}\n",
         "expect.grad.tgt", "mse has no input 'tgt'"),
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nexpect: {grad: {pred: [1]}}\n"
         "grad: false\n", "grad", "expect.grad is given but grad is false"),
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nrtol: -1\n", "rtol", "non-negative"),
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nstrict: yes please\n", "strict",
         "expected true or false"),
        ("loss: mse\ninputs: {pred: [1], target: [0]}\nreduction: [mean]\n", "reduction",
         "expected text"),
    ],
)
def test_invalid_case_names_file_case_and_field(tmp_path, body, field, message):
    path = write(tmp_path / "bad.loss.yaml", body)
    [error] = load_file(path)
    assert isinstance(error, CaseError)
    assert (error.path, error.case, error.field) == (str(path), "bad", field)
    assert str(error).startswith(f"{path}: case 'bad': {field}: ")
    assert message in str(error)


def test_bad_case_in_a_list_does_not_hide_the_others(tmp_path):
    path = write(tmp_path / "list.yaml", """\
        - {name: good, loss: mse, inputs: {pred: [1], target: [0]}}
        - {name: bad, loss: mse, inputs: {pred: [1], target: [0]}, rtol: x}
        - 3
        - {name: good, loss: l1, inputs: {pred: [1], target: [0]}}
        """)
    good, bad, number, duplicate = load_file(path)
    assert good.name == "good"
    assert (bad.case, bad.field) == ("bad", "rtol")
    assert "item #3 of the list is 3" in str(number)
    assert (duplicate.case, duplicate.field) == ("good", "name")
    assert "duplicate case name" in str(duplicate)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("loss: [unclosed\n", "the file is not valid YAML"),
        ("", "the file holds nothing"),
        ("[]\n", "empty list"),
        ("42\n", "the file holds a int"),
        ("!!python/object:os.system {}\n", "is not allowed"),
    ],
)
def test_unreadable_case_file_raises_naming_the_file(tmp_path, text, message):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(CaseError, match=message) as info:
        load_file(path)
    assert str(info.value).startswith(f"{path}: ")


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"loss": "mse",\n "inputs": }')
    with pytest.raises(CaseError, match="not valid JSON: .* line 2 column"):
        load_file(path)


def test_load_case_picks_one_case(tmp_path):
    path = write(tmp_path / "two.yaml", """\
        - {name: a, loss: mse, inputs: {pred: [1], target: [0]}}
        - {name: b, loss: l1, inputs: {pred: [1], target: [0]}}
        """)
    assert load_case(str(path), "b").spec.name == "l1"
    assert load_case(str(path), "1").name == "a"
    with pytest.raises(Exception, match="holds 2 cases; pick one with --case NAME"):
        load_case(str(path))
    with pytest.raises(Exception, match="has no case 'c' \\(its cases: 'a', 'b'\\)"):
        load_case(str(path), "c")


# --------------------------------------------------------------------------- schema


def test_schema_lists_exactly_the_loader_fields():
    case = SCHEMA["$defs"]["case"]
    assert tuple(case["properties"]) == CASE_FIELDS
    assert case["required"] == ["loss", "inputs"]
    assert case["additionalProperties"] is False
    expect_object = SCHEMA["$defs"]["expect"]["oneOf"][1]
    assert tuple(expect_object["properties"]) == EXPECT_FIELDS
    assert set(case["properties"]["reduction"]["enum"]) == {*REDUCTIONS, "batchmean"}
    assert tuple(case["properties"]["dtype"]["enum"]) == DTYPES
    assert case["properties"]["rtol"]["default"] == 1e-5
    assert case["properties"]["atol"]["default"] == 1e-8


def test_schema_command_prints_the_packaged_schema(cli):
    out = cli("schema")
    assert out.code == 0
    assert json.loads(out.stdout) == SCHEMA


def test_examples_validate_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in sorted((ROOT / "examples").rglob("*.loss.*")):
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        assert not list(validator.iter_errors(document)), path
    assert list(validator.iter_errors({"loss": "mse", "inputs": {}, "expected": 1}))


# --------------------------------------------------------------------------- losscli run


CE_CASE = """\
    name: seed
    loss: cross-entropy
    inputs:
      pred: [[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]]
      target: [0, 1, 2]
    expect: {expect}
    rtol: 1.0e-6
    """
CE_LOGITS = [[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]]


def test_run_prints_like_a_direct_call_in_every_format(cli, tmp_path):
    expected = float(softmax_ce(CE_LOGITS, [0, 1, 2]).mean())
    path = write(tmp_path / "ce.loss.yaml", CE_CASE.format(expect=repr(expected)))
    direct = ("cross-entropy", "--pred", json.dumps(CE_LOGITS), "--target", "[0, 1, 2]",
              "--expect", repr(expected), "--rtol", "1e-6")
    for fmt in ("plain", "json", "table"):
        out = cli("run", str(path), "--format", fmt)
        assert out.code == 0, out.stderr
        assert out.stdout == cli(*direct, "--format", fmt).stdout
    assert float(cli("run", str(path), "-q").stdout) == pytest.approx(expected, rel=1e-6)


def test_run_mismatch_exits_1_with_the_reason(cli, tmp_path):
    path = write(tmp_path / "ce.loss.yaml", CE_CASE.format(expect="0.9"))
    out = cli("run", str(path), "--json")
    assert out.code == 1
    assert json.loads(out.stdout)["expect"]["ok"] is False
    assert "losscli: mismatch: value 0.81365824 differs from expected 0.9" in out.stderr


def test_run_checks_terms_and_gradients(cli, tmp_path):
    pred, target = np.array([1.0, -2.0, 0.5]), np.array([0.0, 0.0, 1.0])
    terms = (pred - target) ** 2
    grad = 2 * (pred - target) / 3
    path = tmp_path / "mse.json"
    path.write_text(json.dumps({
        "loss": "mse", "inputs": {"pred": pred.tolist(), "target": target.tolist()},
        "dtype": "float64",
        "expect": {"value": terms.mean(), "terms": terms.tolist(),
                   "grad": {"pred": grad.tolist()}},
    }))
    out = cli("run", str(path), "--json")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["grad"]["pred"]["values"] == pytest.approx(grad.tolist())
    bad = json.loads(path.read_text())
    bad["expect"]["grad"]["pred"][1] = 0.0
    path.write_text(json.dumps(bad))
    out = cli("run", str(path), "-q")
    assert out.code == 1
    assert "grad.pred[1] = -1.3333333 differs from expected 0" in out.stderr


def test_run_without_expect_just_computes(cli, tmp_path):
    path = write(tmp_path / "l1.yaml", "loss: l1\ninputs: {pred: [1, -3], target: [0, 0]}\n")
    out = cli("run", str(path), "-q", "--grad")
    assert (out.code, float(out.stdout)) == (0, 2.0)


def test_run_invalid_case_exits_2_naming_file_case_and_field(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", "loss: mse\ninputs: {pred: [1, 2], target: [0]}\n")
    out = cli("run", str(path))
    assert out.code == 2
    assert out.stderr.startswith(f"losscli: error: {path}: case 'bad': inputs.target: ")
    assert out.stderr.count("\n") == 1


def test_run_reports_strict_warnings_against_the_case_field(cli, tmp_path):
    path = write(tmp_path / "ce.yaml", "loss: ce\ninputs: {pred: [[0.2, 0.8]], target: [1]}\n"
                                       "strict: true\n")
    out = cli("run", str(path))
    assert out.code == 2
    assert f"{path}: case 'ce': inputs.pred: every value is in [0, 1]" in out.stderr


def test_run_missing_file_and_ambiguous_file(cli, tmp_path):
    assert cli("run", str(tmp_path / "none.yaml")).code == 2
    path = write(tmp_path / "two.yaml", """\
        - {loss: mse, inputs: {pred: [1], target: [0]}}
        - {loss: l1, inputs: {pred: [1], target: [0]}}
        """)
    out = cli("run", str(path))
    assert out.code == 2 and "pick one with --case NAME" in out.stderr
    out = cli("run", str(path), "--case", "two[1]", "-q")
    assert (out.code, float(out.stdout)) == (0, 1.0)

