"""Build one Typer command per loss from its :class:`~losscli.core.spec.LossSpec`.

``make_command(spec)`` synthesises the command function's signature (inputs,
the loss's parameters, the common options) so Typer generates the options and
``--help``; the body imports the engine (numpy, torch) only when it runs.
"""

from __future__ import annotations

import inspect
from typing import Any, Literal

import typer

from losscli.core.options import LossOptions, choices_of, common_fields
from losscli.core.spec import LossSpec, ParamSpec
from losscli.core.text import example_command

INPUTS_PANEL = "Inputs (TENSOR: a JSON literal, @FILE[:KEY], or - for stdin)"
PARAMS_PANEL = "Loss parameters"
COMMON_PANEL = "Common options"

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, _KEYWORD, default=default, annotation=annotation)


def input_options(spec: LossSpec) -> list[inspect.Parameter]:
    return [
        _option(
            i.name,
            str | None,
            typer.Option(
                None,
                *i.option_names,
                help=i.help + ("" if i.required else " (optional)"),
                metavar="TENSOR",
                rich_help_panel=INPUTS_PANEL,
                show_default=False,
            ),
        )
        for i in spec.inputs
    ]


def _param_annotation(param: ParamSpec) -> Any:
    if param.type == "float":
        return float
    if param.type == "int":
        return int
    if param.type == "bool":
        return bool
    if param.type == "choice":
        return Literal[tuple(str(c) for c in param.choices)]
    return str | None


def param_options(spec: LossSpec) -> list[inspect.Parameter]:
    options = []
    for param in spec.params:
        names = [param.option]
        if param.type == "bool":
            names = [f"{param.option}/--no-{param.option[2:]}"]
        default = param.default
        if param.type == "choice" or (param.type == "float_or_tensor" and default is not None):
            default = str(default)  # a number default of a TENSOR option is its text
        is_tensor = param.type in ("tensor", "float_or_tensor")
        options.append(
            _option(
                param.name,
                _param_annotation(param),
                typer.Option(
                    default,
                    *names,
                    help=param.help,
                    metavar="TENSOR" if is_tensor else None,
                    rich_help_panel=PARAMS_PANEL,
                    show_default=not is_tensor or param.default is not None,
                ),
            )
        )
    return options


def _annotation(spec: LossSpec, meta: dict[str, Any], default: Any) -> Any:
    """The Python type Typer reads a common option as, from its declared kind."""
    kind = meta["kind"]
    annotation: Any = {"bool": bool, "int": int, "float": float, "str": str}.get(kind)
    if kind == "choice":
        annotation = Literal[choices_of(spec, meta)]
    return annotation if default is not None or kind == "bool" else annotation | None


def common_options(spec: LossSpec) -> list[inspect.Parameter]:
    """The options every loss command shares (INTERFACE.md, "Common options"), from
    :class:`~losscli.core.options.LossOptions`."""
    parameters = []
    for f in common_fields():
        meta = f.metadata
        extra = {"min": meta["minimum"]} if meta["minimum"] is not None else {}
        if meta["metavar"]:
            extra["metavar"] = meta["metavar"]
        info = typer.Option(f.default, *meta["flags"], rich_help_panel=COMMON_PANEL,
                            help=meta["help"], **extra)
        parameters.append(_option(f.name, _annotation(spec, meta, f.default), info))
    return parameters


def help_text(spec: LossSpec) -> str:
    """The command's --help body: summary, formula, reduction rule, notes, references."""
    parts = [spec.summary, f"Formula: {spec.formula}", f"Reduction: {spec.reduction_rule}"]
    parts += list(spec.notes)
    if spec.aliases:
        parts.append("Aliases: " + ", ".join(spec.aliases))
    if spec.references:
        parts.append("References: " + "; ".join(spec.references))
    if spec.example:
        parts.append("Example: " + example_command(spec))
    return "\n\n".join(parts)


def command_parameters(spec: LossSpec) -> list[inspect.Parameter]:
    """Every option of the loss command of ``spec`` (also read by :mod:`losscli.cli.quick`)."""
    from losscli.cli.conventions import convention_options

    context = inspect.Parameter("ctx", _KEYWORD, annotation=typer.Context)
    return ([context] + input_options(spec) + param_options(spec) + common_options(spec)
            + convention_options(spec))


def make_command(spec: LossSpec):
    """The Typer command function of ``spec`` (its signature is synthesised)."""
    parameters = command_parameters(spec)

    def command(**values: Any) -> None:
        from losscli.cli import run  # the engine (numpy) only when the command runs

        ctx = values.pop("ctx", None)
        given = frozenset(
            p.name for p in spec.params
            if getattr(ctx.get_parameter_source(p.name), "name", "DEFAULT") != "DEFAULT"
        )
        status = run.run_loss(spec, LossOptions.from_values(spec, values, given))
        if status:
            raise typer.Exit(int(status))

    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__name__ = spec.name.replace("-", "_")
    command.__doc__ = help_text(spec)
    return command
