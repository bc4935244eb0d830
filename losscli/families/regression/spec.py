"""Regression losses: elementwise distances between prediction and target."""

import math

from losscli.core.spec import LossSpec, ParamSpec
from losscli.families._shared.specs import KERAS_WEIGHTING, REGRESSION_PRED, REGRESSION_TARGET
from losscli.families.regression.conventions import (
    CAUCHY_CONVENTIONS,
    CHARBONNIER_CONVENTIONS,
    GEMAN_MCCLURE_CONVENTIONS,
    HUBER_CONVENTIONS,
    L1_CONVENTIONS,
    LOG_COSH_CONVENTIONS,
    MAPE_CONVENTIONS,
    MSE_CONVENTIONS,
    MSLE_CONVENTIONS,
    QUANTILE_CONVENTIONS,
    SMOOTH_L1_CONVENTIONS,
    WELSCH_CONVENTIONS,
)

_INPUTS = (REGRESSION_PRED, REGRESSION_TARGET)
_CHECK = "same_shape"
_EXAMPLE = {"pred": "[[0.8, 0.1], [0.4, 1.5]]", "target": "[[1, 1], [0, 1]]"}
_ROBUST_EXAMPLE = {"pred": "[0.0, 0.5, 1.0, 2.0, -3.0]", "target": "[0, 0, 0, 0, 0]"}
_BARRON = "Barron, A General and Adaptive Robust Loss Function, CVPR 2019"
_KORNIA_NOTE = ("kornia's default reduction is 'none' (one term per element); losscli's is "
                "mean: pass --reduction none for kornia's default output.")

def _kornia_robust(name: str, summary: str, term: str, barron: str, conventions: tuple,
                   aliases: tuple[str, ...], note: str) -> LossSpec:
    """One of kornia's robust losses of the residual r = x − y: ``term`` is ℓᵢ, Barron's ρ
    ``barron`` (which α) with c = 1."""
    function = name.replace("-", "_")
    return LossSpec(
        name=name,
        summary=f"{summary}, r = x − y (kornia)",
        family="regression",
        formula=f"ℓᵢ = {term},  rᵢ = xᵢ − yᵢ  (Barron's ρ {barron}, c = 1)",
        inputs=_INPUTS,
        conventions=conventions,
        impl=function,
        numpy_impl=function, chunks="elements",
        check=_CHECK,
        aliases=aliases,
        references=("https://kornia.readthedocs.io/en/latest/losses.html#kornia.losses."
                    f"{function}_loss", _BARRON),
        notes=(note, _KORNIA_NOTE),
        example=_ROBUST_EXAMPLE,
    )


SPECS = (
    LossSpec(
        name="l1",
        summary="Mean absolute error |x - y| (L1Loss)",
        family="regression",
        formula="ℓᵢ = |xᵢ − yᵢ|",
        inputs=_INPUTS,
        params=KERAS_WEIGHTING,
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
        params=KERAS_WEIGHTING,
        conventions=MSE_CONVENTIONS,
        impl="mse",
        numpy_impl="mse", chunks="elements",
        check=_CHECK,
        aliases=("MSELoss", "mse_loss", "l2"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html",),
        notes=("optax's l2_loss is half of this, ½·(x − y)², and does not reduce: "
               "--convention optax.",),
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
            *KERAS_WEIGHTING,
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
            *KERAS_WEIGHTING,
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
    LossSpec(
        name="log-cosh",
        summary="Logarithm of the hyperbolic cosine of the error (Keras LogCosh, optax log_cosh)",
        family="regression",
        formula="ℓᵢ = log cosh(xᵢ − yᵢ) = |d| + log(1 + e^(−2|d|)) − log 2,  d = xᵢ − yᵢ",
        inputs=_INPUTS,
        conventions=LOG_COSH_CONVENTIONS,
        impl="log_cosh",
        numpy_impl="log_cosh", chunks="elements",
        check=_CHECK,
        aliases=("LogCosh", "log_cosh", "logcosh"),
        references=(
            "https://keras.io/api/losses/regression_losses/#logcosh-class",
            "https://optax.readthedocs.io/en/latest/api/losses.html#optax.losses.log_cosh",
        ),
        notes=("About d²/2 for small errors and |d| − log 2 for large ones; computed in a form "
               "that does not overflow for large |d|.",),
        example={"pred": "[0.5, -1, 3]", "target": "[0, 1, 2]"},
    ),
    LossSpec(
        name="mape",
        summary="Mean absolute percentage error 100·|x − y|/|y| (Keras "
        "MeanAbsolutePercentageError)",
        family="regression",
        formula="ℓᵢ = 100 · |xᵢ − yᵢ| / max(|yᵢ|, ε),  ε = 1e-7",
        inputs=_INPUTS,
        conventions=MAPE_CONVENTIONS,
        impl="mape",
        numpy_impl="mape", chunks="elements",
        check="nonzero_target",
        aliases=("MeanAbsolutePercentageError", "mean_absolute_percentage_error", "MAPE"),
        references=(
            "https://keras.io/api/losses/regression_losses/"
            "#meanabsolutepercentageerror-class",
        ),
        notes=("A percentage (× 100) of |y|, the absolute target: a target of 0 divides by "
               "ε = 1e-7 (Keras's backend.epsilon()), so a zero target gives a huge term.",
               "scikit-learn's mean_absolute_percentage_error is a fraction (no × 100): "
               "--convention sklearn.",),
        example={"pred": "[2.5, 0.0, 2.0, 8.0]", "target": "[3.0, -0.5, 2.0, 7.0]"},
    ),
    LossSpec(
        name="msle",
        summary="Mean squared logarithmic error (log(1 + x) − log(1 + y))² (Keras "
        "MeanSquaredLogarithmicError)",
        family="regression",
        formula="ℓᵢ = (log(1 + max(xᵢ, ε)) − log(1 + max(yᵢ, ε)))²,  ε = 1e-7",
        inputs=_INPUTS,
        conventions=MSLE_CONVENTIONS,
        impl="msle",
        numpy_impl="msle", chunks="elements",
        check="clipped_to_eps",
        aliases=("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "MSLE"),
        references=(
            "https://keras.io/api/losses/regression_losses/"
            "#meansquaredlogarithmicerror-class",
        ),
        notes=("Negative values (and values below ε = 1e-7) are clipped to ε as Keras does, "
               "with a warning: their gradient is 0. scikit-learn rejects values ≤ −1 "
               "instead: --convention sklearn.",),
        example={"pred": "[2.5, 0.0, 2.0, 8.0]", "target": "[3.0, 0.5, 2.0, 7.0]"},
    ),
    LossSpec(
        name="quantile",
        summary="Quantile (pinball) loss: τ·(y − x) above the target, (1 − τ)·(x − y) below",
        family="regression",
        formula="ℓᵢ = max(τ·dᵢ, (τ − 1)·dᵢ),  dᵢ = yᵢ − xᵢ",
        inputs=_INPUTS,
        params=(
            ParamSpec(
                "tau",
                "float_or_tensor",
                0.5,
                "the quantile τ in [0, 1], or a TENSOR of quantiles broadcast against the "
                "inputs (one per column of the last axis for several quantiles at once)",
                minimum=0.0,
                maximum=1.0,
            ),
        ),
        conventions=QUANTILE_CONVENTIONS,
        impl="quantile",
        numpy_impl="quantile", chunks="elements",
        check="quantile_levels",
        aliases=("pinball", "PinballLoss", "pinball_loss", "QuantileLoss", "quantile_loss"),
        references=(
            "Koenker & Bassett, Regression Quantiles, Econometrica 1978",
            "https://www.tensorflow.org/addons/api_docs/python/tfa/losses/PinballLoss",
        ),
        notes=("Under-prediction (y > x) costs τ·(y − x): τ = 0.9 penalises it nine times "
               "more than over-prediction, so the minimiser is the 0.9-quantile.",
               "τ = 0.5 gives half the absolute error, not the absolute error.",),
        example={"pred": "[[1.0, 2.0], [3.0, 2.5]]", "target": "[[1.5, 1.5], [2.0, 3.0]]",
                 "tau": "[0.1, 0.9]"},
    ),
    _kornia_robust(
        "charbonnier",
        "Charbonnier (pseudo-Huber) loss √(r² + 1) − 1",
        "√(rᵢ² + 1) − 1",
        "with α = 1",
        CHARBONNIER_CONVENTIONS,
        ("CharbonnierLoss", "charbonnier_loss", "pseudo-huber"),
        "This is kornia's form, with the − 1 and scale 1. Super-resolution code "
        "(BasicSR, LapSRN) often means √(r² + ε) with a tiny ε, close to |r|: "
        "--convention basicsr.",
    ),
    _kornia_robust(
        "cauchy",
        "Cauchy (Lorentzian) loss log(1 + r²/2)",
        "log(1 + rᵢ²/2)",
        "with α = 0",
        CAUCHY_CONVENTIONS,
        ("CauchyLoss", "cauchy_loss", "lorentzian"),
        "Grows like 2·log|r|: large residuals barely count, but the loss is not bounded.",
    ),
    _kornia_robust(
        "geman-mcclure",
        "Geman-McClure loss 2r²/(r² + 4)",
        "2·rᵢ²/(rᵢ² + 4)",
        "with α = −2",
        GEMAN_MCCLURE_CONVENTIONS,
        ("GemanMcclureLoss", "geman_mcclure_loss"),
        "Bounded by 2: an outlier costs at most 2 and its gradient vanishes.",
    ),
    _kornia_robust(
        "welsch",
        "Welsch (Leclerc) loss 1 − exp(−r²/2)",
        "1 − exp(−rᵢ²/2)",
        "as α → −∞",
        WELSCH_CONVENTIONS,
        ("WelschLoss", "welsch_loss"),
        "Bounded by 1: the most robust of Barron's family; its gradient vanishes fast.",
    ),
    LossSpec(
        name="robust",
        summary="Barron's general robust loss ρ(x − y, α, c): L2, Charbonnier, Cauchy, "
        "Geman-McClure, Welsch and between",
        family="regression",
        formula="ℓᵢ = |α − 2|/α · (((rᵢ/c)²/|α − 2| + 1)^(α/2) − 1),  rᵢ = xᵢ − yᵢ "
        "(α = 2: ½(r/c)²; α = 0: log(1 + ½(r/c)²); α = −∞: 1 − exp(−½(r/c)²); "
        "α = +∞: exp(½(r/c)²) − 1)",
        inputs=_INPUTS,
        params=(
            ParamSpec(
                "alpha",
                "float",
                1.0,
                "shape α: 2 is L2, 1 Charbonnier, 0 Cauchy, −2 Geman-McClure, −inf Welsch; "
                "smaller is more robust to outliers",
                minimum=-math.inf,
            ),
            ParamSpec("scale", "float", 1.0, "scale c > 0: the size of a residual that counts "
                      "as an inlier (the quadratic bowl's width)", minimum=0.0,
                      exclusive_minimum=True),
        ),
        impl="robust",
        numpy_impl="robust", chunks="elements",
        check=_CHECK,
        aliases=("general-robust", "barron", "lossfun"),
        references=(_BARRON, "https://github.com/jonbarron/robust_loss_pytorch"),
        notes=("robust_loss_pytorch's general.lossfun(x, alpha, scale) gives the same terms, "
               "unreduced: --reduction none.",
               "α within 1.2e-7 of 0 or 2 (float32's machine epsilon) is moved that far away "
               "from it, as Barron's code does; exactly 0, 2 and ±inf use the limits.",
               "Near r = 0 every α gives about ½(r/c)²: the loss differs only for outliers.",),
        example={"pred": "[0.0, 0.5, 1.0, 2.0, -3.0]", "target": "[0, 0, 0, 0, 0]",
                 "alpha": "-1", "scale": "0.5"},
    ),
)
