"""Random valid inputs for a loss, generated from its declaration (numpy only).

Each input's values follow its declared domain (``real``, ``prob``, ``logprob``,
``nonneg``, ``positive``, ``sign``, ``binary``) and dtype kind; its shape follows
its shape rule:

- class scores ``(C) | (N, C) | ...``      -> (N, C)
- class indices ``() | (N) | ...``          -> (N), integers in [0, C)
- ``(*)``                                   -> (N, *extra)
- ``..., as pred`` / ``as pred``            -> the shape of the first input
- anything else, e.g. ``(N, 4)``            -> its symbols read as N, C or numbers

Losses whose inputs carry constraints a rule cannot express (label lists padded with
-1, boxes whose corners are ordered, distributions, segmentation maps, CTC label
sequences and lengths) have an entry in :data:`OVERRIDES`. Every
generated problem is checked with :func:`losscli.engine.validate.prepare`; a draw the
loss's own checks reject is drawn again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.errors import LossCliError
from losscli.core.spec import InputSpec, LossSpec
from losscli.families._shared.checks import shape_str


@dataclass(frozen=True)
class Dims:
    """The sizes of one generated problem."""

    n: int = 2
    c: int = 3
    extra: tuple[int, ...] = ()
    #: Put edge values in: 0, large magnitudes, probabilities of exactly 0 and 1.
    edge: bool = False


#: Shapes of the trials, smallest first; an edge-value trial comes after the plain ones.
SCHEDULE = (
    Dims(1, 2),
    Dims(2, 3),
    Dims(3, 4, (2,)),
    Dims(4, 5),
    Dims(4, 3, edge=True),
    Dims(8, 3, (3,)),
    Dims(5, 7),
    Dims(16, 4, edge=True),
)

Generator = Callable[[np.random.Generator, Dims], dict[str, np.ndarray]]


def _real(rng, shape, edge):
    values = rng.normal(0.0, 1.5, shape)
    if edge:
        spikes = rng.choice([0.0, 8.0, -8.0, 20.0], shape)
        values = np.where(rng.random(shape) < 0.4, spikes, values)
    return values


def _prob(rng, shape, edge):
    values = rng.uniform(0.02, 0.98, shape)
    if edge:
        values = np.where(rng.random(shape) < 0.4, rng.choice([0.0, 1.0, 1e-7], shape), values)
    return values


def _nonneg(rng, shape, edge):
    values = np.abs(rng.normal(0.0, 1.5, shape))
    return np.where(rng.random(shape) < 0.3, 0.0, values) if edge else values


_DOMAINS: dict[str, Callable[..., np.ndarray]] = {
    "real": _real,
    "prob": _prob,
    "nonneg": _nonneg,
    "positive": lambda rng, shape, edge: np.abs(rng.normal(0.0, 1.5, shape)) + 0.05,
    "sign": lambda rng, shape, edge: rng.choice([-1.0, 1.0], shape),
    "binary": lambda rng, shape, edge: rng.choice([0.0, 1.0], shape),
    "logprob": lambda rng, shape, edge: np.log(rng.uniform(0.05, 1.0, shape)),
}


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _role(i: InputSpec) -> str:
    shape = i.shape.replace(" ", "")
    if i.kind != "index" and ("(C)" in shape or "(N,C" in shape):
        return "class_scores"
    if i.kind in ("index", "float_or_index") and "(N)" in shape:
        return "class_index"
    if "as" in i.shape.split():
        return "as_first"
    if shape.startswith("(*)"):
        return "elementwise"
    return "symbols"


def _symbol_shape(text: str, dims: Dims) -> tuple[int, ...]:
    group = re.search(r"\(([^)]*)\)", text)
    out: list[int] = []
    for token in (group.group(1).split(",") if group else []):
        token = token.strip()
        if token.isdigit():
            out.append(int(token))
        elif token == "*":
            out.extend(dims.extra)
        elif token == "C":
            out.append(dims.c)
        elif token and token != "...":
            out.append(dims.n)
    return tuple(out)


def _input_values(i: InputSpec, rng, dims: Dims, first: np.ndarray | None) -> np.ndarray:
    role = _role(i)
    if role == "class_index":
        return rng.integers(0, dims.c, dims.n).astype(np.int64)
    if role == "class_scores":
        shape: tuple[int, ...] = (dims.n, dims.c)
    elif role == "as_first" and first is not None:
        shape = first.shape
    elif role == "elementwise" or (role == "as_first" and first is None):
        shape = (dims.n, *dims.extra)
    else:
        shape = _symbol_shape(i.shape, dims)
    if i.kind == "index":
        return rng.integers(0, dims.c, shape).astype(np.int64)
    if i.domain == "logprob" and role == "class_scores":
        return _log_softmax(_real(rng, shape, False), axis=1)
    domain = i.domain
    if i.name == "target" and domain == "prob" and not dims.edge:
        domain = "binary"  # binary targets, soft ones only in the edge-value trials
    return _DOMAINS.get(domain, _real)(rng, shape, dims.edge)


def _multilabel_targets(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """Scores (N, C) and label lists: distinct labels, then -1, then anything (ignored)."""
    target = rng.integers(-1, dims.c, (dims.n, dims.c))
    for row in target:
        count = int(rng.integers(0, dims.c + 1))
        row[:count] = rng.permutation(dims.c)[:count]
        if count < dims.c:
            row[count] = -1
    return {"pred": _real(rng, (dims.n, dims.c), dims.edge), "target": target.astype(np.int64)}


def _boxes(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """Matched corner boxes (x1, y1, x2, y2): targets are jittered copies of the predictions."""
    corner = rng.uniform(0.0, 10.0, (dims.n, 2))
    size = rng.uniform(0.5, 5.0, (dims.n, 2))
    pred = np.concatenate([corner, corner + size], axis=1)
    shift = rng.normal(0.0, 0.3, (dims.n, 2))
    scale = rng.uniform(0.7, 1.3, (dims.n, 2))
    target = np.concatenate([corner + shift, corner + shift + size * scale], axis=1)
    return {"pred": pred, "target": target}


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    return np.exp(_log_softmax(x, axis))


def _distributions(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """kl-div: log-probabilities (N, C) and target distributions (some zeros on edge trials)."""
    target = _softmax(_real(rng, (dims.n, dims.c), False), axis=1)
    if dims.edge:
        target = np.where(rng.random(target.shape) < 0.3, 0.0, target)
        target[:, 0] += target.sum(axis=1) == 0
        target /= target.sum(axis=1, keepdims=True)
    return {"pred": _log_softmax(_real(rng, (dims.n, dims.c), dims.edge), axis=1),
            "target": target}


def _pairs(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """cosine-embedding: pairs of (N, D) vectors and ±1 labels."""
    shape = (dims.n, dims.c)
    return {"input1": _real(rng, shape, dims.edge), "input2": _real(rng, shape, dims.edge),
            "target": rng.choice([-1, 1], dims.n).astype(np.int64)}


def _projection(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """linear-cross-entropy: features (N, F), a projection (C, F), class indices (N)."""
    features = dims.c + 1
    return {"pred": _real(rng, (dims.n, features), dims.edge),
            "linear_weight": _real(rng, (dims.c, features), False),
            "target": rng.integers(0, dims.c, dims.n).astype(np.int64)}


def _segmentation(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """dice/jaccard/tversky: probabilities (N, C, H, W) and class-index maps (N, H, W)."""
    classes, spatial = max(2, dims.c), (3, 2, *dims.extra)
    pred = _softmax(_real(rng, (dims.n, classes, *spatial), dims.edge), axis=1)
    return {"pred": pred, "target": rng.integers(0, classes, (dims.n, *spatial)).astype(np.int64)}


def _sequences(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """ctc: log-probabilities (T, N, C), padded labels without the blank 0, and lengths."""
    classes, longest = max(2, dims.c), 1 + dims.n % 3
    steps = 2 * longest + 2
    lengths = rng.integers(0, longest + 1, dims.n)
    target = rng.integers(1, classes, (dims.n, longest))
    return {"pred": _log_softmax(_real(rng, (steps, dims.n, classes), dims.edge), axis=2),
            "target": target.astype(np.int64),
            # Edge trials may be too short for a target with repeats (an infinite term).
            "input_lengths": rng.integers(lengths if dims.edge else 2 * lengths + 1,
                                          steps + 1).astype(np.int64),
            "target_lengths": lengths.astype(np.int64)}


def _binary_maps(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """lovasz-hinge: logits (N, H, W) and 0/1 masks of the same shape."""
    shape = (dims.n, 3, 2, *dims.extra)
    return {"pred": _real(rng, shape, dims.edge),
            "target": rng.integers(0, 2, shape).astype(np.int64)}


def _labelled_batch(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """ntxent/supcon/contrastive: embeddings (N, D) and labels drawn from about N/2 classes,
    so that most batches hold positive pairs (labels from C classes rarely repeat)."""
    return {"embeddings": _real(rng, (dims.n, dims.c + 1), dims.edge),
            "labels": rng.integers(0, max(1, (dims.n + 1) // 2), dims.n).astype(np.int64)}


def _unit_batch(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """circle: as :func:`_labelled_batch`, with L2-normalised rows (as the loss expects)."""
    batch = _labelled_batch(rng, dims)
    rows = rng.normal(0.0, 1.0, batch["embeddings"].shape)
    batch["embeddings"] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return batch


def _images(side: int, most: int = 16) -> Generator:
    """ssim, ms-ssim, psnr, total-variation: (N, C, side, side) images and a noisy copy
    (square images large enough for the losses' default windows and scales)."""

    def draw(rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
        shape = (min(dims.n, most), min(dims.c, most), side, side)
        pred = rng.uniform(0.0, 1.0, shape) if not dims.edge else _real(rng, shape, True)
        return {"pred": pred, "target": pred + rng.normal(0.0, 0.1, shape)}

    return draw


#: Per-loss generators for inputs whose constraints the shape rules cannot express.
OVERRIDES: dict[str, Generator] = {
    "multilabel-margin": _multilabel_targets,
    "iou": _boxes,
    "giou": _boxes,
    "diou": _boxes,
    "ciou": _boxes,
    "kl-div": _distributions,
    "cosine-embedding": _pairs,
    "linear-cross-entropy": _projection,
    "dice": _segmentation,
    "jaccard": _segmentation,
    "tversky": _segmentation,
    "generalized-dice": _segmentation,
    "dice-ce": _segmentation,
    "dice-focal": _segmentation,
    "lovasz-hinge": _binary_maps,
    "lovasz-softmax": _segmentation,
    "ctc": _sequences,
    "ntxent": _labelled_batch,
    "supcon": _labelled_batch,
    "contrastive": _labelled_batch,
    "circle": _unit_batch,
    "ssim": _images(16),
    "ms-ssim": _images(176, most=1),
    "psnr": _images(4),
    "total-variation": lambda rng, dims: {"pred": _images(4)(rng, dims)["pred"]},
}


def generate(spec: LossSpec, rng: np.random.Generator, dims: Dims) -> dict[str, np.ndarray]:
    """One draw of the loss's required inputs (not yet validated)."""
    override = OVERRIDES.get(spec.name)
    if override is not None:
        return override(rng, dims)
    values: dict[str, np.ndarray] = {}
    first = None
    for i in spec.inputs:
        if not i.required:
            continue
        values[i.name] = _input_values(i, rng, dims, first)
        if first is None:
            first = values[i.name]
    return values


@dataclass
class Problem:
    """A generated, validated set of inputs, with a label for tables."""

    values: dict[str, np.ndarray]
    edge: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        shapes = " ".join(shape_str(v.shape) for v in self.values.values())
        return shapes + (" edge" if self.edge else "")


def valid(spec: LossSpec, values: dict[str, Any], params: dict[str, Any] | None = None) -> bool:
    """Whether the loss's checks accept ``values`` (with ``params``)."""
    from losscli.engine.validate import prepare

    try:
        prepare(spec, {**(params or {}), **values})
    except LossCliError:
        return False
    return True


def problems(
    spec: LossSpec,
    *,
    seed: int = 0,
    count: int = 8,
    params: dict[str, Any] | None = None,
    attempts: int = 20,
) -> list[Problem]:
    """``count`` validated random problems of growing size (fewer if draws keep failing)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        dims = SCHEDULE[k] if k < len(SCHEDULE) else Dims(
            int(rng.integers(1, 12)), int(rng.integers(2, 8)), edge=bool(k % 3 == 0)
        )
        for _ in range(attempts):
            values = generate(spec, rng, dims)
            if valid(spec, values, params):
                out.append(Problem(values, dims.edge))
                break
    return out


def example_values(spec: LossSpec, seed: int = 0) -> dict[str, Any] | None:
    """Small example inputs as nested lists (2 decimals), or None if none is valid."""
    rng = np.random.default_rng(seed)
    for _ in range(20):
        values = {
            k: np.round(v, 2) if v.dtype.kind == "f" else v
            for k, v in generate(spec, rng, Dims(2, 3)).items()
        }
        if valid(spec, values):
            return {k: v.tolist() for k, v in values.items()}
    return None
