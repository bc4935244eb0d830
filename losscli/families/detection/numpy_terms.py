"""Bounding-box losses: IoU, GIoU, DIoU, CIoU (numpy twins of the family's torch terms).

Same geometry as torchvision.ops, eps included: IoU = I / (U + eps). As in torchvision,
the mean over no box pairs is 0 for giou, diou and ciou (NaN for iou).
"""

from __future__ import annotations

import math

import numpy as np

from losscli.core.terms import Terms


def to_xyxy(boxes: np.ndarray, box_format: str) -> np.ndarray:
    """(x1, y1, x2, y2) corners from ``xyxy``, ``xywh`` or ``cxcywh``."""
    a, b, c, d = np.moveaxis(boxes, -1, 0)
    if box_format == "xywh":
        return np.stack((a, b, a + c, b + d), axis=-1)
    if box_format == "cxcywh":
        return np.stack((a - c / 2, b - d / 2, a + c / 2, b + d / 2), axis=-1)
    return boxes


class _Pair:
    """The shared geometry of a pair of corner boxes (torchvision's intermediate values)."""

    def __init__(self, pred: np.ndarray, target: np.ndarray, eps: float) -> None:
        self.p = tuple(np.moveaxis(pred, -1, 0))
        self.g = tuple(np.moveaxis(target, -1, 0))
        x1, y1, x2, y2 = self.p
        x1g, y1g, x2g, y2g = self.g
        xk1, yk1 = np.maximum(x1, x1g), np.maximum(y1, y1g)
        xk2, yk2 = np.minimum(x2, x2g), np.minimum(y2, y2g)
        overlaps = (xk2 > xk1) & (yk2 > yk1)
        self.inter = np.where(overlaps, (xk2 - xk1) * (yk2 - yk1), 0).astype(x1.dtype)
        self.union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - self.inter
        self.iou = self.inter / (self.union + eps)
        self.enclosing = (
            np.minimum(x1, x1g),
            np.minimum(y1, y1g),
            np.maximum(x2, x2g),
            np.maximum(y2, y2g),
        )

    def enclosing_area(self) -> np.ndarray:
        xc1, yc1, xc2, yc2 = self.enclosing
        return (xc2 - xc1) * (yc2 - yc1)

    def distance_penalty(self, eps: float) -> tuple[np.ndarray, np.ndarray]:
        """(ρ², c² + eps): squared centre distance and squared enclosing diagonal."""
        x1, y1, x2, y2 = self.p
        x1g, y1g, x2g, y2g = self.g
        xc1, yc1, xc2, yc2 = self.enclosing
        diagonal = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
        centres = ((x1 + x2) / 2 - (x1g + x2g) / 2) ** 2 + ((y1 + y2) / 2 - (y1g + y2g) / 2) ** 2
        return centres, diagonal


def _pair(pred, target, box_format, eps) -> _Pair:
    return _Pair(to_xyxy(pred, box_format), to_xyxy(target, box_format), eps)


def iou(*, pred: np.ndarray, target: np.ndarray, mode: str, box_format: str, eps: float) -> Terms:
    """linear 1 − IoU, square 1 − IoU², log −ln max(IoU, eps)."""
    pair = _pair(pred, target, box_format, eps)
    if mode == "square":
        values = 1 - pair.iou**2
    elif mode == "log":
        values = -np.log(np.maximum(pair.iou, eps))
    else:
        values = 1 - pair.iou
    return Terms(values, details={"IoU": pair.iou, "I": pair.inter, "U": pair.union})


def giou(*, pred: np.ndarray, target: np.ndarray, box_format: str, eps: float) -> Terms:
    """ℓ = 1 − IoU + (C − U)/(C + eps), C the enclosing box's area."""
    pair = _pair(pred, target, box_format, eps)
    area_c = pair.enclosing_area()
    penalty = (area_c - pair.union) / (area_c + eps)
    return Terms(
        1 - (pair.iou - penalty),
        details={"IoU": pair.iou, "U": pair.union, "C": area_c, "(C−U)/C": penalty},
        empty_mean_zero=True,
    )


def diou(*, pred: np.ndarray, target: np.ndarray, box_format: str, eps: float) -> Terms:
    """ℓ = 1 − IoU + ρ²/(c² + eps)."""
    pair = _pair(pred, target, box_format, eps)
    centres, diagonal = pair.distance_penalty(eps)
    penalty = centres / diagonal
    return Terms(
        1 - pair.iou + penalty,
        details={"IoU": pair.iou, "ρ²": centres, "c²": diagonal - eps, "ρ²/c²": penalty},
        empty_mean_zero=True,
    )


def ciou(*, pred: np.ndarray, target: np.ndarray, box_format: str, eps: float) -> Terms:
    """ℓ = 1 − IoU + ρ²/c² + α·v, v = 4/π²·(atan(w_g/h_g) − atan(w/h))².

    α = v/(1 − IoU + v + eps), 0 where v = 0.
    """
    pair = _pair(pred, target, box_format, eps)
    centres, diagonal = pair.distance_penalty(eps)
    x1, y1, x2, y2 = pair.p
    x1g, y1g, x2g, y2g = pair.g
    v = (4 / math.pi**2) * (
        np.arctan((x2g - x1g) / (y2g - y1g)) - np.arctan((x2 - x1) / (y2 - y1))
    ) ** 2
    alpha = np.where(v > 0, v / (1 - pair.iou + v + eps), 0).astype(v.dtype)
    distance = centres / diagonal
    return Terms(
        1 - pair.iou + distance + alpha * v,
        details={"IoU": pair.iou, "ρ²/c²": distance, "v": v, "α": alpha},
        empty_mean_zero=True,
    )
