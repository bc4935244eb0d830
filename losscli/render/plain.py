"""``--format plain``: the value alone at full precision; one per line for 'none'."""

from __future__ import annotations

import numpy as np


def render_plain(result) -> None:
    value = result.value
    if isinstance(value, np.ndarray):
        print("\n".join(repr(float(v)) for v in value.reshape(-1)))
    else:
        print(repr(float(value)))
