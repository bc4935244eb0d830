"""lovasz-hinge against the Lovász extension written from its definition (Berman et al.
2018), kornia's published test, values derived with kornia and SMP, the subgradient autograd
takes at ties and kinks, both backends and the installed kornia (skipped if absent)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import losscli

RNG = np.random.default_rng(19)
BACKENDS = ("numpy", "torch")
P = [[[[2.0, -1.0], [0.5, -0.3]]], [[[-1.5, 1.0], [0.2, 0.8]]]]
T = [[[1, 0], [0, 1]], [[1, 1], [0, 0]]]


def value(loss, backend="numpy", reduction="mean", **kwargs):
    result = losscli.compute(loss, backend=backend, dtype="float64", reduction=reduction,
                             **kwargs)
    return np.asarray(result.value)


def extension(errors, labels):
    """Lovász extension of Δ_J(M) = |M| / |G ∪ M| at the error vector (Berman et al. eq. 8).

    Sorting the errors decreasingly, M_k is the set of the first k pixels; the extension is
    Σ_k m_k·(Δ_J(M_k) − Δ_J(M_(k−1))) with the set sizes counted directly.
    """
    order = sorted(range(len(errors)), key=lambda i: -errors[i])
    positives = {i for i, g in enumerate(labels) if g == 1}
    total, previous, chosen = 0.0, 0.0, set()
    for i in order:
        chosen.add(i)
        current = len(chosen) / len(positives | chosen)
        total += errors[i] * (current - previous)
        previous = current
    return total


def hinge_reference(logits, labels):
    errors = [max(0.0, 1 - x * (2 * g - 1)) for x, g in zip(logits, labels, strict=True)]
    return extension(errors, labels)


@pytest.mark.parametrize("backend", BACKENDS)
def test_lovasz_hinge_matches_the_extension(backend):
    x = RNG.normal(size=(4, 3, 5))
    g = RNG.integers(0, 2, (4, 3, 5))
    g[3] = 0  # a sample without foreground
    want = [hinge_reference(x[i].ravel(), g[i].ravel()) for i in range(4)]
    np.testing.assert_allclose(value("lovasz-hinge", backend, "none", pred=x, target=g), want,
                               rtol=1e-12)
    batch = hinge_reference(x.ravel(), g.ravel())
    assert value("lovasz-hinge", backend, pred=x, target=g, per_image=False) == pytest.approx(
        batch, rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_lovasz_hinge_published_and_derived_values(backend):
    # kornia tests/losses/test_lovasz_hinge.py test_perfect_prediction (commit b4f5a78a):
    # logits +1 on an all-foreground target, atol 1e-3 there (every error is 0 → exactly 0)
    assert value("lovasz-hinge", backend, pred=np.ones((2, 1, 1, 2)),
                 target=np.ones((2, 1, 2), dtype=np.int64)) == 0.0
    # derived with the installed kornia 0.9.0 and SMP's lovasz.py (50066163): kornia =
    # SMP(per_image=True) = 1.291667; SMP(per_image=False) = 1.318810; ignore_index 255
    assert value("lovasz-hinge", backend, pred=P, target=T) == pytest.approx(1.2916666, abs=1e-6)
    assert value("lovasz-hinge", backend, pred=P, target=T, per_image=False) == pytest.approx(
        1.3188095, abs=1e-6)
    ignored = [[[1, 0], [255, 1]], [[1, 1], [0, 255]]]
    assert value("lovasz-hinge", backend, pred=P, target=ignored,
                 ignore_index=255) == pytest.approx(1.05, abs=1e-6)


def test_lovasz_hinge_smp_convention_ranks_the_whole_batch():
    got = losscli.compute("lovasz-hinge", convention="smp", dtype="float64", pred=P, target=T)
    assert got.value == pytest.approx(hinge_reference(np.ravel(P), np.ravel(T)), rel=1e-12)


def _grad(pred, target):
    from losscli.families.segmentation.torch_terms import lovasz_hinge

    x = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
    lovasz_hinge(pred=x, target=torch.tensor(target), per_image=True,
                 ignore_index=None).values.sum().backward()
    return x.grad.numpy()


def test_lovasz_hinge_subgradient_at_ties_follows_the_pixel_order():
    # x = (0.5, −0.5), g = (1, 0): both errors are 0.5, a tie. Stable order puts pixel 0
    # (g = 1) first: J = (1/1, 2/2), δ = (1, 0), so ∂ℓ/∂x = (−1·1, +1·0) = (−1, 0).
    np.testing.assert_array_equal(_grad([[0.5, -0.5]], [[1, 0]]), [[-1.0, 0.0]])
    # The same pixels in the other order: pixel 0 has g = 0: J = (1/2, 2/2), δ = (½, ½),
    # ∂ℓ/∂x = (+½, −½). The value is 0.5 both ways.
    np.testing.assert_array_equal(_grad([[-0.5, 0.5]], [[0, 1]]), [[0.5, -0.5]])
    assert value("lovasz-hinge", pred=[[0.5, -0.5]], target=[[1, 0]]) == 0.5
    assert value("lovasz-hinge", pred=[[-0.5, 0.5]], target=[[0, 1]]) == 0.5


def test_lovasz_hinge_subgradient_is_0_at_the_hinge():
    # x = (1, −1), g = (1, 1): e = (0, 2), sorted (2, 0), G = 2: J = (1/2, 2/2), δ = (½, ½).
    # Pixel 0 sits on the hinge (e = 0): relu'(0) = 0; pixel 1 gets −1·½.
    np.testing.assert_array_equal(_grad([[1.0, -1.0]], [[1, 1]]), [[0.0, -0.5]])


def test_lovasz_hinge_gradcheck_away_from_ties():
    from losscli.families.segmentation.torch_terms import lovasz_hinge

    x = torch.tensor(RNG.normal(size=(2, 3, 3)), requires_grad=True)
    g = torch.tensor(RNG.integers(0, 2, (2, 3, 3)))
    for per_image in (True, False):
        assert torch.autograd.gradcheck(lambda a, p=per_image: lovasz_hinge(
            pred=a, target=g, per_image=p, ignore_index=None).values, (x,), eps=1e-7)


def test_lovasz_hinge_against_installed_kornia():
    kornia = pytest.importorskip("kornia")
    x = RNG.normal(size=(3, 1, 4, 5))
    g = RNG.integers(0, 2, (3, 4, 5))
    want = kornia.losses.lovasz_hinge_loss(torch.tensor(x), torch.tensor(g)).item()
    assert value("lovasz-hinge", "torch", pred=x, target=g) == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[1.0, 2.0]]", "-t", "[[1, 2]]"), "--target", "binary"),
    (("-p", "[[1.0, 2.0]]", "-t", "[[1, 0, 1]]"), "--target", "does not fit"),
    (("-p", "1.0", "-t", "1"), "--pred", "sample dimension"),
])
def test_lovasz_hinge_bad_input_is_one_line(cli, args, argument, fragment):
    out = cli("lovasz-hinge", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0] and fragment in lines[0], out.stderr
