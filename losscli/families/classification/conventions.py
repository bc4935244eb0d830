"""Other libraries' versions of the classification losses, as data (``--convention NAME``).

Focal (sigmoid and softmax), binary cross-entropy and cross-entropy. See
:mod:`losscli.families._shared.conventions` for what each field means.
"""

from losscli.core.spec import Convention
from losscli.families._shared.conventions import (
    KERAS,
    KERAS_CLIP,
    KERAS_EPS,
    KERAS_LOSS,
    KERAS_MEAN,
    KORNIA,
    MMDET,
    MONAI,
    OPTAX,
    SMP,
)

FOCAL_CONVENTIONS = (
    Convention(
        name="torchvision",
        library="torchvision.ops.sigmoid_focal_loss",
        call="sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction='none')",
        source="pytorch/vision torchvision/ops/focal_loss.py @ "
        "b9daa864e899706aa8f906703249cc69c5b82c70",
        reason="losscli's default: α = 0.25 on positives and 1 − α on negatives",
    ),
    Convention(
        name="fvcore",
        library="fvcore.nn.sigmoid_focal_loss",
        call="sigmoid_focal_loss(inputs, targets, alpha=-1, gamma=2, reduction='none')",
        source="facebookresearch/fvcore fvcore/nn/focal_loss.py @ "
        "1c553507c68ee46d171ce81e31a71f232f3ff42d (fvcore 0.1.5)",
        reason="alpha = −1 by default: no α weighting (negatives count 1, not 0.75)",
        params={"alpha": -1.0},
        impl="plain_sigmoid_focal",
    ),
    Convention(
        name="kornia",
        library="kornia.losses.binary_focal_loss_with_logits",
        call="binary_focal_loss_with_logits(pred, target, alpha=0.25, gamma=2.0, "
        "reduction='none'); pred (B, C, *)",
        source=KORNIA + "focal.py",
        reason="same as torchvision for 0/1 targets; a soft target t weights the positive "
        "and negative terms by t and 1 − t",
        impl="kornia_binary_focal",
    ),
    Convention(
        name="monai",
        library="monai.losses.FocalLoss",
        call="FocalLoss(include_background=True, gamma=2.0, alpha=None, weight=None, "
        "use_softmax=False, reduction='mean')(input, target); a per-class alpha weights "
        "positives only (negatives 1)",
        source=MONAI + "focal_loss.py (sigmoid_focal_loss)",
        reason="alpha = None by default: no α weighting; modulating factor "
        "exp(γ·log σ(−x·(2t − 1)))",
        params={"alpha": -1.0},
        impl="monai_sigmoid_focal",
        rules={"sum": "monai_sum"},
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.FocalLoss",
        call="FocalLoss(mode='binary', alpha=None, gamma=2.0, reduction='mean')(y_pred, y_true)",
        source=SMP + "focal.py @ 744e3724b1679e1e7dacc422baa8253c2fcdb8bf, _functional.py @ "
        "97dce8c10adf324bfdec8d3e7d02bf6ba01fd3aa",
        reason="alpha = None by default: no α weighting; p_t = exp(−BCE)",
        params={"alpha": -1.0},
        impl="smp_binary_focal",
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.FocalLoss",
        call="FocalLoss(use_sigmoid=True, gamma=2.0, alpha=0.25, reduction='mean')"
        "(pred, target, avg_factor=None)",
        source=MMDET + "focal_loss.py py_sigmoid_focal_loss @ "
        "d898526f39da8348670789fba2abba13c8fcd436 (3.x: one-hot targets go to it)",
        reason="same formula and α as torchvision; detectors pass avg_factor (the number of "
        "positive anchors), dividing the sum by it instead",
        impl="plain_sigmoid_focal",
    ),
    Convention(
        name="keras",
        library="keras.losses.BinaryFocalCrossentropy",
        call="BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.25, gamma=2.0, "
        "from_logits=True)(y_true, y_pred, sample_weight)",
        source=f"{KERAS} binary_focal_crossentropy; {KERAS_LOSS}",
        reason="alpha ignored unless apply_class_balancing=True (--apply-class-balancing); "
        "probabilities clipped at 1e-7; mean over the last axis, then sum_over_batch_size",
        impl="keras_binary_focal",
        constants=KERAS_EPS,
        rules=KERAS_MEAN,
        clamp=KERAS_CLIP + " inside the BCE",
    ),
    Convention(
        name="optax",
        library="optax.sigmoid_focal_loss",
        call="sigmoid_focal_loss(logits, labels, alpha=None, gamma=2.0) (elementwise; "
        "jnp.mean it)",
        source=OPTAX + "_classification.py sigmoid_focal_loss",
        reason="alpha = None by default: no α weighting; returns the elementwise loss",
        params={"alpha": -1.0},
        impl="plain_sigmoid_focal",
    ),
)

SOFTMAX_FOCAL_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli softmax-focal (Lin et al., 2017)",
        call="losscli softmax-focal --pred LOGITS --target INDICES",
        source="Lin et al., Focal Loss for Dense Object Detection, ICCV 2017",
        reason="the default: one term per sample, α (unset: 1) on every class, mean over "
        "the kept samples",
    ),
    Convention(
        name="kornia",
        library="kornia.losses.focal_loss",
        call="focal_loss(pred, target, alpha, gamma=2.0, reduction='none') → (N, C, *)",
        source=KORNIA + "focal.py focal_loss",
        reason="mean also divides by C (the unreduced loss is (N, C), 0 off the true class); "
        "α weights class 0 by 1 − α, the others by α",
        impl="kornia_softmax_focal",
        rules={"mean": "mean_over_classes"},
    ),
    Convention(
        name="monai",
        library="monai.losses.FocalLoss",
        call="FocalLoss(include_background=True, to_onehot_y=True, use_softmax=True, "
        "gamma=2.0, alpha=None, weight=None)(input, target[:, None])",
        source=MONAI + "focal_loss.py softmax_focal_loss",
        reason="as kornia: mean divides by C, a number α gives [1 − α, α, …]; with ignored "
        "pixels the mean divides by the kept pixels only; include_background=False: softmax "
        "over channels 1 … C − 1, class-0 pixels count as zero terms, a number α is ignored",
        impl="monai_softmax_focal",
        rules={"mean": "monai_mean", "sum": "monai_sum"},
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.FocalLoss",
        call="FocalLoss(mode='multiclass', alpha=None, gamma=2.0)(y_pred, y_true)",
        source=SMP + "focal.py @ 744e3724b1679e1e7dacc422baa8253c2fcdb8bf",
        reason="a sigmoid per class, not a softmax: one binary focal loss per class, "
        "averaged over the samples and summed over the classes",
        impl="smp_multiclass_focal",
        rules={"mean": "sum_over_classes"},
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.FocalLoss",
        call="FocalLoss(use_sigmoid=True, gamma=2.0, alpha=0.25)(pred, labels)",
        source=MMDET + "focal_loss.py FocalLoss.forward @ "
        "d898526f39da8348670789fba2abba13c8fcd436",
        reason="no softmax: a sigmoid focal term per (sample, class) on one-hot targets, α = "
        "0.25 on positives, mean over N·C",
        params={"alpha": 0.25},
        impl="mmdet_sigmoid_focal",
        rules={"mean": "mean_over_classes"},
    ),
    Convention(
        name="keras",
        library="keras.losses.CategoricalFocalCrossentropy",
        call="CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=True)"
        "(one_hot(y_true), y_pred, sample_weight)",
        source=f"{KERAS} categorical_focal_crossentropy; {KERAS_LOSS}",
        reason="α = 0.25 on every class by default; probabilities clipped at 1e-7",
        params={"alpha": 0.25},
        impl="keras_categorical_focal",
        constants=KERAS_EPS,
        rules=KERAS_MEAN,
        clamp=KERAS_CLIP,
    ),
)


BCE_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.BCELoss",
        call="BCELoss()(input, target)",
        source="PyTorch BCELoss documentation (torch 2.x): log outputs clamped at −100",
        reason="losscli's default: each log clamped at −100",
        clamp="log(x) and log(1 − x) clamped at −100",
    ),
    Convention(
        name="keras",
        library="keras.losses.BinaryCrossentropy",
        call="BinaryCrossentropy(from_logits=False, label_smoothing=ε)(y_true, y_pred, "
        "sample_weight)",
        source=f"{KERAS} binary_crossentropy; keras/src/backend/*/nn.py; {KERAS_LOSS}",
        reason="probabilities clipped at 1e-7 (not logs at −100); mean over the last axis, "
        "then sum_over_batch_size; label smoothing y·(1 − ε) + 0.5·ε as losscli",
        impl="convention_entropy:keras_bce",
        constants=KERAS_EPS,
        rules=KERAS_MEAN,
        clamp=KERAS_CLIP,
    ),
    Convention(
        name="sklearn",
        library="sklearn.metrics.log_loss",
        call="log_loss(y_true.ravel(), y_pred.ravel(), sample_weight=w.ravel(), labels=[0, 1])",
        source="scikit-learn 1.9.1, sklearn/metrics/_classification.py _log_loss",
        reason="probabilities clipped at the dtype's machine epsilon; a weight is a sample "
        "weight (mean divides by Σ w)",
        impl="convention_entropy:sklearn_bce",
        clamp="probabilities clipped to [eps, 1 − eps], eps = finfo(dtype).eps",
    ),
)


BCE_WITH_LOGITS_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.BCEWithLogitsLoss",
        call="BCEWithLogitsLoss(weight=None, pos_weight=None)(input, target)",
        source="PyTorch BCEWithLogitsLoss documentation (torch 2.x)",
        reason="losscli's default; torch has no label smoothing here: losscli's ε gives "
        "y·(1 − ε) + ε/2, cross-entropy's ε/C with two classes",
    ),
    Convention(
        name="keras",
        library="keras.losses.BinaryCrossentropy",
        call="BinaryCrossentropy(from_logits=True, label_smoothing=ε)(y_true, y_pred, "
        "sample_weight)",
        source=f"{KERAS} binary_crossentropy; {KERAS_LOSS}",
        reason="same smoothing y·(1 − ε) + 0.5·ε; mean over the last axis, then "
        "sum_over_batch_size; no elementwise weight or pos_weight",
        impl="convention_entropy:keras_bce_with_logits",
        rules=KERAS_MEAN,
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.SoftBCEWithLogitsLoss",
        call="SoftBCEWithLogitsLoss(smooth_factor=ε, ignore_index=-100)(y_pred, y_true)",
        source=SMP + "soft_bce.py @ 5006616357631a48c7c8e11977cf5abb00803590",
        reason="smoothing y·(1 − ε) + (1 − y)·ε: 0 → ε, 1 → 1 − ε, twice losscli's shift for "
        "the same ε; a target equal to --ignore-index (-100) gives 0 and still counts in the "
        "mean",
        impl="convention_entropy:smp_soft_bce",
        check="smp_soft_bce",
        any_values=("target",),
    ),
)


CROSS_ENTROPY_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.CrossEntropyLoss",
        call="CrossEntropyLoss(weight=None, ignore_index=-100, label_smoothing=0.0)"
        "(input, target)",
        source="PyTorch CrossEntropyLoss documentation (torch 2.x)",
        reason="losscli's default: ε/C to every class; weighted mean divides by Σ w[yᵢ]",
    ),
    Convention(
        name="keras",
        library="keras.losses.CategoricalCrossentropy",
        call="CategoricalCrossentropy(from_logits=True, label_smoothing=ε)"
        "(one_hot(y_true), y_pred, sample_weight)",
        source=f"{KERAS} categorical_crossentropy; {KERAS_LOSS}",
        reason="same smoothing (ε/C); class weights are sample weights and the mean divides "
        "by N, not Σ w",
        impl="convention_entropy:keras_cross_entropy",
        rules=KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.softmax_cross_entropy",
        call="softmax_cross_entropy(logits, smooth_labels(one_hot(labels), ε))",
        source=OPTAX + "_classification.py softmax_cross_entropy; _smoothing.py smooth_labels",
        reason="same smoothing (ε/C); no class weights or ignore_index",
        impl="convention_entropy:optax_cross_entropy",
    ),
    Convention(
        name="fairseq",
        library="fairseq label_smoothed_cross_entropy",
        call="label_smoothed_nll_loss(lprobs, target, epsilon, ignore_index=padding_idx)",
        source="facebookresearch/fairseq fairseq/criterions/label_smoothed_cross_entropy.py @ "
        "f7c559cf2e519f90f1a80b93c005901da7d1cbb8",
        reason="ε/(C − 1) to each wrong class and 1 − ε to the true one (torch: ε/C to every "
        "class)",
        impl="convention_entropy:fairseq_cross_entropy",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.SoftCrossEntropyLoss",
        call="SoftCrossEntropyLoss(smooth_factor=ε, ignore_index=-100)(y_pred, y_true)",
        source=SMP + "soft_ce.py, _functional.py label_smoothed_nll_loss @ "
        "5006616357631a48c7c8e11977cf5abb00803590",
        reason="same smoothing (ε/C), but an ignored target counts in the mean as 0: Σ ℓᵢ / N, "
        "not / (kept targets); no class weights",
        impl="convention_entropy:smp_cross_entropy",
    ),
    Convention(
        name="optax-safe",
        library="optax.safe_softmax_cross_entropy",
        call="safe_softmax_cross_entropy(logits, smooth_labels(one_hot(labels), ε))",
        source=OPTAX + "_classification.py safe_softmax_cross_entropy; _smoothing.py "
        "smooth_labels",
        reason="a −inf logit whose target probability is 0 adds 0 instead of NaN "
        "(0·log 0 = 0); no class weights or ignore_index",
        impl="convention_entropy:optax_safe_cross_entropy",
    ),
)


TIMM = "huggingface/pytorch-image-models timm/loss/asymmetric_loss.py"

ASYMMETRIC_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli (the paper's per-element loss)",
        call="asymmetric --gamma-neg 4 --gamma-pos 1 --clip 0.05 --eps 1e-8",
        source="Ridnik et al., Asymmetric Loss For Multi-Label Classification, ICCV 2021",
        reason="losscli's default: --reduction mean averages over every (sample, class) "
        "element, as bce-with-logits does",
    ),
    Convention(
        name="timm",
        library="timm.loss.AsymmetricLossMultiLabel",
        call="AsymmetricLossMultiLabel(gamma_neg=4, gamma_pos=1, clip=0.05, eps=1e-8)(x, y)",
        source=TIMM + " @ aa4b5850c1543fa488abf260f18390eda46cf85d (v1.0.28-14)",
        reason="returns −loss.sum(): the sum over batch and classes, no mean, so the value "
        "grows with the batch size",
        rules={"mean": "sum_of_all"},
    ),
)


POLY_CONVENTIONS = (
    Convention(
        name="optax",
        library="optax.losses.poly_loss_cross_entropy",
        call="poly_loss_cross_entropy(logits, labels, epsilon=2.0)",
        source=OPTAX + "_classification.py @ v0.2.8",
        reason="losscli's default: 1 − p_t = Σ_c y_c·(1 − p_c); per-row values (no "
        "reduction in optax)",
    ),
    Convention(
        name="timm",
        library="timm.loss.PolyCrossEntropy",
        call="PolyCrossEntropy(epsilon=2.0, smoothing=0.0, reduction='mean')(x, target)",
        source="huggingface/pytorch-image-models timm/loss/poly_loss.py @ "
        "2941e047fcc42cd5851f60f46eeb3fe96bd77a44",
        reason="1 − p_t = 1 − Σ_c y_c·p_c: the same as optax when the labels of a row sum "
        "to 1, different otherwise",
        impl="timm_poly",
    ),
)
