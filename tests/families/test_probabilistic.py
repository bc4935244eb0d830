"""PyTorch's kl-div, poisson-nll, gaussian-nll and linear-cross-entropy (TestTorchParity),
and the divergences js-div, generalized-kl, cosine-similarity and distillation.

Each against an independent float64 formula written with plain loops from the paper or
the library's documentation, the libraries' own published values (cited), gradients
(torch.autograd.gradcheck in float64), both backends, and the installed library where
there is one (skipped cleanly when absent).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from family_helpers import PyTorchCommands, TorchParity, log_softmax, tensor_params

import losscli

RNG = np.random.default_rng(15)
BACKENDS = ("numpy", "torch")


def value(loss, backend="numpy", reduction="mean", **kwargs):
    result = losscli.compute(loss, backend=backend, dtype="float64", reduction=reduction,
                             **kwargs)
    return np.asarray(result.value)


def one_line_error(cli, *args):
    out = cli(*args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


# --- js-div ------------------------------------------------------------------------------


def js_reference(p, q):
    """½ Σ q·ln(q/m) + ½ Σ p·ln(p/m), m = (p+q)/2, 0·ln 0 = 0, one value per (b, n) map."""
    out = np.zeros(p.shape[:2])
    for b in range(p.shape[0]):
        for n in range(p.shape[1]):
            total = 0.0
            for a, c in zip(p[b, n].ravel(), q[b, n].ravel(), strict=True):
                m = (a + c) / 2
                total += (0.5 * a * math.log(a / m) if a > 0 else 0.0)
                total += (0.5 * c * math.log(c / m) if c > 0 else 0.0)
            out[b, n] = total
    return out


def heatmaps(shape, zeros=False):
    maps = RNG.uniform(0.0, 1.0, shape)
    if zeros:
        maps[RNG.random(shape) < 0.3] = 0.0
    return maps / maps.sum(axis=(-2, -1), keepdims=True)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("zeros", [False, True])
def test_js_div_matches_the_float64_formula(backend, zeros):
    p, q = heatmaps((2, 3, 4, 5), zeros), heatmaps((2, 3, 4, 5), zeros)
    want = js_reference(p, q)
    np.testing.assert_allclose(value("js-div", backend, "none", pred=p, target=q), want,
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(value("js-div", backend, pred=p, target=q), want.mean(),
                               rtol=1e-12)
    np.testing.assert_allclose(value("js-div", backend, "sum", pred=p, target=q), want.sum(),
                               rtol=1e-12)


def test_js_div_hand_value_and_bounds():
    # P = [1, 0], Q = [0, 1] (disjoint, mass 1 each): M = [½, ½],
    # ℓ = ½·1·ln(1/½) + ½·1·ln(1/½) = ln 2, the maximum.
    p, q = [[[[1.0, 0.0]]]], [[[[0.0, 1.0]]]]
    assert value("js-div", pred=p, target=q) == pytest.approx(math.log(2), rel=1e-14)
    assert value("js-div", pred=p, target=p) == 0.0
    # symmetric in its two arguments
    a, b = heatmaps((1, 2, 3, 3)), heatmaps((1, 2, 3, 3))
    np.testing.assert_allclose(value("js-div", pred=a, target=b),
                               value("js-div", pred=b, target=a), rtol=1e-14)


# kornia 0.9.0 tests/losses/test_divergence.py::test_js_div_loss_2d (commit b4f5a78a),
# and a value derived with the installed kornia 0.9.0 (kornia/losses/divergence.py).
KORNIA_JS = [
    (np.full((1, 1, 2, 4), 0.125), np.full((1, 1, 2, 4), 0.125), 0.0),
    (np.full((1, 7, 2, 4), 0.125), np.full((1, 7, 2, 4), 0.125), 0.0),
    (np.full((1, 7, 2, 4), 0.125), np.zeros((1, 7, 2, 4)), 0.346574),
    (np.zeros((1, 7, 2, 4)), np.full((1, 7, 2, 4), 0.125), 0.346574),
    ([[[[0.1, 0.2], [0.3, 0.4]]]], [[[[0.4, 0.3], [0.2, 0.1]]]], 0.10644014179706573),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("pred,target,expected", KORNIA_JS)
def test_js_div_kornia_published_values(backend, pred, target, expected):
    assert value("js-div", backend, pred=pred, target=target) == pytest.approx(expected,
                                                                              abs=1e-6)


def test_js_div_gradcheck_and_its_subgradient_at_zero():
    from losscli.families.probabilistic.torch_terms import js_div

    p = torch.tensor(heatmaps((2, 2, 3, 3)), requires_grad=True)
    q = torch.tensor(heatmaps((2, 2, 3, 3)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: js_div(pred=a, target=b).values, (p, q))
    # Where P = 0 < Q, ∂ℓ/∂P = ½·ln(P/M) is −∞; autograd gives the one-sided −Q/(4M) = −½
    # (0·ln 0 adds 0 to the gradient), and 0 where both maps are 0.
    p = torch.tensor([[[[0.0, 0.5, 0.0, 0.5]]]], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([[[[0.6, 0.4, 0.0, 0.0]]]], dtype=torch.float64)
    js_div(pred=p, target=q).values.sum().backward()
    assert p.grad[0, 0, 0, 0] == pytest.approx(-0.5, rel=1e-14)
    assert p.grad[0, 0, 0, 2] == 0.0
    # where both are positive the gradient is the analytic ½·ln(P/M): P = .5, M = .45
    assert p.grad[0, 0, 0, 1] == pytest.approx(0.5 * math.log(0.5 / 0.45), rel=1e-12)


def test_js_div_against_installed_kornia():
    kornia = pytest.importorskip("kornia")
    p, q = heatmaps((2, 3, 4, 4)), heatmaps((2, 3, 4, 4))
    want = kornia.losses.js_div_loss_2d(torch.tensor(p), torch.tensor(q), reduction="none")
    np.testing.assert_allclose(value("js-div", "torch", "none", pred=p, target=q),
                               want.numpy(), rtol=1e-10)


def test_js_div_scipy_convention_against_scipy():
    distance = pytest.importorskip("scipy.spatial.distance")
    p, q = RNG.uniform(0.1, 2.0, (2, 2, 3, 3)), RNG.uniform(0.1, 2.0, (2, 2, 3, 3))
    got = losscli.compute("js-div", convention="scipy", reduction="none", dtype="float64",
                          pred=p, target=q).value
    want = [[distance.jensenshannon(p[b, n].ravel(), q[b, n].ravel()) for n in range(2)]
            for b in range(2)]
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[0.5, 0.5]]", "-t", "[[0.5, 0.5]]"), "--pred", "(B, N, H, W)"),
    (("-p", "[[[[0.5, 0.5]]]]", "-t", "[[[[1.0]]]]"), "--target", "must be equal"),
    (("-p", "[[[[0.5, -0.5]]]]", "-t", "[[[[0.5, 0.5]]]]"), "--pred", "non-negative"),
])
def test_js_div_bad_input_is_one_line(cli, args, argument, fragment):
    line = one_line_error(cli, "js-div", *args)
    assert argument in line and fragment in line, line


# --- generalized-kl ----------------------------------------------------------------------


def gkl_reference(x, t):
    """Σ_c t·ln t − t·x + eˣ − t per row (Csiszár's I-divergence of p = eˣ from t)."""
    rows = np.atleast_2d(x), np.atleast_2d(t)
    out = []
    for xs, ts in zip(*rows, strict=True):
        out.append(sum((tc * math.log(tc) if tc > 0 else 0.0) - tc * xc + math.exp(xc) - tc
                       for xc, tc in zip(xs, ts, strict=True)))
    return np.array(out)


# optax 0.2.8 optax/losses/_classification_test.py GeneralizedKLDivergenceTest (tag v0.2.8),
# atol 1e-4 there.
OPTAX_LOG_P = [[-2.9957, -3.5066, -3.912, -1.204, -0.6931, -2.3026],
               [-1.6094, -1.6094, -1.6094, -2.3026, -1.8971, -1.8971]]
OPTAX_T = [[0.2, 0.2, 0.2, 0.1, 0.15, 0.15], [0.05, 0.03, 0.02, 0.3, 0.5, 0.0]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_generalized_kl_matches_the_float64_formula(backend):
    x = RNG.normal(size=(4, 5))
    t = RNG.uniform(0, 2, (4, 5))
    t[0, 1] = 0.0
    want = gkl_reference(x, t)
    np.testing.assert_allclose(value("generalized-kl", backend, "none", pred=x, target=t), want,
                               rtol=1e-12)
    np.testing.assert_allclose(value("generalized-kl", backend, pred=x, target=t), want.mean(),
                               rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("alias", ["generalized-kl", "convex_kl_divergence"])
def test_generalized_kl_optax_published_values(backend, alias):
    got = value(alias, backend, "none", pred=OPTAX_LOG_P, target=OPTAX_T)
    np.testing.assert_allclose(got, [0.88757247, 0.859308], atol=1e-4)
    scalar = value(alias, backend, "none", pred=OPTAX_LOG_P[0], target=OPTAX_T[0])
    assert scalar.shape == () and scalar == pytest.approx(0.88757247, abs=1e-4)


def test_generalized_kl_is_kl_div_batchmean_on_distributions():
    x = np.log(RNG.dirichlet(np.ones(4), size=3))
    t = RNG.dirichlet(np.ones(4), size=3)
    kl = losscli.compute("kl-div", dtype="float64", reduction="batchmean", pred=x, target=t)
    assert value("generalized-kl", pred=x, target=t) == pytest.approx(kl.value, rel=1e-10)


def test_generalized_kl_gradcheck_and_gradient():
    from losscli.families.probabilistic.torch_terms import generalized_kl

    x = torch.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    t = torch.tensor(RNG.uniform(0.1, 1, (3, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: generalized_kl(pred=a, target=b).values, (x, t))
    # ∂ℓ/∂x = eˣ − t, also where t = 0
    t0 = t.detach().clone()
    t0[0, 0] = 0.0
    generalized_kl(pred=x, target=t0).values.sum().backward()
    np.testing.assert_allclose(x.grad, (x.detach().exp() - t0).numpy(), rtol=1e-12)


def test_generalized_kl_against_installed_optax():
    optax = pytest.importorskip("optax")
    x, t = RNG.normal(size=(3, 5)), RNG.uniform(0, 1, (3, 5))
    want = np.asarray(optax.losses.generalized_kl_divergence(x, t))
    np.testing.assert_allclose(value("generalized-kl", "numpy", "none", pred=x, target=t), want,
                               rtol=1e-5)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "1", "-t", "1"), "--pred", "at least one dimension"),
    (("-p", "[0.5, 0.5]", "-t", "[0.5]"), "--target", "must be equal"),
    (("-p", "[0.5, 0.5]", "-t", "[0.5, -0.5]"), "--target", "non-negative"),
])
def test_generalized_kl_bad_input_is_one_line(cli, args, argument, fragment):
    line = one_line_error(cli, "generalized-kl", *args)
    assert argument in line and fragment in line, line


# --- distillation ------------------------------------------------------------------------

KD_S = [[1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
KD_T = [[0.5, 2.5, 0.0], [1.0, 0.0, 0.8]]
KD_Y = [1, 2]


def softmax_row(row, temperature=1.0):
    exps = [math.exp(v / temperature) for v in row]
    return [e / sum(exps) for e in exps]


def kd_reference(s, t, temperature):
    """T²·Σ_c q_c·ln(q_c / p_c) per row, q = softmax(t/T), p = softmax(s/T) (Hinton et al.)."""
    out = []
    for srow, trow in zip(s, t, strict=True):
        p, q = softmax_row(srow, temperature), softmax_row(trow, temperature)
        out.append(temperature**2 * sum(qc * math.log(qc / pc) for pc, qc in zip(p, q,
                                                                                 strict=True)))
    return np.array(out)


def ce_reference(s, y):
    return np.array([-math.log(softmax_row(row)[label]) for row, label in zip(s, y,
                                                                               strict=True)])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0, 0.5])
def test_distillation_matches_the_float64_formula(backend, temperature):
    s, t = RNG.normal(size=(5, 4)), RNG.normal(size=(5, 4))
    y = RNG.integers(0, 4, 5)
    kd = kd_reference(s, t, temperature)
    got = value("distillation", backend, "none", pred=s, teacher=t, temperature=temperature)
    np.testing.assert_allclose(got, kd, rtol=1e-12)
    mixed = value("distillation", backend, "none", pred=s, teacher=t, target=y,
                  temperature=temperature, alpha=0.3)
    np.testing.assert_allclose(mixed, 0.3 * kd + 0.7 * ce_reference(s, y), rtol=1e-12)


# timm (commit aa4b5850, v1.0.28-14) timm/task/distillation.py LogitDistillationTask has no
# value test: these are the float64 values of its formula (F.kl_div batchmean, log_target,
# × T²), derived for the reference notes; CE on the hard labels is 0.429513768648.
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("temperature,expected", [
    (1.0, 0.14651405711618462), (2.0, 0.1568227902729722), (4.0, 0.1520328056910863)])
def test_distillation_timm_derived_values(backend, temperature, expected):
    got = value("distillation", backend, pred=KD_S, teacher=KD_T, temperature=temperature)
    assert got == pytest.approx(expected, rel=1e-12)
    ce_only = value("distillation", backend, pred=KD_S, teacher=KD_T, target=KD_Y,
                    temperature=temperature, alpha=0.0)
    assert ce_only == pytest.approx(0.429513768648, rel=1e-11)
    timm = losscli.compute("distillation", convention="timm", dtype="float64", pred=KD_S,
                           teacher=KD_T, target=KD_Y, temperature=temperature)
    assert timm.value == pytest.approx(expected + 0.429513768648, rel=1e-11)


def test_distillation_mean_is_batchmean_not_the_elementwise_mean():
    # kl_div(..., reduction='batchmean') divides by N = 2; 'mean' would divide by N·C = 6
    kl = torch.nn.functional.kl_div(
        torch.log_softmax(torch.tensor(KD_S, dtype=torch.float64), -1),
        torch.log_softmax(torch.tensor(KD_T, dtype=torch.float64), -1),
        reduction="batchmean", log_target=True)
    assert value("distillation", pred=KD_S, teacher=KD_T) == pytest.approx(float(kl), rel=1e-12)


def test_distillation_gradcheck_and_the_gradient_is_t_times_p_minus_q():
    from losscli.families.probabilistic.torch_terms import distillation

    s = torch.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    t = torch.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    y = torch.tensor([0, 3, 1])
    assert torch.autograd.gradcheck(
        lambda a, b: distillation(pred=a, teacher=b, target=y, temperature=2.5,
                                  alpha=0.4).values, (s, t))
    distillation(pred=s, teacher=t, target=None, temperature=3.0, alpha=0.5).values.sum(
    ).backward()
    p = torch.softmax(s.detach() / 3, -1)
    q = torch.softmax(t.detach() / 3, -1)
    np.testing.assert_allclose(s.grad, 3 * (p - q), rtol=1e-12, atol=1e-15)


def test_distillation_single_sample_and_identical_logits():
    assert value("distillation", pred=[1.0, 2.0], teacher=[1.0, 2.0], temperature=3) == 0.0
    assert value("distillation", pred=[1.0, 2.0], teacher=[1.0, 2.0], target=1,
                 alpha=0.0) == pytest.approx(math.log(1 + math.exp(-1)), rel=1e-14)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[1, 2]]", "--teacher", "[[1, 2, 3]]"), "--teacher", "must be equal"),
    (("-p", "[[[1, 2]]]", "--teacher", "[[[1, 2]]]"), "--pred", "(N, C)"),
    (("-p", "[[1, 2]]", "--teacher", "[[1, 2]]", "-t", "[2]"), "--target", "out of range"),
    (("-p", "[[1, 2]]", "--teacher", "[[1, 2]]", "-t", "[0, 1]"), "--target", "shape"),
    (("-p", "[[1, 2]]", "--teacher", "[[1, 2]]", "--temperature", "0"), "--temperature", "> 0"),
    (("-p", "[[1, 2]]", "--teacher", "[[1, 2]]", "--alpha", "1.5"), "--alpha", "<= 1"),
])
def test_distillation_bad_input_is_one_line(cli, args, argument, fragment):
    line = one_line_error(cli, "distillation", *args)
    assert argument in line and fragment in line, line


# --- kl-div, poisson-nll, gaussian-nll, linear-cross-entropy: PyTorch's formulas --------------
# Each reference is written from the formula on the loss's PyTorch documentation page (not
# by calling torch); torch.nn.functional with the same reduction is a second check.

TORCH_RNG = np.random.default_rng(3)


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


TORCH_REFERENCES = {
    "kl-div": ref_kl_div,
    "poisson-nll": ref_poisson_nll,
    "gaussian-nll": ref_gaussian_nll,
    "linear-cross-entropy": lambda **values: (  # and the mean's denominator
        ref_linear_cross_entropy(**values), linear_ce_denominator(**values)
    ),
}


def normal(*shape, scale=1.5):
    return TORCH_RNG.normal(0, scale, size=shape)


def uniform(low, high, *shape):
    return TORCH_RNG.uniform(low, high, size=shape)


def distributions(*shape):
    p = uniform(0.05, 1, *shape)
    return p / p.sum(axis=-1, keepdims=True)


TORCH_CASES = [
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
    ("poisson-nll", dict(pred=normal(6), target=TORCH_RNG.integers(0, 6, 6)), {}),
    (
        "poisson-nll",
        dict(pred=uniform(0.1, 4, 2, 4), target=TORCH_RNG.integers(0, 8, (2, 4))),
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
        dict(pred=normal(4, 3), linear_weight=normal(5, 3), target=TORCH_RNG.integers(0, 5, 4)),
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


def _gaussian_nll(t, p, r):
    var = t["var"].item() if t["var"].dim() == 0 else t["var"]
    return F.gaussian_nll_loss(t["pred"], t["target"], var, reduction=r, **p)


def _linear_cross_entropy(t, p, r):
    return F.linear_cross_entropy(
        t["pred"], t["linear_weight"], t["target"], linear_bias=t.get("linear_bias"),
        reduction=r, ignore_index=None if t["target"].is_floating_point() else -100,
        **tensor_params(p),
    )


TORCH_FUNCTIONAL = {
    "kl-div": lambda t, p, r: F.kl_div(t["pred"], t["target"], reduction=r, **p),
    "poisson-nll": lambda t, p, r: F.poisson_nll_loss(t["pred"], t["target"], reduction=r, **p),
    "gaussian-nll": _gaussian_nll,
    "linear-cross-entropy": _linear_cross_entropy,
}


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
class TestTorchParity(TorchParity):
    CASES = TORCH_CASES
    REFERENCES = TORCH_REFERENCES
    FUNCTIONAL = TORCH_FUNCTIONAL
    INDEX_TARGETS = ("linear-cross-entropy",)  # the others' integer targets are counts

    def fixed(self, name, inputs, params):
        """Where the derivative is not defined: Poisson counts (Stirling's term jumps at
        y = 1), zero KL targets (d/dy of y·log y is −∞ at 0) and a clamped variance (see
        test_gaussian_clamp_passes_the_gradient)."""
        target = np.asarray(inputs.get("target"))
        counts = name == "poisson-nll" or (name == "kl-div" and bool((target == 0).any()))
        clamped = name == "gaussian-nll" and bool(
            (np.asarray(inputs["var"]) < params.get("eps", 1e-6)).any())
        return ("target",) * counts + ("var",) * clamped


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


def test_kl_poisson_gaussian_hand_worked_values():
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


WARNINGS = [
    (("kl-div", "--pred", "[0.2, -0.4]", "--target", "[0.3, 0.7]", "-r", "sum"), "--pred"),
    (
        ("kl-div", "--pred", "[-0.2]", "--target", "[0.3]", "--log-target", "-r", "sum"),
        "--target",
    ),
    (
        ("gaussian-nll", "--pred", "[1.0]", "--target", "[1.0]", "--var", "[0]"),
        "--var",
    ),
]


ERRORS = [
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


class TestPyTorchCommands(PyTorchCommands):
    ERRORS = ERRORS
    WARNINGS = WARNINGS
    LOSSES = tuple(TORCH_REFERENCES)
