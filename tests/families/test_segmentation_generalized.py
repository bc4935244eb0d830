"""generalized-dice against an independent float64 formula (Sudre et al. 2017 with MONAI's
absent-class rule), MONAI's own published test values, gradients, both backends and the
installed MONAI (skipped if absent).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import losscli

RNG = np.random.default_rng(17)
BACKENDS = ("numpy", "torch")


def value(backend="numpy", reduction="mean", **kwargs):
    result = losscli.compute("generalized-dice", backend=backend, dtype="float64",
                             reduction=reduction, **kwargs)
    return np.asarray(result.value)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def reference(p, labels, w_type="square", background=True, s_nr=1e-5, s_dr=1e-5):
    """Loops over samples, classes and pixels; p (N, C, S) probabilities, labels (N, S)."""
    n, classes, size = p.shape
    first = 0 if background else 1
    out = []
    for i in range(n):
        inter, total, weights = [], [], []
        for c in range(first, classes):
            g = [1.0 if labels[i, s] == c else 0.0 for s in range(size)]
            inter.append(sum(p[i, c, s] * g[s] for s in range(size)))
            total.append(sum(p[i, c, s] for s in range(size)) + sum(g))
            volume = sum(g)
            if w_type == "uniform":
                weights.append(1.0)
            elif volume == 0:
                weights.append(math.inf)
            else:
                weights.append(1 / volume**2 if w_type == "square" else 1 / volume)
        finite = [w for w in weights if math.isfinite(w)]
        largest = max(finite) if finite else 0.0
        weights = [w if math.isfinite(w) else largest for w in weights]
        numerator = 2 * sum(w * a for w, a in zip(weights, inter, strict=True)) + s_nr
        denominator = sum(w * b for w, b in zip(weights, total, strict=True)) + s_dr
        out.append(1 - numerator / denominator)
    return np.array(out)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("w_type", ["square", "simple", "uniform"])
@pytest.mark.parametrize("background", [True, False])
def test_matches_the_float64_formula(backend, w_type, background):
    p = softmax(RNG.normal(size=(3, 4, 3, 2)))
    labels = RNG.integers(0, 3, (3, 3, 2))  # class 3 never present: the absent-class rule
    labels[1] = 0  # sample 1: only class 0
    want = reference(p.reshape(3, 4, -1), labels.reshape(3, -1), w_type, background)
    got = value(backend, "none", pred=p, target=labels, w_type=w_type,
                include_background=background)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # the same with one-hot targets
    one_hot = np.moveaxis(np.eye(4)[labels], -1, 1)
    np.testing.assert_allclose(value(backend, "none", pred=p, target=one_hot, w_type=w_type,
                                     include_background=background), want, rtol=1e-12)


def test_hand_value_of_the_absent_class_weight():
    # one sample, 2 pixels, 2 classes, both labelled 0: G = (2, 0), w = (1/4, 1/4 (the max));
    # p = [[.8, .6], [.2, .4]]: I = (1.4, 0), P + G = (3.4, 0.6)
    # ℓ = 1 − (2·¼·1.4) / (¼·3.4 + ¼·0.6) = 1 − 0.7 / 1.0 = 0.3
    got = value(pred=[[[0.8, 0.6], [0.2, 0.4]]], target=[[0, 0]], smooth_nr=0, smooth_dr=0)
    assert got == pytest.approx(0.3, rel=1e-14)


# MONAI tests/losses/test_generalized_dice_loss.py TEST_CASES (tag 1.5.0, passed by the
# installed 1.6.1), rtol 1e-5 there. MONAI's to_onehot_y label maps are given as integers.
_X3 = [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]
_Y3 = [[[1, 0, 0]], [[1, 1, 0]]]
_SOFT = [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]]
MONAI = [
    ({"from_logits": "sigmoid", "smooth_nr": 1e-6, "smooth_dr": 1e-6},
     [[[[1.0, -1.0], [-1.0, 1.0]]]], [[[[1.0, 0.0], [1.0, 1.0]]]], 0.307576),
    ({"from_logits": "sigmoid", "smooth_nr": 1e-4, "smooth_dr": 1e-4},
     [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.416597),
    ({"smooth_nr": 1e-4, "smooth_dr": 1e-4}, _SOFT, _SOFT, 0.307748),  # soft_label=False
    ({"include_background": False, "smooth_nr": 0.0, "smooth_dr": 0.0},
     [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]],
     [[[0, 0, 1]], [[0, 1, 0]]], 0.0),
    ({"from_logits": "sigmoid", "smooth_nr": 1e-4, "smooth_dr": 1e-4}, _X3, _Y3, 0.469964),
    ({"from_logits": "softmax", "smooth_nr": 1e-4, "smooth_dr": 1e-4}, _X3, _Y3, 0.414507),
    ({"from_logits": "softmax", "smooth_nr": 1e-4, "smooth_dr": 1e-4, "reduction": "sum"},
     _X3, _Y3, 0.829015),
    ({"from_logits": "softmax", "smooth_nr": 1e-4, "smooth_dr": 1e-4, "reduction": "none"},
     _X3, _Y3, [0.273476, 0.555539]),
    ({"include_background": False, "smooth_nr": 1e-8, "smooth_dr": 1e-8},
     [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]],
     [[[0, 0, 0]], [[0, 0, 0]]], 0.0),
    ({"from_logits": "softmax", "w_type": "simple", "smooth_nr": 0.0, "smooth_dr": 0.0},
     [[[0.0, 10.0, 10.0, 10.0], [10.0, 0.0, 0.0, 0.0]]], [[[1, 1, 0, 0]]], 0.250023),
    # derived with the installed MONAI 1.6.1 at the default smoothing, one input, each w_type
    ({"from_logits": "softmax", "w_type": "square"}, _X3, _Y3, 0.4145183861255646),
    ({"from_logits": "softmax", "w_type": "simple"}, _X3, _Y3, 0.395011842250824),
    ({"from_logits": "softmax", "w_type": "uniform"}, _X3, _Y3, 0.3730670213699341),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("params,pred,target,expected", MONAI,
                         ids=[str(i) for i in range(len(MONAI))])
def test_monai_published_values(backend, params, pred, target, expected):
    params = dict(params)
    reduction = params.pop("reduction", "mean")
    got = value(backend, reduction, pred=pred, target=target, **params)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_gradcheck_and_no_gradient_through_the_weights():
    from losscli.families.segmentation.torch_terms import generalized_dice

    x = torch.tensor(RNG.normal(size=(2, 3, 2, 2)), requires_grad=True)
    y = torch.tensor(RNG.integers(0, 2, (2, 2, 2)))  # class 2 absent everywhere
    for w_type in ("square", "simple", "uniform"):
        assert torch.autograd.gradcheck(
            lambda a, w=w_type: generalized_dice(
                pred=a, target=y, from_logits="softmax", include_background=True, w_type=w,
                smooth_nr=1e-5, smooth_dr=1e-5).values, (x,))


def test_against_installed_monai():
    monai = pytest.importorskip("monai")
    x = RNG.normal(size=(2, 3, 4, 3))
    y = RNG.integers(0, 2, (2, 1, 4, 3))
    for w_type in ("square", "simple", "uniform"):
        for background in (True, False):
            loss = monai.losses.GeneralizedDiceLoss(
                softmax=True, to_onehot_y=True, w_type=w_type, include_background=background,
                reduction="none")
            want = loss(torch.tensor(x), torch.tensor(y)).reshape(-1).numpy()
            got = value("torch", "none", pred=x, target=y, from_logits="softmax",
                        w_type=w_type, include_background=background)
            np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[0.5, 0.5]]", "-t", "[[0, 1]]"), "--pred", "(N, C, d1, ...)"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 2]]"), "--target", "out of range"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 1]]", "--w-type", "log"), "--w-type",
     "log"),
    (("-p", "[[[0.5, 0.5], [0.5, 0.5]]]", "-t", "[[0, 1, 1]]"), "--target", "does not fit"),
])
def test_bad_input_is_one_line(cli, args, argument, fragment):
    out = cli("generalized-dice", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0] and fragment in lines[0], out.stderr
