"""Connectionist temporal classification (numpy twin of the family's torch terms).

The forward algorithm of Graves et al. (2006) in log space: α over the blank-extended
label sequence, one frame at a time, vectorised over the batch and the states.
"""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import log_softmax


def ctc(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    input_lengths: np.ndarray,
    target_lengths: np.ndarray,
    blank: int,
    zero_infinity: bool,
    from_logits: bool,
) -> Terms:
    """ℓₙ = −log Σ_{π ∈ B⁻¹(yₙ)} Π_t p_t(π_t); the mean divides each term by its target length."""
    log_probs = log_softmax(pred, -1) if from_logits else pred
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs[:, None, :]
    input_lengths = input_lengths.reshape(-1)
    target_lengths = target_lengths.reshape(-1)
    labels = padded_labels(target, target_lengths, blank)
    nll = -log_likelihood(log_probs, labels, input_lengths, target_lengths, blank)
    values = np.where(np.isinf(nll), 0, nll).astype(nll.dtype) if zero_infinity else nll
    divisor = np.maximum(target_lengths, 1).astype(values.dtype)
    likelihood = np.exp(-nll)
    if not batched:
        values, divisor, likelihood = values[0], divisor[0], likelihood[0]
    return Terms(
        values,
        mean_divisor=divisor,
        divisor_symbol="target_lengthᵢ",
        details={"p(y|x)": likelihood},
    )


def padded_labels(target: np.ndarray, lengths: np.ndarray, blank: int) -> np.ndarray:
    """(N, S) labels, S = the longest target; positions past a target's length hold blank."""
    width = int(lengths.max()) if lengths.size else 0
    if target.ndim == 2 and lengths.size == target.shape[0]:
        rows = target[:, :width]
    else:
        rows = np.full((lengths.size, width), blank, dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        for row, (start, length) in enumerate(zip(starts, lengths)):
            rows[row, :length] = target[start : start + length]
    inside = np.arange(width)[None, :] < lengths[:, None]
    return np.where(inside, rows, blank)


def log_likelihood(
    log_probs: np.ndarray,
    labels: np.ndarray,
    input_lengths: np.ndarray,
    target_lengths: np.ndarray,
    blank: int,
) -> np.ndarray:
    """log p(yₙ | x) by the forward recursion; −inf where no alignment fits the input."""
    steps, count, _ = log_probs.shape
    states = 2 * labels.shape[1] + 1
    extended = np.full((count, states), blank, dtype=np.int64)
    extended[:, 1::2] = labels
    can_skip = np.zeros((count, states), dtype=bool)
    can_skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]
    never = np.array(-np.inf, dtype=log_probs.dtype)
    alpha = np.full((count, states), never)
    alpha[:, 0] = 0
    batch = np.arange(count)[:, None]
    with np.errstate(invalid="ignore"):
        for t in range(steps):
            emit = log_probs[t][batch, extended]
            step = np.concatenate((np.full((count, 1), never), alpha[:, :-1]), axis=1)
            jump = np.concatenate((np.full((count, 2), never), alpha[:, :-2]), axis=1)
            jump = np.where(can_skip, jump, never)
            moved = np.logaddexp(np.logaddexp(alpha, step), jump) + emit
            alpha = np.where((t < input_lengths)[:, None], moved, alpha)
    end = 2 * target_lengths
    last_blank = alpha[np.arange(count), end]
    last_label = np.where(target_lengths > 0, alpha[np.arange(count), np.maximum(end - 1, 0)],
                          never)
    return np.logaddexp(last_blank, last_label)
