"""Loaded data -> a checked NumPy array (:func:`to_array`).

Nested data (JSON, YAML, stdin, literals, Python lists) is walked once: its shape is
inferred from the first element at every depth, then every element is checked
against it. Leaves must be numbers: booleans, null, mappings and non-numeric strings
are refused, naming the offending element (``element [1][2] is 'abc', expected a
number``). Numeric strings (``'1e-3'``, YAML 1.1's ``.inf``/``-.inf``/``.nan``,
``nan``) are read as floats. Nested lists must be rectangular (``ragged nested list:
[1] has 3 elements but [0] has 2``), at most :data:`MAX_NDIM` deep and at most
:data:`MAX_LIST_ELEMENTS` large. If every leaf is an int the result is int64,
otherwise float64 (an empty list gives float64); an int outside int64 is refused.

Arrays (NumPy arrays and scalars, torch tensors and other objects with ``.numpy()``
or ``__array__``) keep their bool, integer or floating dtype in native byte order:
torch tensors are detached, moved to the CPU and made dense, float16/bfloat16 become
float32, float128 becomes float64; complex, string, date, structured and raw-byte
arrays are refused, and object arrays are checked as nested data.
"""

from __future__ import annotations

import numbers
import typing
from collections.abc import Mapping, Sequence

import numpy

from losscli.core.errors import InputError
from losscli.inputs.messages import clip, count, describe, exception_summary, input_error

MAX_NDIM = 32
"""Deepest nesting accepted for list data (NumPy itself stops at 64)."""

MAX_LIST_ELEMENTS = 10_000_000
"""Most elements accepted from nested-list data; larger tensors belong in .npy/.pt files."""

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_YAML_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
                ".nan": float("nan")}


# --------------------------------------------------------------------------- leaves


def float_from_text(text: str) -> float | None:
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
            return float_from_text(value)
        if isinstance(value, numbers.Number) and not isinstance(value, numbers.Complex):
            return float(value)  # type: ignore[arg-type]  # e.g. decimal.Decimal
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
            raise input_error(argument, f"nested list is more than {MAX_NDIM} levels deep")
        size *= max(len(items), 1)
        if size > MAX_LIST_ELEMENTS:
            raise input_error(argument, f"nested list has more than {MAX_LIST_ELEMENTS} "
                              "elements; store large tensors in a .npy or .pt file")
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
            raise self._ragged(f"{_path_text(path)} has {count(len(items))} "
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
                values.append(item)  # type: ignore[arg-type]  # type(item) is float
                self.all_int = False
            elif kind is int and _INT64_MIN <= item <= _INT64_MAX:  # type: ignore[operator]
                values.append(item)  # type: ignore[arg-type]  # type(item) is int
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
                raise input_error(self.argument, f"{_leaf_label(path)} is {clip(str(number), 40)}"
                                  ", which does not fit in a 64-bit integer; write it as a float")
        else:
            self.all_int = False
        self.values.append(number)

    def _bad_leaf(self, value: object, path: list[int], expected: str) -> InputError:
        """Error for a leaf that is not a number."""
        return input_error(self.argument, f"{_leaf_label(path)} is {describe(value)}, {expected}")

    def _ragged(self, detail: str) -> InputError:
        """Error for a non-rectangular nested list."""
        return input_error(self.argument, f"ragged nested list: {detail}")

    def array(self) -> numpy.ndarray:
        """The collected leaves as an int64 or float64 array of the inferred shape."""
        dtype = numpy.int64 if self.values and self.all_int else numpy.float64
        return numpy.array(self.values, dtype=dtype).reshape(self.shape)


def _from_nested(data: object, argument: str) -> numpy.ndarray:
    """Validate nested Python data and convert it to an int64/float64 array."""
    try:
        shape = _infer_shape(data, argument)
        reader = _NestedReader(argument, shape)
        reader.visit(data, [])
    except RecursionError:
        raise input_error(argument, "nested list is too deeply nested") from None
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
    raise input_error(argument, f"unsupported array dtype {dtype}: {problem}")


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
        message = f"cannot convert {type(data).__name__} to an array: {exception_summary(exc)}"
        raise input_error(argument, message) from None


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


def to_array_with_origin(data: object, origin: str, argument: str) -> numpy.ndarray:
    """:func:`to_array`, adding where the data came from (``in 'a.json'``) to its error."""
    try:
        return to_array(data, argument=argument)
    except InputError as exc:
        raise input_error(argument, f"{exc.message} (in {origin})") from None
