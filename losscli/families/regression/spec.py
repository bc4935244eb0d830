"""Regression losses: elementwise distances between prediction and target."""

from losscli.core.spec import LossSpec, ParamSpec
from losscli.families._shared.specs import KERAS_SAMPLE_WEIGHT, REGRESSION_PRED, REGRESSION_TARGET
from losscli.families.regression.conventions import (
    HUBER_CONVENTIONS,
    L1_CONVENTIONS,
    MSE_CONVENTIONS,
    SMOOTH_L1_CONVENTIONS,
)

_INPUTS = (REGRESSION_PRED, REGRESSION_TARGET)
_CHECK = "same_shape"
_EXAMPLE = {"pred": "[[0.8, 0.1], [0.4, 1.5]]", "target": "[[1, 1], [0, 1]]"}

SPECS = (
    LossSpec(
        name="l1",
        summary="Mean absolute error |x - y| (L1Loss)",
        family="regression",
        formula="ℓᵢ = |xᵢ − yᵢ|",
        inputs=_INPUTS,
        params=(KERAS_SAMPLE_WEIGHT,),
        conventions=L1_CONVENTIONS,
        impl="l1",
        numpy_impl="l1", chunks="elements",
        check=_CHECK,
        aliases=("L1Loss", "l1_loss", "mae"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.L1Loss.html",),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="mse",
        summary="Mean squared error (x - y)² (MSELoss)",
        family="regression",
        formula="ℓᵢ = (xᵢ − yᵢ)²",
        inputs=_INPUTS,
        params=(KERAS_SAMPLE_WEIGHT,),
        conventions=MSE_CONVENTIONS,
        impl="mse",
        numpy_impl="mse", chunks="elements",
        check=_CHECK,
        aliases=("MSELoss", "mse_loss", "l2"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html",),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="smooth-l1",
        summary="Quadratic below beta, linear above (SmoothL1Loss, Fast R-CNN)",
        family="regression",
        formula="ℓᵢ = 0.5·(xᵢ − yᵢ)²/β  if |xᵢ − yᵢ| < β,  else |xᵢ − yᵢ| − 0.5·β",
        inputs=_INPUTS,
        params=(
            ParamSpec(
                "beta",
                "float",
                1.0,
                "threshold between the quadratic and linear parts (0 gives L1)",
                minimum=0.0,
            ),
            KERAS_SAMPLE_WEIGHT,
        ),
        conventions=SMOOTH_L1_CONVENTIONS,
        impl="smooth_l1",
        numpy_impl="smooth_l1", chunks="elements",
        check=_CHECK,
        aliases=("SmoothL1Loss", "smooth_l1_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.SmoothL1Loss.html",
            "Girshick, Fast R-CNN, ICCV 2015",
        ),
        notes=(
            "Detection code often writes smooth L1 with σ (Faster R-CNN's RPN uses σ = 3): "
            "that is --beta 1/σ² (0.111 for σ = 3), not --beta 3.",
        ),
        example={"pred": "[0.8, 0.1]", "target": "[1, 1]"},
    ),
    LossSpec(
        name="huber",
        summary="Quadratic below delta, delta-scaled linear above (HuberLoss)",
        family="regression",
        formula="ℓᵢ = 0.5·(xᵢ − yᵢ)²  if |xᵢ − yᵢ| < δ,  else δ·(|xᵢ − yᵢ| − 0.5·δ)",
        inputs=_INPUTS,
        params=(
            ParamSpec(
                "delta",
                "float",
                1.0,
                "threshold between the quadratic and linear parts",
                minimum=0.0,
                exclusive_minimum=True,
            ),
            KERAS_SAMPLE_WEIGHT,
        ),
        conventions=HUBER_CONVENTIONS,
        impl="huber",
        numpy_impl="huber", chunks="elements",
        check=_CHECK,
        aliases=("HuberLoss", "huber_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.HuberLoss.html",
            "Huber, Robust Estimation of a Location Parameter, 1964",
        ),
        notes=("huber with delta δ equals δ × smooth-l1 with beta δ.",),
        example={"pred": "[0.8, 0.1, 3.0]", "target": "[1, 1, 1]"},
    ),
)
