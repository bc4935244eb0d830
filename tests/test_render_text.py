"""Text is verbatim: every string of every declaration appears as written in what users read.

Registry strings hold brackets (``w[yᵢ]``, ``[eps, 1 − eps]``, ``losscli[plot]``) that a
markup renderer would eat; each is looked for, whitespace-normalised, in ``LOSS --help``,
``list``, ``explain LOSS`` and ``--convention all`` at a wide width.
"""

from __future__ import annotations

import pytest

from losscli.families.registry import registry
from losscli.tools.explain.static import reduction_texts

SPECS = list(registry())


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def wide(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "2000")

    def run(*args):
        out = cli(*args)
        assert out.code == 0, out.stderr
        return norm(out.stdout)

    return run


def spec_strings(spec) -> list[str]:
    """summary, formula, reduction rule, notes, references, input and parameter help."""
    strings = [spec.summary, spec.formula, spec.reduction_rule, *spec.notes, *spec.references]
    strings += [i.help for i in spec.inputs] + [p.help for p in spec.params]
    return strings


def missing(strings, output: str) -> list[str]:
    return [s for s in strings if s and norm(s) not in output]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_loss_help_shows_every_declared_string_verbatim(wide, spec):
    assert missing(spec_strings(spec), wide(spec.name, "--help")) == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_explain_shows_every_declared_string_verbatim(wide, spec):
    output = wide("explain", spec.name)
    strings = [spec.summary, spec.formula, *spec.references]
    strings += [i.help for i in spec.inputs] + [p.help for p in spec.params]
    strings += list(reduction_texts(spec).values())
    strings += [c.reason for c in spec.conventions] + [c.call for c in spec.conventions]
    assert missing(strings, output) == []


def test_list_shows_every_summary_verbatim(wide):
    output = wide("list")
    assert missing([spec.summary for spec in SPECS], output) == []
    assert "clipped to [eps, 1 − eps] (sklearn log_loss)" in output


CONVENTIONS = [spec for spec in SPECS if spec.conventions and spec.example]


@pytest.mark.parametrize("spec", CONVENTIONS, ids=lambda s: s.name)
def test_convention_table_shows_every_reason_verbatim(wide, spec):
    args = [spec.name]
    for key, value in spec.example.items():
        args += [f"--{key.replace('_', '-')}", value]
    output = wide(*args, "--convention", "all")
    assert missing([c.reason for c in spec.conventions], output) == []


def test_bracketed_help_survives(wide):
    assert "ℓᵢ = −wᵢ·[yᵢ·log xᵢ + (1 − yᵢ)·log(1 − xᵢ)], each log clamped at −100" in wide(
        "bce", "--help")
    assert "pip install 'losscli[plot]'" in wide("plot", "--help")
