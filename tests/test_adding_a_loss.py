"""Adding a loss touches one folder: a toy loss in a temporary family package shows up in
``list``, its ``--help``, ``explain``, both backends and the fuzz test, with nothing else
changed.

The family package is written to a temporary directory and put on the search path of
``losscli.families`` (``__path__``), as a new folder under ``losscli/families/`` would be.
Each check runs in a fresh interpreter so the toy never leaks into the other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The files of the toy family, exactly as the developer page "Adding a loss" shows them.
TOY = {
    "__init__.py": '''
        """A toy family: one loss, for the test that adding a loss touches one folder."""
    ''',
    "spec.py": '''
        """The toy loss's declaration (plain data: no numpy, no torch)."""

        from losscli.core.spec import LossSpec
        from losscli.families._shared.specs import REGRESSION_PRED, REGRESSION_TARGET

        SPECS = (
            LossSpec(
                name="toy-cubed",
                summary="Mean absolute cubed error |x - y|³ (a toy)",
                family="regression",
                formula="ℓᵢ = |xᵢ − yᵢ|³",
                inputs=(REGRESSION_PRED, REGRESSION_TARGET),
                impl="cubed",
                numpy_impl="cubed",
                chunks="elements",
                check="same_shape",
                aliases=("cubed-error",),
                references=("A toy loss of the test suite",),
                example={"pred": "[0.5, -1, 2]", "target": "[0, 1, 2]"},
            ),
        )
    ''',
    "torch_terms.py": '''
        """The toy loss in PyTorch (the reference, with gradients)."""

        import torch

        from losscli.families._shared.torch_terms import Terms


        def cubed(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
            """ℓᵢ = |xᵢ − yᵢ|³."""
            return Terms((pred - target).abs() ** 3)
    ''',
    "numpy_terms.py": '''
        """The toy loss in numpy (no torch)."""

        import numpy as np

        from losscli.core.terms import Terms


        def cubed(*, pred: np.ndarray, target: np.ndarray) -> Terms:
            """ℓᵢ = |xᵢ − yᵢ|³."""
            return Terms(np.abs(pred - target) ** 3)
    ''',
    "checks.py": '''
        """The toy loss's input checks: prediction and target of one shape."""

        from losscli.families._shared.checks import same_shape as same_shape
    ''',
}

# |0.5 − 0|³ = 0.125, |−1 − 1|³ = 8, |2 − 2|³ = 0: mean 8.125 / 3; d/dx = 3·d·|d| / 3.
EXPECTED = 8.125 / 3
EXPECTED_GRAD = [0.25, -4.0, 0.0]

BOOT = textwrap.dedent("""
    import sys
    import losscli.families
    losscli.families.__path__.append({path!r})
""")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("families")
    package = root / "toy"
    package.mkdir()
    for name, text in TOY.items():
        (package / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    plugin = root / "toy_family_plugin.py"
    plugin.write_text(BOOT.format(path=str(root)), encoding="utf-8")
    return root


def _env(toy: Path) -> dict[str, str]:
    paths = [str(toy), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "NO_COLOR": "1", "COLUMNS": "120", "TERMINAL_WIDTH": "120"}


def _losscli(toy: Path, *args: str) -> subprocess.CompletedProcess:
    code = BOOT.format(path=str(toy)) + textwrap.dedent(f"""
        from losscli.__main__ import main
        sys.exit(main({list(args)!r}))
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(toy), timeout=300)


def test_the_toy_loss_is_listed(toy):
    out = _losscli(toy, "list", "--json")
    assert out.returncode == 0, out.stderr
    entry = next(e for e in json.loads(out.stdout)["losses"] if e["name"] == "toy-cubed")
    assert entry["backends"] == ["torch", "numpy"] and entry["aliases"] == ["cubed-error"]


def test_the_toy_loss_has_help_and_explain(toy):
    out = _losscli(toy, "toy-cubed", "--help")
    assert out.returncode == 0, out.stderr
    assert "Mean absolute cubed error" in out.stdout and "--pred" in out.stdout
    out = _losscli(toy, "explain", "cubed-error")
    assert out.returncode == 0, out.stderr
    assert "ℓᵢ = |xᵢ − yᵢ|³" in out.stdout


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_the_toy_loss_computes_on_both_backends(toy, backend):
    out = _losscli(toy, "toy-cubed", "-p", "[0.5, -1, 2]", "-t", "[0, 1, 2]", "--json",
                   "--dtype", "float64", "--backend", backend)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["value"] == pytest.approx(EXPECTED, rel=1e-12)
    assert data["terms"]["values"] == pytest.approx([0.125, 8.0, 0.0], rel=1e-12)


def test_the_toy_loss_has_gradients_and_checks_its_inputs(toy):
    out = _losscli(toy, "toy-cubed", "-p", "[0.5, -1, 2]", "-t", "[0, 1, 2]", "--json",
                   "--dtype", "float64", "--grad")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["grad"]["pred"]["values"] == pytest.approx(EXPECTED_GRAD)
    bad = _losscli(toy, "toy-cubed", "-p", "[1, 2]", "-t", "[1, 2, 3]")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_the_toy_loss_runs_in_the_generated_tests(toy):
    """The registry-driven tests (fuzzing, backend agreement) pick the toy up by themselves."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "toy_family_plugin",
         "-o", "addopts=", "tests/contracts/test_fuzz_cli.py", "tests/contracts/test_backends.py",
         "-k", "toy-cubed"],
        cwd=ROOT, capture_output=True, text=True, env=_env(toy), timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    summary = run.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary, summary
