"""The IoU box loss as mmdetection computes it (``--convention mmdet`` on iou).

mmdet/models/losses/iou_loss.py ``iou_loss`` (mmdetection 3.x): IoU from
``bbox_overlaps(pred, target, is_aligned=True)``, I / max(U, 1e-6), clamped at ``eps``,
then 1 − IoU, 1 − IoU² or −log IoU; IoULoss defaults to mode 'log' and eps 1e-6.
"""

from __future__ import annotations

import torch

from losscli.families._shared.torch_terms import Terms
from losscli.families.detection.torch_terms import to_xyxy


def mmdet_iou(*, pred: torch.Tensor, target: torch.Tensor, mode: str, box_format: str,
              eps: float, overlap_eps: float) -> Terms:
    """ℓ = 1 − IoU, 1 − IoU² or −log IoU, IoU = max(I / max(U, overlap_eps), eps)."""
    p, g = to_xyxy(pred, box_format), to_xyxy(target, box_format)
    wh = (torch.min(p[..., 2:], g[..., 2:]) - torch.max(p[..., :2], g[..., :2])).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    area_p = (p[..., 2] - p[..., 0]) * (p[..., 3] - p[..., 1])
    area_g = (g[..., 2] - g[..., 0]) * (g[..., 3] - g[..., 1])
    union = area_p + area_g - inter
    iou = (inter / union.clamp(min=overlap_eps)).clamp(min=eps)
    if mode == "square":
        values = 1 - iou**2
    elif mode == "log":
        values = -torch.log(iou)
    else:
        values = 1 - iou
    return Terms(values, details={"IoU (clamped)": iou, "I": inter, "U": union})
