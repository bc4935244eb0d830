"""One-line error messages for TENSOR arguments.

Every user error in :mod:`losscli.inputs` is an :class:`~losscli.core.errors.InputError`
naming the argument (``--pred``) with a single line of text. User text shown in a
message is clipped and quoted with ``repr`` so control characters stay visible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy

from losscli.core.errors import InputError


def one_line(message: str, limit: int = 500) -> str:
    """Join the lines of ``message`` and clip it to ``limit`` characters."""
    flat = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def input_error(argument: str, message: str) -> InputError:
    """Build the one-line :class:`InputError` for ``argument``."""
    return InputError(one_line(message), argument=argument)


def clip(text: str, limit: int = 60) -> str:
    """Shorten ``text`` to ``limit`` characters, marking the cut with ``...``."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quote(text: str, limit: int = 60) -> str:
    """Quote user text for a message: clipped, with control characters escaped."""
    return repr(clip(text, limit))


def snippet(text: str, pos: int, width: int = 60) -> str:
    """Quote a window of ``text`` around ``pos`` (all of it when short)."""
    if len(text) <= width:
        return repr(text)
    start = max(0, min(pos - width // 2, len(text) - width))
    end = start + width
    window = ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")
    return repr(window)


def describe(value: object) -> str:
    """Name the kind of a rejected leaf value (never its content, which may be a secret)."""
    if value is None:
        return "null"
    if isinstance(value, (bool, numpy.bool_)):
        return "a boolean"
    if isinstance(value, (str, bytes, bytearray)):
        return "a string"
    if isinstance(value, Mapping):
        return f"a mapping of {count(len(value)).replace('element', 'key')}"
    if isinstance(value, complex):
        return "a complex number"
    return f"a {clip(type(value).__name__, 40)} object"


def exception_summary(exc: BaseException) -> str:
    """``Type: message`` of a library exception, for wrapping reader failures.

    Libraries quote the content they could not parse (a header, a pickle's globals, a
    line); only the message up to its first quote, colon or line break is kept.
    """
    text = re.split(r"['\"`:\n]", str(exc), maxsplit=1)[0].strip().rstrip(".,;(")
    name = type(exc).__name__
    return f"{name}: {clip(text, 100)}" if text else name


def keys_text(names: Sequence[str], limit: int = 20) -> str:
    """Comma-separated list of (at most ``limit``) available keys."""
    if not names:
        return "(none)"
    shown = ", ".join(clip(name, 40) for name in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def count(n: int) -> str:
    """``1 element`` / ``3 elements``."""
    return f"{n} element" if n == 1 else f"{n} elements"
