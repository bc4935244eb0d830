"""Arrays of any size in bounded memory: blocks of rows, released pages, a progress bar.

Large inputs arrive as memory-mapped ``.npy`` files (:mod:`losscli.inputs`). Reading
one maps its pages into the process, where they count as resident memory, so a scan
of a 2 GB file would grow the process by 2 GB. :func:`blocks` hands out consecutive
slices along the first dimension (or of the flattened array) of about
:data:`BLOCK_ELEMENTS` elements and, once the caller has moved on, drops the
finished block's pages from the process (``madvise(MADV_DONTNEED)``; the data stays in
the operating system's file cache): a whole scan keeps a few megabytes resident.

Inside ``with progress():`` (the CLI), work that lasts more than a second shows a rich
progress bar on stderr when stderr is a terminal. numpy only.
"""

from __future__ import annotations

import mmap
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

#: Elements per block of a scan or of a chunked computation (per input).
BLOCK_ELEMENTS = 1 << 18

#: Inputs with more elements than this are computed in chunks by the numpy backend.
STREAM_ELEMENTS = 1 << 22

_MAPPING_ADDRESS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

T = TypeVar("T")
R = TypeVar("R")


def spans(length: int, row_elements: int, elements: int) -> Iterator[tuple[int, int]]:
    """(start, stop) ranges over ``length`` rows of ``row_elements`` elements each."""
    step = max(1, elements // max(1, row_elements))
    for start in range(0, length, step):
        yield start, min(start + step, length)


def blocks(array: np.ndarray, *, elements: int | None = None, flat: bool = False,
           label: str = "") -> Iterator[np.ndarray]:
    """Consecutive pieces of ``array``: slices along dimension 0, or of the flattened
    array with ``flat`` (C order either way). A 0-d or small array comes whole.

    Each piece's memory-mapped pages are released once the next one is requested.
    """
    elements = elements or BLOCK_ELEMENTS
    if array.ndim == 0 or array.size <= elements:
        yield array
        return
    view = array.reshape(-1) if flat and array.flags.c_contiguous else array
    row = 1 if view.ndim == 1 else int(np.prod(view.shape[1:]))
    with meter(label, view.shape[0]) as progress_meter:
        for start, stop in spans(view.shape[0], row, elements):
            piece = view[start:stop]
            yield piece
            release(piece)
            progress_meter.advance(stop - start)


def map_blocks(function: Callable[[np.ndarray], R], array: np.ndarray, *,
               elements: int | None = None, label: str = "") -> Iterator[R]:
    """``function(block)`` for each block of :func:`blocks`, in order, on worker threads;
    each block's pages are released once it is done."""
    elements = elements or BLOCK_ELEMENTS
    if array.ndim == 0 or array.size <= elements:
        yield function(array)
        return
    row = int(np.prod(array.shape[1:]))

    def work(span: tuple[int, int]) -> R:
        piece = array[span[0] : span[1]]
        try:
            return function(piece)
        finally:
            release(piece)

    with meter(label, array.shape[0]) as progress_meter:
        for span, result in zip(spans(array.shape[0], row, elements),
                                ordered(work, spans(array.shape[0], row, elements))):
            yield result
            progress_meter.advance(span[1] - span[0])


def release(piece: np.ndarray) -> None:
    """Drop the pages of a memory-mapped piece from this process (a no-op otherwise)."""
    mapping = getattr(piece, "_mmap", None)
    if mapping is None or not hasattr(mmap, "MADV_DONTNEED") or not piece.flags.c_contiguous:
        return
    try:
        base = _MAPPING_ADDRESS.get(mapping)
        if base is None:
            buffer = np.frombuffer(mapping, dtype=np.uint8)
            base = _MAPPING_ADDRESS[mapping] = buffer.ctypes.data
            del buffer
        start = piece.ctypes.data - base
        aligned = start - start % mmap.PAGESIZE
        length = min(start + piece.nbytes, len(mapping)) - aligned
        if length > 0:
            mapping.madvise(mmap.MADV_DONTNEED, aligned, length)
    except (OSError, ValueError, TypeError):
        return  # releasing is an optimisation; a mapping that refuses it is still correct


def workers() -> int:
    """Threads for blockwise work: the usable cores, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def ordered(function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``function(item)`` for each item, in order, computed on :func:`workers` threads
    (numpy releases the GIL while it computes) with a few items in flight at a time."""
    threads = workers()
    if threads == 1:
        yield from map(function, items)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    pending: deque = deque()
    with ThreadPoolExecutor(threads) as pool:
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


# --------------------------------------------------------------------------- progress

_PROGRESS: dict[str, Any] = {"enabled": False, "display": None, "started": 0.0}

#: Work shorter than this shows no progress bar.
PROGRESS_DELAY_S = 1.0


@contextmanager
def progress() -> Iterator[None]:
    """Let long scans and computations inside show a progress bar on stderr."""
    _PROGRESS.update(enabled=sys.stderr.isatty(), started=time.monotonic())
    try:
        yield
    finally:
        display = _PROGRESS["display"]
        _PROGRESS.update(enabled=False, display=None)
        if display is not None:
            display.stop()


class _Meter:
    """Progress of one scan; shows itself once the work has lasted a second."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.task = label, total, 0, None

    def advance(self, count: int) -> None:
        self.done += count
        if not _PROGRESS["enabled"]:
            return
        if self.task is None:
            if time.monotonic() - _PROGRESS["started"] < PROGRESS_DELAY_S:
                return
            self.task = _display().add_task(self.label or "working", total=self.total)
        _PROGRESS["display"].update(self.task, completed=self.done)

    def __enter__(self) -> _Meter:
        return self

    def __exit__(self, *exc) -> None:
        if self.task is not None and _PROGRESS["display"] is not None:
            _PROGRESS["display"].remove_task(self.task)


def meter(label: str, total: int) -> _Meter:
    """A progress meter over ``total`` units of work (rows, or chunks)."""
    return _Meter(label, total)


def _display():
    if _PROGRESS["display"] is None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        display = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        display.start()
        _PROGRESS["display"] = display
    return _PROGRESS["display"]


# --------------------------------------------------------------------------- scans


_EXTENTS: dict | None = None  # extents already scanned, while remembering() is active


@contextmanager
def remembering() -> Iterator[None]:
    """Within it, :func:`extent` scans each array once (the checks of one problem)."""
    global _EXTENTS
    outer, _EXTENTS = _EXTENTS, {} if _EXTENTS is None else _EXTENTS
    try:
        yield
    finally:
        _EXTENTS = outer


def extent(array: np.ndarray) -> tuple[float, float]:
    """(min, max) of ``array`` in one blockwise pass (threaded); NaN if it holds a NaN."""
    key = (id(array), array.__array_interface__["data"][0], array.shape, array.strides,
           array.dtype.str)
    if _EXTENTS is not None and key in _EXTENTS:
        return _EXTENTS[key]
    lo, hi = np.inf, -np.inf
    if array.size:  # an empty array has no extent: (inf, -inf)
        for low, high in map_blocks(lambda block: (block.min(), block.max()), array,
                                    label="checking the inputs"):
            lo, hi = np.minimum(lo, low), np.maximum(hi, high)
    found = (float(lo), float(hi))
    if _EXTENTS is not None:
        _EXTENTS[key] = found
    return found


def along(ufunc: np.ufunc, x: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """``ufunc.reduce`` along ``axis`` (np.maximum: max, np.add: sum).

    numpy reduces a short axis (a few classes per row) slowly; there, the slices along the
    axis are combined elementwise instead, ten times faster on (N, 8) inputs.
    """
    count = x.shape[axis]
    if not 1 < count <= 32 or x.size < 1024:
        return ufunc.reduce(x, axis=axis, keepdims=keepdims)
    index: list[int | slice] = [slice(None)] * x.ndim
    index[axis] = 0
    out = x[tuple(index)].copy()
    for c in range(1, count):
        index[axis] = c
        ufunc(out, x[tuple(index)], out=out)
    return np.expand_dims(out, axis) if keepdims else out


def first(array: np.ndarray, outside) -> float | None:
    """The first element (C order) for which ``outside(block)`` is True, or None."""
    for block in blocks(array):
        mask = outside(block)
        if mask.any():
            return block[mask].flat[0].item()
    return None


def count(array: np.ndarray, predicate) -> int:
    """How many elements satisfy ``predicate(block)``."""
    return sum(int(np.count_nonzero(predicate(block))) for block in blocks(array))


# --------------------------------------------------------------------------- text output

#: Elements formatted at a time when every term is written out.
TEXT_ELEMENTS = 1 << 16


def float_lines(array: np.ndarray, *, elements: int | None = None) -> Iterator[str]:
    """``repr`` of every element (C order) as float, one per line, in pieces of about
    ``elements`` lines: a term array of any size is written without holding its text."""
    flat = array.reshape(-1)
    step = elements or TEXT_ELEMENTS
    for start in range(0, flat.size, step):
        piece = flat[start : start + step].astype(np.float64).tolist()
        yield "\n".join(map(repr, piece)) + "\n"


def json_array(array: np.ndarray, dumps: Callable[[object], str], *,
               elements: int | None = None) -> Iterator[str]:
    """Pieces of the JSON nested list of ``array`` (floats; NaN and ±inf as null), the
    same text as ``dumps(array.tolist())``, made of about ``elements`` values at a time.
    """
    if array.ndim == 0 or array.size == 0:
        yield dumps(_finite_or_none(array))
        return
    row = int(np.prod(array.shape[1:]))
    yield "["
    for start, stop in spans(array.shape[0], row, elements or TEXT_ELEMENTS):
        text = dumps(_finite_or_none(array[start:stop]))[1:-1]
        yield text if start == 0 else ", " + text
    yield "]"


def _finite_or_none(block: np.ndarray) -> object:
    """``block`` as nested lists of Python floats, with None for NaN and ±inf."""
    values = np.asarray(block, dtype=np.float64)
    finite = np.isfinite(values)
    if finite.all():
        return values.tolist()
    objects = values.astype(object)
    objects[~finite] = None
    return objects.tolist()
