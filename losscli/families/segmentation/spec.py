"""Segmentation losses: soft Dice, Jaccard and Tversky (MONAI semantics)."""

from dataclasses import replace

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import (
    KERAS_WEIGHTING,
    PRED_FLAGS,
    TARGET_FLAGS,
    class_weight,
)
from losscli.families.segmentation.conventions import (
    DICE_CONVENTIONS,
    JACCARD_CONVENTIONS,
    LOVASZ_HINGE_CONVENTIONS,
    LOVASZ_SOFTMAX_CONVENTIONS,
    TVERSKY_CONVENTIONS,
)

_INPUTS = (
    InputSpec(
        "pred",
        "per-class predictions (N, C, d1, ...) or (N, C) (pooled into one ratio, as MONAI): "
        "probabilities, or logits with --from-logits sigmoid|softmax",
        flags=PRED_FLAGS,
        shape="(N, C, d1, ...) | (N, C)",
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
_LAMBDA_DICE = ParamSpec("lambda_dice", "float", 1.0, "λ_dice, the weight of the Dice part",
                         minimum=0.0)
_SMP_IGNORE = ParamSpec("ignore_index", "int", None,
                        "pixels whose target equals it are left out (SMP's ignore_index)")
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
_OTHER_ACT = ParamSpec(
    "other_act",
    "choice",
    "none",
    "another activation on --pred, MONAI's other_act: tanh, or log-softmax over the classes "
    "(the activated values are used as they are, negative ones too, so the loss can be "
    "negative, as in MONAI's tests); not together with --from-logits sigmoid|softmax",
    choices=("none", "tanh", "log-softmax"),
)
_BATCH = ParamSpec(
    "batch",
    "bool",
    False,
    "sum over the batch too before the ratio (MONAI batch=True): one term per class",
    unchunked=True,
)
_SOFT_LABEL = ParamSpec(
    "soft_label",
    "bool",
    False,
    "MONAI's soft-label form: TP = (Σ|p| + Σ|g| − Σ|p − g|)/2 (= Σ min(p, g) for "
    "non-negative values), FP = Σ|p| − TP, FN = Σ|g| − TP, so a soft target predicted "
    "exactly scores 0; equal to the default for 0/1 targets and predictions in [0, 1]",
)
_SQUARED = ParamSpec(
    "squared_pred",
    "bool",
    False,
    "squares in the denominator (MONAI squared_pred): Σp² + Σg² in place of Σp + Σg "
    "(TP = (Σp² + Σg² − Σ(p − g)²)/2 = Σp·g)",
)
_WEIGHT = ParamSpec(
    "weight",
    "tensor",
    None,
    "MONAI's class weight: one number, or a TENSOR of one weight ≥ 0 per class (per class "
    "left after --no-include-background); the term of class c is multiplied by w_c and the "
    "mean still divides by the number of terms (not by Σw); ignored with one class left",
)
_MONAI_OPTIONS = (_OTHER_ACT, _BATCH, _SOFT_LABEL)
_PARAMS = (_FROM_LOGITS, _BACKGROUND, _IGNORE, *_SMOOTH, *_MONAI_OPTIONS)
_DICE_PARAMS = (*_PARAMS, _SQUARED, _WEIGHT)
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
    *KERAS_WEIGHTING,
)
_CHECK = "segmentation"
_SUMS = (
    "sums over the spatial dimensions of sample n and class c (and over the batch with "
    "--batch); p after the activation, g one-hot"
)
_RULE = (
    "mean: Σ ℓ(n, c) / (N·C) over every (sample, class) term, as MONAI's mean; without "
    "the background class with --no-include-background; sum: Σ ℓ(n, c); none: the (N, C) "
    "terms ((C) with --batch; one value for (N, C) inputs)"
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
    "With --batch the sums also run over the batch: one term per class (MONAI batch=True).",
    "Inputs without spatial dimensions, (N, C), are pooled as MONAI 1.6.1 pools them: its "
    "sums run over an empty axis list, which torch reads as every axis, so the loss is ONE "
    "ratio over the whole tensor, batch and classes together (after --no-include-background "
    "drops class 0), even with --reduction none; with --batch there is one term per class.",
    "--soft-label uses the norms Σ|p|, Σ|g|, Σ|p − g| and --squared-pred their squared "
    "2-norm forms (MONAI compute_tp_fp_fn), so negative activations (--other-act) enter as "
    "|p| there.",
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
        formula=(
            f"ℓ(n, c) = w_c·(1 − (2·Σ p·g + smooth_nr) / (Σ p + Σ g + smooth_dr)); {_SUMS}; "
            "Σ p² + Σ g² with --squared-pred; w_c = 1 without --weight"
        ),
        inputs=_INPUTS,
        params=(*_DICE_PARAMS, *_KERAS_PARAMS),
        conventions=DICE_CONVENTIONS,
        impl="dice",
        numpy_impl="dice", chunks="samples",
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
            "ℓ(n, c) = w_c·(1 − (2·Σ p·g + smooth_nr) / (2·(Σ p + Σ g − Σ p·g) + smooth_dr)); "
            f"{_SUMS}; Σ p² + Σ g² with --squared-pred; w_c = 1 without --weight"
        ),
        inputs=_INPUTS,
        params=_DICE_PARAMS,
        conventions=JACCARD_CONVENTIONS,
        impl="jaccard",
        numpy_impl="jaccard", chunks="samples",
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
        numpy_impl="tversky", chunks="samples",
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
            "when both are 0); α = β = 1 gives jaccard's I/U. As MONAI's TverskyLoss it has "
            "no class weight and no squared_pred.",
            *_NOTES,
        ),
        example={**_EXAMPLE, "alpha": "0.3", "beta": "0.7"},
    ),
    LossSpec(
        name="generalized-dice",
        summary="Generalized Dice loss: class-weighted Dice, one term per sample (MONAI "
        "GeneralizedDiceLoss)",
        family="segmentation",
        formula=(
            "ℓ(n) = 1 − (2·Σ_c w_c·I_c + smooth_nr) / (Σ_c w_c·(P_c + G_c) + smooth_dr),  "
            "w_c = 1/G_c² (square), 1/G_c (simple) or 1 (uniform);  I_c = Σ p·g, P_c = Σ p, "
            "G_c = Σ g over the spatial dimensions of sample n"
        ),
        inputs=_INPUTS,
        params=(
            _FROM_LOGITS,
            _BACKGROUND,
            ParamSpec(
                "w_type",
                "choice",
                "square",
                "class weights from the target volume G_c: square 1/G², simple 1/G, "
                "uniform 1 (MONAI's w_type)",
                choices=("square", "simple", "uniform"),
            ),
            *_SMOOTH,
        ),
        impl="generalized_dice",
        numpy_impl="generalized_dice", chunks="rows",
        check="compound_checks:generalized",
        aliases=("GeneralizedDiceLoss", "gdl", "generalized-dice-loss", "generalised-dice"),
        reduction_rule="mean: Σ ℓ(n) / N, one term per sample as MONAI (its (N, 1) output); "
        "sum: Σ ℓ(n); none: the N terms",
        references=(
            "MONAI 1.6.1, monai/losses/dice.py GeneralizedDiceLoss",
            "Sudre et al., Generalised Dice overlap as a deep learning loss function for "
            "highly unbalanced segmentations, DLMIA 2017",
        ),
        notes=(
            "The classes are summed before the ratio, so there is one term per sample, "
            "not per (sample, class) as in dice.",
            "A class absent from a sample's target (G_c = 0) would get an infinite weight; "
            "as MONAI it gets the largest finite weight of that sample instead (0 when "
            "every class is absent, leaving smooth_nr/smooth_dr).",
            "The weights depend on the target only and carry no gradient.",
        ),
        example=_EXAMPLE,
    ),
    LossSpec(
        name="dice-ce",
        summary="Soft Dice plus cross-entropy, one term per sample (MONAI DiceCELoss)",
        family="segmentation",
        formula=(
            "ℓ(n) = λ_dice·(1/C')·Σ_c [1 − (2·Σ p·g + smooth_nr) / (Σ p + Σ g + smooth_dr)] "
            "+ λ_ce·(1/S)·Σ_s CE(x_s, y_s);  p after the activation, CE on the raw "
            "logits x over all C channels, S pixels per sample"
        ),
        inputs=_INPUTS,
        params=(
            _FROM_LOGITS,
            _BACKGROUND,
            _LAMBDA_DICE,
            ParamSpec("lambda_ce", "float", 1.0, "λ_ce, the weight of the cross-entropy part",
                      minimum=0.0),
            *_SMOOTH,
        ),
        impl="dice_ce",
        numpy_impl="dice_ce", chunks="rows",
        check="compound_checks:compound",
        aliases=("DiceCELoss", "dice-cross-entropy", "dicece"),
        reduction_rule="mean: Σ ℓ(n) / N = λ_dice·mean over (sample, class) of the Dice "
        "terms + λ_ce·mean over pixels of CE, MONAI's mean; sum: Σ ℓ(n) (MONAI's sum adds "
        "the unaveraged sums instead); none: the N terms",
        references=(
            "MONAI 1.6.1, monai/losses/dice.py DiceCELoss",
            "Isensee et al., nnU-Net: a self-configuring method for deep learning-based "
            "biomedical image segmentation, Nature Methods 2021",
        ),
        notes=(
            "As MONAI, the cross-entropy always takes the raw --pred as logits over every "
            "channel: --from-logits and --no-include-background change the Dice part only. "
            "Pass logits with --from-logits softmax (the usual set-up).",
            "A class-index target gives CE on the labels; a one-hot target is used as class "
            "probabilities; with one channel the CE is the binary cross-entropy with logits.",
            "MONAI's weight= (CE class weights and Dice class weights) is not supported.",
        ),
        example={**_EXAMPLE, "from_logits": "softmax"},
    ),
    LossSpec(
        name="dice-focal",
        summary="Soft Dice plus sigmoid focal loss, one term per sample (MONAI DiceFocalLoss)",
        family="segmentation",
        formula=(
            "ℓ(n) = λ_dice·(1/C')·Σ_c dice(n, c) + λ_focal·mean_(c, s) σ(−x·(2g − 1))^γ·"
            "BCE(x, g) [·(α·g + (1 − α)·(1 − g))];  dice on p after the activation, the "
            "focal part on the raw logits x per channel"
        ),
        inputs=_INPUTS,
        params=(
            _FROM_LOGITS,
            _BACKGROUND,
            ParamSpec("gamma", "float", 2.0, "γ, the focusing exponent of the focal part",
                      minimum=0.0),
            ParamSpec("alpha", "float", None, "α in [0, 1], the focal part's weight of the "
                      "positive class (unset: no α factor, MONAI's default)",
                      minimum=0.0, maximum=1.0),
            _LAMBDA_DICE,
            ParamSpec("lambda_focal", "float", 1.0, "λ_focal, the weight of the focal part",
                      minimum=0.0),
            *_SMOOTH,
        ),
        impl="dice_focal",
        numpy_impl="dice_focal", chunks="rows",
        check="compound_checks:compound",
        aliases=("DiceFocalLoss", "dicefocal"),
        reduction_rule="mean: Σ ℓ(n) / N = λ_dice·mean of the Dice terms + λ_focal·mean of "
        "the focal terms over (sample, class, pixel), MONAI's mean; sum: Σ ℓ(n) (MONAI's "
        "sum adds the unaveraged sums instead); none: the N terms",
        references=(
            "MONAI 1.6.1, monai/losses/dice.py DiceFocalLoss, monai/losses/focal_loss.py "
            "sigmoid_focal_loss",
            "Lin et al., Focal Loss for Dense Object Detection, ICCV 2017",
        ),
        notes=(
            "As MONAI 1.6.1, the focal part is always the sigmoid (per-channel) focal loss of "
            "the raw --pred against the one-hot target, even with --from-logits softmax, "
            "which changes the Dice part only. --no-include-background drops class 0 from "
            "both parts.",
            "MONAI's weight= (class weights) is not supported.",
        ),
        example={**_EXAMPLE, "from_logits": "softmax"},
    ),
    LossSpec(
        name="lovasz-hinge",
        summary="Lovász hinge: a convex surrogate of the binary Jaccard (IoU) loss, per image "
        "(Berman et al. 2018)",
        family="segmentation",
        formula=(
            "e = 1 − x·(2g − 1) sorted decreasing, ℓ = Σ_k relu(e_(k))·(J_k − J_(k−1)), "
            "J_k = 1 − (G − Σ_(i≤k) g_(i)) / (G + Σ_(i≤k) (1 − g_(i))), G = Σ g"
        ),
        inputs=(
            InputSpec(
                "pred",
                "logits x of the foreground, (N, d1, ...) or (N, 1, d1, ...): one ranking "
                "per sample",
                flags=PRED_FLAGS,
                shape="(N, *)",
            ),
            InputSpec(
                "target",
                "binary masks g (0 or 1; --ignore-index marks pixels to drop), the shape of "
                "--pred or without its channel of size 1",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="(N, *), as pred",
            ),
        ),
        params=(
            ParamSpec(
                "per_image",
                "bool",
                True,
                "one ranking per sample, averaged (kornia, Berman's default); "
                "--no-per-image ranks every pixel of the batch at once (SMP's default)",
            ),
            _SMP_IGNORE,
        ),
        conventions=LOVASZ_HINGE_CONVENTIONS,
        impl="lovasz_hinge",
        numpy_impl="lovasz_hinge",
        check="lovasz_checks:lovasz_hinge",
        aliases=("lovasz_hinge_loss", "LovaszHingeLoss", "lovasz-binary"),
        reduction_rule="mean: Σ ℓ(n) / N over the per-sample rankings (one term with "
        "--no-per-image); sum; none: the terms",
        references=(
            "Berman, Rannen Triki and Blaschko, The Lovász-Softmax loss: A tractable surrogate "
            "for the optimization of the intersection-over-union measure in neural networks, "
            "CVPR 2018",
            "kornia 0.9.0, kornia/losses/lovasz_hinge.py lovasz_hinge_loss",
        ),
        notes=(
            "Piecewise linear in the logits. Autograd takes the subgradient with the sort "
            "permutation and the Jaccard increments held fixed: ∂ℓ/∂x_(k) = −(2g − 1)·δ_k "
            "where e_(k) > 0 and 0 where e_(k) <= 0 (relu'(0) = 0); tied errors keep the "
            "pixel order (a stable sort), which fixes which δ each gets. The value does not "
            "depend on the order of ties.",
            "A sample whose pixels are all ignored contributes 0.",
        ),
        example={
            "pred": "[[[2.0, -1.0], [0.5, -0.3]], [[-1.5, 1.0], [0.2, 0.8]]]",
            "target": "[[[1, 0], [0, 1]], [[1, 1], [0, 0]]]",
        },
    ),
    LossSpec(
        name="lovasz-softmax",
        summary="Lovász-softmax: a convex surrogate of the per-class Jaccard (IoU) loss, per "
        "image (Berman et al. 2018)",
        family="segmentation",
        formula=(
            "per class c: e = |[y = c] − softmax(x)_c| sorted decreasing, "
            "L_c = Σ_k e_(k)·(J_k − J_(k−1)) (the Lovász extension of the Jaccard loss); "
            "ℓ = mean over the classes of w_c·L_c"
        ),
        inputs=(
            InputSpec(
                "pred",
                "logits x, (N, C, d1, ...) with C >= 2 (softmax over C inside)",
                flags=PRED_FLAGS,
                shape="(N, C, d1, ...)",
            ),
            InputSpec(
                "target",
                "class indices (integers in [0, C)), (N, d1, ...)",
                kind="index",
                flags=TARGET_FLAGS,
                shape="(N, d1, ...)",
            ),
        ),
        params=(
            ParamSpec(
                "per_image",
                "bool",
                True,
                "one ranking per sample, averaged (kornia); --no-per-image ranks every pixel "
                "of the batch at once (SMP and Berman's lovasz_softmax default)",
            ),
            ParamSpec(
                "classes",
                "choice",
                "all",
                "all: every class, an absent one scores its largest probability (kornia); "
                "present: only the classes in the target (SMP, Berman)",
                choices=("all", "present"),
            ),
            _SMP_IGNORE,
            class_weight(": each class term is multiplied by w_c, the mean still divides by "
                         "the number of classes (kornia's weight)"),
        ),
        conventions=LOVASZ_SOFTMAX_CONVENTIONS,
        impl="lovasz_softmax",
        numpy_impl="lovasz_softmax",
        check="lovasz_checks:lovasz_softmax",
        aliases=("lovasz_softmax_loss", "LovaszSoftmaxLoss", "LovaszLoss", "lovasz"),
        reduction_rule="mean: Σ ℓ(n) / N over the per-sample rankings (one term with "
        "--no-per-image); sum; none: the terms",
        references=(
            "Berman, Rannen Triki and Blaschko, The Lovász-Softmax loss: A tractable surrogate "
            "for the optimization of the intersection-over-union measure in neural networks, "
            "CVPR 2018",
            "kornia 0.9.0, kornia/losses/lovasz_softmax.py lovasz_softmax_loss",
        ),
        notes=(
            "Piecewise linear in the probabilities. Autograd takes the subgradient with the "
            "sort permutation and the Jaccard increments δ held fixed: ∂L_c/∂e_(k) = δ_k; "
            "tied errors keep the pixel order (a stable sort), and |·| has derivative 0 "
            "where e = 0. The value does not depend on the order of ties.",
            "A class absent from the ranking has G = 0, so J_k = 1 for every k and its term "
            "is its largest probability (classes all); a ranking without any pixel left "
            "scores 0.",
        ),
        example={
            "pred": "[[[[2.0, -1.0], [0.5, -0.3]], [[0.1, 0.4], [-0.2, 1.0]], "
            "[[0.0, 0.0], [0.3, 0.3]]]]",
            "target": "[[[0, 1], [2, 1]]]",
        },
    ),
)
