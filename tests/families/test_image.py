"""The image losses (ssim, ms-ssim, psnr, total-variation) against float64 formulas written
out window by window, the published test values of MONAI and kornia, values derived with
the installed libraries, autograd gradients, and their input errors.

Sources of the published numbers: MONAI 1.5.0 (commit d388d1c6) tests/losses/test_ssim_loss.py
and tests/metrics/test_compute_multiscalessim_metric.py; kornia v0.9.0rc1 (commit 3695153f,
test files identical at master b4f5a78a) tests/losses/test_total_variation.py and
tests/losses/test_psnr.py. The installed MONAI 1.6.1 and kornia 0.9.0 reproduce them.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from family_helpers import compute, gradcheck

BACKENDS = ("numpy", "torch")
RNG = np.random.default_rng(16)


def value(name, backend="numpy", reduction="mean", **kwargs):
    return np.asarray(compute(name, backend=backend, reduction=reduction, **kwargs).value)


def terms(name, backend="numpy", **kwargs):
    return value(name, backend, "none", **kwargs)


# --- independent float64 formulas ---------------------------------------------------------


def gaussian(size, sigma):
    """The normalised samples of exp(−k²/2σ²) at k = −size//2 … size//2."""
    k = np.arange(size) - size // 2
    g = np.exp(-(k**2) / (2.0 * sigma**2))
    return g / g.sum()


def window_stats(x, y, weights):
    """(l, cs) of one window: weighted means, then the two-pass weighted (co)variances
    Σ w·(x − μx)², Σ w·(x − μx)·(y − μy) (the same as Σ w·x² − μx² in exact arithmetic)."""
    mx, my = (weights * x).sum(), (weights * y).sum()
    vx, vy = (weights * (x - mx) ** 2).sum(), (weights * (y - my) ** 2).sum()
    cov = (weights * (x - mx) * (y - my)).sum()
    return mx, my, vx, vy, cov


def ssim_maps(x, y, size=11, sigma=1.5, data_range=1.0, k1=0.01, k2=0.03, uniform=False,
              reflect=False):
    """SSIM and cs at every window position of one (H, W) channel, window by window."""
    g = np.full(size, 1.0 / size) if uniform else gaussian(size, sigma)
    weights = np.outer(g, g)
    if reflect:
        x, y = np.pad(x, size // 2, mode="reflect"), np.pad(y, size // 2, mode="reflect")
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    rows, cols = x.shape[0] - size + 1, x.shape[1] - size + 1
    ssim, cs = np.empty((rows, cols)), np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            mx, my, vx, vy, cov = window_stats(x[i : i + size, j : j + size],
                                               y[i : i + size, j : j + size], weights)
            luminance = (2 * mx * my + c1) / (mx**2 + my**2 + c1)
            cs[i, j] = (2 * cov + c2) / (vx + vy + c2)
            ssim[i, j] = luminance * cs[i, j]
    return ssim, cs


def ssim_loss_reference(pred, target, **kw):
    """1 − the mean SSIM of each image (its channels and windows)."""
    return np.array([
        1 - np.mean([ssim_maps(xc, yc, **kw)[0].mean() for xc, yc in zip(x, y)])
        for x, y in zip(pred, target)
    ])


def ms_ssim_reference(pred, target, weights, **kw):
    """1 − mean over channels of Π relu(cs_j)^w_j · relu(SSIM_M)^w_M, halving by 2×2 means."""
    out = []
    for x, y in zip(pred, target):
        per_channel = []
        for xc, yc in zip(x, y):
            product = 1.0
            for j, w in enumerate(weights):
                if j:
                    h, v = xc.shape[0] // 2, xc.shape[1] // 2
                    xc = xc[: 2 * h, : 2 * v].reshape(h, 2, v, 2).mean((1, 3))
                    yc = yc[: 2 * h, : 2 * v].reshape(h, 2, v, 2).mean((1, 3))
                ssim, cs = ssim_maps(xc, yc, **kw)
                factor = ssim.mean() if j == len(weights) - 1 else cs.mean()
                product *= max(factor, 0.0) ** w
            per_channel.append(product)
        out.append(1 - np.mean(per_channel))
    return np.array(out)


def smooth_pair(size, shift=0.3):
    """The images of the derived cross-library cases: x = column, y = row index."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    first = 0.5 + 0.4 * np.sin(xx / 3) * np.cos(yy / 4)
    second = 0.5 + 0.4 * np.sin(xx / 3 + shift) * np.cos(yy / 5)
    return first[None, None], second[None, None]


# --- ssim -----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", [
    {},
    {"window_size": 7, "sigma": 1.0, "data_range": 2.0},
    {"window_size": 5, "kernel": "uniform", "k1": 0.02, "k2": 0.05},
    {"window_size": 5, "padding": "reflect"},
])
def test_ssim_matches_the_window_by_window_formula(backend, options):
    pred, target = RNG.uniform(0, 1, (2, 3, 13, 12)), RNG.uniform(0, 1, (2, 3, 13, 12))
    kw = {"size": options.get("window_size", 11), "sigma": options.get("sigma", 1.5),
          "data_range": options.get("data_range", 1.0), "k1": options.get("k1", 0.01),
          "k2": options.get("k2", 0.03), "uniform": options.get("kernel") == "uniform",
          "reflect": options.get("padding") == "reflect"}
    want = ssim_loss_reference(pred, target, **kw)
    got = terms("ssim", backend, pred=pred, target=target, **options)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert value("ssim", backend, pred=pred, target=target, **options) == pytest.approx(
        want.mean(), rel=1e-10)


def test_ssim_details_are_the_top_left_window_of_channel_0():
    pred, target = RNG.uniform(0, 1, (2, 2, 6, 6)), RNG.uniform(0, 1, (2, 2, 6, 6))
    for backend in BACKENDS:
        result = compute("ssim", backend=backend, pred=pred, target=target, window_size=3,
                         reduction="none")
        g = gaussian(3, 1.5)
        for n in range(2):
            mx, my, vx, vy, cov = window_stats(pred[n, 0, :3, :3], target[n, 0, :3, :3],
                                               np.outer(g, g))
            got = [result.details[k][n] for k in ("μx", "μy", "σx²", "σy²", "σxy")]
            np.testing.assert_allclose(got, [mx, my, vx, vy, cov], rtol=1e-10, atol=1e-14)
            assert result.details["l"][n] * result.details["cs"][n] == pytest.approx(
                ssim_maps(pred[n, 0], target[n, 0], size=3)[0][0, 0], rel=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ssim_monai_published_values(backend):
    # MONAI tests/losses/test_ssim_loss.py TestSSIMLoss (rtol 1e-4): set_determinism(0),
    # preds = |randn(2, 3, 16, 16)|, target = |randn(2, 3, 16, 16)|, each divided by its
    # max; SSIMLoss(spatial_dims=2, data_range=1.0) gives mean 0.9546, sum 1.9092 and
    # reduction="none" [[0.9121], [0.9971]].
    torch.manual_seed(0)
    pred, target = torch.randn(2, 3, 16, 16).abs(), torch.randn(2, 3, 16, 16).abs()
    pred, target = (pred / pred.max()).numpy(), (target / target.max()).numpy()
    kw = {"pred": pred, "target": target}
    assert value("ssim", backend, **kw) == pytest.approx(0.9546, rel=1e-4)
    assert value("ssim", backend, "sum", **kw) == pytest.approx(1.9092, rel=1e-4)
    np.testing.assert_allclose(terms("ssim", backend, **kw), [0.9121, 0.9971], rtol=1e-4)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ssim_derived_cross_library_values(backend):
    # Derived with kornia 0.9.0 and pytorch-msssim 1.0.0 on smooth_pair(24) (window 11,
    # σ 1.5, L = 1): kornia mean(ssim(padding='valid', eps=0)) = 0.7550325033835348;
    # kornia ssim_loss(window_size=11) = mean(clamp((1 − ssim_same)/2)) = 0.16724320848729407.
    pred, target = smooth_pair(24)
    assert value("ssim", backend, pred=pred, target=target) == pytest.approx(
        1 - 0.7550325033835348, rel=1e-6)
    same = value("ssim", backend, pred=pred, target=target, padding="reflect", eps=1e-12)
    assert same / 2 == pytest.approx(0.16724320848729407, rel=1e-6)


def test_ssim_equals_installed_monai_and_kornia():
    monai = pytest.importorskip("monai")
    kornia = pytest.importorskip("kornia")
    pred, target = RNG.uniform(0, 1, (3, 2, 20, 17)), RNG.uniform(0, 1, (3, 2, 20, 17))
    x, y = torch.tensor(pred), torch.tensor(target)
    loss = monai.losses.SSIMLoss(spatial_dims=2, data_range=1.0, reduction="none")
    want = loss(x.float(), y.float()).reshape(-1).double().numpy()  # MONAI casts to float32
    np.testing.assert_allclose(terms("ssim", "torch", pred=pred, target=target), want,
                               rtol=1e-5)
    # kornia.losses.ssim_loss (kornia/losses/ssim.py): clamp((1 − SSIM)/2, 0, 1) per pixel,
    # reflect padding, eps 1e-12, the mean over every pixel = half of this loss's mean.
    kornia_loss = kornia.losses.ssim_loss(x, y, 7, max_val=1.0).item()
    ours = value("ssim", "torch", pred=pred, target=target, window_size=7, padding="reflect",
                 eps=1e-12)
    assert ours / 2 == pytest.approx(kornia_loss, rel=1e-10)


def test_identical_images_have_ssim_loss_zero():
    # kornia tests/losses/test_ssim.py test_ssim_equal_none: ssim_loss(img, img) = 0.
    img = RNG.uniform(0, 1, (2, 3, 12, 12))
    for backend in BACKENDS:
        np.testing.assert_allclose(terms("ssim", backend, pred=img, target=img), 0, atol=1e-12)


# --- ms-ssim --------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options,size", [
    ({"window_size": 3, "weights": [0.5, 0.3, 0.2]}, 13),
    ({"window_size": 5, "weights": [0.2, 0.8], "kernel": "uniform", "data_range": 2.0}, 11),
])
def test_ms_ssim_matches_the_scale_by_scale_formula(backend, options, size):
    # Odd sides: the pooling drops the last row and column (MONAI's avg_pool2d).
    pred = RNG.uniform(0, 1, (2, 2, size, size + 2))
    target = np.clip(pred + RNG.normal(0, 0.2, pred.shape), 0, 1)
    want = ms_ssim_reference(
        pred, target, options["weights"], size=options["window_size"],
        uniform=options.get("kernel") == "uniform", data_range=options.get("data_range", 1.0))
    got = terms("ms-ssim", backend, pred=pred, target=target, **options)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_ms_ssim_default_weights_need_176_pixels_and_match_the_formula():
    pred = RNG.uniform(0, 1, (1, 1, 176, 176))
    target = np.clip(pred + RNG.normal(0, 0.1, pred.shape), 0, 1)
    want = ms_ssim_reference(pred, target, (0.0448, 0.2856, 0.3001, 0.2363, 0.1333))
    for backend in BACKENDS:
        np.testing.assert_allclose(terms("ms-ssim", backend, pred=pred, target=target), want,
                                   rtol=1e-9)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kernel,published", [("gaussian", 0.023176), ("uniform", 0.022655)])
def test_ms_ssim_monai_published_values(backend, kernel, published):
    # MONAI tests/metrics/test_compute_multiscalessim_metric.py test2d_gaussian /
    # test2d_uniform (assertAlmostEqual places=4): set_determinism(0), preds and target
    # |randn(1, 1, 64, 64)| each divided by its max, weights [0.5, 0.5]: MS-SSIM 0.023176
    # (gaussian) and 0.022655 (uniform); the loss is 1 − MS-SSIM.
    torch.manual_seed(0)
    pred, target = torch.randn(1, 1, 64, 64).abs(), torch.randn(1, 1, 64, 64).abs()
    pred, target = (pred / pred.max()).numpy(), (target / target.max()).numpy()
    got = value("ms-ssim", backend, pred=pred, target=target, weights=[0.5, 0.5],
                kernel=kernel)
    assert 1 - got == pytest.approx(published, abs=5e-5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ms_ssim_derived_pytorch_msssim_value(backend):
    # Derived with pytorch-msssim 1.0.0 ms_ssim(X, Y, data_range=1) on 192 × 192 (even at
    # every scale, where its padding of odd sizes does not act): 0.9788349669509687 with
    # X = 0.5 + 0.4·sin(x/7)·cos(y/9), Y = 0.9·X + 0.05 + 0.05·sin(x/2)·cos(y/3). Its window
    # is float32, hence the tolerance.
    yy, xx = np.mgrid[0:192, 0:192].astype(np.float64)
    x = 0.5 + 0.4 * np.sin(xx / 7) * np.cos(yy / 9)
    y = 0.9 * x + 0.05 + 0.05 * np.sin(xx / 2) * np.cos(yy / 3)
    got = value("ms-ssim", backend, pred=x[None, None], target=y[None, None])
    assert 1 - got == pytest.approx(0.9788349669509687, abs=1e-6)


def test_ms_ssim_equals_installed_monai_on_one_channel():
    monai = pytest.importorskip("monai")
    from monai.metrics import MultiScaleSSIMMetric

    pred = RNG.uniform(0, 1, (2, 1, 48, 46))
    target = np.clip(pred + RNG.normal(0, 0.2, pred.shape), 0, 1)
    metric = MultiScaleSSIMMetric(spatial_dims=2, data_range=1.0, weights=(0.3, 0.3, 0.4))
    want = metric(torch.tensor(pred), torch.tensor(target)).reshape(-1).double().numpy()
    got = terms("ms-ssim", "torch", pred=pred, target=target, weights=[0.3, 0.3, 0.4])
    np.testing.assert_allclose(1 - got, want, rtol=1e-5)
    assert monai.__version__


# --- psnr -----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_psnr_per_image_and_pooled(backend):
    pred, target = RNG.uniform(0, 1, (3, 2, 4, 5)), RNG.uniform(0, 1, (3, 2, 4, 5))
    mse = ((pred - target) ** 2).reshape(3, -1).mean(1)
    np.testing.assert_allclose(terms("psnr", backend, pred=pred, target=target,
                                     data_range=2.0), 10 * np.log10(mse / 4), rtol=1e-12)
    pooled = terms("psnr", backend, pred=pred, target=target, pool_batch=True)
    np.testing.assert_allclose(pooled, [10 * np.log10(mse.mean())], rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_psnr_kornia_published_value(backend):
    # kornia tests/losses/test_psnr.py TestPSNRLoss.test_loss: psnr_loss(1, 1.2, max_val=2)
    # = −20, since MSE = 0.04 and 10·log10(0.04 / 4) = −20.
    got = value("psnr", backend, pred=[1.0], target=[1.2], data_range=2.0)
    assert got == pytest.approx(-20.0, rel=1e-12)
    # derived with kornia 0.9.0: psnr(smooth_pair(24), max_val=1) = 16.158070710722868 dB.
    pred, target = smooth_pair(24)
    assert value("psnr", backend, pred=pred, target=target) == pytest.approx(
        -16.158070710722868, rel=1e-7)


def test_psnr_pooled_equals_installed_kornia():
    kornia = pytest.importorskip("kornia")
    pred, target = RNG.uniform(0, 1, (3, 2, 4, 5)), RNG.uniform(0, 1, (3, 2, 4, 5))
    want = kornia.losses.psnr_loss(torch.tensor(pred), torch.tensor(target), 1.0).item()
    got = value("psnr", "torch", pred=pred, target=target, pool_batch=True)
    assert got == pytest.approx(want, rel=1e-12)


# --- total-variation ------------------------------------------------------------------------

TV_3D = [[[0.11747694, 0.5717714, 0.89223915, 0.2929412, 0.63556224],
          [0.5371079, 0.13416398, 0.7782737, 0.21392655, 0.1757018],
          [0.62360305, 0.8563448, 0.25304103, 0.68539226, 0.6956515],
          [0.9350611, 0.01694632, 0.78724295, 0.4760313, 0.73099905]],
         [[0.4788819, 0.45253807, 0.932798, 0.5721999, 0.7612051],
          [0.5455887, 0.8836531, 0.79551977, 0.6677338, 0.74293613],
          [0.4830376, 0.16420758, 0.15784949, 0.21445751, 0.34168917],
          [0.8675162, 0.5468113, 0.6117004, 0.01305223, 0.17554593]],
         [[0.6423703, 0.5561105, 0.54304767, 0.20339686, 0.8553698],
          [0.98024786, 0.31562763, 0.10122144, 0.17686582, 0.26260805],
          [0.20522952, 0.14523649, 0.8601968, 0.02593213, 0.7382898],
          [0.71935296, 0.9625162, 0.42287344, 0.07979459, 0.9149871]]]
TV_4D = [[[[0.8756, 0.092], [0.8034, 0.3107]], [[0.3069, 0.2981], [0.9399, 0.7944]],
          [[0.6269, 0.1494], [0.2493, 0.849]]],
         [[[0.3256, 0.9923], [0.2856, 0.9104]], [[0.4107, 0.4387], [0.2742, 0.0095]],
          [[0.7064, 0.3674], [0.6139, 0.2487]]]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_total_variation_kornia_published_values(backend):
    # kornia tests/losses/test_total_variation.py (rtol = atol = 1e-3). kornia returns one
    # value per (image, channel); giving each channel as its own image gives those values.
    c = np.asarray(TV_3D)[:, None]  # test_tv_on_3d: (C, H, W) -> C images of one channel
    np.testing.assert_allclose(terms("total-variation", backend, pred=c),
                               [12.6647, 7.9527, 12.3838], rtol=1e-3, atol=1e-3)
    # reduction="mean" with the installed kornia 0.9.0 (derived)
    np.testing.assert_allclose(terms("total-variation", backend, pred=c, average="mean"),
                               [0.8155667781829834, 0.5162606239318848, 0.7988601326942444],
                               rtol=1e-6)
    four = np.asarray(TV_4D)  # test_tv_on_4d: (2, 3, 2, 2)
    np.testing.assert_allclose(
        terms("total-variation", backend, pred=four.reshape(6, 1, 2, 2)).reshape(2, 3),
        [[1.5672, 1.2836, 2.1544], [1.4134, 0.8584, 0.9154]], rtol=1e-3, atol=1e-3)
    # per image = the sum over its channels
    np.testing.assert_allclose(terms("total-variation", backend, pred=four),
                               [1.5672 + 1.2836 + 2.1544, 1.4134 + 0.8584 + 0.9154], atol=3e-3)
    other = [[[[0.09094203, 0.32630223, 0.8066123], [0.10921168, 0.09534764, 0.48588026]]]]
    np.testing.assert_allclose(terms("total-variation", backend, pred=other), [1.69],
                               atol=1e-3)
    # test_tv_reduction: the 5 × 5 row-index grid, sum 20 (20 vertical steps of 1) and mean 1
    # (mean |Δv| = 20/20, mean |Δh| = 0/20).
    grid = np.meshgrid(np.arange(5.0), np.arange(5.0), indexing="ij")[0][None, None]
    assert value("total-variation", backend, pred=grid) == 20.0
    assert value("total-variation", backend, pred=grid, average="mean") == 1.0
    # test_tv_on_constant: 0
    assert value("total-variation", backend, pred=np.ones((2, 3, 4, 5))) == 0.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_total_variation_variants_by_hand(backend):
    img = RNG.normal(0, 1, (2, 3, 4, 5))
    dv, dh = np.diff(img, axis=2), np.diff(img, axis=3)
    cases = [
        ({}, np.abs(dv).sum((1, 2, 3)) + np.abs(dh).sum((1, 2, 3))),
        ({"norm": "squared"}, (dv**2).sum((1, 2, 3)) + (dh**2).sum((1, 2, 3))),
        ({"norm": "squared", "average": "mean"},
         (dv**2).mean((1, 2, 3)) + (dh**2).mean((1, 2, 3))),
        ({"norm": "isotropic", "eps": 0.01},
         np.sqrt(dv[:, :, :, :-1] ** 2 + dh[:, :, :-1, :] ** 2 + 0.01).sum((1, 2, 3))),
        ({"norm": "isotropic", "average": "mean"},
         np.sqrt(dv[:, :, :, :-1] ** 2 + dh[:, :, :-1, :] ** 2).mean((1, 2, 3))),
    ]
    for options, want in cases:
        got = terms("total-variation", backend, pred=img, **options)
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=str(options))
    # derived on smooth_pair(24)[0] with kornia 0.9.0 (l1 sum, mean) and numpy (the others)
    x = smooth_pair(24)[0]
    for options, want in [({}, 52.621347546577454), ({"average": "mean"}, 0.0953285281640896),
                          ({"norm": "squared"}, 3.8326419925841577),
                          ({"norm": "isotropic"}, 41.27130716218058)]:
        assert value("total-variation", backend, pred=x, **options) == pytest.approx(
            want, rel=1e-7), options


def test_total_variation_equals_installed_kornia():
    kornia = pytest.importorskip("kornia")
    img = RNG.uniform(0, 1, (2, 3, 5, 6))
    for average in ("sum", "mean"):
        want = kornia.losses.total_variation(torch.tensor(img), reduction=average).numpy()
        got = terms("total-variation", "torch", pred=img, average=average)
        expected = want.sum(1) if average == "sum" else want.mean(1)  # equal counts per channel
        np.testing.assert_allclose(got, expected, rtol=1e-12)


# --- gradients ------------------------------------------------------------------------------


def test_gradients_of_every_image_loss():
    pred, target = RNG.uniform(0, 1, (2, 1, 6, 6)), RNG.uniform(0, 1, (2, 1, 6, 6))
    common = {"window_size": 3, "sigma": 1.5, "kernel": "gaussian", "k1": 0.01, "k2": 0.03,
              "data_range": 1.0}
    pair = {"pred": pred, "target": target}
    gradcheck("ssim", pair, padding="valid", eps=0.0, **common)
    gradcheck("ssim", pair, padding="reflect", eps=1e-12, **common)
    gradcheck("ssim", pair, wrt="target", padding="valid", eps=0.0, **common)
    gradcheck("ms-ssim", pair, weights=[0.4, 0.6], **common)
    gradcheck("psnr", pair, data_range=1.0)
    gradcheck("psnr", pair, data_range=1.0, pool_batch=True)
    for norm in ("l1", "squared", "isotropic"):
        for average in ("sum", "mean"):
            gradcheck("total-variation", {"pred": pred}, norm=norm, average=average, eps=0.0)


def test_grad_through_the_cli_matches_the_closed_form_of_psnr(cli):
    # d/dx 10·log10(MSE) = 10/ln 10 · 2(x − y)/(n·MSE): with x = [1, 3], y = [0, 0],
    # MSE = 5, n = 2: 10/ln 10 · [2, 6]/10 = [0.868589, 2.605767]
    out = cli("psnr", "-p", "[[1.0, 3.0]]", "-t", "[[0.0, 0.0]]", "--grad", "--json",
              "--dtype", "float64")
    grad = json.loads(out.stdout)["grad"]["pred"]["values"]
    np.testing.assert_allclose(grad, [[10 / np.log(10) * 0.2, 10 / np.log(10) * 0.6]],
                               rtol=1e-12)


# --- input errors ---------------------------------------------------------------------------

IMG = "[[[[0.1, 0.5, 0.9], [0.4, 0.8, 0.2], [0.7, 0.3, 0.5]]]]"
IMG2 = "[[[[0.2, 0.5, 0.8], [0.4, 0.7, 0.3], [0.6, 0.3, 0.5]]]]"


@pytest.mark.parametrize("args,message", [
    (("ssim", "-p", "[[0.1, 0.5], [0.4, 0.8]]", "-t", "[[0.1, 0.5], [0.4, 0.8]]"),
     "--pred: expected a batch of images (N, C, H, W), got shape (2, 2); one grey image of "
     "H × W pixels is [[image]] (N = C = 1)"),
    (("ssim", "-p", IMG, "-t", "[[[0.2, 0.5, 0.8], [0.4, 0.7, 0.3], [0.6, 0.3, 0.5]]]"),
     "--target: shape (1, 3, 3) does not match --pred shape (1, 1, 3, 3); they must be equal"),
    (("ssim", "-p", IMG, "-t", IMG2),
     "--pred: images of 3 × 3 pixels are smaller than the window: valid windows with "
     "--window-size 11 need H and W >= 11; pass a smaller --window-size"),
    (("ssim", "-p", IMG, "-t", IMG2, "--window-size", "7", "--padding", "reflect"),
     "--pred: images of 3 × 3 pixels are smaller than the window: reflect padding with "
     "--window-size 7 need H and W >= 4; pass a smaller --window-size"),
    (("ssim", "-p", IMG, "-t", IMG2, "--window-size", "2"),
     "--window-size: must be odd (the window is centred on a pixel), got 2"),
    (("ssim", "-p", IMG, "-t", IMG2, "--window-size", "3", "--data-range", "0"),
     "--data-range: must be > 0, got 0"),
    (("ssim", "-p", IMG, "-t", IMG2, "--window-size", "3", "--data-range", "-255"),
     "--data-range: must be > 0, got -255"),
    (("ms-ssim", "-p", IMG, "-t", IMG2, "--window-size", "3"),
     "--pred: images of 3 × 3 pixels are too small for 5 scales: each scale halves them and "
     "the coarsest must hold a 3 × 3 window, so H and W must be >= 3·2^4 = 48; pass fewer "
     "--weights or a smaller --window-size"),
    (("ms-ssim", "-p", IMG, "-t", IMG2, "--window-size", "1", "--weights", "[[1.0]]"),
     "--weights: expected a vector of one weight per scale, got shape (1, 1)"),
    (("ms-ssim", "-p", IMG, "-t", IMG2, "--window-size", "1", "--weights", "[0.5, -0.5]"),
     "--weights: expected finite weights >= 0"),
    (("psnr", "-p", "1.0", "-t", "1.2"),
     "--pred: expected a batch (N, ...) with one entry per image, got a scalar; one value is "
     "[value]"),
    (("psnr", "-p", "[[]]", "-t", "[[]]"),
     "--pred: each image has no elements (shape (1, 0)): its MSE would be 0/0"),
    (("psnr", "-p", "[1.0, 2.0]", "-t", "[1.2]"),
     "--target: shape (1) does not match --pred shape (2); they must be equal"),
    (("total-variation", "-p", "[[[0.1, 0.2], [0.3, 0.4]]]"),
     "--pred: expected a batch of images (N, C, H, W), got shape (1, 2, 2); one grey image "
     "of H × W pixels is [[image]] (N = C = 1)"),
    (("total-variation", "-p", "[[[[0.1, 0.2, 0.3]]]]", "--average", "mean"),
     "--pred: --average mean needs H and W >= 2 (differences in both directions), got 1 × 3"),
    (("total-variation", "-p", "[[]]"),
     "--pred: expected a batch of images (N, C, H, W), got shape (1, 0); one grey image of "
     "H × W pixels is [[image]] (N = C = 1)"),
])
def test_bad_inputs_are_one_line_with_exit_2(cli, args, message):
    for backend in BACKENDS:
        out = cli(*args, "--backend", backend)
        assert out.code == 2, out
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].endswith(message), out.stderr


def test_tiny_literal_examples_run_on_both_backends(cli):
    want = ssim_loss_reference(np.array(json.loads(IMG)), np.array(json.loads(IMG2)), size=3)
    for backend in BACKENDS:
        out = cli("ssim", "-p", IMG, "-t", IMG2, "--window-size", "3", "--backend", backend,
                  "-q")
        assert out.code == 0 and float(out.stdout) == pytest.approx(want[0], rel=1e-5)


def test_psnr_of_identical_images_says_why_it_is_minus_infinity(cli):
    """MSE 0: the PSNR is +inf; the loss's own warning explains it (no talk of overflow)."""
    out = cli("psnr", "-p", "[[1, 2], [3, 4]]", "-t", "[[1, 2], [3, 5]]", "-q")
    assert out.code == 0 and out.stdout.strip() == "-inf"
    assert out.stderr.strip().splitlines() == [
        "losscli: warning: --pred: image 0 equals its target: the MSE is 0, so the PSNR is "
        "+inf and the loss −inf"]
    assert cli("psnr", "-p", "[[1, 2], [3, 4]]", "-t", "[[1, 2], [3, 5]]", "--pool-batch",
               "-q").stderr == ""
