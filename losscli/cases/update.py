"""``losscli check --update``: write computed values into the ``expect`` of case files.

Files are edited as text so that comments and layout stay: the span of each changed
value (located with PyYAML's node positions; JSON is read the same way, being YAML
flow style) is replaced by the new value in flow style, and a missing ``expect`` is
added as a line after the case's last field. The edited text must load back as the
intended data; if it does not, the file is rewritten from the data (comments are then
lost, and the message says so), except a YAML file with anchors or aliases, which is left
as it is (its rewrite would expand the aliases and drop the comments): the message asks
for an edit by hand. An anchored value keeps its anchor, so the edit of a value that
every alias of it should follow is kept.

Files are written with :func:`losscli.core.atomic.write_atomic` (a reader never sees a part of
a file; a write error leaves it untouched), their permissions and UTF-8 BOM kept.

Only failing parts are rewritten: ``expect`` itself for a bare value or a case without
one, else the failing ``value``, ``terms`` or ``grad.NAME`` entries. Parts read from a
file (``@PATH``) are left alone.
"""

from __future__ import annotations

import codecs
import json
import math
import pathlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from losscli.cases.source import CaseError, read_document, shown
from losscli.core.atomic import write_atomic
from losscli.core.text import short


@dataclass
class Change:
    """Set ``keys`` (a path inside one case) to ``value`` (a float or nested list)."""

    index: int | None
    case: str
    keys: tuple[str, ...]
    value: Any
    old: Any = None


def update_outcomes(outcomes: list) -> list[str]:
    """Rewrite the cases of failed and missing ``outcomes``; mark them ``updated``.

    Returns one message per change (and per part that could not be changed).
    """
    by_file: dict[pathlib.Path, list[Change]] = {}
    owners: dict[pathlib.Path, list] = {}
    messages: list[str] = []
    for outcome in outcomes:
        if outcome.status not in ("failed", "missing"):
            continue
        changes, refused = changes_for(outcome)
        messages += [f"{outcome.id}: not updated: {reason}" for reason in refused]
        if changes:
            by_file.setdefault(outcome.case.path, []).extend(changes)
            if not refused:
                owners.setdefault(outcome.case.path, []).append(outcome)
    for path, changes in by_file.items():
        written, notes = update_file(path, changes)
        messages += notes
        for outcome in owners.get(path, []) if written else ():
            outcome.status = "updated"
    return messages


def changes_for(outcome) -> tuple[list[Change], list[str]]:
    """The changes that make ``outcome``'s case pass, and the reasons for parts left alone."""
    case = outcome.case
    expect = case.expect
    if case.impl is not None:  # a replay of compare: the expectation is the reference's
        return [], [f"it runs {case.impl}, whose value is what is checked; its expect is "
                    "losscli's reference (fix the implementation, or write the case again "
                    "with losscli compare --case-out)"]
    if expect is None:
        return [Change(case.index, case.name, ("expect",), _data(outcome.got))], []
    changes: list[Change] = []
    refused: list[str] = []
    for check in outcome.checks:
        if check.ok:
            continue
        if check.got is None:
            refused.append(check.message)
        elif check.name in expect.from_file:
            refused.append(f"expect.{check.name} is read from a file")
        else:
            keys = ("expect",) if expect.bare else ("expect", *check.name.split(".", 1))
            changes.append(Change(case.index, case.name, keys, _data(check.got),
                                  _data(check.expected)))
    return changes, refused


def update_file(path: pathlib.Path, changes: list[Change]) -> tuple[bool, list[str]]:
    """Apply ``changes`` to one file: (written, one message per change)."""
    as_json = path.suffix.lower() == ".json"
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        data = read_document(path, text)
        for change in changes:
            _assign(data, change)
    except (OSError, UnicodeDecodeError, CaseError, LookupError, TypeError):
        return False, [_refused(path, change, "the file changed or became unreadable while it "
                                              "was checked") for change in changes]
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        edited = _edit(text, changes, as_json)
        kept = _same(_load(edited, as_json), data)
    except Exception:  # noqa: BLE001 - any failure of the in-place edit falls back to a rewrite
        kept = False
    if not kept and not as_json and _has_anchors(text):
        return False, [_refused(path, change, "the file uses YAML anchors or aliases, which an "
                                              "automatic edit would expand (dropping its "
                                              "comments)") for change in changes]
    if not kept:
        edited = _dump(data, as_json)
    write_atomic(path, (codecs.BOM_UTF8 if bom else b"") + edited.encode("utf-8"),
                 argument="--update")
    note = "" if kept else " (file rewritten: its comments and layout were not kept)"
    return True, [_describe(path, change) + note for change in changes]


def _refused(path: pathlib.Path, change: Change, why: str) -> str:
    return (f"{shown(path)}::{shown(change.case)}: not updated: {why}; set "
            f"{'.'.join(change.keys)} to {short(change.value)} by hand")


def _has_anchors(text: str) -> bool:
    """True when YAML ``text`` defines an anchor or uses an alias (or cannot be parsed)."""
    import yaml

    try:
        return any(getattr(event, "anchor", None) is not None
                   for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader",
                                                                yaml.SafeLoader)))
    except yaml.YAMLError:
        return True


def _describe(path: pathlib.Path, change: Change) -> str:
    field = ".".join(change.keys)
    where, case = shown(path), shown(change.case)
    if change.old is None and change.keys == ("expect",):
        return f"{where}::{case}: added {field}: {short(change.value)}"
    return f"{where}::{case}: {field}: {short(change.old)} -> {short(change.value)}"


def _data(value: Any) -> Any:
    """A computed value as plain floats (NaN kept) for writing."""
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array.tolist()


# --------------------------------------------------------------------------- the data


def _case(data: Any, index: int | None) -> dict:
    return data if index is None else data[index]


def _lookup_key(mapping: Mapping, key: str) -> Any:
    """The key of ``mapping`` naming ``key`` (input names may be written with '-')."""
    for existing in mapping:
        if str(existing).replace("-", "_").lower() == key.replace("-", "_").lower():
            return existing
    return key


def _assign(data: Any, change: Change) -> None:
    node = _case(data, change.index)
    for key in change.keys[:-1]:
        node = node[_lookup_key(node, key)]
    node[_lookup_key(node, change.keys[-1])] = change.value


def _same(a: Any, b: Any) -> bool:
    """Equality of loaded data, with NaN equal to NaN."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(map(str, a)) == list(map(str, b)) and all(
            _same(x, y) for x, y in zip(a.values(), b.values()))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _load(text: str, as_json: bool) -> Any:
    if as_json:
        return json.loads(text)
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _dump(data: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None,
                          width=100)


# --------------------------------------------------------------------------- the text


def flow(value: Any, as_json: bool) -> str:
    """``value`` in flow style: ``0.25``, ``[1.0, 2.5e-07]``; YAML 1.1-safe floats."""
    if isinstance(value, list):
        return "[" + ", ".join(flow(item, as_json) for item in value) + "]"
    number = float(value)
    if math.isnan(number):
        return "NaN" if as_json else ".nan"
    if math.isinf(number):
        return ("-" if number < 0 else "") + ("Infinity" if as_json else ".inf")
    text = repr(number)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"  # PyYAML reads 1e-05 as a string, 1.0e-05 as a float
    return text


def _edit(text: str, changes: list[Change], as_json: bool) -> str:
    import yaml

    root: Any = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    edits: list[tuple[int, int, str]] = []
    for change in changes:
        node = root if change.index is None else root.value[change.index]
        for key in change.keys[:-1]:
            node = _find(node, key)[1]
        new = flow(change.value, as_json)
        found = _find(node, change.keys[-1])
        if found is None:
            edits.append(_insertion(text, node, change.keys[-1], new, as_json))
        else:
            edits.append(_replacement(text, found, new))
    for start, end, new in sorted(set(edits), reverse=True):  # an aliased node: edited once
        text = text[:start] + new + text[end:]
    return text


def _find(mapping, key: str):
    """(key node, value node) of ``key`` in a composed mapping, or None."""
    for key_node, value_node in mapping.value:
        if str(key_node.value).replace("-", "_").lower() == key.lower():
            return key_node, value_node
    return None


def _end(node) -> int:
    """Where the text of ``node`` ends (for block collections: where its last item ends)."""
    import yaml

    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return node.end_mark.index
    last = node.value[-1]
    return _end(last[1] if isinstance(node, yaml.MappingNode) else last)


def _replacement(text: str, found, new: str) -> tuple[int, int, str]:
    """The edit that gives ``found``'s value the text ``new`` (an anchor ``&NAME`` stays)."""
    import yaml

    key_node, value_node = found
    anchor = _ANCHOR.match(text, value_node.start_mark.index)
    if anchor:  # keep it (and the comments after it); replace what follows
        return anchor.end(), _end(value_node), new
    if isinstance(value_node, yaml.ScalarNode) or value_node.flow_style:
        return value_node.start_mark.index, value_node.end_mark.index, new
    if value_node.start_mark.column > key_node.start_mark.column:
        # An indented block collection: the flow value takes its place (comments above stay).
        return value_node.start_mark.index, _end(value_node), new
    # An indentless block sequence: replace from the end of the key, colon included.
    return key_node.end_mark.index, _end(value_node), ": " + new


#: An anchor with what follows it up to the value: spaces, comments and line breaks.
_ANCHOR = re.compile(r"&[^\s,\[\]{}]+(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*[ \t]*")


def _insertion(text: str, mapping, key: str, new: str, as_json: bool) -> tuple[int, int, str]:
    name = json.dumps(key) if as_json else key
    if not mapping.value:
        close = text.rfind("}", 0, mapping.end_mark.index)
        return close, close, f"{name}: {new}"
    last = _end(mapping.value[-1][1])
    if mapping.flow_style:
        return last, last, f", {name}: {new}"
    newline = "\r\n" if "\r\n" in text else "\n"
    line_end = text.find(newline, last)
    line_end = len(text) if line_end < 0 else line_end
    indent = " " * mapping.start_mark.column
    return line_end, line_end, f"{newline}{indent}{name}: {new}"
