"""Build one Typer command per loss from its :class:`~losscli.registry.LossSpec`.

``make_command(spec)`` synthesises the command function's signature (inputs,
the loss's parameters, the common options) so Typer generates the options and
``--help``; the body imports torch only when it runs.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Literal

import typer

from losscli.errors import ExitStatus, UsageError
from losscli.registry import LossSpec, ParamSpec

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
        default = str(param.default) if param.type == "choice" else param.default
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


def common_options(spec: LossSpec) -> list[inspect.Parameter]:
    """The options every loss command shares (INTERFACE.md, "Common options")."""
    panel = COMMON_PANEL

    def opt(name, annotation, default, *flags, **kw):
        return _option(name, annotation, typer.Option(default, *flags, rich_help_panel=panel, **kw))

    return [
        opt(
            "reduction",
            Literal[spec.reductions],
            "mean",
            "--reduction",
            "-r",
            help="how the terms are reduced",
        ),
        opt(
            "grad",
            bool,
            False,
            "--grad",
            help="also compute d(value)/d(input) for every "
            "floating-point input (of the sum of the terms for 'none')",
        ),
        opt(
            "dtype",
            Literal["float32", "float64", "float16", "bfloat16"],
            "float32",
            "--dtype",
            help="compute precision",
        ),
        opt(
            "fmt",
            Literal["table", "json", "plain"],
            "table",
            "--format",
            "-f",
            help="output format",
        ),
        opt("json_", bool, False, "--json", help="same as --format json"),
        opt("quiet", bool, False, "--quiet", "-q", help="same as --format plain"),
        opt(
            "expect",
            str | None,
            None,
            "--expect",
            metavar="X",
            help="compare the value with X (a number, or a TENSOR for 'none'); exit 1 when "
            "it differs",
        ),
        opt("rtol", float, 1e-5, "--rtol", help="relative tolerance of --expect"),
        opt("atol", float, 1e-8, "--atol", help="absolute tolerance of --expect"),
        opt("strict", bool, False, "--strict", help="treat warnings as input errors (exit 2)"),
        opt("max_rows", int, 20, "--max-rows", min=1, help="table rows shown before eliding"),
        opt("explain", bool, False, "--explain", help="also work out the first terms and the "
            "reduction step by step with your numbers (on stderr with --format json/plain)"),
        opt("emit", Literal["python"] | None, None, "--emit", help="print a self-contained "
            "PyTorch snippet that reproduces the value, instead of the result"),
        opt("backend", Literal["auto", "torch", "numpy"], "auto", "--backend",
            help="torch: the reference (gradients, devices); numpy: no torch import, inputs "
            "of any size in chunks, no gradients; auto: numpy where it can serve"),
        opt("device", Literal["cpu", "cuda", "mps", "auto"] | None, None, "--device",
            help="the torch device (uses the torch backend); auto: cuda, else mps, else cpu"),
        opt("top", int | None, None, "--top", min=0, metavar="K", help="list the K largest "
            "terms with their indices (by default a few, when the terms are summarised)"),
        opt("max_elements", int, 100_000, "--max-elements", min=1, metavar="N",
            help="json: give terms and gradients of more than N elements as a summary"),
    ]


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


def example_command(spec: LossSpec) -> str:
    """A ready-to-run shell command from the spec's example arguments."""
    args = " ".join(f"--{k.replace('_', '-')} '{v}'" for k, v in spec.example.items())
    return f"losscli {spec.name} {args}"


def command_parameters(spec: LossSpec) -> list[inspect.Parameter]:
    """Every option of the loss command of ``spec`` (also read by :mod:`losscli.quick`)."""
    from losscli.cli_conventions import convention_options

    return (input_options(spec) + param_options(spec) + common_options(spec)
            + convention_options(spec))


def make_command(spec: LossSpec):
    """The Typer command function of ``spec`` (its signature is synthesised)."""
    parameters = command_parameters(spec)

    def command(**options: Any) -> None:
        status = run_loss(spec, options)
        if status:
            raise typer.Exit(int(status))

    command.__signature__ = inspect.Signature(parameters)
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__name__ = spec.name.replace("-", "_")
    command.__doc__ = help_text(spec)
    return command


def output_format(fmt: str, json_: bool, quiet: bool) -> str:
    if json_ and quiet:
        raise UsageError("--json and --quiet are mutually exclusive")
    return "json" if json_ else "plain" if quiet else fmt


def run_loss(spec: LossSpec, options: dict[str, Any]) -> ExitStatus:
    """Parse the TENSOR arguments, compute, render, and compare with --expect."""
    from losscli.inputs import load_tensor

    fmt = output_format(options["fmt"], options["json_"], options["quiet"])
    values: dict[str, Any] = {}
    for i in spec.inputs:
        if options[i.name] is not None:
            values[i.name] = load_tensor(options[i.name], argument=i.option)
    for param in spec.params:
        raw = options[param.name]
        if param.type in ("tensor", "float_or_tensor") and raw is not None:
            raw = load_tensor(raw, argument=param.option)
        values[param.name] = raw
    expected = None
    if options["expect"] is not None:
        expected = load_tensor(options["expect"], argument="--expect")
    if options.get("convention"):
        from losscli.cli_conventions import run_convention

        return run_convention(spec, options, values, expected, fmt)

    from losscli import streaming

    with streaming.progress():
        result = evaluate(
            spec,
            values,
            reduction=options["reduction"],
            dtype=options["dtype"],
            grad=options["grad"],
            strict=options["strict"],
            backend=options["backend"],
            device=options["device"],
            torch_inputs=_torch_files(spec, options),
            top=options["top"],
        )
    for flag in ("emit", "explain"):
        if options.get(flag) and result.terms is None:
            raise UsageError(f"--{flag} needs the terms in memory, but these inputs were "
                             "computed in chunks; use it on a slice of them")
    if expected is not None:
        result.compare(expected, rtol=options["rtol"], atol=options["atol"], same_shape=True)
    if options.get("emit"):
        from losscli.emit import emit

        print(emit(spec, result, options["emit"]))
        return ExitStatus.OK
    status = report(result, fmt, max_rows=options["max_rows"], top=options["top"],
                    max_elements=options["max_elements"])
    if options.get("explain"):
        import sys

        from losscli.explain.derive import print_derivation

        print_derivation(result, stream=None if fmt == "table" else sys.stderr)
    return status


def evaluate(spec: LossSpec, values: dict[str, Any], *, reduction: str, dtype: str,
             grad: bool, strict: bool, **backend: Any):
    """Compute ``spec`` on ``values``: the path shared by loss commands and case files.

    ``backend``: the engine's backend options (backend, device, torch_inputs, top).
    """
    from losscli.engine import compute

    return compute(spec, reduction=reduction, dtype=dtype, grad=grad, strict=strict,
                   **backend, **values)


_TORCH_FILE = re.compile(r"^@.*\.(pt|pth)(:[^/\\]*)?$", re.IGNORECASE)


def _torch_files(spec: LossSpec, options: dict[str, Any]) -> bool:
    """Whether an input or tensor parameter is read from a .pt/.pth file (torch is loaded)."""
    names = [i.name for i in spec.inputs] + [p.name for p in spec.params]
    return any(isinstance(options.get(n), str) and _TORCH_FILE.match(options[n].strip())
               for n in names)


def report(result, fmt: str, *, max_rows: int, top: int | None = None,
           max_elements: int | None = None) -> ExitStatus:
    """Render ``result``; a failed comparison adds a mismatch line on stderr (exit 1)."""
    from losscli.render import render

    render(result, fmt, max_rows=max_rows, top=top, max_elements=max_elements)
    if result.expect is not None and not result.expect.ok:
        import sys

        print(f"losscli: mismatch: {result.expect.describe(result.value)}", file=sys.stderr)
        return ExitStatus.MISMATCH
    return ExitStatus.OK
