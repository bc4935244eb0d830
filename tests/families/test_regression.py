"""The regression losses against independent float64 formulas: PyTorch's l1, mse, smooth-l1
and huber (TestTorchParity), log-cosh, mape, msle, quantile and the robust losses.

Each reference below is written from the paper or the library's documentation, one element
at a time with :mod:`math`; the libraries' own published test values (Keras 3.15.1
keras/src/losses/losses_test.py, optax 0.2.8 optax/losses/_regression_test.py,
tensorflow-addons tensorflow_addons/losses/tests/quantiles_test.py, kornia 0.9.0
tests/losses/) are reproduced with the tolerance those tests use.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from family_helpers import TorchParity

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(15)
# The inputs of Keras's regression tests (losses_test.py) and tensorflow-addons' pinball tests.
KERAS_TRUE = [[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0]]
KERAS_PRED = [[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]]


def value(loss, reduction="mean", backend="auto", **values):
    result = losscli.compute(loss, reduction=reduction, dtype="float64", backend=backend, **values)
    return np.asarray(result.value)


def elementwise(function, pred, target, **params):
    """The float64 reference: ``function`` applied to each pair of elements."""
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    return np.array([function(x, y, **params) for x, y in zip(pred.flat, target.flat)]).reshape(
        pred.shape)


def check_against(loss, function, pred, target, **params):
    """Both backends, all three reductions, against the float64 reference terms."""
    expected = elementwise(function, pred, target, **params)
    for backend in ("torch", "numpy"):
        kw = dict(pred=pred, target=target, backend=backend, **params)
        np.testing.assert_allclose(value(loss, "none", **kw), expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(value(loss, "mean", **kw), expected.mean(), rtol=1e-12)
        np.testing.assert_allclose(value(loss, "sum", **kw), expected.sum(), rtol=1e-12)


def gradcheck(loss, pred, target, **params):
    """float64 autograd.gradcheck of the torch terms with respect to pred and target."""
    impl = registry().resolve(loss).load()
    x = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(target, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: impl(pred=a, target=b, **params).values,
                                    (x, y), eps=1e-6, atol=1e-6)


def fails(loss, **values):
    with pytest.raises(losscli.InputError) as caught:
        losscli.compute(loss, dtype="float64", **values)
    return str(caught.value)


# ------------------------------------------------------------------------------- log-cosh


def ref_log_cosh(x, y):
    # log cosh d = log((e^d + e^−d)/2); written with the larger exponent factored out,
    # log cosh d = |d| + log((1 + e^(−2|d|))/2), so that d = 700 stays finite.
    d = abs(x - y)
    return d + math.log((1 + math.exp(-2 * d)) / 2)


def test_log_cosh_matches_the_definition():
    pred, target = RNG.normal(size=(4, 5)) * 3, RNG.normal(size=(4, 5))
    check_against("log-cosh", ref_log_cosh, pred, target)
    # Straight from the definition where it does not overflow.
    d = pred - target
    np.testing.assert_allclose(value("log-cosh", "none", pred=pred, target=target),
                               np.log(np.cosh(d)), rtol=1e-12)


def test_log_cosh_keras_published_values():
    # Keras 3.15.1 keras/src/losses/losses_test.py LogCoshTest: expected computed in the test as
    # Σ log((e^e + e^−e)/2) / 6, e = y_pred − y_true; assertAlmostEqual(decimal=3).
    kw = dict(pred=KERAS_PRED, target=KERAS_TRUE)
    assert abs(value("log-cosh", **kw) - 4.829245) < 1.5e-3  # test_unweighted
    keras = losscli.compute("log-cosh", convention="keras", reduction="none", dtype="float64", **kw)
    np.testing.assert_allclose(keras.value, [4.016654, 5.641836], atol=1e-5)  # one per sample


def test_log_cosh_optax_published_values_do_not_overflow():
    # optax 0.2.8 optax/losses/_regression_test.py LogCoshTest.test_batched (atol 1e-5):
    # x = 700 must give 699.3068, not inf.
    pred, target = [500, -2.0, -1.0, 0.5, 1.0], [-200, -1.5, 0.0, -1, 1.0]
    expected = [699.3068, 0.12011445, 0.4337809, 0.85544014, 0.0]
    for backend in ("torch", "numpy"):
        got = value("log-cosh", "none", pred=pred, target=target, backend=backend)
        np.testing.assert_allclose(got, expected, atol=1e-5)
    # test_batched_predictions_only: targets=None means zeros.
    got = value("log-cosh", "none", pred=[500, -2.0, -1.0, 0.5, 1.0], target=[0.0] * 5)
    np.testing.assert_allclose(got, [499.30685, 1.3250027, 0.4337809, 0.12011451, 0.43378082],
                               atol=1e-5)


def test_log_cosh_gradient_is_tanh():
    pred, target = RNG.normal(size=6) * 2, RNG.normal(size=6)
    gradcheck("log-cosh", pred, target)
    result = losscli.compute("log-cosh", pred=pred, target=target, reduction="sum",
                             dtype="float64", grad=True)
    np.testing.assert_allclose(result.grads["pred"], np.tanh(pred - target), rtol=1e-12)


# ----------------------------------------------------------------------------------- mape


def ref_mape(x, y):
    # Keras: 100 · |y_true − y_pred| / max(|y_true|, ε), ε = backend.epsilon() = 1e-7.
    return 100 * abs(y - x) / max(abs(y), 1e-7)


def test_mape_matches_the_definition():
    pred, target = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    check_against("mape", ref_mape, pred, target)
    # |y| below ε: the division is by ε.
    np.testing.assert_allclose(value("mape", "none", pred=[1.0, -2.0], target=[0.0, 5e-8]),
                               [100 / 1e-7, 100 * (2 + 5e-8) / 1e-7], rtol=1e-12)


def test_mape_keras_published_values():
    # Keras 3.15.1 keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest
    # (assertAlmostEqual decimal=3). The negative targets −5 and −2 divide by |y|.
    kw = dict(pred=KERAS_PRED, target=KERAS_TRUE)
    assert abs(value("mape", **kw) - 211.8518) < 1.5e-3  # test_unweighted
    keras = losscli.compute("mape", convention="keras", reduction="none", dtype="float64", **kw)
    np.testing.assert_allclose(keras.value, [270.370361, 153.333328], atol=1e-5)  # per sample
    # test_timestep_weighted: Σ w·ℓ / 6 with w = [[3, 6, 5], [0, 4, 2]] (Keras divides by the
    # number of terms, not the weights): the weighted sum of losscli's terms over 6.
    terms = value("mape", "none", **kw)
    weights = np.array([[3, 6, 5], [0, 4, 2]])
    assert abs((weights * terms).sum() / 6 - 694.4444) < 1.5e-3


def test_mape_sklearn_convention_is_a_fraction():
    pred, target = RNG.normal(size=5), RNG.normal(size=5)
    ours = losscli.compute("mape", convention="sklearn", dtype="float64", pred=pred, target=target)
    expected = np.mean(np.abs(target - pred) / np.maximum(np.abs(target), 2.0**-52))
    assert ours.value == pytest.approx(expected, rel=1e-12)
    sklearn = pytest.importorskip("sklearn.metrics")
    assert ours.value == pytest.approx(sklearn.mean_absolute_percentage_error(target, pred),
                                       rel=1e-12)


def test_mape_gradient_and_zero_target_warning():
    pred, target = RNG.normal(size=6), RNG.normal(size=6) + 3
    gradcheck("mape", pred, target)
    result = losscli.compute("mape", pred=pred, target=target, reduction="sum", dtype="float64",
                             grad=True)
    np.testing.assert_allclose(result.grads["pred"], 100 * np.sign(pred - target) / np.abs(target),
                               rtol=1e-12)
    at_target = losscli.compute("mape", pred=[2.0], target=[2.0], grad=True, dtype="float64")
    assert at_target.grads["pred"].tolist() == [0.0]  # the subgradient of |x − y| at x = y
    warned = losscli.compute("mape", pred=[1.0, 2.0], target=[0.0, 1.0])
    assert warned.warnings == ["--target: 1 target value(s) have |y| < 1e-7: mape divides by "
                               "1e-7 there, so those terms are huge"]
    assert "--target" in fails("mape", pred=[1.0, 2.0], target=[1.0])


# ----------------------------------------------------------------------------------- msle


def ref_msle(x, y):
    # Keras: (log(max(ŷ, ε) + 1) − log(max(y, ε) + 1))², ε = 1e-7: negatives clipped to ε.
    return (math.log(max(x, 1e-7) + 1) - math.log(max(y, 1e-7) + 1)) ** 2


def test_msle_matches_the_definition():
    pred, target = RNG.uniform(-0.5, 4, size=(3, 4)), RNG.uniform(-0.5, 4, size=(3, 4))
    check_against("msle", ref_msle, pred, target)


def test_msle_keras_published_values_need_the_clip():
    # Keras 3.15.1 keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest
    # (assertAlmostEqual decimal=3): y_true holds −5 and −2, clipped to 1e-7.
    kw = dict(pred=KERAS_PRED, target=KERAS_TRUE)
    result = losscli.compute("msle", dtype="float64", **kw)
    assert abs(result.value - 1.4370) < 1.5e-3  # test_unweighted
    assert result.warnings == ["--target: 2 negative value(s) clipped to 1e-7 before the "
                               "logarithm (as Keras does)"]
    keras = losscli.compute("msle", convention="keras", reduction="none", dtype="float64", **kw)
    np.testing.assert_allclose(keras.value, [1.000278, 1.873806], atol=1e-5)  # per sample
    terms = value("msle", "none", **kw)
    # test_timestep_weighted: Σ w·ℓ / 6 (assertAllClose, atol = rtol = 1e-6... to 1e-3 here:
    # the published 2.647374 comes from float32).
    weights = np.array([[3, 6, 5], [0, 4, 2]])
    assert abs((weights * terms).sum() / 6 - 2.647374) < 1e-5
    # test_mean_with_sample_weight_reduction: Σ w_b·ℓ_b / Σ w_b over samples, w = [1.2, 3.4].
    assert abs((np.array([1.2, 3.4]) * keras.value).sum() / 4.6 - 1.646) < 1.5e-3


def test_msle_sklearn_convention_rejects_values_at_or_below_minus_one():
    pred, target = RNG.uniform(-0.5, 4, size=5), RNG.uniform(-0.5, 4, size=5)
    ours = losscli.compute("msle", convention="sklearn", dtype="float64", pred=pred,
                           target=target)
    expected = np.mean((np.log1p(pred) - np.log1p(target)) ** 2)  # no clip
    assert ours.value == pytest.approx(expected, rel=1e-12)
    sklearn = pytest.importorskip("sklearn.metrics")
    assert ours.value == pytest.approx(sklearn.mean_squared_log_error(target, pred), rel=1e-12)
    with pytest.raises(losscli.InputError, match="rejects values <= -1"):
        losscli.compute("msle", convention="sklearn", pred=[-1.0], target=[0.0])


def test_msle_gradient_is_zero_below_the_clip():
    pred, target = RNG.uniform(0.1, 4, size=6), RNG.uniform(0.1, 4, size=6)
    gradcheck("msle", pred, target)
    result = losscli.compute("msle", pred=[-0.5, 2.0], target=[1.0, 1.0], reduction="sum",
                             dtype="float64", grad=True)
    expected = 2 * (math.log1p(2.0) - math.log1p(1.0)) / 3.0  # d/dx (log1p x − b)² = 2(·)/(1 + x)
    np.testing.assert_allclose(result.grads["pred"], [0.0, expected], rtol=1e-12)


# ------------------------------------------------------------------------------- quantile


def ref_pinball(x, y, tau):
    # Koenker & Bassett: ρ_τ(u) = u·(τ − 1[u < 0]), u = y − x.
    u = y - x
    return u * (tau - (1.0 if u < 0 else 0.0))


@pytest.mark.parametrize("tau", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_quantile_matches_the_definition(tau):
    pred, target = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    check_against("quantile", ref_pinball, pred, target, tau=tau)


def test_several_quantiles_at_once_follow_the_last_axis():
    pred, target = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    taus = [0.1, 0.5, 0.9]
    expected = np.array([[ref_pinball(x, y, t) for x, y, t in zip(px, ty, taus)]
                         for px, ty in zip(pred, target)])
    for backend in ("torch", "numpy"):
        got = value("quantile", "none", pred=pred, target=target, tau=taus, backend=backend)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert "--tau" in fails("quantile", pred=pred, target=target, tau=[0.1, 0.9])
    assert "--tau" in fails("quantile", pred=pred, target=target, tau=[0.1, 0.5, 1.5])
    assert "--tau" in fails("quantile", pred=pred, target=target, tau=-0.1)


TFA = {  # tensorflow_addons/losses/tests/quantiles_test.py (assert_almost_equal decimal=3)
    "test_unweighted": (0.5, 2.75),
    "test_unweighted_quantile_0pc": (0.0, 4.8333),
    "test_unweighted_quantile_10pc": (0.1, 4.4166),
    "test_unweighted_quantile_90pc": (0.9, 1.0833),
    "test_unweighted_quantile_100pc": (1.0, 0.6666),
}


@pytest.mark.parametrize("test", sorted(TFA))
def test_quantile_tensorflow_addons_published_values(test):
    tau, expected = TFA[test]
    got = value("quantile", pred=KERAS_PRED, target=KERAS_TRUE, tau=tau)
    assert abs(got - expected) < 1.5e-3


def test_quantile_tensorflow_addons_weighted_values():
    # Same file: sample weights multiply tfa's per-sample losses (the mean over the last axis);
    # sum_over_batch_size divides by the 2 samples (6 terms in test_timestep_weighted).
    kw = dict(pred=KERAS_PRED, target=KERAS_TRUE, tau=0.5, dtype="float64")
    per_sample = losscli.compute("quantile", convention="tfa", reduction="none", **kw).value
    np.testing.assert_allclose(2.3 * per_sample, [5.3666, 7.28333], atol=1e-3)  # test_no_reduction
    assert abs(2.3 * per_sample.sum() - 12.65) < 1e-9  # test_sum_reduction
    assert abs(losscli.compute("quantile", convention="tfa", **kw).value * 2.3 - 6.325) < 1e-9
    assert abs((np.array([1.2, 3.4]) * per_sample).sum() / 2 - 40.7 / 6) < 1e-9
    terms = value("quantile", "none", pred=KERAS_PRED, target=KERAS_TRUE, tau=0.5)
    weights = np.array([[3, 6, 5], [0, 4, 2]])
    assert abs((weights * terms).sum() / 6 - 41.5 / 6) < 1e-9  # test_timestep_weighted


def test_quantile_command_defaults_to_the_median(cli):
    out = cli("quantile", "--pred", "[1, 2]", "--target", "[0, 0]", "--format", "json")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["value"] == pytest.approx(0.75)  # (1 − 0.5)·(1 + 2) / 2
    out = cli("quantile", "--pred", "[1, 2]", "--target", "[0, 0]", "--tau", "[0.5, 2]")
    assert out.code == 2 and out.stderr.strip() == (
        "losscli: error: --tau: every quantile must lie in [0, 1]")


def test_quantile_half_is_half_the_absolute_error():
    pred, target = RNG.normal(size=7), RNG.normal(size=7)
    assert value("quantile", pred=pred, target=target) == pytest.approx(
        0.5 * value("l1", pred=pred, target=target), rel=1e-12)


def test_quantile_gradients_and_the_subgradient_at_zero():
    pred, target = RNG.normal(size=6), RNG.normal(size=6)
    gradcheck("quantile", pred, target, tau=0.3)
    gradcheck("quantile", pred, target, tau=torch.tensor([0.2, 0.7], dtype=torch.float64
                                                          ).repeat(3))
    result = losscli.compute("quantile", pred=[0.0, 1.0, -1.0], target=[0.0, 0.0, 0.0],
                             tau=0.3, reduction="sum", dtype="float64", grad=True)
    # d = y − x = 0: the τ side, ∂ℓ/∂x = −τ (tensorflow's maximum takes its first argument).
    np.testing.assert_allclose(result.grads["pred"], [-0.3, 0.7, -0.3], rtol=1e-12)


# ----------------------------------------------------------------- kornia's robust losses

# Barron's ρ(r, α, c = 1) written for each α from the paper (CVPR 2019, eq. 1 and its limits).
ROBUST = {
    "charbonnier": lambda x, y: math.sqrt((x - y) ** 2 + 1) - 1,  # α = 1
    "welsch": lambda x, y: 1 - math.exp(-((x - y) ** 2) / 2),  # α = −∞
    "geman-mcclure": lambda x, y: 2 * (x - y) ** 2 / ((x - y) ** 2 + 4),  # α = −2
    "cauchy": lambda x, y: math.log(1 + (x - y) ** 2 / 2),  # α = 0
}
# kornia 0.9.0 tests/losses/test_<loss>.py test_perfect_prediction: ones against zeros,
# reduction mean (the value of one term) and sum; and kornia's own terms at
# r = [0, 0.5, 1, 2, −3] (values_15, computed by running kornia 0.9.0 in float64).
KORNIA_MEAN = {"welsch": 0.39346934028, "geman-mcclure": 0.4, "cauchy": 0.40546512603759766,
               "charbonnier": 0.41421356237}
KORNIA_TERMS = {
    "welsch": [0.0, 0.11750309741540459, 0.3934693402873666, 0.8646647167633873,
                    0.9888910034617577],
    "geman-mcclure": [0.0, 0.11764705882352941, 0.4, 1.0, 1.3846153846153846],
    "cauchy": [0.0, 0.11778303565638346, 0.4054651081081644, 1.0986122886681098,
                    1.7047480922384253],
    "charbonnier": [0.0, 0.11803398874989485, 0.41421356237309515, 1.2360679774997898,
                    2.1622776601683795],
}
R = [0.0, 0.5, 1.0, 2.0, -3.0]


@pytest.mark.parametrize("loss", sorted(ROBUST))
def test_robust_loss_matches_barron_closed_form(loss):
    pred, target = RNG.normal(size=(3, 4)) * 3, RNG.normal(size=(3, 4))
    check_against(loss, ROBUST[loss], pred, target)
    for backend in ("torch", "numpy"):
        # Tiny residuals keep their precision: every ρ(r, α, 1) is r²/2·(1 + O(r²)) near 0,
        # where the closed forms above cancel to 0.
        tiny = value(loss, "none", pred=[1e-9, -3e-5], target=[0.0, 0.0], backend=backend)
        np.testing.assert_allclose(tiny, [0.5e-18, 4.5e-10], rtol=1e-8)


@pytest.mark.parametrize("loss", sorted(ROBUST))
def test_robust_loss_kornia_published_values(loss):
    for shape in ((1, 2, 9, 9), (2, 4, 3, 6)):
        ones, zeros = np.ones(shape), np.zeros(shape)
        # The published numbers are float32 results: kornia's tests compare at 1e-4.
        assert value(loss, pred=ones, target=zeros) == pytest.approx(KORNIA_MEAN[loss], abs=1e-7)
        assert value(loss, "sum", pred=ones, target=zeros) == pytest.approx(
            KORNIA_MEAN[loss] * ones.size, rel=1e-7)
        assert value(loss, pred=ones, target=ones) == 0.0
    for backend in ("torch", "numpy"):
        got = value(loss, "none", pred=R, target=[0.0] * 5, backend=backend)
        np.testing.assert_allclose(got, KORNIA_TERMS[loss], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", sorted(ROBUST))
def test_robust_loss_gradients_and_huge_residuals(loss):
    pred, target = RNG.normal(size=6) * 2, RNG.normal(size=6)
    gradcheck(loss, pred, target)
    gradcheck(loss, [0.0, 1e-8], [0.0, 0.0])
    for backend in ("torch", "numpy"):
        result = losscli.compute(loss, pred=[1e30, -1e30], target=[0.0, 0.0], dtype="float32",
                                 backend=backend, reduction="none")
        assert not np.isnan(result.value).any()


def test_kornia_agrees_where_installed():
    kornia = pytest.importorskip("kornia.losses")
    pred, target = RNG.normal(size=(2, 3, 4)) * 2, RNG.normal(size=(2, 3, 4))
    for loss, function in (("cauchy", kornia.cauchy_loss),
                           ("charbonnier", kornia.charbonnier_loss),):
        if loss in ROBUST:
            theirs = function(torch.tensor(pred), torch.tensor(target), reduction="none").numpy()
            np.testing.assert_allclose(value(loss, "none", pred=pred, target=target), theirs,
                                       rtol=1e-12, atol=1e-15)


def test_charbonnier_basicsr_convention_is_close_to_l1():
    pred, target = RNG.normal(size=5), RNG.normal(size=5)
    ours = losscli.compute("charbonnier", convention="basicsr", dtype="float64", pred=pred,
                           target=target)
    assert ours.value == pytest.approx(np.mean(np.sqrt((pred - target) ** 2 + 1e-12)), rel=1e-12)


# ---------------------------------------------------------------------- mse: optax l2_loss


def test_mse_optax_convention_is_half_the_squared_error():
    # optax 0.2.8 optax/losses/_regression_test.py L2LossTest.test_batched (assert_allclose,
    # rtol 1e-7): 0.5 · (t − y)² elementwise.
    pred, target = [-2.0, -1.0, 0.5, 1.0], [-1.5, 0.0, -1, 1.0]
    optax = losscli.compute("mse", convention="optax", reduction="none", dtype="float64",
                            pred=pred, target=target)
    np.testing.assert_allclose(optax.value, [0.125, 0.5, 1.125, 0.0], rtol=1e-7)
    np.testing.assert_allclose(optax.value, 0.5 * value("mse", "none", pred=pred, target=target),
                               rtol=1e-15)
    # Its gradient is the error itself, x − y.
    x = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
    terms = registry().resolve("mse").load("impl")  # the torch terms, for the default
    assert torch.autograd.gradcheck(lambda a: terms(pred=a, target=torch.tensor(target,
                                    dtype=torch.float64)).values, (x,))
    result = losscli.compute("mse", convention="optax", reduction="sum", dtype="float64",
                             pred=pred, target=target, grad=True)
    np.testing.assert_allclose(result.grads["pred"], np.subtract(pred, target), rtol=1e-12)


# -------------------------------------------------------------------------------- robust

# Barron (CVPR 2019) and robust_loss_pytorch tests/general_test.py: the identities its tests
# assert for each special α, written out in z = (x/c)².
BARRON = {
    -math.inf: lambda z: 1 - math.exp(-z / 2),  # testAlphaEqualsNegativeInfinity, Welsch
    -2.0: lambda z: 2 * z / (z + 4),  # testAlphaEqualsNegativeTwo, Geman-McClure
    0.0: lambda z: math.log(z / 2 + 1),  # testAlphaEqualsZero, Cauchy
    1.0: lambda z: math.sqrt(z + 1) - 1,  # testAlphaEqualsOne, Charbonnier
    2.0: lambda z: z / 2,  # testAlphaEqualsTwo, L2
    4.0: lambda z: z * z / 8 + z / 2,  # testAlphaEqualsFour
    math.inf: lambda z: math.exp(z / 2) - 1,  # testAlphaEqualsInfinity
}


@pytest.mark.parametrize("alpha", sorted(BARRON))
@pytest.mark.parametrize("scale", [1.0, 0.5, 2.0])
def test_robust_special_alphas_match_barron_identities(alpha, scale):
    # robust_loss_pytorch tests/general_test.py checks these at rtol = atol = 1e-15 in float64.
    x = np.array(R + list(RNG.normal(size=5)))
    expected = [BARRON[alpha]((v / scale) ** 2) for v in x]
    for backend in ("torch", "numpy"):
        got = value("robust", "none", pred=x, target=np.zeros_like(x), alpha=alpha, scale=scale,
                    backend=backend)
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


# values_15 "derived" cases: float64 evaluations of lossfun's general branch at
# x = [0, 0.5, 1, 2, −3] (robust_loss_pytorch general.py @ 9831f1db).
GENERAL = {
    (0.5, 1.0): [0.0, 0.11786963287623542, 0.408658099402498, 1.1513477256927163,
                 1.879729685093357],
    (0.5, 0.5): [0.0, 0.408658099402498, 1.1513477256927163, 2.5444433713294248,
                 3.7082039324993694],
    (-1.0, 1.0): [0.0, 0.11769323150843147, 0.4019237886466839, 1.0360389878760685, 1.5],
    (-1.0, 2.0): [0.0, 0.030770044167638955, 0.11769323150843147, 0.4019237886466839,
                  0.7322131619446365],
}


@pytest.mark.parametrize(("alpha", "scale"), sorted(GENERAL))
def test_robust_general_alpha_values(alpha, scale):
    def ref(x, y, alpha, scale):
        # eq. 1 as written in the paper: |α−2|/α · (((x/c)²/|α−2| + 1)^(α/2) − 1)
        b = abs(alpha - 2)
        return b / alpha * ((((x - y) / scale) ** 2 / b + 1) ** (alpha / 2) - 1)

    for backend in ("torch", "numpy"):
        got = value("robust", "none", pred=R, target=[0.0] * 5, alpha=alpha, scale=scale,
                    backend=backend)
        np.testing.assert_allclose(got, GENERAL[alpha, scale], rtol=1e-13, atol=1e-15)
    check_against("robust", ref, RNG.normal(size=(2, 3)) * 3, RNG.normal(size=(2, 3)),
                  alpha=alpha, scale=scale)


def test_robust_is_each_kornia_loss_at_scale_one():
    pred, target = RNG.normal(size=8) * 3, RNG.normal(size=8)
    for loss, alpha in (("charbonnier", 1.0), ("cauchy", 0.0), ("geman-mcclure", -2.0),
                        ("welsch", -math.inf)):
        np.testing.assert_allclose(
            value("robust", "none", pred=pred, target=target, alpha=alpha),
            value(loss, "none", pred=pred, target=target), rtol=1e-13, atol=1e-16)


def test_robust_limits_are_continuous_and_scale_invariant():
    x = RNG.normal(size=6) * 2
    zeros = np.zeros_like(x)
    for limit in (0.0, 2.0):
        at = value("robust", "none", pred=x, target=zeros, alpha=limit)
        for near in (limit - 1e-9, limit + 1e-9, limit + 1e-4):
            got = value("robust", "none", pred=x, target=zeros, alpha=near)
            np.testing.assert_allclose(got, at, rtol=1e-3 if near - limit > 1e-6 else 1e-6)
    welsch = value("robust", "none", pred=x, target=zeros, alpha=-math.inf)
    np.testing.assert_allclose(value("robust", "none", pred=x, target=zeros, alpha=-1e8), welsch,
                               rtol=1e-6)
    # Barron's testScaleInvariance: ρ(k·x, α, k·c) = ρ(x, α, c).
    for alpha in (-3.0, 0.5, 3.0):
        np.testing.assert_allclose(
            value("robust", "none", pred=7 * x, target=zeros, alpha=alpha, scale=3.5),
            value("robust", "none", pred=x, target=zeros, alpha=alpha, scale=0.5), rtol=1e-12)


@pytest.mark.parametrize("alpha", [-math.inf, -2.0, -0.5, 0.0, 1e-9, 0.7, 2.0, 3.0, math.inf])
def test_robust_gradients(alpha):
    pred, target = RNG.normal(size=5), RNG.normal(size=5)
    gradcheck("robust", pred, target, alpha=alpha, scale=0.8)
    # ∂ρ/∂x = (x/c²)·((x/c)²/|α−2| + 1)^(α/2 − 1) (Barron, eq. 2) for a general α.
    if math.isfinite(alpha) and alpha not in (0.0, 2.0) and abs(alpha) > 1e-6:
        r = pred - target
        expected = r / 0.64 * ((r / 0.8) ** 2 / abs(alpha - 2) + 1) ** (alpha / 2 - 1)
        result = losscli.compute("robust", pred=pred, target=target, alpha=alpha, scale=0.8,
                                 reduction="sum", dtype="float64", grad=True)
        np.testing.assert_allclose(result.grads["pred"], expected, rtol=1e-12)


def test_robust_parameter_errors():
    assert "--scale" in fails("robust", pred=[1.0], target=[0.0], scale=0.0)
    assert "--alpha" in fails("robust", pred=[1.0], target=[0.0], alpha=math.nan)


# ------------------------------------------------------- against the installed libraries


def test_keras_agrees_where_installed():
    import os

    os.environ.setdefault("KERAS_BACKEND", "numpy")  # Keras 3 without TensorFlow, jax or torch
    keras = pytest.importorskip("keras")
    pred, target = RNG.uniform(-1, 3, size=(3, 4)), RNG.uniform(-1, 3, size=(3, 4))
    for loss, function in (("log-cosh", keras.losses.log_cosh),
                           ("mape", keras.losses.mean_absolute_percentage_error),
                           ("msle", keras.losses.mean_squared_logarithmic_error)):
        theirs = np.asarray(function(target, pred))  # per sample: the mean over the last axis
        ours = losscli.compute(loss, convention="keras", reduction="none", dtype="float64",
                               pred=pred, target=target).value
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_optax_agrees_where_installed():
    optax = pytest.importorskip("optax")
    import jax

    jax.config.update("jax_enable_x64", True)
    pred, target = RNG.normal(size=(3, 4)) * 3, RNG.normal(size=(3, 4))
    np.testing.assert_allclose(value("log-cosh", "none", pred=pred, target=target),
                               np.asarray(optax.losses.log_cosh(pred, target)), rtol=1e-12)
    l2 = losscli.compute("mse", convention="optax", reduction="none", dtype="float64",
                         pred=pred, target=target).value
    np.testing.assert_allclose(l2, np.asarray(optax.losses.l2_loss(pred, target)), rtol=1e-12)


# --- l1, mse, smooth-l1, huber: PyTorch's formulas in every reduction -------------------
# Each reference is written from the loss's PyTorch documentation page, not by calling
# torch; torch.nn.functional's mean is a second, separate check.

TORCH_RNG = np.random.default_rng(20261123)


def ref_l1(pred, target):
    return np.abs(pred - target)


def ref_mse(pred, target):
    return (pred - target) ** 2


def ref_smooth_l1(pred, target, beta):
    d = np.abs(pred - target)
    if beta == 0:
        return d
    return np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)


def ref_huber(pred, target, delta):
    d = np.abs(pred - target)
    return np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta))


TORCH_REFERENCES = {"l1": ref_l1, "mse": ref_mse, "smooth-l1": ref_smooth_l1, "huber": ref_huber}


def torch_logits(*shape):
    return TORCH_RNG.normal(0, 2, size=shape)


TORCH_CASES = [
    ("l1", dict(pred=torch_logits(4, 5), target=torch_logits(4, 5)), {}),
    ("l1", dict(pred=np.ones((4, 5)), target=np.zeros((4, 5))), {}),
    ("mse", dict(pred=torch_logits(3, 2, 2), target=torch_logits(3, 2, 2)), {}),
    ("smooth-l1", dict(pred=torch_logits(10), target=torch_logits(10)), {"beta": 0.5}),
    ("smooth-l1", dict(pred=torch_logits(10), target=torch_logits(10)), {"beta": 0.0}),
    ("huber", dict(pred=torch_logits(10), target=torch_logits(10)), {"delta": 2.0}),
]

TORCH_FUNCTIONAL = {
    "l1": lambda t, p, r: F.l1_loss(t["pred"], t["target"], reduction=r),
    "mse": lambda t, p, r: F.mse_loss(t["pred"], t["target"], reduction=r),
    "smooth-l1": lambda t, p, r: F.smooth_l1_loss(t["pred"], t["target"], reduction=r, **p),
    "huber": lambda t, p, r: F.huber_loss(t["pred"], t["target"], reduction=r, **p),
}


class TestTorchParity(TorchParity):
    CASES = TORCH_CASES
    REFERENCES = TORCH_REFERENCES
    FUNCTIONAL = TORCH_FUNCTIONAL


def test_grad_with_reduction_none_is_gradient_of_the_sum():
    x, t = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 3.0])
    result = losscli.compute("mse", pred=x, target=t, reduction="none", dtype="float64", grad=True)
    np.testing.assert_allclose(result.grads["pred"], 2 * (x - t))
    np.testing.assert_allclose(result.grads["target"], -2 * (x - t))


# The seed documents' worked examples (values from the prose).
SEEDS = [
    ("l1", dict(pred=np.ones((4, 5)).tolist(), target=np.zeros((4, 5)).tolist()), 1.0),
    ("mse", dict(pred=(2 * np.ones((4, 5))).tolist(), target=np.zeros((4, 5)).tolist()), 4.0),
    ("smooth-l1", dict(pred=[0.8, 0.1], target=[1, 1]), 0.2125),
]


@pytest.mark.parametrize("name,inputs,expected", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_examples(name, inputs, expected):
    assert losscli.compute(name, dtype="float64", **inputs).value == pytest.approx(
        expected, rel=1e-6
    )


def test_huber_is_delta_times_smooth_l1():
    x, t = torch_logits(12), torch_logits(12)
    huber = losscli.compute("huber", pred=x, target=t, delta=0.7, dtype="float64")
    smooth = losscli.compute("smooth-l1", pred=x, target=t, beta=0.7, dtype="float64")
    assert huber.value == pytest.approx(0.7 * smooth.value, rel=1e-12)
