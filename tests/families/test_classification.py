"""Classification losses against independent float64 formulas: PyTorch's (cross-entropy,
nll, bce, bce-with-logits) and torchvision's (focal, softmax-focal) in TestTorchParity, and
those of optax, Keras and timm.

poly follows optax/losses/_classification.py (optax 0.2.8); generalized-cross-entropy
keras/src/losses/losses.py (Keras 3.15.1); asymmetric timm/loss/asymmetric_loss.py
(timm @ aa4b5850). Each loss has a plain-loop reference written from its paper, the
library's own published test values (file and test named beside them), gradients
(gradcheck in float64) and both backends. The libraries themselves are a last check,
skipped when not installed.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch.nn.functional as F
from family_helpers import (
    TorchParity,
    assert_one_line_error,
    both_backends,
    compute,
    gradcheck,
    log_softmax,
    tensor_params,
)

import losscli

os.environ.setdefault("KERAS_BACKEND", "numpy")  # Keras 3 without TensorFlow, jax or torch

RNG = np.random.default_rng(16)


def softmax_row(x):
    m = max(x)
    e = [math.exp(v - m) for v in x]
    return [v / sum(e) for v in e]


def soft_rows(n, c):
    x = RNG.uniform(0.05, 1, size=(n, c))
    return x / x.sum(axis=1, keepdims=True)


def one_hot(labels, classes):
    return np.eye(classes)[np.asarray(labels)]


# --- poly ----------------------------------------------------------------------------------


def ref_poly(pred, target, epsilon=2.0):
    """Leng et al. 2022, Poly-1: −Σ y_c log p_c + ε·Σ y_c (1 − p_c), p = softmax(x)."""
    pred = np.asarray(pred, float)
    target = np.asarray(target)
    if target.dtype.kind != "f":
        target = one_hot(target, pred.shape[-1])
    terms = []
    for x, y in zip(pred.reshape(-1, pred.shape[-1]), target.reshape(-1, pred.shape[-1])):
        p = softmax_row(x)
        ce = -sum(yc * math.log(pc) for yc, pc in zip(y, p))
        terms.append(ce + epsilon * sum(yc * (1 - pc) for yc, pc in zip(y, p)))
    return np.array(terms).reshape(pred.shape[:-1])


POLY_CASES = [
    (RNG.normal(0, 2, (6, 4)), soft_rows(6, 4), {}),
    (RNG.normal(0, 2, (6, 4)), RNG.integers(0, 4, 6), {"epsilon": 1.0}),
    (RNG.normal(0, 2, (2, 3, 5)), RNG.integers(0, 5, (2, 3)), {"epsilon": -1.0}),
    (RNG.normal(0, 2, 5), soft_rows(1, 5)[0], {"epsilon": 0.5}),
]


@pytest.mark.parametrize("case", range(len(POLY_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_poly_matches_the_formula(case, reduction):
    pred, target, params = POLY_CASES[case]
    terms = ref_poly(pred, target, **params)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("poly", expected, pred=pred, target=target, reduction=reduction, **params)


# optax/losses/_classification_test.py @ v0.2.8, PolyLossTest.test_scalar and test_batched
# (atol 1e-4 there): ε -> expected.
POLY_SCALAR = ([0.14, 1.456, 2.356, -0.124, -2.47], [0.1, 0.15, 0.2, 0.25, 0.3])
POLY_SCALAR_VALUES = {2.0: 4.5317, 1.0: 3.7153, -1.0: 2.0827, 0.0: 2.8990, -0.5: 2.4908,
                      1.15: 3.8378, 1.214: 3.8900, 5.45: 7.3480}
POLY_BATCH = ([[4.0, 2.0, 1.0], [0.0, 5.0, 1.0]], [[1.0, 0.0, 0.0], [0.0, 0.8, 0.2]])
POLY_BATCH_VALUES = {2.0: [0.4823, 1.2567], 1.0: [0.3261, 1.0407], 0.0: [0.1698, 0.8247],
                     -0.5: [0.0917, 0.7168], 1.15: [0.3495, 1.0731], 1.214: [0.3595, 1.0870],
                     5.45: [1.0211, 2.0018]}


@pytest.mark.parametrize("epsilon", sorted(POLY_SCALAR_VALUES))
def test_poly_optax_published_values(epsilon):
    pred, target = POLY_SCALAR
    both_backends("poly", POLY_SCALAR_VALUES[epsilon], atol=1e-4, pred=pred, target=target,
                  epsilon=epsilon)
    if epsilon in POLY_BATCH_VALUES:
        pred, target = POLY_BATCH
        both_backends("poly", POLY_BATCH_VALUES[epsilon], atol=1e-4, reduction="none",
                      pred=pred, target=target, epsilon=epsilon)


def test_poly_default_epsilon_is_optax_2():
    pred, target = POLY_BATCH
    assert compute("poly", pred=pred, target=target).params["epsilon"] == 2.0


def test_poly_with_epsilon_0_is_cross_entropy():
    pred, labels = RNG.normal(0, 2, (6, 4)), RNG.integers(0, 4, 6)
    ce = compute("cross-entropy", pred=pred, target=labels, reduction="none").terms
    poly = compute("poly", pred=pred, target=labels, epsilon=0.0, reduction="none").terms
    np.testing.assert_allclose(poly, ce, rtol=1e-12)


def test_poly_indices_equal_one_hot_probabilities():
    pred, labels = RNG.normal(0, 2, (6, 4)), RNG.integers(0, 4, 6)
    a = compute("poly", pred=pred, target=labels, reduction="none").terms
    b = compute("poly", pred=pred, target=one_hot(labels, 4), reduction="none").terms
    np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("case", range(len(POLY_CASES)))
def test_poly_gradients(case):
    pred, target, params = POLY_CASES[case]
    gradcheck("poly", dict(pred=pred, target=target), epsilon=params.get("epsilon", 2.0))


def test_poly_gradient_by_hand():
    # ∂ℓ/∂x_k = p_k − y_k + ε·(p_k·Σ_c y_c p_c − y_k p_k) for labels summing to 1.
    x, y, eps = np.array([0.3, -1.2, 2.0]), np.array([0.2, 0.0, 0.8]), 2.0
    p = np.exp(x) / np.exp(x).sum()
    expected = p - y + eps * (p * (y @ p) - y * p)
    got = compute("poly", pred=x, target=y, epsilon=eps, grad=True)
    np.testing.assert_allclose(got.grads["pred"], expected, rtol=1e-12)


def test_poly_timm_convention_differs_only_for_labels_not_summing_to_1():
    # timm/loss/poly_loss.py PolyCrossEntropy: 1 − Σ y_c p_c; optax: Σ y_c (1 − p_c).
    pred, target = POLY_BATCH
    optax = compute("poly", pred=pred, target=target, reduction="none").terms
    timm = compute("poly", pred=pred, target=target, convention="timm", reduction="none").terms
    np.testing.assert_allclose(timm, optax, rtol=1e-12)
    # Labels [0.5, 0.25, 0] sum to 0.75: timm − optax = ε·(1 − Σ y) = 2·(1 − 0.75) = 0.5.
    x, y = [[1.0, 0.2, -0.5]], [[0.5, 0.25, 0.0]]
    a = compute("poly", pred=x, target=y).value
    b = compute("poly", pred=x, target=y, convention="timm").value
    assert b - a == pytest.approx(2 * (1 - 0.75), rel=1e-12)


def test_poly_matches_optax():
    optax = pytest.importorskip("optax", reason="optax is not installed (optional cross-check)")
    import jax

    jax.config.update("jax_enable_x64", True)
    for pred, target, params in POLY_CASES:
        labels = target if target.dtype.kind == "f" else one_hot(target, pred.shape[-1])
        expected = np.asarray(optax.losses.poly_loss_cross_entropy(pred, labels, **params))
        got = compute("poly", pred=pred, target=target, reduction="none", **params).terms
        np.testing.assert_allclose(got, expected, rtol=1e-10)


# --- generalized-cross-entropy -------------------------------------------------------------


def ref_gce(pred, target, q=0.5):
    """Zhang and Sabuncu 2018, eq. (6): L_q = (1 − p_y^q) / q on the probability of y."""
    pred = np.asarray(pred, float)
    rows, labels = pred.reshape(-1, pred.shape[-1]), np.asarray(target).reshape(-1)
    return np.array([(1 - p[y] ** q) / q for p, y in zip(rows, labels)]).reshape(
        pred.shape[:-1])


GCE_CASES = [
    (soft_rows(8, 4), RNG.integers(0, 4, 8), {}),
    (soft_rows(8, 3), RNG.integers(0, 3, 8), {"q": 0.7}),
    (soft_rows(6, 5).reshape(2, 3, 5), RNG.integers(0, 5, (2, 3)), {"q": 1.0}),
    (soft_rows(1, 4)[0], np.array(3), {"q": 0.05}),
]


@pytest.mark.parametrize("case", range(len(GCE_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gce_matches_the_formula(case, reduction):
    pred, target, params = GCE_CASES[case]
    terms = ref_gce(pred, target, **params)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("generalized-cross-entropy", expected, pred=pred, target=target,
                  reduction=reduction, **params)


def test_gce_keras_published_values():
    # keras/src/losses/losses_test.py @ v3.15.1,
    # CategoricalGeneralizedCrossEntropyTest.test_basic_correctness_for_multi_class:
    # p_t = [0.7, 0.2, 0.6, 0.2]; mean((1 − p_t^q)/q) = 0.747158 (q = 0.5), 0.634941 (q = 0.8).
    pred = [[0.7, 0.3, 0.0], [0.2, 0.2, 0.6], [0.6, 0.4, 0.0], [0.2, 0.2, 0.6]]
    kw = dict(pred=pred, target=[0, 1, 0, 1])
    both_backends("generalized-cross-entropy", 0.747158, atol=1e-6, **kw)
    both_backends("generalized-cross-entropy", 0.634941, atol=1e-6, q=0.8, **kw)
    # test_binary_segmentation (second part): 16 pixels of two classes, two of them wrong
    # by 0.2 and 0.4: ((1 − √0.2)/0.5 + (1 − √0.4)/0.5) / 16.
    seg_true = [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]]
    seg_pred = [
        [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.2, 0.8]],
        [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
        [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]],
        [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.4]],
    ]
    expected = ((1 - 0.2**0.5) / 0.5 + (1 - 0.4**0.5) / 0.5) / 16
    both_backends("generalized-cross-entropy", expected, pred=seg_pred, target=seg_true)


def test_gce_tends_to_cross_entropy_as_q_goes_to_0():
    pred, labels = soft_rows(6, 4), RNG.integers(0, 4, 6)
    nll = -np.log(pred[np.arange(6), labels])
    got = compute("generalized-cross-entropy", pred=pred, target=labels, q=1e-7,
                  reduction="none").terms
    np.testing.assert_allclose(got, nll, rtol=1e-5)


@pytest.mark.parametrize("case", range(len(GCE_CASES)))
def test_gce_gradients(case):
    pred, target, params = GCE_CASES[case]
    gradcheck("generalized-cross-entropy", dict(pred=pred, target=target), q=params.get("q", 0.5))


def test_gce_gradient_by_hand():
    # ∂ℓ/∂p_t = −p_t^(q − 1): for p_t = 0.25, q = 0.5, −0.25^(−0.5) = −2; the others get 0.
    got = compute("generalized-cross-entropy", pred=[0.25, 0.75], target=0, grad=True)
    np.testing.assert_allclose(got.grads["pred"], [-2.0, 0.0], rtol=1e-12)


def test_gce_matches_keras():
    keras = pytest.importorskip("keras", reason="Keras is not installed (optional cross-check)")
    for pred, target, params in GCE_CASES[:2]:
        loss = keras.losses.CategoricalGeneralizedCrossEntropy(reduction=None, **params)
        expected = np.asarray(loss(target, pred))
        got = compute("generalized-cross-entropy", pred=pred, target=target, reduction="none",
                      **params).terms
        np.testing.assert_allclose(got, expected, rtol=1e-6)


# --- sparsemax -----------------------------------------------------------------------------


def ref_sparsemax_projection(z):
    """Martins and Astudillo 2016, Algorithm 1, as a plain loop."""
    ordered = sorted(z, reverse=True)
    k, total = 0, 0.0
    for j, value in enumerate(ordered, start=1):
        if 1 + j * value > total + value:
            k, total = j, total + value
        else:
            break
    tau = (total - 1) / k
    return [max(v - tau, 0.0) for v in z]


def ref_sparsemax_multiclass(pred, target):
    """Martins and Astudillo 2016, eq. (16) as optax writes it: ⟨p, z − z_y⟩ + ½(1 − ‖p‖²)."""
    pred = np.asarray(pred, float)
    rows, labels = pred.reshape(-1, pred.shape[-1]), np.asarray(target).reshape(-1)
    terms = []
    for z, y in zip(rows, labels):
        p = ref_sparsemax_projection(list(z))
        terms.append(sum(pc * (zc - z[y]) for pc, zc in zip(p, z))
                     + 0.5 * (1 - sum(pc * pc for pc in p)))
    return np.array(terms).reshape(pred.shape[:-1])


def ref_sparse_plus(s):
    """Blondel et al. 2020, §4.4: 0 for s ≤ −1, (s + 1)²/4 for |s| < 1, s for s ≥ 1."""
    return 0.0 if s <= -1 else s if s >= 1 else (s + 1) ** 2 / 4


def ref_sparsemax_binary(pred, target):
    return np.array([ref_sparse_plus(-x if y else x)
                     for x, y in zip(np.ravel(pred), np.ravel(target))]).reshape(np.shape(pred))


SPARSEMAX_CASES = [
    (RNG.normal(0, 1, (8, 4)), RNG.integers(0, 4, 8)),
    (RNG.normal(0, 0.2, (8, 5)), RNG.integers(0, 5, 8)),  # wide supports
    (RNG.normal(0, 1, (2, 3, 4)), RNG.integers(0, 4, (2, 3))),
    (RNG.normal(0, 1.5, 10), RNG.integers(0, 2, 10)),  # binary
    (RNG.normal(0, 1.5, (3, 4)), RNG.integers(0, 2, (3, 4)).astype(float)),  # binary
]


def ref_sparsemax(pred, target):
    if np.shape(pred) == np.shape(target):
        return ref_sparsemax_binary(pred, target)
    return ref_sparsemax_multiclass(pred, target)


@pytest.mark.parametrize("case", range(len(SPARSEMAX_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_sparsemax_matches_the_formula(case, reduction):
    pred, target = SPARSEMAX_CASES[case]
    terms = ref_sparsemax(pred, target)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("sparsemax", expected, pred=pred, target=target, reduction=reduction)


def test_sparsemax_projection_is_on_the_simplex():
    got = compute("sparsemax", pred=SPARSEMAX_CASES[1][0], target=SPARSEMAX_CASES[1][1])
    p = np.asarray(got.details["p"])
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert (p >= 0).all()
    for row, z in zip(p, SPARSEMAX_CASES[1][0]):
        np.testing.assert_allclose(row, ref_sparsemax_projection(list(z)), atol=1e-15)


def test_sparsemax_optax_published_values():
    # optax/losses/_classification_test.py @ v0.2.8, SparsemaxTest.test_batched_binary:
    # sparsemax_loss([10, 20], [1, 0]) = [sparse_plus(−10), sparse_plus(20)] = [0, 20].
    both_backends("sparsemax", [0.0, 20.0], reduction="none", pred=[10.0, 20.0], target=[1, 0])
    # quadratic region (derived with optax 0.2.8): 0.3, y = 1: (0.7)²/4; −0.5, y = 1: 1.5²/4.
    both_backends("sparsemax", [0.0, 20.0, 0.1225, 0.5625], reduction="none",
                  pred=[10.0, 20.0, 0.3, -0.5], target=[1, 0, 1, 1])
    # SparsemaxTest.test_multi_class_zero_loss: a correct score far ahead gives p = e_y, 0.
    big = [[0.0, 1e5, 0.0], [1e5, 0.0, 0.0], [0.0, 0.0, 1e5]]
    both_backends("sparsemax", [0.0, 0.0, 0.0], reduction="none", pred=big, target=[1, 0, 2])
    # multiclass_sparsemax_loss, derived with optax 0.2.8 and by hand: [1, 2, .5], y = 0:
    # p = [0, 1, 0], ℓ = 2 − 1 = 1; [.2, .1, −1], y = 2: τ = −0.35, p = [.55, .45, 0],
    # ℓ = .55·1.2 + .45·1.1 + ½(1 − .505) = 1.4025.
    both_backends("sparsemax", [1.0, 1.4025], reduction="none",
                  pred=[[1.0, 2.0, 0.5], [0.2, 0.1, -1.0]], target=[0, 2])


def test_binary_sparsemax_is_multiclass_on_scores_0_x():
    x, y = RNG.normal(0, 1.5, 12), RNG.integers(0, 2, 12)
    binary = compute("sparsemax", pred=x, target=y, reduction="none").terms
    scores = np.stack([np.zeros_like(x), x], axis=1)
    multi = compute("sparsemax", pred=scores, target=y, reduction="none").terms
    np.testing.assert_allclose(binary, multi, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", range(len(SPARSEMAX_CASES)))
def test_sparsemax_gradients(case):
    pred, target = SPARSEMAX_CASES[case]
    gradcheck("sparsemax", dict(pred=pred, target=target))


def test_sparsemax_gradient_is_p_minus_one_hot():
    # optax SparsemaxTest checks grad = projection_simplex(scores) − one_hot(labels).
    pred, target = SPARSEMAX_CASES[1]
    got = compute("sparsemax", pred=pred, target=target, grad=True, reduction="sum")
    p = np.array([ref_sparsemax_projection(list(z)) for z in pred])
    np.testing.assert_allclose(got.grads["pred"], p - one_hot(target, 5), atol=1e-12)


def test_sparsemax_gradient_at_the_kinks():
    # x = [2, 1]: τ = 1 and x_2 meets τ exactly (p = [1, 0]); with y = 1, ℓ = 1 and the
    # gradient is p − e_y = [1, −1] (relu gives the boundary score no gradient through p).
    got = compute("sparsemax", pred=[2.0, 1.0], target=1, grad=True)
    assert got.value == 1.0
    np.testing.assert_allclose(got.grads["pred"], [1.0, -1.0], atol=1e-15)
    # binary at s = 1 and s = −1 (x = ∓1 with y = 1): slopes ∂ℓ/∂x = −1 and 0 from both sides.
    binary = compute("sparsemax", pred=[-1.0, 1.0], target=[1, 1], grad=True, reduction="sum")
    np.testing.assert_allclose(binary.grads["pred"], [-1.0, 0.0])


def test_sparsemax_matches_optax():
    optax = pytest.importorskip("optax", reason="optax is not installed (optional cross-check)")
    import jax

    jax.config.update("jax_enable_x64", True)
    for pred, target in SPARSEMAX_CASES:
        if pred.shape == target.shape:
            expected = optax.losses.sparsemax_loss(pred, target)
        else:
            rows = pred.reshape(-1, pred.shape[-1])
            expected = optax.losses.multiclass_sparsemax_loss(rows, target.reshape(-1))
        got = compute("sparsemax", pred=pred, target=target, reduction="none").terms
        np.testing.assert_allclose(np.ravel(got), np.ravel(expected), rtol=1e-10, atol=1e-12)


# --- asymmetric ----------------------------------------------------------------------------


def ref_asymmetric(pred, target, gamma_neg=4.0, gamma_pos=1.0, clip=0.05, eps=1e-8):
    """Ridnik et al. 2021, eq. (2)-(4): L+ = (1 − p)^γ+ log p, L− = p_m^γ− log(1 − p_m),
    p_m = max(p − m, 0) (probability shifting); the logs clamped at eps as timm does."""
    terms = []
    for x, y in zip(np.ravel(pred), np.ravel(target)):
        p = 1 / (1 + math.exp(-x))
        p_m = max(p - clip, 0.0)
        positive = (1 - p) ** gamma_pos * math.log(max(p, eps))
        negative = p_m ** gamma_neg * math.log(max(1 - p_m, eps))
        terms.append(-(y * positive + (1 - y) * negative))
    return np.array(terms).reshape(np.shape(pred))


ASL_X = np.array([[2.0, -1.0, 0.5], [-0.3, 1.2, -2.0]])
ASL_Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
ASYMMETRIC_CASES = [
    (RNG.normal(0, 2, (6, 4)), RNG.integers(0, 2, (6, 4)).astype(float), {}),
    (RNG.normal(0, 2, (6, 4)), RNG.integers(0, 2, (6, 4)).astype(float),
     {"gamma_neg": 2.0, "gamma_pos": 0.0, "clip": 0.1}),
    (RNG.normal(0, 2, (2, 3, 4)), RNG.integers(0, 2, (2, 3, 4)).astype(float), {"clip": 0.0}),
    (RNG.normal(0, 2, 8), RNG.integers(0, 2, 8).astype(float), {"gamma_neg": 0.5}),
]


@pytest.mark.parametrize("case", range(len(ASYMMETRIC_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_asymmetric_matches_the_formula(case, reduction):
    pred, target, params = ASYMMETRIC_CASES[case]
    terms = ref_asymmetric(pred, target, **params)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("asymmetric", expected, pred=pred, target=target, reduction=reduction,
                  **params)


def test_asymmetric_timm_values():
    # timm/loss/asymmetric_loss.py @ aa4b5850 (v1.0.28-14) has no value test: these were
    # derived by running its AsymmetricLossMultiLabel (in float32, hence rtol 1e-6), which
    # SUMS over batch and classes.
    timm = compute("asymmetric", pred=ASL_X, target=ASL_Y, convention="timm")
    assert timm.value == pytest.approx(0.26499393582344055, rel=1e-6)
    # The same number is the sum on both backends, and 1/6 of it the losscli mean.
    both_backends("asymmetric", 0.26499393582344055, rtol=1e-6, pred=ASL_X, target=ASL_Y,
                  reduction="sum")
    both_backends("asymmetric", 0.26499393582344055 / 6, rtol=1e-6, pred=ASL_X, target=ASL_Y)
    # gamma_neg = gamma_pos = 0, clip = 0: BCE with logits, summed.
    plain = compute("asymmetric", pred=ASL_X, target=ASL_Y, convention="timm", gamma_neg=0.0,
                    gamma_pos=0.0, clip=0.0)
    assert plain.value == pytest.approx(1.8588323593139648, rel=1e-6)


def test_asymmetric_without_focusing_or_clip_is_bce_with_logits():
    pred, target = RNG.normal(0, 2, (6, 4)), RNG.integers(0, 2, (6, 4)).astype(float)
    bce = compute("bce-with-logits", pred=pred, target=target, reduction="none").terms
    asl = compute("asymmetric", pred=pred, target=target, gamma_neg=0.0, gamma_pos=0.0,
                  clip=0.0, reduction="none").terms
    np.testing.assert_allclose(asl, bce, rtol=1e-10)


def test_asymmetric_clip_zeroes_easy_negatives():
    # p = σ(−4) = 0.018 < clip 0.05: p₋ = 1, log 1 = 0, and the gradient is 0 even for
    # γ₋ = 0.5 (timm's torch.pow would give NaN there).
    got = compute("asymmetric", pred=[-4.0, -3.5], target=[0.0, 0.0], gamma_neg=0.5, grad=True)
    assert got.value == 0.0
    np.testing.assert_array_equal(got.grads["pred"], [0.0, 0.0])


@pytest.mark.parametrize("case", range(len(ASYMMETRIC_CASES)))
def test_asymmetric_gradients(case):
    pred, target, params = ASYMMETRIC_CASES[case]
    full = {"gamma_neg": 4.0, "gamma_pos": 1.0, "clip": 0.05, "eps": 1e-8, **params}
    gradcheck("asymmetric", dict(pred=pred, target=target), **full)


def test_asymmetric_subgradient_at_the_clip():
    # x = logit(0.05): p = clip exactly, p₋ = 1 on both sides. With γ₋ = 0 the unclipped
    # side's slope is taken: ∂ℓ/∂x = −∂log(1 − p + clip)/∂x = p(1 − p)/p₋ = 0.05·0.95.
    x = math.log(0.05 / 0.95)
    got = compute("asymmetric", pred=[x], target=[0.0], gamma_neg=0.0, grad=True)
    np.testing.assert_allclose(got.grads["pred"], [0.05 * 0.95], rtol=1e-9)


# --- asymmetric-single-label ---------------------------------------------------------------


def ref_asl_single(pred, target, gamma_pos=1.0, gamma_neg=4.0, label_smoothing=0.1):
    """timm's docstring and Ridnik et al.: softmax p, (1 − p_y)^γ+ on the true class, p_c^γ−
    on the others, then −Σ t_c w_c log p_c with t = (1 − ε)·onehot + ε/C."""
    pred = np.asarray(pred, float)
    rows, labels = pred.reshape(-1, pred.shape[-1]), np.asarray(target).reshape(-1)
    terms = []
    for x, y in zip(rows, labels):
        p = softmax_row(x)
        total = 0.0
        for c, pc in enumerate(p):
            w = (1 - pc) ** gamma_pos if c == y else pc ** gamma_neg
            t = (1 - label_smoothing) * (c == y) + label_smoothing / len(p)
            total -= t * w * math.log(pc)
        terms.append(total)
    return np.array(terms).reshape(pred.shape[:-1])


ASL_SINGLE_CASES = [
    (RNG.normal(0, 2, (6, 4)), RNG.integers(0, 4, 6), {}),
    (RNG.normal(0, 2, (2, 3, 5)), RNG.integers(0, 5, (2, 3)),
     {"gamma_pos": 0.5, "gamma_neg": 2.0, "label_smoothing": 0.0}),
    (RNG.normal(0, 2, 4), np.array(1), {"label_smoothing": 0.3}),
]


@pytest.mark.parametrize("case", range(len(ASL_SINGLE_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_asl_single_label_matches_the_formula(case, reduction):
    pred, target, params = ASL_SINGLE_CASES[case]
    terms = ref_asl_single(pred, target, **params)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("asymmetric-single-label", expected, pred=pred, target=target,
                  reduction=reduction, **params)


def test_asl_single_label_timm_values():
    # timm/loss/asymmetric_loss.py @ aa4b5850 (v1.0.28-14), no value test: derived by running
    # AsymmetricLossSingleLabel (float32, rtol 1e-6) on ASL_X with labels [0, 1].
    kw = dict(pred=ASL_X, target=[0, 1])
    both_backends("asymmetric-single-label", 0.0470193549990654, rtol=1e-6, **kw)
    # AsymmetricLossSingleLabel(gamma_pos=0, gamma_neg=0, eps=0): cross-entropy.
    both_backends("asymmetric-single-label", 0.2377537488937378, rtol=1e-6, gamma_pos=0.0,
                  gamma_neg=0.0, label_smoothing=0.0, **kw)


def test_asl_single_label_without_focusing_is_cross_entropy():
    pred, labels = RNG.normal(0, 2, (6, 4)), RNG.integers(0, 4, 6)
    ce = compute("cross-entropy", pred=pred, target=labels, label_smoothing=0.2,
                 reduction="none").terms
    asl = compute("asymmetric-single-label", pred=pred, target=labels, gamma_pos=0.0,
                  gamma_neg=0.0, label_smoothing=0.2, reduction="none").terms
    np.testing.assert_allclose(asl, ce, rtol=1e-12)


@pytest.mark.parametrize("case", range(len(ASL_SINGLE_CASES)))
def test_asl_single_label_gradients(case):
    pred, target, params = ASL_SINGLE_CASES[case]
    full = {"gamma_pos": 1.0, "gamma_neg": 4.0, "label_smoothing": 0.1, **params}
    gradcheck("asymmetric-single-label", dict(pred=pred, target=target), **full)


# --- input errors through the CLI -----------------------------------------------------------

BAD = [
    (("poly", "-p", "1.5", "-t", "0"), "--pred", "classes on the last dimension"),
    (("poly", "-p", "[[1, 2]]", "-t", "[[1]]"), "--target", "class indices of shape (1)"),
    (("poly", "-p", "[[1, 2]]", "-t", "[2]"), "--target", "out of range for 2 classes"),
    (("poly", "-p", "[[1, 2]]", "-t", "[[0.5, 0.25, 0.25]]"), "--target",
     "must have the shape of --pred"),
    (("gce", "-p", "[[0.5, 0.5]]", "-t", "[[0.5, 0.5]]"), "--target", "integers"),
    (("gce", "-p", "[[0.5, 0.5]]", "-t", "[2]"), "--target", "out of range for 2 classes"),
    (("gce", "-p", "[[1.5, -0.5]]", "-t", "[0]"), "--pred", "outside the domain"),
    (("gce", "-p", "[[0.5, 0.5]]", "-t", "[0]", "--q", "1.5"), "--q", "<= 1"),
    (("gce", "-p", "[[0.5, 0.5]]", "-t", "[0]", "--q", "0"), "--q", "> 0"),
    (("sparsemax", "-p", "[1, 2]", "-t", "[1, 2]"), "--target", "must be 0 or 1"),
    (("sparsemax", "-p", "[[1, 2]]", "-t", "[0.5]"), "--target", "integer class indices"),
    (("sparsemax", "-p", "[[1, 2]]", "-t", "[2]"), "--target", "out of range for 2 classes"),
    (("sparsemax", "-p", "[[1, 2]]", "-t", "[[[0]]]"), "--target", "class indices of shape"),
    (("asymmetric", "-p", "[1, 2]", "-t", "[1]"), "--target", "does not match --pred shape"),
    (("asymmetric", "-p", "[1, 2]", "-t", "[1, 2]"), "--target", "outside the domain"),
    (("asymmetric-single-label", "-p", "[[1, 2]]", "-t", "[2]"), "--target", "out of range"),
    (("asymmetric-single-label", "-p", "[[1, 2]]", "-t", "[0]", "--label-smoothing", "2"),
     "--label-smoothing", "<= 1"),
    (("asymmetric", "-p", "[1, 2]", "-t", "[1, 0.5]"), "--target", "outside the domain"),
    (("asymmetric", "-p", "[1, 2]", "-t", "[1, 0]", "--clip", "1.5"), "--clip", "<= 1"),
    (("asymmetric", "-p", "[1, 2]", "-t", "[1, 0]", "--gamma-neg", "-1"), "--gamma-neg", ">= 0"),
]


@pytest.mark.parametrize("args,argument,fragment", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_exits_2_with_one_line(cli, args, argument, fragment):
    assert_one_line_error(cli(*args), argument, fragment)


def test_poly_warns_on_labels_that_do_not_sum_to_1(cli):
    out = cli("poly", "-p", "[[1, 2]]", "-t", "[[0.5, 0.6]]", "--strict")
    assert out.code == 2 and "do not sum to 1" in out.stderr


def test_gce_warns_on_rows_that_are_not_probabilities(cli):
    out = cli("gce", "-p", "[[0.5, 0.6]]", "-t", "[0]", "--strict")
    assert out.code == 2 and "do not sum to 1" in out.stderr


# --- cross-entropy, nll, bce, bce-with-logits, focal, softmax-focal: every reduction --------
# Each reference is written from the PyTorch/torchvision documentation (the formula on the
# loss's page), not by calling torch again; each returns (terms, mean denominator), the
# denominator None for the number of terms. torch.nn.functional's mean is a second check.

TORCH_RNG = np.random.default_rng(20261123)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


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


TORCH_REFERENCES = {
    "cross-entropy": ref_cross_entropy,
    "nll": ref_nll,
    "bce": ref_bce,
    "bce-with-logits": ref_bce_with_logits,
    "focal": ref_focal,
    "softmax-focal": ref_softmax_focal,
}


def logits(*shape):
    return TORCH_RNG.normal(0, 2, size=shape)


def probs(*shape):
    return TORCH_RNG.uniform(0.02, 0.98, size=shape)


def labels(high, *shape):
    return TORCH_RNG.integers(0, high, size=shape)


def soft_targets(*shape):
    t = TORCH_RNG.uniform(0, 1, size=shape)
    return t / t.sum(axis=1, keepdims=True)


def binary(*shape):
    return TORCH_RNG.integers(0, 2, shape).astype(float)


TORCH_CASES = [
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
    ("bce", dict(pred=probs(3, 4), target=binary(3, 4)), {}),
    (
        "bce",
        dict(pred=np.array([[0.0, 1.0, 0.5]]), target=np.array([[1.0, 0.0, 0.25]])),
        {"weight": [2.0, 1.0, 0.5]},
    ),
    (
        "bce-with-logits",
        dict(pred=logits(3, 4), target=binary(3, 4)),
        {"pos_weight": [1.0, 2.0, 3.0, 0.5], "weight": [[1.0], [0.5], [2.0]]},
    ),
    ("focal", dict(pred=logits(4, 3), target=binary(4, 3)), {}),
    (
        "focal",
        dict(pred=logits(6), target=TORCH_RNG.uniform(0, 1, 6)),
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

TORCH_FUNCTIONAL = {
    "cross-entropy": lambda t, p, r: F.cross_entropy(
        t["pred"], t["target"], reduction=r, **tensor_params(p)
    ),
    "nll": lambda t, p, r: F.nll_loss(t["pred"], t["target"], reduction=r, **tensor_params(p)),
    "bce": lambda t, p, r: F.binary_cross_entropy(
        t["pred"], t["target"], reduction=r, **tensor_params(p)
    ),
    "bce-with-logits": lambda t, p, r: F.binary_cross_entropy_with_logits(
        t["pred"], t["target"], reduction=r, **tensor_params(p)
    ),
}


class TestTorchParity(TorchParity):
    CASES = TORCH_CASES
    REFERENCES = TORCH_REFERENCES
    FUNCTIONAL = TORCH_FUNCTIONAL
    INDEX_TARGETS = tuple(TORCH_REFERENCES)

    def gradcheck_case(self, name, inputs, params):
        if name == "bce":  # away from the clamped logarithms at 0 and 1, in both inputs
            return dict(pred=probs(3, 4), target=probs(3, 4)), {}
        return inputs, params


def test_grad_option_returns_autograd_gradient_of_the_mean():
    # d mean(CE)/d logits = (softmax - onehot) / N, written out by hand.
    x = np.array([[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]])
    y = np.array([0, 1, 2])
    result = losscli.compute("cross-entropy", pred=x, target=y, dtype="float64", grad=True)
    softmax = np.exp(log_softmax(x, 1))
    expected = (softmax - np.eye(3)[y]) / 3
    np.testing.assert_allclose(result.grads["pred"], expected, rtol=1e-12)
    assert set(result.grads) == {"pred"}  # integer targets get no gradient


# The seed documents' worked examples (values from the prose, corrected where it slips).
SEEDS = [
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
    x, t = logits(8), binary(8)
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
