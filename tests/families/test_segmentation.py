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
from family_helpers import assert_one_line_error

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(11)
SEG_LOSSES = ("dice", "jaccard", "tversky")
DEFAULTS = dict(from_logits="none", include_background=True, ignore_index=None,
                smooth_nr=1e-5, smooth_dr=1e-5, other_act="none", batch=False, soft_label=False)
DICE_ONLY = dict(squared_pred=False, weight=None)  # MONAI's TverskyLoss has neither


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
    else:
        kwargs.update(DICE_ONLY)
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
    kw = dict(batch=o["batch"], soft_label=o["soft_label"],
              include_background=o["include_background"], to_onehot_y=to_onehot,
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
    (("dice", "-p", "[0.2, 0.8]", "-t", "[0, 1]"), "--pred", "expected (N, C, d1, ...) or (N, C)"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--other-act", "tanh", "--from-logits", "sigmoid"),
     "--other-act", "MONAI allows one of sigmoid, softmax, other_act"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--weight", "[1, 2, 3]"), "--weight",
     "expected one number or 2 class weight(s)"),
    (("jaccard", "-p", "[[[[0.6, 0.3]], [[0.3, 0.3]], [[0.1, 0.4]]]]", "-t", "[[[0, 1]]]",
      "--weight", "[1, 2, 3]", "--no-include-background"),
     "--weight", "2 class weight(s) (the classes after --no-include-background)"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--weight", "[1, -2]"), "--weight", "must be >= 0"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--batch", "--convention", "keras"), "--batch",
     "Keras's Dice has no equivalent of --batch"),
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--other-act", "relu"), "--other-act", "relu"),
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
    assert_one_line_error(cli(*args), argument, fragment)


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
    (("dice", "-p", P2, "-t", "[[[0, 1]]]", "--weight", "[1, 2, 3]", "--no-include-background"),
     "--weight", "ignored with a single class left (as in MONAI)"),
    (("dice", "-p", "[[[[0.5, 0.5]], [[0.5, 0.5]], [[0, 0]]]]", "-t", "[[[0, 1]]]", "--batch",
      "--smooth-dr", "0"), "--smooth-dr", "class 2 (over the batch) is empty"),
    (("dice", "-p", "[[0, 0], [0, 0]]", "-t", "[[0, 0], [0, 0]]", "--smooth-dr", "0"),
     "--smooth-dr", "the pooled (N, C) input is empty"),
]


def test_batch_does_not_warn_about_a_class_empty_in_one_sample_only():
    # Class 1 is empty in sample 0 but not in sample 1: with --batch its ratio is defined.
    pred = [[[0.5, 0.5], [0.0, 0.0]], [[0.5, 0.5], [0.5, 0.5]]]
    target = [[0, 0], [1, 1]]
    per_sample = losscli.compute("dice", pred=pred, target=target, smooth_dr=0.0)
    assert any("class 1 of sample 0" in w for w in per_sample.warnings)
    batch = losscli.compute("dice", pred=pred, target=target, smooth_dr=0.0, batch=True)
    assert batch.warnings == [] and math.isfinite(batch.value)


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


# --- MONAI's options: batch, squared_pred, soft_label, other_act, weight, (N, C) inputs ---------


def activated(pred, from_logits, other_act):
    """MONAI's order: sigmoid/softmax, then other_act (tanh, or log-softmax over classes)."""
    p = activation(np.asarray(pred, dtype=float), from_logits)
    if other_act == "tanh":
        return np.tanh(p)
    if other_act == "log-softmax":
        return p - np.log(np.exp(p).sum(axis=1, keepdims=True))
    return p


def ref_monai(name, pred, target, alpha=0.5, beta=0.5, weight=None, squared_pred=False, **kw):
    """MONAI's value with every option, from the formulas written out per group of sums.

    Returns (terms, number of counted terms): terms per (sample, class), per class with
    batch, or one pooled value for (N, C) inputs (times the class weights); background
    terms already dropped.
    """
    o = {**DEFAULTS, **kw}
    pred = np.asarray(pred, dtype=float)
    target = np.asarray(target)
    spatial = pred.ndim > 2
    full = pred if spatial else pred[..., None]
    if not spatial and target.shape == pred.shape:
        target = target[..., None]
    n, classes = full.shape[:2]
    p = activated(full, o["from_logits"], o["other_act"]).reshape(n, classes, -1)
    g, keep = one_hot_and_keep(target, full.shape, o["ignore_index"])
    kept = range(1 if not o["include_background"] and classes > 1 else 0, classes)
    if not spatial and not o["batch"]:
        groups = [[(i, c) for i in range(n) for c in kept]]
    elif o["batch"]:
        groups = [[(i, c) for i in range(n)] for c in kept]
    else:
        groups = [[(i, c)] for i in range(n) for c in kept]
    nr, dr = o["smooth_nr"], o["smooth_dr"]
    terms = []
    for group in groups:
        pv = np.concatenate([p[i, c] * keep[i] for i, c in group])
        gv = np.concatenate([g[i, c] * keep[i] for i, c in group])
        if o["soft_label"]:  # MONAI: TP = (‖p‖₁ + ‖g‖₁ − ‖p − g‖₁)/2
            tp = (np.abs(pv).sum() + np.abs(gv).sum() - np.abs(pv - gv).sum()) / 2
            p_mass, g_mass = np.abs(pv).sum(), np.abs(gv).sum()
        else:
            tp = (pv * gv).sum()
            p_mass, g_mass = pv.sum(), gv.sum()
        if squared_pred:  # Σp² + Σg² in the denominator, TP = Σ p·g
            tp, p_mass, g_mass = (pv * gv).sum(), (pv**2).sum(), (gv**2).sum()
        if name == "dice":
            score = (2 * tp + nr) / (p_mass + g_mass + dr)
        elif name == "jaccard":
            score = (2 * tp + nr) / (2 * (p_mass + g_mass - tp) + dr)
        else:
            fp, fn = ((p_mass - tp, g_mass - tp) if o["soft_label"]
                      else ((pv * (1 - gv)).sum(), ((1 - pv) * gv).sum()))
            score = (tp + nr) / (tp + alpha * fp + beta * fn + dr)
        terms.append(1 - score)
    terms = np.array(terms)
    if weight is not None and len(kept) > 1:
        w = np.broadcast_to(np.asarray(weight, dtype=float), (len(kept),))
        if len(groups) == 1:  # pooled: MONAI's 0-d loss times the weight vector
            terms = terms[0] * w
        else:
            terms = (terms.reshape(-1, len(kept)) * w).reshape(-1)
    return terms, terms.size


OPTION_CASES = [
    ("batch", dict(pred=probs(3, 3, 4), target=labels(3, 3, 4)), {"batch": True}),
    ("batch-no-background", dict(pred=logits(2, 3, 2, 3), target=labels(3, 2, 2, 3)),
     {"batch": True, "include_background": False, "from_logits": "softmax"}),
    ("soft-label", dict(pred=probs(2, 2, 5), target=probs(2, 2, 5)), {"soft_label": True}),
    ("soft-label-batch", dict(pred=probs(2, 3, 4), target=probs(2, 3, 4)),
     {"soft_label": True, "batch": True}),
    ("tanh", dict(pred=logits(2, 2, 3, 2), target=labels(2, 2, 3, 2)), {"other_act": "tanh"}),
    ("log-softmax", dict(pred=logits(2, 3, 4), target=labels(3, 2, 4)),
     {"other_act": "log-softmax"}),
    ("log-softmax-soft-label", dict(pred=logits(2, 3, 4), target=labels(3, 2, 4)),
     {"other_act": "log-softmax", "soft_label": True}),
    ("nc-pooled", dict(pred=probs(4, 3), target=labels(3, 4)), {}),
    ("nc-one-hot", dict(pred=probs(3, 2), target=np.eye(2)[labels(2, 3)]), {}),
    ("nc-pooled-no-background", dict(pred=logits(4, 3), target=labels(3, 4)),
     {"include_background": False, "from_logits": "softmax"}),
    ("nc-batch", dict(pred=probs(5, 3), target=labels(3, 5)), {"batch": True}),
    ("ignore-batch", dict(pred=probs(2, 3, 5), target=np.array([[0, 1, 9, 2, 9], [2, 9, 1, 0, 0]])),
     {"batch": True, "ignore_index": 9}),
]
DICE_OPTION_CASES = [
    ("squared", dict(pred=probs(2, 3, 4), target=labels(3, 2, 4)), {"squared_pred": True}),
    ("squared-batch-sigmoid", dict(pred=logits(2, 2, 3), target=labels(2, 2, 3)),
     {"squared_pred": True, "batch": True, "from_logits": "sigmoid"}),
    ("weight", dict(pred=probs(2, 3, 4), target=labels(3, 2, 4)), {"weight": [0.25, 1.0, 3.0]}),
    ("weight-scalar", dict(pred=probs(2, 3, 4), target=labels(3, 2, 4)), {"weight": 2.0}),
    ("weight-no-background", dict(pred=probs(2, 3, 4), target=labels(3, 2, 4)),
     {"weight": [0.5, 2.0], "include_background": False}),
    ("weight-batch", dict(pred=probs(2, 3, 4), target=labels(3, 2, 4)),
     {"weight": [0.5, 0.0, 2.0], "batch": True}),
    ("weight-nc-pooled", dict(pred=probs(4, 3), target=labels(3, 4)), {"weight": [1.0, 2.0, 4.0]}),
    ("weight-one-class-left", dict(pred=probs(2, 2, 3), target=labels(2, 2, 3)),
     {"weight": [5.0], "include_background": False}),
]
ALL_OPTION_CASES = [(name, *case) for name in SEG_LOSSES for case in OPTION_CASES] + [
    (name, *case) for name in ("dice", "jaccard") for case in DICE_OPTION_CASES
]


@pytest.mark.parametrize("name,case_id,inputs,params", ALL_OPTION_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in ALL_OPTION_CASES])
@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_monai_options_match_independent_formula(name, case_id, inputs, params, backend):
    terms, counted = ref_monai(name, **inputs, **params)
    for reduction, expected in (("mean", terms.sum() / counted), ("sum", terms.sum())):
        result = losscli.compute(name, reduction=reduction, dtype="float64", backend=backend,
                                 **inputs, **params)
        assert result.value == pytest.approx(expected, rel=1e-10, abs=1e-12), reduction
    none = losscli.compute(name, reduction="none", dtype="float64", backend=backend,
                           **inputs, **params)
    got = np.asarray(none.terms)
    if none.ignored is not None:  # the background terms are shown but not counted
        got = got[~np.asarray(none.ignored)]
    np.testing.assert_allclose(got.reshape(-1), terms, rtol=1e-10, atol=1e-12)


def test_soft_label_intersection_is_the_overlap_of_non_negative_soft_masks():
    # For p, g ≥ 0, (Σp + Σg − Σ|p − g|)/2 = Σ min(p, g): identical soft masks score 1.
    pred = [[[0.3, 0.4, 0.7, 0.9]]]
    soft = losscli.compute("dice", pred=pred, target=pred, soft_label=True, dtype="float64")
    assert soft.value == pytest.approx(0.0, abs=1e-12)
    # The default Σp·g form gives 1 − 2·Σp²/(2·Σp) on the same data: Σp² = 1.55, Σp = 2.3.
    hard = losscli.compute("dice", pred=pred, target=pred, smooth_nr=0.0, smooth_dr=0.0,
                           dtype="float64")
    assert hard.value == pytest.approx(1 - 1.55 / 2.3, rel=1e-12)
    # 0/1 targets and predictions in [0, 1]: the two forms agree.
    mask = [[[1, 0, 1, 1]]]
    a = losscli.compute("tversky", pred=pred, target=mask, soft_label=True, dtype="float64")
    b = losscli.compute("tversky", pred=pred, target=mask, dtype="float64")
    assert a.value == pytest.approx(b.value, rel=1e-12)


def test_squared_pred_by_hand():
    # p = [0.8, 0.3], g = [1, 0]: Σp·g = 0.8, Σp² = 0.73, Σg² = 1 -> 1 − 1.6/1.73.
    result = losscli.compute("dice", pred=[[[0.8, 0.3]]], target=[[[1, 0]]], squared_pred=True,
                             smooth_nr=0.0, smooth_dr=0.0, dtype="float64")
    assert result.value == pytest.approx(1 - 1.6 / 1.73, rel=1e-12)


def test_nc_input_is_one_pooled_ratio_even_unreduced():
    # MONAI 1.6.1 sums (N, C) inputs over every axis: one Dice over the whole tensor.
    # Σp·g = 0.9 + 0.7 + 0.6 = 2.2, Σp = 2.8, Σg = 3 -> 1 − (4.4 + 1e-5)/(5.8 + 1e-5).
    pred, target = [[0.9, 0.1, 0.3], [0.2, 0.7, 0.6]], [[1, 0, 0], [0, 1, 1]]
    for backend in ("torch", "numpy"):
        none = losscli.compute("dice", pred=pred, target=target, reduction="none",
                               dtype="float64", backend=backend)
        assert np.shape(none.value) == ()
        assert float(none.value) == pytest.approx(1 - 4.40001 / 5.80001, rel=1e-12)


def test_batch_is_never_cut_into_row_chunks():
    # The numpy backend computes large inputs in chunks of rows; a batch-wide ratio (and an
    # (N, C) input, pooled) must be computed whole: chunked and whole runs agree.
    pred, target = probs(40, 3, 5), labels(3, 40, 5)
    for name in SEG_LOSSES:
        for params, p in (({"batch": True}, pred), ({}, pred[:, :, 0])):
            t = target if p.ndim == 3 else target[:, 0]
            whole = losscli.compute(name, pred=p, target=t, backend="numpy", dtype="float64",
                                    chunk_elements=0, **params)
            chunked = losscli.compute(name, pred=p, target=t, backend="numpy",
                                      dtype="float64", chunk_elements=30, **params)
            assert chunked.value == pytest.approx(whole.value, rel=1e-12)
            assert not any("chunks" in note for note in chunked.notes)
    # Without --batch the per-sample terms are still chunked.
    chunked = losscli.compute("dice", pred=pred, target=target, backend="numpy",
                              chunk_elements=30)
    assert any("chunks" in note for note in chunked.notes)


# MONAI's own test values: tests/losses/test_dice_loss.py and tests/losses/test_tversky_loss.py
# at MONAI tag 1.5.0 (TEST_CASES, in order; they pass unchanged on MONAI 1.6.1), plus values
# of the installed MONAI 1.6.1 marked "extra" (no test asserts them: (N, C) inputs, weights).
# (class, case, MONAI keyword arguments, input, target, expected)
MONAI_VALUES = [
    ('DiceLoss', 'TEST_CASES[0]',
     {'include_background': True, 'sigmoid': True, 'smooth_nr': 1e-06, 'smooth_dr': 1e-06},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.307576),
    ('DiceLoss', 'TEST_CASES[1]',
     {'include_background': True, 'sigmoid': True, 'smooth_nr': 0.0001, 'smooth_dr': 0.0001},
     [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.416657),
    ('DiceLoss', 'TEST_CASES[2]',
     {'include_background': True, 'smooth_nr': 0.0001, 'smooth_dr': 0.0001, 'soft_label': True},
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]],
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]], 0.0),
    ('DiceLoss', 'TEST_CASES[3]',
     {'include_background': True, 'smooth_nr': 0.0001, 'smooth_dr': 0.0001, 'soft_label': False},
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]],
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]], 0.307773),
    ('DiceLoss', 'TEST_CASES[4]',
     {'include_background': False, 'to_onehot_y': True, 'smooth_nr': 0, 'smooth_dr': 0},
     [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]],
     [[[0.0, 0.0, 1.0]], [[0.0, 1.0, 0.0]]], 0.0),
    ('DiceLoss', 'TEST_CASES[5]',
     {'include_background': True, 'to_onehot_y': True, 'sigmoid': True, 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.43505),
    ('DiceLoss', 'TEST_CASES[6]',
     {'include_background': True, 'to_onehot_y': True, 'sigmoid': True, 'reduction': 'none',
      'smooth_nr': 0.0001, 'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], [[[0.296529], [0.415136]], [[0.599976], [0.428559]]]),
    ('DiceLoss', 'TEST_CASES[7]',
     {'include_background': True, 'to_onehot_y': True, 'softmax': True, 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.383713),
    ('DiceLoss', 'TEST_CASES[8]',
     {'include_background': True, 'to_onehot_y': True, 'softmax': True, 'reduction': 'sum',
      'smooth_nr': 0.0001, 'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 1.534853),
    ('DiceLoss', 'TEST_CASES[9]',
     {'include_background': True, 'sigmoid': True, 'smooth_nr': 1e-06, 'smooth_dr': 1e-06},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.307576),
    ('DiceLoss', 'TEST_CASES[10]',
     {'include_background': True, 'sigmoid': True, 'squared_pred': True},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.178337),
    ('DiceLoss', 'TEST_CASES[11]', {'include_background': True, 'sigmoid': True, 'jaccard': True},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.470451),
    ('DiceLoss', 'TEST_CASES[12]',
     {'include_background': True, 'other_act': 'torch.tanh', 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.999963),
    ('DiceLoss', 'TEST_CASES[13]',
     {'include_background': True, 'to_onehot_y': True,
      'other_act': 'lambda x: torch.log_softmax(x, dim=1)', 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], -8.522593),
    ('DiceLoss', 'TEST_CASES[14]',
     {'include_background': True, 'other_act': 'torch.tanh', 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001, 'batch': True},
     [[[[1.0, -0.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.774718),
    ('DiceLoss', 'TEST_CASES[15]',
     {'include_background': True, 'other_act': 'torch.tanh', 'smooth_nr': 0, 'smooth_dr': 0.0001,
      'batch': True},
     [[[[1.0, -0.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.774733),
    ('DiceLoss', 'TEST_CASES[16]',
     {'include_background': True, 'other_act': 'torch.tanh', 'smooth_nr': 0, 'smooth_dr': 0.0001,
      'batch': False},
     [[[[1.0, -0.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.840058),
    ('DiceLoss', 'TEST_CASES[17]',
     {'include_background': True, 'to_onehot_y': True,
      'other_act': 'lambda x: torch.log_softmax(x, dim=1)', 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001, 'weight': [0, 1]},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], -8.268515),
    ('TverskyLoss', 'TEST_CASES[0]',
     {'include_background': True, 'sigmoid': True, 'smooth_nr': 1e-06, 'smooth_dr': 1e-06},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.307576),
    ('TverskyLoss', 'TEST_CASES[1]',
     {'include_background': True, 'sigmoid': True, 'smooth_nr': 0.0001, 'smooth_dr': 0.0001},
     [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.416657),
    ('TverskyLoss', 'TEST_CASES[2]',
     {'include_background': True, 'smooth_nr': 0.0001, 'smooth_dr': 0.0001, 'soft_label': True},
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]],
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]], 0.0),
    ('TverskyLoss', 'TEST_CASES[3]',
     {'include_background': True, 'smooth_nr': 0.0001, 'smooth_dr': 0.0001, 'soft_label': False},
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]],
     [[[[0.3, 0.4], [0.7, 0.9]]], [[[1.0, 0.1], [0.5, 0.3]]]], 0.307773),
    ('TverskyLoss', 'TEST_CASES[4]',
     {'include_background': False, 'to_onehot_y': True, 'smooth_nr': 0, 'smooth_dr': 0},
     [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]],
     [[[0.0, 0.0, 1.0]], [[0.0, 1.0, 0.0]]], 0.0),
    ('TverskyLoss', 'TEST_CASES[5]',
     {'include_background': False, 'to_onehot_y': True, 'smooth_nr': 0, 'smooth_dr': 0.001},
     [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]],
     [[[0.0, 0.0, 1.0]], [[0.0, 1.0, 0.0]]], 0.000999),
    ('TverskyLoss', 'TEST_CASES[6]',
     {'include_background': True, 'to_onehot_y': True, 'sigmoid': True, 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.43505),
    ('TverskyLoss', 'TEST_CASES[7]',
     {'include_background': True, 'to_onehot_y': True, 'sigmoid': True, 'batch': True},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.422979),
    ('TverskyLoss', 'TEST_CASES[8]',
     {'include_background': True, 'to_onehot_y': True, 'sigmoid': True, 'reduction': 'sum',
      'smooth_nr': 0.0001, 'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 1.74013),
    ('TverskyLoss', 'TEST_CASES[9]',
     {'include_background': True, 'to_onehot_y': True, 'softmax': True, 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.383713),
    ('TverskyLoss', 'TEST_CASES[10]',
     {'include_background': True, 'to_onehot_y': True, 'softmax': True, 'reduction': 'none',
      'smooth_nr': 0.0001, 'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], [[0.210961, 0.295339], [0.599952, 0.428547]]),
    ('TverskyLoss', 'TEST_CASES[11]',
     {'include_background': True, 'sigmoid': True, 'alpha': 0.3, 'beta': 0.7, 'smooth_nr': 1e-06,
      'smooth_dr': 1e-06},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.3589),
    ('TverskyLoss', 'TEST_CASES[12]',
     {'include_background': True, 'sigmoid': True, 'alpha': 0.7, 'beta': 0.3, 'smooth_nr': 1e-06,
      'smooth_dr': 1e-06},
     [[[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 0.0], [1.0, 1.0]]]], 0.247366),
    ('TverskyLoss', 'TEST_CASES[13]',
     {'include_background': True, 'other_act': 'torch.tanh', 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.999963),
    ('TverskyLoss', 'TEST_CASES[14]',
     {'include_background': True, 'other_act': 'torch.tanh', 'smooth_nr': 0, 'smooth_dr': 0.001,
      'batch': True},
     [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
     [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]], 0.999963),
    ('TverskyLoss', 'TEST_CASES[15]',
     {'include_background': True, 'to_onehot_y': True,
      'other_act': 'lambda x: torch.log_softmax(x, dim=1)', 'smooth_nr': 0.0001,
      'smooth_dr': 0.0001},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], -8.533317),
    ('DiceLoss', 'extra', {},
     [[0.9, 0.1, 0.3], [0.2, 0.7, 0.6]],
     [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], 0.2413789),
    ('DiceLoss', 'extra', {'batch': True, 'reduction': 'none'},
     [[0.9, 0.1, 0.3], [0.2, 0.7, 0.6]],
     [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], [0.1428564, 0.222221, 0.3684191]),
    ('DiceLoss', 'extra', {'jaccard': True},
     [[0.9, 0.1, 0.3], [0.2, 0.7, 0.6]],
     [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], 0.3888884),
    ('TverskyLoss', 'extra', {'reduction': 'none'},
     [[0.9, 0.1, 0.3], [0.2, 0.7, 0.6]],
     [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], 0.2413785),
    ('DiceLoss', 'extra', {'to_onehot_y': True, 'softmax': True,
      'weight': [0.3, 0.7]},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.187511),
    ('DiceLoss', 'extra', {'to_onehot_y': True, 'softmax': True,
      'weight': [2.0], 'include_background': False},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.361966),
    ('DiceLoss', 'extra', {'to_onehot_y': True, 'softmax': True,
      'weight': 2.0},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.767451),
    ('DiceLoss', 'extra', {'to_onehot_y': True, 'sigmoid': True,
      'squared_pred': True, 'soft_label': True},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.262998),
    ('DiceLoss', 'extra', {'to_onehot_y': True, 'softmax': True,
      'jaccard': True, 'batch': True},
     [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
     [[[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]]], 0.543407),
]
# The test files' tolerances: test_dice_loss rtol=1e-5, test_tversky_loss rtol=1e-4.
MONAI_RTOL = {"DiceLoss": 1e-5, "TverskyLoss": 1e-4}


def monai_to_losscli(cls, kwargs, pred, target):
    """losscli's loss name and arguments for a MONAI DiceLoss/TverskyLoss call."""
    kw = dict(kwargs)
    name = "tversky" if cls == "TverskyLoss" else "jaccard" if kw.pop("jaccard", False) else "dice"
    args = {"pred": np.array(pred), "target": np.array(target)}
    if kw.pop("to_onehot_y", False):  # class indices (N, 1, d1, ...)
        args["target"] = args["target"].astype(np.int64)
    act = kw.pop("other_act", None)
    if act is not None:
        args["other_act"] = "tanh" if "tanh" in act else "log-softmax"
    if kw.pop("sigmoid", False):
        args["from_logits"] = "sigmoid"
    if kw.pop("softmax", False):
        args["from_logits"] = "softmax"
    if "weight" in kw:
        kw["weight"] = np.asarray(kw["weight"], dtype=float)
    return name, {**args, **kw}


@pytest.mark.parametrize("cls,case,kwargs,pred,target,expected", MONAI_VALUES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(MONAI_VALUES)])
@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_reproduces_monai_test_values(cls, case, kwargs, pred, target, expected, backend):
    name, args = monai_to_losscli(cls, kwargs, pred, target)
    result = losscli.compute(name, dtype="float64", backend=backend, **args)
    got = np.asarray(result.value, dtype=float)
    if result.ignored is not None and got.ndim:
        got = got[~np.asarray(result.ignored)]
    np.testing.assert_allclose(got.reshape(-1), np.ravel(expected), rtol=MONAI_RTOL[cls],
                               atol=1e-6)


def _monai_loss(losses, name, params, classes):
    """MONAI's loss for these options (weights exactly representable: MONAI keeps float32)."""
    o = {**DEFAULTS, **params}
    kw = dict(include_background=o["include_background"], batch=o["batch"],
              soft_label=o["soft_label"], sigmoid=o["from_logits"] == "sigmoid",
              softmax=o["from_logits"] == "softmax", smooth_nr=o["smooth_nr"],
              smooth_dr=o["smooth_dr"], to_onehot_y=classes > 1)
    if o["other_act"] == "tanh":
        kw["other_act"] = torch.tanh
    elif o["other_act"] == "log-softmax":
        kw["other_act"] = lambda x: torch.log_softmax(x, dim=1)
    if o["ignore_index"] is not None:
        kw["ignore_index"] = o["ignore_index"]
    if name == "tversky":
        return losses.TverskyLoss(**kw)
    weight = params.get("weight")
    return losses.DiceLoss(jaccard=name == "jaccard", squared_pred=params.get("squared_pred",
                           False), weight=weight, **kw)


@pytest.mark.parametrize("name,case_id,inputs,params", ALL_OPTION_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in ALL_OPTION_CASES])
def test_options_match_installed_monai(name, case_id, inputs, params):
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed (optional check)")
    pred = torch.as_tensor(inputs["pred"], dtype=torch.float64)
    target = torch.as_tensor(inputs["target"])
    classes = pred.shape[1]
    if target.shape == pred.shape:  # one-hot or soft targets, as given
        loss = _monai_loss(losses, name, params, 1)
        monai_target = target.double()
    elif params.get("ignore_index") is None:  # float64 one-hot (MONAI's own one_hot is float32)
        loss = _monai_loss(losses, name, params, 1)
        monai_target = torch.nn.functional.one_hot(target, classes).movedim(-1, 1).double()
    else:  # class indices as (N, 1, d1, ...)
        loss = _monai_loss(losses, name, params, classes)
        monai_target = target.unsqueeze(1).double()
    for reduction in ("mean", "sum"):
        loss.reduction = reduction
        expected = loss(pred, monai_target).item()
        got = losscli.compute(name, dtype="float64", reduction=reduction, **inputs, **params)
        assert got.value == pytest.approx(expected, rel=1e-9, abs=1e-12), reduction


OPTION_GRAD_CASES = [c for c in ALL_OPTION_CASES
                     if c[1] in ("batch-no-background", "soft-label", "tanh", "log-softmax",
                                 "nc-pooled", "nc-batch", "squared-batch-sigmoid", "weight",
                                 "weight-nc-pooled")]


@pytest.mark.parametrize("name,case_id,inputs,params", OPTION_GRAD_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in OPTION_GRAD_CASES])
def test_option_gradients_pass_gradcheck(name, case_id, inputs, params):
    impl = registry().resolve(name).load()
    kwargs = {**DEFAULTS, **({} if name == "tversky" else DICE_ONLY), **params}
    if kwargs.get("weight") is not None:
        kwargs["weight"] = torch.tensor(kwargs["weight"], dtype=torch.float64)
    if name == "tversky":
        kwargs.update(alpha=0.3, beta=0.7)
    target = torch.as_tensor(inputs["target"])
    pred = torch.tensor(inputs["pred"], dtype=torch.float64, requires_grad=True)
    if params.get("soft_label"):  # |p − g| has a kink at p = g: keep away from it
        target = (target.double() * 0.5).requires_grad_(True)
        f = lambda p, t: impl(pred=p, target=t, **kwargs).values  # noqa: E731
        assert torch.autograd.gradcheck(f, (pred, target), eps=1e-6, atol=1e-6)
        return
    assert torch.autograd.gradcheck(lambda p: impl(pred=p, target=target, **kwargs).values,
                                    (pred,), eps=1e-6, atol=1e-6)


def test_options_in_help_and_explain(cli):
    out = cli("dice", "--help")
    for option in ("--batch", "--squared-pred", "--other-act", "--soft-label", "--weight"):
        assert option in out.stdout, option
    assert "--batch" in cli("tversky", "--help").stdout
    tversky = {p.name for p in registry().resolve("tversky").params}
    assert "batch" in tversky and not {"squared_pred", "weight"} & tversky  # as MONAI
    explain = cli("explain", "dice")
    assert explain.code == 0
    assert "(N, C)" in explain.stdout and "--batch" in explain.stdout


# --- kornia's dice_loss: average micro / macro (installed kornia 0.9.0) ----------------------

# kornia's tests/losses/test_dice.py (main @ b4f5a78, the tests of the 0.9.0 line) test_weight:
# pred (4, 3, 1, 4) logits, target [0, 1, 2, 2] in every sample.
K_PRED = np.array([[[[100.0, 0, 0, 0]], [[0, 0, 0, 0]], [[0, 100.0, 100.0, 100.0]]]] * 4)
K_TARGET = np.array([[[0, 1, 2, 2]]] * 4)
KORNIA_VALUES = [
    # (average, weight, expected, where the number comes from)
    ("micro", [1.0, 0.0, 0.0], 0.0, "test_weight"),
    ("micro", [0.0, 1.0, 0.0], 1.0, "test_weight"),
    ("micro", [0.0, 0.0, 1.0], 0.2, "test_weight"),
    ("macro", [1.0, 0.0, 0.0], 0.0, "test_weight"),
    ("macro", [0.0, 1.0, 0.0], 1.0, "test_weight"),
    ("macro", [0.0, 0.0, 1.0], 0.2, "test_weight"),
    ("macro", [0.3, 0.7, 0.0], 0.7, "test_weight"),
    # the test expects 0.861538 (its formula squares w in the intersection); installed
    # kornia 0.9.0 applies w once: 1 − 2·(0.3·1)/(0.3·2 + 0.7·1) = 1 − 0.6/1.3 = 0.538462
    ("micro", [0.3, 0.7, 0.0], 1 - 0.6 / 1.3, "installed 0.9.0"),
]


@pytest.mark.parametrize("average,weight,expected,source", KORNIA_VALUES)
def test_kornia_conventions_reproduce_kornia_values(average, weight, expected, source):
    convention = "kornia" if average == "micro" else "kornia-macro"
    got = losscli.compute("dice", pred=K_PRED, target=K_TARGET, from_logits="softmax",
                          convention=convention, weight=weight, dtype="float64").value
    assert got == pytest.approx(expected, rel=1e-3, abs=1e-3)  # the test's rtol = atol = 1e-3


def test_kornia_macro_averages_only_the_classes_present():
    # kornia's test_averaging_macro data with a matching batch (installed 0.9.0 refuses the
    # test's batch 1 vs 2): only class 0 is present; its loss is 1 − 2·i₁/(4 + i₁ + eps), where
    # i₁ = Σ softmax = 3·e¹⁰/(e¹⁰ + e) + e/(e + e¹⁰). Upstream's macro also averages absent
    # class 1 (loss 1): 0.571449; installed 0.9.0 gives class 0 alone, 0.142897.
    pred = np.array([[[[10.0, 10.0, 10.0, 1.0]], [[1.0, 1.0, 1.0, 10.0]]]])
    target = np.array([[[0, 0, 0, 0]]])
    e, e10 = math.e, math.exp(10)
    i1 = 3 * e10 / (e10 + e) + e / (e + e10)
    got = losscli.compute("dice", pred=pred, target=target, from_logits="softmax",
                          convention="kornia-macro", dtype="float64").value
    assert got == pytest.approx(1 - 2 * i1 / (4 + i1 + 1e-8), rel=1e-12)
    assert got == pytest.approx(0.142897, abs=1e-6)
    micro = losscli.compute("dice", pred=pred, target=target, from_logits="softmax",
                            convention="kornia", dtype="float64").value
    assert micro == pytest.approx(1 - 2 * i1 / (8 + 1e-8), rel=1e-12)  # the test's 0.250062


@pytest.mark.parametrize("average", ["micro", "macro"])
@pytest.mark.parametrize("weight", [None, [0.3, 0.7, 0.0]])
def test_kornia_conventions_match_installed_kornia(average, weight):
    kl = pytest.importorskip("kornia.losses", reason="kornia is not installed")
    pred, target = logits(2, 3, 3, 4), labels(3, 2, 3, 4)
    target[0][target[0] == 1] = 2  # class 1 absent from sample 0
    w = None if weight is None else torch.tensor(weight, dtype=torch.float64)
    want = kl.dice_loss(torch.tensor(pred), torch.tensor(target), average=average,
                        weight=w).item()
    got = losscli.compute("dice", pred=pred, target=target, from_logits="softmax",
                          convention="kornia" if average == "micro" else "kornia-macro",
                          weight=weight, dtype="float64").value
    assert got == pytest.approx(want, rel=1e-10)


def test_convention_all_lists_kornia_macro(cli):
    out = cli("dice", "-p", "[[[[0.7, 0.1]], [[0.3, 0.9]]]]", "-t", "[[[0, 1]]]",
              "--convention", "all")
    assert out.code == 0, out.stderr
    assert "kornia-macro" in out.stdout


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


MONAI_ONLY = [("batch", True, "--batch"), ("soft_label", True, "--soft-label"),
              ("other_act", "tanh", "--other-act"), ("squared_pred", True, "--squared-pred"),
              ("weight", [1.0, 2.0, 3.0], "--weight")]


@pytest.mark.parametrize("name", SEG_LOSSES)
@pytest.mark.parametrize("option,value,flag", MONAI_ONLY, ids=[o[0] for o in MONAI_ONLY])
def test_other_libraries_refuse_monai_only_options(name, option, value, flag):
    spec = registry().resolve(name)
    if option not in {p.name for p in spec.params}:
        pytest.skip(f"{name} has no {flag}")
    pred, target = logits(2, 3, 2, 2), labels(3, 2, 2, 2)
    for convention in spec.conventions[1:]:
        if convention.name.startswith("kornia") and option == "weight" and name == "dice":
            continue  # kornia's dice_loss takes class weights
        with pytest.raises(losscli.InputError, match=f"no equivalent of {flag}"):
            losscli.compute(name, pred=pred, target=target, from_logits="softmax"
                            if option != "other_act" else "none", convention=convention.name,
                            **{option: value})
