"""The quick path of a loss call gives run_loss exactly the options the Typer command does."""

from __future__ import annotations

import pytest

import losscli.cli.run
from losscli.cli.app import app, run_app
from losscli.cli.quick import run_quick
from losscli.core.options import parse_args
from losscli.families.registry import registry

SEED = ("--pred", "[[0.8,0.1,0.4],[0.1,0.9,0.2],[0.5,0.4,0.6]]", "--target", "[0,1,2]")

CALLS = [
    ("cross-entropy", *SEED),
    ("ce", *SEED, "-q"),
    ("CrossEntropyLoss", *SEED, "--json", "--label-smoothing", "0.1", "--weight", "[1,2,1]"),
    ("cross-entropy", "-p", "[[1,2]]", "-t", "[1]", "--ignore-index=-1", "--reduction", "sum"),
    ("focal", "--pred", "[0.5]", "--target", "[1]", "--gamma", "1e-1", "--alpha", "-1",
     "--dtype", "float64", "--grad", "--format", "plain", "--top", "3", "--max-rows", "4"),
    ("poisson-nll", "-p", "[1]", "-t", "[2]", "--no-log-input", "--full", "--eps", "2",
     "--expect", "0.5", "--rtol", "1e-3", "--atol", "0", "--strict", "--explain"),
    ("kl-div", "-p", "[-1]", "-t", "[0.5]", "--reduction", "batchmean", "--log-target",
     "--backend", "torch", "--device", "cpu", "--max-elements", "7", "--emit", "python"),
    ("iou", "-p", "[0,0,1,1]", "-t", "[0,0,1,1]", "--mode", "log", "--box-format", "xywh"),
    ("mse", "--input", "[1]", "-t", "[2]", "--backend=numpy", "-f", "json", "--top", "0"),
]


def _typer_options(argv, monkeypatch):
    seen = []

    def record(spec, options):
        seen.append(options)
        return 0

    monkeypatch.setattr(losscli.cli.run, "run_loss", record)
    assert run_app(list(argv)) == 0
    return seen[0]


@pytest.mark.parametrize("argv", CALLS, ids=lambda a: " ".join(a[:1]))
def test_quick_parse_equals_typer(argv, monkeypatch):
    spec = registry().resolve(argv[0])
    quick = parse_args(spec, list(argv[1:]))
    assert quick is not None
    assert quick == _typer_options(argv, monkeypatch)


@pytest.mark.parametrize("argv", [
    ["list"], ["--help"], ["ce", "--help"], ["ce", "-h"], ["nosuchloss"], [],
    ["ce", "--no-such-option", "1"], ["ce", "--pred"], ["ce", "--max-rows", "0"],
    ["ce", "--dtype", "float128"], ["ce", "--label-smoothing", "abc"], ["ce", "--grad=1"],
    ["ce", "-qp", "[1]"], ["ce", "extra"], ["focal", "--convention", "fvcore"],
])
def test_anything_unusual_goes_to_the_full_cli(argv, monkeypatch):
    spec = registry().find(argv[0]) if argv else None
    if spec is not None and argv[0] != "focal":
        assert parse_args(spec, argv[1:]) is None
    monkeypatch.setattr(losscli.cli.run, "run_loss", lambda spec, options: 0)
    assert run_quick(argv) is None


def test_no_loss_name_shadows_a_command():
    commands = {c.name for c in app.registered_commands} - {s.name for s in registry()}
    names = {n.lower() for s in registry() for n in (s.name, *s.aliases)}
    assert commands and not commands & names


def test_quick_path_errors_match_the_full_cli(cli):
    out = cli("ce", "-p", "[1,", "-t", "[0]")
    assert out.code == 2 and out.stderr.startswith("losscli: error: --pred:")
    out = cli("ce", *SEED, "--expect", "0.9")
    assert out.code == 1 and "mismatch" in out.stderr


LEAN_PROBE = """
import sys
from losscli.__main__ import main
try:
    main({args!r})
except SystemExit:
    pass
print("MODULES:" + ",".join(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize(("argv", "family"), [
    (["mse", "-p", "[1,2]", "-t", "[1,3]", "-q"], "regression"),
    (["ce", *SEED, "--json"], "classification"),
    (["ctc", "-p", "[[-1.0,-0.5],[-0.7,-0.7]]", "-t", "[1]", "--input-lengths", "2",
      "--target-lengths", "1", "--from-logits", "-q"], "sequence"),
])
def test_a_quick_call_imports_numpy_and_its_family_only(argv, family):
    """No Typer, rich, YAML or torch, no other family's code (its declarations included),
    none of the full CLI, the tools or the case files, and no registry of every loss."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", LEAN_PROBE.format(args=argv)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr
    modules = proc.stderr.split("MODULES:")[-1].strip().split(",")
    roots = {m.split(".")[0] for m in modules}
    assert "numpy" in roots and not roots & {"typer", "click", "rich", "yaml", "torch"}
    assert not {m for m in modules if m.startswith("losscli.families.")
                and m.split(".")[2] not in (family, "_shared", "registry")}
    assert not {m for m in modules if m.startswith(
        ("losscli.cli.app", "losscli.cli.commands", "losscli.cli.help", "losscli.tools",
         "losscli.cases", "losscli.render.table", "losscli.inputs.files",
         "losscli.inputs.readers"))}
    assert not {"difflib", "pkgutil", "plotext"} & set(modules)
    # Loaded only when used: Ctrl-C handling for the full CLI, statistics of summarised terms.
    assert not {"signal", "losscli.core.summary"} & set(modules)
    code = {m for m in modules if m.startswith("losscli.families.") and m.count(".") == 3
            and m.rsplit(".", 1)[-1] not in ("spec", "conventions")
            and m.split(".")[2] not in ("_shared", "registry")}
    assert code and {m.split(".")[2] for m in code} == {family}, code
