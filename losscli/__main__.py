"""Entry point: ``losscli`` and ``python -m losscli``.

The one error boundary of the program: user errors become one line on stderr
and exit 2, Ctrl-C exits 130 (one line, ``interrupted``, whatever the command),
anything else is a bug (exit 3; ``LOSSCLI_DEBUG=1`` shows the traceback). A plain loss
call takes the quick path (:mod:`losscli.cli.quick`), everything else the Typer application.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from losscli.core.errors import ExitStatus, Interrupted, LossCliError


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit status (the console script exits with it).

    The status is the command's own through pipes and closed streams (see
    :mod:`losscli.core.output`): a reader that stops early changes nothing, an output that
    cannot be written is exit 2 unless the command already failed.
    """
    from losscli.core.output import final_status, guarded

    with guarded() as (out, _err):
        status = _run(argv)
        out.flush()
        return final_status(status, out)


def _run(argv: list[str] | None) -> int:
    try:
        from losscli.cli.quick import run_quick

        status = run_quick(sys.argv[1:] if argv is None else list(argv))
        if status is not None:
            return status
        from losscli.cli.app import run_app

        with _interrupts_raise():
            return int(run_app(argv))
    except LossCliError as error:
        _error_line(str(error))
        return int(error.exit_status)
    except (KeyboardInterrupt, Interrupted):
        _error_line("interrupted")
        return int(ExitStatus.INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - the boundary for bugs
        if os.environ.get("LOSSCLI_DEBUG"):
            raise
        _error_line(
            f"internal error ({type(error).__name__}: {error}); this is a bug in losscli, "
            "please report it with the command you ran (LOSSCLI_DEBUG=1 shows the traceback)"
        )
        return int(ExitStatus.INTERNAL_ERROR)


@contextlib.contextmanager
def _interrupts_raise() -> Iterator[None]:
    """Ctrl-C raises :class:`Interrupted`, which no library turns into its own exit (Click
    makes a KeyboardInterrupt its "Aborted!"), so every command ends the same way.

    The quick path runs no such library: there Python's own KeyboardInterrupt reaches
    :func:`_run`, and the ``signal`` module (its enums cost a noticeable part of a quick
    call's start-up) is never imported."""
    import signal

    def interrupt(*_: object) -> None:
        raise Interrupted

    try:
        previous = signal.signal(signal.SIGINT, interrupt)
    except ValueError:  # not the main thread: leave Ctrl-C alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _error_line(message: str) -> None:
    text = " ".join(message.split())  # always one line
    print(f"losscli: error: {text}", file=sys.stderr)


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
