"""Other libraries' versions of a loss: ``--convention NAME`` and ``--convention all``.

A loss declares its conventions in its :class:`~losscli.core.spec.LossSpec` (see the
``conventions`` module of each family); the first one is losscli's own default. Using one
means computing the loss with a derived declaration: the convention's implementation
in place of the loss's, its parameter defaults under the user's explicit values, its
constants, and its reduction rules (:func:`losscli.core.terms.reduce`). Nothing here
imports torch or any of those libraries.

>>> import losscli
>>> losscli.compute("focal", pred=[2.0, -1.0], target=[1.0, 0.0], convention="fvcore").params
{'alpha': -1.0, 'gamma': 2.0}
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from losscli.core.errors import UsageError
from losscli.core.spec import MODULES, Convention, LossSpec, qualified

ALL = "all"


def names(spec: LossSpec) -> list[str]:
    return [c.name for c in spec.conventions]


def resolve(spec: LossSpec, name: str) -> Convention:
    """The convention ``name`` of ``spec``; an unknown name is a usage error naming the valid."""
    for convention in spec.conventions:
        if convention.name == name.lower():
            return convention
    if not spec.conventions:
        raise UsageError(f"{spec.name} declares no library conventions", argument="--convention")
    valid = ", ".join(names(spec))
    raise UsageError(
        f"{spec.name} has no convention {name!r}; valid: {valid} (or {ALL} to compare them)",
        argument="--convention",
    )


def apply(
    spec: LossSpec, name: str, values: dict[str, Any]
) -> tuple[LossSpec, Convention, dict[str, Any]]:
    """(the derived declaration, the convention, the values with the library's defaults)."""
    convention = resolve(spec, name)
    derived = replace(
        spec,
        impl=qualified(convention.impl, MODULES["convention"]) if convention.impl else spec.impl,
        reduction_warnings=(
            spec.reduction_warnings if convention.warnings is None else convention.warnings
        ),
        check=qualified(convention.check, MODULES["check"]) if convention.check else spec.check,
        inputs=tuple(_relaxed(i, convention) for i in spec.inputs),
        **_torch_only(spec),
    )
    return derived, convention, {**convention.params, **values}


def _relaxed(spec_input, convention: Convention):
    """An input as the library takes it: optional where it derives it, any values where its
    own check looks at them."""
    if spec_input.name in convention.optional_inputs:
        spec_input = replace(spec_input, required=False)
    if spec_input.name in convention.any_values:
        spec_input = replace(spec_input, domain="real")
    return spec_input


def accepted(spec: LossSpec, name: str | None, values: dict[str, Any]) -> LossSpec:
    """``spec`` without the parameters that convention ``name`` (None: losscli's own) does not
    accept (:attr:`ParamSpec.conventions`); a value other than its default is a usage error."""
    kept = []
    for param in spec.params:
        if not param.conventions or (name is not None and name.lower() in param.conventions):
            kept.append(param)
        elif _given(param, values.get(param.name)):
            which = " or ".join(f"--convention {c}" for c in param.conventions)
            raise UsageError(f"{spec.name} takes {param.option} only with {which}",
                             argument=param.option)
    return spec if len(kept) == len(spec.params) else replace(spec, params=tuple(kept))


def _given(param, value: Any) -> bool:
    """A value other than the parameter's default (a TENSOR is always one)."""
    if value is None:
        return False
    return param.type in ("tensor", "float_or_tensor") or value != param.default


def _torch_only(spec: LossSpec) -> dict[str, Any]:
    """A convention's functions and rules are torch code: no other backend's function."""
    return {"numpy_impl": None} if "numpy_impl" in {f.name for f in fields(spec)} else {}


def explain_lines(spec: LossSpec) -> list[str]:
    """``losscli explain``'s lines on the conventions: each reason, call, defaults and source."""
    lines = []
    for convention in spec.conventions:
        facts = [convention.call]
        if convention.params:
            facts.append("defaults " + ", ".join(f"{k}={v!r}" for k, v in
                                                 convention.params.items()))
        if convention.rules:
            facts.append("reduction " + ", ".join(f"{k}: {v}" for k, v in
                                                  convention.rules.items()))
        if convention.clamp:
            facts.append(convention.clamp)
        lines += [f"{convention.name}\t{convention.reason}", "    " + " · ".join(facts),
                  f"    source: {convention.source}"]
    return lines + [f"compare them on your inputs: losscli {spec.name} ... --convention {ALL}"]
