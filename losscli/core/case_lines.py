"""Where a case (or one of its fields) starts in its file, for reports that point at lines.

A JSON file is scanned with the standard decoder (``raw_decode`` item by item, then a
search for the field's keys inside the item's text); a YAML file is composed with
PyYAML, whose nodes carry their positions. Both cost about as much as loading the file,
once per file (:class:`Lines` keeps them). Lines are 1-based; None when unknown.
"""

from __future__ import annotations

import bisect
import json
import pathlib
import re

_AT_LINE = re.compile(r"at line (\d+)")


class Lines:
    """Line numbers of cases in case files, each file read once."""

    def __init__(self) -> None:
        self._files: dict[pathlib.Path, _JsonFile | _YamlFile | None] = {}

    def of(self, path: pathlib.Path, index: int | None, field: str | None = None) -> int | None:
        """The line of case ``index`` (None: the file's only case), or of its ``field``."""
        if path not in self._files:
            self._files[path] = _read(path)
        located = self._files[path]
        if located is None:
            return None
        return located.line(index, field)

    def of_outcome(self, outcome) -> int | None:
        """The line a report points at for ``outcome``: the case, or an invalid case's field.

        A fault of the whole file (unparsable, or a link out of the checked folder) is not
        read again: its line is where the parser stopped, when the message says so.
        """
        if outcome.status == "error" and outcome.case is None and outcome.field is None \
                and outcome.name is None:
            found = _AT_LINE.search(outcome.message)
            return int(found.group(1)) if found else None
        if outcome.file is None:
            return None
        return self.of(outcome.file, outcome.index,
                       outcome.field if outcome.status == "error" else None)


def _read(path: pathlib.Path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if path.suffix.lower() == ".json":
        return _JsonFile.scan(text)
    return _YamlFile.compose(text)


class _JsonFile:
    def __init__(self, text: str, spans: list[tuple[int, int]] | None) -> None:
        self.text = text
        self.spans = spans  # None: one case, the whole file
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    @classmethod
    def scan(cls, text: str):
        decoder = json.JSONDecoder()
        start = _skip(text, 0)
        if not text.startswith("[", start):
            return cls(text, None)
        spans, pos = [], _skip(text, start + 1)
        try:
            while pos < len(text) and text[pos] != "]":
                _, end = decoder.raw_decode(text, pos)
                spans.append((pos, end))
                pos = _skip(text, end)
                pos = _skip(text, pos + 1) if text.startswith(",", pos) else pos
        except (ValueError, RecursionError):
            return None
        return cls(text, spans)

    def line(self, index: int | None, field: str | None) -> int | None:
        if self.spans is None:
            if index is not None:
                return None
            start, end = _skip(self.text, 0), len(self.text)
        elif index is None or index >= len(self.spans):
            return None
        else:
            start, end = self.spans[index]
        at = start
        for part in field.split(".") if field else ():
            found = re.compile(f"{re.escape(json.dumps(part))}\\s*:").search(self.text, at, end)
            if found is None:
                break
            at = found.start()
        return bisect.bisect_left(self.newlines, at) + 1


class _YamlFile:
    def __init__(self, root) -> None:
        self.root = root

    @classmethod
    def compose(cls, text: str):
        import yaml

        try:
            root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (ValueError, RecursionError, yaml.YAMLError):
            return None
        return None if root is None else cls(root)

    def line(self, index: int | None, field: str | None) -> int | None:
        import yaml

        node = self.root
        if index is not None:
            if not isinstance(node, yaml.SequenceNode) or index >= len(node.value):
                return None
            node = node.value[index]
        line = node.start_mark.line + 1
        for part in field.split(".") if field else ():
            if not isinstance(node, yaml.MappingNode):
                break
            found = next(((k, v) for k, v in node.value if str(k.value) == part), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        return line


def _skip(text: str, pos: int) -> int:
    """The first position at or after ``pos`` that is not JSON whitespace."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
