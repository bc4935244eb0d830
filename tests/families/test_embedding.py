"""Embedding losses against independent float64 formulas.

PyTorch's hinge-embedding, cosine-embedding and triplet losses in TestTorchParity;
cosine-similarity with Keras's and optax's published values (cited), gradients, both
backends and the installed libraries (skipped if absent).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from family_helpers import PyTorchCommands, TorchParity

import losscli

RNG = np.random.default_rng(16)
BACKENDS = ("numpy", "torch")
# Keras 3.15.1 keras/src/losses/losses_test.py CosineSimilarityTest (tag v3.15.1)
KERAS_T = [[1, 9, 2], [-5, -2, 6]]
KERAS_P = [[4, 8, 12], [8, 1, 3]]
# optax 0.2.8 optax/losses/_regression_test.py CosineDistanceTest (tag v0.2.8), atol 1e-4
OPTAX_P = [[10.0, 1.0, -2.0], [1.0, 4.0, 0.2]]
OPTAX_T = [[0.0, 1.2, 0.2], [1.0, -0.3, 0.0]]


def value(backend="numpy", reduction="mean", convention=None, **kwargs):
    result = losscli.compute("cosine-similarity", backend=backend, dtype="float64",
                             reduction=reduction, convention=convention, **kwargs)
    return np.asarray(result.value)


def reference(x, y, eps=1e-12):
    """−x·y / (√max(x·x, ε)·√max(y·y, ε)) row by row (vectors along the last axis)."""
    out = []
    for a, b in zip(x, y, strict=True):
        dot = sum(p * q for p, q in zip(a, b, strict=True))
        na = math.sqrt(max(sum(p * p for p in a), eps))
        nb = math.sqrt(max(sum(q * q for q in b), eps))
        out.append(-dot / (na * nb))
    return np.array(out)


@pytest.mark.parametrize("backend", BACKENDS)
def test_matches_the_float64_formula(backend):
    x, y = RNG.normal(size=(5, 4)), RNG.normal(size=(5, 4))
    want = reference(x, y)
    np.testing.assert_allclose(value(backend, "none", pred=x, target=y), want, rtol=1e-13)
    np.testing.assert_allclose(value(backend, pred=x, target=y), want.mean(), rtol=1e-13)
    # along axis 0 it is the same formula on the transposed arrays
    np.testing.assert_allclose(value(backend, "none", pred=x.T, target=y.T, axis=0), want,
                               rtol=1e-13)


@pytest.mark.parametrize("backend", BACKENDS)
def test_keras_published_values(backend):
    # test_unweighted: −mean(row cosines) = −0.187219 (decimal=3 there); rows from the test's
    # expression [−0.720488, 0.34605]; axis=0 values derived with the installed Keras 3.15.1.
    assert value(backend, pred=KERAS_P, target=KERAS_T) == pytest.approx(-0.187219, abs=1e-6)
    np.testing.assert_allclose(value(backend, "none", pred=KERAS_P, target=KERAS_T),
                               [-0.720488, 0.34605], atol=1e-6)
    np.testing.assert_allclose(value(backend, "none", pred=KERAS_P, target=KERAS_T, axis=0),
                               [0.789352, -0.941742, -0.536875], atol=1e-6)


def test_optax_published_values():
    backend = "torch"  # conventions run on torch
    distance = value(backend, "none", "optax", pred=OPTAX_P, target=OPTAX_T)
    np.testing.assert_allclose(distance, [0.9358251989, 1.0464068465], atol=1e-4)
    similarity = value(backend, "none", "optax-similarity", pred=OPTAX_P, target=OPTAX_T)
    np.testing.assert_allclose(similarity, [0.0641748011, -0.0464068465], atol=1e-4)


def test_zero_vector_scores_0_with_the_keras_clamp_and_nan_with_optax_eps_0():
    pred, target = [[0.0, 0.0], [1.0, 0.0]], [[1.0, 2.0], [0.0, 0.0]]
    np.testing.assert_array_equal(value("numpy", "none", pred=pred, target=target), [0.0, 0.0])
    assert np.isnan(value("torch", "none", "optax", pred=pred, target=target)).all()


def test_gradcheck_and_the_gradient_is_orthogonal_to_the_prediction():
    from losscli.families.embedding.torch_terms import cosine_similarity

    x = torch.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    y = torch.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, b: cosine_similarity(pred=a, target=b, axis=-1, eps=1e-12).values, (x, y))
    cosine_similarity(pred=x, target=y, axis=-1, eps=1e-12).values.sum().backward()
    xd, yd = x.detach().numpy(), y.detach().numpy()
    xn = np.linalg.norm(xd, axis=1, keepdims=True)
    yn = np.linalg.norm(yd, axis=1, keepdims=True)
    cos = (xd * yd).sum(1, keepdims=True) / (xn * yn)
    np.testing.assert_allclose(x.grad, -(yd / yn - cos * xd / xn) / xn, rtol=1e-12)
    np.testing.assert_allclose((x.grad.numpy() * xd).sum(1), 0, atol=1e-14)


def test_against_installed_keras():
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    keras = pytest.importorskip("keras")
    x, y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    want = float(keras.losses.CosineSimilarity(axis=-1)(y, x))
    assert value(pred=x, target=y) == pytest.approx(want, rel=1e-5)
    # (Keras's numpy backend cannot normalise along axis 0: compare on the transposes)
    assert value(pred=x.T, target=y.T, axis=0) == pytest.approx(want, rel=1e-5)


def test_against_installed_optax():
    optax = pytest.importorskip("optax")
    x, y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    np.testing.assert_allclose(value("torch", "none", "optax", pred=x, target=y),
                               np.asarray(optax.losses.cosine_distance(x, y)), rtol=1e-5)
    np.testing.assert_allclose(value("torch", "none", "optax-similarity", pred=x, target=y),
                               np.asarray(optax.losses.cosine_similarity(x, y)), rtol=1e-5)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "1", "-t", "1"), "--pred", "vectors"),
    (("-p", "[1, 2]", "-t", "[1]"), "--target", "must be equal"),
    (("-p", "[1, 2]", "-t", "[1, 2]", "--axis", "1"), "--axis", "outside"),
    (("-p", "[1, 2]", "-t", "[1, 2]", "--eps", "-1"), "--eps", ">= 0"),
])
def test_bad_input_is_one_line(cli, args, argument, fragment):
    out = cli("cosine-similarity", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0] and fragment in lines[0], out.stderr


# --- PyTorch's embedding losses: every reduction, torch.nn.functional, gradcheck -------------
# hinge-embedding, cosine-embedding, triplet-margin and triplet-margin-with-distance. Each
# reference is written from the formula on the loss's PyTorch documentation page (not by
# calling torch); torch.nn.functional with the same reduction is a second check.

TORCH_RNG = np.random.default_rng(3)


def ref_hinge_embedding(pred, target, margin=1.0):
    return np.where(target == 1, pred, np.maximum(0.0, margin - pred))


def cosine(x1, x2):
    eps = 1e-12
    return (x1 * x2).sum(-1) / np.sqrt(((x1**2).sum(-1) + eps) * ((x2**2).sum(-1) + eps))


def ref_cosine_embedding(input1, input2, target, margin=0.0):
    cos = cosine(input1, input2)
    return np.where(target == 1, 1 - cos, np.maximum(0.0, cos - margin))


def p_distance(x, y, p=2.0, eps=1e-6):
    return (np.abs(x - y + eps) ** p).sum(-1) ** (1.0 / p)


def cosine_distance(x, y):
    norm = lambda v: np.maximum(np.sqrt((v**2).sum(-1)), 1e-8)  # noqa: E731
    return 1 - (x * y).sum(-1) / (norm(x) * norm(y))


def _triplet(distance, anchor, positive, negative, margin, swap):
    d_ap, d_an = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_an = np.minimum(d_an, distance(positive, negative))
    return np.maximum(d_ap - d_an + margin, 0.0)


def ref_triplet_margin(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False):
    def distance(x, y):
        return p_distance(x, y, p, eps)

    return _triplet(distance, anchor, positive, negative, margin, swap)


def ref_triplet_margin_with_distance(
    anchor, positive, negative, distance="pairwise", margin=1.0, swap=False
):
    d = p_distance if distance == "pairwise" else cosine_distance
    return _triplet(d, anchor, positive, negative, margin, swap)


TORCH_REFERENCES = {
    "hinge-embedding": ref_hinge_embedding,
    "cosine-embedding": ref_cosine_embedding,
    "triplet-margin": ref_triplet_margin,
    "triplet-margin-with-distance": ref_triplet_margin_with_distance,
}


def normal(*shape, scale=1.5):
    return TORCH_RNG.normal(0, scale, size=shape)


def signs(*shape):
    return TORCH_RNG.choice([-1, 1], size=shape)


_TRIPLET = dict(anchor=normal(5, 4), positive=normal(5, 4), negative=normal(5, 4))

TORCH_CASES = [
    ("hinge-embedding", dict(pred=TORCH_RNG.uniform(0, 3, 8), target=signs(8)), {}),
    (
        "hinge-embedding",
        dict(pred=TORCH_RNG.uniform(0, 3, (2, 4)), target=signs(2, 4)),
        {"margin": 2.0},
    ),
    ("cosine-embedding", dict(input1=normal(5, 3), input2=normal(5, 3), target=signs(5)), {}),
    (
        "cosine-embedding",
        dict(input1=normal(6, 4), input2=normal(6, 4), target=signs(6)),
        {"margin": -0.2},
    ),
    ("cosine-embedding", dict(input1=normal(3), input2=normal(3), target=np.int64(-1)), {}),
    ("triplet-margin", _TRIPLET, {}),
    ("triplet-margin", _TRIPLET, {"margin": 2.5, "p": 1.0, "eps": 1e-3, "swap": True}),
    ("triplet-margin", _TRIPLET, {"p": 3.0}),
    ("triplet-margin", dict(anchor=normal(4), positive=normal(4), negative=normal(4)), {}),
    ("triplet-margin-with-distance", _TRIPLET, {}),
    ("triplet-margin-with-distance", _TRIPLET, {"distance": "cosine", "margin": 0.5}),
    ("triplet-margin-with-distance", _TRIPLET, {"distance": "cosine", "swap": True}),
]


def _cosine_distance_torch(x, y):
    return 1 - F.cosine_similarity(x, y, dim=-1)


def _triplet_with_distance(t, p, r):
    cos = p.pop("distance", "pairwise") == "cosine"
    return F.triplet_margin_with_distance_loss(
        t["anchor"], t["positive"], t["negative"],
        distance_function=_cosine_distance_torch if cos else None, reduction=r, **p,
    )


TORCH_FUNCTIONAL = {
    "hinge-embedding": lambda t, p, r: F.hinge_embedding_loss(
        t["pred"], t["target"], reduction=r, **p
    ),
    "cosine-embedding": lambda t, p, r: F.cosine_embedding_loss(
        t["input1"], t["input2"], t["target"], reduction=r, **p
    ),
    "triplet-margin": lambda t, p, r: F.triplet_margin_loss(
        t["anchor"], t["positive"], t["negative"], reduction=r, **p
    ),
    "triplet-margin-with-distance": _triplet_with_distance,
}


class TestTorchParity(TorchParity):
    CASES = TORCH_CASES
    REFERENCES = TORCH_REFERENCES
    FUNCTIONAL = TORCH_FUNCTIONAL

    def fixed(self, name, inputs, params):
        """The ±1 labels."""
        return ("target",)


def test_hinge_embedding_and_triplet_hand_worked_values():
    # hinge-embedding: 0.3, 1.2, max(0, 1 − 0.4) = 0.6, max(0, 1 − 2.5) = 0 → mean 2.1 / 4.
    value = losscli.compute(
        "hinge-embedding", pred=[0.3, 1.2, 0.4, 2.5], target=[1, 1, -1, -1], dtype="float64"
    ).value
    assert value == pytest.approx(0.525, rel=1e-12)
    # triplet on a 3-4-5 triangle: d(a, p) = 3, d(a, n) = 5 (ε = 0), margin 1 → max(0, −1) = 0;
    # margin 3 → 1.
    triplet = dict(anchor=[[0.0, 0.0]], positive=[[3.0, 0.0]], negative=[[3.0, 4.0]], eps=0.0)
    assert losscli.compute("triplet-margin", **triplet, dtype="float64").value == 0.0
    assert losscli.compute(
        "triplet-margin", **triplet, margin=3.0, dtype="float64"
    ).value == pytest.approx(1.0, rel=1e-12)
    # with swap, d(p, n) = 4 < 5 replaces d(a, n): max(0, 3 − 4 + 3) = 2.
    assert losscli.compute(
        "triplet-margin", **triplet, margin=3.0, swap=True, dtype="float64"
    ).value == pytest.approx(2.0, rel=1e-12)


ERRORS = [
    (("hinge-embedding", "--pred", "[1.0, 2.0]", "--target", "[1, 0]"), "--target"),
    (("hinge-embedding", "--pred", "[1.0, 2.0]", "--target", "[[1, -1]]"), "--target"),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0]]",
         "--target", "[1, -1]"),
        "--target",
    ),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0, 3.0]]",
         "--target", "[1]"),
        "--input2",
    ),
    (
        ("cosine-embedding", "--input1", "[[[1.0]]]", "--input2", "[[[1.0]]]", "--target",
         "[[1]]"),
        "--input1",
    ),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0]]",
         "--target", "[1]", "--margin", "1.5"),
        "--margin",
    ),
    (
        ("cosine-embedding", "--input1", "[[1.0, 2.0]]", "--input2", "[[1.0, 2.0]]",
         "--target", "[0.5]"),
        "--target",
    ),
    (("triplet-margin", "--anchor", "[[1.0, 2.0]]", "--positive", "[[1.0, 2.0]]",
      "--negative", "[[1.0]]"), "--negative"),
    (("triplet-margin", "--anchor", "1.0", "--positive", "1.0", "--negative", "1.0"),
     "--anchor"),
    (("triplet-margin", "--anchor", "[1.0]", "--positive", "[1.0]", "--negative", "[1.0]",
      "--margin", "0"), "--margin"),
    (("triplet-margin", "--anchor", "[1.0]", "--positive", "[1.0]", "--negative", "[1.0]",
      "--p", "-1"), "--p"),
    (("triplet-margin-with-distance", "--anchor", "[[1.0]]", "--positive", "[[1.0], [2.0]]",
      "--negative", "[[1.0]]"), "--positive"),
    (("triplet-margin-with-distance", "--anchor", "[1.0]", "--positive", "[1.0]",
      "--negative", "[1.0]", "--distance", "euclid"), "--distance"),
]


class TestPyTorchCommands(PyTorchCommands):
    ERRORS = ERRORS
    test_suspicious_inputs_warn = None  # nothing here warns
    LOSSES = tuple(TORCH_REFERENCES)
