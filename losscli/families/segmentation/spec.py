"""Segmentation losses: soft Dice, Jaccard and Tversky (MONAI semantics)."""

from dataclasses import replace

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import KERAS_SAMPLE_WEIGHT, PRED_FLAGS, TARGET_FLAGS
from losscli.families.segmentation.conventions import (
    DICE_CONVENTIONS,
    JACCARD_CONVENTIONS,
    TVERSKY_CONVENTIONS,
)

_INPUTS = (
    InputSpec(
        "pred",
        "per-class predictions (N, C, d1, ...): probabilities, or logits with "
        "--from-logits sigmoid|softmax",
        flags=PRED_FLAGS,
        shape="(N, C, d1, ...)",
    ),
    InputSpec(
        "target",
        "class indices (N, d1, ...) or (N, 1, d1, ...) (integers in [0, C); a 0/1 mask "
        "when C = 1), or one-hot targets of pred's shape",
        kind="float_or_index",
        flags=TARGET_FLAGS,
        shape="(N, d1, ...) | (N, 1, d1, ...) | as pred",
    ),
)
_FROM_LOGITS = ParamSpec(
    "from_logits",
    "choice",
    "none",
    "activation on --pred: none (probabilities), sigmoid (per channel) or softmax "
    "(over classes), MONAI's sigmoid=/softmax=",
    choices=("none", "sigmoid", "softmax"),
)
_BACKGROUND = ParamSpec(
    "include_background",
    "bool",
    True,
    "count class 0 (--no-include-background: leave its terms out, as MONAI)",
)
_IGNORE = ParamSpec(
    "ignore_index",
    "int",
    None,
    "pixels to drop from every sum (MONAI 1.6): where the class-index target equals it; "
    "for one-hot targets, that class's pixels (or the all-zero pixels if it is no class)",
)
_SMOOTH = (
    ParamSpec(
        "smooth_nr",
        "float",
        1e-5,
        "added to the numerator (MONAI's default); an empty class predicted empty then "
        "scores 1 (loss 0)",
        minimum=0.0,
    ),
    ParamSpec(
        "smooth_dr",
        "float",
        1e-5,
        "added to the denominator (MONAI's default); with 0 an empty class divides by 0",
        minimum=0.0,
    ),
)
_PARAMS = (_FROM_LOGITS, _BACKGROUND, _IGNORE, *_SMOOTH)
_KERAS_PARAMS = (
    ParamSpec(
        "axis",
        "choice",
        "all",
        "the axes Keras sums over (only with --convention keras): all (axis=None, one value "
        "for the whole batch) or sample (every axis after the first: one value per sample)",
        choices=("all", "sample"),
        conventions=("keras",),
    ),
    KERAS_SAMPLE_WEIGHT,
)
_CHECK = "segmentation"
_SUMS = (
    "sums over the spatial dimensions of sample n and class c; p after the activation, "
    "g one-hot"
)
_RULE = (
    "mean: Σ ℓ(n, c) / (N·C) over every (sample, class) term, as MONAI's mean; without "
    "the background class with --no-include-background; sum: Σ ℓ(n, c); none: the (N, C) terms"
)
_NOTES = (
    "A term is one (sample, class) pair: the overlap is summed over the spatial dimensions "
    "of each sample separately (MONAI batch=False).",
    "An empty class (absent from the target and predicted absent) scores "
    "smooth_nr/smooth_dr (1 at the defaults: a loss of 0); predicted present where the "
    "target has none, its loss is close to 1. With --smooth-dr 0 an empty class divides "
    "by 0 (−inf, or NaN when --smooth-nr is 0 too).",
    "Ignored pixels (--ignore-index) drop out of every class's sums; with "
    "--no-include-background class 0's terms are shown but not counted.",
    "An empty batch (N = 0) has no terms: the mean is NaN, as MONAI's torch.mean, and the "
    "sum 0.",
)
_REF_DICE = "MONAI monai.losses.DiceLoss (monai/losses/dice.py)"
_EXAMPLE = {
    "pred": "[[[[0.7, 0.1], [0.2, 0.1]], [[0.2, 0.8], [0.1, 0.2]], [[0.1, 0.1], [0.7, 0.7]]]]",
    "target": "[[[0, 1], [2, 2]]]",
}

SPECS = (
    LossSpec(
        name="dice",
        summary="Soft Dice loss per sample and class (MONAI DiceLoss)",
        family="segmentation",
        formula=f"ℓ(n, c) = 1 − (2·Σ p·g + smooth_nr) / (Σ p + Σ g + smooth_dr); {_SUMS}",
        inputs=_INPUTS,
        params=(*_PARAMS, *_KERAS_PARAMS),
        conventions=DICE_CONVENTIONS,
        impl="dice",
        numpy_impl="dice", chunks="rows",
        check=_CHECK,
        aliases=("DiceLoss", "soft-dice", "dice-loss"),
        reduction_rule=_RULE,
        references=(
            _REF_DICE,
            "Milletari et al., V-Net: Fully Convolutional Neural Networks for Volumetric "
            "Medical Image Segmentation, 3DV 2016",
        ),
        notes=(
            "MONAI semantics: smooth_nr = smooth_dr = 1e-5 by default, squared_pred=False, "
            "batch=False. segmentation_models_pytorch's DiceLoss differs (smooth 0, eps "
            "clamp, classes absent from the target masked out).",
            *_NOTES,
        ),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="jaccard",
        summary="Soft Jaccard (IoU) loss per sample and class (MONAI DiceLoss(jaccard=True))",
        family="segmentation",
        formula=(
            "ℓ(n, c) = 1 − (2·Σ p·g + smooth_nr) / (2·(Σ p + Σ g − Σ p·g) + smooth_dr); "
            f"{_SUMS}"
        ),
        inputs=_INPUTS,
        params=_PARAMS,
        conventions=JACCARD_CONVENTIONS,
        impl="jaccard",
        numpy_impl="jaccard", chunks="rows",
        check=_CHECK,
        aliases=("JaccardLoss", "soft-jaccard", "soft-iou", "jaccard-loss"),
        reduction_rule=_RULE,
        references=(
            _REF_DICE + ", jaccard=True",
            "Rahman and Wang, Optimizing Intersection-Over-Union in Deep Neural Networks "
            "for Image Segmentation, ISVC 2016",
        ),
        notes=(
            "MONAI writes the soft IoU with both sides doubled, (2·I + smooth_nr)/(2·U + "
            "smooth_dr), U = Σp + Σg − Σp·g; the smoothing constants are therefore halved "
            "relative to I/U. Defaults smooth_nr = smooth_dr = 1e-5.",
            *_NOTES,
        ),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="tversky",
        summary="Tversky loss: Dice with weighted false positives/negatives (MONAI TverskyLoss)",
        family="segmentation",
        formula=(
            "ℓ(n, c) = 1 − (TP + smooth_nr) / (TP + α·FP + β·FN + smooth_dr),  TP = Σ p·g, "
            f"FP = Σ p·(1 − g), FN = Σ (1 − p)·g; {_SUMS}"
        ),
        inputs=_INPUTS,
        params=(
            ParamSpec("alpha", "float", 0.5, "α, the weight of false positives", minimum=0.0),
            ParamSpec("beta", "float", 0.5, "β, the weight of false negatives", minimum=0.0),
            *_PARAMS,
            *(replace(p, conventions=("keras", "keras-3.16")) for p in _KERAS_PARAMS),
        ),
        conventions=TVERSKY_CONVENTIONS,
        impl="tversky",
        numpy_impl="tversky", chunks="rows",
        check=_CHECK,
        aliases=("TverskyLoss", "tversky-loss"),
        reduction_rule=_RULE,
        references=(
            "MONAI monai.losses.TverskyLoss (monai/losses/tversky.py)",
            "Salehi et al., Tversky loss function for image segmentation using 3D fully "
            "convolutional deep networks, MLMI 2017",
        ),
        notes=(
            "MONAI semantics, defaults α = β = 0.5, smooth_nr = smooth_dr = 1e-5. With "
            "α = β = 0.5 it is dice with the smoothing constants doubled (equal to dice "
            "when both are 0); α = β = 1 gives jaccard's I/U.",
            *_NOTES,
        ),
        example={**_EXAMPLE, "alpha": "0.3", "beta": "0.7"},
    ),
)
