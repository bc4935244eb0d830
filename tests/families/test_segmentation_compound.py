"""dice-ce against an independent float64 formula, MONAI's published values, gradients,
both backends and the installed MONAI (skipped if absent)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import losscli

RNG = np.random.default_rng(18)
BACKENDS = ("numpy", "torch")


def value(loss, backend="numpy", reduction="mean", **kwargs):
    result = losscli.compute(loss, backend=backend, dtype="float64", reduction=reduction,
                             **kwargs)
    return np.asarray(result.value)


def dice_ce_reference(x, labels, lam_d=1.0, lam_ce=1.0, background=True, s=1e-5):
    """Loops: softmax p; per sample mean of the class Dice losses + mean of the pixel CEs."""
    n, classes, size = x.shape
    out = []
    for i in range(n):
        probs, ces = [], []
        for k in range(size):
            exps = [math.exp(x[i, c, k]) for c in range(classes)]
            probs.append([e / sum(exps) for e in exps])
            ces.append(-math.log(probs[-1][labels[i, k]]))
        dices = []
        for c in range(0 if background else 1, classes):
            inter = sum(probs[k][c] for k in range(size) if labels[i, k] == c)
            total = sum(probs[k][c] for k in range(size)) + sum(
                1 for k in range(size) if labels[i, k] == c)
            dices.append(1 - (2 * inter + s) / (total + s))
        out.append(lam_d * sum(dices) / len(dices) + lam_ce * sum(ces) / size)
    return np.array(out)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("background", [True, False])
def test_dice_ce_matches_the_float64_formula(backend, background):
    x = RNG.normal(size=(3, 4, 2, 3))
    labels = RNG.integers(0, 4, (3, 2, 3))
    want = dice_ce_reference(x.reshape(3, 4, -1), labels.reshape(3, -1), 0.7, 1.3, background)
    kwargs = dict(pred=x, from_logits="softmax", include_background=background,
                  lambda_dice=0.7, lambda_ce=1.3)
    np.testing.assert_allclose(value("dice-ce", backend, "none", target=labels, **kwargs), want,
                               rtol=1e-12)
    one_hot = np.moveaxis(np.eye(4)[labels], -1, 1)
    np.testing.assert_allclose(value("dice-ce", backend, "none", target=one_hot, **kwargs), want,
                               rtol=1e-12)


def test_dice_ce_ce_part_ignores_the_activation_and_the_background_flag():
    # λ_dice = 0 leaves the CE of the raw logits over all channels, whatever the flags
    x = RNG.normal(size=(2, 3, 4))
    y = RNG.integers(0, 3, (2, 4))
    ce = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(y)).item()
    for flags in ({"from_logits": "none"}, {"from_logits": "sigmoid"},
                  {"from_logits": "softmax", "include_background": False}):
        assert value("dice-ce", pred=x, target=y, lambda_dice=0.0, **flags) == pytest.approx(
            ce, rel=1e-12)


# MONAI tests/losses/test_dice_ce_loss.py TEST_CASES (tag 1.5.0; the installed 1.6.1 passes
# them), atol = rtol = 1e-4 there. Cases with weight=[1, 1] are the unweighted loss.
_X = [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]]
_X100 = [[[100.0, 100.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]]
_Y = [[[0, 0, 1]], [[0, 1, 0]]]
MONAI_CE = [
    ({}, _X, _Y, 0.3133),
    ({}, _X, _X, 0.3133),  # one-hot float target
    ({"include_background": False}, _X100, _Y, 0.2088),
    ({"include_background": False, "lambda_ce": 2.0}, _X100, _Y, 0.4176),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("params,pred,target,expected", MONAI_CE,
                         ids=[str(i) for i in range(len(MONAI_CE))])
def test_dice_ce_monai_published_values(backend, params, pred, target, expected):
    got = value("dice-ce", backend, pred=pred, target=target, **params)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # 0.3133 is −1 + log(1 + e): Dice 0 (the one-hot input is the target), the CE alone
    if expected == 0.3133:
        assert got == pytest.approx(-1 + math.log(1 + math.e), abs=1e-5)


def test_dice_ce_gradcheck():
    from losscli.families.segmentation.torch_terms import dice_ce

    x = torch.tensor(RNG.normal(size=(2, 3, 2, 2)), requires_grad=True)
    y = torch.tensor(RNG.integers(0, 3, (2, 2, 2)))
    for act in ("softmax", "sigmoid"):
        assert torch.autograd.gradcheck(lambda a, f=act: dice_ce(
            pred=a, target=y, from_logits=f, include_background=False, lambda_dice=0.6,
            lambda_ce=1.4, smooth_nr=1e-5, smooth_dr=1e-5).values, (x,))
    one = torch.tensor(RNG.normal(size=(2, 1, 3)), requires_grad=True)  # C = 1: BCE with logits
    mask = torch.tensor(RNG.integers(0, 2, (2, 3)))
    assert torch.autograd.gradcheck(lambda a: dice_ce(
        pred=a, target=mask, from_logits="sigmoid", include_background=True, lambda_dice=1.0,
        lambda_ce=1.0, smooth_nr=1e-5, smooth_dr=1e-5).values, (one,))


def test_dice_ce_against_installed_monai():
    monai = pytest.importorskip("monai")
    x = RNG.normal(size=(2, 3, 4, 3))
    y = RNG.integers(0, 3, (2, 1, 4, 3))
    for background in (True, False):
        for lam in (0.5, 2.0):
            loss = monai.losses.DiceCELoss(softmax=True, to_onehot_y=True,
                                           include_background=background, lambda_ce=lam)
            want = loss(torch.tensor(x), torch.tensor(y)).item()
            got = value("dice-ce", "torch", pred=x, target=y, from_logits="softmax",
                        include_background=background, lambda_ce=lam)
            assert got == pytest.approx(want, rel=1e-10)
    x1, y1 = RNG.normal(size=(2, 1, 5)), RNG.integers(0, 2, (2, 1, 5))
    want = monai.losses.DiceCELoss(sigmoid=True)(torch.tensor(x1), torch.tensor(y1)).item()
    assert value("dice-ce", pred=x1, target=y1, from_logits="sigmoid") == pytest.approx(
        want, rel=1e-10)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[0.5, 0.5]]", "-t", "[[0, 1]]"), "--pred", "(N, C, d1, ...)"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 2]]"), "--target", "out of range"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 1]]", "--lambda-ce", "-1"),
     "--lambda-ce", ">= 0"),
])
def test_dice_ce_bad_input_is_one_line(cli, args, argument, fragment):
    out = cli("dice-ce", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0] and fragment in lines[0], out.stderr


# --- dice-focal --------------------------------------------------------------------------


def focal_reference(x, labels, gamma, alpha, background):
    """Per sample, mean over (class, pixel) of (1 − p_t)^γ·(−ln p_t)[·α_t], p = σ(x)."""
    n, classes, size = x.shape
    out = []
    for i in range(n):
        terms = []
        for c in range(0 if background else 1, classes):
            for k in range(size):
                g = 1.0 if labels[i, k] == c else 0.0
                p = 1 / (1 + math.exp(-x[i, c, k]))
                p_t = p if g else 1 - p
                term = (1 - p_t) ** gamma * -math.log(p_t)
                if alpha is not None:
                    term *= alpha if g else 1 - alpha
                terms.append(term)
        out.append(sum(terms) / len(terms))
    return np.array(out)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("gamma,alpha,background", [(2.0, None, True), (1.0, 0.25, False),
                                                    (0.0, 0.6, True)])
def test_dice_focal_matches_the_float64_formula(backend, gamma, alpha, background):
    x = RNG.normal(size=(3, 3, 2, 2))
    labels = RNG.integers(0, 3, (3, 2, 2))
    flat_x, flat_y = x.reshape(3, 3, -1), labels.reshape(3, -1)
    dice = dice_ce_reference(flat_x, flat_y, 1.0, 0.0, background)  # the Dice part alone
    want = 0.8 * dice + 1.7 * focal_reference(flat_x, flat_y, gamma, alpha, background)
    got = value("dice-focal", backend, "none", pred=x, target=labels, from_logits="softmax",
                include_background=background, gamma=gamma, alpha=alpha, lambda_dice=0.8,
                lambda_focal=1.7)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# MONAI's own DiceFocal tests (tests/losses/test_dice_focal_loss.py, tag 1.5.0) only assert
# DiceFocal == Dice + λ·Focal on random inputs; these four values were derived with the
# installed MONAI 1.6.1. The focal part is the sigmoid one even with softmax=True.
MONAI_FOCAL = [
    ({}, 0.09797242283821106),
    ({"from_logits": "softmax"}, 0.3838915526866913),
    ({"from_logits": "sigmoid", "lambda_focal": 0.5}, 0.41227757930755615),
    ({"from_logits": "softmax", "include_background": False, "gamma": 1.0, "alpha": 0.25},
     0.5359010100364685),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("params,expected", MONAI_FOCAL, ids=[str(i) for i in range(4)])
def test_dice_focal_monai_derived_values(backend, params, expected):
    got = value("dice-focal", backend, pred=_X, target=_Y, **params)
    assert got == pytest.approx(expected, rel=1e-6)


def test_dice_focal_gradcheck():
    from losscli.families.segmentation.torch_terms import dice_focal

    x = torch.tensor(RNG.normal(size=(2, 3, 2, 2)), requires_grad=True)
    y = torch.tensor(RNG.integers(0, 3, (2, 2, 2)))
    for alpha in (None, 0.3):
        assert torch.autograd.gradcheck(lambda a, al=alpha: dice_focal(
            pred=a, target=y, from_logits="softmax", include_background=False, gamma=1.5,
            alpha=al, lambda_dice=0.6, lambda_focal=1.4, smooth_nr=1e-5,
            smooth_dr=1e-5).values, (x,))


def test_dice_focal_against_installed_monai():
    monai = pytest.importorskip("monai")
    x = RNG.normal(size=(2, 3, 4, 3))
    y = RNG.integers(0, 3, (2, 1, 4, 3))
    for kwargs, ours in [({"softmax": True}, {"from_logits": "softmax"}),
                         ({"sigmoid": True, "gamma": 1.0, "alpha": 0.25,
                           "include_background": False},
                          {"from_logits": "sigmoid", "gamma": 1.0, "alpha": 0.25,
                           "include_background": False})]:
        loss = monai.losses.DiceFocalLoss(to_onehot_y=True, lambda_focal=0.7, **kwargs)
        want = loss(torch.tensor(x), torch.tensor(y)).item()
        got = value("dice-focal", "torch", pred=x, target=y, lambda_focal=0.7, **ours)
        assert got == pytest.approx(want, rel=1e-6)  # parts of MONAI's focal run in float32


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 1]]", "--alpha", "2"), "--alpha", "<= 1"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 1]]", "--gamma", "-1"), "--gamma", ">= 0"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 1, 0]]"), "--target", "does not fit"),
])
def test_dice_focal_bad_input_is_one_line(cli, args, argument, fragment):
    out = cli("dice-focal", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0] and fragment in lines[0], out.stderr
