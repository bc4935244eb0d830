"""A file named by ``@PATH[:KEY]``: reading it, and selecting KEY in what it holds.

Grammar of KEY::

    KEY := NAME ("." NAME)*   picks one entry of a file that holds a mapping;
           dots walk nested mappings (a name that itself contains dots, such as a
           state-dict key ``fc.weight``, is matched first); an integer NAME indexes a list

A mapping left unselected is refused with an example ``@PATH:KEY`` and the available
keys; a KEY given for a format that holds a single tensor is refused too.
"""

from __future__ import annotations

import os
import pathlib
import re
import stat
import typing
from collections.abc import Mapping
from dataclasses import dataclass

from losscli.core.errors import InputError
from losscli.inputs.limits import max_text_bytes, text_limit_message
from losscli.inputs.messages import clip, count, input_error, keys_text, quote


@dataclass(frozen=True)
class Source:
    """A file named on the command line, for reading and for messages."""

    argument: str
    display: str
    path: pathlib.Path
    key: str | None

    @property
    def name(self) -> str:
        """The file name as the user wrote it, quoted (``standard input`` for ``-``)."""
        return "standard input" if self.display == "-" else quote(self.display, 80)

    @property
    def origin(self) -> str:
        """``'file.yaml'`` or ``'file.yaml', key 'a.b'`` for messages."""
        return self.name + (f", key {quote(self.key, 40)}" if self.key else "")

    def fail(self, message: str) -> InputError:
        """An :class:`InputError` for this file's argument."""
        return input_error(self.argument, message)

    def read_bytes(self) -> bytes:
        """The content of a text file: at most :func:`max_text_bytes`, a regular file only."""
        limit = max_text_bytes()
        try:
            # O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise self.fail(not_regular(self.name))
                content = handle.read(limit + 1)
        except OSError as exc:
            raise self.fail(f"cannot read {self.name}: {exc.strerror or exc}") from None
        if len(content) > limit:
            raise self.fail(text_limit_message(self.name))
        if not content:
            raise self.fail(f"{self.name} is empty")
        return content

    def read_text(self) -> str:
        """The file's content decoded as UTF-8 (a BOM is ignored)."""
        return decode_text(self.read_bytes(), self)


def not_regular(name: str) -> str:
    """The refusal of a device, FIFO or socket named as an input file."""
    return (f"{name} is not a regular file (a device, FIFO or socket); "
            "give a file, or - to read standard input")


def decode_text(content: bytes, src: Source) -> str:
    """``content`` decoded as UTF-8 (a BOM is ignored); blank text is refused."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise src.fail(f"{src.name} is not valid UTF-8 text "
                       f"(bad byte at offset {exc.start})") from None
    if not text.strip():
        raise src.fail(f"{src.name} is empty")
    return text


# --------------------------------------------------------------------------- KEY selection


def _holds_tensor(value: object, depth: int = 1) -> bool:
    """True for an entry that can be a TENSOR (a number, a list, an array, a tensor) or
    a mapping with such an entry."""
    if isinstance(value, Mapping):
        return depth > 0 and any(_holds_tensor(v, depth - 1) for v in value.values())
    if isinstance(value, (bool, str, bytes, bytearray)) or value is None:
        return False
    return isinstance(value, (int, float, list, tuple)) or hasattr(value, "shape")


def keys_hint(node: Mapping[typing.Any, typing.Any]) -> str:
    """The keys of a mapping for a message: only those holding tensors are named.

    Entries that hold text or further mappings are only counted: their names may
    describe a file that is not tensor data at all (configuration, credentials).
    """
    names = [str(name) for name, value in node.items() if _holds_tensor(value)]
    total = count(len(node)).replace("element", "key")
    if not names:
        return f"{total}, none holding a tensor" if node else "no keys"
    if len(names) == len(node):
        return f"keys: {keys_text(names)}"
    return f"{total}; those holding tensors: {keys_text(names)}"


def _find_entry(node: object, parts: list[str], start: int) -> tuple[object, int] | None:
    """Step from ``node`` by the longest dotted name ``parts[start:j]``; (value, j) or None."""
    if isinstance(node, Mapping):
        by_name = {str(name): name for name in node}
        for stop in range(len(parts), start, -1):
            name = ".".join(parts[start:stop])
            if name in by_name:
                return node[by_name[name]], stop
        return None
    if isinstance(node, (list, tuple)) and re.fullmatch(r"-?\d+", parts[start].strip()):
        index = int(parts[start])
        if -len(node) <= index < len(node):
            return node[index], start + 1
    return None


def _missing_entry(node: object, parts: list[str], start: int, src: Source) -> InputError:
    """Error for a KEY that does not exist."""
    where = f"entry {quote('.'.join(parts[:start]))} of {src.name}" if start else src.name
    missing = quote(parts[start], 40)
    if isinstance(node, Mapping):
        return src.fail(f"no key {missing} in {where} ({keys_hint(node)})")
    if isinstance(node, (list, tuple)):
        return src.fail(f"no entry {missing} in {where}: it is a list of {count(len(node))}, "
                        "pick one by index")
    if not start:
        return src.fail(f"{where} holds a single tensor, not a mapping; "
                        f"remove ':{clip(str(src.key), 40)}'")
    return src.fail(f"{where} is not a mapping; cannot look up {missing} in it")


def select(data: object, src: Source) -> object:
    """Walk ``src.key`` into ``data``; refuse an unselected mapping."""
    key = src.key
    if key is not None:
        parts = key.split(".")
        start = 0
        while start < len(parts):
            found = _find_entry(data, parts, start)
            if found is None:
                raise _missing_entry(data, parts, start, src)
            data, start = found
    if isinstance(data, Mapping):
        names = [str(name) for name, value in data.items() if _holds_tensor(value)]
        where = f"entry {quote(key)} of {src.name}" if key else src.name
        prefix = f"@{src.display}:{key + '.' if key else ''}"
        example = f", e.g. {clip(prefix + names[0], 80)}" if names else ""
        raise src.fail(f"{where} holds a mapping; pick an entry with @PATH:KEY{example} "
                       f"({keys_hint(data)})")
    return data


def single_only(src: Source) -> None:
    """Refuse a KEY for a format that holds one tensor."""
    if src.key is not None:
        raise src.fail(f"{src.name} holds a single tensor, not a mapping; "
                       f"remove ':{clip(src.key, 40)}'")
