"""The quick path of a one-shot loss call: ``losscli LOSS --option value ...``.

Building the whole Typer application and converting each option through Typer's
validators costs more than the computation itself. A plain loss call (a loss name or
alias, then the loss command's own options) is parsed here by
:func:`losscli.core.options.parse_args`, from the same declarations the Typer command is
built from, and handed to :func:`losscli.cli.run.run_loss`, as the Typer command
would do. Anything else (``--help``, a tool command, an unknown or malformed option, a
value out of range, ``--convention``, shell completion) returns None and goes through the
full CLI, which gives the help and the error messages.
"""

from __future__ import annotations

import os


def run_quick(argv: list[str]) -> int | None:
    """The exit status of a plain loss call, or None when it needs the full CLI."""
    if not argv or argv[0].startswith("-") or "_LOSSCLI_COMPLETE" in os.environ:
        return None
    from losscli.families.registry import find_fast

    spec = find_fast(argv[0])
    if spec is None:
        return None
    from losscli.core.options import parse_args

    options = parse_args(spec, argv[1:])
    if options is None:
        return None
    from losscli.cli import run

    return int(run.run_loss(spec, options))
