"""Bounding-box regression losses: IoU, GIoU, DIoU and CIoU (torchvision semantics).

Every loss takes two aligned sets of boxes, ``pred`` and ``target`` of shape
(*, 4), and gives one term per box pair. Boxes are converted to corners
(x1, y1, x2, y2) first, so gradients are with respect to the format the user gave.
The geometry follows ``torchvision.ops`` (``_utils._loss_inter_union``,
``giou_loss.py``, ``diou_loss.py``, ``ciou_loss.py``), ``eps`` included:

    I = area of the overlap (0 when the boxes do not overlap),  U = A_pred + A_target − I
    IoU = I / (U + eps)

The mean over no box pairs is 0 with a zero gradient for giou, diou and ciou, as
torchvision returns ``loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()``
(torchvision/ops/giou_loss.py, diou_loss.py, ciou_loss.py; asserted by
``assert_empty_loss`` in its test/test_ops.py). iou has no torchvision loss: its mean over
no pairs is NaN, as torch.nn's and mmdetection's ``loss.mean()``.
"""

from __future__ import annotations

import math

import torch

from losscli.families._shared.torch_terms import Terms


def to_xyxy(boxes: torch.Tensor, box_format: str) -> torch.Tensor:
    """(x1, y1, x2, y2) corners from ``xyxy``, ``xywh`` (top-left, size) or ``cxcywh``."""
    a, b, c, d = boxes.unbind(-1)
    if box_format == "xywh":
        return torch.stack((a, b, a + c, b + d), dim=-1)
    if box_format == "cxcywh":
        return torch.stack((a - c / 2, b - d / 2, a + c / 2, b + d / 2), dim=-1)
    return boxes


class _Pair:
    """The shared geometry of a pair of corner boxes (torchvision's intermediate values)."""

    def __init__(self, pred: torch.Tensor, target: torch.Tensor, eps: float) -> None:
        self.p = pred.unbind(-1)
        self.g = target.unbind(-1)
        x1, y1, x2, y2 = self.p
        x1g, y1g, x2g, y2g = self.g
        xk1, yk1 = torch.max(x1, x1g), torch.max(y1, y1g)
        xk2, yk2 = torch.min(x2, x2g), torch.min(y2, y2g)
        overlaps = (xk2 > xk1) & (yk2 > yk1)
        self.inter = torch.where(overlaps, (xk2 - xk1) * (yk2 - yk1), torch.zeros_like(x1))
        self.union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - self.inter
        self.iou = self.inter / (self.union + eps)
        # The smallest box enclosing both.
        self.enclosing = (
            torch.min(x1, x1g),
            torch.min(y1, y1g),
            torch.max(x2, x2g),
            torch.max(y2, y2g),
        )

    def enclosing_area(self) -> torch.Tensor:
        xc1, yc1, xc2, yc2 = self.enclosing
        return (xc2 - xc1) * (yc2 - yc1)

    def distance_penalty(self, eps: float) -> tuple[torch.Tensor, torch.Tensor]:
        """(ρ², c² + eps): squared centre distance and squared diagonal of the enclosing box."""
        x1, y1, x2, y2 = self.p
        x1g, y1g, x2g, y2g = self.g
        xc1, yc1, xc2, yc2 = self.enclosing
        diagonal = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
        centres = ((x1 + x2) / 2 - (x1g + x2g) / 2) ** 2 + ((y1 + y2) / 2 - (y1g + y2g) / 2) ** 2
        return centres, diagonal


def iou(
    *, pred: torch.Tensor, target: torch.Tensor, mode: str, box_format: str, eps: float
) -> Terms:
    """IoU loss: linear 1 − IoU, square 1 − IoU², log −ln IoU (mmdetection's IoULoss modes).

    IoU as torchvision computes it, I / (U + eps). ``log`` is the UnitBox loss (Yu et
    al., 2016); as mmdetection does, it clamps IoU at eps first, so disjoint boxes give
    −ln eps rather than infinity.
    """
    pair = _Pair(to_xyxy(pred, box_format), to_xyxy(target, box_format), eps)
    if mode == "square":
        values = 1 - pair.iou**2
    elif mode == "log":
        values = -torch.log(pair.iou.clamp(min=eps))
    else:
        values = 1 - pair.iou
    return Terms(values, details={"IoU": pair.iou, "I": pair.inter, "U": pair.union})


def giou(*, pred: torch.Tensor, target: torch.Tensor, box_format: str, eps: float) -> Terms:
    """ℓ = 1 − IoU + (C − U)/(C + eps), C the enclosing box's area (generalized_box_iou_loss).

    Rezatofighi et al., Generalized Intersection over Union, CVPR 2019.
    """
    pair = _Pair(to_xyxy(pred, box_format), to_xyxy(target, box_format), eps)
    area_c = pair.enclosing_area()
    penalty = (area_c - pair.union) / (area_c + eps)
    return Terms(
        1 - (pair.iou - penalty),
        details={"IoU": pair.iou, "U": pair.union, "C": area_c, "(C−U)/C": penalty},
        empty_mean_zero=True,
    )


def diou(*, pred: torch.Tensor, target: torch.Tensor, box_format: str, eps: float) -> Terms:
    """ℓ = 1 − IoU + ρ²/(c² + eps) (torchvision.ops.distance_box_iou_loss).

    ρ: distance between the box centres; c: diagonal of the enclosing box.
    Zheng et al., Distance-IoU Loss, AAAI 2020.
    """
    pair = _Pair(to_xyxy(pred, box_format), to_xyxy(target, box_format), eps)
    centres, diagonal = pair.distance_penalty(eps)
    penalty = centres / diagonal
    return Terms(
        1 - pair.iou + penalty,
        details={"IoU": pair.iou, "ρ²": centres, "c²": diagonal - eps, "ρ²/c²": penalty},
        empty_mean_zero=True,
    )


def ciou(*, pred: torch.Tensor, target: torch.Tensor, box_format: str, eps: float) -> Terms:
    """ℓ = 1 − IoU + ρ²/c² + α·v (torchvision.ops.complete_box_iou_loss).

    v = 4/π²·(atan(w_g/h_g) − atan(w/h))² measures the aspect-ratio mismatch and
    α = v / (1 − IoU + v + eps) (0 where v = 0) is treated as a constant in the backward
    pass (computed under no_grad, as torchvision and the paper do). Zheng et al., AAAI 2020.
    """
    pair = _Pair(to_xyxy(pred, box_format), to_xyxy(target, box_format), eps)
    centres, diagonal = pair.distance_penalty(eps)
    x1, y1, x2, y2 = pair.p
    x1g, y1g, x2g, y2g = pair.g
    v = (4 / math.pi**2) * (
        torch.atan((x2g - x1g) / (y2g - y1g)) - torch.atan((x2 - x1) / (y2 - y1))
    ) ** 2
    # α·v → 0 as v → 0; spelled out so that identical boxes with eps = 0 give 0, not 0/0.
    alpha = torch.where(v > 0, v / (1 - pair.iou + v + eps), torch.zeros_like(v)).detach()
    distance = centres / diagonal
    return Terms(
        1 - pair.iou + distance + alpha * v,
        details={"IoU": pair.iou, "ρ²/c²": distance, "v": v, "α": alpha},
        empty_mean_zero=True,
    )
