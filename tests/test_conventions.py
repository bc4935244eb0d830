"""``--convention``: each library's version of a loss against that library's published formula.

Every convention of every loss has at least one case here whose expected value is
computed independently in float64 numpy from the library's own formula (its source file
is cited in the convention's ``source``), not by calling losscli again. The real
libraries, where they install here, are checked in test_conventions_libraries.py.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import torch

import losscli
from losscli.core.errors import InputError, UsageError
from losscli.engine.conventions import apply
from losscli.families.registry import registry

EPS64 = np.finfo(np.float64).eps


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def log_sigmoid(x):
    return -np.logaddexp(0, -x)


def bce_logits(x, t):
    return -(t * log_sigmoid(x) + (1 - t) * log_sigmoid(-x))


def softmax(x, axis=1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def per_sample_mean(values):
    """Keras: the loss function's mean over the last axis, then sum_over_batch_size."""
    per_sample = values.mean(axis=-1)
    return per_sample.sum() / per_sample.size


# ----------------------------------------------------------------------------- focal (sigmoid)

FOCAL_X = np.array([[-0.1, 0.9, 0.23], [-0.12, -0.34, 0.6]])
FOCAL_T = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
FOCAL_SOFT = np.array([[0.2, 1.0, 0.0], [0.5, 0.1, 1.0]])
SATURATED_X = np.array([[20.0, -3.0], [0.5, 2.0]])  # a confident wrong logit (20, target 0)
SATURATED_T = np.array([[0.0, 0.0], [1.0, 1.0]])


def torchvision_focal(x, t, alpha=0.25, gamma=2.0):
    """torchvision/ops/focal_loss.py: alpha_t·(1 − p_t)^γ·BCE, p_t = p·t + (1 − p)·(1 − t)."""
    p = sigmoid(x)
    p_t = p * t + (1 - p) * (1 - t)
    loss = bce_logits(x, t) * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss


def kornia_binary_focal(x, t, alpha=0.25, gamma=2.0):
    """kornia binary_focal_loss_with_logits.

    α·t·(1 − p)^γ·(−log p) + (1 − α)·(1 − t)·p^γ·(−log(1 − p)).
    """
    p = sigmoid(x)
    return (-alpha * (1 - p) ** gamma * t * np.log(p)
            - (1 - alpha) * p**gamma * (1 - t) * np.log(1 - p))


def monai_sigmoid_focal(x, t, gamma=2.0):
    """MONAI sigmoid_focal_loss: (x − x·t − log σ(x))·exp(γ·log σ(−x·(2t − 1)))."""
    loss = x - x * t - log_sigmoid(x)
    return np.exp(gamma * log_sigmoid(-x * (t * 2 - 1))) * loss


def smp_focal(x, t, gamma=2.0, alpha=None):
    """smp focal_loss_with_logits: logpt = BCE, pt = exp(−logpt), (1 − pt)^γ·logpt."""
    logpt = bce_logits(x, t)
    loss = (1 - np.exp(-logpt)) ** gamma * logpt
    return loss if alpha is None else loss * (alpha * t + (1 - alpha) * (1 - t))


def mmdet_focal(x, t, alpha=0.25, gamma=2.0):
    """mmdet py_sigmoid_focal_loss: pt = (1 − p)·t + p·(1 − t), weight (α·t + (1 − α)·(1 − t))·pt^γ.
    """
    p = sigmoid(x)
    pt = (1 - p) * t + p * (1 - t)
    return bce_logits(x, t) * (alpha * t + (1 - alpha) * (1 - t)) * pt**gamma


def keras_binary_focal(x, t, gamma=2.0, eps=1e-7):
    """Keras binary_focal_crossentropy(from_logits=True), per-element before the axis mean."""
    p = sigmoid(x)
    c = np.clip(p, eps, 1 - eps)
    bce = -(t * np.log(c) + (1 - t) * np.log(1 - c))
    p_t = t * p + (1 - t) * (1 - p)
    return (1 - p_t) ** gamma * bce


def optax_focal(x, t, gamma=2.0):
    """optax sigmoid_focal_loss: ce·exp(γ·log(1 − p_t)), log(1 − p_t) by a weighted logsumexp."""
    log_one_minus_pt = np.log((1 - t) * np.exp(log_sigmoid(x)) + t * np.exp(log_sigmoid(-x)))
    return bce_logits(x, t) * np.exp(gamma * log_one_minus_pt)


# ----------------------------------------------------------------------------- softmax focal

LOGITS = np.array([[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6], [1.5, -0.3, 0.2]])
LABELS = np.array([0, 1, 2, 1])
IGNORED = np.array([0, -100, 2, 1])
SPATIAL_LOGITS = np.array([[[0.3, -1.2, 0.8, 0.1], [1.1, 0.4, -0.5, 0.0], [-0.2, 0.9, 0.6, 1.3]],
                           [[0.5, 0.5, -0.7, 2.0], [0.1, -0.3, 1.2, 0.4], [0.8, 0.2, 0.3, -1.0]]])
SPATIAL_LABELS = np.array([[0, 2, 1, 2], [2, 0, 1, 0]])


def softmax_focal_map(x, y, alpha=None, gamma=2.0, ignore_index=-100, background=True):
    """−α_c·(1 − p_c)^γ·log p_c at the true class, 0 elsewhere: kornia and MONAI's (N, C, …)."""
    p = softmax(x)
    kept = y != ignore_index
    onehot = np.moveaxis(np.eye(x.shape[1])[np.where(kept, y, 0)], -1, 1) * kept[:, None]
    values = -((1 - p) ** gamma) * np.log(p) * onehot
    if alpha is not None:
        factor = np.full(x.shape[1], alpha)
        if background:
            factor[0] = 1 - alpha
        values = factor.reshape([-1] + [1] * (x.ndim - 2)) * values
    return values, kept


def losscli_softmax_focal(x, y, gamma=2.0):
    p_y = softmax(x)[np.arange(len(y)), y]
    return np.mean(-((1 - p_y) ** gamma) * np.log(p_y))


def smp_multiclass_focal(x, y, gamma=2.0, ignore_index=-100):
    """smp FocalLoss(mode='multiclass'): Σ over classes of the mean binary focal of x[:, c]."""
    kept = y != ignore_index
    return sum(smp_focal(x[:, c][kept], (y[kept] == c).astype(float), gamma).mean()
               for c in range(x.shape[1]))


def keras_categorical_focal(x, y, alpha=0.25, gamma=2.0, eps=1e-7):
    """Keras categorical_focal_crossentropy(from_logits=True): Σ_c α·(1 − c)^γ·(−y·log c)."""
    c = np.clip(softmax(x), eps, 1 - eps)
    onehot = np.eye(x.shape[1])[y]
    return (alpha * (1 - c) ** gamma * (-onehot * np.log(c))).sum(axis=1)


# ----------------------------------------------------------------------------- segmentation

_RNG = np.random.default_rng(7)
SEG_PRED = softmax(_RNG.normal(size=(2, 3, 4)))  # probabilities over 3 classes
SEG_TARGET = np.array([[0, 1, 1, 0], [1, 1, 0, 0]])  # class 2 absent from the whole batch
SEG_G = np.moveaxis(np.eye(3)[SEG_TARGET], -1, 1)
MASK_PRED = np.array([[[0.9, 0.6, 0.3, 0.2]], [[0.7, 0.2, 0.8, 0.1]]])  # (N, 1, S) binary
MASK_TARGET = np.array([[[1.0, 1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0, 0.0]]])


def overlap(p, g, axes):
    return (p * g).sum(axes), p.sum(axes), g.sum(axes)


def monai_dice(p, g, smooth=1e-5):
    i, ps, gs = overlap(p, g, 2)
    return np.mean(1 - (2 * i + smooth) / (ps + gs + smooth))


def smp_dice(p, g, eps=1e-7):
    i, ps, gs = overlap(p, g, (0, 2))
    return np.mean((1 - 2 * i / np.maximum(ps + gs, eps)) * (gs > 0))


def kornia_dice(p, g, eps=1e-8):
    i, ps, gs = overlap(p, g, (1, 2))
    return np.mean(1 - 2 * i / (ps + gs + eps))


def kornia_dice_macro(p, g, eps=1e-8):
    """Installed kornia 0.9.0 'macro': per sample, the mean over the classes in its target."""
    i, ps, gs = overlap(p, g, 2)
    present = gs > 0
    return np.mean(np.where(present, 1 - 2 * i / (ps + gs + eps), 0).sum(1) / present.sum(1))


def keras_dice(p, g, eps=1e-7):
    return 1 - 2 * (p * g).sum() / (g.sum() + p.sum() + eps)


def optax_tversky(p, g, alpha=0.5, beta=0.5, smooth=1.0):
    i, ps, gs = overlap(p, g, 2)
    return np.mean(1 - (i + smooth) / (i + alpha * (ps - i) + beta * (gs - i) + smooth))


def monai_jaccard(p, g, smooth=1e-5):
    i, ps, gs = overlap(p, g, 2)
    return np.mean(1 - (2 * i + smooth) / (2 * (ps + gs - i) + smooth))


def smp_jaccard(p, g, eps=1e-7):
    i, ps, gs = overlap(p, g, (0, 2))
    return np.mean((1 - i / np.maximum(ps + gs - i, eps)) * (gs > 0))


def tversky_parts(p, g, axes):
    return (p * g).sum(axes), (p * (1 - g)).sum(axes), ((1 - p) * g).sum(axes)


def monai_tversky(p, g, a, b, smooth=1e-5):
    tp, fp, fn = tversky_parts(p, g, 2)
    return np.mean(1 - (tp + smooth) / (tp + a * fp + b * fn + smooth))


def smp_tversky(p, g, a, b, eps=1e-7):
    tp, fp, fn = tversky_parts(p, g, (0, 2))
    return np.mean((1 - tp / np.maximum(tp + a * fp + b * fn, eps)) * (g.sum((0, 2)) > 0))


def kornia_tversky(p, g, a, b, eps=1e-8):
    tp, fp, fn = tversky_parts(p, g, 2)
    present = g.sum(2) > 0
    ratio = np.where(present, tp / (tp + a * fp + b * fn + eps), 0.0)
    return np.mean(1 - ratio.sum(1) / present.sum(1))


def kornia_tversky_micro(p, g, a, b, eps=1e-8):
    """kornia 0.7.0 to 0.9.0rc1: TP, FP, FN summed over classes and pixels, one per sample."""
    tp, fp, fn = tversky_parts(p, g, (1, 2))
    return np.mean(1 - tp / (tp + a * fp + b * fn + eps))


def keras_tversky(p, g, a, b, eps=1e-7):
    """Keras ≤ 3.15.1 tversky: its 'fp' is Σ (1 − y_pred)·y_true, weighted by alpha."""
    tp = (g * p).sum()
    return 1 - tp / (tp + a * ((1 - p) * g).sum() + b * (p * (1 - g)).sum() + eps)


def keras_316_tversky(p, g, a, b, eps=1e-7):
    """Keras 3.16 tversky: α on Σ y_pred·(1 − y_true), the false positives."""
    tp = (g * p).sum()
    return 1 - tp / (tp + a * (p * (1 - g)).sum() + b * ((1 - p) * g).sum() + eps)


# ----------------------------------------------------------------------------- cross-entropies

BCE_P = np.array([[0.1, 0.9, 0.8], [0.0, 1.0, 1.0]])  # last: probability 1, target 0
BCE_T = np.array([[0.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
BCE_W = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 0.5]])


def torch_bce(p, t):
    with np.errstate(divide="ignore"):
        return -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))


def clipped_bce(p, t, eps):
    c = np.clip(p, eps, 1 - eps)
    return -(t * np.log(c) + (1 - t) * np.log(1 - c))


LL_P = np.array([[0.0, 0.6, 0.3], [0.5, 0.3, 0.1], [0.2, 0.7, 0.1]])  # rows sum to 0.9, 0.9, 1
LL_Y = np.array([0, 0, 1])
LL_W = np.array([1.0, 2.0, 0.5])
LL_BINARY = np.array([0.0, 1.0, 0.3])
LL_BINARY_Y = np.array([1, 0, 1])


def log_loss_rows(p, y, eps, renormalise):
    c = np.clip(p, eps, 1 - eps)
    if renormalise:
        c = c / c.sum(axis=1, keepdims=True)
    return -np.log(c[np.arange(len(y)), y])


def keras_log_loss(p, y, eps=1e-7):
    c = np.clip(p / p.sum(axis=1, keepdims=True), eps, 1 - eps)
    return -np.log(c[np.arange(len(y)), y])


CE_Y = np.array([0, 1, 2, 1])
CE_W = np.array([1.0, 2.0, 0.5])


def torch_smoothed_ce(x, y, eps):
    log_p = np.log(softmax(x))
    return (1 - eps) * -log_p[np.arange(len(y)), y] + eps / x.shape[1] * -log_p.sum(axis=1)


def fairseq_ce(x, y, eps, ignore_index=-100):
    log_p = np.log(softmax(x))
    kept = y != ignore_index
    nll = -log_p[np.arange(len(y)), np.where(kept, y, 0)]
    eps_i = eps / (x.shape[1] - 1)
    loss = (1 - eps - eps_i) * nll + eps_i * -log_p.sum(axis=1)
    return loss[kept].sum() / kept.sum()


KL_Q = np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
KL_P = np.array([[0.0, 0.7, 0.3], [0.4, 0.4, 0.2]])


def kl_terms(log_q, p):
    return np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - log_q), 0.0)


def keras_kl(q, p, eps=1e-7):
    y, y_hat = np.clip(p, eps, 1), np.clip(q, eps, 1)
    return (y * np.log(y / y_hat)).sum(axis=-1).mean()


# ----------------------------------------------------------------------------- regression, boxes

SL1_X = np.array([[0.8, 0.1, 3.0], [1.05, 2.0, -1.0]])
SL1_Y = np.ones((2, 3))


def torch_smooth_l1(x, y, beta):
    d = np.abs(x - y)
    return np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)


def huber(x, y, delta):
    d = np.abs(x - y)
    return np.where(d <= delta, 0.5 * d**2, delta * d - 0.5 * delta**2)


BOX_P = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
# the last pair is disjoint
BOX_T = np.array([[1.0, 1.0, 3.0, 3.0], [1.0, 1.0, 3.0, 3.0], [2.0, 2.0, 3.0, 3.0]])


def inter_union(p, t):
    wh = np.clip(np.minimum(p[:, 2:], t[:, 2:]) - np.maximum(p[:, :2], t[:, :2]), 0, None)
    inter = wh[:, 0] * wh[:, 1]
    area = lambda b: (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])  # noqa: E731
    return inter, area(p) + area(t) - inter


def torchvision_iou(p, t):
    inter, union = inter_union(p, t)
    return np.mean(1 - inter / (union + 1e-7))


def mmdet_log_iou(p, t, eps=1e-6):
    inter, union = inter_union(p, t)
    return np.mean(-np.log(np.maximum(inter / np.maximum(union, 1e-6), eps)))


# ----------------------------------------------------------------------------- the cases


@dataclass
class Case:
    loss: str
    convention: str
    values: dict
    expected: float
    reduction: str = "mean"
    id: str = ""
    options: dict = field(default_factory=dict)


def _seg(p=SEG_PRED, t=SEG_TARGET, **extra):
    return {"pred": p, "target": t, **extra}


_JS = {"pred": [[[[0.1, 0.2], [0.3, 0.4]]]], "target": [[[[0.4, 0.3], [0.2, 0.1]]]]}
_COS = {"pred": [[3.0, 4.0], [1.0, 0.0]], "target": [[4.0, 3.0], [0.0, 2.0]]}
_KD = {"pred": [[0.0, np.log(3)]], "teacher": [[0.0, 0.0]], "target": [1]}
_KD_KL = 0.5 * np.log(2) + 0.5 * np.log(2 / 3)
_LH = {"pred": [[2.0], [-1.0], [0.5]], "target": [[1], [1], [0]]}
# lovasz-softmax: two one-pixel images, p = (¾, ¼) labelled 0 and p = (0.9, 0.1) labelled 1.
# kornia (per image, all classes; one pixel: δ = 1): image 1: class 0 error ¼, class 1
# (absent) error ¼ → ¼; image 2: class 0 (absent) 0.9, class 1 0.9 → 0.9; mean 0.575.
# SMP (one ranking, present classes): class 0, fg (1, 0), errors (¼, 0.9) sorted (0.9, ¼)
# with g (0, 1), G = 1: J = (1/2, 2/2), δ = (½, ½) → 0.575; class 1, fg (0, 1), errors
# (¼, 0.9) sorted (0.9, ¼) with g (1, 0): J = (1/1, 2/2), δ = (1, 0) → 0.9; mean 0.7375.
_LS = {"pred": [[[np.log(3)], [0.0]], [[np.log(9)], [0.0]]], "target": [[0], [1]]}
_LS_KORNIA = (0.25 + 0.9) / 2
_LS_SMP = (0.575 + 0.9) / 2
_JS_VALUE = sum(p * np.log(4 * p) for p in (0.1, 0.2, 0.3, 0.4))
M3, K3 = softmax_focal_map(SPATIAL_LOGITS, SPATIAL_LABELS)
MI, KEPT = softmax_focal_map(LOGITS, IGNORED, alpha=0.25)
MA, _ = softmax_focal_map(LOGITS, LABELS, alpha=0.25)
_FOCAL = {"pred": FOCAL_X, "target": FOCAL_T}
_SOFT = {"pred": FOCAL_X, "target": FOCAL_SOFT}
_SAT = {"pred": SATURATED_X, "target": SATURATED_T}
_X3 = np.stack([FOCAL_X, FOCAL_X[::-1] * 2])  # (2, 2, 3): spatial dimension for MONAI's sum
_T3 = np.stack([FOCAL_T, FOCAL_SOFT])
_SM = {"pred": LOGITS, "target": LABELS}
# optax's safe_softmax_cross_entropy: a −inf logit whose target probability is 0 adds 0.
SAFE_X = np.array([[10.0, 1.0, -2.0], [-np.inf, 0.0, 0.0], [-np.inf, 0.3, -np.inf]])
SAFE_Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0]])

def asl_terms(x, y, gamma_neg=4.0, gamma_pos=1.0, clip=0.05):
    """Ridnik et al. 2021 (0/1 labels): −y(1 − p)^γ+ log p − (1 − y) p_m^γ− log(1 − p_m)."""
    p = 1 / (1 + np.exp(-x))
    p_m = np.maximum(p - clip, 0)
    return -(y * (1 - p) ** gamma_pos * np.log(p)
             + (1 - y) * p_m ** gamma_neg * np.log(1 - p_m))


def poly_terms(x, y, epsilon, one_minus_pt):
    """Poly-1: CE + ε·(1 − p_t), with the given definition of 1 − p_t from (y, p)."""
    p = softmax(x)
    return -(y * np.log(p)).sum(axis=1) + epsilon * one_minus_pt(y, p)


POLY_X = np.array([[4.0, 2.0, 1.0], [0.0, 5.0, 1.0]])
POLY_Y = np.array([[0.6, 0.2, 0.0], [0.1, 0.8, 0.5]])  # rows sum to 0.8 and 1.4


ASL_X = np.array([[2.0, -1.0, 0.5], [-0.3, 1.2, -2.0]])
ASL_Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])


_NTX = {"embeddings": [[-1.954, 1.078], [0.238, -0.5703], [1.8745, -0.0195], [-0.6719, -1.921]],
        "labels": [0, 0, 1, 1]}
_SUPCON = {"embeddings": [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]],
           "labels": [0, 0, 1, 2], "temperature": 0.1, "base_temperature": 0.1}
_FACE = {"embeddings": [[2 * np.cos(np.radians(a)), 2 * np.sin(np.radians(a))]
                        for a in (10, 80, 100, 175, 200)],
         "centers": [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], "labels": [0, 1, 2, 0, 1]}


CASES = [
    Case("focal", "torchvision", _FOCAL, torchvision_focal(FOCAL_X, FOCAL_T).mean()),
    Case("focal", "torchvision", _SOFT, torchvision_focal(FOCAL_X, FOCAL_SOFT).sum(), "sum"),
    Case("focal", "fvcore", _FOCAL, torchvision_focal(FOCAL_X, FOCAL_T, alpha=-1).mean()),
    Case("focal", "kornia", _FOCAL, kornia_binary_focal(FOCAL_X, FOCAL_T).mean()),
    Case("focal", "kornia", _SOFT, kornia_binary_focal(FOCAL_X, FOCAL_SOFT).mean(), id="soft"),
    Case("focal", "monai", _SOFT, monai_sigmoid_focal(FOCAL_X, FOCAL_SOFT).mean()),
    Case("focal", "monai", {"pred": _X3, "target": _T3},
         monai_sigmoid_focal(_X3, _T3).mean(axis=2).sum(), "sum"),
    Case("focal", "monai", _FOCAL, monai_sigmoid_focal(FOCAL_X, FOCAL_T).mean(), "sum",
         id="2d-sum-is-mean"),
    Case("focal", "smp", _SOFT, smp_focal(FOCAL_X, FOCAL_SOFT).mean()),
    Case("focal", "mmdet", _SOFT, mmdet_focal(FOCAL_X, FOCAL_SOFT).mean()),
    Case("focal", "keras", _FOCAL, per_sample_mean(keras_binary_focal(FOCAL_X, FOCAL_T))),
    Case("focal", "keras", _SAT, per_sample_mean(keras_binary_focal(SATURATED_X, SATURATED_T)),
         id="clipped"),
    Case("focal", "optax", _SOFT, optax_focal(FOCAL_X, FOCAL_SOFT).mean()),
    Case("softmax-focal", "losscli", _SM, losscli_softmax_focal(LOGITS, LABELS)),
    Case("softmax-focal", "kornia", {**_SM, "alpha": 0.25}, MA.mean()),
    Case("softmax-focal", "kornia", {"pred": LOGITS, "target": IGNORED, "alpha": 0.25},
         MI.sum() / MI.size, id="ignored-still-counted"),
    Case("softmax-focal", "monai", {"pred": SPATIAL_LOGITS, "target": SPATIAL_LABELS},
         M3.mean()),
    Case("softmax-focal", "monai", {"pred": SPATIAL_LOGITS, "target": SPATIAL_LABELS},
         M3.mean(axis=2).sum(), "sum"),
    Case("softmax-focal", "monai", {"pred": LOGITS, "target": IGNORED, "alpha": 0.25},
         MI.sum() / KEPT.sum(), id="ignored"),
    Case("softmax-focal", "monai", {**_SM, "alpha": 0.25}, MA.mean(), "sum",
         id="2d-sum-is-mean-over-n-c"),
    Case("softmax-focal", "monai", {"pred": LOGITS, "target": IGNORED, "alpha": 0.25},
         MI.sum() / KEPT.sum(), "sum", id="2d-sum-ignored"),
    Case("softmax-focal", "smp", _SM, smp_multiclass_focal(LOGITS, LABELS)),
    Case("softmax-focal", "smp", {"pred": LOGITS, "target": IGNORED},
         smp_multiclass_focal(LOGITS, IGNORED), id="ignored"),
    Case("softmax-focal", "mmdet", _SM, mmdet_focal(LOGITS, np.eye(3)[LABELS]).mean()),
    Case("softmax-focal", "keras", _SM, keras_categorical_focal(LOGITS, LABELS).mean()),
    Case("dice", "monai", _seg(), monai_dice(SEG_PRED, SEG_G)),
    Case("dice", "smp", _seg(), smp_dice(SEG_PRED, SEG_G)),
    Case("dice", "kornia", _seg(), kornia_dice(SEG_PRED, SEG_G)),
    Case("dice", "kornia-macro", _seg(), kornia_dice_macro(SEG_PRED, SEG_G)),
    Case("dice", "keras", _seg(), keras_dice(SEG_PRED, SEG_G)),
    Case("dice", "optax", _seg(), optax_tversky(SEG_PRED, SEG_G)),
    Case("jaccard", "monai", _seg(), monai_jaccard(SEG_PRED, SEG_G)),
    Case("jaccard", "smp", _seg(), smp_jaccard(SEG_PRED, SEG_G)),
    Case("tversky", "monai", _seg(alpha=0.3, beta=0.7), monai_tversky(SEG_PRED, SEG_G, 0.3, 0.7)),
    Case("tversky", "smp", _seg(alpha=0.3, beta=0.7), smp_tversky(SEG_PRED, SEG_G, 0.3, 0.7)),
    Case("tversky", "kornia", _seg(alpha=0.3, beta=0.7),
         kornia_tversky(SEG_PRED, SEG_G, 0.3, 0.7)),
    Case("tversky", "kornia-0.8", _seg(alpha=0.3, beta=0.7),
         kornia_tversky_micro(SEG_PRED, SEG_G, 0.3, 0.7)),
    Case("tversky", "keras", _seg(MASK_PRED, MASK_TARGET, alpha=0.3, beta=0.7),
         keras_tversky(MASK_PRED, MASK_TARGET, 0.3, 0.7), id="alpha-on-false-negatives"),
    Case("tversky", "keras-3.16", _seg(MASK_PRED, MASK_TARGET, alpha=0.3, beta=0.7),
         keras_316_tversky(MASK_PRED, MASK_TARGET, 0.3, 0.7), id="alpha-on-false-positives"),
    Case("tversky", "optax", _seg(alpha=0.3, beta=0.7),
         optax_tversky(SEG_PRED, SEG_G, 0.3, 0.7)),
    Case("bce", "torch", {"pred": BCE_P, "target": BCE_T}, torch_bce(BCE_P, BCE_T).mean()),
    Case("bce", "keras", {"pred": BCE_P, "target": BCE_T},
         per_sample_mean(clipped_bce(BCE_P, BCE_T, 1e-7))),
    Case("bce", "sklearn", {"pred": BCE_P, "target": BCE_T},
         clipped_bce(BCE_P, BCE_T, EPS64).mean()),
    Case("bce", "sklearn", {"pred": BCE_P, "target": BCE_T, "weight": BCE_W},
         np.average(clipped_bce(BCE_P, BCE_T, EPS64), weights=BCE_W), id="weighted"),
    Case("log-loss", "sklearn", {"pred": LL_P, "target": LL_Y},
         log_loss_rows(LL_P, LL_Y, EPS64, renormalise=False).mean()),
    Case("log-loss", "sklearn", {"pred": LL_P, "target": LL_Y, "sample_weight": LL_W},
         np.average(log_loss_rows(LL_P, LL_Y, EPS64, False), weights=LL_W), id="weighted"),
    Case("log-loss", "sklearn-1.4", {"pred": LL_P, "target": LL_Y},
         log_loss_rows(LL_P, LL_Y, EPS64, renormalise=True).mean()),
    Case("log-loss", "sklearn-1.1", {"pred": LL_P, "target": LL_Y},
         log_loss_rows(LL_P, LL_Y, 1e-15, renormalise=True).mean()),
    Case("log-loss", "keras", {"pred": LL_P, "target": LL_Y}, keras_log_loss(LL_P, LL_Y).mean()),
    Case("log-loss", "keras", {"pred": LL_P, "target": LL_Y, "sample_weight": LL_W},
         (keras_log_loss(LL_P, LL_Y) * LL_W).sum() / 3, id="weighted-divides-by-n"),
    Case("log-loss", "keras", {"pred": LL_BINARY, "target": LL_BINARY_Y},
         clipped_bce(LL_BINARY, LL_BINARY_Y, 1e-7).mean(), id="binary"),
    Case("log-loss", "torch", {"pred": LL_P, "target": np.array([1, 0, 1])},
         -np.log(LL_P[[0, 1, 2], [1, 0, 1]]).mean()),
    Case("log-loss", "torch", {"pred": LL_P, "target": LL_Y}, np.inf, id="zero-probability"),
    Case("log-loss", "torch", {"pred": LL_BINARY, "target": LL_BINARY_Y},
         torch_bce(LL_BINARY, LL_BINARY_Y).mean(), id="binary-clamped"),
    Case("smooth-l1", "torch", {"pred": SL1_X, "target": SL1_Y},
         torch_smooth_l1(SL1_X, SL1_Y, 1.0).mean()),
    Case("smooth-l1", "fvcore", {"pred": SL1_X, "target": SL1_Y, "beta": 5e-6},
         np.abs(SL1_X - SL1_Y).mean(), id="tiny-beta-is-l1"),
    Case("smooth-l1", "mmdet", {"pred": SL1_X, "target": SL1_Y, "beta": 0.5},
         torch_smooth_l1(SL1_X, SL1_Y, 0.5).mean()),
    Case("smooth-l1", "maskrcnn-benchmark", {"pred": SL1_X, "target": SL1_Y},
         torch_smooth_l1(SL1_X, SL1_Y, 1 / 9).mean()),
    Case("smooth-l1", "keras", {"pred": SL1_X, "target": SL1_Y, "beta": 2.0},
         per_sample_mean(huber(SL1_X, SL1_Y, 2.0))),
    Case("smooth-l1", "optax", {"pred": SL1_X, "target": SL1_Y, "beta": 2.0},
         huber(SL1_X, SL1_Y, 2.0).mean()),
    Case("mse", "torch", {"pred": SL1_X, "target": SL1_Y}, ((SL1_X - SL1_Y) ** 2).mean()),
    Case("mse", "keras", {"pred": SL1_X, "target": SL1_Y, "sample_weight": [0.5, 3.0]},
         (((SL1_X - SL1_Y) ** 2).mean(axis=-1) * [0.5, 3.0]).sum() / 2),
    Case("l1", "torch", {"pred": SL1_X, "target": SL1_Y}, np.abs(SL1_X - SL1_Y).mean()),
    Case("l1", "keras", {"pred": SL1_X, "target": SL1_Y, "sample_weight": [[2.0], [0.0]]},
         2 * np.abs(SL1_X - SL1_Y)[0].mean() / 2),
    Case("huber", "torch", {"pred": SL1_X, "target": SL1_Y, "delta": 0.5},
         huber(SL1_X, SL1_Y, 0.5).mean()),
    Case("huber", "keras", {"pred": SL1_X, "target": SL1_Y, "delta": 0.5},
         per_sample_mean(huber(SL1_X, SL1_Y, 0.5))),
    Case("huber", "optax", {"pred": SL1_X, "target": SL1_Y, "delta": 0.5},
         huber(SL1_X, SL1_Y, 0.5).mean()),
    Case("poisson-nll", "torch", {"pred": SL1_X, "target": SL1_Y},
         (np.exp(SL1_X) - SL1_Y * SL1_X).mean()),
    Case("poisson-nll", "keras", {"pred": np.exp(SL1_X), "target": SL1_Y + 1},
         per_sample_mean(np.exp(SL1_X) - (SL1_Y + 1) * np.log(np.exp(SL1_X) + 1e-7))),
    Case("hinge", "sklearn", {"pred": SL1_X[0], "target": [1, -1, 1]},
         np.maximum(1 - np.array([1, -1, 1]) * SL1_X[0], 0).mean()),
    # Keras 3.15.1 losses.py squared_hinge / categorical_hinge: per-sample terms, times the
    # sample weights, Σ / B (sum_over_batch_size); 0/1 labels read as ±1 for squared hinge.
    Case("squared-hinge", "losscli", {"pred": SL1_X, "target": [[0, 1, 1], [1, 0, 0]]},
         (np.maximum(1 - np.array([[-1, 1, 1], [1, -1, -1]]) * SL1_X, 0) ** 2).mean()),
    Case("squared-hinge", "keras", {"pred": SL1_X, "target": [[0, 1, 1], [1, 0, 0]],
                                    "sample_weight": [2.0, 0.5]},
         ((np.maximum(1 - np.array([[-1, 1, 1], [1, -1, -1]]) * SL1_X, 0) ** 2).mean(axis=1)
          * [2.0, 0.5]).sum() / 2),
    Case("categorical-hinge", "losscli", {"pred": SL1_X, "target": [[0, 1, 0], [1, 0, 0]]},
         np.mean([max(0.0, max(SL1_X[0][0], SL1_X[0][2]) - SL1_X[0][1] + 1),
                  max(0.0, max(SL1_X[1][1], SL1_X[1][2]) - SL1_X[1][0] + 1)])),
    Case("categorical-hinge", "keras", {"pred": SL1_X, "target": [[0, 1, 0], [1, 0, 0]],
                                        "sample_weight": [2.0, 0.5]},
         (2.0 * max(0.0, max(SL1_X[0][0], SL1_X[0][2]) - SL1_X[0][1] + 1)
          + 0.5 * max(0.0, max(SL1_X[1][1], SL1_X[1][2]) - SL1_X[1][0] + 1)) / 2),
    Case("hinge", "keras", {"pred": SL1_X, "target": [[1, -1, 1], [-1, -1, 1]],
                            "sample_weight": [2.0, 0.5]},
         (np.maximum(1 - np.array([[1, -1, 1], [-1, -1, 1]]) * SL1_X, 0).mean(axis=1)
          * [2.0, 0.5]).sum() / 2),
    Case("ctc", "torch", {"pred": [[-0.1, -2.4], [-2.4, -0.1]], "target": [1],
                          "input_lengths": 2, "target_lengths": 1},
         -np.log(np.exp(-0.1 - 0.1) + np.exp(-2.4 - 0.1) + np.exp(-2.4 - 2.4))),
    Case("ctc", "keras", {"pred": [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], "target": [[1, 0]]},
         np.log(3.0)),  # 9 equally likely paths, 3 of them give "1": 1-, -1, 11
    Case("ctc", "optax", {"pred": [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], "target": [[1, 2]],
                          "input_lengths": [2], "target_lengths": [1]},
         np.log(3.0)),  # as keras: only label 1 counts, 3 of 9 paths
    Case("kl-div", "torch", {"pred": np.log(KL_Q), "target": KL_P},
         kl_terms(np.log(KL_Q), KL_P).mean()),
    Case("kl-div", "keras", {"pred": np.log(KL_Q), "target": KL_P}, keras_kl(KL_Q, KL_P)),
    Case("kl-div", "optax", {"pred": np.log(KL_Q), "target": KL_P},
         kl_terms(np.log(KL_Q), KL_P).sum(axis=1).mean()),
    Case("kl-div", "optax", {"pred": np.log(KL_Q), "target": np.log(KL_P + 0.1),
                             "log_target": True},
         ((KL_P + 0.1) * (np.log(KL_P + 0.1) - np.log(KL_Q))).sum(axis=1).mean(), id="log"),
    Case("cross-entropy", "torch", {"pred": LOGITS, "target": CE_Y, "label_smoothing": 0.1},
         torch_smoothed_ce(LOGITS, CE_Y, 0.1).mean()),
    Case("cross-entropy", "keras", {"pred": LOGITS, "target": CE_Y, "label_smoothing": 0.1},
         torch_smoothed_ce(LOGITS, CE_Y, 0.1).mean()),
    Case("cross-entropy", "keras", {"pred": LOGITS, "target": CE_Y, "weight": CE_W,
                                    "label_smoothing": 0.1},
         (CE_W[CE_Y] * torch_smoothed_ce(LOGITS, CE_Y, 0.1)).sum() / 4, id="weighted"),
    Case("cross-entropy", "optax", {"pred": LOGITS, "target": CE_Y, "label_smoothing": 0.1},
         torch_smoothed_ce(LOGITS, CE_Y, 0.1).mean()),
    Case("cross-entropy", "fairseq", {"pred": LOGITS, "target": CE_Y, "label_smoothing": 0.1},
         fairseq_ce(LOGITS, CE_Y, 0.1)),
    Case("cross-entropy", "smp", {"pred": LOGITS, "target": IGNORED, "label_smoothing": 0.1},
         torch_smoothed_ce(LOGITS[[0, 2, 3]], IGNORED[[0, 2, 3]], 0.1).sum() / 4),
    Case("cross-entropy", "optax-safe", {"pred": SAFE_X, "target": SAFE_Y},
         np.mean([-sum(y * (x - np.log(np.exp(row).sum())) for x, y in zip(row, labels) if y)
                  for row, labels in zip(SAFE_X, SAFE_Y)])),
    Case("bce-with-logits", "torch", {**_SOFT, "label_smoothing": 0.1},
         bce_logits(FOCAL_X, FOCAL_SOFT * 0.9 + 0.05).mean()),
    Case("bce-with-logits", "keras", {**_SOFT, "label_smoothing": 0.1},
         per_sample_mean(bce_logits(FOCAL_X, FOCAL_SOFT * 0.9 + 0.05))),
    Case("bce-with-logits", "smp", {**_SOFT, "label_smoothing": 0.1},
         bce_logits(FOCAL_X, (1 - FOCAL_SOFT) * 0.1 + FOCAL_SOFT * 0.9).mean()),
    Case("cross-entropy", "fairseq", {"pred": LOGITS, "target": IGNORED, "label_smoothing": 0.1},
         fairseq_ce(LOGITS, IGNORED, 0.1), id="padding"),
    Case("iou", "torchvision", {"pred": BOX_P, "target": BOX_T}, torchvision_iou(BOX_P, BOX_T)),
    Case("iou", "mmdet", {"pred": BOX_P, "target": BOX_T}, mmdet_log_iou(BOX_P, BOX_T)),
    Case("poly", "optax", {"pred": POLY_X, "target": POLY_Y},
         poly_terms(POLY_X, POLY_Y, 2.0, lambda y, p: (y * (1 - p)).sum(axis=1)).mean()),
    Case("poly", "timm", {"pred": POLY_X, "target": POLY_Y},
         poly_terms(POLY_X, POLY_Y, 2.0, lambda y, p: 1 - (y * p).sum(axis=1)).mean()),
    Case("asymmetric", "losscli", {"pred": ASL_X, "target": ASL_Y}, asl_terms(ASL_X, ASL_Y).mean()),
    Case("asymmetric", "timm", {"pred": ASL_X, "target": ASL_Y}, asl_terms(ASL_X, ASL_Y).sum()),
    Case("mse", "torch", {"pred": SL1_X, "target": SL1_Y}, ((SL1_X - SL1_Y) ** 2).mean()),
    Case("mse", "optax", {"pred": SL1_X, "target": SL1_Y}, (0.5 * (SL1_X - SL1_Y) ** 2).sum(),
         "sum"),
    # regression: the elementwise terms against Keras's per-sample mean over the last axis
    Case("log-cosh", "optax", {"pred": SL1_X, "target": SL1_Y},
         np.log(np.cosh(SL1_X - SL1_Y)).sum(), "sum"),
    Case("log-cosh", "keras", {"pred": SL1_X, "target": SL1_Y},
         np.log(np.cosh(SL1_X - SL1_Y)).mean(axis=-1).sum(), "sum"),
    Case("mape", "losscli", {"pred": SL1_X, "target": SL1_Y - 3},
         (100 * np.abs(SL1_X - SL1_Y + 3) / 2).sum(), "sum"),
    Case("mape", "keras", {"pred": SL1_X, "target": SL1_Y - 3},
         (100 * np.abs(SL1_X - SL1_Y + 3) / 2).mean(axis=-1).sum(), "sum"),
    Case("mape", "sklearn", {"pred": SL1_X, "target": SL1_Y - 3},
         (np.abs(SL1_X - SL1_Y + 3) / 2).mean()),
    Case("msle", "losscli", {"pred": SL1_X, "target": SL1_Y},
         ((np.log1p(np.maximum(SL1_X, 1e-7)) - np.log(2)) ** 2).sum(), "sum"),
    Case("msle", "keras", {"pred": SL1_X, "target": SL1_Y},
         ((np.log1p(np.maximum(SL1_X, 1e-7)) - np.log(2)) ** 2).mean(axis=-1).sum(), "sum"),
    Case("msle", "sklearn", {"pred": SL1_X + 1.5, "target": SL1_Y},
         ((np.log1p(SL1_X + 1.5) - np.log(2)) ** 2).mean()),
    Case("quantile", "losscli", {"pred": SL1_X, "target": SL1_Y, "tau": 0.2},
         np.maximum(0.2 * (SL1_Y - SL1_X), -0.8 * (SL1_Y - SL1_X)).sum(), "sum"),
    Case("quantile", "tfa", {"pred": SL1_X, "target": SL1_Y, "tau": 0.2},
         np.maximum(0.2 * (SL1_Y - SL1_X), -0.8 * (SL1_Y - SL1_X)).mean(axis=-1).sum(), "sum"),
    Case("cauchy", "kornia", {"pred": SL1_X, "target": SL1_Y},
         np.log1p((SL1_X - SL1_Y) ** 2 / 2).sum(), "sum"),
    Case("geman-mcclure", "kornia", {"pred": SL1_X, "target": SL1_Y},
         (2 * (SL1_X - SL1_Y) ** 2 / ((SL1_X - SL1_Y) ** 2 + 4)).sum(), "sum"),
    Case("welsch", "kornia", {"pred": SL1_X, "target": SL1_Y},
         (1 - np.exp(-((SL1_X - SL1_Y) ** 2) / 2)).sum(), "sum"),
    Case("charbonnier", "kornia", {"pred": SL1_X, "target": SL1_Y},
         (np.sqrt((SL1_X - SL1_Y) ** 2 + 1) - 1).sum(), "sum"),
    Case("charbonnier", "basicsr", {"pred": SL1_X, "target": SL1_Y},
         np.sqrt((SL1_X - SL1_Y) ** 2 + 1e-12).mean()),
    # js-div: P = [.1,.2,.3,.4], Q = [.4,.3,.2,.1], M = ½(P + Q) = .25 everywhere, so
    # ℓ = ½Σq·ln(4q) + ½Σp·ln(4p) = Σp·ln(4p) (kornia 0.9.0 gives 0.1064401 in float32);
    # scipy normalises (already mass 1) and takes the square root.
    Case("js-div", "kornia", _JS, _JS_VALUE),
    Case("js-div", "scipy", _JS, np.sqrt(_JS_VALUE)),
    # cosine-similarity: rows (3, 4)·(4, 3) = 24, norms 5 and 5, cos = 24/25 = 0.96;
    # (1, 0)·(0, 2) = 0, cos = 0. Keras −cos, optax 1 − cos, optax similarity +cos.
    Case("cosine-similarity", "keras", _COS, -0.48),
    Case("cosine-similarity", "optax", _COS, 1 - 0.48),
    Case("cosine-similarity", "optax-similarity", _COS, 0.48),
    # distillation, one sample: student (0, ln 3) → p = (¼, ¾); teacher (0, 0) → q = (½, ½);
    # KL(q ‖ p) = ½·ln 2 + ½·ln(2/3); CE with y = 1 is ln(4/3). hinton: α·KL + (1 − α)·CE
    # with α = ½; timm: KL + CE.
    Case("distillation", "hinton", _KD, 0.5 * _KD_KL + 0.5 * np.log(4 / 3)),
    Case("distillation", "timm", _KD, _KD_KL + np.log(4 / 3)),
    # lovasz-hinge, three one-pixel samples x = (2, −1, 0.5), g = (1, 1, 0): errors
    # (0, 2, 1.5). kornia, per image (one pixel: δ = 1): (0 + 2 + 1.5) / 3. SMP, the whole
    # batch: sorted (2, 1.5, 0), G = 2: J = (1/2, 2/3, 3/3), δ = (½, ⅙, ⅓) → 2·½ + 1.5·⅙ = 1.25.
    Case("lovasz-hinge", "kornia", _LH, 3.5 / 3),
    Case("lovasz-hinge", "smp", _LH, 1.25),
    # lovasz-softmax: see _LS.
    Case("lovasz-softmax", "kornia", _LS, _LS_KORNIA),
    Case("lovasz-softmax", "smp", _LS, _LS_SMP),
    # Metric learning: values of the libraries' own test inputs (tests/families/test_metric.py
    # cites each): optax 0.2.8 NtxentTest.test_batched; pytorch-metric-learning 2.8.1 and
    # SupContrast (commit 66a8fe53) run on the same inputs; insightface-style ArcFace.
    # ntxent: optax expects 14.01032 (atol 1e-4); the float64 loop of test_metric.py gives
    # 14.010320041574158 (the same formula as PML's MeanReducer).
    Case("ntxent", "optax", _NTX, 14.010320041574158),
    Case("ntxent", "pml", _NTX, 14.010320041574158),
    Case("ntxent", "pml", {**_NTX, "labels": [0, 1, 2, 3]}, 0.0, id="no-positive"),
    Case("supcon", "reference", _SUPCON, 0.03181588294034715),
    Case("supcon", "pml", _SUPCON, 0.06363176588069419),
    Case("arcface", "insightface", {**_FACE, "scale": 64.0}, 66.90582359691743),
    Case("arcface", "pml", {**_FACE, "scale": 64.0}, 66.87879642859187),
]


# dpo (TRL), three pairs with z = (πc − πr) − (refc − refr) = (2, −1.5, −0.75); β = 0.5 gives
# m = β·z = (1, −0.75, −0.375), ε = 0.1. v0.19's sigmoid: −0.9·log σ(m) − 0.1·log σ(−m), mean
# 0.7785853192576543; v1.9's ignores ε: log(1 + e^−m) = (0.313262, 1.136871, 0.898123).
# orpo: both TRL releases agree away from log-probabilities near 0 (float64).
_DPO = {"policy_chosen": [-12.0, -30.5, -8.25], "policy_rejected": [-15.0, -28.0, -9.0],
        "ref_chosen": [-13.0, -30.0, -8.0], "ref_rejected": [-14.0, -29.0, -9.5],
        "beta": 0.5, "label_smoothing": 0.1}
_ORPO = {"chosen": [-0.5, -0.001, -2.0], "rejected": [-1.5, -0.7, -0.1]}
CASES += [
    Case("dpo", "trl-0.19", _DPO, 0.7785853192576543),
    Case("dpo", "trl-1.9", _DPO, (0.31326168751822286 + 1.1368710061148999
                                  + 0.89812326413984) / 3),
    Case("orpo", "trl-1.9", _ORPO, 0.14316425832582955),
    Case("orpo", "trl-0.19", _ORPO, 0.14316425832582955),
]

# Image losses with a 1-pixel window, where σ² = σxy = 0, cs = 1 and SSIM is the luminance
# l = (2xy + C1)/(x² + y² + C1), C1 = (0.01·L)², C2 = (0.03·L)² at every pixel (Wang et al.).
# kornia: clamp((1 − num/(den + 1e-12))/2, 0, 1), den = (x² + y² + C1)·C2; pytorch-msssim:
# L = 255; ms-ssim with weights (0.5, 0.5): (mean l at the halved scale)^0.5, halved without
# padding (losscli, MONAI) or with a zero row and column before an odd side (pytorch-msssim);
# MONAI takes the mean over the channels before the power.
IMG_X = np.array([[[[0.1, 0.5, 0.9, 0.3, 0.7], [0.4, 0.8, 0.2, 0.6, 0.1],
                    [0.7, 0.3, 0.5, 0.9, 0.2]],
                   [[0.9, 0.1, 0.2, 0.8, 0.3], [0.2, 0.7, 0.4, 0.5, 0.6],
                    [0.6, 0.4, 0.8, 0.1, 0.5]]]])
IMG_Y = np.array([[[[0.2, 0.5, 0.8, 0.3, 0.6], [0.4, 0.7, 0.3, 0.6, 0.2],
                    [0.6, 0.3, 0.5, 0.8, 0.3]],
                   [[0.1, 0.9, 0.8, 0.2, 0.7], [0.8, 0.3, 0.6, 0.5, 0.4],
                    [0.4, 0.6, 0.2, 0.9, 0.5]]]])  # (1, 2, 3, 5); channel 2 anti-correlated
_IMG = {"pred": IMG_X, "target": IMG_Y, "window_size": 1}


def luminance(x, y, data_range=1.0):
    c1 = (0.01 * data_range) ** 2
    return (2 * x * y + c1) / (x**2 + y**2 + c1)


def kornia_pixels(x, y):
    c1, c2 = 0.01**2, 0.03**2
    s = (2 * x * y + c1) * c2 / ((x**2 + y**2 + c1) * c2 + 1e-12)
    return np.clip((1 - s) / 2, 0, 1)


def halved(x, pad=False):
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (x.shape[2] % 2,) * 2, (x.shape[3] % 2,) * 2))
    h, w = x.shape[2] // 2, x.shape[3] // 2
    return x[:, :, : 2 * h, : 2 * w].reshape(*x.shape[:2], h, 2, w, 2).mean((3, 5))


def ms_ssim_1px(pad=False, data_range=1.0, monai=False):
    per_channel = luminance(halved(IMG_X, pad), halved(IMG_Y, pad), data_range).mean((2, 3))
    if monai:
        return 1 - max(per_channel.mean(), 0) ** 0.5
    return 1 - np.mean(np.maximum(per_channel, 0) ** 0.5)


_TV_DIFFS = (np.abs(np.diff(IMG_X, axis=2)), np.abs(np.diff(IMG_X, axis=3)))
CASES += [
    Case("ssim", "monai", _IMG, 1 - luminance(IMG_X, IMG_Y).mean()),
    Case("ssim", "kornia", _IMG, kornia_pixels(IMG_X, IMG_Y).mean()),
    Case("ssim", "kornia", _IMG, kornia_pixels(IMG_X, IMG_Y).sum(), "sum"),
    Case("ssim", "pytorch-msssim", _IMG, 1 - luminance(IMG_X, IMG_Y, 255.0).mean()),
    Case("ms-ssim", "losscli", {**_IMG, "weights": [0.5, 0.5]}, ms_ssim_1px()),
    Case("ms-ssim", "monai", {**_IMG, "weights": [0.5, 0.5]}, ms_ssim_1px(monai=True)),
    Case("ms-ssim", "pytorch-msssim", {**_IMG, "weights": [0.5, 0.5]},
         ms_ssim_1px(pad=True, data_range=255.0)),
    Case("psnr", "losscli", {"pred": IMG_X[0], "target": IMG_Y[0]},
         np.mean(10 * np.log10(((IMG_X[0] - IMG_Y[0]) ** 2).mean((1, 2))))),
    Case("psnr", "kornia", {"pred": IMG_X[0], "target": IMG_Y[0]},
         10 * np.log10(((IMG_X - IMG_Y) ** 2).mean())),
    Case("psnr", "kornia", {"pred": IMG_X[0], "target": IMG_X[0]}, -np.inf, id="identical"),
    Case("total-variation", "losscli", {"pred": IMG_X}, sum(d.sum() for d in _TV_DIFFS)),
    Case("total-variation", "kornia", {"pred": IMG_X},
         sum(d.sum((2, 3)) for d in _TV_DIFFS).mean()),
    Case("total-variation", "kornia", {"pred": IMG_X, "average": "mean"},
         sum(d.mean((2, 3)) for d in _TV_DIFFS).mean(), id="mean"),
]


def _id(case: Case) -> str:
    return f"{case.loss}-{case.convention}-{case.reduction}" + (f"-{case.id}" if case.id else "")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_convention_matches_the_library_formula(case: Case):
    result = losscli.compute(case.loss, convention=case.convention, reduction=case.reduction,
                             dtype="float64", **case.values)
    assert result.convention["name"] == case.convention
    if np.isinf(case.expected):
        assert result.value == case.expected
    else:
        assert result.value == pytest.approx(case.expected, rel=1e-10, abs=1e-12)


def _kornia_test_ignore_index_case(ignore_index):
    """kornia tests/losses/test_tversky.py test_ignore_index (v0.8.2 to v0.9.0rc1), float64."""
    logits = np.zeros((2, 2, 1, 4))
    logits[:, 0, :, 0] = 100.0
    logits[:, 1, :, 1:] = 100.0
    labels = np.zeros((2, 1, 4), dtype=np.int64)
    labels[..., 2:] = ignore_index
    return {"pred": logits, "target": labels, "from_logits": "softmax",
            "ignore_index": ignore_index, "alpha": 0.5, "beta": 0.5}


@pytest.mark.parametrize("ignore_index", [-100, 255])
def test_kornia_tversky_reproduces_kornias_own_ignore_index_case(ignore_index):
    # kornia/kornia tests/losses/test_tversky.py @ v0.8.2 (856fd1ae): expected_loss = 1/2.
    # Per sample the kept pixels are 0 (class 0, right) and 1 (class 1, label 0): TP = 1,
    # FP = FN = 1, 1 − 1/(1 + 0.5 + 0.5) = 1/2. kornia 0.9.0 averages the classes present
    # (only class 0: TP = 1, FP = 0, FN = 1) and gives 1 − 1/1.5 = 1/3.
    values = _kornia_test_ignore_index_case(ignore_index)
    old = losscli.compute("tversky", convention="kornia-0.8", dtype="float64", **values)
    assert old.value == pytest.approx(0.5, abs=1e-3)
    assert old.value == pytest.approx(1 - 1 / (2 + 1e-8), rel=1e-12)
    new = losscli.compute("tversky", convention="kornia", dtype="float64", **values)
    assert new.value == pytest.approx(1 - 1 / (1.5 + 1e-8), rel=1e-12)


@pytest.mark.parametrize("ignore_index", [-100, None])
@pytest.mark.parametrize("name", ["kornia", "kornia-0.8"])
def test_kornia_tversky_reproduces_kornias_own_all_zeros_case(name, ignore_index):
    # kornia tests/losses/test_tversky.py @ v0.8.2 test_all_zeros: a confident right
    # prediction everywhere, loss ≈ 0 (atol 1e-3).
    logits = np.zeros((2, 3, 1, 2))
    logits[:, 0], logits[:, 1], logits[:, 2] = 10.0, 1.0, 1.0
    labels = np.zeros((2, 1, 2), dtype=np.int64)
    result = losscli.compute("tversky", convention=name, pred=logits, target=labels,
                             from_logits="softmax", ignore_index=ignore_index, alpha=0.5,
                             beta=0.5, dtype="float64")
    assert result.value == pytest.approx(0.0, abs=1e-3)
    p = softmax(logits.reshape(2, 3, 2))
    g = np.moveaxis(np.eye(3)[labels.reshape(2, 2)], -1, 1)
    reference = kornia_tversky_micro if name == "kornia-0.8" else kornia_tversky
    assert result.value == pytest.approx(reference(p, g, 0.5, 0.5), rel=1e-10)


# keras/src/losses/losses_test.py TverskyTest.test_binary_segmentation(_custom_coefficients):
# one (4, 4) binary mask, axis=None, float32. The expected values at v3.15.1 (250b4218)
# and after the fix fa9afd5a (3.16 in development).
KERAS_MASK_TRUE = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
KERAS_MASK_PRED = [[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 0, 1, 1]]


@pytest.mark.parametrize(("name", "alpha", "beta", "expected"), [
    ("keras", 0.5, 0.5, 0.77777773),
    ("keras", 0.2, 0.8, 0.7916667),
    ("keras-3.16", 0.5, 0.5, 0.77777779),
    ("keras-3.16", 0.2, 0.8, 0.76190472),
])
def test_keras_tversky_reproduces_keras_own_test_values(name, alpha, beta, expected):
    result = losscli.compute("tversky", convention=name, pred=[[KERAS_MASK_PRED]],
                             target=[[KERAS_MASK_TRUE]], alpha=alpha, beta=beta)
    assert result.value == pytest.approx(expected, rel=1e-6)  # keras's assertAllClose


def test_keras_tversky_conventions_name_their_release():
    spec = registry().resolve("tversky")
    by_name = {c.name: c for c in spec.conventions}
    assert "3.15.1" in by_name["keras"].library and "3.15.1" in by_name["keras"].source
    assert "fa9afd5a" in by_name["keras-3.16"].source


def test_every_convention_has_an_independent_case():
    declared = {(spec.name, c.name) for spec in registry() for c in spec.conventions}
    assert declared == {(case.loss, case.convention) for case in CASES}


def test_the_required_losses_declare_conventions():
    required = ("focal", "softmax-focal", "dice", "tversky", "jaccard", "bce", "log-loss",
                "smooth-l1", "kl-div", "cross-entropy", "iou")
    for name in required:
        assert len(registry().resolve(name).conventions) >= 2, name


def test_every_convention_cites_a_source_and_a_reason():
    for spec in registry():
        for c in spec.conventions:
            assert c.source and c.reason and c.call and c.library, (spec.name, c.name)
            assert c.name == c.name.lower() and " " not in c.name
            assert set(c.params) <= {p.name for p in spec.params}, (spec.name, c.name)


def test_the_first_convention_is_losscli_default():
    for spec in registry():
        if spec.conventions:
            first = spec.conventions[0]
            assert (first.impl, first.params, first.rules) == (None, {}, {}), spec.name


# ----------------------------------------------------------------------------- semantics


def test_keras_clip_and_torch_clamp_differ_on_a_confident_wrong_probability():
    values = {"pred": [[1.0]], "target": [[0.0]]}
    torch_value = losscli.compute("bce", convention="torch", dtype="float64", **values).value
    keras_value = losscli.compute("bce", convention="keras", dtype="float64", **values).value
    assert torch_value == 100.0  # log(1 − 1) clamped at −100
    assert keras_value == pytest.approx(-np.log(1e-7), rel=1e-9)  # p clipped to 1 − 1e-7


def test_an_explicit_option_overrides_the_library_default():
    fvcore = losscli.compute("focal", convention="fvcore", alpha=0.25, pred=FOCAL_X,
                             target=FOCAL_T)
    torchvision = losscli.compute("focal", pred=FOCAL_X, target=FOCAL_T)
    assert fvcore.value == pytest.approx(torchvision.value, rel=1e-6)
    assert fvcore.params["alpha"] == 0.25


def test_library_reduction_rules_are_stated():
    keras = losscli.compute("focal", convention="keras", **_FOCAL)
    assert keras.reduction.rule.startswith("sum_over_batch_size")
    assert keras.terms.shape == (2,)  # Keras's per-sample losses
    kornia = losscli.compute("softmax-focal", convention="kornia", **_SM)
    assert "C included" in kornia.reduction.rule
    assert kornia.terms.shape == (4, 3)  # kornia's (N, C) map


def test_kl_div_mean_warns_only_where_mean_is_not_the_kl_divergence():
    values = {"pred": np.log(KL_Q), "target": KL_P}
    assert losscli.compute("kl-div", convention="torch", **values).warnings
    assert not losscli.compute("kl-div", convention="optax", **values).warnings


def test_an_option_the_library_lacks_is_an_input_error():
    with pytest.raises(InputError, match="kornia's focal_loss takes one number"):
        losscli.compute("softmax-focal", convention="kornia", alpha=[0.2, 0.3, 0.5], **_SM)
    with pytest.raises(InputError, match="beta > 0"):
        losscli.compute("smooth-l1", convention="mmdet", beta=0.0, pred=[1.0], target=[0.0])


def test_unknown_convention_names_the_valid_ones():
    with pytest.raises(UsageError, match="valid: torchvision, fvcore, kornia, monai, smp, "
                                         "mmdet, keras, optax"):
        losscli.compute("focal", convention="tensorflow", **_FOCAL)
    with pytest.raises(UsageError, match="no library conventions"):
        losscli.compute("nll", convention="keras", pred=[[-0.1, -2.4]], target=[0])


VARIANTS = sorted({(spec.name, c.name) for spec in registry() for c in spec.conventions
                   if c.impl})
_SMOOTH_INPUTS = {  # away from clips, clamps and kinks, so finite differences apply
    "focal": _SOFT,
    "softmax-focal": _SM,
    "dice": _seg(),
    "jaccard": _seg(),
    "tversky": _seg(alpha=0.3, beta=0.7),
    "bce": {"pred": np.array([[0.1, 0.9, 0.8], [0.3, 0.6, 0.5]]), "target": BCE_T},
    "log-loss": {"pred": np.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]),
                 "target": np.array([1, 0, 1])},
    "smooth-l1": {"pred": SL1_X, "target": SL1_Y},
    **dict.fromkeys(("mse", "log-cosh", "mape", "quantile", "charbonnier", "robust"),
                    {"pred": SL1_X, "target": SL1_Y}),
    "msle": {"pred": SL1_X + 1.5, "target": SL1_Y},
    "kl-div": {"pred": np.log(KL_Q), "target": KL_P},
    "cross-entropy": {"pred": LOGITS, "target": CE_Y, "label_smoothing": 0.1},
    "bce-with-logits": {**_SOFT, "label_smoothing": 0.1},
    "iou": {"pred": BOX_P[:2], "target": BOX_T[:2]},
    "poly": {"pred": POLY_X, "target": POLY_Y},
    "js-div": _JS,
    "cosine-similarity": _COS,
    "distillation": _KD,
    "mse": {"pred": SL1_X, "target": SL1_Y, "sample_weight": [0.5, 2.0]},
    ("mse", "optax"): {"pred": SL1_X, "target": SL1_Y},
    "l1": {"pred": SL1_X, "target": SL1_Y, "sample_weight": [[0.5], [2.0]]},
    "huber": {"pred": SL1_X, "target": SL1_Y, "delta": 0.7},
    "ctc": {"pred": SL1_X.reshape(1, 2, 3), "target": [[2, 0]], "sample_weight": [1.5]},
    ("ctc", "optax"): {"pred": SL1_X.reshape(1, 2, 3), "target": [[2, 1]],
                       "input_lengths": [2], "target_lengths": [1]},
    "hinge": {"pred": SL1_X / 4, "target": [[1, -1, 1], [-1, -1, 1]], "sample_weight": [1, 2]},
    "poisson-nll": {"pred": np.exp(SL1_X), "target": SL1_Y, "sample_weight": 1.5},
    "squared-hinge": {"pred": SL1_X / 4, "target": [[0, 1, 1], [1, 0, 0]],
                      "sample_weight": [2.0, 0.5]},
    "categorical-hinge": {"pred": SL1_X, "target": [[0, 1, 0], [1, 0, 0]],
                          "sample_weight": [2.0, 0.5]},
    "ntxent": _NTX,
    "supcon": _SUPCON,
    "dpo": _DPO,
    "orpo": _ORPO,
    "ssim": {**_IMG, "window_size": 3},
    "ms-ssim": {**_IMG, "weights": [0.5, 0.5]},
    "total-variation": {"pred": IMG_X},
}


@pytest.mark.parametrize(("loss", "name"), VARIANTS, ids=[f"{a}-{b}" for a, b in VARIANTS])
def test_variant_gradients_match_finite_differences(loss, name):
    """gradcheck (float64) of each library variant with respect to --pred (or its first input)."""
    spec = registry().resolve(loss)
    convention = next(c for c in spec.conventions if c.name == name)
    values = _SMOOTH_INPUTS.get((loss, name), _SMOOTH_INPUTS.get(loss))
    params = losscli.compute(loss, convention=name, dtype="float64", **values).params
    rules = {p.name for p in spec.params if p.rule_for}  # choose a reduction, not the terms
    kwargs = {k: _tensor(v) if isinstance(v, list) else v for k, v in params.items()
              if k not in rules}
    inputs = {i.name: _tensor(values[i.name]) for i in spec.inputs if i.name in values}
    impl = apply(spec, name, {})[0].load()
    wrt = spec.inputs[0].name  # pred, or the embeddings of a metric-learning loss

    def total(x):
        return impl(**{**inputs, wrt: x}, **kwargs, **convention.constants).values.sum()

    x = inputs[wrt].clone().requires_grad_(True)
    assert torch.autograd.gradcheck(total, (x,), eps=1e-6, atol=1e-6)


def _tensor(value):
    array = np.asarray(value)
    if array.dtype.kind in "iu":
        return torch.as_tensor(array, dtype=torch.int64)
    return torch.as_tensor(array, dtype=torch.float64)


# ------------------------------------------------------- smp SoftBCEWithLogitsLoss ignore_index

_SB_X = np.array([[0.5, -1.0, 2.0], [2.0, 0.3, -0.7]])
_SB_T = np.array([[1.0, -100.0, 0.25], [0.0, 1.0, -100.0]])


def _soft_bce_reference(x, t, ignore_index=-100, s=0.0):
    """smp soft_bce.py in float64: y' = (1 − y)·s + y·(1 − s), BCE with logits, times the mask
    y ≠ ignore_index, then the mean over every element (ignored ones included)."""
    kept = t != ignore_index
    y = np.where(kept, t, 0.0)
    y = (1 - y) * s + y * (1 - s)
    bce = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    return bce * kept


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_smp_soft_bce_ignore_index_matches_a_float64_derivation(smoothing):
    want = _soft_bce_reference(_SB_X, _SB_T, s=smoothing)
    for reduction, expected in (("mean", want.mean()), ("sum", want.sum()), ("none", want)):
        got = losscli.compute("bce-with-logits", convention="smp", reduction=reduction,
                              dtype="float64", pred=_SB_X, target=_SB_T,
                              label_smoothing=smoothing)
        np.testing.assert_allclose(got.value, expected, rtol=1e-12, atol=1e-15)
    other = np.where(_SB_T == -100, 7.0, _SB_T)  # another ignore_index; 7 is no probability
    got = losscli.compute("bce-with-logits", convention="smp", dtype="float64", pred=_SB_X,
                          target=other, ignore_index=7, label_smoothing=smoothing)
    assert got.value == pytest.approx(want.mean(), rel=1e-12)
    assert got.reduction.denominator == _SB_X.size  # ignored elements still count


def test_smp_soft_bce_ignored_elements_have_zero_gradient():
    got = losscli.compute("bce-with-logits", convention="smp", dtype="float64", grad=True,
                          pred=_SB_X, target=_SB_T)
    sigma = 1 / (1 + np.exp(-_SB_X))
    want = np.where(_SB_T == -100, 0.0, (sigma - np.where(_SB_T == -100, 0, _SB_T)) / _SB_X.size)
    np.testing.assert_allclose(got.grads["pred"], want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("args, argument", [
    (("bce-with-logits", "-p", "[0.5, 1.0]", "-t", "[1, 3]", "--convention", "smp"), "--target"),
    (("bce-with-logits", "-p", "[0.5, 1.0]", "-t", "[1, -100]"), "--target"),
    (("bce-with-logits", "-p", "[0.5, 1.0]", "-t", "[1, 0]", "--ignore-index", "2"),
     "--ignore-index"),
])
def test_smp_soft_bce_ignore_index_errors_are_one_line(cli, args, argument):
    out = cli(*args)
    assert out.code == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0], out.stderr


# ----------------------------------------------------------------------------- the CLI

FOCAL_ARGS = ("focal", "--pred", json.dumps(FOCAL_X.tolist()), "--target",
              json.dumps(FOCAL_T.tolist()))


def test_focal_all_shows_every_library_with_reasons(cli):
    out = cli(*FOCAL_ARGS, "--convention", "all")
    assert out.code == 0, out.stderr
    for name in ("torchvision", "fvcore", "kornia", "monai", "smp", "mmdet", "keras", "optax"):
        assert name in out.stdout
    assert "no α weighting" in out.stdout and "clipped at 1e-7" in out.stdout
    assert "sum_over_batch_size" in out.stdout


def test_focal_all_json_figures_are_the_library_formulas(cli):
    out = cli(*FOCAL_ARGS, "--convention", "all", "--json")
    rows = json.loads(out.stdout)
    expected = {
        "torchvision": torchvision_focal(FOCAL_X, FOCAL_T).mean(),
        "fvcore": torchvision_focal(FOCAL_X, FOCAL_T, alpha=-1).mean(),
        "kornia": kornia_binary_focal(FOCAL_X, FOCAL_T).mean(),
        "monai": monai_sigmoid_focal(FOCAL_X, FOCAL_T).mean(),
        "smp": smp_focal(FOCAL_X, FOCAL_T).mean(),
        "mmdet": mmdet_focal(FOCAL_X, FOCAL_T).mean(),
        "keras": per_sample_mean(keras_binary_focal(FOCAL_X, FOCAL_T)),
        "optax": optax_focal(FOCAL_X, FOCAL_T).mean(),
    }
    assert [row["convention"] for row in rows] == list(expected)
    for row in rows:
        want = expected[row["convention"]]
        assert row["value"] == pytest.approx(want, rel=1e-6)  # float32
        assert row["difference"] == pytest.approx(want - expected["torchvision"], abs=1e-6)
        assert row["reason"] and row["source"] and row["reduction_rule"]
    assert rows[1]["params"]["alpha"] == -1.0


def test_single_convention_json_names_it(cli):
    out = cli(*FOCAL_ARGS, "--convention", "keras", "--json")
    data = json.loads(out.stdout)
    assert data["convention"]["name"] == "keras"
    assert data["convention"]["reduction_rules"] == {"mean": "sum_over_batch_size"}
    assert data["value"] == pytest.approx(per_sample_mean(keras_binary_focal(FOCAL_X, FOCAL_T)),
                                          rel=1e-6)


def test_unknown_convention_exits_2_listing_the_valid_ones(cli):
    out = cli(*FOCAL_ARGS, "--convention", "tensorflow")
    assert out.code == 2
    assert "--convention" in out.stderr
    assert "valid: torchvision, fvcore, kornia, monai, smp, mmdet, keras, optax" in out.stderr
    assert "Traceback" not in out.stderr


def test_losses_without_conventions_have_no_option(cli):
    out = cli("nll", "--pred", "[[-0.1, -2.4]]", "--target", "[0]", "--convention", "keras")
    assert out.code == 2
    assert "--convention" in out.stderr


def test_all_needs_a_single_value_reduction(cli):
    out = cli(*FOCAL_ARGS, "--convention", "all", "--reduction", "none")
    assert out.code == 2 and "--reduction" in out.stderr
    out = cli(*FOCAL_ARGS, "--convention", "all", "--expect", "0.1")
    assert out.code == 2 and "--expect" in out.stderr


def test_a_library_that_cannot_take_the_inputs_shows_why(cli):
    out = cli("softmax-focal", "--pred", json.dumps(LOGITS.tolist()), "--target",
              json.dumps(LABELS.tolist()), "--alpha", "[0.2, 0.3, 0.5]", "--convention", "all",
              "--json")
    rows = {row["convention"]: row for row in json.loads(out.stdout)}
    assert rows["kornia"]["value"] is None
    assert "one number for alpha" in rows["kornia"]["error"]
    assert rows["monai"]["value"] is not None


def test_plain_prints_one_line_per_convention(cli):
    out = cli(*FOCAL_ARGS, "--convention", "all", "-q")
    names = [line.split("\t")[0] for line in out.stdout.splitlines()]
    assert names == ["torchvision", "fvcore", "kornia", "monai", "smp", "mmdet", "keras", "optax"]


def test_convention_with_expect_and_emit(cli):
    value = float(per_sample_mean(keras_binary_focal(FOCAL_X, FOCAL_T)))
    assert cli(*FOCAL_ARGS, "--convention", "keras", "--expect", repr(value)).code == 0
    out = cli(*FOCAL_ARGS, "--convention", "keras", "--emit", "python")
    assert out.code == 2 and "--emit" in out.stderr


def test_explain_lists_the_conventions(cli):
    out = cli("explain", "focal")
    assert out.code == 0
    assert "Conventions" in out.stdout
    for name in ("fvcore", "keras", "optax"):
        assert name in out.stdout
    data = json.loads(cli("explain", "focal", "--json").stdout)
    assert [c["name"] for c in data["conventions"]][:2] == ["torchvision", "fvcore"]


def test_readme_convention_examples_are_current(cli):
    """The documented outputs are real: plain outputs verbatim, the table's values per row."""
    page = Path(__file__).resolve().parent.parent / "docs" / "conventions.md"
    section = page.read_text(encoding="utf-8")
    runs = [run for run in re.findall(r"^\$ losscli (.+)\n((?:(?!\$ |```).*\n)*)", section,
                                      re.M) if "--convention all" in run[0]]
    assert len(runs) == 4
    row = re.compile(r"^  (\S+) +(\d\S*) ", re.M)
    for command, shown in runs:
        out = cli(*shlex.split(command))
        assert out.code == 0, out.stderr
        if "-q" in command:
            assert out.stdout == shown
        else:
            assert row.findall(out.stdout) == row.findall(shown)
            assert len(row.findall(shown)) == 8


# ----------------------------------------------------------------------------- no inputs

def _empty(loss, name, **values):
    return losscli.compute(loss, convention=name, dtype="float64", **values)


def test_fvcore_smooth_l1_mean_over_no_elements_is_zero():
    # fvcore/nn/smooth_l1_loss.py (fvcore 0.1.5): loss.mean() if loss.numel() > 0 else
    # 0.0 * loss.sum(); torch's SmoothL1Loss (the default) gives NaN.
    for shape in ((0,), (0, 3), (2, 0)):
        empty = np.zeros(shape)
        assert _empty("smooth-l1", "fvcore", pred=empty, target=empty).value == 0.0
        assert math.isnan(_empty("smooth-l1", "torch", pred=empty, target=empty).value)
    pred = torch.zeros(0, dtype=torch.float64, requires_grad=True)
    from losscli.core.terms import reduce
    from losscli.families.regression.convention_terms import fvcore_smooth_l1

    value, _ = reduce(fvcore_smooth_l1(pred=pred, target=torch.zeros(0), beta=1.0), "mean")
    value.backward()
    assert value.item() == 0.0 and pred.grad is not None


def test_mmdet_smooth_l1_refuses_no_elements_as_its_assert_does():
    # mmdet/models/losses/smooth_l1_loss.py @ 030b5682: assert ... target.numel() > 0
    with pytest.raises(InputError, match=r"numel\(\) > 0"):
        _empty("smooth-l1", "mmdet", pred=np.zeros(0), target=np.zeros(0))


def test_keras_empty_batches():
    # keras/src/losses/loss.py reduce_values (3.15.1): per-sample losses of shape (0,) come
    # back unreduced (an empty array, no value); any other empty shape divides with
    # divide_no_nan (0); a (0,) input has one per-sample loss, the NaN mean over its last
    # axis.
    with pytest.raises(InputError, match="Keras returns no value"):
        _empty("bce", "keras", pred=np.zeros((0, 3)), target=np.zeros((0, 3)))
    assert _empty("bce", "keras", pred=np.zeros((0, 3, 4)), target=np.zeros((0, 3, 4))
                  ).value == 0.0
    assert math.isnan(_empty("bce", "keras", pred=np.zeros(0), target=np.zeros(0)).value)
    assert _empty("kl-div", "keras", pred=np.zeros(0), target=np.zeros(0)).value == 0.0
    with pytest.raises(InputError, match="Keras returns no value"):
        _empty("cross-entropy", "keras", pred=np.zeros((0, 3)),
               target=np.zeros(0, dtype=np.int64))


def test_sklearn_refuses_no_samples():
    # sklearn/utils/validation.py check_array: "Found array with 0 sample(s)" (ValueError).
    with pytest.raises(InputError, match="at least 1 sample"):
        _empty("bce", "sklearn", pred=np.zeros((0, 3)), target=np.zeros((0, 3)))
    with pytest.raises(InputError, match="at least 1 sample"):
        _empty("log-loss", "sklearn-1.4", pred=np.zeros((0, 3)),
               target=np.zeros(0, dtype=np.int64))
    # the default (scikit-learn >= 1.5) too, on both backends, not a NaN mean; torch's
    # convention keeps torch's NaN
    for backend in ("torch", "numpy"):
        for pred, target in ((np.zeros((0, 3)), np.zeros(0, dtype=np.int64)),
                             (np.zeros(0), np.zeros(0))):
            with pytest.raises(InputError, match="at least 1 sample") as caught:
                losscli.compute("log-loss", pred=pred, target=target, backend=backend,
                                reduction="sum")
            assert caught.value.argument == "--pred"
    assert math.isnan(_empty("log-loss", "torch", pred=np.zeros(0), target=np.zeros(0)).value)


@pytest.mark.parametrize("name", ["kornia", "monai"])
def test_kornia_and_monai_focal_need_a_channel_dimension(name):
    # kornia/losses/focal.py and monai/losses/focal_loss.py read pred.shape[1].
    with pytest.raises(InputError, match=r"\(N, C, \*\)"):
        _empty("focal", name, pred=[0.5, -1.0], target=[1.0, 0.0])


@pytest.mark.parametrize(("loss", "name", "expected"), [
    ("dice", "monai", math.nan), ("dice", "kornia", math.nan), ("dice", "keras", 1.0),
    ("dice", "optax", math.nan), ("tversky", "kornia-0.8", math.nan),
    ("tversky", "keras-3.16", 1.0), ("jaccard", "smp", 0.0),
])
def test_overlap_conventions_on_an_empty_batch(loss, name, expected):
    # An empty batch: MONAI, kornia and optax average over no samples (NaN); Keras's one
    # index over no elements is 1 − 0/(0 + eps) = 1; smp's classes are all absent (0).
    pred, labels = np.zeros((0, 3, 2, 2)), np.zeros((0, 2, 2), dtype=np.int64)
    extra = {"from_logits": "softmax"} if name in ("kornia", "kornia-0.8", "optax") else {}
    value = _empty(loss, name, pred=pred, target=labels, **extra).value
    assert (math.isnan(value) and math.isnan(expected)) or value == expected


def test_convention_all_with_a_keras_only_option_computes_keras_and_says_why_not_others(cli):
    """--sample-weight is Keras's: the keras row uses it (per-sample means 0.5 and 6.5,
    weighted 1 and 2, over B = 2 samples: 6.75); every other row says it lacks the option."""
    out = cli("mse", "-p", "[[1, 2], [3, 4]]", "-t", "[[1, 1], [1, 1]]", "--convention", "all",
              "--sample-weight", "[1, 2]", "--format", "plain")
    assert out.code == 0, out.stderr
    rows = dict(line.split("\t") for line in out.stdout.splitlines())
    assert float(rows.pop("keras")) == pytest.approx((0.5 * 1 + 6.5 * 2) / 2)
    assert rows and set(rows.values()) == {"n/a"}
