"""``losscli check --format github|markdown``, the bounded table, the pre-commit hook and the
GitHub Actions workflow example."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from losscli.core.case_lines import Lines
from losscli.render.github import command, escape_data, escape_property
from losscli.render.markdown import cell

ROOT = Path(__file__).resolve().parent.parent

# mse of [1, 2] against zeros is 2.5.
YAML_LIST = """\
# a comment, then three cases
- name: passes
  loss: mse
  inputs: {pred: [1, 2], target: [0, 0]}
  expect: 2.5

- name: "fails, 100%: really"
  loss: mse
  inputs: {pred: [1, 2], target: [0, 0]}
  expect: 2.4
- name: invalid
  loss: mse
  inputs:
    pred: [1, 2]
    targte: [0, 0]
"""
JSON_LIST = """\
[
  {"loss": "mse", "inputs": {"pred": [1, 2], "target": [0, 0]}, "expect": 2.5},
  {
    "loss": "mse",
    "inputs": {"pred": [1, 2], "target": [0, 0]},
    "expect": 2
  }
]
"""
SINGLE = """\
# one case

loss: mse
inputs: {pred: [1, 2], target: [0, 0]}
"""


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in (("list.loss.yaml", YAML_LIST), ("list.json", JSON_LIST),
                       ("single.loss.yaml", SINGLE)):
        (tmp_path / name).write_text(text)
    return tmp_path


def test_escaping_follows_githubs_rules():
    assert escape_data("100%\r\nnext: a,b") == "100%25%0D%0Anext: a,b"
    assert escape_property("a,b: 100%\n") == "a%2Cb%3A 100%25%0A"
    assert command("error", "x\ny", file="a,b.yaml", line=3, title="t: 1", col=None) == \
        "::error file=a%2Cb.yaml,line=3,title=t%3A 1::x%0Ay"


def test_github_annotations_point_at_the_cases_lines(cli, files):
    out = cli("check", ".", "--format", "github")
    assert out.code == 2
    lines = out.stdout.splitlines()
    assert lines[:-1] == [
        "::error file=list.json,line=3,title=list[1]%3A case failed::value 2.5 differs from "
        "expected 2 (abs error 0.5, rel error 0.25; rtol 1e-05, atol 1e-08)",
        "::error file=list.loss.yaml,line=7,title=fails%2C 100%25%3A really%3A case failed::"
        "value 2.5 differs from expected 2.4 (abs error 0.1, rel error 0.0417; rtol 1e-05, "
        "atol 1e-08)",
        "::error file=list.loss.yaml,line=15,title=invalid%3A invalid case::list.loss.yaml: "
        "case 'invalid': inputs.targte: mse has no input 'targte'; did you mean 'target'? "
        "(its inputs: pred, target)",
        "::error file=single.loss.yaml,line=3,title=single%3A case has no expect::no expect; "
        "the computed value is 2.5 ('losscli check --update' records it)",
    ]
    assert re.fullmatch(r"6 cases: 2 passed, 2 failed, 1 missing, 1 error in .*", lines[-1])
    absolute = cli("check", str(files / "list.json"), "--format", "github").stdout
    assert absolute.startswith("::error file=list.json,line=3,"), "paths relative to the cwd"
    assert out.stderr.startswith("losscli: error: list.loss.yaml: case 'invalid'")


def test_github_format_of_an_unreadable_file_and_of_updates(cli, files):
    (files / "broken.yaml").write_text("loss: [oops\n")
    out = cli("check", "broken.yaml", "--format", "github")
    assert out.code == 2
    assert out.stdout.startswith("::error file=broken.yaml,line=2,title=broken.yaml%3A invalid "
                                 "case::broken.yaml: the file is not valid YAML")
    out = cli("check", "single.loss.yaml", "--format", "github", "--update")
    assert out.code == 0
    assert out.stdout.splitlines()[0] == "updated: single.loss.yaml::single: added expect: 2.5"


def test_markdown_report_escapes_cells_and_gives_lines(cli, files):
    (files / "pipe.json").write_text(json.dumps(
        {"name": "a|b <img src=x> *c*\nd", "loss": "mse",
         "inputs": {"pred": [1], "target": [0]}, "expect": 2}))
    out = cli("check", ".", "--format", "markdown")
    assert out.code == 2
    text = out.stdout
    assert text.startswith("### losscli check\n\n7 cases: 2 passed, 3 failed, 1 missing, 1 error")
    header = "| status | case | loss | expected | got | abs / rel error | file |"
    rows = text.split(header, 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert len(rows) == 7
    assert all(row.count("|") - row.count("\\|") == 8 for row in rows), rows
    # The newline of the name is shown as the escape \n (its backslash escaped for Markdown).
    name = r"a\|b &lt;img src=x&gt; \*c\*\\nd"
    assert f"| ❌ failed | {name} | mse | 2 | 1 | 1 / 0.5 | pipe.json:1 |" in rows
    assert "| ❌ failed | list\\[1\\] | mse | 2 | 2.5 | 0.5 / 0.25 | list.json:3 |" in rows
    assert any(row.startswith("| ❗ error | invalid |") and "list.loss.yaml:15" in row
               for row in rows)
    assert "#### Problems" in text and "<img" not in text


def test_markdown_and_table_are_bounded_but_list_every_failure(cli, tmp_path):
    cases = [{"name": f"c{i}", "loss": "mse", "inputs": {"pred": [1], "target": [0]},
              "expect": 1 if i % 2 else 3} for i in range(12)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(cases))
    out = cli("check", str(path), "--format", "markdown", "--max-rows", "3")
    assert out.code == 1
    assert out.stdout.count("| ❌ failed |") == 3
    assert "… 3 more not passing (listed below), 6 more passed" in out.stdout
    assert all(f"many.json::c{i}:" in out.stdout for i in range(0, 12, 2))
    out = cli("check", str(path), "--max-rows", "3")
    assert out.stdout.count("✗ failed") == 3, "three rows in the table"
    assert "3 more not passing (their reasons follow), 6 more passed" in out.stdout
    assert sum(line.startswith("failed: ") for line in out.stdout.splitlines()) == 6


def test_old_formats_still_work(cli, files):
    assert json.loads(cli("check", "list.json", "--json").stdout)["summary"]["total"] == 2
    assert "✗ failed" in cli("check", "list.json", "-f", "table").stdout
    out = cli("check", "list.json", "--format", "xml")
    assert out.code == 2


# --------------------------------------------------------------------------- CI files


def test_pre_commit_hook_runs_losscli_check_on_case_files(cli, tmp_path):
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "losscli-check" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("tests/a.loss.yaml", "b.loss.yml", "c.loss.json"):
        assert pattern.search(name), name
    for name in ("pyproject.toml", "data.json", ".pre-commit-config.yaml"):
        assert not pattern.search(name), name
    program, *args = shlex.split(hook["entry"])
    assert program == "losscli"
    staged = [str(p) for p in sorted((ROOT / "examples").glob("*.loss.*"))]
    out = cli(*args, *staged)
    assert out.code == 0, out.stdout + out.stderr
    failing = tmp_path / "stale.loss.yaml"
    failing.write_text("loss: mse\ninputs: {pred: [1], target: [0]}\nexpect: 2\n")
    assert cli(*args, str(failing)).code == 1, "a failing case fails the hook"


def test_workflow_example_runs_check_commands_that_exist(cli, monkeypatch, tmp_path):
    path = ROOT / "examples" / "ci" / ".github" / "workflows" / "losscli.yml"
    workflow = yaml.safe_load(path.read_text())
    steps = workflow["jobs"]["check"]["steps"]
    runs = [step["run"] for step in steps if "losscli check" in step.get("run", "")]
    assert len(runs) == 2
    monkeypatch.chdir(tmp_path)
    for run in runs:
        words = shlex.split(run.split(">>")[0])
        assert words[:2] == ["losscli", "check"]
        args = [str(ROOT / "examples") if w == "$CASES" else w for w in words[2:]]
        out = cli("check", *args)
        assert out.code == 0, run + out.stdout + out.stderr
    assert (tmp_path / "losscli-junit.xml").exists()


def test_check_help_lists_the_formats_and_allow_path(cli):
    out = cli("check", "--help")
    text = " ".join(out.stdout.split())
    for word in ("github", "markdown", "--allow-path"):
        assert word in text


def test_markdown_cell_escaping():
    assert cell("a|b") == "a\\|b"
    assert cell("x\n  y\r\nz") == "x y z"
    assert cell("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert cell("[link](http://x) `code` *em* _u_ ~s~ \\") == \
        "\\[link\\](http://x) \\`code\\` \\*em\\* \\_u\\_ \\~s\\~ \\\\"


@pytest.mark.parametrize(("name", "text", "index", "field", "line"), [
    ("a.json", JSON_LIST, 0, None, 2),
    ("a.json", JSON_LIST, 1, None, 3),
    ("a.json", JSON_LIST, 1, "expect", 6),
    ("a.json", JSON_LIST, 1, "inputs.target", 5),
    ("a.json", JSON_LIST, 2, None, None),
    ("a.json", '\n\n{"loss": "mse",\n "inputs": {"pred": [1]}}', None, "inputs.pred", 4),
    ("a.json", '{"loss": "mse", "expect": [', None, None, 1),
    ("a.yaml", YAML_LIST, 1, None, 7),
    ("a.yaml", YAML_LIST, 2, "inputs.targte", 15),
    ("a.yaml", YAML_LIST, 2, "inputs.nothing", 13),
    ("a.yaml", SINGLE, None, None, 3),
    ("a.yaml", SINGLE, None, "inputs", 4),
    ("a.yaml", "loss: [oops\n", None, None, None),
])
def test_lines_of_cases_and_fields(tmp_path, name, text, index, field, line):
    path = tmp_path / name
    path.write_text(text)
    assert Lines().of(path, index, field) == line
