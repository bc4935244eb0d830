"""Pixel-grid helpers of both backends (numpy arrays and torch tensors alike): the 2×2
average pooling between MS-SSIM scales and the indices of reflect padding."""

from __future__ import annotations

from typing import Any


def halve(x: Any) -> Any:
    """2×2 average pooling of (N, C, H, W) without padding, as MONAI's avg_pool2d: an odd
    last row or column is dropped. Slicing and arithmetic only, so either backend's array."""
    h, w = x.shape[2] // 2 * 2, x.shape[3] // 2 * 2
    x = x[:, :, :h, :w]
    return (x[:, :, 0::2, 0::2] + x[:, :, 0::2, 1::2] + x[:, :, 1::2, 0::2]
            + x[:, :, 1::2, 1::2]) / 4


def reflect_index(size: int, pad: int) -> list[int]:
    """The source index of each position of a side of ``size`` padded by ``pad`` on both
    ends with reflection about the edge pixels (numpy/torch 'reflect': p … 1, 0 … n−1,
    n−2 … n−1−p); needs pad < size."""
    return [*range(pad, 0, -1), *range(size), *range(size - 2, size - 2 - pad, -1)]
