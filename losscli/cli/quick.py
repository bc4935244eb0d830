"""The quick path of a one-shot loss call: ``losscli LOSS --option value ...``.

Building the whole Typer application and converting each option through Typer's
validators costs more than the computation itself. A plain loss call (a loss name or
alias, then options from the loss command's own declarations) is parsed here from
those same declarations (:func:`losscli.cli.commands.command_parameters`) and handed to
:func:`losscli.cli.commands.run_loss`, as the Typer command would do. Anything else
(``--help``, a tool command, an unknown or malformed option, a value out of range,
``--convention``, shell completion) returns None and goes through the full CLI, which
gives the help and the error messages.
"""

from __future__ import annotations

import os
import re
import types
import typing
from typing import Any

_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INT = re.compile(r"[+-]?\d+")


def run_quick(argv: list[str]) -> int | None:
    """The exit status of a plain loss call, or None when it needs the full CLI."""
    if not argv or argv[0].startswith("-") or "_LOSSCLI_COMPLETE" in os.environ:
        return None
    from losscli.families.registry import registry

    spec = registry().find(argv[0])
    if spec is None:
        return None
    from losscli.cli.commands import command_parameters, run_loss

    options = parse(command_parameters(spec), argv[1:])
    if options is None or options.get("convention"):
        return None
    return int(run_loss(spec, options))


def parse(parameters, args: list[str]) -> dict[str, Any] | None:
    """The options a loss command would receive for ``args``, or None if in doubt."""
    from typer.models import OptionInfo

    options: dict[str, Any] = {}
    flags: dict[str, tuple[str, Any]] = {}  # flag -> (name, value of a boolean flag or None)
    kinds: dict[str, tuple[Any, OptionInfo]] = {}
    for parameter in parameters:
        info = parameter.default
        if not isinstance(info, OptionInfo):
            options[parameter.name] = None  # the Typer context: only --convention uses it
            continue
        options[parameter.name] = info.default
        kinds[parameter.name] = (parameter.annotation, info)
        is_bool = parameter.annotation is bool
        for declaration in info.param_decls or ():
            on, _, off = declaration.partition("/")
            flags[on] = (parameter.name, True if is_bool else None)
            if off:
                flags[off] = (parameter.name, False)
    rest = list(args)
    while rest:
        token = rest.pop(0)
        flag, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if flag not in flags:
            return None
        name, switch = flags[flag]
        if switch is not None:
            if eq:
                return None
            options[name] = switch
            continue
        if not eq and not rest:
            return None
        value = _convert(*kinds[name], inline if eq else rest.pop(0))
        if value is None:
            return None
        options[name] = value
    return options


def _convert(annotation: Any, info, text: str) -> Any:
    """``text`` as the option's type, or None when Typer might read it differently."""
    kind = annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # X | None
        kind = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(kind) is typing.Literal:
        return text if text in typing.get_args(kind) else None
    if kind is float and _FLOAT.fullmatch(text):
        return _bounded(float(text), info)
    if kind is int and _INT.fullmatch(text):
        return _bounded(int(text), info)
    if kind is str:
        return text
    return None


def _bounded(value: float | int, info) -> float | int | None:
    if (info.min is not None and value < info.min) or (info.max is not None and value > info.max):
        return None
    return value
