"""Contrastive and metric-learning losses against independent float64 formulas.

Each loss has a plain-loop reference written from its paper or the library's source, the
published values of the libraries that ship it (file and version beside each number; where
a library's test computes its expectation in a loop, the number is what the pinned library
gives, marked "derived"), gradients (gradcheck in float64), both backends, the input errors
and, last, the installed libraries themselves (skipped when absent).

Library versions: optax 0.2.8 (tag v0.2.8), Keras 3.15.1 (tag v3.15.1),
pytorch-metric-learning 2.8.1 (tag v2.8.1), HobbitLong/SupContrast losses.py (commit
66a8fe53), insightface recognition/arcface_torch/losses.py (commit ede87b4a).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from family_helpers import both_backends, compute, gradcheck

os.environ.setdefault("KERAS_BACKEND", "numpy")  # Keras 3 without TensorFlow, jax or torch

RNG = np.random.default_rng(16)
BACKENDS = ("numpy", "torch")


def values(name, backend="torch", reduction="mean", **kwargs):
    return np.asarray(compute(name, backend=backend, reduction=reduction, **kwargs).value)


def at_angles(degrees, radius=1.0):
    return [[radius * math.cos(math.radians(a)), radius * math.sin(math.radians(a))]
            for a in degrees]


def unit(v):
    n = math.sqrt(sum(a * a for a in v))
    return [a / n for a in v]


def dot(u, v):
    return sum(a * b for a, b in zip(u, v, strict=True))


# optax/losses/_self_supervised_test.py NtxentTest.test_batched (optax 0.2.8), atol 1e-4
OPTAX_X = [[-1.954, 1.078], [0.238, -0.5703], [1.8745, -0.0195], [-0.6719, -1.921]]
# pytorch-metric-learning tests/losses/test_ntxent_loss.py (v2.8.1): angles, labels
PML_X = at_angles([0, 10, 20, 50, 60, 80])
PML_Y = [0, 0, 0, 1, 1, 2]
# SupContrast features [bsz, n_views, D] (values_16: two unit views of four samples)
VIEW0 = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]
VIEW1 = [[0.8, 0.6], [0.6, 0.8], [-0.8, -0.6], [0.6, -0.8]]


# --- ntxent -------------------------------------------------------------------------------


def ref_ntxent(x, labels, temperature):
    """Per ordered positive pair: log(e^{s_ij} + Σ_{k: y_k≠y_i} e^{s_ik}) − s_ij, s = cos/T."""
    n = len(x)
    eps = np.finfo(np.float64).eps
    norms = [math.sqrt(max(dot(r, r), eps)) for r in x]
    s = [[dot(x[i], x[j]) / (norms[i] * norms[j]) / temperature for j in range(n)]
         for i in range(n)]
    terms = []
    for i in range(n):
        for j in range(n):
            if i != j and labels[i] == labels[j]:
                total = math.exp(s[i][j]) + sum(math.exp(s[i][k]) for k in range(n)
                                                if labels[k] != labels[i])
                terms.append(math.log(total) - s[i][j])
    return np.array(terms)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ntxent_matches_the_float64_formula(backend):
    x, y = RNG.normal(size=(7, 3)), np.array([0, 1, 0, 2, 1, 0, 3])
    want = ref_ntxent(x.tolist(), y, 0.3)
    got = values("ntxent", backend, "none", embeddings=x, labels=y, temperature=0.3)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert values("ntxent", backend, embeddings=x, labels=y, temperature=0.3) == pytest.approx(
        want.mean(), rel=1e-12)


@pytest.mark.parametrize(("labels", "expected"), [
    ([0, 0, 1, 1], 14.01032), ([0, 0, 0, 1], 8.968544)])
def test_ntxent_optax_published_values(labels, expected):
    both_backends("ntxent", expected, atol=1e-4, embeddings=OPTAX_X, labels=labels)


def test_ntxent_optax_zero_row_has_cosine_0():
    # NtxentTest.test_batched (3): the first row is zero; norms √max(Σx², eps) give cos 0.
    x = [[0.0, 0.0], *OPTAX_X[1:]]
    both_backends("ntxent", 9.2889, atol=1e-4, embeddings=x, labels=[0, 0, 1, 1])


def test_ntxent_derived_values():
    # derived: the installed optax 0.2.8 at T = 1 on the test's inputs
    both_backends("ntxent", 1.603022813796997, rtol=1e-6, embeddings=OPTAX_X,
                  labels=[0, 0, 1, 1], temperature=1.0)
    # derived: pytorch-metric-learning 2.8.1 NTXentLoss(temperature=0.1) (MeanReducer) on
    # test_ntxent_loss.py's angles; optax gives the same 0.2981431
    both_backends("ntxent", 0.298143100643938, rtol=1e-10, embeddings=PML_X, labels=PML_Y,
                  temperature=0.1)


def test_ntxent_per_anchor_mean_is_pml_per_anchor_reducer():
    # derived: PML PerAnchorReducer(AvgNonZeroReducer) gives 0.3529424157174419: the terms
    # grouped by anchor, averaged per anchor, then over the anchors that have a positive.
    result = compute("ntxent", reduction="none", embeddings=PML_X, labels=PML_Y,
                     temperature=0.1)
    terms, anchors = np.asarray(result.terms), np.asarray(result.details["anchor"])
    per_anchor = [terms[anchors == a].mean() for a in np.unique(anchors)]
    assert np.mean(per_anchor) == pytest.approx(0.3529424157174419, rel=1e-10)


def test_ntxent_two_views_is_simclr():
    # derived: SupContrast SupConLoss(labels=None), PML NTXentLoss and optax.ntxent (T=0.07)
    # on the 8 views stacked view-major all give 0.6384924046955396.
    both_backends("ntxent", 0.6384924046955396, rtol=1e-9, embeddings=VIEW0, pair=VIEW1,
                  labels=[0, 1, 2, 3])
    stacked = values("ntxent", embeddings=VIEW0 + VIEW1, labels=[0, 1, 2, 3] * 2)
    assert stacked == pytest.approx(0.6384924046955396, rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ntxent_without_positives_is_nan_and_0_for_pml(backend, cli):
    # optax: 0/0 = NaN (values_16 edge case); PML test_with_no_valid_pairs: 0.
    args = dict(embeddings=[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], labels=[0, 1, 2])
    assert np.isnan(values("ntxent", backend, **args))
    assert values("ntxent", convention="pml", **args) == 0  # conventions run on torch
    # no negatives: every pair's denominator is its own term, so ℓ = 0 (both libraries)
    assert values("ntxent", backend, embeddings=at_angles([0, 10, 20]), labels=[0, 0, 0]) == 0
    out = cli("ntxent", "--embeddings", "[[1, 0], [0, 1]]", "--labels", "[0, 1]", "-q",
              "--backend", backend)
    assert out.code == 0 and out.stdout.strip() == "nan"
    assert "no two rows share a label" in out.stderr


def test_ntxent_gradients():
    x, y = RNG.normal(size=(5, 3)), np.array([0, 1, 0, 1, 2])
    gradcheck("ntxent", {"embeddings": x, "labels": y}, wrt="embeddings", pair=None,
              temperature=0.5)
    gradcheck("ntxent", {"embeddings": x, "labels": y, "pair": RNG.normal(size=(5, 3))},
              wrt="pair", temperature=0.5)


# --- supcon -------------------------------------------------------------------------------


def ref_supcon(x, labels, temperature, base_temperature, normalize=True, skip_alone=False):
    """Per anchor: −(T/T_b)·mean_{p} [s_ip − log Σ_{k≠i} e^{s_ik}]; the mean over anchors
    (or, skip_alone, over those with a positive; then without the T/T_b factor)."""
    x = [unit(r) for r in x] if normalize else x
    n = len(x)
    scale = 1.0 if skip_alone else temperature / base_temperature
    terms = []
    for i in range(n):
        s = [dot(x[i], x[k]) / temperature for k in range(n)]
        log_denominator = math.log(sum(math.exp(s[k]) for k in range(n) if k != i))
        positives = [p for p in range(n) if p != i and labels[p] == labels[i]]
        if not positives:
            if not skip_alone:
                terms.append(0.0)
            continue
        terms.append(-scale * sum(s[p] - log_denominator for p in positives) / len(positives))
    return np.array(terms)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("normalize", [True, False])
def test_supcon_matches_the_float64_formula(backend, normalize):
    x, y = RNG.normal(size=(7, 3)), [0, 1, 0, 2, 1, 0, 3]
    want = ref_supcon(x.tolist(), y, 0.3, 0.2, normalize)
    got = values("supcon", backend, "none", embeddings=x, labels=y, temperature=0.3,
                 base_temperature=0.2, normalize=normalize)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(("temperature", "base", "expected"), [
    (0.07, 0.07, 5.686111452314587),   # derived: SupContrast; PML gives the same
    (0.5, 0.07, 11.321263167861314),   # derived: the T/T_base factor 0.5/0.07
    (0.5, 0.5, 1.584976843500584),     # derived: factor 1
])
def test_supcon_supcontrast_values(temperature, base, expected):
    # SupContrast losses.py (commit 66a8fe53) on features [4, 2 views, 2], labels [0, 0, 1, 1],
    # contrast_mode 'all': our --pair is the second view (rows stacked view-major).
    both_backends("supcon", expected, rtol=1e-10, embeddings=VIEW0, pair=VIEW1,
                  labels=[0, 0, 1, 1], temperature=temperature, base_temperature=base)


def test_supcon_anchors_without_positives_reference_and_pml():
    # derived: SupContrast counts the two lone anchors as 0 (mean over 4): 0.03181588294034715;
    # PML SupConLoss (AvgNonZeroReducer) averages over the 2 others: exactly twice that.
    args = dict(embeddings=[[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]], labels=[0, 0, 1, 2])
    both_backends("supcon", 0.03181588294034715, rtol=1e-10, temperature=0.1,
                  base_temperature=0.1, **args)
    assert values("supcon", convention="pml", **args) == pytest.approx(0.06363176588069419,
                                                                       rel=1e-10)
    want = ref_supcon(args["embeddings"], args["labels"], 0.1, 0.1, skip_alone=True).mean()
    assert want == pytest.approx(0.06363176588069419, rel=1e-12)


def test_supcon_pml_value_on_its_test_inputs():
    # derived: PML test_ntxent_loss.py loss_funcD = SupConLoss(temperature=0.1)
    assert values("supcon", convention="pml", embeddings=PML_X, labels=PML_Y) == pytest.approx(
        0.7200604450816726, rel=1e-10)


def test_supcon_with_one_positive_each_is_ntxent():
    # Each anchor's only positive is its other view: both denominators hold every other row.
    x0, x1 = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    args = dict(embeddings=x0, pair=x1, labels=[0, 1, 2, 3], temperature=0.2)
    assert values("supcon", base_temperature=0.2, **args) == pytest.approx(
        values("ntxent", **args), rel=1e-12)


def test_supcon_gradients():
    x, y = RNG.normal(size=(5, 3)), np.array([0, 1, 0, 1, 2])
    for normalize in (True, False):
        gradcheck("supcon", {"embeddings": x, "labels": y}, wrt="embeddings", pair=None,
                  temperature=0.5, base_temperature=0.07, normalize=normalize)


# --- contrastive --------------------------------------------------------------------------


def ref_contrastive(x, labels, pos_margin=0.0, neg_margin=1.0, squared=False, power=1,
                    normalize=True):
    """Per pair i < j: max(0, d − m₊)^p (same label) or max(0, m₋ − d)^p, d = ‖x̂ᵢ − x̂ⱼ‖."""
    x = [unit(r) for r in x] if normalize else x
    terms, same = [], []
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            d2 = sum((a - b) ** 2 for a, b in zip(x[i], x[j], strict=True))
            d = d2 if squared else math.sqrt(d2)
            if labels[i] == labels[j]:
                terms.append(max(0.0, d - pos_margin) ** power)
            else:
                terms.append(max(0.0, neg_margin - d) ** power)
            same.append(labels[i] == labels[j])
    return np.array(terms), np.array(same)


# PML tests/losses/test_contrastive_loss.py (v2.8.1): angles [0, 20, 40, 60, 80] at radius 2
CON_X = at_angles([0, 20, 40, 60, 80], radius=2.0)
CON_Y = [0, 0, 1, 1, 2]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("distance", "power", "normalize"), [
    ("euclidean", 1, True), ("squared", 2, False), ("euclidean", 2, False)])
def test_contrastive_matches_the_float64_formula(backend, distance, power, normalize):
    x, y = RNG.normal(size=(6, 3)), [0, 1, 0, 2, 1, 0]
    want, _ = ref_contrastive(x.tolist(), y, 0.1, 1.2, distance == "squared", power, normalize)
    got = values("contrastive", backend, "none", embeddings=x, labels=y, pos_margin=0.1,
                 neg_margin=1.2, distance=distance, power=power, normalize=normalize)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def pml_reduction(terms, same, nonzero):
    """PML: positive and negative pairs reduced separately, then added."""
    def mean(part):
        part = part[part > 0] if nonzero else part
        return part.mean() if part.size else 0.0
    return mean(terms[same]) + mean(terms[~same])


@pytest.mark.parametrize(("args", "nonzero", "expected"), [
    # loss_funcA: LpDistance(power=2), pos 0.25, neg 1.5, AvgNonZeroReducer
    (dict(distance="squared", pos_margin=0.25, neg_margin=1.5), True, 0.9792910202653575),
    # loss_funcC: the same with MeanReducer
    (dict(distance="squared", pos_margin=0.25, neg_margin=1.5), False, 0.8568796427321879),
])
def test_contrastive_pml_values(args, nonzero, expected):
    # derived: PML 2.8.1 on its test's inputs (the test computes the expectation in a loop).
    # (Its defaults give 0.669194416673613 there only because two chords of exactly 1 come
    # out as 1 − 1.1e-16 and count as non-zero pairs: a tie, not a usable reference.)
    result = compute("contrastive", reduction="none", embeddings=CON_X, labels=CON_Y, **args)
    terms = np.asarray(result.terms)
    same = np.asarray(result.details["same"]).astype(bool)
    assert pml_reduction(terms, same, nonzero) == pytest.approx(expected, rel=1e-10)


def test_contrastive_hadsell_form():
    # Hadsell et al. 2006: ½·d² (similar) and ½·max(0, m − d)², on the raw embeddings.
    x, y = RNG.normal(size=(4, 2)), [0, 0, 1, 1]
    got = values("contrastive", reduction="none", embeddings=x, labels=y, power=2, normalize=False,
                 neg_margin=2.0) / 2
    i, j = np.triu_indices(4, 1)
    d = np.linalg.norm(x[i] - x[j], axis=1)
    same = np.array(y)[i] == np.array(y)[j]
    np.testing.assert_allclose(got, np.where(same, d**2 / 2, np.maximum(2 - d, 0) ** 2 / 2),
                               rtol=1e-12)


def test_contrastive_gradients():
    x, y = RNG.normal(size=(5, 3)), np.array([0, 1, 0, 1, 2])
    for distance, power in (("euclidean", 1), ("squared", 2)):
        gradcheck("contrastive", {"embeddings": x, "labels": y}, wrt="embeddings",
                  pos_margin=0.1, neg_margin=1.5, distance=distance, power=power,
                  normalize=True)


# --- circle -------------------------------------------------------------------------------

# keras/src/losses/losses_test.py CircleTest (Keras 3.15.1)
CIRCLE_X = [[0.70014004, -0.42008403, 0.14002801, 0.56011203],
            [0.17609018, 0.70436073, -0.52827054, 0.44022545],
            [-0.34050261, 0.25537696, -0.68100522, 0.59587957],
            [0.32163376, -0.75047877, 0.53605627, -0.21442251],
            [0.51261459, -0.34174306, 0.17087153, 0.76892189]]
CIRCLE_Y = [1, 1, 2, 2, 3]
CIRCLE_X2 = [[0.40824829, -0.54433105, 0.27216553, 0.68041382],
             [0.76376261, 0.10910895, -0.54554473, 0.32732684],
             [-0.74420841, 0.24806947, 0.49613894, -0.3721042],
             [0.52981294, -0.13245324, 0.79471941, -0.26490647],
             [0.54554473, -0.32732684, 0.10910895, 0.76376261],
             [-0.27216553, 0.68041382, 0.40824829, -0.54433105]]
CIRCLE_Y2 = [1, 1, 2, 2, 3, 4]


def ref_circle(x, labels, gamma=80.0, margin=0.4):
    """Sun et al. 2020 in the similarity form: s_p, s_n with O_p = 1 + m, O_n = −m,
    Δ_p = 1 − m, Δ_n = m; ℓ = log(1 + Σ_n e^{γ·α_n(s_n − Δ_n)}·Σ_p e^{−γ·α_p(s_p − Δ_p)})."""
    terms = []
    for i in range(len(x)):
        s = [min(dot(x[i], x[k]), 1.0) for k in range(len(x))]  # Keras clamps d = 1 − s ≥ 0
        pos = [math.exp(-gamma * max(1 + margin - s[k], 0) * (s[k] - (1 - margin)))
               for k in range(len(x)) if k != i and labels[k] == labels[i]]
        neg = [math.exp(gamma * max(s[k] + margin, 0) * (s[k] - margin))
               for k in range(len(x)) if labels[k] != labels[i]]
        terms.append(math.log1p(sum(pos) * sum(neg)))
    return np.array(terms)


@pytest.mark.parametrize("backend", BACKENDS)
def test_circle_matches_the_float64_formula(backend):
    x = RNG.normal(size=(7, 4))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = [0, 1, 0, 2, 1, 0, 3]
    want = ref_circle(x.tolist(), y, 4.0, 0.25)
    got = values("circle", backend, "none", embeddings=x, labels=y, gamma=4.0, margin=0.25)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert values("circle", backend, embeddings=x, labels=y, gamma=4.0,
                  margin=0.25) == pytest.approx(want[want > 0].mean(), rel=1e-12)


def test_circle_keras_published_values():
    # CircleTest.test_correctness: 188.3883 = (127.679 + 98.4445 + 275.919 + 251.511) / 4, the
    # lone label-3 row (ℓ = 0) masked out of the mean; γ = 256, m = 0.25: 652.7617.
    both_backends("circle", 188.3883, atol=1e-3, embeddings=CIRCLE_X, labels=CIRCLE_Y)
    both_backends("circle", 652.7617, atol=1e-3, embeddings=CIRCLE_X, labels=CIRCLE_Y,
                  gamma=256.0, margin=0.25)
    # test_no_reduction, test_sum_reduction; derived: the default mean (/4, not /6)
    np.testing.assert_allclose(
        values("circle", reduction="none", embeddings=CIRCLE_X2, labels=CIRCLE_Y2),
        [82.9116, 36.7942, 92.4590, 52.6798, 0, 0], atol=1e-3)
    total = values("circle", reduction="sum", embeddings=CIRCLE_X2, labels=CIRCLE_Y2)
    assert total == pytest.approx(264.845, abs=1e-3)
    assert values("circle", embeddings=CIRCLE_X2, labels=CIRCLE_Y2) == pytest.approx(
        66.21114349365234, rel=1e-6)
    # the per-sample losses printed by the installed Keras for test_correctness
    per_sample = values("circle", reduction="none", embeddings=CIRCLE_X, labels=CIRCLE_Y)
    np.testing.assert_allclose(per_sample, [127.678955, 98.4445, 275.91916, 251.51068, 0.0],
                               rtol=1e-6)


def test_circle_reduction_rule_names_the_masked_rows():
    result = compute("circle", embeddings=CIRCLE_X, labels=CIRCLE_Y)
    assert result.reduction.ignored == 1
    assert result.reduction.rule == "mean over the n non-ignored terms: Σ ℓᵢ / n"


def test_circle_gradients():
    x = RNG.normal(size=(5, 3))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    gradcheck("circle", {"embeddings": x, "labels": np.array([0, 1, 0, 1, 2])},
              wrt="embeddings", gamma=4.0, margin=0.25)


def test_circle_warns_on_rows_that_are_not_unit(cli):
    out = cli("circle", "--embeddings", "[[2, 0], [0, 1], [1, 0]]", "--labels", "[0, 1, 0]",
              "-q")
    assert out.code == 0
    assert out.stderr == ("losscli: warning: --embeddings: row 0 has norm 2, not 1: circle loss "
                          "(as Keras) takes L2-normalised embeddings and does not normalise "
                          "them\n")


# --- arcface, cosface ---------------------------------------------------------------------

# values_16 (derived): class centres at 0°, 90°, 180° (PML's W = [[1, 0, −1], [0, 1, 0]] is
# (D, C); here its transpose), embeddings at 10°, 80°, 100°, 175°, 200° of radius 2.
FACE_X = at_angles([10, 80, 100, 175, 200], radius=2.0)
FACE_W = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]
FACE_Y = [0, 1, 2, 0, 1]


def ref_margin_softmax(x, centers, labels, scale, target_logit):
    """−log softmax(s·cos θ with the true class's cos θ replaced)_y, with θ from acos."""
    terms = []
    for row, y in zip(x, labels, strict=True):
        cosines = [dot(unit(row), unit(c)) for c in centers]
        logits = [scale * (target_logit(cos) if k == y else cos)
                  for k, cos in enumerate(cosines)]
        top = max(logits)
        terms.append(top + math.log(sum(math.exp(v - top) for v in logits)) - logits[y])
    return np.array(terms)


def arc_target(m, easy=False):
    def target(cos):
        theta = math.acos(max(-1.0, min(1.0, cos)))
        if easy:
            return math.cos(theta + m) if cos > 0 else cos
        return math.cos(theta + m) if theta + m <= math.pi else cos - m * math.sin(m)
    return target


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("easy", [False, True])
def test_arcface_matches_the_float64_formula(backend, easy):
    x, w, y = RNG.normal(size=(8, 3)), RNG.normal(size=(4, 3)), RNG.integers(0, 4, 8)
    want = ref_margin_softmax(x.tolist(), w.tolist(), y, 8.0, arc_target(0.7, easy))
    got = values("arcface", backend, "none", embeddings=x, centers=w, labels=y, scale=8.0,
                 margin=0.7, easy_margin=easy)
    np.testing.assert_allclose(got, want, rtol=1e-11)


@pytest.mark.parametrize(("args", "expected"), [
    # derived: insightface CombinedMarginLoss (m2 = 0.5, s = 64); PML with degrees(0.5) agrees
    (dict(margin=0.5, scale=64.0), 66.90582359691743),
    # derived: the classic ArcMarginProduct with easy_margin
    (dict(margin=0.5, scale=64.0, easy_margin=True), 58.60686448758029),
    # derived: PML ArcFaceLoss(margin=30, scale=16) (test_arcface_loss.py's margin, in degrees)
    (dict(margin=math.radians(30), scale=16.0), 16.917642734104835),
])
def test_arcface_derived_values(args, expected):
    both_backends("arcface", expected, rtol=1e-10, embeddings=FACE_X, centers=FACE_W,
                  labels=FACE_Y, **args)
    # the 175° sample (θ + m > π) takes the fallback cos θ − m·sin m
    assert ref_margin_softmax(FACE_X, FACE_W, FACE_Y, args["scale"], arc_target(
        args["margin"], args.get("easy_margin", False))).mean() == pytest.approx(
        expected, rel=1e-10)


def test_arcface_pml_convention_takes_its_margin_in_degrees():
    # derived: PML ArcFaceLoss defaults margin=28.6 (degrees), scale=64: 66.87879642859187
    assert values("arcface", convention="pml", embeddings=FACE_X, centers=FACE_W,
                  labels=FACE_Y) == pytest.approx(66.87879642859187, rel=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cosface_matches_the_float64_formula_and_pml(backend):
    x, w, y = RNG.normal(size=(8, 3)), RNG.normal(size=(4, 3)), RNG.integers(0, 4, 8)
    want = ref_margin_softmax(x.tolist(), w.tolist(), y, 8.0, lambda cos: cos - 0.3)
    got = values("cosface", backend, "none", embeddings=x, centers=w, labels=y, scale=8.0,
                 margin=0.3)
    np.testing.assert_allclose(got, want, rtol=1e-11)
    # derived: PML CosFaceLoss(margin=0.35, scale=64) and (0.5, 16) (test_cosface_loss.py's m)
    face = dict(embeddings=FACE_X, centers=FACE_W, labels=FACE_Y)
    assert values("cosface", backend, **face) == pytest.approx(65.73135021619649, rel=1e-10)
    assert values("cosface", backend, margin=0.5, scale=16.0, **face) == pytest.approx(
        17.87558710373687, rel=1e-10)


def test_margin_softmax_gradients():
    x, w, y = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 3)), np.array([0, 1, 2, 0, 1])
    for name, params in (("arcface", dict(easy_margin=False)), ("cosface", {})):
        for wrt in ("embeddings", "centers"):
            inputs = {"embeddings": x, "centers": w, "labels": y}
            gradcheck(name, inputs, wrt=wrt, scale=4.0, margin=0.4, **params)


def test_zero_margin_is_normalised_softmax():
    # m = 0: both are the cross-entropy of s·cos θ
    x, w, y = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 3)), [0, 1, 2, 0, 1]
    face = dict(embeddings=x, centers=w, labels=y, scale=3.0, margin=0.0)
    cos = (x / np.linalg.norm(x, axis=1, keepdims=True)) @ (
        w / np.linalg.norm(w, axis=1, keepdims=True)).T
    ce = values("cross-entropy", pred=3.0 * cos, target=y)
    assert values("arcface", **face) == pytest.approx(ce, rel=1e-12)
    assert values("cosface", **face) == pytest.approx(ce, rel=1e-12)


# --- ranking-softmax ----------------------------------------------------------------------


def ref_ranking(scores, labels):
    top = max(scores)
    log_total = top + math.log(sum(math.exp(s - top) for s in scores))
    return -sum(y * (s - log_total) for s, y in zip(scores, labels, strict=True))


@pytest.mark.parametrize("backend", BACKENDS)
def test_ranking_softmax_matches_the_float64_formula(backend):
    s, y = RNG.normal(size=(3, 5)), RNG.integers(0, 3, (3, 5)).astype(float)
    want = [ref_ranking(a, b) for a, b in zip(s.tolist(), y.tolist(), strict=True)]
    np.testing.assert_allclose(values("ranking-softmax", backend, "none", pred=s, target=y),
                               want, rtol=1e-12)


@pytest.mark.parametrize(("pred", "target", "expected"), [
    ([0.0, 3.0, 1.0, 2.0], [0.0, 0.0, 1.0, 1.0], 3.88038),          # test_computes_loss_value
    ([0.0, -2.1e26, 3.4e37, 42.0], [0.0, 1.0, 1.0, 0.0], 3.4e37),   # ..._with_extreme_inputs
    ([0.0, 3.0, 1.0, 2.0], [0.0, 0.0, 0.0, 0.0], 0.0),              # ..._for_zero_labels
    # test_computes_weighted_loss_value: weights [1, 1, 2, 1] multiply the labels
    ([0.0, 3.0, 2.0, 1.0], [0.0, 0.0, 2.0, 1.0], 5.32057),
    # test_computes_loss_value_with_where: the list without its masked last item
    ([0.0, 3.0, 1.0], [0.0, 0.0, 2.0], 4.33969),
    # test_computes_loss_with_arbitrary_batch_dimensions: where [False, True, True]
    ([3.0, 1.0], [0.0, 1.0], 2.12693),
])
def test_ranking_softmax_optax_published_values(pred, target, expected):
    # optax/losses/_ranking_test.py (optax 0.2.8), rtol 1e-3
    both_backends("ranking-softmax", expected, rtol=1e-3, atol=0, pred=pred, target=target)


def test_ranking_softmax_optax_batched_values():
    # test_computes_loss_value_with_vmap; test_computes_reduced_loss (mean, sum) and
    # test_computes_unreduced_loss, rtol 1e-3
    s = [[0.0, 3.0, 1.0, 2.0], [3.0, 1.0, 4.0, 2.0]]
    y = [[0.0, 0.0, 1.0, 1.0], [2.0, 0.0, 1.0, 0.0]]
    np.testing.assert_allclose(values("ranking-softmax", reduction="none", pred=s, target=y),
                               [3.88038, 3.32057], rtol=1e-5)
    s, y = [[2.0, 1.0, 3.0], [1.0, 0.5, 1.5]], [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert values("ranking-softmax", pred=s, target=y) == pytest.approx(1.04394, rel=1e-5)
    total = values("ranking-softmax", reduction="sum", pred=s, target=y)
    assert total == pytest.approx(2.08788, rel=1e-5)
    np.testing.assert_allclose(values("ranking-softmax", reduction="none", pred=s, target=y),
                               [1.40761, 0.68027], rtol=1e-5)


def test_ranking_softmax_gradients():
    s, y = RNG.normal(size=(2, 4)), RNG.integers(0, 3, (2, 4)).astype(float)
    gradcheck("ranking-softmax", {"pred": s, "target": y})


# --- input errors -------------------------------------------------------------------------

X3 = "[[1, 0], [0, 1], [1, 1]]"


@pytest.mark.parametrize(("args", "message"), [
    (("ntxent", "--embeddings", "[1, 2, 3]", "--labels", "[0, 0, 1]"),
     "--embeddings: expected a batch of embeddings of shape (N, D) with N, D >= 1, got shape "
     "(3)"),
    (("ntxent", "--embeddings", "[[]]", "--labels", "[0]"),
     "--embeddings: expected a batch of embeddings of shape (N, D) with N, D >= 1, got shape "
     "(1, 0)"),
    (("supcon", "--embeddings", X3, "--labels", "[0, 0]"),
     "--labels: expected one label per row of --embeddings, shape (3), got shape (2)"),
    (("ntxent", "--embeddings", X3, "--labels", "[0, 0, 1]", "--pair", "[[1, 0]]"),
     "--pair: shape (1, 2) does not match --embeddings shape (3, 2); they must be equal"),
    (("ntxent", "--embeddings", X3, "--labels", "[0, 0.5, 1]"),
     "--labels: "),
    (("ntxent", "--embeddings", X3, "--labels", "[0, 0, 1]", "--temperature", "0"),
     "--temperature: must be > 0, got 0"),
    (("contrastive", "--embeddings", X3, "--labels", "[0, 0, 1]", "--power", "3"),
     "--power: must be <= 2, got 3"),
    (("contrastive", "--embeddings", X3, "--labels", "[0, 0, 1]", "--distance", "cosine"),
     "losscli contrastive: Invalid value for '--distance'"),
    (("circle", "--embeddings", X3, "--labels", "[0, 0, 1]", "--gamma", "-1"),
     "--gamma: must be > 0, got -1"),
    (("arcface", "--embeddings", X3, "--centers", "[[1, 0, 0]]", "--labels", "[0, 0, 0]"),
     "--centers: expected class centres of shape (C, 2) with C >= 1 (one row per class, the "
     "width of --embeddings), got shape (1, 3)"),
    (("cosface", "--embeddings", X3, "--centers", "[[1, 0], [0, 1]]", "--labels", "[0, 2, 1]"),
     "--labels: class index 2 is out of range for 2 classes (--centers has 2 rows)"),
    (("arcface", "--embeddings", X3, "--centers", "[[1, 0]]", "--labels", "[0, 0, 0]",
      "--margin", "4"), "--margin: must be <= 3.14159, got 4"),
    (("ranking-softmax", "--pred", "[1, 2]", "--target", "[1, 2, 3]"),
     "--target: shape (3) does not match --pred shape (2); they must be equal"),
    (("ranking-softmax", "--pred", "1", "--target", "1"),
     "--pred: expected scores of shape (L) or (…, L), got a single number"),
    (("ranking-softmax", "--pred", "[1, 2]", "--target", "[1, -2]"), "--target: "),
])
@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_inputs_exit_2_with_one_line(cli, args, message, backend):
    out = cli(*args, "--backend", backend)
    assert out.code == 2 and out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("losscli: error: " + message), out.stderr


def test_a_batch_too_large_for_its_pairwise_matrix_is_refused(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LOSSCLI_MAX_INPUT_BYTES", "1K")
    path = tmp_path / "x.npy"
    np.save(path, np.ones((12, 2)))
    out = cli("supcon", "--embeddings", f"@{path}", "--labels", str(list(range(12))))
    assert out.code == 2
    assert out.stderr.startswith("losscli: error: --embeddings: 12 rows need 12×12 pairwise "
                                 "similarities")


# --- the installed libraries --------------------------------------------------------------


def test_against_installed_optax():
    optax = pytest.importorskip("optax")
    x, y = RNG.normal(size=(6, 3)).astype(np.float32), np.array([0, 1, 0, 1, 2, 2])
    want = float(optax.losses.ntxent(x, y, temperature=0.2))
    assert values("ntxent", embeddings=x, labels=y, temperature=0.2) == pytest.approx(
        want, rel=1e-5)
    s, r = RNG.normal(size=(3, 5)), RNG.integers(0, 3, (3, 5)).astype(float)
    want = np.asarray(optax.losses.ranking_softmax_loss(s, r, reduce_fn=None))
    np.testing.assert_allclose(values("ranking-softmax", reduction="none", pred=s, target=r), want,
                               rtol=1e-5)


def test_against_installed_keras():
    keras = pytest.importorskip("keras")
    if not hasattr(keras.losses, "circle"):
        pytest.skip("this Keras has no circle loss")
    x = RNG.normal(size=(6, 4))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.array([0, 1, 0, 1, 2, 2])
    want = np.asarray(keras.losses.circle(y, x, gamma=8.0, margin=0.3))
    np.testing.assert_allclose(values("circle", reduction="none", embeddings=x, labels=y, gamma=8.0,
                                      margin=0.3), want, rtol=1e-4, atol=1e-6)


# --- explain ------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "lines"), [
    (("ntxent", "--embeddings", str(OPTAX_X), "--labels", "[0, 0, 1, 1]"), [
        "ℓ[0]",
        "  anchor row 0 = [−1.954, 1.078] (label 0)",
        "  positive row 1 = [0.238, −0.5703] (label 0)",
        "  s = cos(x0, x1) / T = −0.78301 / 0.07 = −11.1859",
        "  negatives of the anchor (other labels): rows 2, 3; log Σ_k e^(s_0k) = −2.38408",
        "  ℓ = log(e^s + e^(log Σ_k)) − s = log(e^(−11.1859) + e^(−2.38408)) − (−11.1859) "
        "= 8.80193"]),
    (("supcon", "--embeddings", "[[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]", "--labels",
      "[0, 0, 1, 2]"), [
        "  positives (same label): rows 0",
        "  mean of log p over the 1 positive(s) = −0.0558439",
        "  ℓ = −(T/T_base)·mean = −(0.07/0.07) × (−0.0558439) = 0.0558439",
        "  no positive: the term is 0"]),
    (("contrastive", "--embeddings", str(CON_X), "--labels", str(CON_Y), "--power", "2"), [
        "  d = ‖x̂ᵢ − x̂ⱼ‖₂ = 0.347296",
        "  same label: pulled within m₊",
        "  ℓ = max(0, d − m₊)^2 = max(0, 0.347296 − 0)^2 = 0.120615"]),
    (("arcface", "--embeddings", "[[1.97, 0.35], [-1.99, 0.17]]", "--centers",
      "[[1, 0], [0, 1], [-1, 0]]", "--labels", "[0, 0]", "--scale", "16"), [
        "  target = cos(θ_y + m), m = 0.5 rad = 0.780188",
        "  θ_y + m > π: target = cos θ_y − m·sin m = −1.23608",
        "  ℓ = log Σ − s·target = 15.9419 − 16 × (−1.23608) = 35.7193"]),
    (("ranking-softmax", "-p", "[0, 3, 1, 2]", "-t", "[0, 0, 1, 1]"), [
        "  log Σⱼ e^sⱼ = log(e^0 + e^3 + e^1 + e^2) = 3.44019",
        "  ℓ = Σ y·log Σ e^s − Σ y·s = 2 × 3.44019 − 3 = 3.88038"]),
])
def test_explain_works_the_terms_out(cli, args, lines):
    out = cli(*args, "--explain", "--dtype", "float64")
    assert out.code == 0, out.stderr
    shown = out.stdout.splitlines()
    for line in lines:
        assert line in shown, line


# --- plot axes ----------------------------------------------------------------------------


def test_plot_axes_build_one_term_per_value():
    from losscli.families.metric.plot import AXES

    degrees = np.array([0.0, 45.0, 150.0, 170.0])
    (axis,) = AXES["arcface"]
    got = values("arcface", reduction="none", scale=16.0, **axis.build(degrees))
    rows = [[math.cos(math.radians(a)), math.sin(math.radians(a))] for a in degrees]
    want = ref_margin_softmax(rows, [[1.0, 0.0], [-1.0, 0.0]], [0] * 4, 16.0, arc_target(0.5))
    np.testing.assert_allclose(got, want, rtol=1e-11)
    (axis,) = AXES["ranking-softmax"]
    gap = np.array([-1.0, 0.0, 2.0])
    got = values("ranking-softmax", reduction="none", **axis.build(gap))
    np.testing.assert_allclose(got, np.log1p(np.exp(-gap)), rtol=1e-12)  # −log σ(gap)


def test_ntxent_without_positive_pairs_warns_once(cli):
    """The check's warning says why the mean is NaN; the generic one (empty inputs) is not added."""
    out = cli("ntxent", "--embeddings", "[[1, 0], [0, 1]]", "--labels", "[0, 1]", "-q")
    assert out.code == 0 and out.stdout.strip() == "nan"
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "no positive pair" in lines[0]
