"""dice, jaccard and tversky against independent float64 formulas (MONAI semantics).

The reference builds the one-hot target pixel by pixel and sums with plain loops
over (sample, class), from the formulas in MONAI's DiceLoss/TverskyLoss docs. MONAI
itself is a second, optional check.
"""

from __future__ import annotations

import inspect
import json
import math

import numpy as np
import pytest
import torch

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(11)
SEG_LOSSES = ("dice", "jaccard", "tversky")
DEFAULTS = dict(from_logits="none", include_background=True, ignore_index=None,
                smooth_nr=1e-5, smooth_dr=1e-5)


def activation(pred, from_logits):
    if from_logits == "sigmoid":
        return 1 / (1 + np.exp(-pred))
    if from_logits == "softmax" and pred.shape[1] > 1:
        e = np.exp(pred - pred.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return pred


def one_hot_and_keep(target, pred_shape, ignore_index):
    """(g, keep): g (N, C, S) one-hot target, keep (N, S) 1 for counted pixels."""
    n, classes = pred_shape[:2]
    size = int(np.prod(pred_shape[2:]))
    if classes > 1 and target.shape == pred_shape:
        g = target.reshape(n, classes, size).astype(float)
        keep = np.ones((n, size))
        if ignore_index is not None:
            keep = (1 - g[:, ignore_index] if 0 <= ignore_index < classes
                    else (g.sum(axis=1) > 0).astype(float))
        return g, keep
    labels = target.reshape(n, size)
    g, keep = np.zeros((n, classes, size)), np.ones((n, size))
    for i in range(n):
        for s in range(size):
            label = labels[i, s]
            if ignore_index is not None and label == ignore_index:
                keep[i, s] = 0
            elif classes == 1:
                g[i, 0, s] = label
            else:
                g[i, int(label), s] = 1
    return g, keep


def ref_seg(name, pred, target, alpha=0.5, beta=0.5, **kw):
    """(terms (N, C), number of counted terms)."""
    o = {**DEFAULTS, **kw}
    n, classes = pred.shape[:2]
    p = activation(pred, o["from_logits"]).reshape(n, classes, -1)
    g, keep = one_hot_and_keep(np.asarray(target), pred.shape, o["ignore_index"])
    terms = np.zeros((n, classes))
    for i in range(n):
        for c in range(classes):
            pc, gc = p[i, c] * keep[i], g[i, c] * keep[i]
            inter, p_sum, g_sum = (pc * gc).sum(), pc.sum(), gc.sum()
            nr, dr = o["smooth_nr"], o["smooth_dr"]
            if name == "dice":
                score = (2 * inter + nr) / (p_sum + g_sum + dr)
            elif name == "jaccard":
                score = (2 * inter + nr) / (2 * (p_sum + g_sum - inter) + dr)
            else:
                fp, fn = (pc * (1 - gc)).sum(), ((1 - pc) * gc).sum()
                score = (inter + nr) / (inter + alpha * fp + beta * fn + dr)
            terms[i, c] = 1 - score
    counted = terms.size
    if not o["include_background"] and classes > 1:
        terms[:, 0] = 0
        counted = n * (classes - 1)
    return terms, counted


def probs(n, c, *spatial):
    x = RNG.uniform(0.05, 1, size=(n, c, *spatial))
    return x / x.sum(axis=1, keepdims=True)


def logits(*shape):
    return RNG.normal(0, 2, size=shape)


def labels(high, *shape):
    return RNG.integers(0, high, size=shape)


ONE_HOT = np.moveaxis(np.eye(3)[labels(3, 2, 4, 3)], -1, 1)
INPUT_CASES = [
    # one channel, probabilities, a 0/1 mask without and with the channel dimension
    ("binary-mask", dict(pred=RNG.uniform(0, 1, (2, 1, 3, 3)), target=labels(2, 2, 3, 3)), {}),
    ("binary-mask-channel", dict(pred=RNG.uniform(0, 1, (2, 1, 5)), target=labels(2, 2, 1, 5)),
     {}),
    ("binary-sigmoid", dict(pred=logits(3, 1, 2, 2), target=labels(2, 3, 2, 2)),
     {"from_logits": "sigmoid"}),
    ("softmax-indices", dict(pred=logits(2, 3, 4, 4), target=labels(3, 2, 4, 4)),
     {"from_logits": "softmax"}),
    ("softmax-indices-channel", dict(pred=logits(2, 4, 3), target=labels(4, 2, 1, 3)),
     {"from_logits": "softmax", "smooth_nr": 0.0, "smooth_dr": 1.0}),
    ("probs-one-hot", dict(pred=probs(2, 3, 4, 3), target=ONE_HOT), {}),
    ("sigmoid-multilabel", dict(pred=logits(2, 3, 6), target=labels(2, 2, 3, 6).astype(float)),
     {"from_logits": "sigmoid"}),
    ("soft-targets-3d", dict(pred=probs(1, 2, 2, 3, 2), target=probs(1, 2, 2, 3, 2)), {}),
    ("no-background", dict(pred=probs(2, 3, 4, 4), target=labels(3, 2, 4, 4)),
     {"include_background": False}),
    ("ignore-255", dict(pred=probs(2, 3, 3, 3),
                        target=np.where(RNG.uniform(size=(2, 3, 3)) < 0.3, 255,
                                        labels(3, 2, 3, 3))),
     {"ignore_index": 255}),
    ("ignore-class-0", dict(pred=probs(2, 3, 3, 3), target=labels(3, 2, 3, 3)),
     {"ignore_index": 0, "smooth_nr": 0.5, "smooth_dr": 0.5}),
    ("ignore-one-hot-class", dict(pred=probs(2, 3, 4, 3), target=ONE_HOT), {"ignore_index": 1}),
    ("ignore-one-hot-empty", dict(pred=probs(1, 2, 4),
                                  target=np.array([[[1.0, 0, 0, 1], [0, 1, 0, 0]]])),
     {"ignore_index": -1}),
    ("ignore-binary", dict(pred=RNG.uniform(0, 1, (1, 1, 6)),
                           target=np.array([[[0, 1, 9, 1, 9, 0]]])), {"ignore_index": 9}),
]
CASES = [
    (name, case_id, inputs, params)
    for name in SEG_LOSSES
    for case_id, inputs, params in INPUT_CASES
] + [
    ("tversky", "fp-heavy", INPUT_CASES[3][1], {"alpha": 0.7, "beta": 0.3,
                                                "from_logits": "softmax"}),
    ("tversky", "fn-heavy", INPUT_CASES[5][1], {"alpha": 0.1, "beta": 0.9}),
]


@pytest.mark.parametrize("name,case_id,inputs,params", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_value_matches_independent_formula(name, case_id, inputs, params, reduction):
    terms, counted = ref_seg(name, **inputs, **params)
    result = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
    expected = {"mean": terms.sum() / counted, "sum": terms.sum(), "none": terms}[reduction]
    np.testing.assert_allclose(result.value, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.terms, terms, rtol=1e-10, atol=1e-12)
    assert result.warnings == []


# --- hand-derived values and empty classes -------------------------------------------------

# Two pixels, two classes, probabilities. Class 0: p = [0.8, 0.3], g = [1, 0] -> I = 0.8,
# P = 1.1, G = 1; class 1: p = [0.2, 0.7], g = [0, 1] -> I = 0.7, P = 0.9, G = 1.
HAND_PRED, HAND_TARGET = [[[0.8, 0.3], [0.2, 0.7]]], [[0, 1]]


def test_hand_derived_dice_jaccard_tversky():
    args = dict(pred=HAND_PRED, target=HAND_TARGET, smooth_nr=0.0, smooth_dr=0.0,
                reduction="none", dtype="float64")
    dice = losscli.compute("dice", **args)
    # dice: 1 − 2·0.8/(1.1 + 1) = 1 − 1.6/2.1 and 1 − 1.4/1.9
    np.testing.assert_allclose(dice.terms, [[1 - 1.6 / 2.1, 1 - 1.4 / 1.9]], rtol=1e-12)
    jaccard = losscli.compute("jaccard", **args)
    # jaccard: 1 − 0.8/(1.1 + 1 − 0.8) = 1 − 0.8/1.3, and 1 − 0.7/1.2
    np.testing.assert_allclose(jaccard.terms, [[1 - 0.8 / 1.3, 1 - 0.7 / 1.2]], rtol=1e-12)
    tversky = losscli.compute("tversky", alpha=0.3, beta=0.7, **args)
    # class 0: FP = 0.3, FN = 0.2 -> 1 − 0.8/(0.8 + 0.09 + 0.14); class 1: FP = 0.2, FN = 0.3
    np.testing.assert_allclose(
        tversky.terms, [[1 - 0.8 / 1.03, 1 - 0.7 / (0.7 + 0.06 + 0.21)]], rtol=1e-12
    )
    assert dice.details["Σp·g"][0, 0] == pytest.approx(0.8)
    assert tversky.details["FP"][0, 1] == pytest.approx(0.2)


@pytest.mark.parametrize("name", SEG_LOSSES)
def test_empty_class_predicted_empty_scores_zero_loss(name):
    # Class 2 is absent from the target and has probability 0 everywhere: I = P = G = 0,
    # so the score is smooth_nr / smooth_dr = 1 and the loss 0.
    pred = [[[[1.0, 0.0]], [[0.0, 1.0]], [[0.0, 0.0]]]]
    result = losscli.compute(name, pred=pred, target=[[[0, 1]]], reduction="none",
                             dtype="float64")
    assert result.terms[0, 2] == pytest.approx(0.0, abs=1e-15)
    # Without the numerator smoothing the empty class costs 1: 0 / smooth_dr.
    strict = losscli.compute(name, pred=pred, target=[[[0, 1]]], smooth_nr=0.0,
                             reduction="none", dtype="float64")
    assert strict.terms[0, 2] == 1.0


@pytest.mark.parametrize("name", SEG_LOSSES)
def test_empty_class_predicted_present_costs_almost_one(name):
    # Class 1 absent from the target but predicted with p = 0.5 on both pixels: I = 0,
    # P = 1, G = 0, so the score is 1e-5/(1 + 1e-5) (tversky: α·FP = 0.5).
    pred = [[[[0.5, 0.5]], [[0.5, 0.5]]]]
    result = losscli.compute(name, pred=pred, target=[[[0, 0]]], reduction="none",
                             dtype="float64")
    denominator = {"dice": 1, "jaccard": 2, "tversky": 0.5}[name]
    assert result.terms[0, 1] == pytest.approx(1 - 1e-5 / (denominator + 1e-5), rel=1e-12)


@pytest.mark.parametrize("name", SEG_LOSSES)
def test_empty_class_without_denominator_smoothing_divides_by_zero_with_a_warning(name):
    # I = P = G = 0: the score is smooth_nr / 0 = inf (loss −inf), or 0/0 = NaN.
    pred, target = [[[[1.0, 0.0]], [[0.0, 1.0]], [[0.0, 0.0]]]], [[[0, 1]]]
    result = losscli.compute(name, pred=pred, target=target, smooth_dr=0.0, reduction="none")
    assert result.terms[0, 2] == -math.inf
    assert any("--smooth-dr" in w and "class 2 of sample 0" in w for w in result.warnings)
    both = losscli.compute(name, pred=pred, target=target, smooth_dr=0.0, smooth_nr=0.0,
                           reduction="none")
    assert math.isnan(both.terms[0, 2])


# --- identities ------------------------------------------------------------------------------


def test_tversky_with_equal_halves_is_dice():
    pred, target = logits(2, 3, 4, 4), labels(3, 2, 4, 4)
    common = dict(pred=pred, target=target, from_logits="softmax", reduction="none",
                  dtype="float64")
    dice = losscli.compute("dice", smooth_nr=0.0, smooth_dr=0.0, **common)
    tversky = losscli.compute("tversky", alpha=0.5, beta=0.5, smooth_nr=0.0, smooth_dr=0.0,
                              **common)
    np.testing.assert_allclose(tversky.terms, dice.terms, rtol=1e-12)
    # With smoothing, tversky's constants count double: dice(2s) = tversky(s).
    dice2 = losscli.compute("dice", smooth_nr=0.2, smooth_dr=0.4, **common)
    tversky2 = losscli.compute("tversky", smooth_nr=0.1, smooth_dr=0.2, **common)
    np.testing.assert_allclose(tversky2.terms, dice2.terms, rtol=1e-12)


def test_jaccard_relations():
    pred, target = probs(2, 3, 5), labels(3, 2, 5)
    common = dict(pred=pred, target=target, reduction="none", dtype="float64")
    # J = D / (2 − D) on the scores, for any soft prediction (no smoothing).
    d = 1 - losscli.compute("dice", smooth_nr=0.0, smooth_dr=0.0, **common).terms
    j = 1 - losscli.compute("jaccard", smooth_nr=0.0, smooth_dr=0.0, **common).terms
    np.testing.assert_allclose(j, d / (2 - d), rtol=1e-12)
    # jaccard(s) = tversky with α = β = 1 and s/2.
    jac = losscli.compute("jaccard", smooth_nr=0.2, smooth_dr=0.6, **common)
    tv = losscli.compute("tversky", alpha=1.0, beta=1.0, smooth_nr=0.1, smooth_dr=0.3, **common)
    np.testing.assert_allclose(jac.terms, tv.terms, rtol=1e-12)


def test_index_targets_equal_their_one_hot():
    pred, target = probs(2, 3, 3, 2), labels(3, 2, 3, 2)
    one_hot = np.moveaxis(np.eye(3)[target], -1, 1)
    for name in SEG_LOSSES:
        a = losscli.compute(name, pred=pred, target=target, dtype="float64").value
        b = losscli.compute(name, pred=pred, target=one_hot, dtype="float64").value
        assert a == pytest.approx(b, rel=1e-12)


# --- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEG_LOSSES)
@pytest.mark.parametrize("case_id", ["binary-sigmoid", "softmax-indices", "soft-targets-3d",
                                     "ignore-255", "no-background"])
def test_gradients_pass_gradcheck(name, case_id):
    _, inputs, params = next(c for c in INPUT_CASES if c[0] == case_id)
    impl = registry().resolve(name).load()
    kwargs = {**DEFAULTS, **params}
    if name == "tversky":
        kwargs.update(alpha=0.3, beta=0.7)
    target = torch.as_tensor(inputs["target"])
    float_target = target.is_floating_point()
    tensors = [torch.tensor(inputs["pred"], dtype=torch.float64, requires_grad=True)]
    if float_target:
        tensors.append(target.double().requires_grad_(True))

    def f(*args):
        t = args[1] if float_target else target
        return impl(pred=args[0], target=t, **kwargs).values

    assert torch.autograd.gradcheck(f, tuple(tensors), eps=1e-6, atol=1e-6)


# --- MONAI, a second check where it is installed ---------------------------------------------


@pytest.mark.parametrize("name", SEG_LOSSES)
@pytest.mark.parametrize("case_id", ["softmax-indices-channel", "probs-one-hot",
                                     "sigmoid-multilabel", "no-background", "binary-mask-channel",
                                     "ignore-255", "ignore-one-hot-class", "ignore-one-hot-empty",
                                     "ignore-binary"])
def test_matches_monai(name, case_id):
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed (optional check)")
    _, inputs, params = next(c for c in INPUT_CASES if c[0] == case_id)
    pred, target = torch.as_tensor(inputs["pred"]), torch.as_tensor(inputs["target"])
    classes = pred.shape[1]
    to_onehot = classes > 1 and target.shape != pred.shape
    if target.dim() < pred.dim():  # MONAI wants class indices as (N, 1, d1, ...)
        target = target.unsqueeze(1)
    o = {**DEFAULTS, **params}
    kw = dict(include_background=o["include_background"], to_onehot_y=to_onehot,
              sigmoid=o["from_logits"] == "sigmoid", softmax=o["from_logits"] == "softmax",
              smooth_nr=o["smooth_nr"], smooth_dr=o["smooth_dr"])
    if o["ignore_index"] is not None:
        if "ignore_index" not in inspect.signature(losses.DiceLoss).parameters:
            pytest.skip("this MONAI has no ignore_index (added in recent versions)")
        kw["ignore_index"] = o["ignore_index"]
    if name == "tversky":
        loss = losses.TverskyLoss(alpha=0.5, beta=0.5, **kw)
    else:
        loss = losses.DiceLoss(jaccard=name == "jaccard", **kw)
    expected = loss(pred.double(), target.double()).item()
    got = losscli.compute(name, dtype="float64", **inputs, **params).value
    assert got == pytest.approx(expected, rel=1e-10)


# --- input errors and warnings through the CLI -----------------------------------------------

P2 = "[[[[0.6, 0.3]], [[0.4, 0.7]]]]"  # (1, 2, 1, 2) probabilities
BAD = [
    (("dice", "-p", "[[0.2, 0.8]]", "-t", "[[0, 1]]"), "--pred", "expected (N, C, d1, ...)"),
    (("dice", "-p", P2, "-t", "[[0, 1, 1]]"), "--target",
     "expected class indices of shape (1, 1, 2) or (1, 1, 1, 2)"),
    (("jaccard", "-p", P2, "-t", "[[[0, 2]]]"), "--target", "class index 2 is out of range"),
    (("tversky", "-p", P2, "-t", "[[[0.0, 1.0]]]"), "--target", "must be integers"),
    (("dice", "-p", P2, "-t", "[[[[1.5, 0]], [[0, 1]]]]"), "--target", "outside [0, 1]"),
    (("dice", "-p", "[[[0.2, 0.9]]]", "-t", "[[[0, 2]]]"), "--target", "single-channel mask"),
    (("tversky", "-p", P2, "-t", "[[[0, 1]]]", "--alpha", "-0.1"), "--alpha", ">= 0"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--smooth-dr", "-1"), "--smooth-dr", ">= 0"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--from-logits", "tanh"), "--from-logits", "tanh"),
]


@pytest.mark.parametrize("args,argument,fragment", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_exits_2_with_one_line(cli, args, argument, fragment):
    out = cli(*args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert argument in lines[0] and fragment in lines[0], lines[0]


WARNINGS = [
    (("dice", "-p", "[[[[2.0, -1.0]], [[-1.0, 2.0]]]]", "-t", "[[[0, 1]]]"), "--pred",
     "--from-logits none takes them as probabilities"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--from-logits", "softmax"), "--pred",
     "looks like probabilities"),
    (("dice", "-p", "[[[1.5, -2.0]]]", "-t", "[[[0, 1]]]", "--from-logits", "softmax"),
     "--from-logits", "softmax over a single channel is skipped"),
    (("jaccard", "-p", "[[[0.5, 0.5]]]", "-t", "[[[0, 1]]]", "--no-include-background"),
     "--pred", "ignored for a single-channel prediction"),
    (("tversky", "-p", P2, "-t", "[[[7, 7]]]", "--ignore-index", "7"), "--target",
     "every target equals ignore_index 7"),
]


@pytest.mark.parametrize("args,argument,fragment", WARNINGS,
                         ids=[str(i) for i in range(len(WARNINGS))])
def test_suspicious_input_warns(cli, args, argument, fragment):
    out = cli(*args, "--json")
    assert out.code == 0, out.stderr
    warnings = json.loads(out.stdout)["warnings"]
    assert any(w.startswith(argument) and fragment in w for w in warnings), warnings
    assert cli(*args, "--strict").code == 2


def test_table_shows_per_class_sums_and_masked_background(cli):
    out = cli("dice", "-p", "[[[[0.7, 0.1, 0.2]], [[0.3, 0.9, 0.8]]]]", "-t", "[[[0, 1, 1]]]",
              "--no-include-background")
    assert out.code == 0
    for header in ("Σp·g", "Σp", "Σg", "Dice"):
        assert header in out.stdout
    assert "ignored" in out.stdout and "background" in out.stdout


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("name", ["dice", "jaccard", "tversky"])
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_an_empty_batch_is_a_nan_mean_not_a_crash(name, backend, target):
    # MONAI's DiceLoss/TverskyLoss(reduction="mean") take torch.mean of no (sample, class)
    # terms: NaN; the sum is 0. (N = 0 leaves reshape(n, C, -1) nothing to infer.)
    pred = np.zeros((0, 3, 2, 2))
    labels = np.zeros((0, 2, 2), dtype=np.int64) if target == "labels" else np.zeros_like(pred)
    for smooth_dr in (1e-5, 0.0):
        result = losscli.compute(name, pred=pred, target=labels, backend=backend,
                                 smooth_dr=smooth_dr)
        assert math.isnan(result.value)
    total = losscli.compute(name, pred=pred, target=labels, backend=backend, reduction="sum")
    assert total.value == 0.0
    none = losscli.compute(name, pred=pred, target=labels, backend=backend, reduction="none")
    assert np.asarray(none.value).shape == (0, 3)
