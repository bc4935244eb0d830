"""The image losses in numpy (twins of :mod:`losscli.families.image.torch_terms`).

The same separable window, moments and factors; see the torch module for the formulas.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from losscli.core.terms import Terms
from losscli.families.image.grid import halve, reflect_index
from losscli.families.image.spec import MS_SSIM_WEIGHTS


def _window(size: int, sigma: float, kernel: str, dtype) -> np.ndarray:
    if kernel == "uniform":
        return np.full(size, 1.0 / size, dtype=dtype)
    x = np.arange(size, dtype=dtype) - size // 2
    g = np.exp(-(x**2) / dtype.type(2 * sigma**2))
    return g / g.sum()


def _blur(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Valid separable filtering over the last two axes: along W, then along H."""
    x = sliding_window_view(x, g.size, axis=-1) @ g  # the window is the new last axis
    return sliding_window_view(x, g.size, axis=-2) @ g


def _maps(x, y, o: dict, padding: str = "valid", eps: float = 0.0) -> dict:
    """The SSIM and cs maps (N, C, H', W') with the moments behind them (of each channel
    minus its mean, as the torch twin)."""
    dtype = x.dtype
    g = _window(o["window_size"], o["sigma"], o["kernel"], dtype)
    a, b = x.mean((2, 3), keepdims=True), y.mean((2, 3), keepdims=True)
    x, y = x - a, y - b
    if padding == "reflect":
        p = o["window_size"] // 2
        rows, cols = reflect_index(x.shape[2], p), reflect_index(x.shape[3], p)
        x, y = x[:, :, rows][:, :, :, cols], y[:, :, rows][:, :, :, cols]
    mu_x, mu_y = _blur(x, g), _blur(y, g)
    var_x = _blur(x * x, g) - mu_x**2
    var_y = _blur(y * y, g) - mu_y**2
    cov = _blur(x * y, g) - mu_x * mu_y
    mu_x, mu_y = mu_x + a, mu_y + b
    c1 = dtype.type((o["k1"] * o["data_range"]) ** 2)
    c2 = dtype.type((o["k2"] * o["data_range"]) ** 2)
    num_l, den_l = 2 * mu_x * mu_y + c1, mu_x**2 + mu_y**2 + c1
    num_cs, den_cs = 2 * cov + c2, var_x + var_y + c2
    ssim = num_l * num_cs / (den_l * den_cs + dtype.type(eps))
    return {"μx": mu_x, "μy": mu_y, "σx²": var_x, "σy²": var_y, "σxy": cov,
            "l": num_l / den_l, "cs": num_cs / den_cs, "SSIM": ssim}


def _corner(maps: dict) -> dict:
    return {k: maps[k][:, 0, 0, 0] for k in ("μx", "μy", "σx²", "σy²", "σxy", "l", "cs")}


def _flat(x: np.ndarray, start: int = 1) -> np.ndarray:
    """``x`` with the axes from ``start`` on flattened into one (empty batches too)."""
    return x.reshape(*x.shape[:start], math.prod(x.shape[start:]))


def _flat_mean(x: np.ndarray, start: int = 1) -> np.ndarray:
    return _flat(x, start).mean(-1)


def ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range, padding,
         eps) -> Terms:
    """ℓₙ = 1 − mean SSIM of image n."""
    o = dict(window_size=window_size, sigma=sigma, kernel=kernel, k1=k1, k2=k2,
             data_range=data_range)
    maps = _maps(pred, target, o, padding, eps)
    mean = _flat_mean(maps["SSIM"])
    return Terms(1 - mean, details=_corner(maps), shown_inputs=())


def ms_ssim(*, pred, target, window_size, sigma, kernel, k1, k2, data_range,
            weights=None) -> Terms:
    """ℓₙ = 1 − mean_c Π_j relu(cs_j)^{w_j}·relu(SSIM_M)^{w_M}."""
    o = dict(window_size=window_size, sigma=sigma, kernel=kernel, k1=k1, k2=k2,
             data_range=data_range)
    w = np.asarray(MS_SSIM_WEIGHTS if weights is None else weights, dtype=pred.dtype)
    w = w.reshape(-1)
    x, y = pred, target
    product = np.ones(pred.shape[:2], dtype=pred.dtype)
    details = {}
    for j in range(w.size):
        if j:
            x, y = halve(x), halve(y)
        maps = _maps(x, y, o)
        last = j == w.size - 1
        factor = _flat_mean(maps["SSIM" if last else "cs"], 2)
        details[f"SSIM{j + 1}" if last else f"cs{j + 1}"] = factor.mean(1)
        product = product * np.maximum(factor, 0) ** w[j]
    value = product.mean(1)
    return Terms(1 - value, details={**details, "MS-SSIM": value}, shown_inputs=())


def psnr(*, pred, target, data_range, pool_batch=False) -> Terms:
    """ℓₙ = 10·log10(MSEₙ / L²) = −PSNRₙ; one term over the batch with ``pool_batch``."""
    squares = (pred - target) ** 2
    flat = squares.reshape(1, squares.size) if pool_batch else _flat(squares)
    mse = flat.sum(1) / pred.dtype.type(flat.shape[1])  # no elements: 0/0 = NaN, as torch
    loss = 10 * np.log10(mse / pred.dtype.type(data_range) ** 2)
    return Terms(loss, details={"MSE": mse, "PSNR": -loss}, shown_inputs=())


def total_variation(*, pred, norm="l1", average="sum", eps=0.0) -> Terms:
    """Σ |Δv| + Σ |Δh| per image (kornia total_variation summed over the channels)."""
    dv = pred[:, :, 1:, :] - pred[:, :, :-1, :]
    dh = pred[:, :, :, 1:] - pred[:, :, :, :-1]
    if norm == "isotropic":
        r = np.sqrt(dv[:, :, :, :-1] ** 2 + dh[:, :, :-1, :] ** 2 + pred.dtype.type(eps))
        r = _flat(r)
        return Terms(r.mean(1) if average == "mean" else r.sum(1), shown_inputs=())
    a, b = (np.abs(dv), np.abs(dh)) if norm == "l1" else (dv**2, dh**2)
    a, b = _flat(a), _flat(b)
    a, b = (a.mean(1), b.mean(1)) if average == "mean" else (a.sum(1), b.sum(1))
    return Terms(a + b, details={"vertical": a, "horizontal": b}, shown_inputs=())
