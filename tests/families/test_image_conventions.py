"""The image losses' library conventions (``--convention``) against float64 formulas written
out window by window, and against the installed libraries where the venv has them.

Sources: kornia 0.9.0 kornia/losses/ssim.py, kornia/metrics/ssim.py, kornia/losses/psnr.py,
kornia/losses/total_variation.py; MONAI 1.6.1 monai/losses/ssim_loss.py and
monai/metrics/regression.py (compute_ms_ssim); pytorch-msssim 1.0.0 pytorch_msssim/ssim.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from family_helpers import compute
from test_image import IMG, IMG2, gaussian, window_stats

RNG = np.random.default_rng(1616)


def value(name, convention, reduction="mean", **kwargs):
    return np.asarray(compute(name, convention=convention, reduction=reduction,
                              **kwargs).value)


def ssim_map(x, y, size, data_range=1.0, eps=0.0, reflect=False, skip_small=False):
    """SSIM of one (H, W) channel at every window position, window by window; with
    ``skip_small`` a side shorter than the window gets a window of one pixel (not blurred)."""
    if reflect:
        x, y = np.pad(x, size // 2, mode="reflect"), np.pad(y, size // 2, mode="reflect")
    rows_w = size if not (skip_small and x.shape[0] < size) else 1
    cols_w = size if not (skip_small and x.shape[1] < size) else 1
    weights = np.outer(gaussian(rows_w, 1.5), gaussian(cols_w, 1.5))
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    out = np.empty((x.shape[0] - rows_w + 1, x.shape[1] - cols_w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            mx, my, vx, vy, cov = window_stats(x[i : i + rows_w, j : j + cols_w],
                                               y[i : i + rows_w, j : j + cols_w], weights)
            num = (2 * mx * my + c1) * (2 * cov + c2)
            out[i, j] = num / ((mx**2 + my**2 + c1) * (vx + vy + c2) + eps)
    return out


def cs_mean(x, y, size, data_range):
    """(mean cs, mean SSIM) of one channel over the valid windows."""
    weights = np.outer(gaussian(size, 1.5), gaussian(size, 1.5))
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    cs, ssim = [], []
    for i in range(x.shape[0] - size + 1):
        for j in range(x.shape[1] - size + 1):
            mx, my, vx, vy, cov = window_stats(x[i : i + size, j : j + size],
                                               y[i : i + size, j : j + size], weights)
            cs.append((2 * cov + c2) / (vx + vy + c2))
            ssim.append(cs[-1] * (2 * mx * my + c1) / (mx**2 + my**2 + c1))
    return np.mean(cs), np.mean(ssim)


def pad_halve(x):
    """pytorch-msssim's avg_pool2d(kernel_size=2, padding=s % 2): an odd side gets a zero row
    (column) on each end, and the 2×2 means start at the first one (zeros counted)."""
    x = np.pad(x, ((x.shape[0] % 2,) * 2, (x.shape[1] % 2,) * 2))
    h, w = x.shape[0] // 2, x.shape[1] // 2
    return x[: 2 * h, : 2 * w].reshape(h, 2, w, 2).mean((1, 3))


def plain_halve(x):
    h, w = x.shape[0] // 2, x.shape[1] // 2
    return x[: 2 * h, : 2 * w].reshape(h, 2, w, 2).mean((1, 3))


def scale_factors(x, y, size, data_range, scales, halve):
    """[cs_1, …, cs_{M−1}, SSIM_M] of one channel."""
    factors = []
    for j in range(scales):
        if j:
            x, y = halve(x), halve(y)
        cs, ssim = cs_mean(x, y, size, data_range)
        factors.append(ssim if j == scales - 1 else cs)
    return np.array(factors)


def noisy_pair(shape, noise=0.15):
    pred = RNG.uniform(0, 1, shape)
    return pred, np.clip(pred + RNG.normal(0, noise, shape), 0, 1)


# --- ssim -----------------------------------------------------------------------------------


def test_ssim_kornia_is_the_clamped_half_per_pixel_reflect_padded():
    # kornia ssim_loss: clamp((1 − SSIM)/2, 0, 1) per pixel ('same' reflect padding, eps
    # 1e-12), its mean and sum over every pixel of the batch; a term is the sum over one image.
    pred, target = noisy_pair((2, 2, 7, 9), noise=0.3)
    maps = np.array([[np.clip((1 - ssim_map(x, y, 5, eps=1e-12, reflect=True)) / 2, 0, 1)
                      for x, y in zip(xs, ys)] for xs, ys in zip(pred, target)])
    assert maps.shape == (2, 2, 7, 9)
    kw = dict(pred=pred, target=target, window_size=5)
    assert value("ssim", "kornia", **kw) == pytest.approx(maps.mean(), rel=1e-12)
    assert value("ssim", "kornia", "sum", **kw) == pytest.approx(maps.sum(), rel=1e-12)
    np.testing.assert_allclose(value("ssim", "kornia", "none", **kw),
                               maps.reshape(2, -1).sum(1), rtol=1e-12)
    # --padding valid is kornia's padding='valid'; --data-range is its max_val
    valid = np.array([[np.clip((1 - ssim_map(x, y, 3, 2.0, 1e-12)) / 2, 0, 1)
                       for x, y in zip(xs, ys)] for xs, ys in zip(pred, target)])
    got = value("ssim", "kornia", pred=pred, target=target, window_size=3, padding="valid",
                data_range=2.0)
    assert got == pytest.approx(valid.mean(), rel=1e-12)


def test_ssim_monai_and_pytorch_msssim_by_hand():
    pred, target = noisy_pair((2, 3, 8, 7))
    per_image = [1 - np.mean([ssim_map(x, y, 5).mean() for x, y in zip(xs, ys)])
                 for xs, ys in zip(pred, target)]
    kw = dict(pred=pred, target=target, window_size=5)
    np.testing.assert_allclose(value("ssim", "monai", "none", **kw), per_image, rtol=1e-12)
    # pytorch-msssim: data_range 255 by default; a side shorter than the window not blurred
    short = [1 - np.mean([ssim_map(x, y, 9, 255.0, skip_small=True).mean()
                          for x, y in zip(xs, ys)]) for xs, ys in zip(pred, target)]
    got = value("ssim", "pytorch-msssim", "none", pred=pred, target=target, window_size=9)
    np.testing.assert_allclose(got, short, rtol=1e-12)
    assert value("ssim", "pytorch-msssim", "sum", **kw, data_range=1.0) == pytest.approx(
        sum(per_image), rel=1e-12)


def test_ssim_conventions_equal_installed_kornia_and_monai():
    kornia = pytest.importorskip("kornia")
    monai = pytest.importorskip("monai")
    pred, target = noisy_pair((2, 3, 13, 15))
    x, y = torch.tensor(pred), torch.tensor(target)
    kw = dict(pred=pred, target=target, window_size=5)
    for reduction in ("mean", "sum"):
        want = kornia.losses.ssim_loss(x, y, 5, reduction=reduction).item()
        assert value("ssim", "kornia", reduction, **kw) == pytest.approx(want, rel=1e-12)
    pixels = kornia.losses.ssim_loss(x, y, 5, reduction="none")  # the (N, C, H, W) map
    np.testing.assert_allclose(value("ssim", "kornia", "none", **kw),
                               pixels.flatten(1).sum(1).numpy(), rtol=1e-12)
    loss = monai.losses.SSIMLoss(spatial_dims=2, win_size=5, reduction="none")
    want = loss(x.float(), y.float()).reshape(-1).double().numpy()  # MONAI casts to float32
    np.testing.assert_allclose(value("ssim", "monai", "none", **kw), want, rtol=1e-5)


def test_ssim_pytorch_msssim_equals_the_installed_library():
    pm = pytest.importorskip("pytorch_msssim")
    pred, target = noisy_pair((2, 3, 6, 15))
    x, y = torch.tensor(pred), torch.tensor(target)
    with pytest.warns(UserWarning, match="Skipping Gaussian Smoothing"):
        want = 1 - pm.ssim(x, y, win_size=7).item()  # data_range=255
    got = value("ssim", "pytorch-msssim", pred=pred, target=target, window_size=7)
    assert got == pytest.approx(want, rel=1e-5)  # its window is float32


# --- ms-ssim --------------------------------------------------------------------------------


def test_ms_ssim_pytorch_msssim_pads_odd_sizes_and_defaults_to_255():
    pred, target = noisy_pair((1, 2, 35, 37))
    weights = [0.2, 0.3, 0.5]
    for data_range in (1.0, 255.0):
        products = [np.prod(np.maximum(scale_factors(x, y, 3, data_range, 3, pad_halve), 0)
                            ** weights) for x, y in zip(pred[0], target[0])]
        params = {} if data_range == 255 else {"data_range": 1.0}
        got = value("ms-ssim", "pytorch-msssim", pred=pred, target=target, window_size=3,
                    weights=weights, **params)
        assert got == pytest.approx(1 - np.mean(products), rel=1e-10)
    # losscli's own pooling drops the odd row and column instead: another number
    own = value("ms-ssim", "losscli", pred=pred, target=target, window_size=3, weights=weights)
    assert abs(own - got) > 1e-4


def test_ms_ssim_monai_relu_of_the_image_mean_cs():
    # two channels, one anti-correlated: MONAI's relu acts on the mean cs over the channels,
    # pytorch-msssim's (and losscli's) on each channel's, so the two differ
    base = RNG.uniform(0, 1, (1, 1, 16, 16))
    pred = np.concatenate([base, base], 1)
    target = np.concatenate([np.clip(base + RNG.normal(0, 0.1, base.shape), 0, 1),
                             1 - base], 1)
    weights = [0.5, 0.5]
    factors = np.array([scale_factors(x, y, 3, 1.0, 2, plain_halve)
                        for x, y in zip(pred[0], target[0])])  # (C, M)
    monai = np.prod(np.maximum(factors.mean(0), 0) ** weights)
    per_channel = np.mean(np.prod(np.maximum(factors, 0) ** weights, axis=1))
    kw = dict(pred=pred, target=target, window_size=3, weights=weights)
    assert value("ms-ssim", "monai", **kw) == pytest.approx(1 - monai, rel=1e-12)
    assert value("ms-ssim", "losscli", **kw) == pytest.approx(1 - per_channel, rel=1e-12)
    assert abs(monai - per_channel) > 1e-3


def test_ms_ssim_conventions_equal_installed_monai():
    pytest.importorskip("monai")
    from monai.metrics import MultiScaleSSIMMetric

    pred, target = noisy_pair((2, 3, 64, 64))
    metric = MultiScaleSSIMMetric(spatial_dims=2, kernel_size=3)
    want = 1 - metric(torch.tensor(pred), torch.tensor(target)).reshape(-1).double().numpy()
    got = value("ms-ssim", "monai", "none", pred=pred, target=target, window_size=3)
    np.testing.assert_allclose(got, want, rtol=1e-4)  # MONAI's weights are float32


def test_ms_ssim_pytorch_msssim_equals_the_installed_library():
    pm = pytest.importorskip("pytorch_msssim")
    pred, target = noisy_pair((2, 3, 67, 69))
    want = 1 - pm.ms_ssim(torch.tensor(pred), torch.tensor(target), win_size=3).item()
    got = value("ms-ssim", "pytorch-msssim", pred=pred, target=target, window_size=3)
    assert got == pytest.approx(want, rel=1e-5)


# --- psnr and total-variation ---------------------------------------------------------------


def test_psnr_kornia_pools_the_batch_and_gives_minus_inf_for_identical_images():
    pred, target = RNG.uniform(0, 1, (3, 2, 4, 5)), RNG.uniform(0, 1, (3, 2, 4, 5))
    want = 10 * np.log10(np.mean((pred - target) ** 2) / 4)
    got = value("psnr", "kornia", pred=pred, target=target, data_range=2.0)
    assert got == pytest.approx(want, rel=1e-12)
    assert value("psnr", "kornia", pred=pred, target=pred) == -np.inf


def test_psnr_kornia_equals_the_installed_library():
    kornia = pytest.importorskip("kornia")
    pred, target = RNG.uniform(0, 1, (3, 2, 4, 5)), RNG.uniform(0, 1, (3, 2, 4, 5))
    want = kornia.losses.psnr_loss(torch.tensor(pred), torch.tensor(target), 1.0).item()
    assert value("psnr", "kornia", pred=pred, target=target) == pytest.approx(want, rel=1e-12)


def test_total_variation_kornia_keeps_one_value_per_channel():
    pred = RNG.uniform(0, 1, (2, 3, 4, 5))
    dv, dh = np.abs(np.diff(pred, axis=2)), np.abs(np.diff(pred, axis=3))
    sums = dv.sum((2, 3)) + dh.sum((2, 3))  # (N, C)
    means = dv.mean((2, 3)) + dh.mean((2, 3))
    np.testing.assert_allclose(value("total-variation", "kornia", "none", pred=pred), sums,
                               rtol=1e-12)
    assert value("total-variation", "kornia", pred=pred) == pytest.approx(sums.mean())
    got = value("total-variation", "kornia", pred=pred, average="mean")
    assert got == pytest.approx(means.mean(), rel=1e-12)
    assert value("total-variation", "losscli", pred=pred) == pytest.approx(sums.sum(1).mean())


def test_total_variation_kornia_equals_the_installed_library():
    kornia = pytest.importorskip("kornia")
    pred = RNG.uniform(0, 1, (2, 3, 4, 5))
    for average in ("sum", "mean"):
        want = kornia.losses.total_variation(torch.tensor(pred), reduction=average)
        got = value("total-variation", "kornia", "none", pred=pred, average=average)
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-12)


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (("ssim", "--convention", "kornia", "--kernel", "uniform"),
     "--kernel: kornia's ssim_loss has a Gaussian window only"),
    (("ssim", "--convention", "kornia", "--sigma", "2"),
     "--sigma: kornia's ssim_loss fixes it at 1.5"),
    (("ssim", "--convention", "pytorch-msssim", "--padding", "reflect"),
     "--padding: pytorch-msssim has valid windows only"),
    (("ms-ssim", "--convention", "pytorch-msssim", "--weights", "[1.0]"),
     "--pred: images of 3 × 3 pixels: pytorch-msssim asserts the smaller side > "
     "(window_size − 1)·2⁴ = 32 whatever the number of --weights"),
    (("total-variation", "--convention", "kornia", "--norm", "squared"),
     "--norm: kornia's total_variation is anisotropic L1 only"),
])
def test_what_a_library_lacks_is_one_line_with_exit_2(cli, args, message):
    loss, *options = args
    if loss == "total-variation":
        out = cli(loss, "-p", IMG, *options)
    else:
        out = cli(loss, "-p", IMG, "-t", IMG2, "--window-size", "3", *options)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(message), out.stderr


@pytest.mark.parametrize("columns", ["80", "100"])
def test_ssim_convention_all_fits_the_terminal(cli, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    out = cli("ssim", "-p", IMG, "-t", IMG2, "--window-size", "3", "--convention", "all")
    assert out.code == 0, out
    assert max(len(line.rstrip()) for line in out.stdout.splitlines()) <= int(columns)
    for name in ("monai", "kornia", "pytorch-msssim"):
        assert name in out.stdout
    out = cli("ssim", "-p", IMG, "-t", IMG2, "--window-size", "3", "--kernel", "uniform",
              "--convention", "all")
    assert out.code == 0 and "Gaussian window only" in out.stdout, out
