"""Exit statuses and the user-facing error types.

Every error a user can cause is a :class:`LossCliError`; the entry point
(:func:`losscli.__main__.main`) turns it into one line on stderr and its
``exit_status``. Anything else that escapes is a bug in losscli (exit 3).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes; scripts rely on them (see README, "Exit codes")."""

    OK = 0
    MISMATCH = 1  # computed, but differs from --expect (or a check suite failed)
    INPUT_ERROR = 2  # usage, input or output error (an output that cannot be written)
    INTERNAL_ERROR = 3  # a bug in losscli
    INTERRUPTED = 130  # Ctrl-C


class LossCliError(Exception):
    """An error the user can fix; printed as one line, never with a traceback.

    ``argument`` names the option or input at fault (``--target``); the message
    then reads ``--target: <what was wrong and what was expected>``.
    """

    exit_status = ExitStatus.INPUT_ERROR

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        self.message = message
        self.argument = argument
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.argument}: {self.message}" if self.argument else self.message


class InputError(LossCliError):
    """A malformed, unreadable or out-of-domain input or parameter."""


class UsageError(LossCliError):
    """An unknown loss, option or an impossible combination of options."""


class StrictWarningError(InputError):
    """A warning raised to an error by ``--strict``."""


class Interrupted(BaseException):  # noqa: N818 - it is not an error of the user's
    """Ctrl-C (SIGINT) while losscli runs: exit 130 with one line, ``interrupted``.

    Not a KeyboardInterrupt, which Click would turn into its own exit, and not an
    Exception, which a handler of the user's code (``compare``) would catch.
    """
