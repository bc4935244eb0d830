"""Other libraries' versions of Dice, Jaccard and Tversky, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from typing import Any

from losscli.core.spec import Convention
from losscli.families._shared.conventions import (
    KERAS,
    KERAS_EPS,
    KERAS_LOSS,
    KERAS_MEAN,
    KORNIA,
    MONAI,
    OPTAX,
    SMP,
)

_MONAI_DICE = Convention(
    name="monai",
    library="monai.losses.DiceLoss",
    call="DiceLoss(smooth_nr=1e-5, smooth_dr=1e-5, batch=False, squared_pred=False, "
    "soft_label=False, other_act=None, weight=None)(input, target)",
    source=MONAI + "dice.py DiceLoss",
    reason="losscli's default: one term per (sample, class), smooth_nr = smooth_dr = 1e-5",
)


_SMP_SEG: dict[str, Any] = dict(
    constants={"eps": 1e-7}, params={"smooth_nr": 0.0, "smooth_dr": 0.0},
    clamp="denominator clamped at eps = 1e-7",
)


#: Installed kornia 0.9.0, not the tests/losses/test_dice.py of kornia's main branch:
#: upstream's macro averages every class (absent ones count with a loss near 1) and its
#: weighted micro squares w_c in the intersection; the installed release averages only the
#: classes present in the target (0.142897 where upstream's test expects 0.571449) and
#: applies w_c once (0.538462 where the test expects 0.861538).
_KORNIA_MACRO = (
    "one Dice per sample and class, 1 − 2·I_c/(P_c + G_c + eps), averaged with --weight w "
    "over the classes present in the sample's target (Σ w_c·ℓ_c / Σ w_c, present c only; a "
    "sample with none present scores 1), then over the batch. This is the installed kornia "
    "0.9.0; kornia's main-branch tests (tests/losses/test_dice.py) average every class, "
    "absent ones included, and expect 0.571449 where 0.9.0 gives 0.142897"
)


DICE_CONVENTIONS = (
    _MONAI_DICE,
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.DiceLoss",
        call="DiceLoss(mode='multiclass', from_logits=False, smooth=0.0, eps=1e-7)"
        "(y_pred, y_true)",
        source=SMP + "dice.py @ bc597e9a1c5d618e55a79bd04c05aed9f8767250",
        reason="per class over the whole batch; smooth 0 with the denominator clamped at "
        "1e-7; classes absent from the target score 0",
        impl="smp_dice",
        **_SMP_SEG,
    ),
    Convention(
        name="kornia",
        library="kornia.losses.dice_loss",
        call="dice_loss(pred_logits, target, average='micro', eps=1e-8, weight=w) "
        "(softmax inside)",
        source=KORNIA + "dice.py dice_loss",
        reason="one Dice per sample over every class ('micro'); eps 1e-8 in the denominator "
        "only, no smoothing; --weight w scales class c in both sums once, "
        "1 − 2·Σ w_c·I_c / Σ w_c·(P_c + G_c), as the installed kornia 0.9.0 does (kornia's "
        "main-branch test_weight squares w_c in the intersection and expects 0.861538 "
        "where 0.9.0 gives 0.538462)",
        impl="kornia_dice",
        constants={"eps": 1e-8, "average": "micro"},
    ),
    Convention(
        name="kornia-macro",
        library="kornia.losses.dice_loss",
        call="dice_loss(pred_logits, target, average='macro', eps=1e-8, weight=w) "
        "(softmax inside)",
        source=KORNIA + "dice.py dice_loss",
        reason=_KORNIA_MACRO,
        impl="kornia_dice",
        constants={"eps": 1e-8, "average": "macro"},
    ),
    Convention(
        name="keras",
        library="keras.losses.Dice",
        call="Dice(axis=None)(y_true, y_pred, sample_weight); --axis sample: "
        "axis=(1, …, ndim − 1)",
        source=f"{KERAS} dice; {KERAS_LOSS}",
        reason="one Dice over every element of the batch (axis=None); 1e-7 in the "
        "denominator only; a target of --pred's shape is taken as it is (any values)",
        impl="keras_dice",
        check="keras_segmentation",
        constants=KERAS_EPS,
        rules=KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.losses.dice_loss",
        call="dice_loss(predictions, targets, smooth=1.0) (channels last; softmax inside)",
        source=OPTAX + "_segmentation.py dice_loss",
        reason="smooth = 1 on both sides of (I + s)/((P + G)/2 + s): MONAI's smooth_nr = "
        "smooth_dr = 2",
        params={"smooth_nr": 1.0, "smooth_dr": 1.0},
        impl="optax_dice",
    ),
)


JACCARD_CONVENTIONS = (
    Convention(
        name="monai",
        library="monai.losses.DiceLoss(jaccard=True)",
        call="DiceLoss(jaccard=True, smooth_nr=1e-5, smooth_dr=1e-5, batch=False, "
        "squared_pred=False, soft_label=False, other_act=None, weight=None)(input, target)",
        source=MONAI + "dice.py DiceLoss",
        reason="losscli's default: (2·I + smooth_nr)/(2·U + smooth_dr) per (sample, class)",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.JaccardLoss",
        call="JaccardLoss(mode='multiclass', from_logits=False, smooth=0.0, eps=1e-7)"
        "(y_pred, y_true)",
        source=SMP + "jaccard.py @ bc597e9a1c5d618e55a79bd04c05aed9f8767250",
        reason="per class over the whole batch; I/U with smooth 0 and U clamped at 1e-7; "
        "classes absent from the target score 0",
        impl="smp_jaccard",
        **_SMP_SEG,
    ),
)


TVERSKY_CONVENTIONS = (
    Convention(
        name="monai",
        library="monai.losses.TverskyLoss",
        call="TverskyLoss(alpha=0.5, beta=0.5, smooth_nr=1e-5, smooth_dr=1e-5, batch=False, "
        "soft_label=False, other_act=None)(input, target)",
        source=MONAI + "tversky.py TverskyLoss",
        reason="losscli's default: α weights false positives, β false negatives, per "
        "(sample, class)",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.TverskyLoss",
        call="TverskyLoss(mode='multiclass', from_logits=False, smooth=0.0, eps=1e-7, "
        "alpha=0.5, beta=0.5, gamma=1.0)(y_pred, y_true)",
        source=SMP + "tversky.py @ f58fd6d6e56ac0a30882f8b5dc31c8c4b0ec8e7d",
        reason="per class over the whole batch; smooth 0, denominator clamped at 1e-7; "
        "classes absent from the target score 0",
        impl="smp_tversky",
        **_SMP_SEG,
    ),
    Convention(
        name="kornia",
        library="kornia.losses.tversky_loss (0.9.0)",
        call="tversky_loss(pred_logits, target, alpha, beta, eps=1e-8) (softmax inside)",
        source=KORNIA + "tversky.py tversky_loss",
        reason="kornia 0.9.0: per sample, the mean over the classes present in its target "
        "of TP/(TP + α·FP + β·FN + eps); eps 1e-8, no smoothing",
        impl="kornia_tversky",
        constants={"eps": 1e-8},
    ),
    Convention(
        name="kornia-0.8",
        library="kornia.losses.tversky_loss (0.7.0 to 0.9.0rc1)",
        call="tversky_loss(pred_logits, target, alpha, beta, eps=1e-8) (softmax inside)",
        source="kornia/kornia kornia/losses/tversky.py @ v0.8.2 "
        "(856fd1ae6becd4300646db2b44ea3507e4ab0066; the same sums from v0.7.0 to v0.9.0rc1)",
        reason="kornia before 0.9.0: one index per sample, TP, FP and FN summed over every "
        "class and pixel; eps 1e-8",
        impl="kornia_tversky_micro",
        constants={"eps": 1e-8},
    ),
    Convention(
        name="keras",
        library="keras.losses.Tversky (3.15.1 and earlier)",
        call="Tversky(alpha=0.5, beta=0.5, axis=None)(y_true, y_pred, sample_weight); "
        "--axis sample: axis=(1, …, ndim − 1)",
        source=f"{KERAS} tversky (inputs = y_true, targets = y_pred); {KERAS_LOSS}",
        reason="Keras up to 3.15.1: α weights the false negatives and β the false positives "
        "(reversed; keras PR 23333 swaps them back after 3.15.1: keras-3.16); one index over "
        "every element; 1e-7 in the denominator; "
        "a target of --pred's shape is taken as it is (any values)",
        impl="keras_tversky",
        check="keras_segmentation",
        constants={**KERAS_EPS, "swapped": True},
        rules=KERAS_MEAN,
    ),
    Convention(
        name="keras-3.16",
        library="keras.losses.Tversky (3.16 development: keras master, keras-nightly)",
        call="Tversky(alpha=0.5, beta=0.5, axis=None)(y_true, y_pred, sample_weight)",
        source="keras-team/keras keras/src/losses/losses.py tversky @ "
        "fa9afd5a266fda5309ef11c8afebd8f8cc8f1e2c (keras PR 23333, version 3.16.0 in "
        "development; the newest release, 3.15.1, still swaps α and β)",
        reason="α weights the false positives and β the false negatives, as MONAI; one index "
        "over every element; 1e-7 in the denominator",
        impl="keras_tversky",
        check="keras_segmentation",
        constants={**KERAS_EPS, "swapped": False},
        rules=KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.losses.dice_loss",
        call="dice_loss(predictions, targets, alpha=α, beta=β, smooth=1.0)",
        source=OPTAX + "_segmentation.py dice_loss",
        reason="smooth = 1 in numerator and denominator (MONAI's default is 1e-5)",
        params={"smooth_nr": 1.0, "smooth_dr": 1.0},
        impl="optax_tversky",
    ),
)


LOVASZ_HINGE_CONVENTIONS = (
    Convention(
        name="kornia",
        library="kornia.losses.lovasz_hinge_loss",
        call="lovasz_hinge_loss(pred (B, 1, H, W), target (B, H, W))",
        source=KORNIA + "lovasz_hinge.py",
        reason="losscli's default: one ranking per image, mean over the images (Berman's "
        "reference lovasz_hinge(per_image=True) too)",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.LovaszLoss",
        call="LovaszLoss('binary', per_image=False, ignore_index=None)(y_pred, y_true)",
        source=SMP + "lovasz.py (v0.5.0-317, 50066163)",
        reason="per_image=False by default: one ranking over every pixel of the batch",
        params={"per_image": False},
    ),
)


LOVASZ_SOFTMAX_CONVENTIONS = (
    Convention(
        name="kornia",
        library="kornia.losses.lovasz_softmax_loss",
        call="lovasz_softmax_loss(pred (B, C, H, W), target (B, H, W), weight=None)",
        source=KORNIA + "lovasz_softmax.py",
        reason="losscli's default: one ranking per image, every class (absent ones too), "
        "mean over the images",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.LovaszLoss",
        call="LovaszLoss('multiclass', per_image=False, ignore_index=None)(y_pred, y_true)",
        source=SMP + "lovasz.py (v0.5.0-317, 50066163)",
        reason="one ranking over the whole batch and only the classes present in the target "
        "(Berman's lovasz_softmax defaults)",
        params={"per_image": False, "classes": "present"},
    ),
)
