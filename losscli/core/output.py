"""Standard output and error that cannot change the exit status behind the user's back.

Exit codes are the contract, also through pipes (INTERFACE.md, "Exit codes"):

- a reader that stops early (``losscli ... | head -1``) ends the output quietly; the
  command still runs to its end and exits with its own status (1 for a mismatch, whose
  line goes to stderr, 2 for an input error, 0 otherwise);
- an output that cannot be written (closed with ``>&-``, a full disk, an I/O error) is an
  output error: one line ``losscli: error: cannot write output: <reason>`` on stderr and
  exit 2, unless the command already failed (1 or 2), which it keeps;
- a closed or broken stderr loses the messages, never the status, and nothing meant for
  stderr is ever written to stdout.

:func:`guarded` swaps ``sys.stdout`` and ``sys.stderr`` for :class:`Guarded` streams for
the duration of one command.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator


class Guarded:
    """A text stream that never raises: the first write error is remembered, and the
    rest of the output is dropped. Everything else is the wrapped stream's."""

    def __init__(self, stream, name: str) -> None:
        self._stream = stream
        self._name = name
        self.error: OSError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def reader_left(self) -> bool:
        """Whether the output ended because the reader closed the pipe (``| head``)."""
        return isinstance(self.error, BrokenPipeError)

    def write(self, text: str) -> int:
        if self._stream is None:
            self._fail(OSError(errno.EBADF, f"standard {self._name} is closed"))
        elif self.error is None:
            try:
                return self._stream.write(text)
            except OSError as error:
                self._fail(error)
        return len(text)

    def flush(self) -> None:
        if self._stream is not None and self.error is None:
            try:
                self._stream.flush()
            except OSError as error:
                self._fail(error)

    def isatty(self) -> bool:
        try:
            return self._stream is not None and self.error is None and self._stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str):
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)

    def _fail(self, error: OSError) -> None:
        if self.error is None:
            self.error = error
        # What is still buffered would fail again when Python flushes at exit (a second
        # message, exit 120): let it drain into the null device instead.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)

    def reason(self) -> str:
        """Why the output failed, as the system says it (``No space left on device``)."""
        if self.error is None:
            return ""
        return self.error.strerror or str(self.error) or type(self.error).__name__


@contextlib.contextmanager
def guarded() -> Iterator[tuple[Guarded, Guarded]]:
    """(stdout, stderr) as :class:`Guarded` streams, restored afterwards."""
    saved = sys.stdout, sys.stderr
    out, err = Guarded(sys.stdout, "output"), Guarded(sys.stderr, "error")
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = saved


def final_status(status: int, out: Guarded) -> int:
    """The exit status once the output is done: an output error turns success into 2
    (and says so on stderr); a reader that left early changes nothing."""
    if not out.failed or out.reader_left:
        return status
    print(f"losscli: error: cannot write output: {out.reason()}", file=sys.stderr)
    from losscli.core.errors import ExitStatus

    return status or int(ExitStatus.INPUT_ERROR)
