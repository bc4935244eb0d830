"""Every declared loss is complete: it has help, a runnable example and JSON output."""

from __future__ import annotations

import json
import math
import shlex

import pytest

from losscli.core.spec import DOMAINS, FAMILIES, KINDS, REDUCTIONS
from losscli.core.text import example_command
from losscli.families.registry import registry

SPECS = list(registry())


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_declaration_is_complete(spec):
    assert spec.family in FAMILIES
    assert spec.summary and spec.formula and spec.references
    assert spec.example, "every loss needs a ready-to-run example"
    assert set(spec.reductions) >= set(REDUCTIONS)
    for item in spec.inputs:
        assert item.kind in KINDS and item.domain in DOMAINS and item.help
    module, _, attr = spec.target().partition(":")
    assert module == f"losscli.families.{spec.package}.torch_terms" and attr


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_example_runs_and_gives_a_finite_value(spec, cli):
    args = shlex.split(example_command(spec))[1:]
    out = cli(*args, "--json")
    assert out.code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["loss"] == spec.name
    assert data["value"] is not None and math.isfinite(data["value"])
    # Parameters only some library conventions take (Keras's sample_weight) are not in effect.
    assert set(data["params"]) == {p.name for p in spec.params if not p.conventions}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_help_lists_every_option(spec, cli):
    out = cli(spec.name, "--help")
    assert out.code == 0
    for option in [i.option for i in spec.inputs] + [p.option for p in spec.params]:
        assert option in out.stdout


def test_aliases_are_unique_and_resolve():
    reg = registry()
    for spec in reg:
        for alias in spec.aliases:
            assert reg.find(alias) is spec
            assert reg.find(alias.upper()) is spec


def test_find_fast_gives_what_the_registry_gives(monkeypatch):
    """The quick path's lookup (one family imported) answers as the whole registry does."""
    import losscli.families.registry as module

    full = registry()
    monkeypatch.setattr(module, "_REGISTRY", None)  # as in a fresh process
    names = [n for spec in full for n in (spec.name, *spec.aliases)]
    variants = [v for n in names for v in (n, n.upper(), n.replace("-", "_"))]
    for name in [*variants, "nosuchloss", "", "-", "mse-x", "sum", "regression"]:
        assert module.find_fast(name) == full.find(name), name
        assert module._REGISTRY is None or full.find(name) is None, name


def test_every_torch_nn_loss_class_is_a_command():
    import torch

    names = {n for n in dir(torch.nn) if n.endswith("Loss") and n != "NLLLoss2d"}
    # AdaptiveLogSoftmaxWithLoss is a module with learned parameters (see linear-cross-entropy).
    names.discard("AdaptiveLogSoftmaxWithLoss")
    missing = sorted(n for n in names if registry().find(n) is None)
    assert not missing
