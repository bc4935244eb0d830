"""Parse TENSOR arguments (``--pred``, ``--target``, ...) into NumPy arrays.

Grammar of one TENSOR argument::

    TENSOR  := LITERAL | "@" PATH [":" KEY] | "-" | "@-"
    LITERAL := a JSON number or nested JSON array:  0.5   [1, 0, 2]   [[0.8, 0.1], [0.1, 0.9]]
               (NaN, Infinity and -Infinity are accepted, as Python's json module does)
    PATH    := a file name, relative to ``base_dir`` (default: the current directory);
               a leading ``~`` is expanded
    KEY     := NAME ("." NAME)*   picks one entry of a file that holds a mapping;
               dots walk nested mappings (a name that itself contains dots, such as a
               state-dict key ``fc.weight``, is matched first); an integer NAME indexes a list

Files are read by extension (case-insensitive):

    .json           JSON
    .yaml .yml      YAML, plain data only (safe loader; ``!!python/...`` tags are refused)
    .npy .npz       NumPy, never unpickling (``allow_pickle=False``); .npy files are
                    memory-mapped, so their data is read as it is used
    .csv            comma-separated numeric rows; ``#`` comments and blank lines are skipped
    .txt            whitespace- or comma-separated numeric rows; ``#`` comments allowed
    .pt .pth        PyTorch, ``torch.load(weights_only=True)``: a tensor, or a dict of
                    tensors with ``@PATH:KEY``; arbitrary pickles are refused

A CSV/TXT file with one row gives a 1-D array, otherwise a 2-D array. ``@PATH:KEY`` is
split at the last ``:`` only when the part before it is an existing file, or has a
known extension and the whole text is not an existing file, so paths containing ``:``
still work. An ``.npz`` archive holding exactly one array needs no KEY.

``-`` and ``@-`` read standard input as JSON, falling back to YAML.

Leaves of nested data (JSON, YAML, stdin, literals, Python lists given to
:func:`to_array`) must be numbers: booleans, null, mappings and non-numeric strings
are refused, naming the offending element (``element [1][2] is 'abc', expected a
number``). Numeric strings (``'1e-3'``, YAML 1.1's ``.inf``/``-.inf``/``.nan``, ``nan``)
are read as floats. Nested lists must be rectangular. If every leaf is an int the
result is int64, otherwise float64 (an empty list gives float64). Arrays loaded from
.npy/.npz/.pt keep their bool, integer or floating dtype (torch float16/bfloat16 become
float32); complex, object, string and structured arrays are refused.

Every user error raises :class:`losscli.errors.InputError` with a one-line message.
Nothing is ever evaluated or unpickled. Only numpy is imported at module level: yaml
and torch are imported on first use.
"""

from __future__ import annotations

import json
import numbers
import os
import pathlib
import re
import stat
import sys
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy

from losscli.errors import InputError

__all__ = ["MAX_LIST_ELEMENTS", "MAX_NDIM", "SUPPORTED_EXTENSIONS", "load_tensor", "to_array"]

MAX_NDIM = 32
"""Deepest nesting accepted for list data (NumPy itself stops at 64)."""

MAX_LIST_ELEMENTS = 10_000_000
"""Most elements accepted from nested-list data; larger tensors belong in .npy/.pt files."""

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_YAML_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
                ".nan": float("nan")}
_LITERAL_STARTS = ("[", "-", "+", ".", "NaN", "Infinity")
_NOT_PATH_STARTS = ("{", "}", "]", '"', ",", ":")
_SPELLED_SPECIALS = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_TORCH_SAFETY = "not a plain tensor file (only tensors are loaded, never arbitrary pickles)"


# --------------------------------------------------------------------------- messages


def _one_line(message: str, limit: int = 500) -> str:
    """Join the lines of ``message`` and clip it to ``limit`` characters."""
    flat = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _error(argument: str, message: str) -> InputError:
    """Build the one-line :class:`InputError` for ``argument``."""
    return InputError(_one_line(message), argument=argument)


def _clip(text: str, limit: int = 60) -> str:
    """Shorten ``text`` to ``limit`` characters, marking the cut with ``...``."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quote(text: str, limit: int = 60) -> str:
    """Quote user text for a message: clipped, with control characters escaped."""
    return repr(_clip(text, limit))


def _snippet(text: str, pos: int, width: int = 60) -> str:
    """Quote a window of ``text`` around ``pos`` (all of it when short)."""
    if len(text) <= width:
        return repr(text)
    start = max(0, min(pos - width // 2, len(text) - width))
    end = start + width
    window = ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")
    return repr(window)


def _describe(value: object) -> str:
    """Describe a rejected leaf value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, (bool, numpy.bool_)):
        return f"{bool(value)!r} (a boolean)"
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real error
        text = f"<{type(value).__name__} object>"
    if isinstance(value, Mapping):
        return f"a mapping {_clip(text, 40)}"
    return _clip(text, 40)


def _exception_summary(exc: BaseException) -> str:
    """``Type: message`` of an exception, for wrapping reader failures."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {_clip(text, 200)}" if text else type(exc).__name__


def _keys_text(names: Sequence[str], limit: int = 20) -> str:
    """Comma-separated list of (at most ``limit``) available keys."""
    if not names:
        return "(none)"
    shown = ", ".join(_clip(name, 40) for name in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


# --------------------------------------------------------------------------- leaves


def _float_from_text(text: str) -> float | None:
    """A float from a numeric string (incl. YAML's ``.inf``/``.nan``), else None."""
    stripped = text.strip()
    special = _YAML_FLOATS.get(stripped.lower())
    if special is not None:
        return special
    try:
        return float(stripped)
    except (ValueError, OverflowError):
        return None


def _number(value: object) -> int | float | None:
    """``value`` as a Python int or float, or None when it is not a real number."""
    if isinstance(value, (bool, numpy.bool_)):
        return None
    try:
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, str):
            return _float_from_text(value)
        if isinstance(value, numbers.Number) and not isinstance(value, numbers.Complex):
            return float(value)  # e.g. decimal.Decimal
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return None
    return None


def _path_text(path: Sequence[int]) -> str:
    """``[1][2]`` for an element path."""
    return "".join(f"[{index}]" for index in path)


def _leaf_label(path: Sequence[int]) -> str:
    """How an element at ``path`` is named in messages."""
    return f"element {_path_text(path)}" if path else "value"


# --------------------------------------------------------------------------- nested data


def _is_tensor_like(data: object) -> bool:
    """True for objects converted through ``.numpy()`` or ``__array__`` (not lists)."""
    if isinstance(data, (str, bytes, bytearray, Mapping, list, tuple)):
        return False
    return callable(getattr(data, "numpy", None)) or hasattr(data, "__array__")


def _children(node: object, argument: str) -> Sequence[object] | None:
    """The elements of a list-like node, or None for a leaf."""
    if isinstance(node, (list, tuple)):
        return node
    if isinstance(node, (str, bytes, bytearray, Mapping)):
        return None
    if isinstance(node, numpy.ndarray) or _is_tensor_like(node):
        array = to_array(node, argument=argument)
        return array.tolist() if array.ndim else None
    if isinstance(node, Sequence):
        return node
    return None


def _leaf_value(node: object, argument: str) -> object:
    """Unwrap a 0-d array or tensor leaf into a Python scalar."""
    if isinstance(node, numpy.ndarray) or _is_tensor_like(node):
        return to_array(node, argument=argument).item()
    return node


def _infer_shape(data: object, argument: str) -> tuple[int, ...]:
    """Shape implied by following the first element at every depth."""
    shape: list[int] = []
    size = 1
    node = data
    while (items := _children(node, argument)) is not None:
        shape.append(len(items))
        if len(shape) > MAX_NDIM:
            raise _error(argument, f"nested list is more than {MAX_NDIM} levels deep")
        size *= max(len(items), 1)
        if size > MAX_LIST_ELEMENTS:
            raise _error(argument, f"nested list has more than {MAX_LIST_ELEMENTS} elements; "
                         "store large tensors in a .npy or .pt file")
        if not items:
            break
        node = items[0]
    return tuple(shape)


class _NestedReader:
    """Check nested data against an inferred shape and collect its leaves in order."""

    def __init__(self, argument: str, shape: tuple[int, ...]) -> None:
        self.argument = argument
        self.shape = shape
        self.values: list[int | float] = []
        self.all_int = True

    def visit(self, node: object, path: list[int]) -> None:
        """Validate ``node`` found at ``path`` and everything below it."""
        depth = len(path)
        items = _children(node, self.argument)
        if depth == len(self.shape):
            if items is not None:
                raise self._ragged(f"{_path_text(path)} is a list but {'[0]' * depth} is a number")
            self._add_leaf(_leaf_value(node, self.argument), path)
            return
        if items is None:
            if _number(_leaf_value(node, self.argument)) is None:
                raise self._bad_leaf(node, path, "expected a number or a list")
            raise self._ragged(f"{_path_text(path)} is a number but {'[0]' * depth} is a list")
        if len(items) != self.shape[depth]:
            raise self._ragged(f"{_path_text(path)} has {_count(len(items))} "
                               f"but {'[0]' * depth} has {self.shape[depth]}")
        if depth + 1 == len(self.shape):
            self._visit_leaves(items, path)
            return
        for index, item in enumerate(items):
            self.visit(item, [*path, index])

    def _visit_leaves(self, items: Sequence[object], path: list[int]) -> None:
        """Fast path for the innermost lists: plain floats and ints are taken directly."""
        values = self.values
        for index, item in enumerate(items):
            kind = type(item)
            if kind is float:
                values.append(item)
                self.all_int = False
            elif kind is int and _INT64_MIN <= item <= _INT64_MAX:
                values.append(item)
            else:
                self.visit(item, [*path, index])

    def _add_leaf(self, value: object, path: list[int]) -> None:
        """Convert and record one leaf."""
        number = _number(value)
        if number is None:
            expected = "expected a number" if path else "expected a number or a nested list"
            raise self._bad_leaf(value, path, expected)
        if isinstance(number, int):
            if not _INT64_MIN <= number <= _INT64_MAX:
                raise _error(self.argument, f"{_leaf_label(path)} is {_clip(str(number), 40)}, "
                             "which does not fit in a 64-bit integer; write it as a float")
        else:
            self.all_int = False
        self.values.append(number)

    def _bad_leaf(self, value: object, path: list[int], expected: str) -> InputError:
        """Error for a leaf that is not a number."""
        return _error(self.argument, f"{_leaf_label(path)} is {_describe(value)}, {expected}")

    def _ragged(self, detail: str) -> InputError:
        """Error for a non-rectangular nested list."""
        return _error(self.argument, f"ragged nested list: {detail}")

    def array(self) -> numpy.ndarray:
        """The collected leaves as an int64 or float64 array of the inferred shape."""
        dtype = numpy.int64 if self.values and self.all_int else numpy.float64
        return numpy.array(self.values, dtype=dtype).reshape(self.shape)


def _count(n: int) -> str:
    """``1 element`` / ``3 elements``."""
    return f"{n} element" if n == 1 else f"{n} elements"


def _from_nested(data: object, argument: str) -> numpy.ndarray:
    """Validate nested Python data and convert it to an int64/float64 array."""
    try:
        shape = _infer_shape(data, argument)
        reader = _NestedReader(argument, shape)
        reader.visit(data, [])
    except RecursionError:
        raise _error(argument, "nested list is too deeply nested") from None
    return reader.array()


# --------------------------------------------------------------------------- arrays


def _check_dtype(array: numpy.ndarray, argument: str) -> numpy.ndarray:
    """Accept bool/int/float arrays (native byte order); refuse everything else."""
    dtype = array.dtype
    kind = dtype.kind
    if kind == "O":
        return _from_nested(array.tolist(), argument)
    if kind in "biuf":
        if kind == "f" and dtype.itemsize > 8:
            return array.astype(numpy.float64)
        return array if dtype.isnative else array.astype(dtype.newbyteorder("="))
    if kind == "c":
        problem = "complex values are not supported"
    elif kind in "US":
        problem = "it holds strings, expected numbers"
    elif kind in "mM":
        problem = "it holds dates or time spans, expected numbers"
    else:
        problem = "structured and raw-byte arrays are not supported"
    raise _error(argument, f"unsupported array dtype {dtype}: {problem}")


def _prepare_tensor(tensor: typing.Any) -> typing.Any:
    """Detach a torch-like tensor, move it to the CPU and make it NumPy-convertible."""
    for method in ("detach", "cpu"):
        if callable(getattr(tensor, method, None)):
            tensor = getattr(tensor, method)()
    layout = getattr(tensor, "layout", None)
    if layout is not None and str(layout) != "torch.strided" and hasattr(tensor, "to_dense"):
        tensor = tensor.to_dense()
    is_float = getattr(tensor, "is_floating_point", None)
    if callable(is_float) and is_float() and tensor.element_size() < 4:
        tensor = tensor.float()  # float16, bfloat16, float8 -> float32
    for method in ("resolve_conj", "resolve_neg"):
        if callable(getattr(tensor, method, None)):
            tensor = getattr(tensor, method)()
    return tensor


def _tensor_to_numpy(data: object, argument: str) -> numpy.ndarray:
    """Convert an object with ``.numpy()`` or ``__array__`` to a NumPy array."""
    try:
        if callable(getattr(data, "numpy", None)):
            return numpy.asarray(_prepare_tensor(data).numpy())
        return numpy.asarray(data)
    except Exception as exc:  # any failure of third-party conversion is the input's fault
        message = f"cannot convert {type(data).__name__} to an array: {_exception_summary(exc)}"
        raise _error(argument, message) from None


def to_array(data: object, *, argument: str) -> numpy.ndarray:
    """Convert loaded data to a validated NumPy array.

    ``data`` may be a number, a (nested) list or tuple of numbers as loaded from
    JSON/YAML, a NumPy array or scalar, or a tensor-like object with ``.numpy()``
    (torch tensors are detached and moved to the CPU; float16/bfloat16 become
    float32). Nested data follows the leaf and dtype rules of the module docstring;
    arrays keep their bool/integer/float dtype. Raises :class:`InputError` naming
    ``argument`` for anything else.
    """
    if isinstance(data, numpy.ndarray):
        return _check_dtype(data, argument)
    if isinstance(data, numpy.generic):
        return _check_dtype(numpy.asarray(data), argument)
    if _is_tensor_like(data):
        return _check_dtype(_tensor_to_numpy(data, argument), argument)
    return _from_nested(data, argument)


# --------------------------------------------------------------------------- literals


def _literal_hint(spec: str, json_message: str) -> str:
    """A suggestion appended to a malformed-literal message, or ''."""
    if spec.lower() in _SPELLED_SPECIALS:
        return "; JSON spells these NaN, Infinity and -Infinity"
    if json_message.startswith("Extra data") and "," in spec and spec[:1] in "0123456789-+.":
        return f"; did you mean [{_clip(spec, 40)}]?"
    if spec[:1].isdigit() or spec.startswith(_LITERAL_STARTS + _NOT_PATH_STARTS):
        return ""
    return f"; did you mean @{_clip(spec, 60)}?"


def _parse_literal(spec: str, argument: str) -> numpy.ndarray:
    """Parse a JSON number or nested array."""
    try:
        data = json.loads(spec)
    except json.JSONDecodeError as exc:
        message = exc.msg[:1].lower() + exc.msg[1:]
        where = f"at character {exc.pos} of {_snippet(spec, exc.pos)}"
        hint = _literal_hint(spec, exc.msg)
        raise _error(argument, f"not a valid TENSOR literal: {message} {where}{hint}") from None
    except RecursionError:
        raise _error(argument, "not a valid TENSOR literal: nested too deeply") from None
    return to_array(data, argument=argument)


# --------------------------------------------------------------------------- text formats


def _yaml_problem(exc: Exception) -> str:
    """One-line description of a YAML error, with its position when known."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} at line {mark.line + 1} column {mark.column + 1}"
    return _one_line(str(exc), 200) or type(exc).__name__


def _parse_yaml(text: str, name: str, argument: str) -> object:
    """``yaml.safe_load`` (C loader when available); python tags are refused."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.constructor.ConstructorError as exc:
        tag = re.search(r"tag '([^']*)'", str(exc.problem))
        if tag:
            shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            raise _error(argument, f"YAML tag {_quote(shown, 80)} in {name} is not allowed; "
                         "only plain data is read") from None
        raise _error(argument, f"{name} is not valid YAML: {_yaml_problem(exc)}") from None
    except yaml.YAMLError as exc:
        raise _error(argument, f"{name} is not valid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise _error(argument, f"{name} is nested too deeply") from None


def _parse_json(text: str, name: str, argument: str) -> object:
    """``json.loads`` with a one-line, positioned error message."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = exc.msg[:1].lower() + exc.msg[1:]
        raise _error(argument, f"{name} is not valid JSON: {message} "
                     f"at line {exc.lineno} column {exc.colno}") from None


def _parse_json_or_yaml(text: str, name: str, argument: str) -> object:
    """Parse JSON, falling back to YAML; report the error of the likelier format."""
    try:
        return json.loads(text)
    except RecursionError:
        raise _error(argument, f"{name} is nested too deeply") from None
    except json.JSONDecodeError:
        pass
    if not text.lstrip().startswith(("[", "{")):
        return _parse_yaml(text, name, argument)
    try:
        return _parse_yaml(text, name, argument)
    except InputError:
        _parse_json(text, name, argument)  # JSON-looking text: raise the clearer JSON error
        raise


# --------------------------------------------------------------------------- stdin


def _read_stream(stream: typing.TextIO | None, argument: str) -> str:
    """All text of standard input (or the given stream)."""
    if stream is None:
        raise _error(argument, "no standard input is available")
    try:
        if stream.isatty():
            raise _error(argument, "standard input is a terminal; pipe a TENSOR into it")
    except (AttributeError, ValueError, OSError):
        pass
    try:
        text = stream.read()
    except UnicodeDecodeError:
        raise _error(argument, "standard input is not valid UTF-8 text") from None
    except (OSError, ValueError) as exc:
        raise _error(argument, f"cannot read standard input: {_exception_summary(exc)}") from None
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _error(argument, "standard input is not valid UTF-8 text") from None
    return text


def _load_stdin(stdin: typing.TextIO | None, argument: str) -> numpy.ndarray:
    """Read a TENSOR as JSON or YAML from standard input."""
    text = _read_stream(stdin if stdin is not None else sys.stdin, argument)
    if not text.strip():
        raise _error(argument, "standard input is empty")
    data = _parse_json_or_yaml(text, "standard input", argument)
    if isinstance(data, Mapping):
        raise _error(argument, "standard input holds a mapping, expected a number or a nested "
                     f"list (keys: {_keys_text([str(k) for k in data])})")
    return _with_origin(data, "standard input", argument)


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class _Source:
    """A file named on the command line, for reading and for messages."""

    argument: str
    display: str
    path: pathlib.Path
    key: str | None

    @property
    def name(self) -> str:
        """The file name as the user wrote it, quoted."""
        return _quote(self.display, 80)

    def fail(self, message: str) -> InputError:
        """An :class:`InputError` for this file's argument."""
        return _error(self.argument, message)

    def read_bytes(self) -> bytes:
        """The file's content (refusing an empty file)."""
        try:
            content = self.path.read_bytes()
        except OSError as exc:
            raise self.fail(f"cannot read {self.name}: {exc.strerror or exc}") from None
        if not content:
            raise self.fail(f"{self.name} is empty")
        return content

    def read_text(self) -> str:
        """The file's content decoded as UTF-8 (a BOM is ignored)."""
        try:
            text = self.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise self.fail(f"{self.name} is not valid UTF-8 text "
                            f"(bad byte at offset {exc.start})") from None
        if not text.strip():
            raise self.fail(f"{self.name} is empty")
        return text


def _resolve(path_text: str, base_dir: pathlib.Path | None) -> pathlib.Path:
    """The path of ``path_text``, relative to ``base_dir`` when given."""
    path = pathlib.Path(os.path.expanduser(path_text))
    if base_dir is not None and not path.is_absolute():
        path = pathlib.Path(base_dir) / path
    return path


def _is_file(path_text: str, base_dir: pathlib.Path | None) -> bool:
    """True when ``path_text`` names an existing non-directory."""
    try:
        path = _resolve(path_text, base_dir)
        return path.exists() and not path.is_dir()
    except (OSError, ValueError):
        return False


def _has_known_extension(path_text: str) -> bool:
    """True when ``path_text`` ends with a supported extension."""
    return pathlib.PurePath(path_text).suffix.lower() in _READERS


def _split_key(spec: str, base_dir: pathlib.Path | None) -> tuple[str, str | None]:
    """Split ``PATH:KEY`` at the last ``:`` when PATH names (or looks like) a file."""
    head, colon, key = spec.rpartition(":")
    if not colon or not head:
        return spec, None
    if _is_file(head, base_dir):
        return head, key
    if _is_file(spec, base_dir):
        return spec, None
    if _has_known_extension(head):
        return head, key
    return spec, None


def _check_file(src: _Source, base_dir: pathlib.Path | None) -> None:
    """Refuse a missing path, a directory or an empty file."""
    try:
        info = src.path.stat()
    except (FileNotFoundError, NotADirectoryError):
        where = f" (looked for {_quote(str(src.path), 120)})" if base_dir is not None else ""
        raise src.fail(f"file not found: {src.name}{where}") from None
    except ValueError:
        raise src.fail(f"invalid file name {src.name}") from None
    except OSError as exc:
        raise src.fail(f"cannot access {src.name}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise src.fail(f"{src.name} is a directory, expected a file")
    if stat.S_ISREG(info.st_mode) and info.st_size == 0:
        raise src.fail(f"{src.name} is empty")


def _load_file(spec: str, argument: str, base_dir: pathlib.Path | None) -> numpy.ndarray:
    """Load ``PATH[:KEY]`` (the text after ``@``)."""
    path_text, key = _split_key(spec.strip(), base_dir)
    if not path_text:
        raise _error(argument, "missing file name after '@' (write @PATH, or - for stdin)")
    if key is not None and not key.strip():
        raise _error(argument, f"empty KEY after ':' in @{_clip(spec, 60)}")
    src = _Source(argument, path_text, _resolve(path_text, base_dir), key)
    _check_file(src, base_dir)
    reader = _READERS.get(src.path.suffix.lower())
    if reader is None:
        suffix = src.path.suffix or "(none)"
        raise src.fail(f"unsupported file extension {_quote(suffix, 20)} of {src.name}; "
                       f"supported: {', '.join(SUPPORTED_EXTENSIONS)}")
    try:
        return reader(src)
    except InputError:
        raise
    except Exception as exc:  # a reader failure on odd content is the file's fault
        raise src.fail(f"cannot read {src.name}: {_exception_summary(exc)}") from None


# --------------------------------------------------------------------------- mappings


def _entry_names(node: Mapping[typing.Any, typing.Any]) -> list[str]:
    """The keys of a mapping as strings."""
    return [str(name) for name in node]


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


def _missing_entry(node: object, parts: list[str], start: int, src: _Source) -> InputError:
    """Error for a KEY that does not exist."""
    where = f"entry {_quote('.'.join(parts[:start]))} of {src.name}" if start else src.name
    missing = _quote(parts[start], 40)
    if isinstance(node, Mapping):
        return src.fail(f"no key {missing} in {where} (keys: {_keys_text(_entry_names(node))})")
    if isinstance(node, (list, tuple)):
        return src.fail(f"no entry {missing} in {where}: it is a list of {_count(len(node))}, "
                        "pick one by index")
    if not start:
        return src.fail(f"{where} holds a single tensor, not a mapping; "
                        f"remove ':{_clip(str(src.key), 40)}'")
    return src.fail(f"{where} is not a mapping; cannot look up {missing} in it")


def _select(data: object, src: _Source) -> object:
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
        names = _entry_names(data)
        where = f"entry {_quote(key)} of {src.name}" if key else src.name
        prefix = f"@{src.display}:{key + '.' if key else ''}"
        example = f", e.g. {_clip(prefix + names[0], 80)}" if names else ""
        raise src.fail(f"{where} holds a mapping; pick an entry with @PATH:KEY{example} "
                       f"(keys: {_keys_text(names)})")
    return data


def _single_only(src: _Source) -> None:
    """Refuse a KEY for a format that holds one tensor."""
    if src.key is not None:
        raise src.fail(f"{src.name} holds a single tensor, not a mapping; "
                       f"remove ':{_clip(src.key, 40)}'")


def _with_origin(data: object, origin: str, argument: str) -> numpy.ndarray:
    """:func:`to_array`, adding where the data came from to its error."""
    try:
        return to_array(data, argument=argument)
    except InputError as exc:
        raise _error(argument, f"{exc.message} (in {origin})") from None


def _origin(src: _Source) -> str:
    """``'file.yaml'`` or ``'file.yaml', key 'a.b'`` for messages."""
    return src.name + (f", key {_quote(src.key, 40)}" if src.key else "")


# --------------------------------------------------------------------------- readers


def _read_json(src: _Source) -> numpy.ndarray:
    """Read a .json file."""
    data = _select(_parse_json(src.read_text(), src.name, src.argument), src)
    return _with_origin(data, _origin(src), src.argument)


def _read_yaml(src: _Source) -> numpy.ndarray:
    """Read a .yaml/.yml file (plain data only)."""
    data = _parse_yaml(src.read_text(), src.name, src.argument)
    if data is None:
        raise src.fail(f"{src.name} holds no data")
    return _with_origin(_select(data, src), _origin(src), src.argument)


def _split_row(content: str, commas_only: bool) -> list[str]:
    """The cells of one CSV (``commas_only``) or TXT row."""
    if commas_only:
        return [cell.strip() for cell in content.split(",")]
    return re.split(r"\s*,\s*|\s+", content)


def _parse_cell(cell: str, src: _Source, lineno: int, first_row: bool) -> int | float:
    """One numeric cell of a CSV/TXT file."""
    if not cell:
        raise src.fail(f"line {lineno} of {src.name}: empty field")
    try:
        value = int(cell)
    except ValueError:
        value = _float_from_text(cell)
    if value is None:
        hint = " (header rows are not supported; comment them out with #)" if first_row else ""
        raise src.fail(f"line {lineno} of {src.name}: {_quote(cell, 40)} is not a number{hint}")
    return value


def _read_rows(src: _Source, commas_only: bool) -> list[tuple[int, list[int | float]]]:
    """(line number, numbers) for every data line of a CSV/TXT file."""
    rows: list[tuple[int, list[int | float]]] = []
    for lineno, line in enumerate(src.read_text().splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        cells = _split_row(content, commas_only)
        values = [_parse_cell(cell, src, lineno, not rows) for cell in cells]
        if rows and len(values) != len(rows[0][1]):
            raise src.fail(f"ragged rows in {src.name}: line {lineno} has "
                           f"{_count(len(values))} but line {rows[0][0]} has {len(rows[0][1])}")
        rows.append((lineno, values))
    if not rows:
        raise src.fail(f"{src.name} holds no numbers")
    return rows


def _read_table(src: _Source, commas_only: bool) -> numpy.ndarray:
    """Read a CSV/TXT file: one row gives 1-D, more rows give 2-D."""
    _single_only(src)
    rows = [values for _, values in _read_rows(src, commas_only)]
    data: object = rows[0] if len(rows) == 1 else rows
    return _with_origin(data, src.name, src.argument)


def _read_csv(src: _Source) -> numpy.ndarray:
    """Read a .csv file."""
    return _read_table(src, commas_only=True)


def _read_txt(src: _Source) -> numpy.ndarray:
    """Read a .txt file."""
    return _read_table(src, commas_only=False)


def _refuse_pickle(src: _Source) -> typing.NoReturn:
    """Refuse a NumPy file that would need unpickling."""
    raise src.fail(f"refusing to load {src.name}: it holds pickled Python objects "
                   "(only plain numeric arrays are loaded, never pickles)")


def _pick_npz(archive: typing.Any, src: _Source) -> numpy.ndarray:
    """The array named by ``src.key`` in an .npz archive (or its only array)."""
    names = list(archive.files)
    if src.key is None:
        if not names:
            raise src.fail(f"{src.name} holds no arrays")
        if len(names) > 1:
            raise src.fail(f"{src.name} holds a mapping; pick an entry with @PATH:KEY, e.g. "
                           f"{_clip(f'@{src.display}:{names[0]}', 80)} "
                           f"(keys: {_keys_text(names)})")
        name = names[0]
    elif src.key in names:
        name = src.key
    else:
        raise src.fail(f"no key {_quote(src.key, 40)} in {src.name} (keys: {_keys_text(names)})")
    try:
        array = archive[name]
    except ValueError as exc:
        if "pickle" in str(exc):
            _refuse_pickle(src)
        raise
    return _with_origin(array, _origin(src), src.argument)


def _read_numpy(src: _Source) -> numpy.ndarray:
    """Read a .npy (memory-mapped) or .npz file without ever unpickling."""
    try:
        loaded = _load_numpy(src.path)
    except ValueError as exc:
        if "pickle" in str(exc):
            _refuse_pickle(src)
        raise
    if hasattr(loaded, "files"):
        with loaded:
            return _pick_npz(loaded, src)
    _single_only(src)
    return _with_origin(loaded, src.name, src.argument)


def _load_numpy(path: pathlib.Path) -> typing.Any:
    """A .npy file memory-mapped read-only (its data is read as it is used, so inputs of
    any size fit), an .npz archive opened; object arrays fall through to the refusal."""
    if path.suffix.lower() == ".npy":
        try:
            return numpy.load(path, mmap_mode="r", allow_pickle=False)
        except ValueError as exc:
            if "Python objects" not in str(exc):
                raise
    return numpy.load(path, allow_pickle=False)


def _read_torch(src: _Source) -> numpy.ndarray:
    """Read a .pt/.pth file with ``weights_only=True``: a tensor or a dict of tensors."""
    import pickle

    try:
        import torch
    except ImportError:
        raise src.fail(f"cannot read {src.name}: PyTorch is not installed") from None
    try:
        loaded = torch.load(src.path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError:
        raise src.fail(f"refusing to load {src.name}: {_TORCH_SAFETY}") from None
    except Exception as exc:
        raise src.fail(f"cannot read {src.name} as a PyTorch file: "
                       f"{_exception_summary(exc)}") from None
    value = _select(loaded, src)
    if not isinstance(value, torch.Tensor):
        where = f"entry {_quote(src.key, 40)} of {src.name}" if src.key else src.name
        raise src.fail(f"{where} is not a plain tensor (found {type(value).__name__}); "
                       "only a tensor, or a dict of tensors with @PATH:KEY, is read")
    return _with_origin(value, _origin(src), src.argument)


_READERS: dict[str, typing.Callable[[_Source], numpy.ndarray]] = {
    ".json": _read_json,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
    ".npy": _read_numpy,
    ".npz": _read_numpy,
    ".csv": _read_csv,
    ".txt": _read_txt,
    ".pt": _read_torch,
    ".pth": _read_torch,
}

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_READERS)
"""File extensions understood after ``@`` (case-insensitive)."""


# --------------------------------------------------------------------------- entry point


def load_tensor(
    text: str,
    *,
    argument: str,
    base_dir: pathlib.Path | None = None,
    stdin: typing.TextIO | None = None,
) -> numpy.ndarray:
    """Parse one TENSOR argument (see the module docstring) into a NumPy array.

    ``argument`` names the option in error messages (``--pred``); ``base_dir``
    resolves relative file paths (default: the current directory); ``stdin`` is
    read for ``-``/``@-`` (default: :data:`sys.stdin`). Scalars give 0-d arrays.
    Every user error raises :class:`InputError` with a one-line message.
    """
    if not isinstance(text, str):
        raise TypeError(f"load_tensor() expects a str, got {type(text).__name__}")
    spec = text.strip()
    if not spec:
        raise _error(argument, "empty TENSOR; give a number, a JSON array such as [1, 0, 2], "
                     "@PATH, or - for standard input")
    if spec in ("-", "@-"):
        return _load_stdin(stdin, argument)
    if spec.startswith("@"):
        return _load_file(spec[1:], argument, base_dir)
    return _parse_literal(spec, argument)
