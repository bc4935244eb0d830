"""The options of a loss command, declared once, and the one parser of their values.

Every enumeration a command takes (dtypes, backends, devices, output formats) is
declared here and nowhere else. :class:`LossOptions` is the typed result of a loss
command's arguments; its fields after ``inputs`` and ``params`` are the common options,
each with its flags and help in the field's metadata. From these declarations and the
loss's :class:`~losscli.core.spec.ParamSpec` s, :mod:`losscli.cli.commands` builds the
Typer options (``--help``), :func:`parse_args` reads a plain loss call without Typer (the
quick path), and :func:`scalar` converts one parameter value for the tools and case files.
No numpy, no torch, no Typer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from losscli.core.errors import InputError, UsageError
from losscli.core.spec import LossSpec, ParamSpec

#: Compute precisions; the numpy backend computes the first two.
DTYPES = ("float32", "float64", "float16", "bfloat16")
NUMPY_DTYPES = ("float32", "float64")
#: Backends (``--backend``) and torch devices (``--device``).
BACKENDS = ("auto", "torch", "numpy")
DEVICES = ("cpu", "cuda", "mps", "auto")
#: Output formats (``--format``) and code languages (``--emit``).
FORMATS = ("table", "json", "plain")
EMIT_LANGUAGES = ("python",)
#: Largest terms listed when the terms are summarised and ``--top`` is not given.
DEFAULT_TOP = 5

#: The numbers Typer reads (patterns compiled on first use, by :mod:`re`'s cache).
_FLOAT = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
_INT = r"[+-]?\d+"


def option(*flags: str, help: str, kind: str, choices: tuple[str, ...] = (),
           minimum: int | None = None, metavar: str | None = None) -> dict[str, Any]:
    """The metadata of a common option: its flags, help, value kind (``bool``, ``int``,
    ``float``, ``str``, ``choice``; ``choice`` of the loss's reductions when ``choices`` is
    empty), lower bound and metavar."""
    return {"flags": flags, "help": help, "kind": kind, "choices": choices,
            "minimum": minimum, "metavar": metavar}


@dataclass
class LossOptions:
    """A loss command's arguments, typed: what a loss call computes and how it is shown."""

    #: TENSOR arguments of the inputs given, by input name (read by losscli.inputs).
    inputs: dict[str, str] = field(default_factory=dict)
    #: Every parameter of the loss: scalars in their type, TENSOR text for tensors.
    params: dict[str, Any] = field(default_factory=dict)
    #: The parameters given on the command line (the others hold their defaults).
    given: frozenset[str] = frozenset()
    reduction: str = field(default="mean", metadata=option(
        "--reduction", "-r", kind="choice", help="how the terms are reduced"))
    grad: bool = field(default=False, metadata=option(
        "--grad", kind="bool", help="also compute d(value)/d(input) for every "
        "floating-point input (of the sum of the terms for 'none')"))
    dtype: str = field(default="float32", metadata=option(
        "--dtype", kind="choice", choices=DTYPES, help="compute precision"))
    fmt: str = field(default="table", metadata=option(
        "--format", "-f", kind="choice", choices=FORMATS, help="output format"))
    json_: bool = field(default=False, metadata=option(
        "--json", kind="bool", help="same as --format json"))
    quiet: bool = field(default=False, metadata=option(
        "--quiet", "-q", kind="bool", help="same as --format plain"))
    expect: str | None = field(default=None, metadata=option(
        "--expect", kind="str", metavar="X", help="compare the value with X (a number, or a "
        "TENSOR for 'none'); exit 1 when it differs"))
    rtol: float = field(default=1e-5, metadata=option(
        "--rtol", kind="float", help="relative tolerance of --expect"))
    atol: float = field(default=1e-8, metadata=option(
        "--atol", kind="float", help="absolute tolerance of --expect"))
    strict: bool = field(default=False, metadata=option(
        "--strict", kind="bool", help="treat warnings as input errors (exit 2)"))
    max_rows: int = field(default=20, metadata=option(
        "--max-rows", kind="int", minimum=1, help="table rows shown before eliding"))
    explain: bool = field(default=False, metadata=option(
        "--explain", kind="bool", help="also work out the first terms and the reduction step "
        "by step with your numbers (on stderr with --format json/plain)"))
    emit: str | None = field(default=None, metadata=option(
        "--emit", kind="choice", choices=EMIT_LANGUAGES, help="print a self-contained "
        "PyTorch snippet that reproduces the value, instead of the result"))
    backend: str = field(default="auto", metadata=option(
        "--backend", kind="choice", choices=BACKENDS, help="torch: the reference (gradients, "
        "devices); numpy: no torch import, inputs of any size in chunks, no gradients; auto: "
        "numpy where it can serve"))
    device: str | None = field(default=None, metadata=option(
        "--device", kind="choice", choices=DEVICES, help="the torch device (uses the torch "
        "backend); auto: cuda, else mps, else cpu"))
    top: int | None = field(default=None, metadata=option(
        "--top", kind="int", minimum=0, metavar="K", help="list the K largest terms with their "
        "indices (by default a few, when the terms are summarised)"))
    max_elements: int = field(default=100_000, metadata=option(
        "--max-elements", kind="int", minimum=1, metavar="N", help="json: give terms and "
        "gradients of more than N elements as a summary"))
    #: ``--convention NAME|all`` (declared by losses with conventions; see losscli.cli).
    convention: str | None = None

    @property
    def output(self) -> str:
        """The output format: ``--format``, or json/plain for ``--json``/``--quiet``."""
        return output_format(self.fmt, self.json_, self.quiet)

    @classmethod
    def from_values(cls, spec: LossSpec, values: dict[str, Any],
                    given: frozenset[str] = frozenset()) -> LossOptions:
        """The options from a flat mapping of option names to values (a command's keywords)."""
        common = {f.name: values[f.name] for f in common_fields() if f.name in values}
        return cls(
            inputs={i.name: values[i.name] for i in spec.inputs
                    if values.get(i.name) is not None},
            params={p.name: values.get(p.name, p.default) for p in spec.params},
            given=given, convention=values.get("convention"), **common,
        )


def output_format(fmt: str, json_: bool, quiet: bool) -> str:
    """``--format``, or json/plain for ``--json``/``--quiet`` (not both)."""
    if json_ and quiet:
        raise UsageError("--json and --quiet are mutually exclusive")
    return "json" if json_ else "plain" if quiet else fmt


def common_fields() -> list[Any]:
    """The dataclass fields of the common options, in ``--help`` order."""
    return [f for f in fields(LossOptions) if f.metadata]


def choices_of(spec: LossSpec, meta: dict[str, Any]) -> tuple[str, ...]:
    """The values a ``choice`` option takes (``--reduction``: the loss's reductions)."""
    return tuple(meta["choices"]) or tuple(spec.reductions)


def parse_args(spec: LossSpec, args: list[str]) -> LossOptions | None:
    """The options of the loss call ``args`` (after the loss name), or None if in doubt.

    Reads the grammar Typer reads for these options (``--flag VALUE``, ``--flag=VALUE``,
    switches, ``--no-`` for boolean parameters). Anything it does not accept (an unknown
    option, a value out of range or of the wrong type) returns None, and the full
    command line interface gives the help and the error message.
    """
    names: dict[str, tuple[str, str, Any]] = {}  # flag -> (where, name, switch value)
    for i in spec.inputs:
        for flag in i.option_names:
            names[flag] = ("input", i.name, None)
    for p in spec.params:
        names[p.option] = ("param", p.name, True if p.type == "bool" else None)
        if p.type == "bool":
            names["--no-" + p.option[2:]] = ("param", p.name, False)
    meta = {f.name: f.metadata for f in common_fields()}
    for name, data in meta.items():
        for flag in data["flags"]:
            names[flag] = ("common", name, True if data["kind"] == "bool" else None)
    inputs: dict[str, str] = {}
    params: dict[str, Any] = {p.name: p.default for p in spec.params}
    common: dict[str, Any] = {}
    given: set[str] = set()
    rest = list(args)
    while rest:
        token = rest.pop(0)
        flag, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if flag not in names:
            return None
        where, name, switch = names[flag]
        if switch is not None:
            if eq:
                return None
            if where == "param":
                params[name] = switch
                given.add(name)
            else:
                common[name] = switch
            continue
        if not eq and not rest:
            return None
        text = inline if eq else rest.pop(0)
        if where == "input":
            inputs[name] = text
            continue
        if where == "param":
            value = _param_text(spec.param(name), text)
        else:
            value = _common_text(spec, meta[name], text)
        if value is None:
            return None
        if where == "param":
            params[name] = value
            given.add(name)
        else:
            common[name] = value
    return LossOptions(inputs=inputs, params=params, given=frozenset(given), **common)


def _param_text(param: ParamSpec, text: str) -> Any:
    """A parameter's command-line value, or None where Typer might read it differently."""
    if param.type in ("tensor", "float_or_tensor"):
        return text
    if param.type == "choice":
        return text if text in {str(c) for c in param.choices} else None
    return _number(param.type, text, None)


def _common_text(spec: LossSpec, meta: dict[str, Any], text: str) -> Any:
    kind = meta["kind"]
    if kind == "choice":
        return text if text in choices_of(spec, meta) else None
    if kind == "str":
        return text
    return _number(kind, text, meta["minimum"])


def _number(kind: str, text: str, minimum: int | None) -> float | int | None:
    value: float | int
    if kind == "float" and re.fullmatch(_FLOAT, text):
        value = float(text)
    elif kind == "int" and re.fullmatch(_INT, text):
        value = int(text)
    else:
        return None
    return None if minimum is not None and value < minimum else value


def scalar(param: ParamSpec, value: Any) -> Any:
    """One value of a scalar parameter in the parameter's type; an InputError naming the
    option when it is not of that type (its range is :meth:`ParamSpec.check`'s).

    ``value`` is command-line text (plot, compare) or a scalar a case file holds: a
    number, a boolean or text (YAML 1.1 reads ``1e-3`` as text). A boolean is no number,
    and a whole float serves an integer parameter.
    """
    if param.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        raise InputError(f"expected true or false, got {_described(value)}",
                         argument=param.option)
    integer = param.type == "int" or (param.type == "choice" and isinstance(param.default, int))
    if not (integer or param.type in ("float", "float_or_tensor")):
        return value
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError
        if not integer:
            return float(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, float):
            raise ValueError
        return int(value)
    except (ValueError, OverflowError):
        raise InputError(f"expected a {param.type}, got {_described(value)}",
                         argument=param.option) from None


def _described(value: Any) -> str:
    """A value in a message: text quoted and escaped, other values by their kind."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    return "null" if value is None else repr(value)
