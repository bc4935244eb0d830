"""Checks of the image losses, numpy only: ranks, shapes, window and image sizes, weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import same_shape, shape_str
from losscli.families.image.spec import MS_SSIM_WEIGHTS


def _images(array: np.ndarray, argument: str = "--pred") -> tuple[int, int, int, int]:
    """The (N, C, H, W) of a batch of images with at least one channel."""
    if array.ndim != 4:
        raise InputError(
            f"expected a batch of images (N, C, H, W), got shape {shape_str(array.shape)}; "
            "one grey image of H × W pixels is [[image]] (N = C = 1)",
            argument=argument,
        )
    if array.shape[1] == 0:
        raise InputError(
            f"expected at least one channel, got shape {shape_str(array.shape)}",
            argument=argument,
        )
    n, c, h, w = array.shape
    return n, c, h, w


def _pair(arrays: dict[str, np.ndarray], params: dict[str, Any]) -> tuple[int, int]:
    """(H, W) of --pred, once --pred and --target are equal-shaped image batches."""
    _, _, h, w = _images(arrays["pred"])
    same_shape(arrays, params, None)
    return h, w


def _odd_window(params: dict[str, Any]) -> int:
    size = params["window_size"]
    if size % 2 == 0:
        raise InputError(
            f"must be odd (the window is centred on a pixel), got {size}",
            argument="--window-size",
        )
    return size


def ssim(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Images of equal shape, each side at least the window (valid) or more than its half
    (reflect: numpy and torch reflect only up to one pixel less than the side)."""
    h, w = _pair(arrays, params)
    size = _odd_window(params)
    need = size if params["padding"] == "valid" else size // 2 + 1
    if min(h, w) < need:
        how = "valid windows" if params["padding"] == "valid" else "reflect padding"
        raise InputError(
            f"images of {h} × {w} pixels are smaller than the window: {how} with "
            f"--window-size {size} need H and W >= {need}; pass a smaller --window-size",
            argument="--pred",
        )


def _scales(arrays: dict[str, np.ndarray]) -> int:
    """The number of MS-SSIM scales: the length of --weights, a non-empty vector of finite
    numbers >= 0 (5 without)."""
    weights = arrays.get("weights")
    if weights is None:
        return len(MS_SSIM_WEIGHTS)
    if weights.ndim != 1 or weights.size == 0:
        raise InputError(
            f"expected a vector of one weight per scale, got shape {shape_str(weights.shape)}",
            argument="--weights",
        )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise InputError("expected finite weights >= 0", argument="--weights")
    return weights.size


def ms_ssim(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """Images of equal shape large enough for one window at the coarsest scale; weights
    a non-empty vector of finite numbers >= 0."""
    h, w = _pair(arrays, params)
    size = _odd_window(params)
    scales = _scales(arrays)
    need = size * 2 ** (scales - 1)
    if min(h, w) < need:
        raise InputError(
            f"images of {h} × {w} pixels are too small for {scales} scales: each scale "
            f"halves them and the coarsest must hold a {size} × {size} window, so H and W "
            f"must be >= {size}·2^{scales - 1} = {need}; pass fewer --weights or a smaller "
            "--window-size",
            argument="--pred",
        )


def pytorch_msssim_ssim(arrays: dict[str, np.ndarray], params: dict[str, Any],
                        warnings) -> None:
    """pytorch-msssim's ssim: images of equal shape, an odd window, any size (a side
    shorter than the window is not blurred)."""
    _pair(arrays, params)
    _odd_window(params)


def pytorch_msssim_ms_ssim(arrays: dict[str, np.ndarray], params: dict[str, Any],
                           warnings) -> None:
    """pytorch-msssim's ms_ssim: its assertion min(H, W) > (window_size − 1)·2⁴, whatever
    the number of scales."""
    h, w = _pair(arrays, params)
    size = _odd_window(params)
    _scales(arrays)
    if min(h, w) <= (size - 1) * 16:
        raise InputError(
            f"images of {h} × {w} pixels: pytorch-msssim asserts the smaller side > "
            f"(window_size − 1)·2⁴ = {(size - 1) * 16} whatever the number of --weights",
            argument="--pred",
        )


def psnr(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """--pred is (N, ...) with --target of its shape."""
    if arrays["pred"].ndim == 0:
        raise InputError(
            "expected a batch (N, ...) with one entry per image, got a scalar; one value "
            "is [value]",
            argument="--pred",
        )
    same_shape(arrays, params, None)
    pred = arrays["pred"]
    if pred.ndim > 1 and 0 in pred.shape[1:]:
        raise InputError(
            f"each image has no elements (shape {shape_str(pred.shape)}): its MSE would be "
            "0/0",
            argument="--pred",
        )
    rows = pred.reshape(len(pred), -1) if pred.ndim > 1 else pred.reshape(-1, 1)
    same = np.all(rows == arrays["target"].reshape(rows.shape), axis=1)
    if same.all() or (same.any() and not params.get("pool_batch")):
        which = "every image" if same.all() else f"image {int(np.argmax(same))}"
        warnings.warn(f"{which} equals its target: the MSE is 0, so the PSNR is +inf and "
                      "the loss −inf", argument="--pred", nonfinite=True)


def total_variation(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """A batch of images; a mean or the isotropic grid needs two pixels in each direction."""
    _, _, h, w = _images(arrays["pred"])
    if (params["average"] == "mean" or params["norm"] == "isotropic") and min(h, w) < 2:
        why = "--norm isotropic" if params["norm"] == "isotropic" else "--average mean"
        raise InputError(
            f"{why} needs H and W >= 2 (differences in both directions), got {h} × {w}",
            argument="--pred",
        )
