"""``--convention NAME|all`` on the losses that declare library conventions.

:func:`convention_options` adds the option to a loss command; :func:`run_convention`
computes with one convention, or compares them all. The library's parameter defaults apply to every
parameter the user did not give on the command line. No torch at import.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer

from losscli.core.errors import ExitStatus, UsageError
from losscli.core.options import LossOptions
from losscli.core.spec import LossSpec
from losscli.engine.convention_compare import compare
from losscli.engine.conventions import ALL, names

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def convention_options(spec: LossSpec) -> list[inspect.Parameter]:
    """``--convention NAME`` and the context parameter; none for a loss without conventions."""
    if not spec.conventions:
        return []
    choices = ", ".join(names(spec))
    option = typer.Option(
        None,
        "--convention",
        metavar="NAME",
        rich_help_panel="Common options",
        show_default=False,
        help=f"compute as another library does: {choices}; '{ALL}' compares them side by "
        f"side (the first, {names(spec)[0]}, is losscli's default)",
    )
    return [inspect.Parameter("convention", _KEYWORD, default=option, annotation=str | None)]


def given(spec: LossSpec, options: LossOptions, values: dict[str, Any]) -> dict[str, Any]:
    """The inputs, and the parameters typed on the command line (not their defaults)."""
    inputs = {i.name for i in spec.inputs}
    return {name: value for name, value in values.items()
            if name in inputs or name in options.given}


def run_convention(spec: LossSpec, options: LossOptions, values: dict[str, Any],
                   expected: Any, fmt: str) -> ExitStatus:
    """Compute ``spec`` with ``--convention`` (one, or all side by side) and render it."""
    from losscli.render import report_result

    name = options.convention or ""
    for flag, active in (("--emit", options.emit), ("--explain", options.explain)):
        if active:
            raise UsageError(f"{flag} shows losscli's default semantics; drop --convention")
    values = given(spec, options, values)
    common: dict[str, Any] = dict(reduction=options.reduction, dtype=options.dtype,
                                  strict=options.strict)
    if name.lower() == ALL:
        for flag, active in (("--expect", expected is not None), ("--grad", options.grad)):
            if active:
                raise UsageError(f"{flag} needs one value: use --convention NAME, not {ALL}")
        from losscli.render.conventions import render_comparison

        render_comparison(compare(spec, values, **common), fmt)
        return ExitStatus.OK
    from losscli.engine.pipeline import compute

    result = compute(spec, grad=options.grad, convention=name, **common, **values)
    if expected is not None:
        result.compare(expected, rtol=options.rtol, atol=options.atol, same_shape=True)
    return report_result(result, fmt, max_rows=options.max_rows)
