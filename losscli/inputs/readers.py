"""One reader per file extension after ``@`` (case-insensitive):

    .json           JSON
    .yaml .yml      YAML, plain data only (safe loader; ``!!python/...`` tags are refused)
    .npy .npz       NumPy, never unpickling (``allow_pickle=False``); .npy files are
                    memory-mapped, so their data is read as it is used; an .npz member
                    is read into memory, so its declared size must be within
                    ``LOSSCLI_MAX_INPUT_BYTES`` (:mod:`losscli.inputs.limits`)
    .csv            comma-separated numeric rows; ``#`` comments and blank lines are skipped
    .txt            whitespace- or comma-separated numeric rows; ``#`` comments allowed
    .pt .pth        PyTorch, ``torch.load(weights_only=True)``: a tensor, or a dict of
                    tensors with ``@PATH:KEY``; arbitrary pickles are refused; the
                    tensor's numel x itemsize must be within ``LOSSCLI_MAX_INPUT_BYTES``

A CSV/TXT file with one row or one column gives a 1-D array (as ``numpy.loadtxt``),
otherwise a 2-D array. An ``.npz``
archive holding exactly one array needs no KEY. Nothing is ever evaluated or
unpickled; torch is imported only to read a .pt/.pth file.
"""

from __future__ import annotations

import array
import io
import pathlib
import re
import typing
from typing import Any

import numpy

from losscli.inputs.limits import input_limit_message, max_input_bytes, size_text
from losscli.inputs.messages import clip, count, exception_summary, keys_text, quote
from losscli.inputs.nested import float_from_text, to_array_with_origin
from losscli.inputs.source import Source, select, single_only
from losscli.inputs.text import parse_json, parse_yaml

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_TORCH_SAFETY = "not a plain tensor file (only tensors are loaded, never arbitrary pickles)"


# --------------------------------------------------------------------------- JSON, YAML


def _read_json(src: Source) -> numpy.ndarray:
    """Read a .json file."""
    data = select(parse_json(src.read_text(), src.name, src.argument), src)
    return to_array_with_origin(data, src.origin, src.argument)


def _read_yaml(src: Source) -> numpy.ndarray:
    """Read a .yaml/.yml file (plain data only)."""
    data = parse_yaml(src.read_text(), src.name, src.argument)
    if data is None:
        raise src.fail(f"{src.name} holds no data")
    return to_array_with_origin(select(data, src), src.origin, src.argument)


# --------------------------------------------------------------------------- CSV, TXT


def _split_row(content: str, commas_only: bool) -> list[str]:
    """The cells of one CSV (``commas_only``) or TXT row."""
    if commas_only:
        return [cell.strip() for cell in content.split(",")]
    return re.split(r"\s*,\s*|\s+", content)


def _parse_cell(cell: str, src: Source, where: tuple[int, int], first_row: bool
                ) -> int | float:
    """One numeric cell of a CSV/TXT file; ``where`` is its (line, field) number.

    Messages give the position, never the cell: the file may not be what the user
    meant to pass (a configuration file, a password file).
    """
    place = f"line {where[0]}, field {where[1]} of {src.name}"
    if not cell:
        raise src.fail(f"{place}: empty field")
    value: int | float | None
    try:
        value = int(cell) if len(cell) <= 4000 else None
    except ValueError:
        value = None
    if value is None:
        value = float_from_text(cell)
    if value is None:
        hint = " (header rows are not supported; comment them out with #)" if first_row else ""
        raise src.fail(f"{place}: not a number{hint}")
    return value


class _Table:
    """The numbers of a CSV/TXT file, packed as they are read (8 bytes each, not a
    Python object per cell): int64 while every cell is an integer, float64 after."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.values: array.array[Any] = array.array("q")
        self.rows = 0
        self.width = 0
        self.first_line = 0

    def add_row(self, lineno: int, cells: list[int | float]) -> None:
        """Append one data line's numbers."""
        if not self.rows:
            self.width, self.first_line = len(cells), lineno
        elif len(cells) != self.width:
            raise self.src.fail(f"ragged rows in {self.src.name}: line {lineno} has "
                                f"{count(len(cells))} but line {self.first_line} has "
                                f"{self.width}")
        for field, value in enumerate(cells, start=1):
            if isinstance(value, int) and not _INT64_MIN <= value <= _INT64_MAX:
                raise self.src.fail(f"line {lineno}, field {field} of {self.src.name}: the "
                                    "integer does not fit in 64 bits; write it as a float")
            if isinstance(value, float) and self.values.typecode == "q":
                self.values = array.array("d", self.values)
        self.values.extend(cells)
        self.rows += 1

    def array(self) -> numpy.ndarray:
        """The numbers shaped as ``numpy.loadtxt`` does: one row or one column gives 1-D,
        more of both give 2-D."""
        if not self.rows:
            raise self.src.fail(f"{self.src.name} holds no numbers")
        dtype = numpy.int64 if self.values.typecode == "q" else numpy.float64
        flat = numpy.frombuffer(self.values, dtype=dtype)
        if self.rows == 1 or self.width == 1:
            return flat
        return flat.reshape(self.rows, self.width)


def _read_table(src: Source, commas_only: bool) -> numpy.ndarray:
    """Read a CSV/TXT file, line by line."""
    single_only(src)
    table = _Table(src)
    for lineno, line in enumerate(io.StringIO(src.read_text(), newline=None), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        cells = _split_row(content, commas_only)
        table.add_row(lineno, [_parse_cell(cell, src, (lineno, field), not table.rows)
                               for field, cell in enumerate(cells, start=1)])
    return to_array_with_origin(table.array(), src.name, src.argument)


def _read_csv(src: Source) -> numpy.ndarray:
    """Read a .csv file."""
    return _read_table(src, commas_only=True)


def _read_txt(src: Source) -> numpy.ndarray:
    """Read a .txt file."""
    return _read_table(src, commas_only=False)


# --------------------------------------------------------------------------- NumPy


def _refuse_pickle(src: Source) -> typing.NoReturn:
    """Refuse a NumPy file that would need unpickling."""
    raise src.fail(f"refusing to load {src.name}: it holds pickled Python objects "
                   "(only plain numeric arrays are loaded, never pickles)")


def _declared(handle: typing.BinaryIO) -> tuple[numpy.dtype, int] | None:
    """(dtype, data bytes) from the header of a .npy stream, before any data; None when
    the header cannot be read (``numpy.load`` then reports the file: a pickle, garbage).

    The size is computed with Python integers, so an absurd shape cannot overflow.
    """
    from numpy.lib import format as npy

    try:
        version = npy.read_magic(handle)
        read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, _, dtype = read(handle)
    except (ValueError, TypeError, SyntaxError, OverflowError, EOFError):
        return None
    elements = 1
    for n in shape:
        elements *= int(n)
    return dtype, elements * dtype.itemsize


def _pick_npz(archive: typing.Any, src: Source) -> numpy.ndarray:
    """The array named by ``src.key`` in an .npz archive (or its only array); its
    declared size (the zip member's and its header's) is checked before it is read."""
    names = list(archive.files)
    if src.key is None:
        if not names:
            raise src.fail(f"{src.name} holds no arrays")
        if len(names) > 1:
            raise src.fail(f"{src.name} holds a mapping; pick an entry with @PATH:KEY, e.g. "
                           f"{clip(f'@{src.display}:{names[0]}', 80)} "
                           f"(keys: {keys_text(names)})")
        name = names[0]
    elif src.key in names:
        name = src.key
    else:
        raise src.fail(f"no key {quote(src.key, 40)} in {src.name} (keys: {keys_text(names)})")
    _check_member(archive, name, src)
    try:
        array = archive[name]
    except ValueError as exc:
        if "pickle" in str(exc):
            _refuse_pickle(src)
        raise
    return to_array_with_origin(array, src.origin, src.argument)


def _check_member(archive: typing.Any, name: str, src: Source) -> None:
    """Refuse an .npz member that declares more than :func:`max_input_bytes`."""
    member = name if name in archive.zip.namelist() else f"{name}.npy"
    info = archive.zip.getinfo(member)
    what = f"entry {quote(name, 40)} of {src.name}"
    limit = max_input_bytes()
    if info.file_size > limit:
        raise src.fail(input_limit_message(what, info.file_size))
    with archive.zip.open(member) as handle:
        header = _declared(handle)
    if header is None or header[0].hasobject:
        return
    nbytes = header[1]
    if nbytes > limit:
        raise src.fail(input_limit_message(what, nbytes))
    if nbytes > info.file_size:
        raise src.fail(f"{what} is truncated: its header declares {size_text(nbytes)} of "
                       f"data but it holds {size_text(info.file_size)}")


def _check_npy(src: Source) -> None:
    """Refuse a .npy file whose header declares more data than the file holds."""
    with open(src.path, "rb") as handle:
        header = _declared(handle)
        offset = handle.tell()
    if header is None or header[0].hasobject:
        return
    nbytes = header[1]
    size = src.path.stat().st_size
    if nbytes > size - offset:
        raise src.fail(f"{src.name} is truncated: its header declares {size_text(nbytes)} of "
                       f"data but the file holds {size_text(max(0, size - offset))}")


def _read_numpy(src: Source) -> numpy.ndarray:
    """Read a .npy (memory-mapped) or .npz file without ever unpickling."""
    if src.path.suffix.lower() == ".npy":
        _check_npy(src)
    try:
        loaded = _load_numpy(src.path)
    except ValueError as exc:
        if "pickle" in str(exc):
            _refuse_pickle(src)
        raise
    if hasattr(loaded, "files"):
        with loaded:
            return _pick_npz(loaded, src)
    single_only(src)
    return to_array_with_origin(loaded, src.name, src.argument)


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


# --------------------------------------------------------------------------- PyTorch


def _read_torch(src: Source) -> numpy.ndarray:
    """Read a .pt/.pth file with ``weights_only=True``: a tensor or a dict of tensors."""
    import pickle

    try:
        import torch
    except ImportError:
        raise src.fail(f"cannot read {src.name}: PyTorch is not installed") from None
    try:
        loaded = _torch_load(torch, src.path)
    except pickle.UnpicklingError:
        raise src.fail(f"refusing to load {src.name}: {_TORCH_SAFETY}") from None
    except Exception as exc:
        raise src.fail(f"cannot read {src.name} as a PyTorch file: "
                       f"{exception_summary(exc)}") from None
    value = select(loaded, src)
    where = f"entry {quote(src.key, 40)} of {src.name}" if src.key else src.name
    if not isinstance(value, torch.Tensor):
        raise src.fail(f"{where} is not a plain tensor (found {type(value).__name__}); "
                       "only a tensor, or a dict of tensors with @PATH:KEY, is read")
    declared = value.numel() * value.element_size()  # a stride-0 tensor claims its shape
    if declared > max_input_bytes():
        raise src.fail(input_limit_message(where, declared))
    return to_array_with_origin(value, src.origin, src.argument)


def _torch_load(torch: typing.Any, path: pathlib.Path) -> typing.Any:
    """``torch.load`` of tensors only, memory-mapped (no tensor data is read before its
    size is checked); files in the legacy, non-zip format are loaded whole."""
    try:
        return torch.load(path, weights_only=True, map_location="cpu", mmap=True)
    except RuntimeError as exc:
        if "mmap" not in str(exc):
            raise
    return torch.load(path, weights_only=True, map_location="cpu")


READERS: dict[str, typing.Callable[[Source], numpy.ndarray]] = {
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
"""The reader of each supported extension (lower case, with the dot)."""

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(READERS)
"""File extensions understood after ``@`` (case-insensitive)."""
