"""Run one loss call from its typed options: read the TENSOR arguments, compute, render.

Shared by the Typer loss commands and the quick path; imports neither Typer nor rich
(the table renderer loads rich only when it renders), and torch only to compute on it.
"""

from __future__ import annotations

import re
from typing import Any

from losscli.core.errors import ExitStatus, UsageError
from losscli.core.options import LossOptions
from losscli.core.spec import LossSpec
from losscli.engine.pipeline import evaluate
from losscli.render import report_result


def run_loss(spec: LossSpec, options: LossOptions) -> ExitStatus:
    """Parse the TENSOR arguments, compute, render, and compare with --expect."""
    from losscli.inputs import load_tensor

    fmt = options.output
    values: dict[str, Any] = {}
    for i in spec.inputs:
        if i.name in options.inputs:
            values[i.name] = load_tensor(options.inputs[i.name], argument=i.option)
    for param in spec.params:
        raw = options.params[param.name]
        if param.type in ("tensor", "float_or_tensor") and isinstance(raw, str):
            raw = load_tensor(raw, argument=param.option)  # a numeric default stays a number
        values[param.name] = raw
    expected = None
    if options.expect is not None:
        expected = load_tensor(options.expect, argument="--expect")
    if options.convention:
        from losscli.cli.conventions import run_convention

        return run_convention(spec, options, values, expected, fmt)

    from losscli.inputs import streaming

    with streaming.progress():
        result = evaluate(
            spec,
            values,
            reduction=options.reduction,
            dtype=options.dtype,
            grad=options.grad,
            strict=options.strict,
            backend=options.backend,
            device=options.device,
            torch_inputs=_torch_files(options),
            top=options.top,
        )
    for flag in ("emit", "explain"):
        if getattr(options, flag) and result.terms is None:
            raise UsageError(f"--{flag} needs the terms in memory, but these inputs were "
                             "computed in chunks; use it on a slice of them")
    if expected is not None:
        result.compare(expected, rtol=options.rtol, atol=options.atol, same_shape=True)
    if options.emit:
        from losscli.tools.emit import emit

        print(emit(spec, result, options.emit))
        return ExitStatus.OK
    status = report_result(result, fmt, max_rows=options.max_rows, top=options.top,
                    max_elements=options.max_elements)
    if options.explain:
        import sys

        from losscli.tools.explain.derive import print_derivation

        print_derivation(result, stream=None if fmt == "table" else sys.stderr)
    return status


_TORCH_FILE = r"^@.*\.(pt|pth)(:[^/\\]*)?$"


def _torch_files(options: LossOptions) -> bool:
    """Whether an input or tensor parameter is read from a .pt/.pth file (torch is loaded).

    Only ``@PATH`` arguments are matched: a call on literals compiles no pattern."""
    texts = [t.strip() for t in (*options.inputs.values(), *options.params.values())
             if isinstance(t, str)]
    return any(re.match(_TORCH_FILE, t, re.IGNORECASE) for t in texts if t.startswith("@"))
