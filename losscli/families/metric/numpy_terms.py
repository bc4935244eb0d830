"""Contrastive and metric-learning losses in numpy: the twins of :mod:`.torch_terms`."""

from __future__ import annotations

import math

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import log_softmax, logsumexp


def _unit_rows(x: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt(np.maximum((x * x).sum(-1, keepdims=True), eps))


def _normalize(x: np.ndarray) -> np.ndarray:
    """x / max(‖x‖, 1e-12) (torch.nn.functional.normalize)."""
    return x / np.maximum(np.sqrt((x * x).sum(-1, keepdims=True)), 1e-12)


def _stacked(embeddings, labels, pair):
    if pair is None:
        return embeddings, labels
    return np.concatenate([embeddings, pair]), np.concatenate([labels, labels])


def _masks(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    same = labels[:, None] == labels[None, :]
    return same & ~np.eye(len(labels), dtype=bool), ~same


def _masked_logsumexp(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    some = np.asarray(mask.any(-1))
    filled = np.where(mask, x, -np.inf)
    filled = np.where(some[..., None], filled, 0)
    if filled.shape[-1] == 0:
        return np.full(filled.shape[:-1], -np.inf, dtype=x.dtype)
    return np.where(some, logsumexp(filled, -1), -np.inf).astype(x.dtype, copy=False)


def ntxent(*, embeddings, labels, temperature: float, pair=None) -> Terms:
    """ℓᵢⱼ = log(e^{sᵢⱼ} + Σ_{k: yₖ≠yᵢ} e^{sᵢₖ}) − sᵢⱼ per ordered positive pair."""
    x, y = _stacked(embeddings, labels, pair)
    unit = _unit_rows(x, np.finfo(x.dtype).eps)
    cos = unit @ unit.T
    s = cos / x.dtype.type(temperature)
    positive, negative = _masks(y)
    anchor, other = positive.nonzero()
    negatives = _masked_logsumexp(s, negative)[anchor]
    s_pair = s[anchor, other]
    values = np.logaddexp(s_pair, negatives) - s_pair
    details = {"anchor": anchor.astype(x.dtype), "positive": other.astype(x.dtype),
               "cos": cos[anchor, other], "s": s_pair, "lse neg": negatives}
    return Terms(values, details=details, shown_inputs=())


def supcon(*, embeddings, labels, temperature: float, base_temperature: float, pair=None,
           normalize: bool) -> Terms:
    """ℓᵢ = −(T/T_base)·mean_{p∈P(i)} log( e^{sᵢₚ} / Σ_{k≠i} e^{sᵢₖ} ), 0 without positives."""
    x, y = _stacked(embeddings, labels, pair)
    if normalize:
        x = _normalize(x)
    s = (x @ x.T) / x.dtype.type(temperature)
    positive, _ = _masks(y)
    others = ~np.eye(len(y), dtype=bool)
    log_prob = s - _masked_logsumexp(s, others)[:, None]
    count = positive.sum(-1)
    picked = np.where(positive, log_prob, 0).sum(-1)
    mean_log_prob = picked / np.maximum(count, 1).astype(x.dtype)
    values = -x.dtype.type(temperature / base_temperature) * mean_log_prob
    return Terms(values.astype(x.dtype, copy=False),
                 details={"positives": count.astype(x.dtype), "mean log p": mean_log_prob})


def contrastive(*, embeddings, labels, pos_margin: float, neg_margin: float, distance: str,
                power: int, normalize: bool) -> Terms:
    """ℓᵢⱼ = max(0, d − m₊)^p (same label) or max(0, m₋ − d)^p, per pair i < j."""
    x = _normalize(embeddings) if normalize else embeddings
    i, j = np.triu_indices(len(x), 1)
    squared = ((x[i] - x[j]) ** 2).sum(-1)
    d = squared if distance == "squared" else np.sqrt(squared)
    same = labels[i] == labels[j]
    hinge = np.where(same, np.maximum(d - pos_margin, 0), np.maximum(neg_margin - d, 0))
    details = {"i": i.astype(x.dtype), "j": j.astype(x.dtype), "same": same.astype(x.dtype),
               "d": d}
    return Terms((hinge**power).astype(x.dtype, copy=False), details=details, shown_inputs=())


def _softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + eˣ), stable: max(x, 0) + log1p(e^{−|x|}); 0 at −inf."""
    with np.errstate(invalid="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def circle(*, embeddings, labels, gamma: float, margin: float) -> Terms:
    """ℓᵢ = softplus(LSE_p(−γ·αₚ·(m − d)) + LSE_n(γ·αₙ·(1 − m − d))), d = max(1 − xᵢ·xₖ, 0)."""
    d = np.maximum(1 - embeddings @ embeddings.T, 0)
    positive, negative = _masks(labels)
    p = _masked_logsumexp(-gamma * np.maximum(margin + d, 0) * (margin - d), positive)
    n = _masked_logsumexp(gamma * np.maximum(1 + margin - d, 0) * (1 - margin - d), negative)
    values = _softplus(p + n).astype(embeddings.dtype, copy=False)
    kept = values > 0
    return Terms(values, weights=kept.astype(values.dtype), ignored=~kept,
                 ignore_reason="ℓ = 0 (no positive or no negative), masked as Keras does",
                 details={"positives": positive.sum(-1).astype(values.dtype),
                          "lse pos": p, "lse neg": n})


def _class_cosines(embeddings, centers):
    return _normalize(embeddings) @ _normalize(centers).T


def _margin_softmax(cos, target, labels, scale: float) -> Terms:
    onehot = np.arange(cos.shape[-1]) == labels[:, None]
    logits = scale * np.where(onehot, target[:, None], cos)
    lse = logsumexp(logits, -1).astype(cos.dtype, copy=False)
    true_cos = np.take_along_axis(cos, labels[:, None], -1).squeeze(-1)
    details = {"cos θ": true_cos, "target": target, "lse": lse}
    return Terms(lse - scale * target, details=details, shown_inputs=("embeddings", "labels"))


def arcface(*, embeddings, centers, labels, scale: float, margin: float,
            easy_margin: bool) -> Terms:
    """Target logit cos(θ_y + m); cos θ_y − m·sin m where θ_y + m > π (or cos θ_y, easy)."""
    cos = _class_cosines(embeddings, centers)
    c = np.take_along_axis(cos, labels[:, None], -1).squeeze(-1)
    sine = np.sqrt(np.maximum(1 - c * c, 0))
    shifted = c * math.cos(margin) - sine * math.sin(margin)
    if easy_margin:
        target = np.where(c > 0, shifted, c)
    else:
        target = np.where(c > -math.cos(margin), shifted, c - margin * math.sin(margin))
    return _margin_softmax(cos, target.astype(cos.dtype, copy=False), labels, scale)


def cosface(*, embeddings, centers, labels, scale: float, margin: float) -> Terms:
    """Target logit cos θ_y − m."""
    cos = _class_cosines(embeddings, centers)
    target = np.take_along_axis(cos, labels[:, None], -1).squeeze(-1) - cos.dtype.type(margin)
    return _margin_softmax(cos, target, labels, scale)


def ranking_softmax(*, pred, target) -> Terms:
    """ℓ = −Σᵢ yᵢ·log softmax(s)ᵢ over the last dimension, one term per list."""
    lse = logsumexp(pred, -1) if pred.shape[-1] else np.full(pred.shape[:-1], -np.inf, pred.dtype)
    values = -(target * log_softmax(pred, -1)).sum(-1)
    return Terms(values, details={"Σ y": target.sum(-1), "Σ y·s": (target * pred).sum(-1),
                                  "lse": lse.astype(pred.dtype, copy=False)})
