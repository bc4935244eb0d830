"""Case files: loss computations with pinned expected values, in YAML or JSON.

A case file holds one case (a mapping) or a list of cases. The fields (the JSON
Schema ``losscli/case.schema.json``, printed by ``losscli schema``, says the same)::

    name: ce seed                  # optional; default: the file name, [i] for list items
    description: free text         # optional
    loss: cross-entropy            # a loss name or alias, as on the command line
    inputs:                        # the loss's inputs by name (pred, target, input1, ...)
      pred: [[0.8, 0.1, 0.4]]      #   a number or nested list,
      target: "[0]"                #   a TENSOR literal string,
      # target: "@target.csv"      #   or @PATH[:KEY], relative to the case file
    params: {label_smoothing: 0.1} # the loss's parameters by PyTorch name (optional)
    reduction: mean                # mean | sum | none | batchmean (default mean)
    dtype: float32                 # float32 | float64 | float16 | bfloat16 (default float32)
    grad: false                    # compute gradients (default: when expect.grad is given)
    strict: false                  # treat warnings as errors (default false)
    expect: 0.8137                 # the value (a nested list for 'none'), or a mapping
    #   {value: ..., terms: [...], grad: {pred: [[...]]}}: any of the three
    rtol: 1.0e-5                   # |got - expected| <= atol + rtol * |expected|
    atol: 1.0e-8
    impl: my_focal.py:FocalLoss    # optional: check YOUR implementation against expect
    impl_kwargs: {gamma: 2}        #   (MODULE_OR_FILE:ATTR as for compare; runs your code)

Loading checks every field and reads every tensor; a fault raises
:class:`CaseError` naming the file, the case and the field. Messages quote the case
file's own text only in short, escaped excerpts. PyYAML reads YAML 1.1, where ``1e-3``
is a string: numeric strings are accepted wherever numbers are.

Trust boundary (case files may come from pull requests): an ``@PATH`` must lie inside
the case's *roots* once symbolic links are resolved (by default the case file's folder;
``check`` passes the folder it was given, plus ``--allow-path`` folders). Reading the
file itself is guarded in :mod:`losscli.cases.source`.
"""

from __future__ import annotations

import difflib
import fnmatch
import glob
import pathlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from losscli.cases.source import CaseError, bounded, quote, read_document, redact, shown, why
from losscli.core.errors import InputError, LossCliError
from losscli.core.options import scalar
from losscli.core.spec import LossSpec
from losscli.families.registry import registry
from losscli.inputs import load_tensor, to_array

CASE_SUFFIXES = (".yaml", ".yml", ".json")
CASE_FIELDS = (
    "name", "description", "loss", "inputs", "params", "reduction", "dtype",
    "grad", "strict", "expect", "rtol", "atol", "impl", "impl_kwargs",
)
EXPECT_FIELDS = ("value", "terms", "grad")
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8
#: A document looks like a case when it is a mapping with one of these keys (or a list of such).
_CASE_MARKERS = ("loss", "inputs", "expect")


@dataclass
class Expected:
    """What a case expects; each part is optional, at least one is given."""

    value: np.ndarray | None = None
    terms: np.ndarray | None = None
    grad: dict[str, np.ndarray] = field(default_factory=dict)
    #: True when ``expect`` is the bare value (not a mapping).
    bare: bool = True
    #: Fields read from a file (@PATH), which ``--update`` cannot rewrite.
    from_file: tuple[str, ...] = ()

    def items(self) -> list[tuple[str, np.ndarray]]:
        """(check name, expected array): ``value``, ``terms``, ``grad.NAME``."""
        parts = [("value", self.value), ("terms", self.terms)]
        parts += [(f"grad.{name}", array) for name, array in self.grad.items()]
        return [(name, array) for name, array in parts if array is not None]


@dataclass
class Case:
    """One validated case, ready to compute."""

    path: pathlib.Path
    index: int | None
    name: str
    spec: LossSpec
    values: dict[str, Any]
    reduction: str = "mean"
    dtype: str = "float32"
    grad: bool = False
    strict: bool = False
    expect: Expected | None = None
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    description: str = ""
    #: An implementation under test (``losscli compare --impl``): its value and gradients
    #: are checked against ``expect`` instead of losscli's (:mod:`losscli.tools.compare`).
    impl: str | None = None
    impl_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """``FILE::NAME``, unique within a suite."""
        return f"{self.path}::{self.name}"

    def field_of(self, argument: str | None) -> str | None:
        """The case field a command-line option names (``--pred`` -> ``inputs.pred``)."""
        if argument is None:
            return None
        for group, specs in (("inputs", self.spec.inputs), ("params", self.spec.params)):
            for item in specs:
                if item.option == argument:
                    return f"{group}.{item.name}"
        return argument.lstrip("-")

    def error(self, message: str, field: str | None = None) -> CaseError:
        return CaseError(self.path, message, case=self.name, field=field)


# --------------------------------------------------------------------------- discovery


class Found(NamedTuple):
    """A case file found by :func:`discover`."""

    path: pathlib.Path
    #: Named directly or called like a case file: it must hold cases.
    named: bool
    #: The folder its ``@PATH`` references must stay in.
    root: pathlib.Path
    #: Found in a directory or by a glob (not named directly on the command line).
    searched: bool


def discover(paths: Iterable[str]) -> list[Found]:
    """Case files under ``paths``: files, directories (recursively), globs.

    ``named`` is True for a file named directly or called ``*.loss.yaml``, ``*.loss.yml``
    or ``*.loss.json`` (it must hold cases: an empty one is an error) and False for
    another file found in a directory or by a glob (skipped when it holds other data).
    ``root`` is the directory given, else the file's folder. Hidden files and
    directories are not searched.
    """
    found: dict[pathlib.Path, Found] = {}
    for text in paths:
        path = pathlib.Path(text)
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.suffix.lower() in CASE_SUFFIXES and item.is_file() and not _hidden(
                        item.relative_to(path)):
                    found.setdefault(item, Found(item, _case_name(item), path, True))
        elif path.is_file():
            found[path] = Found(path, True, path.parent, False)
        elif _is_glob(text):
            matches = (pathlib.Path(m) for m in sorted(glob.glob(text, recursive=True)))
            files = [m for m in matches if m.is_file() and m.suffix.lower() in CASE_SUFFIXES]
            if not files:
                raise InputError(f"no case file matches {quote(text)}", argument="PATH")
            for item in files:
                found.setdefault(item, Found(item, _case_name(item), item.parent, True))
        else:
            raise InputError(f"no such file or directory: {quote(text)}", argument="PATH")
    return list(found.values())


def _case_name(path: pathlib.Path) -> bool:
    """True for a file named like a case file: ``*.loss.yaml``, ``*.loss.yml``, ``*.loss.json``."""
    return path.name.lower().endswith(tuple(".loss" + suffix for suffix in CASE_SUFFIXES))


def _hidden(relative: pathlib.PurePath) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in relative.parts)


def _is_glob(text: str) -> bool:
    return any(char in text for char in "*?[")


def selected(name: str | None, patterns: Iterable[str]) -> bool:
    """True when a case ``name`` matches one of ``patterns`` (``-k``), or there are none.

    A pattern with ``*``, ``?`` or ``[`` is a glob over the whole name; any other
    pattern matches a part of the name. Both ignore case. A nameless entry (a file
    that could not be read) is always selected.
    """
    patterns = list(patterns)
    if not patterns or name is None:
        return True
    name = name.lower()
    for pattern in (p.lower() for p in patterns):
        if fnmatch.fnmatchcase(name, pattern) if _is_glob(pattern) else pattern in name:
            return True
    return False


# --------------------------------------------------------------------------- loading


def looks_like_cases(document: Any) -> bool:
    """True for a mapping with a case field such as ``loss``, or a list of them."""
    items = document if isinstance(document, list) else [document]
    return bool(items) and any(
        isinstance(item, Mapping) and any(key in item for key in _CASE_MARKERS) for item in items
    )


def case_mappings(path: pathlib.Path, document: Any) -> list[tuple[int | None, Any]]:
    """(index, raw case) for a single-case document (index None) or a list of cases."""
    if isinstance(document, list):
        if not document:
            raise CaseError(path, "the file holds an empty list; expected one or more cases")
        return list(enumerate(document))
    if isinstance(document, Mapping):
        return [(None, document)]
    kind = "nothing" if document is None else f"a {type(document).__name__}"
    raise CaseError(path, f"the file holds {kind}; expected a case (a mapping with 'loss' "
                          "and 'inputs') or a list of cases")


def load_file(path: pathlib.Path, *, named: bool = True,
              roots: Iterable[pathlib.Path | str] | None = None) -> list[Case | CaseError]:
    """Every case of one file, or its error; ``[]`` for an unnamed file holding other data.

    A fault of the whole file raises :class:`CaseError`; a faulty case is returned as its
    error, in its place, so the other cases of the file still run. ``@PATH`` references
    must stay inside ``roots`` (default: the file's folder).
    """
    roots = (path.parent,) if roots is None else tuple(roots)
    document = read_document(path)
    if not named and not looks_like_cases(document):
        return []
    entries: list[Case | CaseError] = []
    seen: dict[str, int] = {}
    for index, raw in case_mappings(path, document):
        name = default_name(path, index, raw)
        try:
            if name in seen:
                raise CaseError(path, f"duplicate case name (also case #{seen[name] + 1})",
                                case=name, field="name", index=index)
            seen[name] = index or 0
            entries.append(parse_case(path, index, raw, name, roots))
        except CaseError as error:
            entries.append(error)
    return entries


def default_name(path: pathlib.Path, index: int | None, raw: Any) -> str:
    """The case's ``name``, or the file name without extensions (with ``[i]`` in a list)."""
    if isinstance(raw, Mapping) and isinstance(raw.get("name"), (str, int, float)) \
            and not isinstance(raw["name"], bool):
        text = _kind(raw["name"], 200) if isinstance(raw["name"], int) else str(raw["name"])
        if text.strip():
            return text.strip()
    stem = path.name.split(".", 1)[0] or path.name
    return stem if index is None else f"{stem}[{index}]"


def parse_case(path: pathlib.Path, index: int | None, raw: Any, name: str,
               roots: Iterable[pathlib.Path | str] | None = None) -> Case:
    """Validate one raw case mapping and read its tensors (``@PATH`` inside ``roots``)."""
    def fail(message: str, field: str | None = None) -> CaseError:
        return CaseError(path, message, case=name, field=field, index=index)

    roots = (path.parent,) if roots is None else tuple(roots)

    if not isinstance(raw, Mapping):
        where = f"item #{index + 1} of the list" if index is not None else "the case"
        raise fail(f"{where} is {_kind(raw)}; expected a mapping of case fields")
    for key in raw:
        if key not in CASE_FIELDS:
            raise fail(f"unknown field {quote(key)}{_suggest(key, CASE_FIELDS)}",
                       bounded(str(key), 40))
    if "loss" not in raw:
        raise fail("missing: every case names its loss, e.g. 'loss: cross-entropy'", "loss")
    loss = raw["loss"]
    if not isinstance(loss, str):
        raise fail(f"expected a loss name, got {_kind(loss)}", "loss")
    if len(loss) > 80 or not loss.isprintable():
        raise fail(f"unknown loss {quote(loss)}", "loss")
    try:
        spec = registry().resolve(loss)
    except LossCliError as exc:
        raise fail(exc.message, "loss") from None
    base = (path.parent, roots)
    values = _inputs(spec, raw.get("inputs"), base, fail)
    values.update(_params(spec, raw.get("params"), base, fail))
    expect = _expect(spec, raw.get("expect"), base, fail)
    grad = _field(raw, "grad", fail, bool(expect and expect.grad), bool, "true or false")
    case = Case(
        path=path,
        index=index,
        name=name,
        spec=spec,
        values=values,
        reduction=_field(raw, "reduction", fail, "mean", str, "text"),
        dtype=_field(raw, "dtype", fail, "float32", str, "text"),
        grad=grad,
        strict=_field(raw, "strict", fail, False, bool, "true or false"),
        expect=expect,
        rtol=_tolerance(raw, "rtol", fail, DEFAULT_RTOL),
        atol=_tolerance(raw, "atol", fail, DEFAULT_ATOL),
        description=_field(raw, "description", fail, "", str, "text"),
        impl=_field(raw, "impl", fail, None, str, "MODULE_OR_FILE:ATTR"),
        impl_kwargs=dict(_field(raw, "impl_kwargs", fail, {}, Mapping, "a mapping")),
    )
    if expect and expect.grad and not grad:
        raise fail("expect.grad is given but grad is false", "grad")
    return case


def _inputs(spec: LossSpec, raw: Any, base: tuple, fail) -> dict[str, np.ndarray]:
    if raw is None:
        raise fail("missing: give the loss's inputs, e.g. 'inputs: {pred: [...], target: [...]}'"
                   f" ({spec.name} takes {_names(i.name for i in spec.inputs)})", "inputs")
    if not isinstance(raw, Mapping):
        raise fail(f"expected a mapping of input names to tensors, got {_kind(raw)}", "inputs")
    names: dict[str, str] = {}
    for item in spec.inputs:
        for alias in (item.name, *(o for o in item.option_names if o.startswith("--"))):
            names[_key(alias)] = item.name
    values: dict[str, np.ndarray] = {}
    for key, value in raw.items():
        name = names.get(_key(str(key)))
        if name is None:
            known = [i.name for i in spec.inputs]
            raise fail(f"{spec.name} has no input {quote(key)}{_suggest(str(key), known)} "
                       f"(its inputs: {_names(known)})", f"inputs.{bounded(str(key), 40)}")
        values[name] = _tensor(value, f"inputs.{name}", base, fail)
    return values


def _params(spec: LossSpec, raw: Any, base: tuple, fail) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise fail(f"expected a mapping of parameter names to values, got {_kind(raw)}",
                   "params")
    by_key = {_key(p.name): p for p in spec.params}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        param = by_key.get(_key(str(key)))
        if param is None:
            known = [p.name for p in spec.params]
            takes = f"its parameters: {_names(known)}" if known else "it takes no parameters"
            raise fail(f"{spec.name} has no parameter {quote(key)}{_suggest(str(key), known)} "
                       f"({takes})", f"params.{bounded(str(key), 40)}")
        where = f"params.{param.name}"
        if value is None:
            continue
        if param.type == "tensor" or (param.type == "float_or_tensor" and not _scalar(value)):
            values[param.name] = _tensor(value, where, base, fail)
            continue
        try:  # the parser of the command line's values (plot, compare)
            values[param.name] = scalar(param, value)
        except LossCliError as exc:
            raise fail(bounded(exc.message), where) from None
    return values


def _expect(spec: LossSpec, raw: Any, base: tuple, fail) -> Expected | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        return Expected(value=_tensor(raw, "expect", base, fail), bare=True,
                        from_file=("value",) if _is_file_ref(raw) else ())
    if not raw:
        raise fail(f"empty mapping; give one of {_names(EXPECT_FIELDS)}", "expect")
    for key in raw:
        if key not in EXPECT_FIELDS:
            raise fail(f"unknown field {quote(key)}{_suggest(str(key), EXPECT_FIELDS)} "
                       f"(expect takes {_names(EXPECT_FIELDS)})",
                       f"expect.{bounded(str(key), 40)}")
    expected = Expected(bare=False)
    files = [key for key in ("value", "terms") if _is_file_ref(raw.get(key))]
    for key in ("value", "terms"):
        if raw.get(key) is not None:
            setattr(expected, key, _tensor(raw[key], f"expect.{key}", base, fail))
    grads = raw.get("grad")
    if grads is not None:
        if not isinstance(grads, Mapping) or not grads:
            raise fail(f"expected a mapping of input names to gradients, got {_kind(grads)}",
                       "expect.grad")
        known = [i.name for i in spec.inputs]
        for key, value in grads.items():
            name = next((n for n in known if _key(n) == _key(str(key))), None)
            if name is None:
                raise fail(f"{spec.name} has no input {quote(key)} "
                           f"(its inputs: {_names(known)})",
                           f"expect.grad.{bounded(str(key), 40)}")
            expected.grad[name] = _tensor(value, f"expect.grad.{name}", base, fail)
            if _is_file_ref(value):
                files.append(f"grad.{name}")
    if not expected.items():
        raise fail(f"nothing to compare; give one of {_names(EXPECT_FIELDS)}", "expect")
    expected.from_file = tuple(files)
    return expected


def _tensor(value: Any, where: str, base: tuple, fail) -> np.ndarray:
    """A tensor field: a number, nested list, TENSOR literal string or @PATH[:KEY].

    ``base`` is (the case file's folder, the roots its ``@PATH`` must stay in).
    """
    folder, roots = base
    try:
        if isinstance(value, str):
            if value.strip() in ("-", "@-"):
                raise InputError("standard input cannot be read from a case file", argument=where)
            return load_tensor(value, argument=where, base_dir=folder, allowed_roots=roots)
        if value is None:
            raise InputError("is null; expected a number, a nested list or a TENSOR string",
                             argument=where)
        if isinstance(value, Mapping):
            raise InputError(f"expected a tensor, got {_kind(value)}", argument=where)
        return to_array(value, argument=where)
    except LossCliError as exc:
        message = redact(exc.message, value) if _is_file_ref(value) else exc.message
        raise fail(bounded(message), exc.argument or where) from None
    except (ValueError, OverflowError) as exc:
        raise fail(f"cannot read the value: {why(exc)}", where) from None


def _is_file_ref(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith("@")


def _scalar(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and not value.strip().startswith(("[", "@"))


def _field(raw: Mapping, key: str, fail, default: Any, kind: type, wanted: str) -> Any:
    """A scalar field of type ``kind`` (``wanted`` describes it), or ``default``."""
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise fail(f"expected {wanted}, got {_kind(value)}", key)
    return value


def _tolerance(raw: Mapping, key: str, fail, default: float) -> float:
    value = raw.get(key, default)
    if value is None:
        return default
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise fail(f"expected a non-negative number, got {_kind(value)}", key) from None
    if not number >= 0:
        raise fail(f"must be a non-negative number, got {_kind(value)}", key)
    return number


def _key(name: str) -> str:
    return name.lstrip("-").lower().replace("-", "_")


def _kind(value: Any, limit: int = 40) -> str:
    """A short, escaped description of a value from a case file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    if isinstance(value, str):
        return quote(value, limit)
    text = shown(repr(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _names(names: Iterable[str]) -> str:
    return ", ".join(names)


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_case(path: str, select: str | None = None,
              allow: Iterable[str | pathlib.Path] = ()) -> Case:
    """The one case of ``path`` (or the one named ``select``); raise on any fault.

    Its ``@PATH`` references stay inside its folder and the ``allow`` folders.
    """
    file = pathlib.Path(path)
    if not file.is_file():
        raise InputError(f"no such case file: {quote(path, 120)}", argument="CASE")
    entries = load_file(file, roots=(file.parent, *map(pathlib.Path, allow)))
    names = ", ".join(quote(_entry_name(e)) for e in entries[:20]) \
        + (", ..." if len(entries) > 20 else "")
    if select is not None:
        picked = [e for e in entries if _entry_name(e) == select]
        if not picked and select.isdigit() and 1 <= int(select) <= len(entries):
            picked = [entries[int(select) - 1]]
        if not picked:
            raise InputError(f"{shown(path)} has no case {quote(select)} (its cases: {names})",
                             argument="--case")
        entries = picked
    if len(entries) > 1:
        raise InputError(f"{shown(path)} holds {len(entries)} cases; pick one with --case NAME "
                         f"(its cases: {names})", argument="CASE")
    entry = entries[0]
    if isinstance(entry, CaseError):
        raise entry
    return entry


def _entry_name(entry: Case | CaseError) -> str | None:
    return entry.name if isinstance(entry, Case) else entry.case
