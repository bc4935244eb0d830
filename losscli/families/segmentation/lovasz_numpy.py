"""Lovász hinge and Lovász-softmax losses (numpy twin of :mod:`.lovasz`)."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms


def lovasz_grad(g_sorted: np.ndarray) -> np.ndarray:
    """δ: the Lovász extension's gradient of the Jaccard loss at a sorted ground truth."""
    total = g_sorted.sum()
    intersection = total - np.cumsum(g_sorted)
    union = total + np.cumsum(1 - g_sorted)
    jaccard = 1 - intersection / union
    return np.concatenate([jaccard[:1], jaccard[1:] - jaccard[:-1]])


def _flat_lovasz(errors: np.ndarray, g: np.ndarray, hinge: bool):
    if errors.size == 0:
        return errors.dtype.type(0)
    order = np.argsort(-errors, kind="stable")
    e_sorted = errors[order]
    weights = lovasz_grad(g[order].astype(errors.dtype))
    return ((np.maximum(e_sorted, 0) if hinge else e_sorted) * weights).sum()


def _rankings(pred, target, per_image: bool, ignore_index):
    n = pred.shape[0]
    x, y = pred.reshape(n, -1), target.reshape(n, -1)
    if not per_image:
        x, y = x.reshape(1, -1), y.reshape(1, -1)
    for xi, yi in zip(x, y, strict=True):
        keep = np.ones(yi.shape, dtype=bool) if ignore_index is None else yi != ignore_index
        yield xi[keep], yi[keep]


def lovasz_hinge(*, pred, target, per_image: bool, ignore_index) -> Terms:
    """ℓ = Σ_k relu(e_(k))·δ_k, e = 1 − x·(2g − 1), per image (or over the batch)."""
    values = np.array([
        _flat_lovasz(1 - x * (2 * y.astype(x.dtype) - 1), y, hinge=True)
        for x, y in _rankings(pred, target, per_image, ignore_index)
    ], dtype=pred.dtype)
    return Terms(values if per_image else values[0], shown_inputs=())


def lovasz_softmax(*, pred, target, per_image: bool, classes: str, ignore_index,
                   weight) -> Terms:
    """ℓ = mean over the classes c of w_c·Σ_k e_(k)·δ_k, e = |[y = c] − softmax(x)_c|."""
    n, channels = pred.shape[:2]
    shifted = np.exp(pred - pred.max(axis=1, keepdims=True))
    probs = np.moveaxis((shifted / shifted.sum(axis=1, keepdims=True)).reshape(n, channels, -1),
                        1, -1)
    labels = target.reshape(n, -1)
    if not per_image:
        probs, labels = probs.reshape(1, -1, channels), labels.reshape(1, -1)
    values = []
    for p, y in zip(probs, labels, strict=True):
        if ignore_index is not None:
            keep = y != ignore_index
            p, y = p[keep], y[keep]
        terms = []
        for c in range(channels):
            fg = y == c
            if classes == "present" and not fg.any():
                continue
            term = _flat_lovasz(np.abs(fg.astype(p.dtype) - p[:, c]), fg, hinge=False)
            terms.append(term if weight is None else weight[c] * term)
        values.append(np.mean(terms) if terms else 0.0)
    stacked = np.array(values, dtype=pred.dtype)
    return Terms(stacked if per_image else stacked[0], shown_inputs=())
