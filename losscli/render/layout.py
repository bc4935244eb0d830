"""The width output is laid out for, and text made safe to show.

The rule: on a terminal, its width (``COLUMNS`` when set); when stdout is not a
terminal (a pipe, a file, a CI log), ``COLUMNS`` when set, else no limit: tables take
their natural width and nothing is cut or wrapped to a pretend 80 columns.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import unicodedata

MIN_WIDTH = 20


def output_width() -> int | None:
    """The width to lay out stdout for, or None for no limit (see the module rule)."""
    if _isatty():
        return max(shutil.get_terminal_size((80, 24)).columns, MIN_WIDTH)
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    return None


def _isatty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


_CONTROL = {"Cc", "Cf", "Zl", "Zp"}


def safe(text: object) -> str:
    """``text`` with control and format characters written as escapes (``\\x1b``, ``\\n``).

    User text (case names, file names) can hold terminal escape sequences; shown
    this way they are visible and inert.
    """
    text = str(text)
    if all(unicodedata.category(c) not in _CONTROL for c in text):
        return text
    return "".join(
        c if unicodedata.category(c) not in _CONTROL else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def wrap(text: str, width: int, indent: int = 0, first: int | None = None) -> list[str]:
    """``text`` wrapped at whole words (never inside a word or at a hyphen).

    ``indent``: of every line but the first, which has ``first`` (default: the same).
    """
    wrapper = textwrap.TextWrapper(
        width=max(width, indent + 20),
        initial_indent=" " * (indent if first is None else first),
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapper.wrap(" ".join(text.split())) or [" " * indent]
