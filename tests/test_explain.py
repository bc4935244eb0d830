"""``losscli explain LOSS`` and ``--explain``.

The worked derivations are checked two ways: every term's block ends with that
term and the last line with the value (for every registered loss and every example
case), and the seed examples' steps are checked against numbers computed here with
``math``, independently of losscli (the seed documents work them by hand the same way).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import pathlib
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest

import losscli
from losscli.cases.case import load_file
from losscli.families._shared import explain as _base
from losscli.families.registry import registry
from losscli.families.regression import explain as _regression  # noqa: F401 (its derivations)
from losscli.inputs import load_tensor
from losscli.tools.explain.derive import derive, generic
from losscli.tools.explain.static import example, reduction_texts, references
from losscli.tools.random_inputs import valid

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMES = [spec.name for spec in registry()]
EXAMPLE_CASES = [
    case
    for path in sorted((ROOT / "examples").glob("*.loss.*"))
    for case in load_file(path)
    if not isinstance(case, Exception)
]


def example_values(spec) -> dict:
    """The declared example's arguments as compute() takes them."""
    tensors = {i.name for i in spec.inputs}
    tensors |= {p.name for p in spec.params if p.type in ("tensor", "float_or_tensor")}
    return {k: load_tensor(v, argument=k) if k in tensors else v
            for k, v in spec.example.items()}


def _number(text: str) -> float:
    """The last number of a derivation line (its minus signs are U+2212)."""
    found = re.findall(r"[−-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?", text.replace("−", "-"))
    assert found, text
    return float(found[-1])


def _check_ends(result) -> None:
    """Each block's last line is ``ℓ ... = <the term>``; the last line ends with the value."""
    derivation = derive(result, limit=result.terms.size)
    for block, term in zip(derivation.blocks, result.terms.reshape(-1)):
        last = block.steps[-1]
        assert last.startswith("ℓ") and last.endswith(f"= {_base.num(term)}"), (last, term)
        assert _number(last) == pytest.approx(term, rel=5e-6, abs=1e-12)
    if result.reduction.name != "none":
        final = derivation.lines()[-1].split("   (")[0]  # drop "(k ignored terms left out)"
        assert final.endswith(f"= {_base.num(result.value)}"), final


# --------------------------------------------------------------------------- explain LOSS


@pytest.mark.parametrize("name", NAMES)
def test_every_loss_explains(cli, name):
    spec = registry().resolve(name)
    out = cli("explain", name)
    assert out.code == 0, out.stderr
    for heading in ("Formula", "Inputs", "Parameters", "Reductions", "Pitfalls", "References",
                    "Example"):
        assert heading in out.stdout
    for i in spec.inputs:
        assert i.option in out.stdout
    for p in spec.params:
        assert p.option in out.stdout
    assert f"losscli {name} " in out.stdout
    data = json.loads(cli("explain", name, "--json").stdout)
    assert data["formula"] == spec.formula
    assert set(data["reductions"]) == set(spec.reductions)
    assert data["pitfalls"] and data["example"].startswith(f"losscli {name}")


@pytest.mark.parametrize("name", NAMES)
def test_every_example_command_runs(cli, name):
    """The example explain prints is a command that computes without error."""
    command = example(registry().resolve(name))[0]
    out = cli(*shlex.split(command)[1:], "-q")
    assert out.code == 0, (command, out.stderr)


def test_explain_resolves_aliases_and_rejects_unknown_names(cli):
    assert "cross-entropy" in cli("explain", "CrossEntropyLoss").stdout
    out = cli("explain", "focall")
    assert out.code == 2
    assert "did you mean focal" in out.stderr


def test_explain_content_cross_entropy(cli):
    text = cli("explain", "ce").stdout
    assert "log Σ_c exp" in text  # the formula
    assert "Takes raw logits" in text  # a note of the spec
    assert "--label-smoothing" in text and "default 0.0" in text
    assert "Σ w[yᵢ]·ℓᵢ / Σ w[yᵢ]" in text  # the weighted mean
    assert "https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html" in text


@pytest.mark.parametrize(
    "name, phrase",
    [
        ("focal", "takes raw logits"),
        ("bce-with-logits", "takes raw logits"),
        ("bce", "Takes probabilities"),
        ("nll", "log-probabilities"),
        ("nll", "--ignore-index"),
        ("nll", "Class weights change the mean's denominator"),
        ("mse", "not per sample"),
    ],
)
def test_pitfalls(cli, name, phrase):
    assert phrase in " ".join(cli("explain", name).stdout.split())


def test_missing_declaration_fields_get_generic_text():
    spec = dataclasses.replace(registry().resolve("mse"), references=(), example={})
    assert references(spec) == ["https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html"]
    command = example(spec)[0]
    assert command.startswith("losscli mse --pred '[")
    values = dict(re.findall(r"--(\w+) '([^']*)'", command))
    assert valid(spec, {k: json.loads(v) for k, v in values.items()})
    assert reduction_texts(spec)["sum"].startswith("Σ ℓᵢ")


def test_explain_does_not_import_torch():
    probe = (
        "import sys\nfrom losscli.__main__ import main\n"
        "assert main(['explain', 'focal']) == 0\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("NO-TORCH"), proc.stderr


# --------------------------------------------------------------------------- --explain


@pytest.mark.parametrize("name", [s.name for s in registry() if s.example])
def test_every_loss_derivation_ends_with_its_terms(name):
    spec = registry().resolve(name)
    values = example_values(spec)
    chosen = values.pop("reduction", None)
    for reduction in (chosen, "mean", "sum"):
        if reduction in spec.reductions:
            _check_ends(losscli.compute(name, reduction=reduction, **values))


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=lambda c: c.name)
def test_example_case_derivations_end_with_their_terms(case):
    from losscli.engine.pipeline import compute

    result = compute(case.spec, reduction=case.reduction, dtype=case.dtype, **case.values)
    _check_ends(result)


def test_explain_option_prints_after_the_table(cli):
    args = ("focal", "--pred", "[[-0.1, 0.9, 0.23], [-0.12, -0.34, 0.6]]",
            "--target", "[[0, 1, 0], [0, 0, 1]]", "--backend", "torch")  # torch's float32 digits
    out = cli(*args, "--explain")
    assert out.code == 0
    table, _, derivation = out.stdout.partition("Worked derivation of focal")
    assert "value = 0.082429171" in table
    lines = derivation.strip().splitlines()
    assert lines[-1].endswith("= 0.494575 / 6 = 0.0824292")
    quiet = cli(*args, "--explain", "-q")
    assert quiet.stdout.strip() == "0.08242917060852051"  # machine output stays clean
    assert "Worked derivation" in quiet.stderr


def _block(result, index):
    return next(b for b in derive(result, limit=result.terms.size).blocks if b.index == index)


def test_cross_entropy_seed_steps():
    """Seed 000: s1 = exp(0.8) + exp(0.1) + exp(0.4), l1 = −ln(exp(0.8) / s1) = 0.7733."""
    result = losscli.compute("cross-entropy", pred=[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2],
                                                    [0.5, 0.4, 0.6]], target=[0, 1, 2])
    steps = _block(result, (0,)).steps
    # the textbook way, in float64 from the float32 inputs: exponentials, sum, softmax
    x = [float(np.float32(v)) for v in (0.8, 0.1, 0.4)]
    e = [math.exp(v) for v in x]
    total = sum(e)
    assert f"{total:.4f}" == "4.8225"  # the seed's sum of the first row
    p = e[0] / total
    assert steps[0] == f"exponentials: exp(x_c) = exp(0.8), exp(0.1), exp(0.4) = " \
                       f"{e[0]:.6g}, {e[1]:.6g}, {e[2]:.6g}"
    assert steps[1] == f"their sum: Σ_c exp(x_c) = {e[0]:.6g} + {e[1]:.6g} + {e[2]:.6g} " \
                       f"= {total:.6g}"
    assert steps[2] == f"softmax probability: p_y = exp(x_y) / Σ = {e[0]:.6g} / {total:.6g} " \
                       f"= {p:.6g}"
    assert steps[3].startswith(f"−log p_y = −log {p:.6g} = {-math.log(p):.6g}   ")
    lse = math.log(math.exp(0.8) + math.exp(0.1) + math.exp(0.4))
    assert steps[4] == f"log-sum-exp: log Σ_c exp(x_c) = log(exp(0.8) + exp(0.1) + exp(0.4)) " \
                       f"= {lse:.6g}"
    assert steps[5] == "picked logit: x_y = x[0] = 0.8"
    assert steps[6] == f"ℓ = log Σ exp − x_y = {lse:.6g} − 0.8 = {lse - 0.8:.6g}"
    assert f"{-math.log(p):.6g}" == f"{lse - 0.8:.6g}"  # both ways agree
    reduction = derive(result).reduction
    assert reduction[-1] == "  = 2.44097 / 3 = 0.813658"


def test_cross_entropy_textbook_steps_shift_large_logits():
    result = losscli.compute("cross-entropy", pred=[[1000.0, 999.0, -5.0]], target=[1],
                             dtype="float64")
    steps = _block(result, (0,)).steps
    e = [1.0, math.exp(-1.0), math.exp(-1005.0)]
    p = e[1] / sum(e)
    assert steps[0].endswith("(m = 1000)") and "exp(999 − 1000)" in steps[0]
    assert steps[2].endswith(f"= {p:.6g}")
    assert steps[3].startswith(f"−log p_y = −log {p:.6g} = {-math.log(p):.6g}")
    assert steps[-1].endswith(f"= {-math.log(p):.6g}")
    under = losscli.compute("cross-entropy", pred=[[1000.0, 0.0, -1000.0]], target=[1])
    assert "underflows to 0" in _block(under, (0,)).steps[3]


def test_focal_seed_steps():
    """Seed 000, first element: x = −0.1, y = 0, α = 0.25, γ = 2 (torchvision semantics)."""
    result = losscli.compute("focal", pred=[[-0.1, 0.9, 0.23], [-0.12, -0.34, 0.6]],
                             target=[[0, 1, 0], [0, 0, 1]])
    steps = _block(result, (0, 0)).steps
    p = 1 / (1 + math.exp(0.1))
    p_t = 1 - p
    mod = (1 - p_t) ** 2
    term = 0.75 * mod * -math.log(p_t)
    assert steps[0] == f"p = σ(x) = 1 / (1 + exp(0.1)) = {p:.6g}"
    assert steps[1].endswith(f"= {p_t:.6g}")
    assert steps[2].endswith("= 0.75")
    assert steps[3] == f"(1 − p_t)^γ = (1 − {p_t:.6g})^2 = {mod:.6g}"
    assert steps[4] == f"−log p_t = −log {p_t:.6g} = {-math.log(p_t):.6g}"
    assert steps[5] == f"ℓ = α_t·(1 − p_t)^γ·(−log p_t) = 0.75 × {mod:.6g} × " \
                       f"{-math.log(p_t):.6g} = {term:.6g}"


def test_bce_smooth_l1_and_margin_seed_steps():
    bce = losscli.compute("bce", pred=[[0.1, 0.9, 0.8], [0, 1, 0]], target=[[0, 1, 1], [0, 1, 0]])
    steps = _block(bce, (0, 2)).steps
    assert steps[0] == f"log x = log 0.8 = {math.log(0.8):.6g}".replace("-", "−")
    assert steps[-1].endswith(f"= {-math.log(0.8):.6g}")
    clamped = _block(bce, (1, 1)).steps  # log(1 − 1) is clamped at −100, as PyTorch does
    assert "clamped at −100" in clamped[1]

    smooth = losscli.compute("smooth-l1", pred=[0.8, 0.1], target=[1, 1])
    steps = _block(smooth, (1,)).steps  # the seed's slip: |0.1 − 1| = 0.9 < 1, quadratic
    assert steps[1] == "d < β (0.9 < 1): the quadratic part"
    assert steps[2] == "ℓ = 0.5·d²/β = 0.5 × 0.9² / 1 = 0.405"

    margin = losscli.compute("multi-margin", pred=[[0.1, 0.2, 0.4, 0.8]], target=[3])
    assert _block(margin, (0,)).steps[-1].endswith(
        "(max(0, 1 − 0.8 + 0.1) + max(0, 1 − 0.8 + 0.2) + max(0, 1 − 0.8 + 0.4)) / 4 = 0.325")
    labels = losscli.compute("multilabel-margin", pred=[[0.1, 0.2, 0.4, 0.8]],
                             target=[[3, 0, -1, 1]])
    steps = _block(labels, (0,)).steps
    assert "labels Y = {3, 0}" in steps[0] and "others = {1, 2}" in steps[0]
    assert steps[-1].endswith("/ 4 = 0.85")


def test_ignored_and_weighted_terms():
    result = losscli.compute("cross-entropy", pred=[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2]],
                             target=[0, -100], weight=[2, 1, 1])
    steps = _block(result, (1,)).steps
    assert steps == ["target = ignore_index (-100): no term, and the mean does not count it",
                     "ℓ = 0"]
    assert _block(result, (0,)).steps[-1].startswith("ℓ = w[y]·(log Σ exp − x_y) = 2 × ")
    assert "1 ignored terms left out" in derive(result).reduction[-1]


def test_generic_derivation_for_a_loss_without_its_own(monkeypatch):
    result = losscli.compute("smooth-l1", pred=[0.8, 3.0], target=[1, 1])
    monkeypatch.delitem(_base.DERIVATIONS, "smooth-l1")
    steps = derive(result).blocks[1].steps
    assert steps == generic(_base.TermView(result, (1,)))
    assert steps == ["|x−y| = 2", "ℓ = 1.5"]


def test_missing_intermediate_falls_back_to_generic(monkeypatch):
    result = losscli.compute("focal", pred=[0.5], target=[1])
    del result.details["−log p_t"]
    steps = derive(result).blocks[0].steps
    assert steps[-1] == f"ℓ = {_base.num(result.terms[0])}"
    assert any(s.startswith("p_t = ") for s in steps)


def test_readme_derivation_is_current():
    """The documentation shows real output: its cross-entropy derivation is today's."""
    readme = (ROOT / "docs" / "tools.md").read_text(encoding="utf-8")
    start = readme.index("Worked derivation of cross-entropy")
    shown = readme[start:readme.index("```", start)].rstrip("\n").splitlines()
    result = losscli.compute("cross-entropy", pred=[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2],
                                                    [0.5, 0.4, 0.6]], target=[0, 1, 2])
    assert shown == derive(result).lines()
