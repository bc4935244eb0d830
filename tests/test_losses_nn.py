"""The torch.nn-parity losses against independent float64 numpy formulas, in every reduction.

Each reference is written from the formula on the loss's PyTorch documentation page (not
by calling torch). A second, separate check compares every reduction with
torch.nn.functional; gradients are checked with torch.autograd.gradcheck in float64;
input errors and warnings go through the real CLI. CTC has its own module, test_ctc.py.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(3)


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def log_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


# --- references: each returns the unreduced terms -----------------------------------------


def ref_soft_margin(pred, target):
    return np.logaddexp(0.0, -target * pred)


def ref_multilabel_soft_margin(pred, target, weight=None):
    w = 1.0 if weight is None else np.asarray(weight)
    per_class = -w * (target * log_sigmoid(pred) + (1 - target) * log_sigmoid(-pred))
    return per_class.sum(axis=-1) / pred.shape[-1]


def ref_margin_ranking(input1, input2, target, margin=0.0):
    return np.maximum(0.0, -target * (input1 - input2) + margin)


def ref_hinge_embedding(pred, target, margin=1.0):
    return np.where(target == 1, pred, np.maximum(0.0, margin - pred))


def cosine(x1, x2):
    eps = 1e-12
    return (x1 * x2).sum(-1) / np.sqrt(((x1**2).sum(-1) + eps) * ((x2**2).sum(-1) + eps))


def ref_cosine_embedding(input1, input2, target, margin=0.0):
    cos = cosine(input1, input2)
    return np.where(target == 1, 1 - cos, np.maximum(0.0, cos - margin))


def p_distance(x, y, p=2.0, eps=1e-6):
    return (np.abs(x - y + eps) ** p).sum(-1) ** (1.0 / p)


def cosine_distance(x, y):
    norm = lambda v: np.maximum(np.sqrt((v**2).sum(-1)), 1e-8)  # noqa: E731
    return 1 - (x * y).sum(-1) / (norm(x) * norm(y))


def _triplet(distance, anchor, positive, negative, margin, swap):
    d_ap, d_an = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_an = np.minimum(d_an, distance(positive, negative))
    return np.maximum(d_ap - d_an + margin, 0.0)


def ref_triplet_margin(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False):
    def distance(x, y):
        return p_distance(x, y, p, eps)

    return _triplet(distance, anchor, positive, negative, margin, swap)


def ref_triplet_margin_with_distance(
    anchor, positive, negative, distance="pairwise", margin=1.0, swap=False
):
    d = p_distance if distance == "pairwise" else cosine_distance
    return _triplet(d, anchor, positive, negative, margin, swap)


def ref_kl_div(pred, target, log_target=False):
    if log_target:
        return np.exp(target) * (target - pred)
    safe = np.where(target > 0, target, 1.0)
    return np.where(target > 0, target * (np.log(safe) - pred), 0.0)


def ref_poisson_nll(pred, target, log_input=True, full=False, eps=1e-8):
    terms = np.exp(pred) - target * pred if log_input else pred - target * np.log(pred + eps)
    if full:
        safe = np.where(target > 1, target, 2.0)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe)
        terms = terms + np.where(target > 1, stirling, 0.0)
    return terms


def ref_gaussian_nll(pred, target, var, full=False, eps=1e-6):
    var = np.asarray(var, dtype=float)
    if var.ndim and var.shape == pred.shape[:-1]:
        var = var[..., None]
    v = np.maximum(var, eps)
    terms = 0.5 * (np.log(v) + (pred - target) ** 2 / v) + (0.5 * np.log(2 * np.pi) if full else 0)
    return np.broadcast_to(terms, pred.shape)


def ref_linear_cross_entropy(
    pred, linear_weight, target, linear_bias=None, weight=None, ignore_index=-100,
    label_smoothing=0.0,
):
    z = pred @ linear_weight.T + (0.0 if linear_bias is None else linear_bias)
    logp = log_softmax(z)
    classes = z.shape[-1]
    w = np.ones(classes) if weight is None else np.asarray(weight)
    eps = label_smoothing
    if np.asarray(target).dtype.kind == "f":
        q = (1 - eps) * target + eps / classes
        return -(w * q * logp).sum(-1)
    y = np.where(target == ignore_index, 0, target)
    picked = np.take_along_axis(logp, y[..., None], -1)[..., 0]
    terms = (1 - eps) * -w[y] * picked + eps * -(w * logp).sum(-1) / classes
    return np.where(target == ignore_index, 0.0, terms)


def linear_ce_denominator(target, weight=None, ignore_index=-100, **_):
    """Σ w[yᵢ] over non-ignored index targets (None: the number of terms)."""
    if np.asarray(target).dtype.kind == "f":
        return None
    counted = target[target != ignore_index]
    return float(counted.size if weight is None else np.asarray(weight)[counted].sum())


REFERENCES = {
    "soft-margin": ref_soft_margin,
    "multilabel-soft-margin": ref_multilabel_soft_margin,
    "margin-ranking": ref_margin_ranking,
    "hinge-embedding": ref_hinge_embedding,
    "cosine-embedding": ref_cosine_embedding,
    "triplet-margin": ref_triplet_margin,
    "triplet-margin-with-distance": ref_triplet_margin_with_distance,
    "kl-div": ref_kl_div,
    "poisson-nll": ref_poisson_nll,
    "gaussian-nll": ref_gaussian_nll,
    "linear-cross-entropy": ref_linear_cross_entropy,
}


# --- cases -------------------------------------------------------------------------------


def normal(*shape, scale=1.5):
    return RNG.normal(0, scale, size=shape)


def signs(*shape):
    return RNG.choice([-1, 1], size=shape)


def uniform(low, high, *shape):
    return RNG.uniform(low, high, size=shape)


def distributions(*shape):
    p = uniform(0.05, 1, *shape)
    return p / p.sum(axis=-1, keepdims=True)


_TRIPLET = dict(anchor=normal(5, 4), positive=normal(5, 4), negative=normal(5, 4))

CASES = [
    ("soft-margin", dict(pred=normal(4, 3), target=signs(4, 3)), {}),
    ("soft-margin", dict(pred=normal(6), target=signs(6)), {}),
    ("multilabel-soft-margin", dict(pred=normal(4, 5), target=RNG.integers(0, 2, (4, 5))), {}),
    (
        "multilabel-soft-margin",
        dict(pred=normal(3, 4), target=uniform(0, 1, 3, 4)),
        {"weight": [0.5, 1.0, 2.0, 1.5]},
    ),
    ("multilabel-soft-margin", dict(pred=normal(5), target=RNG.integers(0, 2, 5)), {}),
    ("margin-ranking", dict(input1=normal(6), input2=normal(6), target=signs(6)), {}),
    (
        "margin-ranking",
        dict(input1=normal(6), input2=normal(6), target=signs(6)),
        {"margin": 0.7},
    ),
    ("hinge-embedding", dict(pred=uniform(0, 3, 8), target=signs(8)), {}),
    ("hinge-embedding", dict(pred=uniform(0, 3, 2, 4), target=signs(2, 4)), {"margin": 2.0}),
    ("cosine-embedding", dict(input1=normal(5, 3), input2=normal(5, 3), target=signs(5)), {}),
    (
        "cosine-embedding",
        dict(input1=normal(6, 4), input2=normal(6, 4), target=signs(6)),
        {"margin": -0.2},
    ),
    ("cosine-embedding", dict(input1=normal(3), input2=normal(3), target=np.int64(-1)), {}),
    ("triplet-margin", _TRIPLET, {}),
    ("triplet-margin", _TRIPLET, {"margin": 2.5, "p": 1.0, "eps": 1e-3, "swap": True}),
    ("triplet-margin", _TRIPLET, {"p": 3.0}),
    ("triplet-margin", dict(anchor=normal(4), positive=normal(4), negative=normal(4)), {}),
    ("triplet-margin-with-distance", _TRIPLET, {}),
    ("triplet-margin-with-distance", _TRIPLET, {"distance": "cosine", "margin": 0.5}),
    ("triplet-margin-with-distance", _TRIPLET, {"distance": "cosine", "swap": True}),
    ("kl-div", dict(pred=np.log(distributions(4, 3)), target=distributions(4, 3)), {}),
    (
        "kl-div",
        dict(pred=np.log(distributions(3, 5)), target=np.array([[0.5, 0.5, 0, 0, 0]] * 3)),
        {},
    ),
    (
        "kl-div",
        dict(pred=np.log(distributions(2, 4)), target=np.log(distributions(2, 4))),
        {"log_target": True},
    ),
    ("poisson-nll", dict(pred=normal(6), target=RNG.integers(0, 6, 6)), {}),
    (
        "poisson-nll",
        dict(pred=uniform(0.1, 4, 2, 4), target=RNG.integers(0, 8, (2, 4))),
        {"log_input": False},
    ),
    (
        "poisson-nll",
        dict(pred=normal(8), target=np.array([0, 1, 2, 3, 5, 8, 1.5, 0.5])),
        {"full": True},
    ),
    (
        "poisson-nll",
        dict(pred=uniform(0.1, 4, 6), target=np.array([0.0, 1, 2, 4, 7, 10])),
        {"log_input": False, "full": True, "eps": 1e-4},
    ),
    (
        "gaussian-nll",
        dict(pred=normal(4, 3), target=normal(4, 3), var=uniform(0.1, 2, 4, 3)),
        {},
    ),
    ("gaussian-nll", dict(pred=normal(4, 3), target=normal(4, 3), var=uniform(0.1, 2, 4)), {}),
    (
        "gaussian-nll",
        dict(pred=normal(4, 3), target=normal(4, 3), var=uniform(0.1, 2, 4, 1)),
        {"full": True},
    ),
    (
        "gaussian-nll",
        dict(pred=normal(2, 3), target=normal(2, 1), var=np.float64(0.5)),
        {"full": True, "eps": 0.7},
    ),
    (
        "linear-cross-entropy",
        dict(pred=normal(4, 3), linear_weight=normal(5, 3), target=RNG.integers(0, 5, 4)),
        {},
    ),
    (
        "linear-cross-entropy",
        dict(
            pred=normal(5, 2),
            linear_weight=normal(3, 2),
            target=np.array([0, 2, -100, 1, 2]),
            linear_bias=normal(3),
        ),
        {"weight": [0.5, 2.0, 1.0], "label_smoothing": 0.1},
    ),
    (
        "linear-cross-entropy",
        dict(pred=normal(3, 2), linear_weight=normal(4, 2), target=distributions(3, 4)),
        {"label_smoothing": 0.2},
    ),
    (
        "linear-cross-entropy",
        dict(pred=normal(3), linear_weight=normal(4, 3), target=np.int64(2)),
        {},
    ),
]


def _case_id(case):
    name, _, params = case
    return name + ("-" + "-".join(f"{k}={v}" for k, v in sorted(params.items())) if params else "")


IDS = [_case_id(c) for c in CASES]


def expected_value(name, inputs, params, reduction):
    terms = REFERENCES[name](**inputs, **params)
    if reduction == "none":
        return terms
    if reduction == "sum":
        return terms.sum()
    if reduction == "batchmean":
        return terms.sum() / (terms.shape[0] if terms.ndim else 1)
    if name == "linear-cross-entropy":
        denominator = linear_ce_denominator(inputs["target"], **params)
        return terms.sum() / (terms.size if denominator is None else denominator)
    return terms.mean()


def reductions(name):
    return registry().resolve(name).reductions


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_matches_independent_formula(case):
    name, inputs, params = case
    for reduction in reductions(name):
        result = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
        expected = expected_value(name, inputs, params, reduction)
        np.testing.assert_allclose(result.value, expected, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(
            result.terms, REFERENCES[name](**inputs, **params), rtol=1e-10, atol=1e-12
        )


def as_tensors(name, inputs):
    """float64 tensors, except linear-cross-entropy's class indices (int64)."""
    return {
        k: torch.as_tensor(np.asarray(v))
        if name == "linear-cross-entropy" and k == "target" and np.asarray(v).dtype.kind == "i"
        else torch.as_tensor(np.asarray(v, dtype=float))
        for k, v in inputs.items()
    }


def _cosine_distance_torch(x, y):
    return 1 - F.cosine_similarity(x, y, dim=-1)


def torch_functional(name, t, params, reduction):
    """The same loss from torch.nn.functional, with ``reduction``."""
    p = dict(params)
    if name == "soft-margin":
        return F.soft_margin_loss(t["pred"], t["target"], reduction=reduction)
    if name == "multilabel-soft-margin":
        weight = torch.tensor(p["weight"], dtype=torch.float64) if "weight" in p else None
        return F.multilabel_soft_margin_loss(
            t["pred"], t["target"], weight=weight, reduction=reduction
        )
    if name == "margin-ranking":
        return F.margin_ranking_loss(
            t["input1"], t["input2"], t["target"], reduction=reduction, **p
        )
    if name == "hinge-embedding":
        return F.hinge_embedding_loss(t["pred"], t["target"], reduction=reduction, **p)
    if name == "cosine-embedding":
        return F.cosine_embedding_loss(
            t["input1"], t["input2"], t["target"], reduction=reduction, **p
        )
    if name == "triplet-margin":
        return F.triplet_margin_loss(
            t["anchor"], t["positive"], t["negative"], reduction=reduction, **p
        )
    if name == "triplet-margin-with-distance":
        cos = p.pop("distance", "pairwise") == "cosine"
        return F.triplet_margin_with_distance_loss(
            t["anchor"],
            t["positive"],
            t["negative"],
            distance_function=_cosine_distance_torch if cos else None,
            reduction=reduction,
            **p,
        )
    if name == "kl-div":
        return F.kl_div(t["pred"], t["target"], reduction=reduction, **p)
    if name == "poisson-nll":
        return F.poisson_nll_loss(t["pred"], t["target"], reduction=reduction, **p)
    if name == "gaussian-nll":
        var = t["var"].item() if t["var"].dim() == 0 else t["var"]
        return F.gaussian_nll_loss(t["pred"], t["target"], var, reduction=reduction, **p)
    assert name == "linear-cross-entropy"
    weight = torch.tensor(p.pop("weight"), dtype=torch.float64) if "weight" in p else None
    return F.linear_cross_entropy(
        t["pred"],
        t["linear_weight"],
        t["target"],
        linear_bias=t.get("linear_bias"),
        weight=weight,
        reduction=reduction,
        ignore_index=None if t["target"].is_floating_point() else -100,
        **p,
    )


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_reduction_matches_torch_functional(case):
    """A second, separate check: torch.nn.functional with the same reduction."""
    name, inputs, params = case
    tensors = as_tensors(name, inputs)
    for reduction in reductions(name):
        expected = torch_functional(name, tensors, params, reduction).detach().numpy()
        got = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
        np.testing.assert_allclose(got.value, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradients_pass_gradcheck(case):
    """The terms functions are differentiable in every floating-point input (float64)."""
    name, inputs, params = case
    spec = registry().resolve(name)
    impl = spec.load()
    effective = losscli.compute(name, dtype="float64", **inputs, **params).params
    tensors = as_tensors(name, inputs)
    labels = name in (
        "soft-margin", "margin-ranking", "hinge-embedding", "cosine-embedding", "poisson-nll"
    )  # ±1 labels and counts (Stirling's term jumps at y = 1)
    # d/dy of y·log y is −∞ at y = 0: keep zero-probability KL targets fixed.
    labels = labels or (name == "kl-div" and bool((tensors["target"] == 0).any()))
    # A clamped variance passes PyTorch's gradient: see test_gaussian_clamp_passes_the_gradient.
    clamped = name == "gaussian-nll" and bool((tensors["var"] < params.get("eps", 1e-6)).any())
    differentiable = {
        k: t.requires_grad_()
        for k, t in tensors.items()
        if t.is_floating_point() and not (labels and k == "target") and not (clamped and k == "var")
    }
    fixed = {k: t for k, t in tensors.items() if k not in differentiable}
    kwargs = {
        k: torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v
        for k, v in effective.items()
    }
    optional = {i.name: None for i in spec.inputs if not i.required and i.name not in inputs}

    def f(*tensors):
        return impl(**dict(zip(differentiable, tensors)), **fixed, **optional, **kwargs).values

    assert torch.autograd.gradcheck(f, tuple(differentiable.values()), eps=1e-6, atol=1e-5)


def test_grad_option_is_the_derivative_of_the_value():
    # d/dx mean(log(1 + exp(−y·x))) = −y·σ(−y·x) / n, by hand.
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1, 1, -1])
    result = losscli.compute("soft-margin", pred=x, target=y, dtype="float64", grad=True)
    expected = -y / (1 + np.exp(y * x)) / 3
    np.testing.assert_allclose(result.grads["pred"], expected, rtol=1e-12)


def test_poisson_full_gradient_with_respect_to_counts_is_finite():
    # ℓ = exp(x) − y·x + [y > 1]·(y·log y − y + ½·log 2πy): ∂ℓ/∂y = −x + [y > 1]·(log y + 1/(2y)).
    x, y = np.array([0.3, -0.2, 0.5]), np.array([0.0, 1.0, 3.0])
    result = losscli.compute(
        "poisson-nll", pred=x, target=y, full=True, reduction="sum", dtype="float64", grad=True
    )
    expected = -x + np.where(y > 1, np.log(np.maximum(y, 1)) + 1 / (2 * np.maximum(y, 1)), 0)
    np.testing.assert_allclose(result.grads["target"], expected, rtol=1e-12)


def test_gaussian_clamp_passes_the_gradient():
    # PyTorch clamps σ² at ε without gradient: ∂ℓ/∂σ² is the formula's at v = ε,
    # ½·(1/v − (x − y)²/v²), also where σ² < ε.
    x, y, var, eps = np.array([1.0, 2.0]), np.array([0.0, 1.5]), np.array([0.1, 2.0]), 0.5
    result = losscli.compute(
        "gaussian-nll", pred=x, target=y, var=var, eps=eps, reduction="sum", dtype="float64",
        grad=True,
    )
    v = np.maximum(var, eps)
    np.testing.assert_allclose(result.grads["var"], 0.5 * (1 / v - (x - y) ** 2 / v**2))


# --- hand-worked values -------------------------------------------------------------------


def test_hand_worked_values():
    # hinge-embedding: 0.3, 1.2, max(0, 1 − 0.4) = 0.6, max(0, 1 − 2.5) = 0 → mean 2.1 / 4.
    value = losscli.compute(
        "hinge-embedding", pred=[0.3, 1.2, 0.4, 2.5], target=[1, 1, -1, -1], dtype="float64"
    ).value
    assert value == pytest.approx(0.525, rel=1e-12)
    # margin-ranking, margin 0.1: max(0, −0.4 + 0.1) = 0, max(0, 0.3 + 0.1), max(0, 0 + 0.1).
    value = losscli.compute(
        "margin-ranking", input1=[0.8, 0.3, 0.5], input2=[0.4, 0.6, 0.5], target=[1, 1, -1],
        margin=0.1, reduction="sum", dtype="float64",
    ).value
    assert value == pytest.approx(0.5, rel=1e-12)
    # triplet on a 3-4-5 triangle: d(a, p) = 3, d(a, n) = 5 (ε = 0), margin 1 → max(0, −1) = 0;
    # margin 3 → 1.
    triplet = dict(anchor=[[0.0, 0.0]], positive=[[3.0, 0.0]], negative=[[3.0, 4.0]], eps=0.0)
    assert losscli.compute("triplet-margin", **triplet, dtype="float64").value == 0.0
    assert losscli.compute(
        "triplet-margin", **triplet, margin=3.0, dtype="float64"
    ).value == pytest.approx(1.0, rel=1e-12)
    # with swap, d(p, n) = 4 < 5 replaces d(a, n): max(0, 3 − 4 + 3) = 2.
    assert losscli.compute(
        "triplet-margin", **triplet, margin=3.0, swap=True, dtype="float64"
    ).value == pytest.approx(2.0, rel=1e-12)
    # KL([0.5, 0.5] ‖ [0.25, 0.75]) = 0.5·log 2 + 0.5·log(2/3), batchmean over one row.
    value = losscli.compute(
        "kl-div", pred=[[math.log(0.25), math.log(0.75)]], target=[[0.5, 0.5]],
        reduction="batchmean", dtype="float64",
    ).value
    assert value == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3), rel=1e-12)
    # Poisson, log input 0 (λ = 1), y = 3, full: 1 − 0 + 3·log 3 − 3 + ½·log(6π).
    value = losscli.compute(
        "poisson-nll", pred=[0.0], target=[3], full=True, dtype="float64"
    ).value
    assert value == pytest.approx(1 + 3 * math.log(3) - 3 + 0.5 * math.log(6 * math.pi))
    # Gaussian: x = y, σ² = 1 → 0 (+ ½·log 2π with full).
    value = losscli.compute(
        "gaussian-nll", pred=[2.0], target=[2.0], var=[1.0], full=True, dtype="float64"
    ).value
    assert value == pytest.approx(0.5 * math.log(2 * math.pi), rel=1e-12)


def test_multilabel_soft_margin_is_bce_with_logits_averaged_over_classes():
    x, t = normal(4, 3), RNG.integers(0, 2, (4, 3))
    soft = losscli.compute("multilabel-soft-margin", pred=x, target=t, dtype="float64")
    bce = losscli.compute("bce-with-logits", pred=x, target=t.astype(float), dtype="float64")
    assert soft.value == pytest.approx(bce.value, rel=1e-12)


def test_kl_div_batchmean_is_the_kl_divergence_and_mean_is_not():
    p, q = distributions(3, 4), distributions(3, 4)
    kl = (p * np.log(p / q)).sum(axis=1).mean()
    batchmean = losscli.compute(
        "kl-div", pred=np.log(q), target=p, reduction="batchmean", dtype="float64"
    )
    mean = losscli.compute("kl-div", pred=np.log(q), target=p, dtype="float64")
    assert batchmean.value == pytest.approx(kl, rel=1e-12)
    assert mean.value == pytest.approx(kl / 4, rel=1e-12)
    assert any("batchmean" in w for w in mean.warnings)
    assert not batchmean.warnings
    assert batchmean.reduction.name == "batchmean"


def test_log_target_equals_probability_target():
    p, q = distributions(2, 5), distributions(2, 5)
    plain = losscli.compute("kl-div", pred=np.log(q), target=p, reduction="sum", dtype="float64")
    logged = losscli.compute(
        "kl-div", pred=np.log(q), target=np.log(p), log_target=True, reduction="sum",
        dtype="float64",
    )
    assert plain.value == pytest.approx(logged.value, rel=1e-12)


# --- the CLI: examples, warnings and input errors -----------------------------------------

NEW = [name for name in REFERENCES] + ["ctc"]


def test_every_torch_nn_loss_class_is_a_command():
    names = {n for n in dir(torch.nn) if n.endswith("Loss") and n != "NLLLoss2d"}
    # AdaptiveLogSoftmaxWithLoss is a module with learned parameters (see linear-cross-entropy).
    names.discard("AdaptiveLogSoftmaxWithLoss")
    missing = sorted(n for n in names if registry().find(n) is None)
    assert not missing


def test_kl_div_mean_warns_on_stderr_and_in_json(cli):
    args = ("kl-div", "--pred", "[[-1.2, -0.4]]", "--target", "[[0.3, 0.7]]")
    out = cli(*args, "--json")
    assert out.code == 0
    warnings = json.loads(out.stdout)["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("--reduction:")
    assert "batchmean" in warnings[0] and "batchmean" in out.stderr
    quiet = cli(*args, "--reduction", "batchmean", "-q")
    assert quiet.code == 0 and quiet.stderr == ""
    assert cli(*args, "--strict").code == 2


@pytest.mark.parametrize(
    "args, argument",
    [
        (("kl-div", "--pred", "[0.2, -0.4]", "--target", "[0.3, 0.7]", "-r", "sum"), "--pred"),
        (
            ("kl-div", "--pred", "[-0.2]", "--target", "[0.3]", "--log-target", "-r", "sum"),
            "--target",
        ),
        (("soft-margin", "--pred", "[0.2, -0.4]", "--target", "[0, 1]"), "--target"),
        (("margin-ranking", "--input1", "[1.0]", "--input2", "[0.5]", "--target", "[0]"),
         "--target"),
        (
            ("gaussian-nll", "--pred", "[1.0]", "--target", "[1.0]", "--var", "[0]"),
            "--var",
        ),
    ],
)
def test_suspicious_inputs_warn(cli, args, argument):
    out = cli(*args, "-q")
    assert out.code == 0, out.stderr
    assert f"warning: {argument}:" in out.stderr
    assert cli(*args, "--strict").code == 2


ERRORS = [
    (("soft-margin", "--pred", "[1.0, 2.0]", "--target", "[1]"), "--target"),
    (("multilabel-soft-margin", "--pred", "[[1.0, 2.0]]", "--target", "[[1, -1]]"), "--target"),
    (("multilabel-soft-margin", "--pred", "0.5", "--target", "1"), "--pred"),
    (
        ("multilabel-soft-margin", "--pred", "[[1.0, 2.0]]", "--target", "[[1, 0]]",
         "--weight", "[1, 2, 3]"),
        "--weight",
    ),
    (("margin-ranking", "--input1", "[1.0, 2.0]", "--input2", "[1.0]", "--target", "[1, 1]"),
     "--input2"),
    (("margin-ranking", "--input1", "[1.0]", "--input2", "[1.0]", "--target", "[1, 1]"),
     "--target"),
    (("hinge-embedding", "--pred", "[1.0, 2.0]", "--target", "[1, 0]"), "--target"),
    (("hinge-embedding", "--pred", "[1.0, 2.0]", "--target", "[[1, -1]]"), "--target"),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0]]",
         "--target", "[1, -1]"),
        "--target",
    ),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0, 3.0]]",
         "--target", "[1]"),
        "--input2",
    ),
    (
        ("cosine-embedding", "--input1", "[[[1.0]]]", "--input2", "[[[1.0]]]", "--target",
         "[[1]]"),
        "--input1",
    ),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0]]",
         "--target", "[1]", "--margin", "1.5"),
        "--margin",
    ),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0]]",
         "--target", "[0.5]"),
        "--target",
    ),
    (("triplet-margin", "--anchor", "[[1.0, 2.0]]", "--positive", "[[1.0, 2.0]]",
      "--negative", "[[1.0]]"), "--negative"),
    (("triplet-margin", "--anchor", "1.0", "--positive", "1.0", "--negative", "1.0"),
     "--anchor"),
    (("triplet-margin", "--anchor", "[1.0]", "--positive", "[1.0]", "--negative", "[1.0]",
      "--margin", "0"), "--margin"),
    (("triplet-margin", "--anchor", "[1.0]", "--positive", "[1.0]", "--negative", "[1.0]",
      "--p", "-1"), "--p"),
    (("triplet-margin-with-distance", "--anchor", "[[1.0]]", "--positive", "[[1.0], [2.0]]",
      "--negative", "[[1.0]]"), "--positive"),
    (("triplet-margin-with-distance", "--anchor", "[1.0]", "--positive", "[1.0]",
      "--negative", "[1.0]", "--distance", "euclid"), "--distance"),
    (("kl-div", "--pred", "[-1.0, -0.5]", "--target", "[0.5]"), "--target"),
    (("kl-div", "--pred", "[-1.0, -0.5]", "--target", "[-0.5, 1.5]"), "--target"),
    (("kl-div", "--pred", "[-1.0]", "--target", "[0.5]", "-r", "average"), "--reduction"),
    (("poisson-nll", "--pred", "[1.0, 2.0]", "--target", "[-1, 2]"), "--target"),
    (("poisson-nll", "--pred", "[-1.0, 2.0]", "--target", "[1, 2]", "--no-log-input"),
     "--pred"),
    (("poisson-nll", "--pred", "[1.0, 2.0]", "--target", "[1, 2, 3]"), "--target"),
    (("gaussian-nll", "--pred", "[1.0, 2.0]", "--target", "[1.0, 2.0]", "--var",
      "[0.5, -0.1]"), "--var"),
    (("gaussian-nll", "--pred", "[[1.0, 2.0], [3.0, 4.0]]", "--target", "[[1.0, 2.0]]",
      "--var", "[0.5, 0.1, 0.2]"), "--var"),
    (("gaussian-nll", "--pred", "[[1.0, 2.0]]", "--target", "[[1.0, 2.0, 3.0]]", "--var",
      "1.0"), "--target"),
    (("gaussian-nll", "--pred", "[1.0]", "--target", "[1.0]", "--var", "[1.0]", "--eps", "0"),
     "--eps"),
    (("linear-cross-entropy", "--pred", "[[1.0, 2.0]]", "--linear-weight", "[[1.0, 2.0, 3.0]]",
      "--target", "[0]"), "--linear-weight"),
    (("linear-cross-entropy", "--pred", "[[1.0, 2.0]]", "--linear-weight",
      "[[1.0, 2.0], [0.5, 0.5]]", "--target", "[2]"), "--target"),
    (("linear-cross-entropy", "--pred", "[[1.0, 2.0]]", "--linear-weight",
      "[[1.0, 2.0], [0.5, 0.5]]", "--target", "[0]", "--linear-bias", "[1.0]"),
     "--linear-bias"),
    (("linear-cross-entropy", "--pred", "[[1.0, 2.0]]", "--linear-weight",
      "[[1.0, 2.0], [0.5, 0.5]]", "--target", "[[0.5, 0.5, 0.0]]"), "--target"),
]


@pytest.mark.parametrize("args, argument", ERRORS, ids=[f"{a[0]}{a[-1]}" for a, _ in ERRORS])
def test_bad_input_exits_2_with_one_line_naming_the_argument(cli, args, argument):
    out = cli(*args)
    assert out.code == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert argument in lines[0]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("name", NEW)
def test_help_shows_pytorch_aliases_and_resolves_them(cli, name):
    spec = registry().resolve(name)
    pytorch_class = spec.aliases[0]
    assert pytorch_class.endswith("Loss") and registry().find(pytorch_class) is spec
    out = cli(pytorch_class, "--help")
    assert out.code == 0 and spec.summary.split()[0] in out.stdout
