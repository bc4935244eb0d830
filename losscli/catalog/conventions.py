"""Other libraries' versions of the losses, as data (``--convention NAME``).

One tuple per loss, attached to its :class:`~losscli.registry.LossSpec`; the first entry
is losscli's own default. Each entry was written from the library's documentation and
source, cited with the file and version (or commit) in ``source``. The libraries are
never imported: ``impl`` names losscli's own function for the library's formula
(losscli.losses.convention_*), ``params`` its defaults, ``constants`` its clips, and
``rules`` its reduction (losscli.losses.convention_rules).
"""

from losscli.registry import Convention

_FOCAL = "losscli.losses.convention_focal:"
_OVERLAP = "losscli.losses.convention_overlap:"
_ENTROPY = "losscli.losses.convention_entropy:"
_REGRESSION = "losscli.losses.convention_regression:"
_KERAS_EPS = {"eps": 1e-7}  # keras.backend.epsilon()
_KERAS_MEAN = {"mean": "sum_over_batch_size"}
_KERAS_CLIP = "probabilities clipped to [1e-7, 1 − 1e-7] (keras.backend.epsilon())"

_KERAS = "Keras 3.15.1, keras/src/losses/losses.py"
_KERAS_LOSS = "keras/src/losses/loss.py reduce_values (sum_over_batch_size)"
_OPTAX = "optax 0.2.8, optax/losses/"
_KORNIA = "kornia 0.9.0 (PyPI), kornia/losses/"
_MONAI = "MONAI 1.6.1, monai/losses/"
_SMP = "qubvel-org/segmentation_models.pytorch, segmentation_models_pytorch/losses/"
_MMDET = "open-mmlab/mmdetection, mmdet/models/losses/"

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
    ),
    Convention(
        name="kornia",
        library="kornia.losses.binary_focal_loss_with_logits",
        call="binary_focal_loss_with_logits(pred, target, alpha=0.25, gamma=2.0, "
        "reduction='none'); pred (B, C, *)",
        source=_KORNIA + "focal.py",
        reason="same as torchvision for 0/1 targets; a soft target t weights the positive "
        "and negative terms by t and 1 − t",
        impl=_FOCAL + "kornia_binary_focal",
    ),
    Convention(
        name="monai",
        library="monai.losses.FocalLoss",
        call="FocalLoss(gamma=2.0, alpha=None, use_softmax=False, reduction='mean')"
        "(input, target)",
        source=_MONAI + "focal_loss.py (sigmoid_focal_loss)",
        reason="alpha = None by default: no α weighting; modulating factor "
        "exp(γ·log σ(−x·(2t − 1)))",
        params={"alpha": -1.0},
        impl=_FOCAL + "monai_sigmoid_focal",
        rules={"sum": "monai_sum"},
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.FocalLoss",
        call="FocalLoss(mode='binary', alpha=None, gamma=2.0, reduction='mean')(y_pred, y_true)",
        source=_SMP + "focal.py @ 744e3724b1679e1e7dacc422baa8253c2fcdb8bf, _functional.py @ "
        "97dce8c10adf324bfdec8d3e7d02bf6ba01fd3aa",
        reason="alpha = None by default: no α weighting; p_t = exp(−BCE)",
        params={"alpha": -1.0},
        impl=_FOCAL + "smp_binary_focal",
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.FocalLoss",
        call="FocalLoss(use_sigmoid=True, gamma=2.0, alpha=0.25, reduction='mean')"
        "(pred, target, avg_factor=None)",
        source=_MMDET + "focal_loss.py py_sigmoid_focal_loss @ "
        "d898526f39da8348670789fba2abba13c8fcd436 (3.x: one-hot targets go to it)",
        reason="same formula and α as torchvision; detectors pass avg_factor (the number of "
        "positive anchors), dividing the sum by it instead",
    ),
    Convention(
        name="keras",
        library="keras.losses.BinaryFocalCrossentropy",
        call="BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.25, gamma=2.0, "
        "from_logits=True)(y_true, y_pred)",
        source=f"{_KERAS} binary_focal_crossentropy; {_KERAS_LOSS}",
        reason="alpha ignored unless apply_class_balancing=True; probabilities clipped at "
        "1e-7; mean over the last axis, then sum_over_batch_size",
        impl=_FOCAL + "keras_binary_focal",
        constants={**_KERAS_EPS, "apply_class_balancing": False},
        rules=_KERAS_MEAN,
        clamp=_KERAS_CLIP + " inside the BCE",
    ),
    Convention(
        name="optax",
        library="optax.sigmoid_focal_loss",
        call="sigmoid_focal_loss(logits, labels, alpha=None, gamma=2.0) (elementwise; "
        "jnp.mean it)",
        source=_OPTAX + "_classification.py sigmoid_focal_loss",
        reason="alpha = None by default: no α weighting; returns the elementwise loss",
        params={"alpha": -1.0},
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
        source=_KORNIA + "focal.py focal_loss",
        reason="mean also divides by C (the unreduced loss is (N, C), 0 off the true class); "
        "α weights class 0 by 1 − α, the others by α",
        impl=_FOCAL + "kornia_softmax_focal",
        rules={"mean": "mean_over_classes"},
    ),
    Convention(
        name="monai",
        library="monai.losses.FocalLoss",
        call="FocalLoss(to_onehot_y=True, use_softmax=True, gamma=2.0, alpha=None)"
        "(input, target[:, None])",
        source=_MONAI + "focal_loss.py softmax_focal_loss",
        reason="as kornia: mean divides by C, a number α gives [1 − α, α, …]; with ignored "
        "pixels the mean divides by the kept pixels only",
        impl=_FOCAL + "monai_softmax_focal",
        rules={"mean": "monai_mean", "sum": "monai_sum"},
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.FocalLoss",
        call="FocalLoss(mode='multiclass', alpha=None, gamma=2.0)(y_pred, y_true)",
        source=_SMP + "focal.py @ 744e3724b1679e1e7dacc422baa8253c2fcdb8bf",
        reason="a sigmoid per class, not a softmax: one binary focal loss per class, "
        "averaged over the samples and summed over the classes",
        impl=_FOCAL + "smp_multiclass_focal",
        rules={"mean": "sum_over_classes"},
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.FocalLoss",
        call="FocalLoss(use_sigmoid=True, gamma=2.0, alpha=0.25)(pred, labels)",
        source=_MMDET + "focal_loss.py FocalLoss.forward @ "
        "d898526f39da8348670789fba2abba13c8fcd436",
        reason="no softmax: a sigmoid focal term per (sample, class) on one-hot targets, α = "
        "0.25 on positives, mean over N·C",
        params={"alpha": 0.25},
        impl=_FOCAL + "mmdet_sigmoid_focal",
        rules={"mean": "mean_over_classes"},
    ),
    Convention(
        name="keras",
        library="keras.losses.CategoricalFocalCrossentropy",
        call="CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=True)"
        "(one_hot(y_true), y_pred)",
        source=f"{_KERAS} categorical_focal_crossentropy; {_KERAS_LOSS}",
        reason="α = 0.25 on every class by default; probabilities clipped at 1e-7",
        params={"alpha": 0.25},
        impl=_FOCAL + "keras_categorical_focal",
        constants=_KERAS_EPS,
        rules=_KERAS_MEAN,
        clamp=_KERAS_CLIP,
    ),
)

_MONAI_DICE = Convention(
    name="monai",
    library="monai.losses.DiceLoss",
    call="DiceLoss(smooth_nr=1e-5, smooth_dr=1e-5, batch=False)(input, target)",
    source=_MONAI + "dice.py DiceLoss",
    reason="losscli's default: one term per (sample, class), smooth_nr = smooth_dr = 1e-5",
)
_SMP_SEG = dict(constants={"eps": 1e-7}, params={"smooth_nr": 0.0, "smooth_dr": 0.0},
                clamp="denominator clamped at eps = 1e-7")

DICE_CONVENTIONS = (
    _MONAI_DICE,
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.DiceLoss",
        call="DiceLoss(mode='multiclass', from_logits=False, smooth=0.0, eps=1e-7)"
        "(y_pred, y_true)",
        source=_SMP + "dice.py @ bc597e9a1c5d618e55a79bd04c05aed9f8767250",
        reason="per class over the whole batch; smooth 0 with the denominator clamped at "
        "1e-7; classes absent from the target score 0",
        impl=_OVERLAP + "smp_dice",
        **_SMP_SEG,
    ),
    Convention(
        name="kornia",
        library="kornia.losses.dice_loss",
        call="dice_loss(pred_logits, target, average='micro', eps=1e-8) (softmax inside)",
        source=_KORNIA + "dice.py dice_loss",
        reason="one Dice per sample over every class ('micro'); eps 1e-8 in the denominator "
        "only, no smoothing",
        impl=_OVERLAP + "kornia_dice",
        constants={"eps": 1e-8},
    ),
    Convention(
        name="keras",
        library="keras.losses.Dice",
        call="Dice(axis=None)(y_true, y_pred)",
        source=f"{_KERAS} dice",
        reason="one Dice over every element of the batch (axis=None); 1e-7 in the "
        "denominator only",
        impl=_OVERLAP + "keras_dice",
        constants=_KERAS_EPS,
        rules=_KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.losses.dice_loss",
        call="dice_loss(predictions, targets, smooth=1.0) (channels last; softmax inside)",
        source=_OPTAX + "_segmentation.py dice_loss",
        reason="smooth = 1 on both sides of (I + s)/((P + G)/2 + s): MONAI's smooth_nr = "
        "smooth_dr = 2",
        params={"smooth_nr": 1.0, "smooth_dr": 1.0},
        impl=_OVERLAP + "optax_dice",
    ),
)

JACCARD_CONVENTIONS = (
    Convention(
        name="monai",
        library="monai.losses.DiceLoss(jaccard=True)",
        call="DiceLoss(jaccard=True, smooth_nr=1e-5, smooth_dr=1e-5)(input, target)",
        source=_MONAI + "dice.py DiceLoss",
        reason="losscli's default: (2·I + smooth_nr)/(2·U + smooth_dr) per (sample, class)",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.JaccardLoss",
        call="JaccardLoss(mode='multiclass', from_logits=False, smooth=0.0, eps=1e-7)"
        "(y_pred, y_true)",
        source=_SMP + "jaccard.py @ bc597e9a1c5d618e55a79bd04c05aed9f8767250",
        reason="per class over the whole batch; I/U with smooth 0 and U clamped at 1e-7; "
        "classes absent from the target score 0",
        impl=_OVERLAP + "smp_jaccard",
        **_SMP_SEG,
    ),
)

TVERSKY_CONVENTIONS = (
    Convention(
        name="monai",
        library="monai.losses.TverskyLoss",
        call="TverskyLoss(alpha=0.5, beta=0.5, smooth_nr=1e-5, smooth_dr=1e-5)(input, target)",
        source=_MONAI + "tversky.py TverskyLoss",
        reason="losscli's default: α weights false positives, β false negatives, per "
        "(sample, class)",
    ),
    Convention(
        name="smp",
        library="segmentation_models_pytorch.losses.TverskyLoss",
        call="TverskyLoss(mode='multiclass', from_logits=False, smooth=0.0, eps=1e-7, "
        "alpha=0.5, beta=0.5, gamma=1.0)(y_pred, y_true)",
        source=_SMP + "tversky.py @ f58fd6d6e56ac0a30882f8b5dc31c8c4b0ec8e7d",
        reason="per class over the whole batch; smooth 0, denominator clamped at 1e-7; "
        "classes absent from the target score 0",
        impl=_OVERLAP + "smp_tversky",
        **_SMP_SEG,
    ),
    Convention(
        name="kornia",
        library="kornia.losses.tversky_loss (0.9.0)",
        call="tversky_loss(pred_logits, target, alpha, beta, eps=1e-8) (softmax inside)",
        source=_KORNIA + "tversky.py tversky_loss",
        reason="kornia 0.9.0: per sample, the mean over the classes present in its target "
        "of TP/(TP + α·FP + β·FN + eps); eps 1e-8, no smoothing",
        impl=_OVERLAP + "kornia_tversky",
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
        impl=_OVERLAP + "kornia_tversky_micro",
        constants={"eps": 1e-8},
    ),
    Convention(
        name="keras",
        library="keras.losses.Tversky (3.15.1 and earlier)",
        call="Tversky(alpha=0.5, beta=0.5, axis=None)(y_true, y_pred)",
        source=f"{_KERAS} tversky (inputs = y_true, targets = y_pred)",
        reason="Keras up to 3.15.1: α weights the false negatives and β the false positives "
        "(reversed; see keras-3.16); one index over every element; 1e-7 in the denominator",
        impl=_OVERLAP + "keras_tversky",
        constants={**_KERAS_EPS, "swapped": True},
        rules=_KERAS_MEAN,
    ),
    Convention(
        name="keras-3.16",
        library="keras.losses.Tversky (3.16 development: keras master, keras-nightly)",
        call="Tversky(alpha=0.5, beta=0.5, axis=None)(y_true, y_pred)",
        source="keras-team/keras keras/src/losses/losses.py tversky @ "
        "fa9afd5a266fda5309ef11c8afebd8f8cc8f1e2c (keras PR 23333, version 3.16.0 in "
        "development; the newest release, 3.15.1, still swaps α and β)",
        reason="α weights the false positives and β the false negatives, as MONAI; one index "
        "over every element; 1e-7 in the denominator",
        impl=_OVERLAP + "keras_tversky",
        constants={**_KERAS_EPS, "swapped": False},
        rules=_KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.losses.dice_loss",
        call="dice_loss(predictions, targets, alpha=α, beta=β, smooth=1.0)",
        source=_OPTAX + "_segmentation.py dice_loss",
        reason="smooth = 1 in numerator and denominator (MONAI's default is 1e-5)",
        params={"smooth_nr": 1.0, "smooth_dr": 1.0},
        impl=_OVERLAP + "optax_tversky",
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
        call="BinaryCrossentropy(from_logits=False)(y_true, y_pred)",
        source=f"{_KERAS} binary_crossentropy; keras/src/backend/*/nn.py; {_KERAS_LOSS}",
        reason="probabilities clipped at 1e-7 (not logs at −100); mean over the last axis, "
        "then sum_over_batch_size",
        impl=_ENTROPY + "keras_bce",
        constants=_KERAS_EPS,
        rules=_KERAS_MEAN,
        clamp=_KERAS_CLIP,
    ),
    Convention(
        name="sklearn",
        library="sklearn.metrics.log_loss",
        call="log_loss(y_true.ravel(), y_pred.ravel(), sample_weight=w.ravel(), labels=[0, 1])",
        source="scikit-learn 1.9.1, sklearn/metrics/_classification.py _log_loss",
        reason="probabilities clipped at the dtype's machine epsilon; a weight is a sample "
        "weight (mean divides by Σ w)",
        impl=_ENTROPY + "sklearn_bce",
        clamp="probabilities clipped to [eps, 1 − eps], eps = finfo(dtype).eps",
    ),
)

_SKLEARN_OLD = ("scikit-learn ≤ 1.4 sklearn/metrics/_classification.py log_loss (clip, "
                "then 'Renormalize'; removed in 1.5 by scikit-learn PR #28851)")
LOG_LOSS_CONVENTIONS = (
    Convention(
        name="sklearn",
        library="sklearn.metrics.log_loss (>= 1.5)",
        call="log_loss(y_true, y_pred, labels=range(C))",
        source="scikit-learn 1.9.1, sklearn/metrics/_classification.py _log_loss",
        reason="losscli's default: clipped at the dtype's epsilon, rows not renormalised",
        clamp="probabilities clipped to [eps, 1 − eps], eps = finfo(dtype).eps",
    ),
    Convention(
        name="sklearn-1.4",
        library="sklearn.metrics.log_loss (1.2 to 1.4)",
        call="log_loss(y_true, y_pred, eps='auto', labels=range(C))",
        source=_SKLEARN_OLD,
        reason="rows renormalised to sum 1 after clipping",
        impl=_ENTROPY + "sklearn_renormalised_log_loss",
        constants={"eps": None},
        clamp="clipped to [eps, 1 − eps], eps = finfo(dtype).eps, then renormalised",
    ),
    Convention(
        name="sklearn-1.1",
        library="sklearn.metrics.log_loss (<= 1.1)",
        call="log_loss(y_true, y_pred, eps=1e-15, labels=range(C))",
        source=_SKLEARN_OLD + "; eps default 1e-15 until 1.2",
        reason="eps = 1e-15 instead of the dtype's epsilon, and rows renormalised",
        impl=_ENTROPY + "sklearn_renormalised_log_loss",
        constants={"eps": 1e-15},
        clamp="clipped to [1e-15, 1 − 1e-15], then renormalised",
    ),
    Convention(
        name="keras",
        library="keras.losses.CategoricalCrossentropy / BinaryCrossentropy",
        call="CategoricalCrossentropy()(one_hot(y_true), y_pred); (N) pred: "
        "BinaryCrossentropy()(y_true[:, None], y_pred[:, None])",
        source=f"{_KERAS} categorical_crossentropy; keras/src/backend/*/nn.py; {_KERAS_LOSS}",
        reason="probabilities clipped at 1e-7; a sample weight does not enter the "
        "denominator (sum_over_batch_size)",
        impl=_ENTROPY + "keras_log_loss",
        constants=_KERAS_EPS,
        rules=_KERAS_MEAN,
        clamp=_KERAS_CLIP + ", rows renormalised first",
    ),
    Convention(
        name="torch",
        library="torch.nn.functional.nll_loss(log p) / BCELoss",
        call="nll_loss(torch.log(y_pred), y_true); (N) pred: BCELoss()(y_pred, y_true)",
        source="PyTorch NLLLoss and BCELoss documentation (torch 2.x)",
        reason="no clipping: a probability of 0 on the true class gives inf ((N) pred: log "
        "clamped at −100)",
        impl=_ENTROPY + "torch_log_loss",
    ),
)

SMOOTH_L1_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.SmoothL1Loss",
        call="SmoothL1Loss(beta=1.0)(input, target)",
        source="PyTorch SmoothL1Loss documentation (torch 2.x)",
        reason="losscli's default: β = 1",
    ),
    Convention(
        name="fvcore",
        library="fvcore.nn.smooth_l1_loss",
        call="smooth_l1_loss(input, target, beta, reduction='none') (β required)",
        source="facebookresearch/fvcore fvcore/nn/smooth_l1_loss.py @ "
        "b1a085b7e77aceff16fde2564a31bf2e42229ba5 (fvcore 0.1.5)",
        reason="same formula; β has no default, and β < 1e-5 gives exactly L1",
        impl=_REGRESSION + "fvcore_smooth_l1",
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.SmoothL1Loss",
        call="SmoothL1Loss(beta=1.0, reduction='mean', loss_weight=1.0)(pred, target)",
        source=_MMDET + "smooth_l1_loss.py @ 030b5682a4fc5bfe7fda1b0c6fb6e896f33b61dc",
        reason="same formula and β = 1; β must be > 0",
        impl=_REGRESSION + "mmdet_smooth_l1",
    ),
    Convention(
        name="maskrcnn-benchmark",
        library="maskrcnn_benchmark.layers.smooth_l1_loss",
        call="smooth_l1_loss(input, target, beta=1. / 9)",
        source="facebookresearch/maskrcnn-benchmark maskrcnn_benchmark/layers/"
        "smooth_l1_loss.py @ 9a44574f56352981988003adbcd3297fd08a5453",
        reason="β = 1/9 by default: Faster R-CNN's σ = 3, β = 1/σ²",
        params={"beta": 1 / 9},
    ),
    Convention(
        name="keras",
        library="keras.losses.Huber",
        call="Huber(delta=β)(y_true, y_pred)",
        source=f"{_KERAS} huber; {_KERAS_LOSS}",
        reason="no Smooth L1: Huber(delta=β) is β × smooth-l1 (equal at β = 1); mean over "
        "the last axis, then sum_over_batch_size",
        impl=_REGRESSION + "keras_huber",
        rules=_KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.huber_loss",
        call="huber_loss(predictions, targets, delta=β) (elementwise)",
        source=_OPTAX + "_regression.py huber_loss",
        reason="no Smooth L1: huber_loss(delta=β) is β × smooth-l1 (equal at β = 1)",
        impl=_REGRESSION + "optax_huber",
    ),
)

_KL_NOT_ELEMENTWISE: dict[str, str] = {}  # their mean is over samples: no 'mean' warning
KL_DIV_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.KLDivLoss",
        call="KLDivLoss(reduction='mean')(input, target)",
        source="PyTorch KLDivLoss documentation (torch 2.x)",
        reason="losscli's default: 'mean' averages every element (not the KL divergence; "
        "batchmean is)",
    ),
    Convention(
        name="keras",
        library="keras.losses.KLDivergence",
        call="KLDivergence()(y_true, y_pred) with y_pred = exp(input) (probabilities)",
        source=f"{_KERAS} kl_divergence; {_KERAS_LOSS}",
        reason="sums over the last axis (one KL per sample) and both sides are clipped to "
        "[1e-7, 1]",
        impl=_ENTROPY + "keras_kl_div",
        constants=_KERAS_EPS,
        rules=_KERAS_MEAN,
        warnings=_KL_NOT_ELEMENTWISE,
        clamp="y_true and y_pred clipped to [1e-7, 1]",
    ),
    Convention(
        name="optax",
        library="optax.kl_divergence",
        call="kl_divergence(log_predictions, targets) (per sample; jnp.mean it)",
        source=_OPTAX + "_classification.py kl_divergence, kl_divergence_with_log_targets",
        reason="sums over the last axis: one KL per sample, so its mean is torch's batchmean",
        impl=_ENTROPY + "optax_kl_div",
        warnings=_KL_NOT_ELEMENTWISE,
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
        "(one_hot(y_true), y_pred)",
        source=f"{_KERAS} categorical_crossentropy; {_KERAS_LOSS}",
        reason="same smoothing (ε/C); class weights are sample weights and the mean divides "
        "by N, not Σ w",
        impl=_ENTROPY + "keras_cross_entropy",
        rules=_KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.softmax_cross_entropy",
        call="softmax_cross_entropy(logits, smooth_labels(one_hot(labels), ε))",
        source=_OPTAX + "_classification.py softmax_cross_entropy; _smoothing.py smooth_labels",
        reason="same smoothing (ε/C); no class weights or ignore_index",
        impl=_ENTROPY + "optax_cross_entropy",
    ),
    Convention(
        name="fairseq",
        library="fairseq label_smoothed_cross_entropy",
        call="label_smoothed_nll_loss(lprobs, target, epsilon, ignore_index=padding_idx)",
        source="facebookresearch/fairseq fairseq/criterions/label_smoothed_cross_entropy.py @ "
        "f7c559cf2e519f90f1a80b93c005901da7d1cbb8",
        reason="ε/(C − 1) to each wrong class and 1 − ε to the true one (torch: ε/C to every "
        "class)",
        impl=_ENTROPY + "fairseq_cross_entropy",
    ),
)

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
        source=_MMDET + "iou_loss.py iou_loss (3.x); mmdet/structures/bbox/bbox_overlaps.py @ "
        "19bceba56284d440278e80cfde1d95460330ccbb",
        reason="mode 'log' by default: −ln IoU (UnitBox), IoU = I/max(U, 1e-6) clamped at 1e-6",
        params={"mode": "log", "eps": 1e-6},
        impl="losscli.losses.convention_boxes:mmdet_iou",
        constants={"overlap_eps": 1e-6},
        clamp="union clamped at 1e-6, IoU clamped at eps",
    ),
)
