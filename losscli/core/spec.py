"""The declaration types of a loss: every loss declared once, as plain data.

A :class:`LossSpec` names a loss's inputs, parameters, formula, reduction rule,
references and the names of its functions in its family package (imported only
when the loss is computed, by :meth:`LossSpec.load`). The CLI commands, their
``--help``, ``losscli list``, the JSON catalogue and the tests are generated from these
declarations; the registry that collects them is :mod:`losscli.families.registry`.

This module must stay cheap to import: no torch, no numpy.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from losscli.core.errors import InputError

REDUCTIONS = ("mean", "sum", "none")
FAMILIES = (
    "regression",
    "classification",
    "margin/ranking",
    "embedding",
    "probabilistic",
    "detection",
    "segmentation",
    "sequence",
    "metric learning",
    "preference",
    "image",
)

#: Value domains an input may declare; checked before any loss code runs.
DOMAINS = {
    "real": "any real number",
    "prob": "a probability in [0, 1]",
    "logprob": "a log-probability (<= 0)",
    "nonneg": "a non-negative number",
    "positive": "a positive number",
    "sign": "a label in {-1, 1}",
    "binary": "a label in {0, 1}",
}

#: dtype kinds: float inputs become the compute dtype; index inputs must hold integers.
KINDS = ("float", "index", "float_or_index")

#: How a loss's terms may be computed in pieces (``LossSpec.chunks``).
CHUNKS = {
    "elements": "each term depends on one element of each input (elementwise)",
    "rows": "each term depends on one slice of each input along the first dimension "
    "(row-wise; inputs with at least two dimensions)",
    "samples": "as rows, for inputs with at least three dimensions (N, C, d1, ...): on (N, C) "
    "the terms pool the whole batch",
}


#: The package holding one package per loss family.
FAMILIES_PACKAGE = "losscli.families"

#: The module of a family package where each field of a spec looks up its function's name.
MODULES = {"impl": "torch_terms", "numpy_impl": "numpy_terms", "check": "checks",
           "convention": "convention_terms"}


def qualified(name: str, module: str) -> str:
    """``"module:name"`` for a bare ``name``; a ``"module:name"`` is returned as it is."""
    return name if ":" in name else f"{module}:{name}"


@dataclass(frozen=True)
class InputSpec:
    """One tensor input of a loss (``--pred``, ``--target``, ...)."""

    name: str
    help: str
    kind: str = "float"
    domain: str = "real"
    shape: str = "(*)"
    flags: tuple[str, ...] = ()
    required: bool = True
    #: "logits" when raw scores are expected (warn when every value looks like a probability).
    expects: str | None = None

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def option_names(self) -> tuple[str, ...]:
        return (self.option, *self.flags)


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a loss, named and defaulted as PyTorch (or the reference) does.

    ``type`` is one of ``float``, ``int``, ``bool``, ``choice``, ``tensor`` (a TENSOR
    argument) or ``float_or_tensor`` (a number, or one value per class).
    """

    name: str
    type: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[Any, ...] = ()
    #: A tensor of one value per sample (dimension 0 of the inputs, e.g. scikit-learn's
    #: sample_weight): cut with the inputs when they are computed in chunks.
    per_sample: bool = False
    #: A true value makes the terms pool the first dimension (e.g. MONAI's batch=True):
    #: the numpy backend then computes the inputs whole, never in row chunks.
    unchunked: bool = False
    #: The conventions (``--convention NAME``) that accept this parameter; empty: every
    #: computation does. Elsewhere a value given for it is a usage error, and the loss's
    #: functions never receive it (e.g. Keras's ``sample_weight``).
    conventions: tuple[str, ...] = ()
    #: A ``choice`` among library reduction rules (:mod:`losscli.engine.convention_rules`)
    #: for this reduction of losscli's (e.g. "mean"): the chosen rule replaces the
    #: convention's own; the loss's functions never receive it (e.g. Keras's reduction).
    rule_for: str | None = None

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    def check(self, value: Any) -> Any:
        """Validate a scalar value against the declared range/choices; return it."""
        if value is None or self.type in ("tensor", "bool"):
            return value
        if self.type == "choice":
            if value not in self.choices:
                allowed = ", ".join(map(str, self.choices))
                raise InputError(f"{value!r} is not one of {allowed}", argument=self.option)
            return value
        if self.type == "float_or_tensor" and not isinstance(value, (int, float)):
            return value
        value = int(value) if self.type == "int" else float(value)
        if self.type == "int" and not -(2**63) <= value < 2**63:
            raise InputError(f"{value} does not fit a 64-bit integer", argument=self.option)
        # Written so that NaN fails every bound.
        if self.minimum is not None:
            ok = value > self.minimum if self.exclusive_minimum else value >= self.minimum
            if not ok:
                bound = ">" if self.exclusive_minimum else ">="
                raise InputError(
                    f"must be {bound} {self.minimum:g}, got {value:g}", argument=self.option
                )
        if self.maximum is not None and not value <= self.maximum:
            raise InputError(f"must be <= {self.maximum:g}, got {value:g}", argument=self.option)
        return value


@dataclass(frozen=True)
class Convention:
    """Another library's version of a loss, as plain data (``--convention NAME``).

    ``params``: the library's defaults for the loss's own parameters (an option given
    explicitly still wins). ``impl``: the function computing the library's unreduced terms
    from the loss's inputs and parameters, a name in the family's ``convention_terms``
    module (or ``"module:name"`` for another module of the family), or None for the loss's
    own function;
    ``constants``: keyword arguments of ``impl`` the library fixes (clip epsilons).
    ``rules``: the library's reduction rule for a reduction, by name (``{"mean":
    "sum_over_batch_size"}``; see losscli.engine.convention_rules). ``warnings``: replaces
    the loss's reduction warnings when given. ``call``: how the library is called (its
    argument order); ``source``: the file and version read; ``reason``: one line on how
    the numbers differ from losscli's default; ``clamp``: its clamps and clips; ``check``:
    its input checks, when they differ from the loss's.
    """

    name: str
    library: str
    call: str
    source: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict)
    impl: str | None = None
    constants: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] | None = None
    clamp: str = ""
    #: The library's input checks in place of the loss's: a name in the family's ``checks``
    #: (a library that takes inputs the loss refuses, e.g. Keras's Dice on any values).
    check: str | None = None
    #: Inputs the loss requires that the library does without (it derives them).
    optional_inputs: tuple[str, ...] = ()
    #: Inputs whose values the library takes outside the loss's domain (its ``check`` checks
    #: them instead, e.g. smp's ignore_index among binary targets).
    any_values: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "library": self.library, "call": self.call,
            "source": self.source, "reason": self.reason, "params": dict(self.params),
            "reduction_rules": dict(self.rules), "clamp": self.clamp,
        }


@dataclass(frozen=True)
class LossSpec:
    """The single declaration of a loss."""

    name: str
    summary: str
    family: str
    formula: str
    inputs: tuple[InputSpec, ...]
    #: The torch terms function: a name in the family's ``torch_terms`` module (see ``load``).
    impl: str
    params: tuple[ParamSpec, ...] = ()
    aliases: tuple[str, ...] = ()
    reductions: tuple[str, ...] = REDUCTIONS
    reduction_rule: str = "mean: average of the terms; sum: their sum; none: the terms"
    references: tuple[str, ...] = ()
    #: Loss-specific shape/domain checks on the numpy inputs: a name in the family's ``checks``.
    check: str | None = None
    #: The numpy backend's terms function, a name in the family's ``numpy_terms`` (beside
    #: ``impl``, the torch one); None: the loss runs on torch only.
    numpy_impl: str | None = None
    #: How the numpy backend may cut large inputs into pieces (a key of CHUNKS), or None.
    chunks: str | None = None
    #: CLI arguments of a ready-to-run example, e.g. {"pred": "[[0.1, 0.9]]", "target": "[1]"}.
    example: dict[str, str] = field(default_factory=dict)
    differentiable: bool = True
    #: Whether a mean's result reports the perplexity exp(mean −log p(y)): the terms are token
    #: cross-entropies (:mod:`losscli.engine.perplexity`).
    perplexity: bool = False
    notes: tuple[str, ...] = ()
    #: A warning given when a reduction is chosen, e.g. kl-div's {"mean": "... use batchmean"}.
    reduction_warnings: dict[str, str] = field(default_factory=dict)
    #: Other libraries' versions of this loss (``--convention NAME``); the first is the default.
    conventions: tuple[Convention, ...] = ()
    #: The family package (under ``losscli.families``) holding the loss's functions; the
    #: registry sets it from the package whose ``spec`` module declares the loss.
    package: str = ""

    def input(self, name: str) -> InputSpec:
        return next(i for i in self.inputs if i.name == name)

    def param(self, name: str) -> ParamSpec:
        return next(p for p in self.params if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable catalogue entry (``losscli list --format json``)."""
        return {
            "name": self.name,
            "family": self.family,
            "summary": self.summary,
            "aliases": list(self.aliases),
            "formula": self.formula,
            "inputs": [
                {"name": i.name, "option": i.option, "kind": i.kind, "domain": i.domain,
                 "shape": i.shape, "required": i.required, "help": i.help}
                for i in self.inputs
            ],
            "params": [
                {"name": p.name, "option": p.option, "type": p.type, "default": p.default,
                 "help": p.help}
                for p in self.params
            ],
            "reductions": list(self.reductions),
            "reduction_rule": self.reduction_rule,
            "differentiable": self.differentiable,
            "backends": list(self.backends),
            "chunks": self.chunks,
            "references": list(self.references),
        }

    @property
    def backends(self) -> tuple[str, ...]:
        """The backends that compute this loss: torch always, numpy where declared."""
        return ("torch", "numpy") if self.numpy_impl else ("torch",)

    def target(self, which: str = "impl") -> str:
        """The dotted ``module:function`` that ``which`` (a field naming a function) names.

        A name alone is looked up in the family's module for that field (:data:`MODULES`);
        ``"module:name"`` names another module of the family package.
        """
        if not self.package:
            raise ValueError(f"{self.name}: no family package (specs come from the registry)")
        module, _, function = qualified(getattr(self, which), MODULES[which]).partition(":")
        return f"{FAMILIES_PACKAGE}.{self.package}.{module}:{function}"

    def load(self, which: str = "impl") -> Callable[..., Any]:
        """Import and return the function ``which`` names (``impl``, ``numpy_impl``, ``check``)."""
        module, _, function = self.target(which).partition(":")
        return getattr(importlib.import_module(module), function)
