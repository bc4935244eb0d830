"""Cross-entropy family and focal losses (numpy twins of the family's torch terms)."""

from __future__ import annotations

import numpy as np

from losscli.core.terms import Terms
from losscli.families._shared.numpy_terms import (
    along,
    class_dim,
    index_weights,
    log_sigmoid,
    log_softmax,
    log_softmax_lse,
    sigmoid,
    take_class,
)
from losscli.families.classification.z_loss import with_z_loss


def cross_entropy(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None,
    ignore_index: int,
    label_smoothing: float,
    z_loss: float = 0.0,
) -> Terms:
    """ℓᵢ = −Σ_c w_c·qᵢ,c·log softmax(xᵢ)_c, q the (smoothed) target, plus z·(log Zᵢ)².

    Index targets: (1 − ε)·(−w[yᵢ]·log p[yᵢ]) + ε/C·(−Σ_c w_c·log p_c), 0 where ignored;
    probability targets: q = (1 − ε)·y + ε/C. The z-loss term is times w[yᵢ], 0 where ignored.
    """
    terms = _cross_entropy(pred, target, weight, ignore_index, label_smoothing)
    return with_z_loss(terms, z_loss, np.where)


def _cross_entropy(pred, target, weight, ignore_index, label_smoothing) -> Terms:
    dim = class_dim(pred)
    classes = pred.shape[dim]
    log_p, lse = log_softmax_lse(pred, dim)
    details = {"log Σexp": lse}
    if target.dtype.kind == "f" or label_smoothing:
        details["log p"] = log_p
    w = None if weight is None else _along(weight, dim, pred.ndim)
    if target.dtype.kind == "f":
        q = target if not label_smoothing else target * (1 - label_smoothing) + (
            label_smoothing / classes
        )
        weighted = log_p * q if w is None else log_p * q * w
        return Terms(-along(np.add, weighted, dim), details=details)
    terms = _index_terms(log_p, target, weight, ignore_index, pred.dtype)
    if label_smoothing:
        smooth = -(log_p if w is None else log_p * w).sum(axis=dim)
        mixed = (1 - label_smoothing) * terms.values + smooth * (label_smoothing / classes)
        assert terms.ignored is not None
        terms.values = np.where(terms.ignored, 0, mixed).astype(pred.dtype, copy=False)
    terms.details.update(details)
    return terms


def _along(weight: np.ndarray, dim: int, ndim: int) -> np.ndarray:
    """Per-class weights shaped to broadcast along the class dimension."""
    return weight.reshape((-1,) + (1,) * (ndim - dim - 1))


def nll(
    *, pred: np.ndarray, target: np.ndarray, weight: np.ndarray | None, ignore_index: int
) -> Terms:
    """ℓᵢ = −w[yᵢ]·xᵢ,yᵢ; the mean divides by Σ w[yᵢ]."""
    return _index_terms(pred, target, weight, ignore_index, pred.dtype)


def _index_terms(log_p, target, weight, ignore_index, dtype) -> Terms:
    dim = class_dim(log_p)
    weights, ignored, safe = index_weights(target, log_p.shape[dim], weight, ignore_index, dtype)
    picked = take_class(log_p, safe, dim)
    values = np.where(ignored, 0, -picked * weights).astype(dtype, copy=False)
    return Terms(
        values,
        weights=weights,
        ignored=ignored,
        weight_symbol="w[yᵢ]" if weight is not None else "1",
        ignore_reason=f"target = ignore_index ({ignore_index})",
        details={"log p[y]": picked},
    )


def _smooth_binary(target: np.ndarray, label_smoothing: float) -> np.ndarray:
    """y·(1 − ε) + ε/2."""
    return target * (1 - label_smoothing) + label_smoothing / 2 if label_smoothing else target


def bce(*, pred: np.ndarray, target: np.ndarray, weight: np.ndarray | None,
        label_smoothing: float = 0.0) -> Terms:
    """ℓᵢ = −wᵢ·[y'ᵢ·log xᵢ + (1 − y'ᵢ)·log(1 − xᵢ)], logs clamped at −100, y' = y·(1 − ε) + ε/2."""
    smoothed = _smooth_binary(target, label_smoothing)
    log_x = np.maximum(np.log(pred), -100)
    values = (smoothed - 1) * np.maximum(np.log1p(-pred), -100) - smoothed * log_x
    if weight is not None:
        values = values * weight
    details = {"log x": log_x, "log(1−x)": lambda: np.maximum(np.log(1 - pred), -100)}
    if label_smoothing:
        details["y'"] = smoothed
    return Terms(values.astype(pred.dtype, copy=False), details=details)


def bce_with_logits(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None,
    pos_weight: np.ndarray | None,
    label_smoothing: float = 0.0,
) -> Terms:
    """ℓᵢ = (1 − y'ᵢ)·xᵢ − lᵢ·log σ(xᵢ), lᵢ = (p − 1)·y'ᵢ + 1, times wᵢ (PyTorch's form);
    y' = y·(1 − ε) + ε/2."""
    smoothed = _smooth_binary(target, label_smoothing)
    log_sig = log_sigmoid(pred)
    scaled = log_sig if pos_weight is None else log_sig * ((pos_weight - 1) * smoothed + 1)
    values = (1 - smoothed) * pred - scaled
    if weight is not None:
        values = values * weight
    details = {"σ(x)": lambda: sigmoid(pred), "log σ(x)": log_sig,
               "log(1−σ(x))": lambda: log_sigmoid(-pred)}
    if label_smoothing:
        details["y'"] = smoothed
    return Terms(values.astype(pred.dtype, copy=False), details=details)


def sigmoid_focal(*, pred: np.ndarray, target: np.ndarray, alpha: float, gamma: float,
                  weight: np.ndarray | None = None, include_background: bool = True,
                  label_smoothing: float = 0.0) -> Terms:
    """ℓᵢ = −w_c·α_t·(1 − p_t)^γ·log p_t with p = σ(x), −log p_t as BCE with logits.

    α: a number, or α_c per class along dimension 1 (α_t = α_c·y + (1 − α_c)·(1 − y));
    ``weight``: w_c per class along dimension 1; ``include_background=False`` drops class 0;
    label smoothing replaces y by y·(1 − ε) + ε/2.
    """
    if not include_background:
        pred, target = pred[:, 1:], target[:, 1:]
    target = _smooth_binary(target, label_smoothing)
    p = sigmoid(pred)
    ce = (1 - target) * pred - log_sigmoid(pred)
    p_t = p * target + (1 - p) * (1 - target)
    modulating = (1 - p_t) ** gamma
    values = ce * modulating
    details = {"p": p, "p_t": p_t, "(1−p_t)^γ": modulating, "−log p_t": ce}
    if isinstance(alpha, np.ndarray) or alpha >= 0:
        a = (_along(alpha, class_dim(target), target.ndim) if isinstance(alpha, np.ndarray)
             else alpha)
        alpha_t = a * target + (1 - a) * (1 - target)
        values = alpha_t * values
        details["α_t"] = alpha_t
    if weight is not None:
        details["w_c"] = np.broadcast_to(_along(weight, class_dim(values), values.ndim),
                                         values.shape)
        values = values * details["w_c"]
    return Terms(values.astype(pred.dtype, copy=False), details=details)


def softmax_focal(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    alpha: float | np.ndarray | None,
    gamma: float,
    ignore_index: int,
    weight: np.ndarray | None = None,
    include_background: bool = True,
    label_smoothing: float = 0.0,
) -> Terms:
    """ℓᵢ = −w[yᵢ]·α_t·(1 − p_t)^γ·log p_t with p_t = softmax(xᵢ)[yᵢ]; 0 where ignored.

    Label smoothing ε: ℓᵢ = −Σ_c α_c·w_c·q_c·(1 − p_c)^γ·log p_c, q = (1 − ε)·onehot + ε/C.

    ``include_background=False``: the softmax covers classes 1 … C − 1 and targets of class 0
    are left out like ignored ones.
    """
    dim = class_dim(pred)
    ignored = target == ignore_index
    reason = f"target = ignore_index ({ignore_index})"
    if not include_background:
        pred = np.take(pred, np.arange(1, pred.shape[dim]), axis=dim)
        ignored = ignored | (target == 0)
        target = target - 1
        reason += " or class 0 (--no-include-background)"
    safe = np.where(ignored, 0, target)
    log_p = log_softmax(pred, dim)
    log_pt = take_class(log_p, safe, dim)
    p_t = np.exp(log_pt)
    modulating = (1 - p_t) ** gamma
    values = -modulating * log_pt
    details = {"p_t": p_t, "(1−p_t)^γ": modulating, "−log p_t": -log_pt}
    if label_smoothing:
        values = _smoothed_focal(log_p, safe, dim, alpha, weight, gamma, label_smoothing)
    if alpha is not None:
        alpha_t = alpha[safe] if isinstance(alpha, np.ndarray) else np.full_like(p_t, alpha)
        values = values if label_smoothing else alpha_t * values
        details["α_t"] = alpha_t
    if weight is not None:
        details["w[y]"] = weight[safe]
        values = values if label_smoothing else values * details["w[y]"]
    values = np.where(ignored, 0, values).astype(pred.dtype, copy=False)
    return Terms(
        values,
        weights=(~ignored).astype(pred.dtype),
        ignored=ignored,
        ignore_reason=reason,
        details=details,
    )


def _last_axis_labels(target: np.ndarray, classes: int, dtype) -> np.ndarray:
    """Class probabilities as given; class indices one-hot over the last dimension."""
    if target.dtype.kind == "f":
        return target.astype(dtype, copy=False)
    return (target[..., None] == np.arange(classes)).astype(dtype)


def poly(*, pred: np.ndarray, target: np.ndarray, epsilon: float) -> Terms:
    """ℓᵢ = −Σ_c y_c·log p_c + ε·Σ_c y_c·(1 − p_c), p = softmax(xᵢ) over the last dimension."""
    y = _last_axis_labels(target, pred.shape[-1], pred.dtype)
    log_p = log_softmax(pred, -1)
    ce = -(y * log_p).sum(axis=-1)
    one_minus_pt = (y * (1 - np.exp(log_p))).sum(axis=-1)
    return Terms(ce + epsilon * one_minus_pt, details={"CE": ce, "1 − p_t": one_minus_pt})


def generalized_cross_entropy(*, pred: np.ndarray, target: np.ndarray, q: float) -> Terms:
    """ℓᵢ = (1 − p_t^q) / q, p_t = xᵢ,yᵢ over the last dimension."""
    p_t = np.take_along_axis(pred, target[..., None], axis=-1)[..., 0]
    return Terms((1 - p_t**q) / q, details={"p_t": p_t})


def sparsemax_projection(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sparsemax over the last dimension and its threshold τ (exact, by sorting)."""
    ordered = -np.sort(-x, axis=-1)
    cumulative = ordered.cumsum(axis=-1)
    k = np.arange(1, x.shape[-1] + 1, dtype=x.dtype)
    support = (1 + k * ordered > cumulative).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support.astype(x.dtype)
    return np.maximum(x - tau, 0), tau[..., 0]


def sparsemax(*, pred: np.ndarray, target: np.ndarray) -> Terms:
    """Class indices: Σ_c p_c·(x_c − x_y) + ½·(1 − ‖p‖²); 0/1 labels: sparse_plus(±x)."""
    if target.shape == pred.shape:
        s = np.where(target != 0, -pred, pred)
        values = np.where(s <= -1, 0, np.where(s >= 1, s, (s + 1) ** 2 / 4))
        return Terms(values.astype(pred.dtype, copy=False), details={"s": s})
    p, tau = sparsemax_projection(pred)
    true = np.take_along_axis(pred, target[..., None], axis=-1)
    values = (p * (pred - true)).sum(axis=-1) + 0.5 * (1 - (p * p).sum(axis=-1))
    return Terms(values, details={"τ": tau, "p": p})


def asymmetric(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    gamma_neg: float,
    gamma_pos: float,
    clip: float,
    eps: float,
) -> Terms:
    """ASL per element: −y·(1 − p)^γ₊·log max(p, eps) − (1 − y)·(1 − p₋)^γ₋·log max(p₋, eps)."""
    p = sigmoid(pred)
    p_neg = 1 - p
    if clip > 0:
        p_neg = np.minimum(p_neg + clip, 1)
    loss = target * np.log(np.maximum(p, eps)) + (1 - target) * np.log(np.maximum(p_neg, eps))
    details = {"p": p, "p₋": p_neg}
    if gamma_neg > 0 or gamma_pos > 0:
        p_t = p * target + p_neg * (1 - target)
        weight = (1 - p_t) ** (gamma_pos * target + gamma_neg * (1 - target))
        loss = loss * weight
        details["(1−p_t)^γ"] = weight
    return Terms((-loss).astype(pred.dtype, copy=False), details=details)


def asymmetric_single_label(
    *,
    pred: np.ndarray,
    target: np.ndarray,
    gamma_pos: float,
    gamma_neg: float,
    label_smoothing: float,
) -> Terms:
    """ℓᵢ = −Σ_c t_c·w_c·log p_c, w = (1 − p_y)^γ₊ and p_c^γ₋, t the smoothed one-hot."""
    classes = pred.shape[-1]
    one_hot = _last_axis_labels(target, classes, pred.dtype)
    log_p = log_softmax(pred, -1)
    p = np.exp(log_p)
    weight = (one_hot * (1 - p) + (1 - one_hot) * p) ** (
        gamma_pos * one_hot + gamma_neg * (1 - one_hot))
    smoothed = one_hot * (1 - label_smoothing) + label_smoothing / classes
    values = -(smoothed * weight * log_p).sum(axis=-1)
    return Terms(values.astype(pred.dtype, copy=False), details={"p": p, "w": weight})
def _smoothed_focal(log_p, safe, dim, alpha, weight, gamma: float, eps: float) -> np.ndarray:
    """−Σ_c α_c·w_c·q_c·(1 − p_c)^γ·log p_c with q = (1 − ε)·onehot + ε/C."""
    classes = log_p.shape[dim]
    onehot = np.moveaxis(np.eye(classes, dtype=log_p.dtype)[safe], -1, dim)
    factor = -(onehot * (1 - eps) + eps / classes) * (1 - np.exp(log_p)) ** gamma * log_p
    if isinstance(alpha, np.ndarray):
        factor = factor * _along(alpha, dim, factor.ndim)
    elif alpha is not None:
        factor = factor * alpha
    if weight is not None:
        factor = factor * _along(weight, dim, factor.ndim)
    return factor.sum(axis=dim)
