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


# --- lovasz-softmax ----------------------------------------------------------------------

XS = [[[[2.0, -1.0], [0.5, -0.3]], [[0.1, 0.4], [-0.2, 1.0]], [[0.0, 0.0], [0.3, 0.3]]]]


def softmax_reference(x, labels, present=False, weight=None):
    """One ranking: mean over the (present) classes of w_c times the Lovász extension of the
    Jaccard loss at the errors |[y = c] − p_c|, p = softmax over the classes."""
    channels, size = x.shape
    exps = np.exp(x - x.max(axis=0))
    p = exps / exps.sum(axis=0)
    terms = []
    for c in range(channels):
        fg = [1 if labels[k] == c else 0 for k in range(size)]
        if present and not any(fg):
            continue
        errors = [abs(fg[k] - p[c, k]) for k in range(size)]
        terms.append((1.0 if weight is None else weight[c]) * extension(errors, fg))
    return sum(terms) / len(terms) if terms else 0.0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("present", [False, True])
def test_lovasz_softmax_matches_the_extension(backend, present):
    x = RNG.normal(size=(3, 4, 2, 3))
    y = RNG.integers(0, 3, (3, 2, 3))  # class 3 absent everywhere
    w = np.array([0.5, 1.0, 2.0, 1.5])
    classes = "present" if present else "all"
    want = [softmax_reference(x[i].reshape(4, -1), y[i].ravel(), present, w) for i in range(3)]
    got = value("lovasz-softmax", backend, "none", pred=x, target=y, classes=classes,
                weight=w.tolist())
    np.testing.assert_allclose(got, want, rtol=1e-12)
    batch = softmax_reference(np.moveaxis(x, 1, 0).reshape(4, -1), y.ravel(), present)
    assert value("lovasz-softmax", backend, pred=x, target=y, classes=classes,
                 per_image=False) == pytest.approx(batch, rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_lovasz_softmax_published_and_derived_values(backend):
    # kornia tests/losses/test_lovasz_softmax.py (commit b4f5a78a): test_all_ones → 0
    # (atol 1e-3), test_weight → 0.5 (class 0 absent but counted, fully wrong; weight [1, 0])
    ones = np.ones((2, 1, 2), dtype=np.int64)
    right = np.zeros((2, 2, 1, 2))
    right[:, 1] = 100
    assert value("lovasz-softmax", backend, pred=right, target=ones) == pytest.approx(0, abs=1e-12)
    wrong = np.zeros((2, 2, 1, 2))
    wrong[:, 0] = 100
    assert value("lovasz-softmax", backend, pred=wrong, target=ones,
                 weight=[1.0, 0.0]) == pytest.approx(0.5, abs=1e-12)
    # derived with the installed kornia 0.9.0 and SMP's lovasz.py (50066163)
    all_present = [[[0, 1], [2, 1]]]
    absent_2 = [[[0, 1], [1, 1]]]
    assert value("lovasz-softmax", backend, pred=XS, target=all_present) == pytest.approx(
        0.47658053, abs=1e-7)
    assert value("lovasz-softmax", backend, pred=XS, target=absent_2) == pytest.approx(
        0.41554436, abs=1e-7)
    assert value("lovasz-softmax", backend, pred=XS, target=absent_2,
                 classes="present") == pytest.approx(0.44650900, abs=1e-7)
    assert value("lovasz-softmax", backend, pred=XS, target=all_present, classes="present",
                 per_image=False, ignore_index=2) == pytest.approx(0.33913466, abs=1e-7)


def test_lovasz_softmax_smp_convention():
    got = losscli.compute("lovasz-softmax", convention="smp", dtype="float64", pred=XS,
                          target=[[[0, 1], [1, 1]]])
    assert got.value == pytest.approx(0.44650900, abs=1e-7)


def test_lovasz_softmax_subgradient_at_ties_follows_the_pixel_order():
    from losscli.families.segmentation.torch_terms import lovasz_softmax

    def grad(x, y):
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        lovasz_softmax(pred=t, target=torch.tensor(y), per_image=True, classes="present",
                       ignore_index=None, weight=None).values.sum().backward()
        return t.grad.numpy()

    # Two pixels with equal logits (p = ½ each, every error ½: a tie), labels (0, 1).
    # Class 0: fg (1, 0); stable order pixel 0 first: J = (1/1, 2/2), δ = (1, 0).
    # Class 1: fg (0, 1); pixel 0 first: J = (1/2, 2/2), δ = (½, ½). e = |fg − p|, and
    # ∂p_c/∂x_c = p(1 − p) = ¼, ∂p_c/∂x_other = −¼. The mean over the 2 classes halves it.
    g = grad([[[0.0, 0.0], [0.0, 0.0]]], [[0, 1]])
    # pixel 0: class 0 error 1 − p0 (δ 1), class 1 error p1 (δ ½)
    #   ∂/∂x0 = ½·(−¼·1 + (−¼)·½) = −3/16;  ∂/∂x1 = ½·(¼·1 + ¼·½) = 3/16
    # pixel 1: class 0 error p0 (δ 0), class 1 error 1 − p1 (δ ½)
    #   ∂/∂x0 = ½·(0 + ¼·½) = 1/16;  ∂/∂x1 = ½·(0 − ¼·½) = −1/16
    np.testing.assert_allclose(g[0], [[-3 / 16, 1 / 16], [3 / 16, -1 / 16]], rtol=1e-12)


def test_lovasz_softmax_gradcheck_away_from_ties():
    from losscli.families.segmentation.torch_terms import lovasz_softmax

    x = torch.tensor(RNG.normal(size=(2, 3, 2, 2)), requires_grad=True)
    y = torch.tensor(RNG.integers(0, 3, (2, 2, 2)))
    w = torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64)
    for per_image, classes in ((True, "all"), (False, "present")):
        assert torch.autograd.gradcheck(lambda a, p=per_image, c=classes: lovasz_softmax(
            pred=a, target=y, per_image=p, classes=c, ignore_index=None, weight=w).values,
            (x,), eps=1e-7)


def test_lovasz_softmax_against_installed_kornia():
    kornia = pytest.importorskip("kornia")
    x = RNG.normal(size=(3, 4, 3, 5))
    y = RNG.integers(0, 3, (3, 3, 5))
    w = torch.tensor([1.0, 0.5, 2.0, 1.5], dtype=torch.float64)
    want = kornia.losses.lovasz_softmax_loss(torch.tensor(x), torch.tensor(y), weight=w).item()
    got = value("lovasz-softmax", "torch", pred=x, target=y, weight=w.tolist())
    assert got == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize("args,argument,fragment", [
    (("-p", "[[[1.0, 2.0]]]", "-t", "[[0, 0]]"), "--pred", "C >= 2"),
    (("-p", "[[[1.0], [2.0]]]", "-t", "[[2]]"), "--target", "out of range"),
    (("-p", "[[[1.0], [2.0]]]", "-t", "[[0, 1]]"), "--target", "expected"),
    (("-p", "[[[1.0], [2.0]]]", "-t", "[[0]]", "--weight", "[1]"), "--weight", "one per class"),
])
def test_lovasz_softmax_bad_input_is_one_line(cli, args, argument, fragment):
    out = cli("lovasz-softmax", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0] and fragment in lines[0], out.stderr
