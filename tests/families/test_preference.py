"""dpo, simpo and orpo against independent float64 formulas and derived reference values.

The references are scalar loops with :mod:`math` written from the papers and from TRL's
trainers (DPOTrainer.dpo_loss in trl/trainer/dpo_trainer.py v0.19.0 and _compute_loss in
v1.9.0; CPOTrainer.cpo_loss with loss_type="simpo" and ORPOTrainer.odds_ratio_loss in
trl/experimental/ v1.9.0). TRL's own tests assert no DPO number (they check isfinite, and
its invariant reference gives ln 2 = 0.6931471824645996 in float32 because policy equals
reference), so the fixed numbers below were derived by running those formulas in float64;
each is worked out by hand in its comment.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from family_helpers import assert_one_line_error, both_backends, compute, gradcheck

# Three pairs: policy and reference summed log-probabilities of chosen and rejected.
PC, PR = [-12.0, -30.5, -8.25], [-15.0, -28.0, -9.0]
RC, RR = [-13.0, -30.0, -8.0], [-14.0, -29.0, -9.5]
DPO = {"policy_chosen": PC, "policy_rejected": PR, "ref_chosen": RC, "ref_rejected": RR}
# z = (πc − πr) − (refc − refr): (3 − 1, −2.5 − (−1), 0.75 − 1.5) = (2, −1.5, −0.75)
Z = [2.0, -1.5, -0.75]


def log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def ref_dpo(pc, pr, rc, rr, beta=0.1, loss_type="sigmoid", eps=0.0, trl_v1=False):
    """One term per pair, written from the DPO, IPO and robust DPO papers (TRL's names)."""
    terms = []
    for a, b, c, d in zip(pc, pr, rc, rr):
        z = (a - b) - (c - d)
        m = beta * z
        if loss_type == "hinge":
            terms.append(max(0.0, 1 - m))
        elif loss_type == "ipo":
            terms.append((z - 1 / (2 * beta)) ** 2)
        elif loss_type == "robust":
            terms.append((-(1 - eps) * log_sigmoid(m) + eps * log_sigmoid(-m)) / (1 - 2 * eps))
        else:
            e = 0.0 if trl_v1 else eps
            terms.append(-(1 - e) * log_sigmoid(m) - e * log_sigmoid(-m))
    return np.array(terms)


def ref_simpo(c, r, lc, lr, beta=2.0, gamma=0.5):
    return np.array([-log_sigmoid(beta * (a / la - b / lb) - gamma)
                     for a, b, la, lb in zip(c, r, lc, lr)])


def ref_orpo(c, r, beta=0.1):
    """ℓ = −β·log σ(log odds), odds p/(1 − p) with p = exp(average log-probability)."""
    def log_odds(x):
        return x - math.log(-math.expm1(x))

    return np.array([-beta * log_sigmoid(log_odds(a) - log_odds(b)) for a, b in zip(c, r)])


# ----------------------------------------------------------------------------- dpo


@pytest.mark.parametrize(("loss_type", "beta", "eps", "terms"), [
    # sigmoid, β = 0.1: m = (0.2, −0.15, −0.075); −log σ(0.2) = log(1 + e^−0.2) = 0.598139
    ("sigmoid", 0.1, 0.0, [0.5981388693815918, 0.7709570477895321, 0.7313501408267951]),
    # hinge: 1 − m = (0.8, 1.15, 1.075)
    ("hinge", 0.1, 0.0, [0.8, 1.15, 1.075]),
    # ipo: 1/(2β) = 5; (2 − 5)² = 9, (−1.5 − 5)² = 42.25, (−0.75 − 5)² = 33.0625
    ("ipo", 0.1, 0.0, [9.0, 42.25, 33.0625]),
    # robust with ε = 0 is sigmoid
    ("robust", 0.1, 0.0, [0.5981388693815918, 0.7709570477895321, 0.7313501408267951]),
    # conservative DPO, β = 0.5, ε = 0.1: m = (1, −0.75, −0.375);
    # 0.9·log(1 + e^−1) + 0.1·log(1 + e^1) = 0.9·0.313262 + 0.1·1.313262 = 0.413262
    ("sigmoid", 0.5, 0.1, [0.4132616875182229, 1.0618710061149, 0.8606232641398401]),
    # robust: (0.9·0.313262 − 0.1·1.313262) / 0.8 = 0.188262
    ("robust", 0.5, 0.1, [0.1882616875182229, 1.2306210061148999, 0.9449982641398402]),
])
def test_dpo_derived_values_and_the_formula(loss_type, beta, eps, terms):
    params = {"beta": beta, "loss_type": loss_type, "label_smoothing": eps}
    np.testing.assert_allclose(ref_dpo(PC, PR, RC, RR, beta, loss_type, eps), terms,
                               rtol=1e-13)
    both_backends("dpo", float(np.mean(terms)), **DPO, **params)
    got = compute("dpo", reduction="none", **DPO, **params)
    np.testing.assert_allclose(got.terms, terms, rtol=1e-12)


def test_dpo_rewards_and_margin_are_trl_rewards():
    # β·(πc − refc) = 0.1·(1, −0.5, −0.25); β·(πr − refr) = 0.1·(−1, 1, 0.5); margin β·z
    for backend in ("torch", "numpy"):
        got = compute("dpo", backend=backend, **DPO)
        np.testing.assert_allclose(got.details["chosen reward"], [0.1, -0.05, -0.025])
        np.testing.assert_allclose(got.details["rejected reward"], [-0.1, 0.1, 0.05])
        np.testing.assert_allclose(got.details["reward margin"], 0.1 * np.array(Z))


def test_dpo_policy_equal_to_reference_is_ln2():
    # TRL's invariant reference (tests/invariant/references/dpo.json, v1.9.0): step-1 loss
    # 0.6931471824645996 = ln 2 in float32, as every margin is 0 and −log σ(0) = ln 2.
    same = {"policy_chosen": PC, "policy_rejected": PR, "ref_chosen": PC, "ref_rejected": PR}
    both_backends("dpo", math.log(2), **same)
    assert compute("dpo", dtype="float32", **same).value == pytest.approx(
        0.6931471824645996, abs=1e-7)


def test_dpo_trl_1_9_sigmoid_ignores_label_smoothing():
    params = {"beta": 0.5, "label_smoothing": 0.1}
    v1 = compute("dpo", convention="trl-1.9", **DPO, **params)
    v019 = compute("dpo", convention="trl-0.19", **DPO, **params)
    np.testing.assert_allclose(v1.terms, ref_dpo(PC, PR, RC, RR, 0.5, eps=0.1, trl_v1=True),
                               rtol=1e-12)
    assert v019.value == pytest.approx(0.7785853192576543, rel=1e-12)
    assert v1.value != pytest.approx(v019.value, rel=1e-3)
    robust = compute("dpo", convention="trl-1.9", loss_type="robust", **DPO, **params)
    assert robust.value == pytest.approx(0.7879603192576544, rel=1e-12)  # ε still used


def test_dpo_extreme_margins_stay_finite():
    # TRL's test_dpo_loss_js_div_f inputs (v0.19.0): z = (410 − 95.5) − (−610 − 5.5) = 930,
    # m = 93: −log σ(93) = log1p(e^−93) = 4.08e-41; second pair m = 0.1·(−0.1 − 0.6) = −0.07.
    values = {"policy_chosen": [-1e-9, -0.1], "policy_rejected": [-314.5, -0.2],
              "ref_chosen": [-1020.0, -0.1], "ref_rejected": [-0.5, -0.9]}
    want = ref_dpo(*values.values())
    assert want[0] == pytest.approx(math.exp(-(0.1 * (314.5 + 1019.5 - 1e-9))), rel=1e-6)
    for backend in ("torch", "numpy"):
        got = compute("dpo", backend=backend, reduction="none", **values)
        np.testing.assert_allclose(got.terms, want, rtol=1e-12)


@pytest.mark.parametrize("loss_type", ["sigmoid", "hinge", "ipo", "robust"])
@pytest.mark.parametrize("wrt", list(DPO))
def test_dpo_gradients(loss_type, wrt):
    gradcheck("dpo", DPO, wrt=wrt, beta=0.3, loss_type=loss_type, label_smoothing=0.2)


def test_dpo_gradient_of_sigmoid_is_the_papers():
    # ∂ℓ/∂πc = −β·σ(−m) (Rafailov et al. eq. 7); for pair 0, m = 0.2: −0.1·σ(−0.2) = −0.0450166
    got = compute("dpo", grad=True, reduction="sum", **DPO)
    want = [-0.1 / (1 + math.exp(0.1 * z)) for z in Z]
    np.testing.assert_allclose(got.grads["policy_chosen"], want, rtol=1e-12)
    np.testing.assert_allclose(got.grads["ref_chosen"], -np.array(want), rtol=1e-12)


# ----------------------------------------------------------------------------- simpo

SIMPO = {"chosen": PC, "rejected": PR, "chosen_length": [4.0, 10.0, 3.0],
         "rejected_length": [5.0, 8.0, 3.0]}
# averages: chosen (−3, −3.05, −2.75), rejected (−3, −3.5, −3); Δ = (0, 0.45, 0.25)


@pytest.mark.parametrize(("beta", "gamma", "mean"), [
    # TRL CPOConfig defaults β = 0.1, simpo_gamma = 0.5: −log σ(0.1·0 − 0.5) = 0.974077
    (0.1, 0.5, 0.9596570617021438),
    # reference code's defaults β = 2, γ = 0.5: (0.974077, −log σ(0.4), ln 2)
    (2.0, 0.5, 0.7267464723800016),
    # Llama-3-Instruct setting β = 2.5, γ = 1.375: −log σ(−1.375), −log σ(−0.25), −log σ(−0.75)
    (2.5, 1.375, 1.1877410258651304),
])
def test_simpo_derived_values_and_the_formula(beta, gamma, mean):
    terms = ref_simpo(*SIMPO.values(), beta=beta, gamma=gamma)
    assert terms.mean() == pytest.approx(mean, rel=1e-13)
    both_backends("simpo", mean, **SIMPO, beta=beta, gamma=gamma)


def test_simpo_defaults_and_averages():
    got = compute("simpo", **SIMPO)
    assert got.params == {"beta": 2.0, "gamma": 0.5}
    np.testing.assert_allclose(got.details["avg chosen"], [-3.0, -3.05, -2.75])
    np.testing.assert_allclose(got.details["reward margin"], [0.0, 0.9, 0.5], atol=1e-13)
    averaged = {"chosen": [-3.0, -3.05, -2.75], "rejected": [-3.0, -3.5, -3.0],
                "chosen_length": [1.0] * 3, "rejected_length": [1.0] * 3}
    assert compute("simpo", **averaged).value == pytest.approx(got.value, rel=1e-12)


@pytest.mark.parametrize("wrt", list(SIMPO))
def test_simpo_gradients(wrt):
    gradcheck("simpo", SIMPO, wrt=wrt, beta=2.0, gamma=0.5)


# ----------------------------------------------------------------------------- orpo

ORPO_NEAR_ZERO = {"chosen": [-0.5, -0.001, -2.0], "rejected": [-1.5, -0.7, -0.1]}
ORPO_AVERAGES = {"chosen": [-3.0, -3.05, -2.75], "rejected": [-3.0, -3.5, -3.0]}


@pytest.mark.parametrize(("values", "log_odds", "mean"), [
    # log odds = (c − r) − (log(1 − eᶜ) − log(1 − eʳ)): pair 0 of the first case
    # (−0.5 + 1.5) − (log(0.393469) − log(0.776870)) = 1 + 0.680270 = 1.680270
    (ORPO_NEAR_ZERO, [1.6802696706417346, 6.9209142345070855, -4.106755003175232],
     0.14316425832582955),
    # equal averages: log odds 0, −0.1·log σ(0) = 0.1·ln 2
    (ORPO_AVERAGES, [0.0, 0.4678543558177118, 0.26499355317133294], 0.058296157518048064),
])
def test_orpo_derived_values_and_the_formula(values, log_odds, mean):
    assert ref_orpo(*values.values()).mean() == pytest.approx(mean, rel=1e-13)
    both_backends("orpo", mean, **values)
    for backend in ("torch", "numpy"):
        got = compute("orpo", backend=backend, **values)
        np.testing.assert_allclose(got.details["log odds"], log_odds, rtol=1e-12, atol=1e-15)


def test_orpo_log1mexp_is_finite_where_trl_0_19_is_not():
    # log(1 − e^x) at x = −1e-8: float64 −18.420680748952364; in float32 exp(−1e-8) = 1 and
    # log1p(−1) = −inf (TRL v0.19), log(−expm1(x)) = −18.420681 (TRL v1.9).
    values = {"chosen": [-1e-8], "rejected": [-1.0]}
    stable = compute("orpo", dtype="float32", reduction="none", **values)
    naive = compute("orpo", convention="trl-0.19", dtype="float32", reduction="none", **values)
    want = -0.1 * log_sigmoid(-1e-8 + 1.0 + 18.420680748952364 + math.log(-math.expm1(-1.0)))
    assert float(stable.terms[0]) == pytest.approx(want, rel=1e-5)
    assert np.isinf(float(naive.details["log odds"][0]))
    numpy = compute("orpo", backend="numpy", dtype="float32", **values)
    assert numpy.value == pytest.approx(want, rel=1e-5)
    assert compute("orpo", convention="trl-0.19", **ORPO_NEAR_ZERO).value == pytest.approx(
        0.14316425832582955, rel=1e-12)  # the same away from 0, in float64


@pytest.mark.parametrize("wrt", ["chosen", "rejected"])
def test_orpo_gradients(wrt):
    gradcheck("orpo", ORPO_NEAR_ZERO, wrt=wrt, beta=0.1)
    gradcheck("orpo", {"chosen": [-0.2, -3.0], "rejected": [-0.9, -0.5]}, wrt=wrt, beta=0.1)


# ----------------------------------------------------------------------------- inputs

_DPO_ARGS = ("--policy-chosen", "[-1.0, -2.0]", "--policy-rejected", "[-2.0, -1.0]",
             "--ref-chosen", "[-1.5, -1.5]", "--ref-rejected", "[-1.5, -1.5]")

BAD = [
    (("dpo", *_DPO_ARGS[:3], "[0.5, -1.0]", *_DPO_ARGS[4:]), "--policy-rejected",
     "value 0.5 is not <= 0 (a log-probability"),
    (("dpo", *_DPO_ARGS[:7], "[-1.0]"), "--ref-rejected",
     "shape (1) does not match --policy-chosen shape (2)"),
    (("dpo", "--policy-chosen", "[[-1.0]]", *_DPO_ARGS[2:]), "--policy-chosen",
     "one value per pair, shape (N)"),
    (("dpo", *_DPO_ARGS, "--beta", "0"), "--beta", "must be > 0"),
    (("dpo", *_DPO_ARGS, "--label-smoothing", "0.6"), "--label-smoothing", "must be <= 0.5"),
    (("dpo", *_DPO_ARGS, "--loss-type", "robust", "--label-smoothing", "0.5"),
     "--label-smoothing", "needs ε < 0.5"),
    (("dpo", *_DPO_ARGS, "--loss-type", "kto"), "--loss-type", "kto"),
    (("simpo", "--chosen", "[-1.0]", "--rejected", "[-2.0]", "--chosen-length", "[0]",
      "--rejected-length", "[3]"), "--chosen-length", "positive"),
    (("simpo", "--chosen", "[1.0]", "--rejected", "[-2.0]", "--chosen-length", "[2]",
      "--rejected-length", "[3]"), "--chosen", "is not <= 0"),
    (("simpo", "--chosen", "[-1.0]", "--rejected", "[-2.0]", "--chosen-length", "[2, 2]",
      "--rejected-length", "[3]"), "--chosen-length", "does not match --chosen shape (1)"),
    (("orpo", "--chosen", "[0.0, -1.0]", "--rejected", "[-1.0, -2.0]"), "--chosen",
     "value 0 is not < 0"),
    (("orpo", "--chosen", "[-0.5, -1.0]", "--rejected", "[-1.0, nan]"), "--rejected",
     "not a valid TENSOR literal"),
    (("orpo", "--chosen", "[-0.5]", "--rejected", "[-1.0]", "--beta", "-1"), "--beta",
     "must be >= 0"),
]


@pytest.mark.parametrize("args,argument,fragment", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_exits_2_with_one_line(cli, args, argument, fragment):
    for backend in ("torch", "numpy"):
        assert_one_line_error(cli(*args, "--backend", backend), argument, fragment)


def test_label_smoothing_without_effect_is_a_warning(cli):
    out = cli("dpo", *_DPO_ARGS, "--loss-type", "hinge", "--label-smoothing", "0.1", "--json")
    assert out.code == 0
    assert "hinge does not use label smoothing" in json.dumps(json.loads(out.stdout))


def test_the_table_shows_the_reward_margin(cli):
    out = cli("dpo", *_DPO_ARGS)
    assert out.code == 0 and "reward margin" in out.stdout
    data = json.loads(cli("dpo", *_DPO_ARGS, "--json").stdout)
    # z = (−1 + 2) − 0 = 1 and (−2 + 1) − 0 = −1: margins ±0.1
    assert data["value"] == pytest.approx((log_sigmoid(-0.1) * -1 + -log_sigmoid(0.1)) / 2,
                                          rel=1e-6)


def test_explain_works_the_margin_out(cli):
    out = cli("dpo", *_DPO_ARGS, "--explain")
    assert out.code == 0
    assert "reward margin m = 0.05 − (−0.05) = β·z = 0.1" in out.stdout
    assert ("sigmoid: ℓ = −(1 − ε)·log σ(m) − ε·log σ(−m)\n  ℓ = −log σ(0.1) = 0.644397"
            in out.stdout)
    smoothed = cli("dpo", *_DPO_ARGS, "--explain", "--label-smoothing", "0.2", "--loss-type",
                   "robust").stdout
    # (0.8·0.644397 − 0.2·0.744397) / 0.6 = (0.515518 − 0.148879) / 0.6 = 0.611063
    assert "ℓ = (−(1 − 0.2)·log σ(0.1) + 0.2·log σ(−0.1)) / (1 − 2·0.2) = 0.611063" in smoothed
    ipo = cli("dpo", *_DPO_ARGS, "--explain", "--loss-type", "ipo").stdout
    assert "ℓ = (0.1/0.1 − 1/(2·0.1))² = 16" in ipo  # z = 1: (1 − 5)²



def test_dpo_plots_the_loss_against_the_reward_margin():
    from losscli.families.registry import registry
    from losscli.tools.plot.axes import axis_for
    from losscli.tools.plot.curves import plot_data

    spec = registry().resolve("dpo")
    axis = axis_for(spec, None)
    assert axis.name == "margin"
    data = plot_data(spec, axis, {"loss_type": ["sigmoid", "hinge"]}, points=7, grad=True)
    margins = np.linspace(-5.0, 5.0, 7)
    sigmoid, hinge = data.curves
    # β = 1: m = z, sigmoid −log σ(m) with slope ∂ℓ/∂πc = −σ(−m); hinge max(0, 1 − m)
    np.testing.assert_allclose(sigmoid.y, [-log_sigmoid(m) for m in margins], rtol=1e-12)
    np.testing.assert_allclose(sigmoid.grad, [-1 / (1 + math.exp(m)) for m in margins],
                               rtol=1e-12)
    np.testing.assert_allclose(hinge.y, np.maximum(0, 1 - margins), atol=1e-12)
