"""cosine-similarity against an independent float64 formula, Keras's and optax's published
values (cited), gradients, both backends and the installed libraries (skipped if absent).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch

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
