"""Other libraries' versions of the IoU loss, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import MMDET

IOU_CONVENTIONS = (
    Convention(
        name="torchvision",
        library="torchvision.ops box losses (_loss_inter_union)",
        call="1 − intsct / (union + 1e-7), as in torchvision/ops/giou_loss.py",
        source="pytorch/vision torchvision/ops/_utils.py _loss_inter_union",
        reason="losscli's default: linear 1 − I/(U + 1e-7)",
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.IoULoss",
        call="IoULoss(mode='log', eps=1e-6)(pred, target)",
        source=MMDET + "iou_loss.py iou_loss (3.x); mmdet/structures/bbox/bbox_overlaps.py @ "
        "19bceba56284d440278e80cfde1d95460330ccbb",
        reason="mode 'log' by default: −ln IoU (UnitBox), IoU = I/max(U, 1e-6) clamped at 1e-6",
        params={"mode": "log", "eps": 1e-6},
        impl="mmdet_iou",
        constants={"overlap_eps": 1e-6},
        clamp="union clamped at 1e-6, IoU clamped at eps",
    ),
)
