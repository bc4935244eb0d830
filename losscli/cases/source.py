"""Reading a case file safely, and the text of its error messages.

Case files may come from pull requests, so reading one is guarded: YAML anchors and
aliases (and merge keys) may add at most :data:`MAX_ALIAS_NODES` nodes to the file's
own (a "billion laughs" file is invalid, not a hang), an alias inside its own anchor is
refused, and an integer too long for Python to convert is an invalid file, not a crash.

Messages quote the case file's text only in short, escaped excerpts (:func:`quote`,
:func:`bounded`), print names and paths with control characters and lone surrogates
escaped (:func:`shown`), and never echo the content of a file an ``@PATH`` names
(:func:`redact`).
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Iterable
from typing import Any

from losscli.core.errors import InputError
from losscli.inputs import parse_json, parse_yaml

#: How many nodes YAML aliases (and merge keys) may add to a case file's own.
MAX_ALIAS_NODES = 100_000


class CaseError(InputError):
    """An invalid case file: the message names the file, the case and the field."""

    def __init__(self, path: Any, message: str, *, case: str | None = None,
                 field: str | None = None, index: int | None = None) -> None:
        self.file = pathlib.Path(path)
        self.path = shown(path)
        self.case = None if case is None else shown(case)
        self.field = None if field is None else shown(field)
        self.index = index
        where = [self.path] + ([f"case {quote(case, 80)}"] if case else []) \
            + ([bounded(field, 80)] if field else [])
        super().__init__(message, argument=": ".join(where))


def escapes(path: pathlib.Path, roots: Iterable[pathlib.Path | str]) -> bool:
    """True when ``path``, symbolic links resolved, lies outside every folder of ``roots``."""
    real = path.resolve()
    return not any(real.is_relative_to(pathlib.Path(root).resolve()) for root in roots)


def read_document(path: pathlib.Path, text: str | None = None) -> Any:
    """The parsed content of a case file (JSON by extension, YAML otherwise).

    ``text``: the file's content when already read (it is parsed as ``path``'s).
    """
    try:
        text = path.read_text(encoding="utf-8-sig") if text is None else text
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise CaseError(path, f"cannot read the file: {reason}") from None
    try:
        if path.suffix.lower() == ".json":
            return parse_json(text, "the file", str(path))
        return _parse_yaml(text, path)
    except InputError as exc:
        raise CaseError(path, exc.message) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise CaseError(path, f"the file holds a value that cannot be read: {why(exc)}") \
            from None
    except RecursionError:
        raise CaseError(path, "the file is nested too deeply") from None


def why(exc: Exception) -> str:
    if "integer string conversion" in str(exc):
        from losscli.inputs.text import HUGE_INT

        return HUGE_INT
    return type(exc).__name__


def _parse_yaml(text: str, path: pathlib.Path) -> Any:
    """YAML with the safe loader, refusing alias expansion beyond :data:`MAX_ALIAS_NODES`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_aliases(node, path)
        return loader.construct_document(node)
    except yaml.YAMLError:
        pass  # parse_yaml gives the message for the same fault
    finally:
        loader.dispose()
    parse_yaml(text, "the file", str(path))
    raise CaseError(path, "the file is not valid YAML")


def _check_aliases(root, path: pathlib.Path) -> None:
    """Refuse a node graph whose aliases expand past the bound, or refer to themselves."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    distinct = 0
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        key = id(node)
        if done:
            sizes[key] = 1 + sum(sizes.get(id(child), 1) for child in children)
            on_path.discard(key)
            if sizes[key] - distinct > MAX_ALIAS_NODES:
                break
            continue
        if key in sizes or not children:
            distinct += key not in sizes and not children
            continue
        if key in on_path:
            raise CaseError(path, "the file has a YAML alias inside its own anchor")
        on_path.add(key)
        distinct += 1
        stack.append((node, True))
        stack.extend((child, False) for child in children)
    if max(sizes.values(), default=0) - distinct > MAX_ALIAS_NODES:
        raise CaseError(path, "YAML aliases in the file expand to more than "
                              f"{MAX_ALIAS_NODES:,} extra values; write the data out instead")


def _children(node) -> list:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_KEY_LISTS = re.compile(r",? e\.g\. @\S+|\s*\(keys: .*\)")


def redact(message: str, reference: str) -> str:
    """An error about the file ``reference`` names, without the file's content.

    Quoted text that is not part of the reference (a value, a line of the file) becomes
    ``'…'``; lists of the file's keys are dropped. The case file's author may not be
    allowed to see what the files next to it hold (CI runs case files from pull requests).
    """
    def keep(match: re.Match) -> str:
        inner = match.group()[1:-1].removesuffix("...")
        return match.group() if inner in repr(reference) else "'…'"

    return _QUOTED.sub(keep, _KEY_LISTS.sub("", message))


def quote(text: Any, limit: int = 40) -> str:
    """User text for a message: clipped to ``limit`` characters, quoted and escaped."""
    text = str(text)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def bounded(message: str, limit: int = 300) -> str:
    """A message from the input layer, on one line, escaped and at most ``limit`` long."""
    text = shown(" ".join(message.split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(text: Any) -> str:
    """``text`` safe to print anywhere: control characters and lone surrogates escaped."""
    text = os.fspath(text) if isinstance(text, os.PathLike) else str(text)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
