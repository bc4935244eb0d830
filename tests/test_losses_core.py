"""The part-1 losses against independent float64 numpy formulas, in every reduction.

Each reference below is written from the PyTorch/torchvision documentation (the
formula in the loss's docs page), not by calling torch again. A second, separate
check compares the mean with torch.nn.functional, and gradients are checked with
torch.autograd.gradcheck in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(20261123)


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# --- references: each returns (terms, mean denominator) -----------------------------------


def ref_l1(pred, target):
    return np.abs(pred - target), None


def ref_mse(pred, target):
    return (pred - target) ** 2, None


def ref_smooth_l1(pred, target, beta):
    d = np.abs(pred - target)
    if beta == 0:
        return d, None
    return np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta), None


def ref_huber(pred, target, delta):
    d = np.abs(pred - target)
    return np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta)), None


def _index_rows(pred, target):
    """Move the class dimension last and flatten: (M, C) scores and (M,) targets."""
    if pred.ndim == 1:
        return pred[None, :], np.atleast_1d(target)
    moved = np.moveaxis(pred, 1, -1)
    return moved.reshape(-1, pred.shape[1]), target.reshape(-1)


def ref_cross_entropy(pred, target, weight=None, ignore_index=-100, label_smoothing=0.0):
    classes = pred.shape[0] if pred.ndim == 1 else pred.shape[1]
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=float)
    eps = label_smoothing
    if np.issubdtype(np.asarray(target).dtype, np.floating):
        axis = 0 if pred.ndim == 1 else 1
        q = target * (1 - eps) + eps / classes
        shape = [1] * pred.ndim
        shape[axis] = classes
        terms = -(w.reshape(shape) * q * log_softmax(pred, axis)).sum(axis=axis)
        return terms, None
    rows, labels = _index_rows(pred, target)
    logp = log_softmax(rows, 1)
    terms, denom = [], 0.0
    for row, y in zip(logp, labels):
        if y == ignore_index:
            terms.append(0.0)
            continue
        nll = -w[y] * row[y]
        smooth = -(w * row).sum() / classes
        terms.append((1 - eps) * nll + eps * smooth)
        denom += w[y]
    return np.array(terms).reshape(np.shape(target)), denom


def ref_nll(pred, target, weight=None, ignore_index=-100):
    rows, labels = _index_rows(pred, target)
    classes = rows.shape[1]
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=float)
    terms = [0.0 if y == ignore_index else -w[y] * row[y] for row, y in zip(rows, labels)]
    denom = sum(w[y] for y in labels if y != ignore_index)
    return np.array(terms).reshape(np.shape(target)), denom


def ref_bce(pred, target, weight=None):
    log_p = np.maximum(np.log(np.where(pred > 0, pred, 1e-300)), -100.0)
    log_1mp = np.maximum(np.log(np.where(pred < 1, 1 - pred, 1e-300)), -100.0)
    w = 1.0 if weight is None else np.asarray(weight)
    return -w * (target * log_p + (1 - target) * log_1mp), None


def ref_bce_with_logits(pred, target, weight=None, pos_weight=None):
    p = 1.0 if pos_weight is None else np.asarray(pos_weight)
    w = 1.0 if weight is None else np.asarray(weight)
    log_sig = -np.logaddexp(0, -pred)
    log_one_minus = -np.logaddexp(0, pred)
    return -w * (p * target * log_sig + (1 - target) * log_one_minus), None


def ref_multi_margin(pred, target, p=1, margin=1.0, weight=None):
    scores = np.atleast_2d(pred)
    labels = np.atleast_1d(target)
    classes = scores.shape[1]
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=float)
    terms = []
    for x, y in zip(scores, labels):
        total = sum(w[y] * max(0.0, margin - x[y] + x[c]) ** p for c in range(classes) if c != y)
        terms.append(total / classes)
    return np.array(terms).reshape(np.shape(target)), None


def ref_multilabel_margin(pred, target):
    scores, labels = np.atleast_2d(pred), np.atleast_2d(target)
    terms = []
    for x, y in zip(scores, labels):
        positives = []
        for label in y:
            if label < 0:
                break
            positives.append(int(label))
        negatives = [k for k in range(len(x)) if k not in positives]
        total = sum(max(0.0, 1 - (x[j] - x[k])) for j in positives for k in negatives)
        terms.append(total / len(x))
    return np.array(terms).reshape(pred.shape[:-1]), None


def ref_focal(pred, target, alpha=0.25, gamma=2.0):
    p = sigmoid(pred)
    p_t = p * target + (1 - p) * (1 - target)
    ce = -(target * np.log(p) + (1 - target) * np.log(1 - p))
    terms = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        terms = (alpha * target + (1 - alpha) * (1 - target)) * terms
    return terms, None


def ref_softmax_focal(pred, target, alpha=None, gamma=2.0, ignore_index=-100):
    rows, labels = _index_rows(pred, target)
    logp = log_softmax(rows, 1)
    terms, count = [], 0
    for row, y in zip(logp, labels):
        if y == ignore_index:
            terms.append(0.0)
            continue
        a = 1.0 if alpha is None else (alpha[y] if isinstance(alpha, list) else alpha)
        p_t = math.exp(row[y])
        terms.append(-a * (1 - p_t) ** gamma * row[y])
        count += 1
    return np.array(terms).reshape(np.shape(target)), count


REFERENCES = {
    "l1": ref_l1,
    "mse": ref_mse,
    "smooth-l1": ref_smooth_l1,
    "huber": ref_huber,
    "cross-entropy": ref_cross_entropy,
    "nll": ref_nll,
    "bce": ref_bce,
    "bce-with-logits": ref_bce_with_logits,
    "multi-margin": ref_multi_margin,
    "multilabel-margin": ref_multilabel_margin,
    "focal": ref_focal,
    "softmax-focal": ref_softmax_focal,
}


# --- cases ---------------------------------------------------------------------------------


def logits(*shape):
    return RNG.normal(0, 2, size=shape)


def probs(*shape):
    return RNG.uniform(0.02, 0.98, size=shape)


def labels(high, *shape):
    return RNG.integers(0, high, size=shape)


def soft_targets(*shape):
    t = RNG.uniform(0, 1, size=shape)
    return t / t.sum(axis=1, keepdims=True)


CASES = [
    ("l1", dict(pred=logits(4, 5), target=logits(4, 5)), {}),
    ("l1", dict(pred=np.ones((4, 5)), target=np.zeros((4, 5))), {}),
    ("mse", dict(pred=logits(3, 2, 2), target=logits(3, 2, 2)), {}),
    ("smooth-l1", dict(pred=logits(10), target=logits(10)), {"beta": 0.5}),
    ("smooth-l1", dict(pred=logits(10), target=logits(10)), {"beta": 0.0}),
    ("huber", dict(pred=logits(10), target=logits(10)), {"delta": 2.0}),
    ("cross-entropy", dict(pred=logits(5, 4), target=labels(4, 5)), {}),
    ("cross-entropy", dict(pred=logits(4), target=np.int64(2)), {}),
    (
        "cross-entropy",
        dict(pred=logits(6, 3), target=np.array([0, 1, -100, 2, 1, 0])),
        {"weight": [0.2, 1.0, 3.0], "label_smoothing": 0.1},
    ),
    ("cross-entropy", dict(pred=logits(2, 3, 4, 2), target=labels(3, 2, 4, 2)), {}),
    (
        "cross-entropy",
        dict(pred=logits(4, 3), target=soft_targets(4, 3)),
        {"weight": [1.0, 2.0, 0.5], "label_smoothing": 0.2},
    ),
    ("nll", dict(pred=log_softmax(logits(5, 3), 1), target=labels(3, 5)), {}),
    (
        "nll",
        dict(pred=log_softmax(logits(5, 3), 1), target=np.array([0, 2, 7, 7, 1])),
        {"weight": [1.0, 2.0, 4.0], "ignore_index": 7},
    ),
    ("bce", dict(pred=probs(3, 4), target=RNG.integers(0, 2, (3, 4)).astype(float)), {}),
    (
        "bce",
        dict(pred=np.array([[0.0, 1.0, 0.5]]), target=np.array([[1.0, 0.0, 0.25]])),
        {"weight": [2.0, 1.0, 0.5]},
    ),
    (
        "bce-with-logits",
        dict(pred=logits(3, 4), target=RNG.integers(0, 2, (3, 4)).astype(float)),
        {"pos_weight": [1.0, 2.0, 3.0, 0.5], "weight": [[1.0], [0.5], [2.0]]},
    ),
    ("multi-margin", dict(pred=logits(4, 5), target=labels(5, 4)), {}),
    (
        "multi-margin",
        dict(pred=logits(4, 3), target=labels(3, 4)),
        {"p": 2, "margin": 0.5, "weight": [1.0, 2.0, 0.5]},
    ),
    (
        "multilabel-margin",
        dict(pred=logits(3, 4), target=np.array([[3, 0, -1, 1], [1, -1, 0, 0], [0, 1, 2, 3]])),
        {},
    ),
    ("focal", dict(pred=logits(4, 3), target=RNG.integers(0, 2, (4, 3)).astype(float)), {}),
    (
        "focal",
        dict(pred=logits(6), target=RNG.uniform(0, 1, 6)),
        {"alpha": -1.0, "gamma": 0.5},
    ),
    ("softmax-focal", dict(pred=logits(5, 4), target=labels(4, 5)), {}),
    (
        "softmax-focal",
        dict(pred=logits(2, 3, 2), target=np.array([[0, -100], [2, 1]])),
        {"alpha": [0.25, 0.5, 1.0], "gamma": 1.5},
    ),
    ("softmax-focal", dict(pred=logits(4, 3), target=labels(3, 4)), {"alpha": 0.25}),
]


def _case_id(case):
    name, _, params = case
    return name + ("-" + "-".join(sorted(params)) if params else "")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_value_matches_independent_formula(case, reduction):
    name, inputs, params = case
    terms, denom = REFERENCES[name](**inputs, **params)
    result = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
    if reduction == "none":
        expected = terms
    elif reduction == "sum":
        expected = terms.sum()
    else:
        expected = terms.sum() / (terms.size if denom is None else denom)
    np.testing.assert_allclose(result.value, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.terms, terms, rtol=1e-10, atol=1e-12)


TORCH_MEANS = {
    "l1": lambda pred, target: F.l1_loss(pred, target),
    "mse": lambda pred, target: F.mse_loss(pred, target),
    "smooth-l1": lambda pred, target, beta: F.smooth_l1_loss(pred, target, beta=beta),
    "huber": lambda pred, target, delta: F.huber_loss(pred, target, delta=delta),
    "cross-entropy": lambda pred, target, **kw: F.cross_entropy(pred, target, **kw),
    "nll": lambda pred, target, **kw: F.nll_loss(pred, target, **kw),
    "bce": lambda pred, target, weight=None: F.binary_cross_entropy(pred, target, weight=weight),
    "bce-with-logits": lambda pred, target, **kw: F.binary_cross_entropy_with_logits(
        pred, target, **kw
    ),
    "multi-margin": lambda pred, target, **kw: F.multi_margin_loss(pred, target, **kw),
    "multilabel-margin": lambda pred, target: F.multilabel_margin_loss(pred, target),
}


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in TORCH_MEANS], ids=_case_id)
def test_mean_matches_torch_functional(case):
    """A second, separate check: the mean reduction of torch.nn.functional itself."""
    name, inputs, params = case
    tensors = {k: torch.as_tensor(v) for k, v in inputs.items()}
    kw = {
        k: torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v
        for k, v in params.items()
    }
    if (
        "target" in tensors
        and tensors["target"].is_floating_point() is False
        and name in ("l1", "mse", "bce", "bce-with-logits")
    ):
        tensors["target"] = tensors["target"].double()
    expected = TORCH_MEANS[name](**tensors, **kw).item()
    got = losscli.compute(name, dtype="float64", **inputs, **params).value
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_gradients_pass_gradcheck(case):
    """The terms functions are differentiable where they should be (float64 gradcheck)."""
    name, inputs, params = case
    spec = registry().resolve(name)
    impl = spec.load()
    prepared = losscli.compute(name, dtype="float64", **inputs, **params).params
    float_inputs = {
        k: torch.tensor(np.asarray(v, dtype=float), dtype=torch.float64, requires_grad=True)
        for k, v in inputs.items()
        if spec.input(k).kind == "float" or np.asarray(v).dtype.kind == "f"
    }
    # Keep away from the kinks of max/abs where the derivative is undefined.
    fixed = {k: torch.as_tensor(np.asarray(v)) for k, v in inputs.items() if k not in float_inputs}
    kwargs = {
        k: torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v
        for k, v in prepared.items()
    }
    if name in ("bce",):
        float_inputs["pred"] = torch.tensor(probs(3, 4), requires_grad=True)
        float_inputs["target"] = torch.tensor(probs(3, 4), requires_grad=True)
        kwargs["weight"] = None

    def f(*tensors):
        named = dict(zip(float_inputs, tensors))
        return impl(**named, **fixed, **kwargs).values

    assert torch.autograd.gradcheck(f, tuple(float_inputs.values()), eps=1e-6, atol=1e-5)


def test_grad_option_returns_autograd_gradient_of_the_mean():
    # d mean(CE)/d logits = (softmax - onehot) / N, written out by hand.
    x = np.array([[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]])
    y = np.array([0, 1, 2])
    result = losscli.compute("cross-entropy", pred=x, target=y, dtype="float64", grad=True)
    softmax = np.exp(log_softmax(x, 1))
    expected = (softmax - np.eye(3)[y]) / 3
    np.testing.assert_allclose(result.grads["pred"], expected, rtol=1e-12)
    assert set(result.grads) == {"pred"}  # integer targets get no gradient


def test_grad_with_reduction_none_is_gradient_of_the_sum():
    x, t = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 3.0])
    result = losscli.compute("mse", pred=x, target=t, reduction="none", dtype="float64", grad=True)
    np.testing.assert_allclose(result.grads["pred"], 2 * (x - t))
    np.testing.assert_allclose(result.grads["target"], -2 * (x - t))


# --- the seed documents' worked examples (values from the prose, corrected where it slips) --

SEEDS = [
    ("l1", dict(pred=np.ones((4, 5)).tolist(), target=np.zeros((4, 5)).tolist()), {}, 1.0),
    ("mse", dict(pred=(2 * np.ones((4, 5))).tolist(), target=np.zeros((4, 5)).tolist()), {}, 4.0),
    (
        "cross-entropy",
        dict(pred=[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]], target=[0, 1, 2]),
        {},
        0.8136582730339882,
    ),
    ("nll", dict(pred=[[0.1, 0.8, 0.2], [0.4, 0.5, 0.6]], target=[1, 2]), {}, -0.7),
    (
        "bce",
        dict(pred=[[0.1, 0.9, 0.8], [0, 1, 0]], target=[[0, 1, 1], [0, 1, 0]]),
        {},
        0.07231076377164371,
    ),
    ("multi-margin", dict(pred=[[0.1, 0.2, 0.4, 0.8]], target=[3]), {}, 0.325),
    ("multilabel-margin", dict(pred=[[0.1, 0.2, 0.4, 0.8]], target=[[3, -1, 0, 0]]), {}, 0.325),
    ("multilabel-margin", dict(pred=[[0.1, 0.2, 0.4, 0.8]], target=[[3, 0, -1, 1]]), {}, 0.85),
    ("smooth-l1", dict(pred=[0.8, 0.1], target=[1, 1]), {}, 0.2125),
    (
        "focal",
        dict(pred=[[-0.1, 0.9, 0.23], [-0.12, -0.34, 0.6]], target=[[0, 1, 0], [0, 0, 1]]),
        {"alpha": 0.25, "gamma": 2.0},
        0.0824292,
    ),
]


@pytest.mark.parametrize("name,inputs,params,expected", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_examples(name, inputs, params, expected):
    assert losscli.compute(name, dtype="float64", **inputs, **params).value == pytest.approx(
        expected, rel=1e-6
    )


def test_focal_identities():
    """torchvision's identities: gamma 0 and alpha < 0 is BCE with logits."""
    x, t = logits(8), RNG.integers(0, 2, 8).astype(float)
    focal = losscli.compute("focal", pred=x, target=t, alpha=-1, gamma=0, dtype="float64")
    bce = losscli.compute("bce-with-logits", pred=x, target=t, dtype="float64")
    assert focal.value == pytest.approx(bce.value, rel=1e-12)
    soft = losscli.compute(
        "softmax-focal", pred=logits(4, 3), target=[0, 1, 2, 0], gamma=0, dtype="float64"
    )
    ce = losscli.compute(
        "cross-entropy", pred=soft.inputs["pred"], target=[0, 1, 2, 0], dtype="float64"
    )
    assert soft.value == pytest.approx(ce.value, rel=1e-12)


def test_huber_is_delta_times_smooth_l1():
    x, t = logits(12), logits(12)
    huber = losscli.compute("huber", pred=x, target=t, delta=0.7, dtype="float64")
    smooth = losscli.compute("smooth-l1", pred=x, target=t, beta=0.7, dtype="float64")
    assert huber.value == pytest.approx(0.7 * smooth.value, rel=1e-12)


def test_every_target_ignored_gives_nan_and_a_warning():
    result = losscli.compute("cross-entropy", pred=[[1.0, 2.0]], target=[-100])
    assert math.isnan(result.value)
    assert any("ignore_index" in w for w in result.warnings)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_low_precision_dtypes_stay_close_to_float64(dtype):
    x = [[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]]
    result = losscli.compute("cross-entropy", pred=x, target=[0, 1, 2], dtype=dtype)
    assert result.dtype == dtype
    assert result.value == pytest.approx(0.8136582730339882, rel=1e-2)
