"""zero-one, hinge and log-loss against independent float64 formulas (scikit-learn semantics).

The references are plain loops over the samples, written from scikit-learn's
documentation of zero_one_loss, hinge_loss (Crammer-Singer for several classes)
and log_loss (>= 1.5: clip to [eps, 1 − eps], eps the dtype's machine epsilon).
scikit-learn itself is a second check, skipped when it is not installed.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from family_helpers import assert_one_line_error

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(5)
EPS64 = np.finfo(np.float64).eps


def ref_zero_one(pred, target, sample_weight=None):
    pred, target = np.asarray(pred), np.asarray(target)
    predicted = pred if pred.ndim == 1 else [int(np.argmax(row)) for row in pred]
    return np.array([float(p != y) for p, y in zip(predicted, target)])


def ref_hinge(pred, target, sample_weight=None):
    pred, target = np.asarray(pred, float), np.asarray(target)
    terms = []
    for x, y in zip(pred, target):
        if pred.ndim == 1:
            sign = 1.0 if y > 0 else -1.0  # 0/1 labels: 0 is the negative class
            margin = sign * x
        else:
            margin = x[y] - max(x[c] for c in range(len(x)) if c != y)
        terms.append(max(0.0, 1 - margin))
    return np.array(terms)


def ref_log_loss(pred, target, sample_weight=None, eps=EPS64):
    pred, target = np.asarray(pred, float), np.asarray(target)
    terms = []
    for i, row in enumerate(pred):
        probs = [1 - row, row] if pred.ndim == 1 else list(row)
        indicator = pred.ndim == 2 and target.shape == pred.shape
        onehot = target[i] if indicator else [float(c == target[i]) for c in range(len(probs))]
        terms.append(-sum(y * math.log(min(max(p, eps), 1 - eps)) for y, p in zip(onehot, probs)))
    return np.array(terms)


REFERENCES = {"zero-one": ref_zero_one, "hinge": ref_hinge, "log-loss": ref_log_loss}


def probs(n, c):
    x = RNG.uniform(0.05, 1, size=(n, c))
    return x / x.sum(axis=1, keepdims=True)


SCORES = RNG.normal(0, 1.5, size=(8, 4))
LABELS = RNG.integers(0, 4, size=8)
WEIGHTS = RNG.uniform(0.1, 3, size=8)
CASES = [
    ("zero-one", dict(pred=SCORES, target=LABELS), {}),
    ("zero-one", dict(pred=SCORES, target=LABELS), {"sample_weight": WEIGHTS}),
    ("zero-one", dict(pred=np.array([3, 1, 4, 1, 5]), target=np.array([3, 1, 5, 9, 5])), {}),
    ("hinge", dict(pred=RNG.normal(0, 1.5, 8), target=RNG.choice([-1, 1], 8)), {}),
    ("hinge", dict(pred=RNG.normal(0, 1.5, 8), target=RNG.integers(0, 2, 8)),
     {"sample_weight": WEIGHTS}),
    ("hinge", dict(pred=SCORES, target=LABELS), {}),
    ("hinge", dict(pred=SCORES, target=LABELS), {"sample_weight": WEIGHTS}),
    ("log-loss", dict(pred=RNG.uniform(0.02, 0.98, 8), target=RNG.integers(0, 2, 8)), {}),
    ("log-loss", dict(pred=probs(8, 4), target=LABELS), {}),
    ("log-loss", dict(pred=probs(8, 4), target=np.eye(4)[LABELS]), {"sample_weight": WEIGHTS}),
    # probabilities 0 and 1 are clipped: log(eps) instead of log(0)
    ("log-loss", dict(pred=np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.2, 0.3, 0.5]]),
                      target=np.array([1, 1, 2])), {}),
    ("log-loss", dict(pred=np.array([0.0, 1.0, 1.0, 0.5]), target=np.array([1, 1, 0, 0])), {}),
]


def _id(case):
    name, inputs, params = case
    return f"{name}-{np.asarray(inputs['pred']).ndim}d" + ("-weighted" if params else "")


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_value_matches_independent_formula(case, reduction):
    name, inputs, params = case
    terms = REFERENCES[name](**inputs)
    weights = params.get("sample_weight", np.ones(len(terms)))
    expected = {
        "mean": (weights * terms).sum() / weights.sum(),
        "sum": (weights * terms).sum(),
        "none": weights * terms,
    }[reduction]
    result = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
    np.testing.assert_allclose(result.value, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.terms, weights * terms, rtol=1e-12, atol=1e-14)


def test_log_loss_clips_with_the_compute_dtype_epsilon():
    # The true class has probability 0: the term is −log(eps), eps of the compute dtype.
    args = dict(pred=[[1.0, 0.0]], target=[1])
    assert losscli.compute("log-loss", dtype="float64", **args).value == pytest.approx(
        -math.log(EPS64), rel=1e-12
    )
    eps32 = float(np.finfo(np.float32).eps)
    assert losscli.compute("log-loss", dtype="float32", **args).value == pytest.approx(
        -math.log(eps32), rel=1e-6
    )


# --- hand-derived values (scikit-learn's documentation examples) ---------------------------


def test_documented_examples():
    # hinge_loss([-1, 1, 1], [-2.18, 2.36, 0.09]): terms 0, 0 and 1 − 0.09 -> 0.91 / 3.
    hinge = losscli.compute("hinge", pred=[-2.18, 2.36, 0.09], target=[-1, 1, 1], dtype="float64")
    assert hinge.value == pytest.approx(0.91 / 3, rel=1e-12)
    # log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]):
    # classes sorted (ham = 0, spam = 1): −(ln .9 + ln .9 + ln .8 + ln .65)/4 = 0.21616...
    log = losscli.compute("log-loss", pred=[[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]],
                          target=[1, 0, 0, 1], dtype="float64")
    expected = -(2 * math.log(0.9) + math.log(0.8) + math.log(0.65)) / 4
    assert log.value == pytest.approx(expected, rel=1e-12) and round(log.value, 5) == 0.21616


def test_zero_one_sum_counts_the_mistakes():
    # The seed document: the zero-one loss counts misclassified samples. Rows 1 and 3 are
    # wrong (arg-max 1 ≠ 2, arg-max 0 ≠ 1).
    pred = [[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6], [0.9, 0.3, 0.3]]
    result = losscli.compute("zero-one", pred=pred, target=[0, 2, 2, 1], reduction="sum")
    assert result.value == 2
    np.testing.assert_array_equal(result.details["predicted"], [0, 1, 2, 0])


def test_crammer_singer_margin_by_hand():
    # x = [1.2, 0.3, −0.5], y = 0: margin 1.2 − 0.3 = 0.9 -> 0.1; y = 2: −0.5 − 1.2 -> 2.7.
    result = losscli.compute("hinge", pred=[[1.2, 0.3, -0.5], [1.2, 0.3, -0.5]], target=[0, 2],
                             reduction="none", dtype="float64")
    np.testing.assert_allclose(result.terms, [0.1, 2.7], rtol=1e-12)
    np.testing.assert_allclose(result.details["margin"], [0.9, -1.7], rtol=1e-12)


def test_binary_hinge_reads_0_1_labels_as_minus_one_plus_one():
    x = [0.3, -0.2, 1.5]
    a = losscli.compute("hinge", pred=x, target=[0, 1, 1], reduction="none")
    b = losscli.compute("hinge", pred=x, target=[-1, 1, 1], reduction="none")
    np.testing.assert_array_equal(a.terms, b.terms)


# --- gradients -------------------------------------------------------------------------------


# Differentiable cases away from the clipping of probabilities 0 and 1.
GRAD_CASES = [
    c for c in CASES
    if c[0] == "hinge" or c[0] == "log-loss" and 0 < c[1]["pred"].min() <= c[1]["pred"].max() < 1
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[_id(c) for c in GRAD_CASES])
def test_gradients_pass_gradcheck(case):
    name, inputs, params = case
    impl = registry().resolve(name).load()
    weight = params.get("sample_weight")
    weight = None if weight is None else torch.tensor(weight)
    target = torch.as_tensor(inputs["target"])
    pred = torch.tensor(inputs["pred"], dtype=torch.float64, requires_grad=True)

    def f(x):
        return impl(pred=x, target=target, sample_weight=weight).values

    assert torch.autograd.gradcheck(f, (pred,), eps=1e-7, atol=1e-6)


def test_zero_one_grad_is_a_note_not_zeros(cli):
    result = losscli.compute("zero-one", pred=SCORES, target=LABELS, grad=True)
    assert result.grads == {}
    assert result.notes == ["zero-one is not differentiable: no gradients are computed"]
    out = cli("zero-one", "-p", "[[0.2, 0.8]]", "-t", "[1]", "--grad", "--json")
    data = json.loads(out.stdout)
    assert "grad" not in data and any("not differentiable" in n for n in data["notes"])
    table = cli("zero-one", "-p", "[[0.2, 0.8]]", "-t", "[1]", "--grad")
    assert "not differentiable" in table.stdout and "∂/∂pred" not in table.stdout


def test_hinge_gradient_by_hand():
    # Binary: d/dx max(0, 1 − y·x) = −y where the margin is below 1, else 0; mean over 3.
    result = losscli.compute("hinge", pred=[0.5, -0.2, 2.0], target=[1, -1, 1], grad=True,
                             dtype="float64")
    np.testing.assert_allclose(result.grads["pred"], [-1 / 3, 1 / 3, 0.0])


# --- scikit-learn, a second check where it is installed ---------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_scikit_learn(case):
    metrics = pytest.importorskip("sklearn.metrics",
                                  reason="scikit-learn is not installed (optional cross-check)")
    name, inputs, params = case
    pred, target = np.asarray(inputs["pred"]), np.asarray(inputs["target"])
    weight = params.get("sample_weight")
    if name == "zero-one":
        predicted = pred if pred.ndim == 1 else pred.argmax(axis=1)
        expected = metrics.zero_one_loss(target, predicted, sample_weight=weight)
    elif name == "hinge":
        labels = None if pred.ndim == 1 else np.arange(pred.shape[1])
        expected = metrics.hinge_loss(target, pred, labels=labels, sample_weight=weight)
    else:
        labels = [0, 1] if pred.ndim == 1 else np.arange(pred.shape[1])
        if target.ndim == 2:
            target = target.argmax(axis=1)  # the same labels, as an indicator matrix
        expected = metrics.log_loss(target, pred, labels=labels, sample_weight=weight)
    got = losscli.compute(name, dtype="float64", **inputs, **params).value
    assert got == pytest.approx(expected, rel=1e-12)


# --- input errors and warnings through the CLI -----------------------------------------------

BAD = [
    (("zero-one", "-p", "[[[1, 2]]]", "-t", "[0]"), "--pred", "got shape (1, 1, 2)"),
    (("zero-one", "-p", "[[1, 2], [3, 4]]", "-t", "[0]"), "--target",
     "one label per sample, shape (2)"),
    (("zero-one", "-p", "[[1, 2], [3, 4]]", "-t", "[0, 2]"), "--target",
     "class index 2 is out of range for 2 classes"),
    (("zero-one", "-p", "[0.5, 1]", "-t", "[0, 1]"), "--pred", "must be integers"),
    (("zero-one", "-p", "[1, 0]", "-t", "[0.0, 1.0]"), "--target", "integers"),
    (("zero-one", "-p", "[1, 0]", "-t", "[0, 1]", "--sample-weight", "[1, 2, 3]"),
     "--sample-weight", "shape (2)"),
    (("hinge", "-p", "[0.5, 1]", "-t", "[0, 1]", "--sample-weight", "[1, -2]"),
     "--sample-weight", ">= 0"),
    (("hinge", "-p", "[0.5, 1, 2]", "-t", "[0, 1, 2]"), "--target",
     "must be two values (-1/1, 0/1, or any two"),
    (("hinge", "-p", "[0.5, 1, 2]", "-t", "[-1, 0, 1]"), "--target", "got values -1, 0, 1"),
    (("zero-one", "-p", "[[0.2, 1]]", "-t", "[[0, 1]]"), "--pred", "value 0.2 is not 0 or 1"),
    (("zero-one", "-p", "[[0, 1]]", "-t", "[[0, 2]]"), "--target", "value 2 is not 0 or 1"),
    (("hinge", "-p", "[[0.5], [1]]", "-t", "[0, 0]"), "--pred", "C >= 2"),
    (("hinge", "-p", "[[0.5, 1]]", "-t", "[3]"), "--target", "out of range"),
    (("log-loss", "-p", "[1.5, 0.2]", "-t", "[1, 0]"), "--pred", "outside the domain"),
    (("log-loss", "-p", "[0.5, 0.2]", "-t", "[2, 0]"), "--target", "value 2 is not 0 or 1"),
    (("log-loss", "-p", "[[0.5], [0.2]]", "-t", "[1, 0]"), "--pred", "C >= 2"),
    (("log-loss", "-p", "[[0.5, 0.5]]", "-t", "[[0.5, 0.5]]"), "--target", "indicator matrix"),
    (("log-loss", "-p", "[[0.5, 0.5]]", "-t", "[[0, 1, 0]]"), "--target",
     "one label per sample"),
]


@pytest.mark.parametrize("args,argument,fragment", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_exits_2_with_one_line(cli, args, argument, fragment):
    assert_one_line_error(cli(*args), argument, fragment)


def test_log_loss_warns_on_rows_that_do_not_sum_to_one(cli):
    out = cli("log-loss", "-p", "[[0.5, 0.6], [0.3, 0.7]]", "-t", "[1, 1]", "--json")
    assert out.code == 0
    warnings = json.loads(out.stdout)["warnings"]
    assert any(w.startswith("--pred: rows do not sum to 1 (one sums to 1.1)") for w in warnings)
    assert cli("log-loss", "-p", "[[0.5, 0.6]]", "-t", "[1]", "--strict").code == 2


def test_weighted_mean_is_shown(cli):
    out = cli("log-loss", "-p", "[0.9, 0.2]", "-t", "[1, 0]", "--sample-weight", "[2, 1]")
    assert out.code == 0
    assert "weighted mean: Σ wᵢ·ℓᵢ / Σ wᵢ" in out.stdout and "weight" in out.stdout


# --- scikit-learn's own test values (tests shipped in the installed scikit-learn 1.9.1 wheel,
# sklearn/metrics/tests/test_classification.py; asserted there with ==) -------------------------

@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("labels", [[-1, 1, 1, -1], [0, 2, 2, 0]])
def test_sklearn_hinge_loss_binary_with_any_two_labels(backend, labels):
    # test_hinge_loss_binary[-1,1] and [0,2]: the larger label is +1, as LabelBinarizer.
    pred = [-8.5, 0.5, 1.5, -0.3]
    got = losscli.compute("hinge", pred=pred, target=labels, backend=backend, dtype="float64")
    assert float(got.value) == pytest.approx(0.3, abs=1e-15)
    # Independent formula: y ∈ {−1, +1} by rank, mean of max(0, 1 − y·x).
    sign = [1.0 if y == max(labels) else -1.0 for y in labels]
    assert float(got.value) == pytest.approx(
        np.mean([max(0.0, 1 - s * x) for s, x in zip(sign, pred)]), abs=1e-15)
    # scikit-learn 1.9.1 (installed-only value): sample_weight [1, 2, 3, 4] gives 0.38.
    weighted = losscli.compute("hinge", pred=pred, target=[0, 2, 2, 0], backend=backend,
                               dtype="float64", sample_weight=[1.0, 2, 3, 4])
    assert float(weighted.value) == pytest.approx(0.38, abs=1e-15)


def test_hinge_two_labels_against_installed_sklearn():
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed")
    for labels in ([3, 7, 7, 3, 7], [-1, 0, 0, -1, -1], [5, 2, 2, 5, 2]):
        pred = RNG.normal(size=5)
        want = metrics.hinge_loss(labels, pred)
        got = losscli.compute("hinge", pred=pred, target=labels, dtype="float64")
        assert float(got.value) == pytest.approx(want, rel=1e-12)


MULTILABEL = np.array([[0, 1, 1], [1, 0, 1]])
MULTILABEL_2 = np.array([[0, 0, 1], [1, 0, 1]])


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize(("truth", "predicted", "expected"), [
    # test_multilabel_zero_one_loss_subset: a row is correct only if every label matches.
    (MULTILABEL, MULTILABEL_2, 0.5),
    (MULTILABEL, MULTILABEL, 0.0),
    (MULTILABEL_2, MULTILABEL_2, 0.0),
    (MULTILABEL_2, 1 - MULTILABEL_2, 1.0),
    (MULTILABEL, 1 - MULTILABEL, 1.0),
    (MULTILABEL, np.zeros((2, 3), int), 1.0),
    (MULTILABEL_2, np.zeros((2, 3), int), 1.0),
])
def test_sklearn_multilabel_zero_one_loss(backend, truth, predicted, expected):
    got = losscli.compute("zero-one", pred=predicted, target=truth, backend=backend)
    assert float(got.value) == expected
    # Independent formula: 1 − (rows equal in every label) / N.
    rows = [float(any(p != t for p, t in zip(pr, tr))) for pr, tr in zip(predicted, truth)]
    assert float(got.value) == sum(rows) / len(rows)


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_multilabel_zero_one_normalize_and_sample_weight(backend):
    # scikit-learn 1.9.1 (installed-only values): normalize=False → 1.0 (one wrong row);
    # sample_weight [1, 3] → 0.25.
    args = {"pred": MULTILABEL_2, "target": MULTILABEL, "backend": backend}
    assert float(losscli.compute("zero-one", reduction="sum", **args).value) == 1.0
    weighted = losscli.compute("zero-one", sample_weight=[1.0, 3.0], **args)
    assert float(weighted.value) == pytest.approx(0.25)


def test_multilabel_zero_one_against_installed_sklearn():
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed")
    truth = (RNG.random((20, 4)) < 0.5).astype(int)
    predicted = truth.copy()
    predicted[RNG.random((20, 4)) < 0.1] ^= 1
    want = metrics.zero_one_loss(truth, predicted)
    assert float(losscli.compute("zero-one", pred=predicted, target=truth).value) == (
        pytest.approx(want, abs=1e-7))
