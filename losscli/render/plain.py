"""``--format plain``: the value alone at full precision; one per line for 'none'.

Per-term values are formatted and written a block at a time
(:func:`losscli.inputs.streaming.float_lines`), so memory stays bounded for any number of
terms and a reader that goes away (``| head``) stops the output at once: the
BrokenPipeError reaches the entry point.
"""

from __future__ import annotations

import sys

import numpy as np


def render_plain(result, *, elements: int | None = None) -> None:
    """Write the value (``repr`` of the float), or every term for 'none'.

    ``elements``: terms formatted per write (default ``streaming.TEXT_ELEMENTS``).
    """
    value = result.value
    if not isinstance(value, np.ndarray):
        print(repr(float(value)))
        return
    from losscli.inputs.streaming import float_lines

    out = sys.stdout
    for piece in float_lines(value, elements=elements):
        out.write(piece)
    if value.size == 0:
        out.write("\n")
