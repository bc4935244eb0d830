"""Hinge-type losses against independent float64 formulas: PyTorch's (multi-margin,
multilabel-margin, soft-margin, multilabel-soft-margin, margin-ranking) in TestTorchParity,
and those of Keras and optax.

squared-hinge and categorical-hinge follow keras/src/losses/losses.py (Keras 3.15.1);
perceptron follows optax/losses/_classification.py (optax 0.2.8). Each loss
has a plain-loop reference written from the paper or the library's documentation, the
library's own published test values (file and test named beside them), gradients
(gradcheck in float64, and the subgradient autograd picks at the kinks) and both
backends. The libraries themselves are a last check, skipped when not installed.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch.nn.functional as F
from family_helpers import (
    PyTorchCommands,
    TorchParity,
    assert_one_line_error,
    both_backends,
    compute,
    gradcheck,
    tensor_params,
)

import losscli

os.environ.setdefault("KERAS_BACKEND", "numpy")  # Keras 3 without TensorFlow, jax or torch

RNG = np.random.default_rng(15)

# The data of keras/src/losses/losses_test.py (v3.15.1) SquaredHingeTest / CategoricalHingeTest.
KERAS_T = np.array([[0.0, 1.0], [0.0, 0.0]])
KERAS_P = np.array([[0.6, 0.4], [0.4, 0.6]])


# --- squared-hinge ------------------------------------------------------------------------


def ref_squared_hinge(pred, target):
    """Σ_c max(0, 1 − y_c·x_c)² / C per row; an all-0/1 target is read as 2t − 1."""
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    binary = all(t in (0.0, 1.0) for t in target.flat)
    terms = []
    for x_row, t_row in zip(pred.reshape(-1, pred.shape[-1]), target.reshape(-1, pred.shape[-1])):
        total = 0.0
        for x, t in zip(x_row, t_row):
            y = 2 * t - 1 if binary else t
            total += max(0.0, 1 - y * x) ** 2
        terms.append(total / len(x_row))
    return np.array(terms).reshape(pred.shape[:-1])


SQUARED_HINGE_CASES = [
    (RNG.normal(0, 1.5, (6, 4)), RNG.choice([-1.0, 1.0], (6, 4))),
    (RNG.normal(0, 1.5, (6, 4)), RNG.integers(0, 2, (6, 4)).astype(float)),
    (RNG.normal(0, 1.5, (2, 3, 5)), RNG.choice([-1.0, 1.0], (2, 3, 5))),
    (RNG.normal(0, 1.5, 5), RNG.choice([-1.0, 1.0], 5)),
]


@pytest.mark.parametrize("case", range(len(SQUARED_HINGE_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_squared_hinge_matches_the_formula(case, reduction):
    pred, target = SQUARED_HINGE_CASES[case]
    terms = ref_squared_hinge(pred, target)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("squared-hinge", expected, pred=pred, target=target, reduction=reduction)


def test_squared_hinge_keras_published_values():
    # keras/src/losses/losses_test.py @ v3.15.1, SquaredHingeTest.test_unweighted: the 0/1
    # target becomes [[-1, 1], [-1, -1]]; row 0: (1.6² + 0.6²)/2 = 1.46, row 1:
    # (1.4² + 1.6²)/2 = 2.26; sum_over_batch_size 1.86, sum 3.72.
    kw = dict(pred=KERAS_P, target=KERAS_T)
    both_backends("squared-hinge", [1.46, 2.26], reduction="none", **kw)
    both_backends("squared-hinge", 1.86, reduction="mean", **kw)
    both_backends("squared-hinge", 3.72, reduction="sum", **kw)


def test_squared_hinge_reads_0_1_only_when_every_label_is():
    # One -1 in the target: the 0 stays 0 (Keras converts the whole tensor or nothing).
    got = compute("squared-hinge", pred=[[0.5, 0.5]], target=[[0.0, -1.0]], reduction="none")
    np.testing.assert_allclose(got.terms, [(1.0 + 1.5**2) / 2])


@pytest.mark.parametrize("case", range(len(SQUARED_HINGE_CASES)))
def test_squared_hinge_gradients(case):
    pred, target = SQUARED_HINGE_CASES[case]
    gradcheck("squared-hinge", dict(pred=pred, target=target))


def test_squared_hinge_gradient_is_continuous_at_the_margin():
    # y·x = 1 exactly: both one-sided derivatives are 0, and autograd gives 0.
    got = compute("squared-hinge", pred=[[1.0, 0.0]], target=[[1.0, 1.0]], grad=True)
    np.testing.assert_allclose(got.grads["pred"], [[0.0, -1.0]])  # −2·1·(1 − 0)/2 = −1


def test_squared_hinge_matches_keras():
    keras = pytest.importorskip("keras", reason="Keras is not installed (optional cross-check)")
    for pred, target in SQUARED_HINGE_CASES[:3]:
        expected = np.asarray(keras.losses.squared_hinge(target, pred))
        got = compute("squared-hinge", pred=pred, target=target, reduction="none").terms
        np.testing.assert_allclose(got, expected, rtol=1e-6)


# --- categorical-hinge ---------------------------------------------------------------------


def ref_categorical_hinge(pred, target):
    """Keras' docstring: pos = sum(y·x), neg = max((1 − y)·x), max(neg − pos + 1, 0)."""
    terms = []
    for x_row, y_row in zip(np.asarray(pred, float), np.asarray(target, float)):
        pos = sum(y * x for x, y in zip(x_row, y_row))
        neg = max((1 - y) * x for x, y in zip(x_row, y_row))
        terms.append(max(neg - pos + 1, 0.0))
    return np.array(terms)


def one_hot(labels, classes):
    return np.eye(classes)[labels]


CATEGORICAL_CASES = [
    (RNG.normal(0, 1.5, (8, 4)), one_hot(RNG.integers(0, 4, 8), 4)),
    (RNG.normal(0, 0.3, (8, 3)), one_hot(RNG.integers(0, 3, 8), 3)),
    (-np.abs(RNG.normal(0, 1.0, (4, 3))), one_hot([0, 1, 2, 0], 3)),  # all wrong scores < 0
]


@pytest.mark.parametrize("case", range(len(CATEGORICAL_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_categorical_hinge_matches_the_formula(case, reduction):
    pred, target = CATEGORICAL_CASES[case]
    terms = ref_categorical_hinge(pred, target)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("categorical-hinge", expected, pred=pred, target=target, reduction=reduction)


def test_categorical_hinge_keras_published_values():
    # keras/src/losses/losses_test.py @ v3.15.1, CategoricalHingeTest.test_unweighted:
    # row 0: pos = 0.4, neg = 0.6 -> 1.2; row 1 (all-zero y): pos = 0, neg = 0.6 -> 1.6;
    # sum_over_batch_size 1.4, sum 2.8.
    kw = dict(pred=KERAS_P, target=KERAS_T)
    both_backends("categorical-hinge", [1.2, 1.6], reduction="none", **kw)
    both_backends("categorical-hinge", 1.4, reduction="mean", **kw)
    both_backends("categorical-hinge", 2.8, reduction="sum", **kw)


def test_categorical_hinge_counts_negative_wrong_scores_as_zero():
    # x = [-2, -1, 0.5], y = class 2: neg = max(-2, -1, 0·0.5) = 0, so ℓ = 1 − 0.5 = 0.5,
    # whereas Crammer-Singer (losscli hinge) would give max(0, 1 − (0.5 − (−1))) = 0.
    got = compute("categorical-hinge", pred=[[-2.0, -1.0, 0.5]], target=[[0.0, 0.0, 1.0]])
    assert got.value == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize("case", range(2))
def test_categorical_hinge_gradients(case):
    pred, target = CATEGORICAL_CASES[case]  # random scores: no ties, no term exactly at 0
    gradcheck("categorical-hinge", dict(pred=pred, target=target))


def test_categorical_hinge_subgradients_at_ties_and_at_the_kink():
    # Tied wrong scores 0.5 and 0.5, true score 0.5: neg − pos + 1 = 1 > 0, and the
    # gradient of neg is split evenly: ∂ℓ/∂x = [0.5, 0.5, −1].
    tie = compute("categorical-hinge", pred=[[0.5, 0.5, 0.5]], target=[[0, 0, 1]], grad=True)
    np.testing.assert_allclose(tie.grads["pred"], [[0.5, 0.5, -1.0]])
    # At the kink neg − pos + 1 = 0 (x = [0.5, 1.5], neg = max(0.5, 0·1.5) = 0.5 with no
    # tie): the slope 1 side is taken, ∂ℓ/∂x = [1, −1].
    kink = compute("categorical-hinge", pred=[[0.5, 1.5]], target=[[0, 1]], grad=True)
    assert kink.value == 0.0
    np.testing.assert_allclose(kink.grads["pred"], [[1.0, -1.0]])


def test_categorical_hinge_matches_keras():
    keras = pytest.importorskip("keras", reason="Keras is not installed (optional cross-check)")
    for pred, target in CATEGORICAL_CASES:
        expected = np.asarray(keras.losses.categorical_hinge(target, pred))
        got = compute("categorical-hinge", pred=pred, target=target, reduction="none").terms
        np.testing.assert_allclose(got, expected, rtol=1e-6)


# --- perceptron ----------------------------------------------------------------------------


def ref_perceptron(pred, target):
    """max_c x_c − x_y per row (Rosenblatt's perceptron loss, multi-class)."""
    pred = np.asarray(pred, float)
    rows, labels = pred.reshape(-1, pred.shape[-1]), np.asarray(target).reshape(-1)
    return np.array([max(x) - x[y] for x, y in zip(rows, labels)]).reshape(pred.shape[:-1])


PERCEPTRON_CASES = [
    (RNG.normal(0, 1.5, (8, 4)), RNG.integers(0, 4, 8)),
    (RNG.normal(0, 1.5, (2, 3, 5)), RNG.integers(0, 5, (2, 3))),
    (RNG.normal(0, 1.5, 3), np.array(2)),
]


@pytest.mark.parametrize("case", range(len(PERCEPTRON_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_perceptron_matches_the_formula(case, reduction):
    pred, target = PERCEPTRON_CASES[case]
    terms = ref_perceptron(pred, target)
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    both_backends("perceptron", expected, pred=pred, target=target, reduction=reduction)


def test_perceptron_optax_published_values():
    # optax/losses/_classification_test.py @ v0.2.8, PerceptronTest.test_batched_multi_class:
    # scores [[10, 3], [11, -2]], labels [1, 0] -> [10 − 3, 11 − 11] = [7, 0];
    # test_multi_class: [10, 3] with label 1 -> 7.
    both_backends("perceptron", [7.0, 0.0], reduction="none", pred=[[10.0, 3.0], [11.0, -2.0]],
                  target=[1, 0])
    both_backends("perceptron", 7.0, pred=[10.0, 3.0], target=1)


def test_perceptron_on_scores_0_z_is_optax_binary_perceptron():
    # PerceptronTest.test_batched_binary: perceptron_loss([10, 20], [1, -1]) = max(0, −t·z)
    # = [0, 20]; on scores [0, z] with class 1 for t = 1 and 0 for t = −1 this loss gives
    # max(0, z) − z = max(0, −z) and max(0, z) − 0: the same numbers.
    z, t = np.array([10.0, 20.0]), np.array([1, -1])
    scores = np.stack([np.zeros_like(z), z], axis=1)
    both_backends("perceptron", [0.0, 20.0], reduction="none", pred=scores,
                  target=(t > 0).astype(np.int64))


@pytest.mark.parametrize("case", range(len(PERCEPTRON_CASES)))
def test_perceptron_gradients(case):
    pred, target = PERCEPTRON_CASES[case]  # random scores: no ties
    gradcheck("perceptron", dict(pred=pred, target=target))


def test_perceptron_subgradient_splits_ties_evenly():
    # x = [1, 1, 0], y = 0: ℓ = 0 but the max is tied between classes 0 and 1, so
    # ∂ℓ/∂x = [½, ½, 0] − [1, 0, 0] = [−½, ½, 0] (jax.numpy.max splits the same way).
    got = compute("perceptron", pred=[1.0, 1.0, 0.0], target=0, grad=True)
    assert got.value == 0.0
    np.testing.assert_allclose(got.grads["pred"], [-0.5, 0.5, 0.0])


def test_perceptron_matches_optax():
    optax = pytest.importorskip("optax", reason="optax is not installed (optional cross-check)")
    jnp = pytest.importorskip("jax.numpy")
    import jax

    jax.config.update("jax_enable_x64", True)
    for pred, target in PERCEPTRON_CASES:
        expected = np.asarray(optax.losses.multiclass_perceptron_loss(pred, target))
        got = compute("perceptron", pred=pred, target=target, reduction="none").terms
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    tie = jax.grad(lambda s: optax.losses.multiclass_perceptron_loss(s, 0))(
        jnp.array([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(np.asarray(tie), [-0.5, 0.5, 0.0])


# --- input errors through the CLI -----------------------------------------------------------

BAD = [
    (("squared-hinge", "-p", "1.5", "-t", "1"), "--pred", "classes on the last dimension"),
    (("squared-hinge", "-p", "[[1, 2]]", "-t", "[[1, -1, 1]]"), "--target",
     "does not match --pred shape"),
    (("categorical-hinge", "-p", "[[1, 2]]", "-t", "[1]"), "--target",
     "does not match --pred shape"),
    (("categorical-hinge", "-p", "[[]]", "-t", "[[]]"), "--pred", "C >= 1"),
    (("perceptron", "-p", "[[1, 2]]", "-t", "[[1]]"), "--target", "class indices of shape (1)"),
    (("perceptron", "-p", "[[1, 2]]", "-t", "[2]"), "--target", "out of range for 2 classes"),
    (("perceptron", "-p", "[[1, 2]]", "-t", "[0.5]"), "--target", "integers"),
]


@pytest.mark.parametrize("args,argument,fragment", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_exits_2_with_one_line(cli, args, argument, fragment):
    assert_one_line_error(cli(*args), argument, fragment)


def test_squared_hinge_warns_on_labels_that_are_not_signs(cli):
    out = cli("squared-hinge", "-p", "[0.5, 1]", "-t", "[2, -1]", "--strict")
    assert out.code == 2 and "expects labels 1 or -1" in out.stderr


def test_categorical_hinge_warns_on_targets_that_are_not_one_hot(cli):
    out = cli("categorical-hinge", "-p", "[[0.5, 1]]", "-t", "[[0, 0]]", "--strict")
    assert out.code == 2 and "expects one-hot rows" in out.stderr


# --- PyTorch's margin losses: every reduction, torch.nn.functional, gradcheck ----------------
# multi-margin, multilabel-margin, soft-margin, multilabel-soft-margin and margin-ranking.
# Each reference is written from the formula on the loss's PyTorch documentation page (not
# by calling torch); torch.nn.functional with the same reduction is a second check.

TORCH_RNG = np.random.default_rng(3)


def ref_multi_margin(pred, target, p=1, margin=1.0, weight=None):
    scores = np.atleast_2d(pred)
    labels = np.atleast_1d(target)
    classes = scores.shape[1]
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=float)
    terms = []
    for x, y in zip(scores, labels):
        total = sum(w[y] * max(0.0, margin - x[y] + x[c]) ** p for c in range(classes) if c != y)
        terms.append(total / classes)
    return np.array(terms).reshape(np.shape(target))


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
    return np.array(terms).reshape(pred.shape[:-1])


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def ref_soft_margin(pred, target):
    return np.logaddexp(0.0, -target * pred)


def ref_multilabel_soft_margin(pred, target, weight=None):
    w = 1.0 if weight is None else np.asarray(weight)
    per_class = -w * (target * log_sigmoid(pred) + (1 - target) * log_sigmoid(-pred))
    return per_class.sum(axis=-1) / pred.shape[-1]


def ref_margin_ranking(input1, input2, target, margin=0.0):
    return np.maximum(0.0, -target * (input1 - input2) + margin)


TORCH_REFERENCES = {
    "multi-margin": ref_multi_margin,
    "multilabel-margin": ref_multilabel_margin,
    "soft-margin": ref_soft_margin,
    "multilabel-soft-margin": ref_multilabel_soft_margin,
    "margin-ranking": ref_margin_ranking,
}
#: Losses whose integer targets are class indices (the others' are ±1 or 0/1 labels).
INDEX_TARGETS = ("multi-margin", "multilabel-margin")


def normal(*shape, scale=1.5):
    return TORCH_RNG.normal(0, scale, size=shape)


def signs(*shape):
    return TORCH_RNG.choice([-1, 1], size=shape)


def labels(high, *shape):
    return TORCH_RNG.integers(0, high, size=shape)


TORCH_CASES = [
    ("multi-margin", dict(pred=normal(4, 5), target=labels(5, 4)), {}),
    (
        "multi-margin",
        dict(pred=normal(4, 3), target=labels(3, 4)),
        {"p": 2, "margin": 0.5, "weight": [1.0, 2.0, 0.5]},
    ),
    (
        "multilabel-margin",
        dict(pred=normal(3, 4), target=np.array([[3, 0, -1, 1], [1, -1, 0, 0], [0, 1, 2, 3]])),
        {},
    ),
    ("soft-margin", dict(pred=normal(4, 3), target=signs(4, 3)), {}),
    ("soft-margin", dict(pred=normal(6), target=signs(6)), {}),
    ("multilabel-soft-margin", dict(pred=normal(4, 5), target=labels(2, 4, 5)), {}),
    (
        "multilabel-soft-margin",
        dict(pred=normal(3, 4), target=TORCH_RNG.uniform(0, 1, (3, 4))),
        {"weight": [0.5, 1.0, 2.0, 1.5]},
    ),
    ("multilabel-soft-margin", dict(pred=normal(5), target=labels(2, 5)), {}),
    ("margin-ranking", dict(input1=normal(6), input2=normal(6), target=signs(6)), {}),
    (
        "margin-ranking",
        dict(input1=normal(6), input2=normal(6), target=signs(6)),
        {"margin": 0.7},
    ),
]

TORCH_FUNCTIONAL = {
    "multi-margin": lambda t, p, r: F.multi_margin_loss(
        t["pred"], t["target"], reduction=r, **tensor_params(p)
    ),
    "multilabel-margin": lambda t, p, r: F.multilabel_margin_loss(
        t["pred"], t["target"], reduction=r
    ),
    "soft-margin": lambda t, p, r: F.soft_margin_loss(t["pred"], t["target"], reduction=r),
    "multilabel-soft-margin": lambda t, p, r: F.multilabel_soft_margin_loss(
        t["pred"], t["target"], reduction=r, **tensor_params(p)
    ),
    "margin-ranking": lambda t, p, r: F.margin_ranking_loss(
        t["input1"], t["input2"], t["target"], reduction=r, **p
    ),
}


class TestTorchParity(TorchParity):
    CASES = TORCH_CASES
    REFERENCES = TORCH_REFERENCES
    FUNCTIONAL = TORCH_FUNCTIONAL
    INDEX_TARGETS = ("multi-margin", "multilabel-margin")

    def fixed(self, name, inputs, params):
        """The ±1 labels."""
        return ("target",) if name in ("soft-margin", "margin-ranking") else ()


def test_soft_margin_grad_option_is_the_derivative_of_the_value():
    # d/dx mean(log(1 + exp(−y·x))) = −y·σ(−y·x) / n, by hand.
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1, 1, -1])
    result = losscli.compute("soft-margin", pred=x, target=y, dtype="float64", grad=True)
    expected = -y / (1 + np.exp(y * x)) / 3
    np.testing.assert_allclose(result.grads["pred"], expected, rtol=1e-12)


# The seed documents' worked examples (values from the prose).
SEEDS = [
    ("multi-margin", dict(pred=[[0.1, 0.2, 0.4, 0.8]], target=[3]), 0.325),
    ("multilabel-margin", dict(pred=[[0.1, 0.2, 0.4, 0.8]], target=[[3, -1, 0, 0]]), 0.325),
    ("multilabel-margin", dict(pred=[[0.1, 0.2, 0.4, 0.8]], target=[[3, 0, -1, 1]]), 0.85),
]


@pytest.mark.parametrize("name,inputs,expected", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_examples(name, inputs, expected):
    assert losscli.compute(name, dtype="float64", **inputs).value == pytest.approx(
        expected, rel=1e-6
    )


def test_margin_ranking_hand_worked_value():
    # margin 0.1: max(0, −0.4 + 0.1) = 0, max(0, 0.3 + 0.1), max(0, 0 + 0.1).
    value = losscli.compute(
        "margin-ranking", input1=[0.8, 0.3, 0.5], input2=[0.4, 0.6, 0.5], target=[1, 1, -1],
        margin=0.1, reduction="sum", dtype="float64",
    ).value
    assert value == pytest.approx(0.5, rel=1e-12)


def test_multilabel_soft_margin_is_bce_with_logits_averaged_over_classes():
    x, t = normal(4, 3), labels(2, 4, 3)
    soft = losscli.compute("multilabel-soft-margin", pred=x, target=t, dtype="float64")
    bce = losscli.compute("bce-with-logits", pred=x, target=t.astype(float), dtype="float64")
    assert soft.value == pytest.approx(bce.value, rel=1e-12)


WARNINGS = [
    (("soft-margin", "--pred", "[0.2, -0.4]", "--target", "[0, 1]"), "--target"),
    (("margin-ranking", "--input1", "[1.0]", "--input2", "[0.5]", "--target", "[0]"),
     "--target"),
]


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
]


class TestPyTorchCommands(PyTorchCommands):
    ERRORS = ERRORS
    WARNINGS = WARNINGS
    LOSSES = ("soft-margin", "multilabel-soft-margin", "margin-ranking")
