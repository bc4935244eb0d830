"""Entry point: ``losscli`` and ``python -m losscli``.

The one error boundary of the program: user errors become one line on stderr
and exit 2, Ctrl-C exits 130, anything else is a bug (exit 3; ``LOSSCLI_DEBUG=1``
shows the traceback). A plain loss call takes the quick path (:mod:`losscli.cli.quick`),
everything else the Typer application.
"""

from __future__ import annotations

import os
import sys

from losscli.core.errors import ExitStatus, LossCliError


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit status (the console script exits with it)."""
    try:
        from losscli.cli.quick import run_quick

        status = run_quick(sys.argv[1:] if argv is None else list(argv))
        if status is not None:
            return status
        from losscli.cli.app import run_app

        return int(run_app(argv))
    except LossCliError as error:
        _error_line(str(error))
        return int(error.exit_status)
    except KeyboardInterrupt:
        _error_line("interrupted")
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # stdout closed early (e.g. `| head`): quietly stop.
        sys.stderr.close()
        return int(ExitStatus.OK)
    except Exception as error:  # noqa: BLE001 - the boundary for bugs
        if os.environ.get("LOSSCLI_DEBUG"):
            raise
        _error_line(
            f"internal error ({type(error).__name__}: {error}); this is a bug in losscli, "
            "please report it with the command you ran (LOSSCLI_DEBUG=1 shows the traceback)"
        )
        return int(ExitStatus.INTERNAL_ERROR)


def _error_line(message: str) -> None:
    text = " ".join(message.split())  # always one line
    print(f"losscli: error: {text}", file=sys.stderr)


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
