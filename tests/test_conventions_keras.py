"""``--convention keras`` with Keras's reduction and ``--sample-weight``.

Keras (3.15.1, keras/src/losses/loss.py) reduces each loss over the last axis to one loss per
sample, multiplies by ``sample_weight`` (rank-aligned by squeezing a trailing 1, then
broadcast) and divides the sum by the number of weighted losses (``sum_over_batch_size``),
zero weights included. Three kinds of checks: Keras's own test values (keras-team/keras,
keras/src/losses/losses_test.py at tag v3.15.1), an independent float64 derivation with
numpy, and the errors for a ``--sample-weight`` the convention does not take. The
cross-check against the installed Keras is in test_conventions_libraries.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import losscli

# --------------------------------------------------------------- Keras's own test values
# keras/src/losses/losses_test.py @ v3.15.1 (250b42181ce9f37df68319d8f4753ec89a349a43);
# the tests assert these with assertAlmostEqual (3 decimals) or assertAllClose (1e-6).
MSE_T = [[1, 9, 2], [-5, -2, 6]]
MSE_P = [[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]]
MSE_T3 = [[[1], [9], [2]], [[-5], [-2], [6]]]
MSE_P3 = [[[4], [8], [12]], [[8], [1], [3]]]
STEPS = [[3, 6, 5], [0, 4, 2]]
HUBER_T = [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
HUBER_P = [[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]]
KL_T = [[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]]
KL_P = [[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]]
POISSON_T = [[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]]
POISSON_P = [[1.0, 9.0, 2.0], [5.0, 2.0, 6.0]]
CCE_T = [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]
CCE_X = [[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]]
CCE_P = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]
W2 = [[1.2], [3.4]]
W3 = [[1.2], [3.4], [5.6]]
SEG_T = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
SEG_P = [[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 0, 1, 1]]
SEG4_T = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
SEG4_P = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]


def _logit(p):
    p = np.asarray(p, dtype=np.float64)
    return np.log(p / (1 - p))


HINGE_P, HINGE_T = [[0.6, 0.4], [0.4, 0.6]], [[0, 1], [0, 0]]  # the Hinge tests' inputs
KERAS_TESTS = [
    # (Keras test, losscli loss, values, reduction, expected, decimals)
    ("MeanSquaredErrorTest.test_unweighted", "mse",
     dict(pred=MSE_P, target=MSE_T), "mean", 49.5, 3),
    ("MeanSquaredErrorTest.test_scalar_weighted", "mse",
     dict(pred=MSE_P, target=MSE_T, sample_weight=2.3), "mean", 113.85, 3),
    ("MeanSquaredErrorTest.test_sample_weighted", "mse",
     dict(pred=MSE_P, target=MSE_T, sample_weight=W2), "mean", 767.8 / 6, 3),
    ("MeanSquaredErrorTest.test_timestep_weighted", "mse",
     dict(pred=MSE_P3, target=MSE_T3, sample_weight=STEPS), "mean", 97.833336, 3),
    ("MeanSquaredErrorTest.test_zero_weighted", "mse",
     dict(pred=MSE_P, target=MSE_T, sample_weight=0), "mean", 0.0, 3),
    ("MeanSquaredErrorTest.test_no_reduction", "mse",
     dict(pred=MSE_P, target=MSE_T, sample_weight=2.3), "none", [84.3333, 143.3666], 3),
    ("MeanSquaredErrorTest.test_sum_reduction", "mse",
     dict(pred=MSE_P, target=MSE_T, sample_weight=2.3), "sum", 227.69998, 3),
    ("MeanSquaredErrorTest.test_mean_with_sample_weight_reduction", "mse",
     dict(pred=MSE_P, target=MSE_T, sample_weight=W2, keras_reduction="mean_with_sample_weight"),
     "mean", (110 / 3 * 1.2 + 187 / 3 * 3.4) / (1.2 + 3.4), 3),
    ("MeanAbsoluteErrorTest.test_unweighted", "l1",
     dict(pred=MSE_P, target=MSE_T), "mean", 5.5, 3),
    ("MeanAbsoluteErrorTest.test_scalar_weighted", "l1",
     dict(pred=MSE_P, target=MSE_T, sample_weight=2.3), "mean", 12.65, 3),
    ("MeanAbsoluteErrorTest.test_sample_weighted", "l1",
     dict(pred=MSE_P, target=MSE_T, sample_weight=W2), "mean", 81.4 / 6, 3),
    ("MeanAbsoluteErrorTest.test_timestep_weighted", "l1",
     dict(pred=MSE_P3, target=MSE_T3, sample_weight=STEPS), "mean", 13.833333, 3),
    ("MeanAbsoluteErrorTest.test_no_reduction", "l1",
     dict(pred=MSE_P, target=MSE_T, sample_weight=2.3), "none", [10.7333, 14.5666], 3),
    ("MeanAbsoluteErrorTest.test_sum_reduction", "l1",
     dict(pred=MSE_P, target=MSE_T, sample_weight=2.3), "sum", 25.29999, 3),
    ("MeanAbsoluteErrorTest.test_mean_with_sample_weight_reduction", "l1",
     dict(pred=MSE_P, target=MSE_T, sample_weight=W2, keras_reduction="mean_with_sample_weight"),
     "mean", (14 / 3 * 1.2 + 19 / 3 * 3.4) / (1.2 + 3.4), 3),
    ("HuberLossTest.test_unweighted", "huber",
     dict(pred=HUBER_P, target=HUBER_T), "mean", 0.10416666666666669, 3),
    ("HuberLossTest.test_scalar_weighted", "huber",
     dict(pred=HUBER_P, target=HUBER_T, sample_weight=2.3), "mean", 0.23958333333333337, 3),
    ("HuberLossTest.test_sample_weighted", "huber",
     dict(pred=HUBER_P, target=HUBER_T, sample_weight=W2), "mean", 0.22766666666666668, 3),
    ("HuberLossTest.test_timestep_weighted", "huber",
     dict(pred=np.array(HUBER_P)[..., None], target=np.array(HUBER_T)[..., None],
          sample_weight=np.array(STEPS)[..., None]), "mean", 0.4025, 3),
    ("HuberLossTest.test_zero_weighted", "huber",
     dict(pred=HUBER_P, target=HUBER_T, sample_weight=0), "mean", 0.0, 3),
    ("KLDivergenceTest.test_unweighted", "kl-div",
     dict(pred=np.log(KL_P), target=KL_T), "mean", 0.5960738, 3),
    ("KLDivergenceTest.test_scalar_weighted", "kl-div",
     dict(pred=np.log(KL_P), target=KL_T, sample_weight=2.3), "mean", 1.3709698, 3),
    ("KLDivergenceTest.test_sample_weighted", "kl-div",
     dict(pred=np.log(KL_P), target=KL_T, sample_weight=W2), "mean", 2.0075712, 3),
    ("KLDivergenceTest.test_zero_weighted", "kl-div",
     dict(pred=np.log(KL_P), target=KL_T, sample_weight=0), "mean", 0.0, 3),
    ("PoissonTest.test_unweighted", "poisson-nll",
     dict(pred=POISSON_P, target=POISSON_T), "mean", -3.306582, 3),
    ("PoissonTest.test_scalar_weighted", "poisson-nll",
     dict(pred=POISSON_P, target=POISSON_T, sample_weight=2.3), "mean", -7.605139, 3),
    ("PoissonTest.test_sample_weighted", "poisson-nll",
     dict(pred=POISSON_P, target=POISSON_T, sample_weight=W2), "mean", -6.147339, 3),
    ("PoissonTest.test_timestep_weighted", "poisson-nll",
     dict(pred=np.array(POISSON_P)[..., None], target=np.array(POISSON_T)[..., None],
          sample_weight=STEPS), "mean", -12.263126, 3),
    ("BinaryCrossentropyTest.test_unweighted", "bce",
     dict(pred=[[1.0, 1.0], [1.0, 0.0]], target=[[1, 0], [1, 0]]), "mean", 3.98559, 3),
    ("BinaryCrossentropyTest.test_scalar_weighted", "bce",
     dict(pred=[[1.0, 1.0], [1.0, 0.0]], target=[[1, 0], [1, 0]], sample_weight=2.3),
     "mean", 9.1668, 3),
    ("BinaryCrossentropyTest.test_sample_weighted", "bce",
     dict(pred=[[1.0, 1.0], [1.0, 0.0]], target=[[1, 0], [1, 0]], sample_weight=W2),
     "mean", 4.7827, 3),
    ("CategoricalCrossentropyTest.test_unweighted (from_logits)", "cross-entropy",
     dict(pred=CCE_X, target=CCE_T), "mean", 0.0573, 3),
    ("CategoricalCrossentropyTest.test_scalar_weighted (from_logits)", "cross-entropy",
     dict(pred=CCE_X, target=CCE_T, sample_weight=2.3), "mean", 0.1317, 3),
    ("CategoricalCrossentropyTest.test_sample_weighted (from_logits)", "cross-entropy",
     dict(pred=CCE_X, target=CCE_T, sample_weight=W3), "mean", 0.31829, 3),
    ("CategoricalCrossentropyTest.test_sample_weighted (probabilities)", "cross-entropy",
     dict(pred=np.log(CCE_P), target=CCE_T, sample_weight=W3), "mean", 1.0696, 3),
    ("CategoricalCrossentropyTest.test_no_reduction", "cross-entropy",
     dict(pred=CCE_X, target=CCE_T), "none", [0.001822, 0.000459, 0.169846], 5),
    ("BinaryFocalCrossentropyTest.test_sample_weighted (from_logits, γ=3)", "focal",
     dict(pred=[[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]], target=[[1.0, 1, 0], [0, 1, 0]],
          gamma=3.0, sample_weight=W2), "mean", 0.95977, 3),
    ("BinaryFocalCrossentropyTest.test_scalar_weighted (from_logits, γ=3)", "focal",
     dict(pred=[[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]], target=[[1.0, 1, 0], [0, 1, 0]],
          gamma=3.0, sample_weight=3.21), "mean", 2.565, 3),
    ("BinaryFocalCrossentropyTest.test_sample_weighted (probabilities)", "focal",
     dict(pred=_logit([[0.9, 0.8], [0.7, 0.2]]), target=[[1.0, 0], [1, 0]], sample_weight=W2),
     "mean", 0.34415, 3),
    ("CategoricalFocalCrossentropyTest.test_sample_weighted (from_logits)", "softmax-focal",
     dict(pred=CCE_X, target=[0, 1, 2], sample_weight=W3), "mean", 0.001933, 3),
    ("CategoricalFocalCrossentropyTest.test_scalar_weighted (from_logits)", "softmax-focal",
     dict(pred=CCE_X, target=[0, 1, 2], sample_weight=2.3), "mean", 0.000794, 4),
    ("HingeTest.test_unweighted", "hinge",
     dict(pred=HINGE_P, target=HINGE_T), "mean", 1.3, 3),
    ("HingeTest.test_unweighted (sum)", "hinge",
     dict(pred=HINGE_P, target=HINGE_T), "sum", 2.6, 3),
    ("HingeTest.test_unweighted (none)", "hinge",
     dict(pred=HINGE_P, target=HINGE_T), "none", [1.1, 1.5], 6),
    ("HingeTest.test_weighted", "hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]),
     "mean", 0.55, 3),
    ("HingeTest.test_weighted (none)", "hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]),
     "none", [1.1, 0.0], 6),
    ("HingeTest.test_zero_weighted", "hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=0.0),
     "mean", 0.0, 6),
    ("SquaredHingeTest.test_unweighted", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T), "mean", 1.86, 3),
    ("SquaredHingeTest.test_unweighted (sum)", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T), "sum", 3.72, 3),
    ("SquaredHingeTest.test_unweighted (none)", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T), "none", [1.46, 2.26], 6),
    ("SquaredHingeTest.test_weighted", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]), "mean", 0.73, 3),
    ("SquaredHingeTest.test_weighted (sum)", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]), "sum", 1.46, 3),
    ("SquaredHingeTest.test_weighted (none)", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]), "none", [1.46, 0.0], 6),
    ("SquaredHingeTest.test_zero_weighted", "squared-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=0.0), "mean", 0.0, 6),
    ("CategoricalHingeTest.test_unweighted", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T), "mean", 1.4, 3),
    ("CategoricalHingeTest.test_unweighted (sum)", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T), "sum", 2.8, 3),
    ("CategoricalHingeTest.test_unweighted (none)", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T), "none", [1.2, 1.6], 6),
    ("CategoricalHingeTest.test_weighted", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]), "mean", 0.6, 3),
    ("CategoricalHingeTest.test_weighted (sum)", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]), "sum", 1.2, 3),
    ("CategoricalHingeTest.test_weighted (none)", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=[1, 0]), "none", [1.2, 0.0], 6),
    ("CategoricalHingeTest.test_zero_weighted", "categorical-hinge",
     dict(pred=HINGE_P, target=HINGE_T, sample_weight=0.0), "mean", 0.0, 6),
    ("CTCTest.test_correctness", "ctc",
     dict(pred=(np.arange(24).reshape((2, 4, 3)) - 12) / 100, target=[[1, 2, 1, 0], [1, 2, 0, 2]]),
     "mean", 2.448645, 6),
    ("DiceTest.test_correctness", "dice",
     dict(pred=[[4, 1], [6, 1]], target=[[1, 2], [1, 2]]), "mean", -0.55555546, 6),
    ("DiceTest.test_binary_segmentation", "dice",
     dict(pred=SEG_P, target=SEG_T), "mean", 0.77777773, 6),
    ("DiceTest.test_binary_segmentation_with_axis", "dice",
     dict(pred=SEG4_P, target=SEG4_T, axis="sample"), "none", [0.5, 0.75757575], 6),
    ("TverskyTest.test_correctness", "tversky",
     dict(pred=[[4, 1], [6, 1]], target=[[1, 2], [1, 2]]), "mean", -0.55555546, 6),
    ("TverskyTest.test_correctness_custom_coefficients", "tversky",
     dict(pred=[[4, 1], [6, 1]], target=[[1, 2], [1, 2]], alpha=0.2, beta=0.8), "mean",
     -0.29629636, 6),
    ("TverskyTest.test_binary_segmentation_custom_coefficients", "tversky",
     dict(pred=SEG_P, target=SEG_T, alpha=0.2, beta=0.8), "mean", 0.7916667, 6),
    ("TverskyTest.test_binary_segmentation_custom_coefficients_with_axis", "tversky",
     dict(pred=SEG4_P, target=SEG4_T, alpha=0.2, beta=0.8, axis="sample"), "none",
     [0.5, 0.7222222], 6),
]


@pytest.mark.parametrize("test, loss, values, reduction, expected, decimals", KERAS_TESTS,
                         ids=[t[0] for t in KERAS_TESTS])
def test_keras_published_values(test, loss, values, reduction, expected, decimals):
    result = losscli.compute(loss, convention="keras", reduction=reduction, dtype="float32",
                             **values)
    np.testing.assert_array_almost_equal(result.value, expected, decimal=decimals)


def test_keras_default_reduction_counts_zero_weights():
    """sum_over_batch_size divides by the number of per-sample losses, not by Σ w."""
    result = losscli.compute("mse", convention="keras", dtype="float64", pred=MSE_P,
                             target=MSE_T, sample_weight=[1.0, 0.0])
    assert result.value == pytest.approx((9 + 1 + 100) / 3 / 2, rel=1e-12)  # 18.33 (Keras)
    assert result.reduction.denominator == 2


# ------------------------------------------------------ independent float64 derivation

def keras_reference(per_element: np.ndarray, weight, last_axis: str) -> dict[str, object]:
    """Keras's reduction written from loss.py: last-axis mean or sum, the weight's trailing
    1 squeezed, a broadcast product, then Σ / n, Σ and the products themselves; and
    mean_with_sample_weight, Σ / Σ w over the weights as given (0 when Σ w = 0)."""
    per_sample = per_element.mean(-1) if last_axis == "mean" else per_element.sum(-1)
    divisor = per_sample.size
    if weight is not None:
        w = np.asarray(weight, dtype=np.float64)
        if w.ndim == per_sample.ndim + 1 and w.shape[-1] == 1:
            w = w[..., 0]
        per_sample = per_sample * w
        divisor = w.sum()
    weighted_mean = per_sample.sum() / divisor if divisor else 0.0
    return {"mean": per_sample.sum() / per_sample.size, "sum": per_sample.sum(),
            "none": per_sample, "mean_with_sample_weight": weighted_mean}


_RNG = np.random.default_rng(14)
X = _RNG.normal(size=(4, 5))
Y = _RNG.normal(size=(4, 5))
P = 1 / (1 + np.exp(-X))
T01 = (_RNG.random((4, 5)) > 0.5).astype(np.float64)
RATE = np.exp(X)
COUNTS = _RNG.integers(0, 6, size=(4, 5)).astype(np.float64)
Q = np.exp(X) / np.exp(X).sum(-1, keepdims=True)
TDIST = np.exp(Y) / np.exp(Y).sum(-1, keepdims=True)
WEIGHTS = [None, 0.7, _RNG.random(4), _RNG.random((4, 1)), np.array([1.0, 0.0, 2.0, 0.5]),
           np.zeros(4)]


def _huber(d, delta=1.0):
    a = np.abs(d)
    return np.where(a <= delta, 0.5 * d**2, delta * a - 0.5 * delta**2)


FORMULAS = [
    ("mse", dict(pred=X, target=Y), (X - Y) ** 2, "mean"),
    ("l1", dict(pred=X, target=Y), np.abs(X - Y), "mean"),
    ("huber", dict(pred=X, target=Y), _huber(X - Y), "mean"),
    ("smooth-l1", dict(pred=X, target=Y), _huber(X - Y), "mean"),
    ("bce", dict(pred=P, target=T01),
     -(T01 * np.log(P) + (1 - T01) * np.log(1 - P)), "mean"),
    ("bce-with-logits", dict(pred=X, target=T01),
     -(T01 * np.log(P) + (1 - T01) * np.log(1 - P)), "mean"),
    ("poisson-nll", dict(pred=RATE, target=COUNTS), RATE - COUNTS * np.log(RATE + 1e-7),
     "mean"),
    ("kl-div", dict(pred=np.log(Q), target=TDIST), TDIST * np.log(TDIST / Q), "sum"),
    ("hinge", dict(pred=X, target=T01), np.maximum(1 - (2 * T01 - 1) * X, 0), "mean"),
    ("cross-entropy", dict(pred=X, target=TDIST),
     -TDIST * (X - np.log(np.exp(X).sum(-1, keepdims=True))), "sum"),
]


@pytest.mark.parametrize("loss, values, per_element, last_axis", FORMULAS,
                         ids=[f[0] for f in FORMULAS])
@pytest.mark.parametrize("weight_index", range(len(WEIGHTS)))
def test_keras_reduction_matches_a_float64_derivation(loss, values, per_element, last_axis,
                                                      weight_index):
    weight = WEIGHTS[weight_index]
    want = keras_reference(per_element, weight, last_axis)
    for reduction in ("mean", "sum", "none"):
        got = losscli.compute(loss, convention="keras", reduction=reduction, dtype="float64",
                              sample_weight=weight, **values)
        np.testing.assert_allclose(got.value, want[reduction], rtol=1e-10, atol=1e-12)
    got = losscli.compute(loss, convention="keras", dtype="float64", sample_weight=weight,
                          keras_reduction="mean_with_sample_weight", **values)
    np.testing.assert_allclose(got.value, want["mean_with_sample_weight"], rtol=1e-10,
                               atol=1e-12)


_SMOOTHED = (1 - 0.2) * T01 + 0.5 * 0.2  # Keras's binary label smoothing, ε = 0.2
SMOOTHED_FORMULAS = [
    ("bce", dict(pred=P, target=T01),
     -(_SMOOTHED * np.log(P) + (1 - _SMOOTHED) * np.log(1 - P))),
    ("bce-with-logits", dict(pred=X, target=T01),
     -(_SMOOTHED * np.log(P) + (1 - _SMOOTHED) * np.log(1 - P))),
    ("focal", dict(pred=X, target=T01),  # γ = 2, p_t from the smoothed target, no α
     (1 - (_SMOOTHED * P + (1 - _SMOOTHED) * (1 - P))) ** 2
     * -(_SMOOTHED * np.log(P) + (1 - _SMOOTHED) * np.log(1 - P))),
]


@pytest.mark.parametrize("loss, values, per_element", SMOOTHED_FORMULAS,
                         ids=[f[0] for f in SMOOTHED_FORMULAS])
def test_keras_label_smoothing_with_sample_weights(loss, values, per_element):
    """Label smoothing (ε = 0.2) and sample weights together, in every Keras reduction."""
    weight = WEIGHTS[2]
    want = keras_reference(per_element, weight, "mean")
    for reduction in ("mean", "sum", "none"):
        got = losscli.compute(loss, convention="keras", reduction=reduction, dtype="float64",
                              sample_weight=weight, label_smoothing=0.2, **values)
        np.testing.assert_allclose(got.value, want[reduction], rtol=1e-10, atol=1e-12)
    got = losscli.compute(loss, convention="keras", dtype="float64", sample_weight=weight,
                          label_smoothing=0.2, keras_reduction="mean_with_sample_weight",
                          **values)
    assert got.value == pytest.approx(want["mean_with_sample_weight"], rel=1e-10)


def test_keras_mean_with_sample_weight_counts_a_scalar_weight_once():
    """Keras divides by Σ of the weights as given: a scalar w gives Σ w·ℓ / w = Σ ℓ."""
    got = losscli.compute("mse", convention="keras", dtype="float64", pred=MSE_P, target=MSE_T,
                          sample_weight=2.3, keras_reduction="mean_with_sample_weight")
    assert got.value == pytest.approx((110 + 187) / 3, rel=1e-12)
    assert got.reduction.denominator == pytest.approx(2.3)


def test_keras_mean_with_sample_weight_gradient_is_analytic():
    """d/dx of Σ_b w_b·mean_d (x − y)² / Σ w is 2·w_b·(x − y) / (D·Σ w)."""
    w = np.array([0.5, 2.0, 0.0, 1.0])
    got = losscli.compute("mse", convention="keras", dtype="float64", grad=True, pred=X,
                          target=Y, sample_weight=w, keras_reduction="mean_with_sample_weight")
    np.testing.assert_allclose(got.grads["pred"], 2 * w[:, None] * (X - Y) / (5 * w.sum()),
                               rtol=1e-12)


def test_keras_timestep_weights_on_3d_inputs():
    """(N, T, D) inputs: one loss per (sample, timestep), weighted by an (N, T) tensor."""
    x, y = _RNG.normal(size=(2, 3, 4)), _RNG.normal(size=(2, 3, 4))
    w = _RNG.random((2, 3))
    want = ((x - y) ** 2).mean(-1) * w
    got = losscli.compute("mse", convention="keras", dtype="float64", pred=x, target=y,
                          sample_weight=w)
    assert got.value == pytest.approx(want.sum() / 6, rel=1e-12)


def test_keras_dice_and_tversky_weights_and_axis():
    """axis=None: one ratio over every element, times the mean weight; --axis sample: one
    ratio per sample, each times its weight."""
    p, g = np.array(SEG4_P)[..., 0], np.array(SEG4_T)[..., 0]
    w = np.array([2.0, 0.5])
    whole = 1 - 2 * (p * g).sum() / (p.sum() + g.sum() + 1e-7)
    got = losscli.compute("dice", convention="keras", dtype="float64", pred=p, target=g,
                          sample_weight=w)
    assert got.value == pytest.approx(whole * w.mean(), rel=1e-12)
    tp = (p * g).sum((1, 2))
    fn, fp = (g * (1 - p)).sum((1, 2)), (p * (1 - g)).sum((1, 2))
    per = 1 - tp / (tp + 0.3 * fn + 0.7 * fp + 1e-7)
    got = losscli.compute("tversky", convention="keras", dtype="float64", pred=p, target=g,
                          alpha=0.3, beta=0.7, axis="sample", sample_weight=w,
                          reduction="none")
    np.testing.assert_allclose(got.value, per * w, rtol=1e-12)


def test_keras_weighted_gradient_is_analytic():
    """d/dx of Σ_b w_b·mean_d (x − y)² / N is 2·w_b·(x − y) / (D·N)."""
    w = np.array([0.5, 2.0, 0.0, 1.0])
    got = losscli.compute("mse", convention="keras", dtype="float64", grad=True, pred=X,
                          target=Y, sample_weight=w)
    np.testing.assert_allclose(got.grads["pred"], 2 * w[:, None] * (X - Y) / (5 * 4),
                               rtol=1e-12)


def test_keras_weighted_gradcheck():
    torch = pytest.importorskip("torch")
    from losscli.families._shared.keras_terms import last_axis_mean, weighted

    w = torch.tensor([[0.3], [1.7]], dtype=torch.float64)
    y = torch.tensor(HUBER_T, dtype=torch.float64)

    def value(x):
        return weighted(last_axis_mean((x - y) ** 2), w).values.sum()

    x = torch.tensor(HUBER_P, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(value, (x,))


# ------------------------------------------------------------------------------- errors

@pytest.mark.parametrize("args", [
    ("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--sample-weight", "[1, 2]"),
    ("bce", "-p", "[0.5]", "-t", "[1]", "--sample-weight", "2", "--convention", "sklearn"),
    ("dice", "-p", "[[0.2, 0.8]]", "-t", "[[0, 1]]", "--sample-weight", "2"),
])
def test_sample_weight_only_with_the_keras_convention(cli, args):
    out = cli(*args)
    assert out.code == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--sample-weight" in lines[0], out.stderr
    assert "only with --convention keras" in lines[0]


@pytest.mark.parametrize("args, expected", [
    (("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--keras-reduction", "mean_with_sample_weight"),
     "only with --convention keras"),
    (("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--convention", "keras", "--keras-reduction",
      "mean_with_sample_weight", "--reduction", "sum"), "applies to --reduction mean"),
    (("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--convention", "keras", "--keras-reduction",
      "mean"), "--keras-reduction"),
])
def test_keras_reduction_errors_are_one_line(cli, args, expected):
    out = cli(*args)
    assert out.code == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--keras-reduction" in lines[0] and expected in lines[0], out.stderr


def test_keras_only_axis_is_refused_elsewhere(cli):
    out = cli("tversky", "-p", "[[[0.2, 0.8]]]", "-t", "[[[0, 1]]]", "--axis", "sample")
    assert out.code == 2 and "--axis" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_sample_weight_that_does_not_broadcast(cli):
    """A weight of the inputs' shape (2, 3) against the (2,) per-sample losses (Keras fails
    on it too)."""
    out = cli("mse", "-p", str(MSE_P), "-t", str(MSE_T), "--convention", "keras",
              "--sample-weight", "[[1, 0, 0], [0, 0, 1]]")
    assert out.code == 2
    line = out.stderr.strip()
    assert "--sample-weight" in line and "(2, 3)" in line and "\n" not in line


def test_keras_sample_weight_on_the_cli(cli):
    out = cli("mse", "-p", str(MSE_P), "-t", str(MSE_T), "--convention", "keras",
              "--sample-weight", str(W2), "-q")
    assert out.code == 0, out.stderr
    assert float(out.stdout) == pytest.approx(767.8 / 6, rel=1e-6)


def test_keras_ctc_float64_and_weights():
    """Keras's CTC: blank 0, lengths from the padding; per sequence by enumerating every
    alignment of 3 frames (collapse repeats, drop blanks), weighted, then Σ / N."""
    import itertools

    x = _RNG.normal(size=(2, 3, 3))
    target = np.array([[1, 2, 0], [2, 0, 0]])
    log_p = x - np.log(np.exp(x).sum(-1, keepdims=True))
    want = []
    for n, row in enumerate(target):
        label = [int(v) for v in row if v != 0]
        total = 0.0
        for path in itertools.product(range(3), repeat=3):
            collapsed = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
            if [k for k in collapsed if k != 0] == label:
                total += np.exp(sum(log_p[n, t, k] for t, k in enumerate(path)))
        want.append(-np.log(total))
    w = np.array([0.5, 3.0])
    got = losscli.compute("ctc", convention="keras", dtype="float64", pred=x, target=target,
                          sample_weight=w, reduction="none")
    np.testing.assert_allclose(got.value, np.array(want) * w, rtol=1e-10)


def test_keras_ctc_refuses_lengths(cli):
    out = cli("ctc", "-p", "[[[0, 0, 0], [0, 0, 0]]]", "-t", "[[1, 0]]", "--convention", "keras",
              "--target-lengths", "1")
    assert out.code == 2 and "--target-lengths" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
