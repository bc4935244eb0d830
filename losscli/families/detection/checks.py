"""Checks on bounding boxes (numpy only), before any box loss runs.

- Shape: ``--pred`` is (4) or (*, 4) and ``--target`` has the same shape.
- Malformed boxes are an input error naming the argument and the box: x2 < x1 or
  y2 < y1 for ``xyxy``, a negative width or height for ``xywh``/``cxcywh``. When the
  same numbers would be valid boxes in another format, the message says so.
- No boxes: giou, diou and ciou follow torchvision (the mean over no pairs is 0); iou
  warns that its mean is NaN.
- Warnings: zero-area boxes (their IoU is 0 whatever the other box; for ciou a box
  with zero width and height makes the aspect-ratio term 0/0 = NaN), and a likely
  format mix-up: if no pair of boxes overlaps in the declared format while every pair
  overlaps when the numbers are read in another valid format. Box pairs fed to a
  regression loss are matched boxes, so they normally overlap. Data in the wrong
  format that is also valid and overlapping in the declared one cannot be told apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from losscli.core.errors import InputError
from losscli.families._shared.checks import shape_str

FORMATS = ("xyxy", "xywh", "cxcywh")
_LAYOUT = {"xyxy": "(x1, y1, x2, y2)", "xywh": "(x, y, w, h)", "cxcywh": "(cx, cy, w, h)"}


def to_xyxy(boxes: np.ndarray, box_format: str) -> np.ndarray:
    """Corner boxes (x1, y1, x2, y2) from any of the three formats."""
    a, b, c, d = np.moveaxis(boxes.astype(np.float64), -1, 0)
    if box_format == "xywh":
        return np.stack((a, b, a + c, b + d), axis=-1)
    if box_format == "cxcywh":
        return np.stack((a - c / 2, b - d / 2, a + c / 2, b + d / 2), axis=-1)
    return boxes.astype(np.float64)


def pairwise_iou(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """IoU of aligned corner boxes (0 where the union is empty)."""
    low = np.maximum(pred[..., :2], target[..., :2])
    high = np.minimum(pred[..., 2:], target[..., 2:])
    inter = np.clip(high - low, 0, None).prod(axis=-1)
    union = _area(pred) + _area(target) - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def _area(corners: np.ndarray) -> np.ndarray:
    return (corners[..., 2] - corners[..., 0]) * (corners[..., 3] - corners[..., 1])


def _malformed(boxes: np.ndarray, box_format: str) -> np.ndarray:
    """Mask of boxes that are not valid in ``box_format`` (NaN counts as valid here)."""
    if box_format == "xyxy":
        return (boxes[..., 2] < boxes[..., 0]) | (boxes[..., 3] < boxes[..., 1])
    return (boxes[..., 2] < 0) | (boxes[..., 3] < 0)


def _box_name(boxes: np.ndarray, index: tuple[int, ...]) -> str:
    """``box 3 [x1, y1, x2, y2]``; ``box (0, 2) [...]`` for (*, 4) boxes, ``box [...]`` for one."""
    if len(index) > 1:
        where = f"({', '.join(map(str, index))}) "
    else:
        where = "".join(f"{i} " for i in index)
    values = ", ".join(f"{v:g}" for v in boxes[index])
    return f"box {where}[{values}]"


def _fault(box: np.ndarray, box_format: str) -> str:
    if box_format == "xyxy":
        if box[2] < box[0]:
            return f"x2 = {box[2]:g} < x1 = {box[0]:g}"
        return f"y2 = {box[3]:g} < y1 = {box[1]:g}"
    if box[2] < 0:
        return f"width {box[2]:g} is negative"
    return f"height {box[3]:g} is negative"


def check_box_shapes(pred: np.ndarray, target: np.ndarray) -> None:
    if pred.ndim == 0 or pred.shape[-1] != 4:
        raise InputError(
            f"boxes must have shape (4) or (N, 4), got shape {shape_str(pred.shape)}",
            argument="--pred",
        )
    if target.shape != pred.shape:
        raise InputError(
            f"shape {shape_str(target.shape)} does not match --pred shape "
            f"{shape_str(pred.shape)}; one target box per predicted box",
            argument="--target",
        )


def check_well_formed(boxes: np.ndarray, box_format: str, argument: str) -> None:
    """Raise on the first malformed box, naming it and suggesting a format that fits."""
    bad = _malformed(boxes, box_format)
    if not bad.any():
        return
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    message = (
        f"{_box_name(boxes, index)} is malformed for --box-format {box_format} "
        f"{_LAYOUT[box_format]}: {_fault(boxes[index], box_format)}"
    )
    fits = [f for f in FORMATS if f != box_format and not _malformed(boxes, f).any()]
    if fits:
        message += f"; if the boxes are {_LAYOUT[fits[0]]}, pass --box-format {fits[0]}"
    raise InputError(message, argument=argument)


def warn_degenerate(boxes: np.ndarray, box_format: str, argument: str, warnings,
                    nan_if_empty: bool = False) -> None:
    """Warn on zero-area boxes (and, for ciou, on boxes whose w/h is 0/0)."""
    corners = to_xyxy(boxes, box_format)
    width = corners[..., 2] - corners[..., 0]
    height = corners[..., 3] - corners[..., 1]
    flat = (width == 0) | (height == 0)
    if not flat.any():
        return
    index = tuple(int(i) for i in np.argwhere(flat)[0])
    count = int(flat.sum())
    message = (
        f"{count} box(es) with zero area, first {_box_name(boxes, index)}: the IoU of such a "
        "box is 0 whatever the other box"
    )
    if nan_if_empty and ((width == 0) & (height == 0)).any():
        message += "; a box with zero width and height makes ciou's aspect-ratio term 0/0 = NaN"
    warnings.warn(message, argument=argument)


def warn_format_mixup(pred: np.ndarray, target: np.ndarray, box_format: str, warnings) -> None:
    """Warn when no pair overlaps as declared but every pair overlaps in another format."""
    if pred.size == 0 or not (np.isfinite(pred).all() and np.isfinite(target).all()):
        return
    declared = pairwise_iou(to_xyxy(pred, box_format), to_xyxy(target, box_format))
    if (declared > 0).any():
        return
    for other in FORMATS:
        if other == box_format or _malformed(pred, other).any() or _malformed(target, other).any():
            continue
        if (pairwise_iou(to_xyxy(pred, other), to_xyxy(target, other)) > 0).all():
            warnings.warn(
                f"no predicted box overlaps its target as {box_format} "
                f"{_LAYOUT[box_format]} boxes, but every pair overlaps when read as "
                f"{other} {_LAYOUT[other]}; check --box-format",
                argument="--box-format",
            )
            return


def _check(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings, ciou: bool = False,
           empty_nan: bool = False) -> None:
    pred, target = arrays["pred"], arrays["target"]
    check_box_shapes(pred, target)
    box_format = params["box_format"]
    for argument, boxes in (("--pred", pred), ("--target", target)):
        check_well_formed(boxes, box_format, argument)
    if pred.size == 0:
        if empty_nan:
            warnings.warn("holds no boxes: the mean over no box pairs is NaN, as torch.nn's "
                          "and mmdetection's", argument="--pred")
        return
    for argument, boxes in (("--pred", pred), ("--target", target)):
        warn_degenerate(boxes, box_format, argument, warnings, nan_if_empty=ciou)
    warn_format_mixup(pred, target, box_format, warnings)


def boxes(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """giou / diou: (*, 4) box pairs, well formed in the declared format."""
    _check(arrays, params, warnings)


def iou_boxes(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """iou: as :func:`boxes`, and no boxes warn that the mean is NaN (no torchvision loss)."""
    _check(arrays, params, warnings, empty_nan=True)


def ciou_boxes(arrays: dict[str, np.ndarray], params: dict[str, Any], warnings) -> None:
    """ciou: as :func:`boxes`, and the warning names the NaN of w/h = 0/0."""
    _check(arrays, params, warnings, ciou=True)
