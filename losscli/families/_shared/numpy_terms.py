"""Shared numpy operations of the loss functions, written as PyTorch computes them."""

from __future__ import annotations

import numpy as np

from losscli.inputs.streaming import along


def class_dim(pred: np.ndarray) -> int:
    """The class dimension of a (C), (N, C) or (N, C, d1, ...) input."""
    return 0 if pred.ndim == 1 else 1


def logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    """log Σ exp along ``axis``, shifted by the maximum (0 where it is infinite, as torch)."""
    peak = along(np.maximum, x, axis, keepdims=True)
    peak = np.where(np.isinf(peak), 0, peak)
    return (np.log(along(np.add, np.exp(x - peak), axis, keepdims=True)) + peak).squeeze(axis)


def log_softmax_lse(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """(log_softmax(x), logsumexp(x)) along ``axis`` from one shift by the maximum.

    No classes (an axis of length 0): log Σ exp = log 0 = −inf, as torch.logsumexp.
    """
    if x.shape[axis] == 0:
        return x.copy(), np.full_like(x.sum(axis=axis), -np.inf)
    peak = along(np.maximum, x, axis, keepdims=True)
    shifted = x - peak
    log_total = np.log(along(np.add, np.exp(shifted), axis, keepdims=True))
    if np.isinf(peak).any():
        return shifted - log_total, logsumexp(x, axis)
    return shifted - log_total, (log_total + peak).squeeze(axis)


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """x − max − log Σ exp(x − max) along ``axis`` (torch.log_softmax)."""
    if x.shape[axis] == 0:
        return x.copy()
    shifted = x - along(np.maximum, x, axis, keepdims=True)
    return shifted - np.log(along(np.add, np.exp(shifted), axis, keepdims=True))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(−x))."""
    return 1 / (1 + np.exp(-x))


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """log σ(x) = min(x, 0) − log1p(exp(−|x|)) (torch.nn.functional.logsigmoid)."""
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def take_class(array: np.ndarray, index: np.ndarray, axis: int) -> np.ndarray:
    """``array`` at class ``index`` along ``axis`` (torch.gather, then squeeze)."""
    picked = np.take_along_axis(array, np.expand_dims(index, axis), axis=axis)
    return picked.squeeze(axis)


def index_weights(
    target: np.ndarray, classes: int, weight: np.ndarray | None, ignore_index: int, dtype
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w[yᵢ] with 0 for ignored targets, the ignored mask, safe indices) of index targets."""
    ignored = target == ignore_index
    safe = np.clip(np.where(ignored, 0, target), 0, classes - 1)
    per_term = weight[safe] if weight is not None else np.ones(safe.shape, dtype=dtype)
    return np.where(ignored, 0, per_term).astype(dtype, copy=False), ignored, safe
