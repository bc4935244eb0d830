"""Detection losses: bounding-box regression by overlap (torchvision.ops semantics)."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import PRED_FLAGS, TARGET_FLAGS
from losscli.families.detection.conventions import IOU_CONVENTIONS

_BOXES = (
    InputSpec(
        "pred",
        "predicted boxes, (4) or (N, 4), in --box-format",
        flags=PRED_FLAGS,
        shape="(4) | (N, 4)",
    ),
    InputSpec(
        "target",
        "target boxes, one per predicted box (the shape of --pred), in --box-format",
        flags=TARGET_FLAGS,
        shape="as pred",
    ),
)
_BOX_FORMAT = ParamSpec(
    "box_format",
    "choice",
    "xyxy",
    "box layout: xyxy (x1, y1, x2, y2 corners), xywh (top-left x, y, width, height) or "
    "cxcywh (centre x, y, width, height), as torchvision.ops.box_convert",
    choices=("xyxy", "xywh", "cxcywh"),
)
_EPS = ParamSpec(
    "eps",
    "float",
    1e-7,
    "small number added to the denominators (torchvision's default)",
    minimum=0.0,
)
_PARAMS = (_BOX_FORMAT, _EPS)
_CHECK = "boxes"
_RULE = "mean: Σ ℓᵢ / N over the N box pairs; sum: Σ ℓᵢ; none: one term per box pair"
_RULE_ZERO = ("mean: Σ ℓᵢ / N over the N box pairs, 0 for no pairs (torchvision); sum: Σ ℓᵢ; "
              "none: one term per box pair")
_IOU = "IoU = I / (U + eps), I the overlap area, U = A_pred + A_target − I"
_NOTES = (
    "A box with x2 < x1 or y2 < y1 (a negative width or height) is an input error; "
    "zero-area boxes and a likely --box-format mix-up give warnings.",
    "The table shows, per box pair, the IoU and the penalty terms, then the loss.",
    "torchvision's default reduction is 'none'; losscli defaults to 'mean' like every "
    "torch.nn loss.",
)
_EMPTY_ZERO = ("With no boxes the mean is 0 with a zero gradient, as torchvision returns "
               "loss.mean() if loss.numel() > 0 else 0.0 * loss.sum().")
_EXAMPLE = {
    "pred": "[[0, 0, 2, 2], [1, 1, 3, 4], [0, 0, 4, 4]]",
    "target": "[[1, 1, 3, 3], [1, 1, 3, 4], [1, 1, 2, 3]]",
}

SPECS = (
    LossSpec(
        name="iou",
        summary="IoU box loss: 1 − IoU, 1 − IoU² or −ln IoU (mmdetection's IoULoss modes)",
        family="detection",
        formula=f"{_IOU};  linear: ℓᵢ = 1 − IoU,  square: 1 − IoU²,  log: −ln max(IoU, eps)",
        inputs=_BOXES,
        params=(
            ParamSpec(
                "mode",
                "choice",
                "linear",
                "linear: 1 − IoU; square: 1 − IoU²; log: −ln IoU (UnitBox), IoU clamped at eps",
                choices=("linear", "square", "log"),
            ),
            *_PARAMS,
        ),
        conventions=IOU_CONVENTIONS,
        impl="iou",
        numpy_impl="iou", chunks="rows",
        check="iou_boxes",
        aliases=("iou-loss", "IoULoss"),
        reduction_rule=_RULE,
        references=(
            "mmdetection mmdet/models/losses/iou_loss.py (IoULoss, modes linear/square/log)",
            "Yu et al., UnitBox: An Advanced Object Detection Network, ACM MM 2016",
            "torchvision.ops._utils._loss_inter_union (intersection and union)",
        ),
        notes=(
            "IoU is computed as torchvision does, I / (U + eps). The log mode clamps IoU at "
            "eps before the logarithm, as mmdetection does, so disjoint boxes give −ln eps "
            "(16.1 for eps 1e-7) instead of infinity; mmdetection clamps in every mode, "
            "which moves linear/square by less than eps.",
            "mmdetection's IoULoss defaults to mode 'log' and eps 1e-6; losscli defaults to "
            "'linear' (1 − IoU) and torchvision's eps 1e-7.",
            "With no boxes the mean is NaN (with a warning), as torch.nn's and mmdetection's "
            "loss.mean(): torchvision has no IoU loss to follow.",
            *_NOTES,
        ),
        example={**_EXAMPLE, "mode": "linear"},
    ),
    LossSpec(
        name="giou",
        summary="Generalized IoU box loss (torchvision generalized_box_iou_loss)",
        family="detection",
        formula=f"ℓᵢ = 1 − IoU + (C − U)/(C + eps), C the area of the smallest enclosing box; "
        f"{_IOU}",
        inputs=_BOXES,
        params=_PARAMS,
        impl="giou",
        numpy_impl="giou", chunks="rows",
        check=_CHECK,
        aliases=("generalized_box_iou_loss", "GIoULoss", "giou-loss", "generalized-iou"),
        reduction_rule=_RULE_ZERO,
        references=(
            "torchvision.ops.generalized_box_iou_loss (torchvision/ops/giou_loss.py)",
            "Rezatofighi et al., Generalized Intersection over Union, CVPR 2019",
        ),
        notes=(
            "For disjoint boxes IoU = 0 and the loss is 1 + (C − U)/C, between 1 and 2: "
            "it still says how far apart the boxes are.",
            *_NOTES,
            _EMPTY_ZERO,
        ),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="diou",
        summary="Distance IoU box loss (torchvision distance_box_iou_loss)",
        family="detection",
        formula=f"ℓᵢ = 1 − IoU + ρ²/(c² + eps), ρ the distance between the box centres, "
        f"c the diagonal of the smallest enclosing box; {_IOU}",
        inputs=_BOXES,
        params=_PARAMS,
        impl="diou",
        numpy_impl="diou", chunks="rows",
        check=_CHECK,
        aliases=("distance_box_iou_loss", "DIoULoss", "diou-loss", "distance-iou"),
        reduction_rule=_RULE_ZERO,
        references=(
            "torchvision.ops.distance_box_iou_loss (torchvision/ops/diou_loss.py)",
            "Zheng et al., Distance-IoU Loss, AAAI 2020",
        ),
        notes=(*_NOTES, _EMPTY_ZERO),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="ciou",
        summary="Complete IoU box loss (torchvision complete_box_iou_loss)",
        family="detection",
        formula=(
            "ℓᵢ = 1 − IoU + ρ²/(c² + eps) + α·v,  v = 4/π²·(atan(w_t/h_t) − atan(w_p/h_p))², "
            f"α = v/(1 − IoU + v + eps), held constant in the backward pass; {_IOU}"
        ),
        inputs=_BOXES,
        params=_PARAMS,
        impl="ciou",
        numpy_impl="ciou", chunks="rows",
        check="ciou_boxes",
        aliases=("complete_box_iou_loss", "CIoULoss", "ciou-loss", "complete-iou"),
        reduction_rule=_RULE_ZERO,
        references=(
            "torchvision.ops.complete_box_iou_loss (torchvision/ops/ciou_loss.py)",
            "Zheng et al., Distance-IoU Loss, AAAI 2020",
        ),
        notes=(
            "α is computed without gradient, as in torchvision and the paper: the gradient "
            "flows through IoU, ρ²/c² and v only.",
            "torchvision computes the IoU and distance part with its default eps 1e-7 "
            "whatever eps is passed; losscli uses --eps throughout (the same at the default).",
            *_NOTES,
            _EMPTY_ZERO,
        ),
        example=_EXAMPLE,
    ),
)
