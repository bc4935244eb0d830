"""``--format json``: one object on stdout, the schema of INTERFACE.md.

Arrays written in full (``value`` and ``terms.values`` for 'none', ``grad.*.values``)
are formatted a block at a time (:func:`losscli.inputs.streaming.json_array`), so the text of
millions of terms is never held in memory and a reader that goes away stops the output
(the BrokenPipeError reaches the entry point). The text is the same as :func:`dumps` of
``Result.to_dict()``.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def dumps(data) -> str:
    """Strict JSON (no NaN/Infinity literals): one top-level key per line, values compact."""
    return "".join(_pieces(data))


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


class _Streamed:
    """An array written in full, stood in for in the dict until it is written."""

    def __init__(self, array: np.ndarray, elements: int | None) -> None:
        self.array, self.elements = array, elements


def _pieces(data) -> Iterator[str]:
    """The text of :func:`dumps` in pieces; :class:`_Streamed` arrays block by block."""
    if not isinstance(data, dict) or not data:
        yield from _value_pieces(data)
        return
    yield "{\n"
    for index, (key, value) in enumerate(data.items()):
        yield (",\n" if index else "") + f"  {_compact(key)}: "
        yield from _value_pieces(value)
    yield "\n}"


def _value_pieces(value) -> Iterator[str]:
    """Compact JSON of ``value``, streaming the arrays inside it."""
    if isinstance(value, _Streamed):
        from losscli.inputs.streaming import json_array

        yield from json_array(value.array, _compact, elements=value.elements)
    elif isinstance(value, dict) and _holds_stream(value):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield f"{', ' if index else ''}{_compact(key)}: "
            yield from _value_pieces(item)
        yield "}"
    else:
        yield _compact(value)


def _holds_stream(value) -> bool:
    if isinstance(value, _Streamed):
        return True
    return isinstance(value, dict) and any(_holds_stream(v) for v in value.values())


def _with_streams(result, max_elements: int | None, top: int, elements: int | None) -> dict:
    """``result.to_dict()`` with every array it writes in full replaced by a stand-in.

    ``to_dict`` runs on a copy whose full arrays are empty (so no nested lists are
    built); their shape and values are then put back as :class:`_Streamed` arrays.
    """
    import numpy as np  # here: ``losscli list --json`` needs no numpy

    def full(array) -> bool:
        return isinstance(array, np.ndarray) and array.ndim > 0 and (
            max_elements is None or array.size <= max_elements)

    light = copy.copy(result)
    streamed_value = result.terms is not None and full(result.terms) and full(result.value)
    if streamed_value:
        light.terms = np.empty((0,), dtype=result.terms.dtype)
        light.value = np.empty((0,), dtype=np.float64)
    light.grads = {name: np.empty((0,)) if full(g) else g for name, g in result.grads.items()}
    data = light.to_dict(max_elements, top)
    if streamed_value:
        data["value"] = _Streamed(result.value, elements)
        data["terms"] = {**data["terms"], "shape": list(result.terms.shape),
                         "values": _Streamed(result.terms, elements)}
    for name, grad in result.grads.items():
        if full(grad):
            data["grad"][name] = {**data["grad"][name], "shape": list(grad.shape),
                                  "values": _Streamed(grad, elements)}
    return data


def render_json(result, *, max_elements: int | None = None, top: int | None = None,
                elements: int | None = None) -> None:
    """The result; terms beyond ``max_elements`` as a summary with the ``top`` largest.

    ``elements``: values formatted per write (default ``streaming.TEXT_ELEMENTS``).
    """
    from losscli.core.options import DEFAULT_TOP

    data = _with_streams(result, max_elements, DEFAULT_TOP if top is None else top, elements)
    out = sys.stdout
    for piece in _pieces(data):
        out.write(piece)
    out.write("\n")
