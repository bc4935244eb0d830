"""The image losses as other libraries compute them (``--convention`` on ssim, ms-ssim and
total-variation; psnr's kornia convention is the loss's own function with one pooled MSE).

- kornia ``ssim_loss`` (kornia 0.9.0, kornia/losses/ssim.py, kornia/metrics/ssim.py): the
  SSIM map with 'same' reflect padding and num / (den + eps), eps = 1e-12; the loss map is
  clamp((1 − SSIM)/2, 0, 1) per pixel, reduced over every pixel of the batch.
- pytorch-msssim ``ssim`` / ``ms_ssim`` (pytorch-msssim 1.0.0, pytorch_msssim/ssim.py):
  valid windows, a dimension shorter than the window left unblurred (``gaussian_filter``),
  odd sizes zero-padded by ``avg_pool2d(kernel_size=2, padding=s % 2)`` between scales.
- MONAI ``MultiScaleSSIMMetric`` (MONAI 1.6.1, monai/metrics/regression.py
  ``compute_ms_ssim``): relu of each image's mean cs over its channels, not per channel.
- kornia ``total_variation`` (kornia 0.9.0, kornia/losses/total_variation.py): one value
  per image and channel, (N, C).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.torch_terms import Terms
from losscli.families.image.torch_terms import (
    corner,
    factor_details,
    scale_factors,
    scale_weights,
    ssim_maps,
    total_variation,
    window_options,
)


def _only(library: str, kernel: str, **fixed: tuple[float, float, str]) -> None:
    """Refuse what the library cannot do: a uniform window, or another value of a constant
    it fixes (``fixed``: name -> (value, the library's, the option))."""
    if kernel != "gaussian":
        raise InputError(f"{library} has a Gaussian window only", argument="--kernel")
    for value, theirs, option in fixed.values():
        if value != theirs:
            raise InputError(f"{library} fixes it at {theirs}", argument=option)


def kornia_ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range, padding,
                eps) -> Terms:
    """kornia.losses.ssim_loss(pred, target, window_size, max_val=L, eps=1e-12,
    padding='same'): clamp((1 − SSIM)/2, 0, 1) at each pixel. Its reduction='none' is that
    (N, C, H, W) map; here a term is the map's sum over image n (P = C·H·W pixels), so that
    'mean' (Σ (ℓₙ / P) / N) and 'sum' are kornia's mean and sum over every pixel."""
    _only("kornia's ssim_loss", kernel, sigma=(sigma, 1.5, "--sigma"),
          k1=(k1, 0.01, "--k1"), k2=(k2, 0.03, "--k2"))
    o = window_options(window_size, sigma, kernel, k1, k2, data_range)
    maps = ssim_maps(pred, target, o, padding, eps)
    loss = torch.clamp((1 - maps["SSIM"]) / 2, 0, 1).flatten(1)
    pixels = torch.full((loss.shape[0],), float(loss.shape[1]), dtype=loss.dtype,
                        device=loss.device)
    return Terms(loss.sum(1), details={**corner(maps), "mean (1−SSIM)/2": loss.mean(1)},
                 shown_inputs=(), mean_divisor=pixels, divisor_symbol="P")


def _msssim_options(kernel: str, padding: str = "valid", eps: float = 0.0) -> None:
    _only("pytorch-msssim", kernel)
    if padding != "valid":
        raise InputError("pytorch-msssim has valid windows only", argument="--padding")
    if eps:
        raise InputError("pytorch-msssim adds no eps to the denominator", argument="--eps")


def pytorch_msssim_ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range,
                        padding, eps) -> Terms:
    """1 − pytorch_msssim.ssim(pred, target, data_range=255, size_average=False): 1 − the
    mean over the channels of each channel's mean SSIM; a side shorter than the window is
    not blurred (a warning in pytorch-msssim)."""
    _msssim_options(kernel, padding, eps)
    o = window_options(window_size, sigma, kernel, k1, k2, data_range)
    maps = ssim_maps(pred, target, o, skip_small=True)
    return Terms(1 - maps["SSIM"].flatten(1).mean(1), details=corner(maps), shown_inputs=())


def _pad_halve(x: torch.Tensor) -> torch.Tensor:
    """F.avg_pool2d(x, kernel_size=2, padding=(H % 2, W % 2)) (zeros counted)."""
    return F.avg_pool2d(x, kernel_size=2, padding=(x.shape[2] % 2, x.shape[3] % 2))


def pytorch_msssim_ms_ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range,
                           weights=None) -> Terms:
    """1 − pytorch_msssim.ms_ssim(pred, target, data_range=255, size_average=False): relu
    per channel, the product over the scales per channel, the mean over the channels; odd
    sizes zero-padded before each 2×2 average pooling."""
    _msssim_options(kernel)
    o = window_options(window_size, sigma, kernel, k1, k2, data_range)
    w = scale_weights(weights, pred)
    factors = scale_factors(pred, target, o, len(w), pool=_pad_halve, skip_small=True)
    value = torch.stack([torch.relu(f) ** wj for f, wj in zip(factors, w)]).prod(0).mean(1)
    return Terms(1 - value, details={**factor_details(factors), "MS-SSIM": value},
                 shown_inputs=())


def monai_ms_ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range,
                  weights=None) -> Terms:
    """1 − MultiScaleSSIMMetric(...)(pred, target): relu of each image's mean cs (over the
    channels and windows), the product over the scales per image."""
    o = window_options(window_size, sigma, kernel, k1, k2, data_range)
    w = scale_weights(weights, pred)
    factors = scale_factors(pred, target, o, len(w))
    value = torch.stack([torch.relu(f.mean(1)) ** wj for f, wj in zip(factors, w)]).prod(0)
    return Terms(1 - value, details={**factor_details(factors), "MS-SSIM": value},
                 shown_inputs=())


def kornia_total_variation(*, pred, norm="l1", average="sum", eps=0.0) -> Terms:
    """kornia.losses.total_variation(pred, reduction='sum' | 'mean'): the (N, C) values, one
    per image and channel, each direction summed or averaged over its own count."""
    if norm != "l1":
        raise InputError("kornia's total_variation is anisotropic L1 only", argument="--norm")
    n, c = pred.shape[:2]
    terms = total_variation(pred=pred.reshape(n * c, 1, *pred.shape[2:]), average=average)
    return Terms(terms.values.reshape(n, c),
                 details={k: v.reshape(n, c) for k, v in terms.details.items()},
                 shown_inputs=())
