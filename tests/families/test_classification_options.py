"""Classification options: focal's per-class weights and background, label smoothing, optax's
safe cross-entropy and segmentation_models_pytorch's cross-entropy mean.

Each option is checked three ways: against an independent float64 formula written out
element by element below, against the peer library's own published test values (library,
version, file and test cited beside each), and, where the library is installed, against the
library itself on random inputs (skipped cleanly when it is not).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

import losscli

RNG = np.random.default_rng(14)


def value(loss, backend="torch", dtype="float64", **kwargs):
    return float(losscli.compute(loss, backend=backend, dtype=dtype, **kwargs).value)


def terms(loss, backend="torch", dtype="float64", **kwargs):
    return np.asarray(losscli.compute(loss, backend=backend, dtype=dtype, reduction="none",
                                      **kwargs).value)


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def log_softmax_row(row):
    top = max(row)
    lse = top + math.log(sum(math.exp(v - top) for v in row))
    return [v - lse for v in row]


# MONAI's test_focal_loss.py input: (1, 3, 2, 2), every channel [[1, 1], [0.5, 0]], labels
# [[0, 1], [2, 0]] (to_onehot_y=True), atol = rtol = 1e-4.
MONAI_X = [[[[1.0, 1.0], [0.5, 0.0]]] * 3]
MONAI_LABELS = [[[0, 1], [2, 0]]]
MONAI_ONEHOT = np.eye(3)[np.array(MONAI_LABELS)].transpose(0, 3, 1, 2).tolist()


# ------------------------------------------------------------------ focal: float64 reference

def ref_sigmoid_focal(x, t, *, alpha=0.25, gamma=2.0, weight=None, background=True,
                      monai_alpha=False):
    """Element by element: drop class 0 of dim 1, −α_t·(1 − p_t)^γ·log p_t·w_c (N, C, ...)."""
    x, t = np.asarray(x, float), np.asarray(t, float)
    if not background:
        x, t = x[:, 1:], t[:, 1:]
    out = np.empty_like(x)
    for index in np.ndindex(x.shape):
        c = index[1]
        p = sigmoid(x[index])
        y = t[index]
        p_t = p * y + (1 - p) * (1 - y)
        bce = -(y * math.log(p) + (1 - y) * math.log1p(-p))  # −log p_t for 0/1 targets
        loss = (1 - p_t) ** gamma * bce
        a = alpha[c] if isinstance(alpha, list) else alpha
        if isinstance(alpha, list) and monai_alpha:
            loss *= a if y == 1 else 1.0
        elif isinstance(alpha, list) or a >= 0:
            loss *= a * y + (1 - a) * (1 - y)
        out[index] = loss * (1.0 if weight is None else weight[c])
    return out


def ref_softmax_focal(x, labels, *, alpha=None, gamma=2.0, weight=None, background=True,
                      ignore_index=-100):
    """Per sample: −w[y]·α[y]·(1 − p_y)^γ·log p_y; class 0 dropped (and its samples left out)
    without background. Returns (terms, kept mask)."""
    x, labels = np.asarray(x, float), np.asarray(labels)
    moved = np.moveaxis(x, 1, -1)
    out, kept = np.zeros(labels.shape), np.zeros(labels.shape, bool)
    for index in np.ndindex(labels.shape):
        y = int(labels[index])
        row = list(moved[index])
        if not background:
            row, y = row[1:], y - 1
        if labels[index] == ignore_index or y < 0:
            continue
        log_p = log_softmax_row(row)[y]
        loss = -(1 - math.exp(log_p)) ** gamma * log_p
        if alpha is not None:
            loss *= alpha[y] if isinstance(alpha, list) else alpha
        out[index] = loss * (1.0 if weight is None else weight[y])
        kept[index] = True
    return out, kept


FOCAL_X = RNG.normal(size=(3, 4, 2, 2)) * 2
FOCAL_T = (RNG.random(size=(3, 4, 2, 2)) < 0.4).astype(float)
FOCAL_W = [0.5, 2.0, 1.0, 0.25]


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("options", [
    {"weight": FOCAL_W},
    {"include_background": False},
    {"include_background": False, "weight": FOCAL_W[1:], "alpha": 0.6},
    {"alpha": [0.2, 0.4, 0.6, 0.8]},
    {"alpha": [0.2, 0.4, 0.6], "include_background": False, "gamma": 0.5},
])
def test_focal_per_class_options_match_the_float64_formula(backend, options):
    kwargs = {k: options[k] for k in ("alpha", "gamma", "weight") if k in options}
    want = ref_sigmoid_focal(FOCAL_X, FOCAL_T, background=options.get("include_background", True),
                             **kwargs)
    got = terms("focal", backend, pred=FOCAL_X, target=FOCAL_T, **options)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert value("focal", backend, pred=FOCAL_X, target=FOCAL_T, **options) == pytest.approx(
        want.mean(), rel=1e-12)


LABELS = RNG.integers(0, 4, size=(5, 3))
LABELS[0, 0] = -100
SOFT_X = RNG.normal(size=(5, 4, 3)) * 2


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("options", [
    {"weight": FOCAL_W},
    {"weight": FOCAL_W, "alpha": [1.0, 0.5, 2.0, 3.0]},
    {"include_background": False},
    {"include_background": False, "weight": FOCAL_W[1:], "alpha": 0.25, "gamma": 1.0},
])
def test_softmax_focal_per_class_options_match_the_float64_formula(backend, options):
    kwargs = {k: options[k] for k in ("alpha", "gamma", "weight") if k in options}
    want, kept = ref_softmax_focal(SOFT_X, LABELS,
                                   background=options.get("include_background", True), **kwargs)
    got = terms("softmax-focal", backend, pred=SOFT_X, target=LABELS, **options)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    # The mean divides by the kept targets (neither ignored nor, without background, class 0).
    assert value("softmax-focal", backend, pred=SOFT_X, target=LABELS, **options) == (
        pytest.approx(want.sum() / kept.sum(), rel=1e-12))


def test_focal_options_have_gradients():
    x = torch.tensor(FOCAL_X[:2, :, :1], dtype=torch.float64, requires_grad=True)
    t = torch.tensor(FOCAL_T[:2, :, :1], dtype=torch.float64)
    spec = losscli.families.registry.registry().resolve("focal")
    focal = spec.load("impl")
    w = torch.tensor(FOCAL_W[1:], dtype=torch.float64)
    alpha = torch.tensor([0.2, 0.5, 0.7], dtype=torch.float64)
    torch.autograd.gradcheck(
        lambda x: focal(pred=x, target=t, alpha=alpha, gamma=2.0, weight=w,
                        include_background=False).values.sum(), (x,))
    softmax_focal = losscli.families.registry.registry().resolve("softmax-focal").load("impl")
    labels = torch.tensor(LABELS[:2].clip(0), dtype=torch.int64)
    xs = torch.tensor(SOFT_X[:2], dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(
        lambda x: softmax_focal(pred=x, target=labels, alpha=None, gamma=2.0, ignore_index=-100,
                                weight=torch.tensor(FOCAL_W[1:], dtype=torch.float64),
                                include_background=False).values.sum(), (xs,))


# ------------------------------------------------------------------ focal: MONAI's own tests

@pytest.mark.parametrize(("loss", "options", "expected"), [
    # MONAI 1.5.0 tests/losses/test_focal_loss.py TEST_CASES (pass on installed 1.6.1):
    ("focal", {}, 0.34959),                                      # TEST_CASES[0] and [1]
    ("focal", {"include_background": False}, 0.36498),           # TEST_CASES[2]
    ("focal", {"alpha": 0.8}, 0.08423),                          # TEST_CASES[3]
    ("softmax-focal", {}, 0.16276),                              # TEST_CASES[6]
    ("softmax-focal", {"alpha": 0.8}, 0.08138),                  # TEST_CASES[7]
    # computed with installed MONAI 1.6.1 (alpha as a list exists from 1.6 only):
    ("focal", {"alpha": [0.2, 0.3, 0.5]}, 0.332387),
    ("focal", {"alpha": [0.3, 0.7], "include_background": False}, 0.360461),
    ("focal", {"weight": [0.5, 0.1, 0.2]}, 0.091171),
    ("focal", {"reduction": "sum"}, 1.048762),
    ("focal", {"gamma": 0.0, "alpha": 0.25}, 0.574088),
    ("softmax-focal", {"alpha": [0.2, 0.3, 0.5]}, 0.048827),
    ("softmax-focal", {"alpha": [0.3, 0.7], "include_background": False}, 0.021661),
    ("softmax-focal", {"include_background": False}, 0.043322),
    ("softmax-focal", {"weight": [0.5, 0.1, 0.2], "reduction": "sum"}, 0.158688),
])
def test_monai_focal_loss_published_values(loss, options, expected):
    target = MONAI_ONEHOT if loss == "focal" else MONAI_LABELS
    got = value(loss, convention="monai", dtype="float32", pred=MONAI_X, target=target, **options)
    assert got == pytest.approx(expected, rel=1e-4, abs=1e-4)


def test_monai_focal_loss_published_unreduced_values():
    # MONAI 1.5.0 tests/losses/test_focal_loss.py TEST_CASES[4] (reduction="none") and
    # TEST_CASES[5] (weight=[0.5, 0.1, 0.2], reduction="none").
    plain = [[[[0.02266, 0.70187], [0.37741, 0.17329]], [[0.70187, 0.02266], [0.37741, 0.17329]],
              [[0.70187, 0.70187], [0.06757, 0.17329]]]]
    weighted = [[[[0.01133, 0.35093], [0.18871, 0.08664]], [[0.07019, 0.00227], [0.03774, 0.01733]],
                 [[0.14037, 0.14037], [0.01352, 0.03466]]]]
    got = terms("focal", convention="monai", dtype="float32", pred=MONAI_X, target=MONAI_ONEHOT)
    np.testing.assert_allclose(got, plain, atol=1e-4, rtol=1e-4)
    got = terms("focal", convention="monai", dtype="float32", pred=MONAI_X, target=MONAI_ONEHOT,
                weight=[0.5, 0.1, 0.2])
    np.testing.assert_allclose(got, weighted, atol=1e-4, rtol=1e-4)


def test_monai_per_class_alpha_leaves_negatives_at_one():
    # MONAI ≥ 1.6 sigmoid_focal_loss: where(t == 1, α_c, 1); losscli's default: α_c / 1 − α_c.
    alpha = [0.2, 0.4, 0.6, 0.8]
    want = ref_sigmoid_focal(FOCAL_X, FOCAL_T, alpha=alpha, monai_alpha=True).mean()
    got = value("focal", convention="monai", pred=FOCAL_X, target=FOCAL_T, alpha=alpha)
    assert got == pytest.approx(want, rel=1e-12)
    assert got != pytest.approx(value("focal", pred=FOCAL_X, target=FOCAL_T, alpha=alpha))


@pytest.mark.parametrize("options", [
    {"alpha": [0.2, 0.3, 0.9, 0.5]},
    {"include_background": False, "alpha": [0.3, 0.9, 0.5], "weight": [1.0, 0.5, 2.0]},
    {"include_background": False, "alpha": 0.7, "reduction": "sum"},
    {"weight": FOCAL_W, "reduction": "sum"},
])
@pytest.mark.parametrize("softmax", [False, True])
def test_monai_focal_against_installed_monai(options, softmax):
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    options = dict(options)
    reduction = options.pop("reduction", "mean")
    kwargs = {"alpha": options.get("alpha"), "weight": options.get("weight"),
              "include_background": options.get("include_background", True)}
    labels = RNG.integers(0, 4, size=(2, 3, 2))
    x = RNG.normal(size=(2, 4, 3, 2))
    want = losses.FocalLoss(to_onehot_y=True, use_softmax=softmax, reduction=reduction,
                            **kwargs)(torch.tensor(x), torch.tensor(labels[:, None])).item()
    if softmax:
        got = value("softmax-focal", convention="monai", reduction=reduction, pred=x,
                    target=labels, **options)
    else:
        onehot = np.eye(4)[labels].transpose(0, 3, 1, 2)
        got = value("focal", convention="monai", reduction=reduction, pred=x, target=onehot,
                    **{"alpha": -1.0, **options})
    assert got == pytest.approx(want, rel=1e-5)


# ------------------------------------------------------------------ focal: the command line

def test_focal_options_in_help_and_convention_all(cli):
    for loss in ("focal", "softmax-focal"):
        out = cli(loss, "--help").stdout
        assert "--weight" in out and "--include-background" in out and "--no-include" in out
    out = cli("focal", "-p", str(MONAI_X), "-t", str(MONAI_ONEHOT), "--weight", "[0.5,0.1,0.2]",
              "--convention", "all", "--json")
    assert out.code == 0, out.stderr
    rows = {row["convention"]: row for row in json.loads(out.stdout)}
    assert rows["monai"]["value"] == pytest.approx(0.091171, abs=1e-5)
    assert "no per-class weight" in rows["fvcore"]["error"]
    assert "no per-class weight" in rows["keras"]["error"]
    assert rows["kornia"]["value"] is not None  # kornia's weight multiplies channel c


@pytest.mark.parametrize(("args", "argument"), [
    (["focal", "-p", "[[1.0, 2.0]]", "-t", "[[0, 1]]", "--weight", "[1, 2, 3]"], "--weight"),
    (["focal", "-p", "[[1.0], [2.0]]", "-t", "[[0], [1]]", "--no-include-background"],
     "--include-background"),
    (["focal", "-p", "[[1.0, 2.0]]", "-t", "[[0, 1]]", "--alpha", "[0.5, 0.5, 0.5]"], "--alpha"),
    (["softmax-focal", "-p", "[[1.0, 2.0, 0.1]]", "-t", "[1]", "--no-include-background",
      "--weight", "[1, 2, 3]"], "--weight"),
    (["softmax-focal", "-p", "[[1.0, 2.0, 0.1]]", "-t", "[1]", "--include-background", "--alpha",
      "[1, 2]"], "--alpha"),
    (["focal", "-p", "[[1.0, 2.0]]", "-t", "[[0, 1]]", "--no-include-background",
      "--convention", "kornia"], "--include-background"),
])
def test_focal_option_errors_are_one_line(cli, args, argument):
    out = cli(*args)
    assert out.code == 2, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0], out.stderr


def test_focal_explain_follows_the_dropped_background(cli):
    out = cli("focal", "-p", "[[-0.1, 0.9, 0.23]]", "-t", "[[0, 1, 0]]", "--weight", "[1, 2]",
              "--alpha", "[0.3, 0.6]", "--no-include-background", "--explain")
    assert out.code == 0, out.stderr
    # ℓ[0, 1] is pred[0, 2] = 0.23, y = 0: α_t = 1 − 0.6, w = 2.
    p = sigmoid(0.23)
    want = 2 * 0.4 * p**2 * -math.log(1 - p)
    assert "this term is pred[0, 2]" in out.stdout
    assert f"= {want:.6g}" in out.stdout
    out = cli("softmax-focal", "-p", "[[0.1, 0.9, 0.2]]", "-t", "[1]", "--no-include-background",
              "--explain")
    assert "exp(0.9) / (exp(0.9) + exp(0.2))" in out.stdout


# ------------------------------------------------------------------ label smoothing

def ref_binary_smoothed_bce(x, y, eps, *, logits):
    """−[y'·log p + (1 − y')·log(1 − p)] with y' = y·(1 − ε) + ε/2, element by element."""
    out = []
    for xi, yi in zip(np.ravel(x), np.ravel(y)):
        s = yi * (1 - eps) + eps / 2
        if logits:
            log_p, log_q = -math.log1p(math.exp(-xi)), -math.log1p(math.exp(xi))
        else:
            log_p, log_q = max(math.log(xi), -100), max(math.log1p(-xi), -100)
        out.append(-(s * log_p + (1 - s) * log_q))
    return np.reshape(out, np.shape(x))


def ref_smoothed_softmax_focal(x, labels, eps, gamma=2.0, alpha=None):
    """−Σ_c α_c·q_c·(1 − p_c)^γ·log p_c, q = (1 − ε)·onehot + ε/C, one row at a time."""
    out = []
    for row, y in zip(x, labels):
        log_p = log_softmax_row(list(row))
        classes = len(row)
        total = 0.0
        for c in range(classes):
            q = (1 - eps) * (c == y) + eps / classes
            a = 1.0 if alpha is None else (alpha[c] if isinstance(alpha, list) else alpha)
            total -= a * q * (1 - math.exp(log_p[c])) ** gamma * log_p[c]
        out.append(total)
    return np.array(out)


BIN_P = RNG.uniform(0.02, 0.98, size=(4, 3))
BIN_X = RNG.normal(size=(4, 3)) * 3
BIN_Y = (RNG.random(size=(4, 3)) < 0.5).astype(float)
CLS_X = RNG.normal(size=(6, 4)) * 2
CLS_Y = RNG.integers(0, 4, size=6)


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("eps", [0.1, 0.35, 1.0])
def test_binary_label_smoothing_matches_the_float64_formula(backend, eps):
    got = terms("bce", backend, pred=BIN_P, target=BIN_Y, label_smoothing=eps)
    np.testing.assert_allclose(got, ref_binary_smoothed_bce(BIN_P, BIN_Y, eps, logits=False),
                               rtol=1e-12)
    got = terms("bce-with-logits", backend, pred=BIN_X, target=BIN_Y, label_smoothing=eps)
    np.testing.assert_allclose(got, ref_binary_smoothed_bce(BIN_X, BIN_Y, eps, logits=True),
                               rtol=1e-12)
    # focal with γ = 0 and no α is the smoothed BCE with logits; with γ it uses the smoothed p_t.
    got = terms("focal", backend, pred=BIN_X, target=BIN_Y, label_smoothing=eps, gamma=0.0,
                alpha=-1.0)
    np.testing.assert_allclose(got, ref_binary_smoothed_bce(BIN_X, BIN_Y, eps, logits=True),
                               rtol=1e-12)
    smoothed = BIN_Y * (1 - eps) + eps / 2
    want = ref_sigmoid_focal(BIN_X[:, None], smoothed[:, None], alpha=0.25)[:, 0]
    got = terms("focal", backend, pred=BIN_X, target=BIN_Y, label_smoothing=eps)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize(("eps", "alpha"), [(0.1, None), (0.3, 0.25), (0.2, [1.0, 2.0, 0.5, 3.0])])
def test_softmax_focal_label_smoothing_matches_the_float64_formula(backend, eps, alpha):
    got = terms("softmax-focal", backend, pred=CLS_X, target=CLS_Y, label_smoothing=eps,
                alpha=alpha)
    np.testing.assert_allclose(got, ref_smoothed_softmax_focal(CLS_X, CLS_Y, eps, alpha=alpha),
                               rtol=1e-12)
    # γ = 0: the smoothed cross-entropy, as torch computes it.
    want = value("cross-entropy", pred=CLS_X, target=CLS_Y, label_smoothing=eps)
    assert value("softmax-focal", backend, pred=CLS_X, target=CLS_Y, label_smoothing=eps,
                 gamma=0.0) == pytest.approx(want, rel=1e-12)


def test_label_smoothing_gradients():
    registry = losscli.families.registry.registry()
    x = torch.tensor(BIN_X, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(BIN_Y, dtype=torch.float64)
    for name in ("bce-with-logits", "focal"):
        impl = registry.resolve(name).load("impl")
        extra = ({"weight": None, "pos_weight": None} if name == "bce-with-logits"
                 else {"alpha": 0.25, "gamma": 2.0})
        torch.autograd.gradcheck(
            lambda x, impl=impl, extra=extra: impl(pred=x, target=y, label_smoothing=0.2,
                                                   **extra).values.sum(), (x,))
    p = torch.tensor(BIN_P, dtype=torch.float64, requires_grad=True)
    bce = registry.resolve("bce").load("impl")
    torch.autograd.gradcheck(
        lambda p: bce(pred=p, target=y, weight=None, label_smoothing=0.2).values.sum(), (p,))
    xs = torch.tensor(CLS_X, dtype=torch.float64, requires_grad=True)
    labels = torch.tensor(CLS_Y, dtype=torch.int64)
    focal = registry.resolve("softmax-focal").load("impl")
    torch.autograd.gradcheck(
        lambda x: focal(pred=x, target=labels, alpha=0.5, gamma=2.0, ignore_index=-100,
                        label_smoothing=0.2).values.sum(), (xs,))


@pytest.mark.parametrize(("loss", "convention", "values", "expected", "tolerance"), [
    # Keras 3.15.1 keras/src/losses/losses_test.py (assertAlmostEqual, 3 decimals):
    ("bce-with-logits", "keras",  # BinaryCrossentropyTest.test_label_smoothing: (10 + 5·0.1)/3
     {"pred": [[10.0, -10.0, -10.0]], "target": [[1.0, 0.0, 1.0]], "label_smoothing": 0.1},
     3.5, 1e-3),
    ("cross-entropy", "keras",  # CategoricalCrossentropyTest.test_label_smoothing: 400·0.1/3
     {"pred": [[100.0, -100.0, -100.0]], "target": [0], "label_smoothing": 0.1},
     400 * 0.1 / 3, 1e-3),
    ("softmax-focal", "keras",  # CategoricalFocalCrossentropyTest.test_label_smoothing
     {"pred": [[4.9, -0.5, 2.05]], "target": [0], "label_smoothing": 0.1}, 0.06685, 1e-3),
    # computed with installed Keras 3.15.1 (no test asserts these):
    ("bce", "keras", {"pred": [[0.6, 0.4], [0.4, 0.6]], "target": [[0.0, 1.0], [0.0, 0.0]],
                      "label_smoothing": 0.1}, 0.804787814617157, 1e-6),
    ("focal", "keras", {"pred": np.log(np.array([[1.5, 2 / 3], [2 / 3, 1.5]])).tolist(),
                        "target": [[0.0, 1.0], [0.0, 0.0]], "label_smoothing": 0.1},
     0.25624722242355347, 1e-6),
    ("softmax-focal", "keras", {"pred": np.log([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]).tolist(),
                                "target": [0, 1], "label_smoothing": 0.2},
     0.09917967766523361, 1e-6),
    # segmentation_models_pytorch main @ 5006616 tests/test_losses.py test_soft_ce_loss
    # (pytest.approx abs=1e-4): the ignored row counts in the mean, 3·1.35/4.
    ("cross-entropy", "smp",
     {"pred": [[9.0, -9, -9, -9], [-9, 9, -9, -9], [-9, -9, 9, -9], [-9, -9, -9, 9]],
      "target": [0, 1, -100, 3], "label_smoothing": 0.1}, 1.0125, 1e-4),
    # ... where torch (losscli's default) divides by the 3 kept rows:
    ("cross-entropy", "torch",
     {"pred": [[9.0, -9, -9, -9], [-9, 9, -9, -9], [-9, -9, 9, -9], [-9, -9, -9, 9]],
      "target": [0, 1, -100, 3], "label_smoothing": 0.1}, 1.35, 1e-4),
    # timm main @ aa4b585 timm/loss/cross_entropy.py LabelSmoothingCrossEntropy(0.1), re-implemented
    # (timm has no test of it): torch's formula.
    ("cross-entropy", "torch", {"pred": [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], "target": [0, 1],
                                "label_smoothing": 0.1}, 1.6054563522338867, 1e-6),
])
def test_label_smoothing_published_values(loss, convention, values, expected, tolerance):
    got = value(loss, convention=convention, dtype="float32", **values)
    assert got == pytest.approx(expected, abs=tolerance)


def test_smp_and_keras_binary_smoothing_differ_by_a_factor_two():
    # smp SoftBCEWithLogitsLoss: y' = (1 − y)·s + y·(1 − s); Keras/losscli: y·(1 − s) + s/2.
    smp = value("bce-with-logits", convention="smp", pred=BIN_X, target=BIN_Y, label_smoothing=0.1)
    ours = value("bce-with-logits", pred=BIN_X, target=BIN_Y, label_smoothing=0.2)
    assert smp == pytest.approx(ours, rel=1e-12)


def test_label_smoothing_against_installed_keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "numpy")
    keras = pytest.importorskip("keras", reason="Keras is not installed")
    losses = keras.losses
    cases = [
        ("bce", BIN_P, BIN_Y, losses.BinaryCrossentropy(label_smoothing=0.3)),
        ("bce-with-logits", BIN_X, BIN_Y,
         losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.3)),
        ("focal", BIN_X, BIN_Y,
         losses.BinaryFocalCrossentropy(from_logits=True, label_smoothing=0.3)),
    ]
    for loss, x, y, keras_loss in cases:
        want = float(keras_loss(y.astype("float32"), x.astype("float32")))
        got = value(loss, convention="keras", dtype="float32", pred=x, target=y,
                    label_smoothing=0.3)
        assert got == pytest.approx(want, rel=1e-4), loss
    onehot = np.eye(4)[CLS_Y].astype("float32")
    for loss, keras_loss in (
        ("cross-entropy", losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3)),
        ("softmax-focal",
         losses.CategoricalFocalCrossentropy(from_logits=True, label_smoothing=0.3)),
    ):
        want = float(keras_loss(onehot, CLS_X.astype("float32")))
        got = value(loss, convention="keras", dtype="float32", pred=CLS_X, target=CLS_Y,
                    label_smoothing=0.3)
        assert got == pytest.approx(want, rel=1e-4), loss


@pytest.mark.parametrize(("args", "argument"), [
    (["bce", "-p", "[0.2, 0.7]", "-t", "[0, 1]", "--label-smoothing", "1.5"],
     "--label-smoothing"),
    (["focal", "-p", "[0.2, 0.7]", "-t", "[0, 1]", "--label-smoothing", "-0.1"],
     "--label-smoothing"),
    (["focal", "-p", "[[0.2, 0.7]]", "-t", "[[0, 1]]", "--label-smoothing", "0.1",
      "--convention", "monai"], "--label-smoothing"),
    (["bce", "-p", "[0.2, 0.7]", "-t", "[0, 1]", "--label-smoothing", "0.1", "--convention",
      "sklearn"], "--label-smoothing"),
])
def test_label_smoothing_errors_are_one_line(cli, args, argument):
    out = cli(*args)
    assert out.code == 2, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0], out.stderr


def test_label_smoothing_in_help_and_convention_all(cli):
    for loss in ("bce", "bce-with-logits", "focal", "softmax-focal"):
        assert "--label-smoothing" in cli(loss, "--help").stdout, loss
    out = cli("bce-with-logits", "-p", "[[2.0, -1.0]]", "-t", "[[1, 0]]", "--label-smoothing",
              "0.1", "--convention", "all", "--json")
    assert out.code == 0, out.stderr
    rows = {row["convention"]: row["value"] for row in json.loads(out.stdout)}
    assert set(rows) == {"torch", "keras", "smp"}
    assert rows["torch"] == pytest.approx(rows["keras"], rel=1e-6)
    assert rows["smp"] > rows["torch"]


# ------------------------------------------------------------------ optax-safe cross-entropy

INF = float("inf")
# optax v0.2.8 optax/losses/_classification_test.py SafeSoftmaxCrossEntropyTest (atol 1e-4).
SAFE_LOGITS = [[10.0, 1.0, -2.0], [1.0, 4.0, 0.2], [-INF, 0.0, 0.0], [-INF, 0.0, 0.0],
               [-INF, 0.0, -INF]]
SAFE_LABELS = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.4, 0.3, 0.3],
               [0.0, 1.0, 0.0]]


def test_optax_safe_cross_entropy_published_values():
    got = terms("cross-entropy", convention="optax-safe", dtype="float32", pred=SAFE_LOGITS,
                target=SAFE_LABELS)
    np.testing.assert_allclose(got, [9.00013, 3.0696733, 0.693147, INF, 0.0], atol=1e-4)
    # torch's (losscli's default) gives NaN where a −inf logit meets a zero probability.
    plain = terms("cross-entropy", dtype="float32", pred=SAFE_LOGITS, target=SAFE_LABELS)
    assert np.isnan(plain[2]) and np.isnan(plain[4])


def test_optax_safe_cross_entropy_matches_the_formula_and_installed_optax():
    x = RNG.normal(size=(5, 4))
    x[0, 1] = x[2, 3] = -INF
    y = RNG.dirichlet(np.ones(4), size=5)
    y[0, 1] = y[2, 3] = 0.0
    y /= y.sum(axis=1, keepdims=True)
    want = [-sum(t * v for t, v in zip(ty, log_softmax_row(list(tx))) if t)
            for tx, ty in zip(x, y)]
    got = terms("cross-entropy", convention="optax-safe", pred=x, target=y)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    optax = pytest.importorskip("optax", reason="optax is not installed")
    np.testing.assert_allclose(
        got, np.asarray(optax.safe_softmax_cross_entropy(x.astype("float32"),
                                                         y.astype("float32"))), rtol=1e-5)


def test_kornia_per_class_weight_against_installed_kornia():
    kl = pytest.importorskip("kornia.losses", reason="kornia is not installed")
    w = np.array(FOCAL_W)
    want = kl.binary_focal_loss_with_logits(torch.tensor(FOCAL_X), torch.tensor(FOCAL_T),
                                            alpha=0.25, gamma=2.0, reduction="mean",
                                            weight=torch.tensor(w)).item()
    got = value("focal", convention="kornia", pred=FOCAL_X, target=FOCAL_T, weight=FOCAL_W)
    assert got == pytest.approx(want, rel=1e-10)
    labels = LABELS.clip(0)
    want = kl.focal_loss(torch.tensor(SOFT_X), torch.tensor(labels), alpha=0.25, gamma=2.0,
                         reduction="mean", weight=torch.tensor(w)).item()
    got = value("softmax-focal", convention="kornia", pred=SOFT_X, target=labels, alpha=0.25,
                weight=FOCAL_W)
    assert got == pytest.approx(want, rel=1e-10)


def test_explain_shows_the_smoothed_targets(cli):
    # Keras's CategoricalFocalCrossentropy test_label_smoothing inputs: the derivation's last
    # number is the term, 0.0668515.
    out = cli("softmax-focal", "-p", "[[4.9, -0.5, 2.05]]", "-t", "[0]", "--label-smoothing",
              "0.1", "--alpha", "0.25", "--explain")
    assert "q_c = (1 − ε)·1[c = y] + ε/C with ε = 0.1, C = 3" in out.stdout
    assert "= 0.0668515" in out.stdout
    out = cli("bce-with-logits", "-p", "[2.0]", "-t", "[1]", "--label-smoothing", "0.1",
              "--explain")
    assert "y' = y·(1 − ε) + ε/2 = 1 × (1 − 0.1) + 0.1/2 = 0.95" in out.stdout
    want = -(0.95 * math.log(sigmoid(2.0)) + 0.05 * math.log(sigmoid(-2.0)))
    assert f"= {want:.6g}" in out.stdout
    out = cli("focal", "-p", "[[2.0, -1.0]]", "-t", "[[1, 0]]", "--label-smoothing", "0.1",
              "--explain")
    assert "BCE(x, y')" in out.stdout and out.code == 0
