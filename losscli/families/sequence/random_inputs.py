"""Random valid inputs for the sequence losses whose constraints a shape rule cannot express
(collected by :mod:`losscli.tools.random_inputs`; numpy only)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.random_inputs import Dims, Generator, log_softmax, real


def _sequences(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """ctc: log-probabilities (T, N, C), padded labels without the blank 0, and lengths."""
    classes, longest = max(2, dims.c), 1 + dims.n % 3
    steps = 2 * longest + 2
    lengths = rng.integers(0, longest + 1, dims.n)
    target = rng.integers(1, classes, (dims.n, longest))
    return {"pred": log_softmax(real(rng, (steps, dims.n, classes), dims.edge), axis=2),
            "target": target.astype(np.int64),
            # Edge trials may be too short for a target with repeats (an infinite term).
            "input_lengths": rng.integers(lengths if dims.edge else 2 * lengths + 1,
                                          steps + 1).astype(np.int64),
            "target_lengths": lengths.astype(np.int64)}


#: Loss name -> generator of its required inputs.
GENERATORS: dict[str, Generator] = {
    "ctc": _sequences,
}
