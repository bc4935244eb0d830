"""Size limits checked before any input data is read or materialised.

Two limits, each raised (or lowered) by an environment variable holding a number of
bytes, optionally with a suffix ``K``, ``M``, ``G`` (powers of 1024)::

    LOSSCLI_MAX_TEXT_BYTES    64M   text read from a .json/.yaml/.yml/.csv/.txt file or
                                    standard input: at most this many bytes are read
    LOSSCLI_MAX_INPUT_BYTES   1G    an array materialised in memory from a .npz member
                                    (its declared uncompressed size) or a .pt/.pth tensor
                                    (numel x itemsize, whatever its storage holds)

``.npy`` files are memory-mapped, never copied whole, so they have no limit beyond the
file itself: their header must match the file's size. Sizes are declared before data
(a .npy header, a zip member's ``file_size``, a tensor's shape) and checked first, so a
tiny file claiming a huge tensor is refused at once.
"""

from __future__ import annotations

import os
import re

from losscli.core.errors import InputError
from losscli.inputs.messages import quote

TEXT_ENV = "LOSSCLI_MAX_TEXT_BYTES"
INPUT_ENV = "LOSSCLI_MAX_INPUT_BYTES"

DEFAULT_TEXT_BYTES = 64 << 20
DEFAULT_INPUT_BYTES = 1 << 30

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _from_env(name: str, default: int) -> int:
    """The byte count in environment variable ``name`` (``default`` when unset)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    match = re.fullmatch(r"(\d{1,15})\s*([KMGT]?)", raw.upper().removesuffix("B").removesuffix("I"))
    if not match:
        raise InputError(f"expected a number of bytes such as 64M or 2G, got {quote(raw, 30)}",
                         argument=name)
    return int(match.group(1)) * _UNITS[match.group(2)]


def max_text_bytes() -> int:
    """Most bytes read from a text file or standard input."""
    return _from_env(TEXT_ENV, DEFAULT_TEXT_BYTES)


def max_input_bytes() -> int:
    """Largest array materialised from a .npz member or a .pt/.pth tensor."""
    return _from_env(INPUT_ENV, DEFAULT_INPUT_BYTES)


def size_text(n: int) -> str:
    """``64 MiB``, ``1.5 GiB``, ``120 bytes``."""
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def text_limit_message(what: str) -> str:
    """The refusal of text longer than :func:`max_text_bytes`."""
    return (f"{what} is larger than {size_text(max_text_bytes())}, the limit for text input; "
            f"store large tensors in a .npy file (or raise {TEXT_ENV})")


def input_limit_message(what: str, declared: int) -> str:
    """The refusal of an array that declares more than :func:`max_input_bytes`."""
    return (f"{what} declares {size_text(declared)} of data, more than the limit of "
            f"{size_text(max_input_bytes())} for arrays loaded into memory; store it as a "
            f".npy file (read memory-mapped) or raise {INPUT_ENV}")
