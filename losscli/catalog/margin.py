"""Margin and ranking losses."""

from losscli.catalog._common import CLASS_INDEX_TARGET, PRED_FLAGS, TARGET_FLAGS
from losscli.registry import InputSpec, LossSpec, ParamSpec

_SCORES = InputSpec(
    "pred",
    "class scores, (C) or (N, C)",
    flags=PRED_FLAGS,
    shape="(C) | (N, C)",
)

SPECS = (
    LossSpec(
        name="multi-margin",
        summary="Multi-class hinge loss (MultiMarginLoss)",
        family="margin/ranking",
        formula="ℓᵢ = Σ_{c ≠ yᵢ} w[yᵢ]·max(0, margin − xᵢ,yᵢ + xᵢ,c)^p / C",
        inputs=(_SCORES, CLASS_INDEX_TARGET),
        params=(
            ParamSpec("p", "choice", 1, "exponent of the hinge: 1 or 2", choices=(1, 2)),
            ParamSpec("margin", "float", 1.0, "required gap between true and other scores"),
            ParamSpec("weight", "tensor", None, "TENSOR of C per-class weights, w[yᵢ]"),
        ),
        impl="losscli.losses.margin:multi_margin",
        check="losscli.losses._checks:multi_margin",
        aliases=("MultiMarginLoss", "multi_margin_loss"),
        reduction_rule="mean: Σ ℓᵢ / N (weights scale the terms but not the denominator)",
        references=("https://pytorch.org/docs/stable/generated/torch.nn.MultiMarginLoss.html",),
        example={"pred": "[[0.1, 0.2, 0.4, 0.8]]", "target": "[3]"},
    ),
    LossSpec(
        name="multilabel-margin",
        summary="Multi-label hinge loss over target index lists (MultiLabelMarginLoss)",
        family="margin/ranking",
        formula=(
            "ℓᵢ = Σ_{j ∈ Yᵢ} Σ_{k ∉ Yᵢ} max(0, 1 − (xᵢ,j − xᵢ,k)) / C, "
            "Yᵢ = target indices before the first −1"
        ),
        inputs=(
            _SCORES,
            InputSpec(
                "target",
                "label indices padded with -1, the same shape as --pred; only the "
                "indices before the first -1 count",
                kind="index",
                flags=TARGET_FLAGS,
                shape="as pred",
            ),
        ),
        impl="losscli.losses.margin:multilabel_margin",
        check="losscli.losses._checks:multilabel_margin",
        aliases=("MultiLabelMarginLoss", "multilabel_margin_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.MultiLabelMarginLoss.html",
        ),
        example={"pred": "[[0.1, 0.2, 0.4, 0.8]]", "target": "[[3, 0, -1, 1]]"},
    ),
)
