"""The image losses in PyTorch: SSIM, MS-SSIM, PSNR and total variation, one term per image.

Inputs are (N, C, H, W). The SSIM map (Wang et al. 2004) is computed with a separable
window g (Gaussian, or uniform) convolved over each channel:

    μx = g ∗ x,  σx² = g ∗ x² − μx²,  σxy = g ∗ (x·y) − μx·μy
    l = (2·μx·μy + C1) / (μx² + μy² + C1),  cs = (2·σxy + C2) / (σx² + σy² + C2)
    SSIM = l·cs,  C1 = (K1·L)², C2 = (K2·L)²

ssim: ℓₙ = 1 − mean SSIM over the channels and windows of image n (MONAI SSIMLoss).
ms-ssim: ℓₙ = 1 − mean_c Π_j relu(cs_j)^{w_j}·relu(SSIM_M)^{w_M} over scales halved by
2×2 average pooling (pytorch-msssim). psnr: ℓₙ = 10·log10(MSEₙ / L²) (kornia psnr_loss
per image). total-variation: Σ of neighbour differences (kornia total_variation).
"""

from __future__ import annotations

import torch

from losscli.families._shared.torch_terms import Terms
from losscli.families.image.grid import halve, reflect_index
from losscli.families.image.spec import MS_SSIM_WEIGHTS


def _window(size: int, sigma: float, kernel: str, like: torch.Tensor) -> torch.Tensor:
    """The 1-D window, normalised to sum 1, in the dtype of ``like``."""
    if kernel == "uniform":
        return torch.full((size,), 1.0 / size, dtype=like.dtype, device=like.device)
    x = torch.arange(size, dtype=like.dtype, device=like.device) - size // 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def _blur(x: torch.Tensor, g: torch.Tensor, skip_small: bool = False) -> torch.Tensor:
    """Valid separable filtering over the last two dimensions: along W, then along H (as
    sliding windows times g: on small images far faster than conv2d on the CPU).
    ``skip_small``: leave a dimension shorter than the window unfiltered (pytorch-msssim's
    gaussian_filter)."""
    size = g.numel()
    if not (skip_small and x.shape[-1] < size):
        x = x.unfold(-1, size, 1) @ g
    if not (skip_small and x.shape[-2] < size):
        x = x.unfold(-2, size, 1) @ g
    return x


def window_options(window_size, sigma, kernel, k1, k2, data_range) -> dict:
    """The window and constants of the SSIM map, as :func:`ssim_maps` takes them."""
    return dict(window_size=window_size, sigma=sigma, kernel=kernel, k1=k1, k2=k2,
                data_range=data_range)


def ssim_maps(x, y, o: dict, padding: str = "valid", eps: float = 0.0,
              skip_small: bool = False) -> dict:
    """The SSIM and cs maps (N, C, H', W') with the moments behind them.

    The moments are taken of each channel minus its mean (σ² and σxy do not change, μ gets
    the mean back), so that g ∗ x² − μ² cancels less in float32.
    """
    n, c, h, w = x.shape
    g = _window(o["window_size"], o["sigma"], o["kernel"], x)
    shift = torch.cat([x, y]).mean((2, 3), keepdim=True)
    both = (torch.cat([x, y]) - shift).reshape(2 * n * c, 1, h, w)
    if padding == "reflect":
        p = o["window_size"] // 2
        rows = torch.tensor(reflect_index(h, p), device=x.device)
        cols = torch.tensor(reflect_index(w, p), device=x.device)
        both = both[:, :, rows][:, :, :, cols]  # indexing: F.pad is slow on small CPU inputs
    xs, ys = both[: n * c], both[n * c :]
    def blur(v):
        return _blur(v, g, skip_small)

    mu_x, mu_y = blur(xs), blur(ys)
    var_x = blur(xs * xs) - mu_x**2
    var_y = blur(ys * ys) - mu_y**2
    cov = blur(xs * ys) - mu_x * mu_y
    shift = shift.reshape(2 * n * c, 1, 1, 1)
    mu_x, mu_y = mu_x + shift[: n * c], mu_y + shift[n * c :]
    c1, c2 = (o["k1"] * o["data_range"]) ** 2, (o["k2"] * o["data_range"]) ** 2
    num_l, den_l = 2 * mu_x * mu_y + c1, mu_x**2 + mu_y**2 + c1
    num_cs, den_cs = 2 * cov + c2, var_x + var_y + c2
    ssim = num_l * num_cs / (den_l * den_cs + eps)
    out = {"μx": mu_x, "μy": mu_y, "σx²": var_x, "σy²": var_y, "σxy": cov,
           "l": num_l / den_l, "cs": num_cs / den_cs, "SSIM": ssim}
    return {k: v.reshape(n, c, *v.shape[2:]) for k, v in out.items()}


def corner(maps: dict) -> dict:
    """The moments and factors of the top-left window of channel 0, per image."""
    return {k: maps[k][:, 0, 0, 0] for k in ("μx", "μy", "σx²", "σy²", "σxy", "l", "cs")}


def ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range, padding,
         eps) -> Terms:
    """ℓₙ = 1 − mean SSIM of image n (MONAI SSIMLoss with reduction='none')."""
    o = window_options(window_size, sigma, kernel, k1, k2, data_range)
    maps = ssim_maps(pred, target, o, padding, eps)
    mean = maps["SSIM"].flatten(1).mean(1)
    return Terms(1 - mean, details=corner(maps), shown_inputs=())


def scale_weights(weights, like: torch.Tensor) -> torch.Tensor:
    """The MS-SSIM scale weights as a vector of ``like``'s dtype (Wang et al.'s by default)."""
    return torch.as_tensor(MS_SSIM_WEIGHTS if weights is None else weights, dtype=like.dtype,
                           device=like.device).reshape(-1)


def scale_factors(x, y, o: dict, scales: int, pool=halve, skip_small: bool = False) -> list:
    """Per scale j the (N, C) means over the valid windows of cs_j, and of SSIM at the last
    scale; ``pool`` halves the images between scales."""
    factors = []
    for j in range(scales):
        if j:
            x, y = pool(x), pool(y)
        maps = ssim_maps(x, y, o, skip_small=skip_small)
        factors.append(maps["SSIM" if j == scales - 1 else "cs"].flatten(2).mean(2))
    return factors


def factor_details(factors: list) -> dict:
    """Each scale's cs and the last scale's SSIM, averaged over the channels."""
    last = len(factors)
    return {f"SSIM{j}" if j == last else f"cs{j}": f.mean(1) for j, f in enumerate(factors, 1)}


def ms_ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range,
            weights=None) -> Terms:
    """ℓₙ = 1 − mean_c Π_j relu(cs_j)^{w_j}·relu(SSIM_M)^{w_M} (pytorch-msssim)."""
    o = window_options(window_size, sigma, kernel, k1, k2, data_range)
    w = scale_weights(weights, pred)
    factors = scale_factors(pred, target, o, len(w))
    product = torch.stack([torch.relu(f) ** wj for f, wj in zip(factors, w)]).prod(0)
    value = product.mean(1)
    return Terms(1 - value, details={**factor_details(factors), "MS-SSIM": value},
                 shown_inputs=())


def psnr(*, pred, target, data_range, pool_batch=False) -> Terms:
    """ℓₙ = 10·log10(MSEₙ / L²) = −PSNRₙ; one term over the batch with ``pool_batch``."""
    squares = (pred - target) ** 2
    rows = 1 if pool_batch else squares.shape[0]
    mse = squares.reshape(rows, squares.numel() // max(rows, 1)).mean(1)
    loss = 10 * torch.log10(mse / data_range**2)
    return Terms(loss, details={"MSE": mse, "PSNR": -loss}, shown_inputs=())


def total_variation(*, pred, norm="l1", average="sum", eps=0.0) -> Terms:
    """Σ |Δv| + Σ |Δh| per image (kornia total_variation summed over the channels)."""
    dv = pred[:, :, 1:, :] - pred[:, :, :-1, :]
    dh = pred[:, :, :, 1:] - pred[:, :, :, :-1]
    if norm == "isotropic":
        r = torch.sqrt(dv[:, :, :, :-1] ** 2 + dh[:, :, :-1, :] ** 2 + eps).flatten(1)
        return Terms(r.mean(1) if average == "mean" else r.sum(1), shown_inputs=())
    a, b = (dv.abs(), dh.abs()) if norm == "l1" else (dv**2, dh**2)
    a, b = a.flatten(1), b.flatten(1)
    a, b = (a.mean(1), b.mean(1)) if average == "mean" else (a.sum(1), b.sum(1))
    return Terms(a + b, details={"vertical": a, "horizontal": b}, shown_inputs=())
