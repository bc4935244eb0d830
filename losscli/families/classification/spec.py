"""Classification losses: cross-entropy and its relatives, focal losses."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import (
    CLASS_INDEX_TARGET,
    CLASS_LOGITS,
    IGNORE_INDEX,
    KERAS_SAMPLE_WEIGHT,
    PRED_FLAGS,
    TARGET_FLAGS,
    class_weight,
)
from losscli.families.classification.conventions import (
    BCE_CONVENTIONS,
    CROSS_ENTROPY_CONVENTIONS,
    FOCAL_CONVENTIONS,
    SOFTMAX_FOCAL_CONVENTIONS,
)

_SEED_LOGITS = "[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]]"
_WEIGHTED_MEAN = (
    "mean: Σ w[yᵢ]·ℓᵢ / Σ w[yᵢ] over non-ignored targets (w = 1 without --weight); "
    "with probability targets, Σ ℓᵢ / N"
)

_BINARY_TARGET = InputSpec(
    "target",
    "binary targets in [0, 1], the same shape as --pred",
    domain="prob",
    flags=TARGET_FLAGS,
    shape="(*), as pred",
)

_GAMMA = ParamSpec(
    "gamma",
    "float",
    2.0,
    "focusing exponent on (1 − p_t); 0 gives (weighted) cross-entropy",
    minimum=0.0,
)

SPECS = (
    LossSpec(
        name="cross-entropy",
        summary="Softmax cross-entropy on logits (CrossEntropyLoss)",
        family="classification",
        formula=(
            "ℓᵢ = −w[yᵢ]·log softmax(xᵢ)[yᵢ] = w[yᵢ]·(log Σ_c exp(xᵢ,c) − xᵢ,yᵢ); "
            "probability targets: ℓᵢ = −Σ_c w_c·yᵢ,c·log softmax(xᵢ)_c; "
            "label smoothing ε mixes the target with the uniform distribution"
        ),
        inputs=(
            CLASS_LOGITS,
            InputSpec(
                "target",
                "class indices (integers, as for nll) or class probabilities "
                "(floats, the same shape as --pred)",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="() | (N) | (N, d1, ...) | as pred",
            ),
        ),
        params=(
            class_weight(),
            IGNORE_INDEX,
            ParamSpec(
                "label_smoothing",
                "float",
                0.0,
                "ε in [0, 1]: the target becomes (1 − ε)·target + ε/C",
                minimum=0.0,
                maximum=1.0,
            ),
            KERAS_SAMPLE_WEIGHT,
        ),
        conventions=CROSS_ENTROPY_CONVENTIONS,
        impl="cross_entropy",
        numpy_impl="cross_entropy", chunks="rows",
        check="cross_entropy",
        aliases=("CrossEntropyLoss", "ce", "softmax-cross-entropy"),
        reduction_rule=_WEIGHTED_MEAN,
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html",
            "Szegedy et al., Rethinking the Inception Architecture (label smoothing), 2016",
        ),
        notes=(
            "Takes raw logits: it applies log_softmax itself. Passing probabilities "
            "squashes the loss towards log C.",
            "With --weight or ignored targets, the mean divides by the sum of the "
            "weights of the counted targets, not by N.",
        ),
        example={"pred": _SEED_LOGITS, "target": "[0, 1, 2]"},
    ),
    LossSpec(
        name="nll",
        summary="Negative log-likelihood on log-probabilities (NLLLoss)",
        family="classification",
        formula="ℓᵢ = −w[yᵢ]·xᵢ,yᵢ",
        inputs=(
            InputSpec(
                "pred",
                "log-probabilities (e.g. log_softmax output), class dimension 1: "
                "(C), (N, C) or (N, C, d1, ...)",
                flags=PRED_FLAGS,
                shape="(C) | (N, C) | (N, C, d1, ...)",
                expects="logprob",
            ),
            CLASS_INDEX_TARGET,
        ),
        params=(class_weight(), IGNORE_INDEX),
        impl="nll",
        numpy_impl="nll", chunks="rows",
        check="class_index_loss",
        aliases=("NLLLoss", "NLLLoss2d", "nll_loss", "negative-log-likelihood"),
        reduction_rule=_WEIGHTED_MEAN,
        references=("https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html",),
        notes=("Takes log-probabilities: apply log_softmax first, or use cross-entropy.",),
        example={"pred": "[[0.1, 0.8, 0.2], [0.4, 0.5, 0.6]]", "target": "[1, 2]"},
    ),
    LossSpec(
        name="bce",
        summary="Binary cross-entropy on probabilities (BCELoss)",
        family="classification",
        formula="ℓᵢ = −wᵢ·[yᵢ·log xᵢ + (1 − yᵢ)·log(1 − xᵢ)],  each log clamped at −100",
        inputs=(
            InputSpec(
                "pred",
                "probabilities in [0, 1] (e.g. sigmoid output), any shape",
                domain="prob",
                flags=PRED_FLAGS,
                shape="(*)",
            ),
            _BINARY_TARGET,
        ),
        params=(
            ParamSpec(
                "weight",
                "tensor",
                None,
                "TENSOR of rescaling weights, broadcastable to --pred",
            ),
            KERAS_SAMPLE_WEIGHT,
        ),
        conventions=BCE_CONVENTIONS,
        impl="bce",
        numpy_impl="bce", chunks="elements",
        check="bce_probabilities",
        aliases=("BCELoss", "binary_cross_entropy"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html",),
        notes=("Takes probabilities: for raw scores use bce-with-logits (numerically stable).",),
        example={"pred": "[[0.1, 0.9, 0.8], [0, 1, 0]]", "target": "[[0, 1, 1], [0, 1, 0]]"},
    ),
    LossSpec(
        name="bce-with-logits",
        summary="Binary cross-entropy on logits, sigmoid built in (BCEWithLogitsLoss)",
        family="classification",
        formula="ℓᵢ = −wᵢ·[p_c·yᵢ·log σ(xᵢ) + (1 − yᵢ)·log(1 − σ(xᵢ))]",
        inputs=(
            InputSpec(
                "pred",
                "raw scores (logits), any shape",
                flags=PRED_FLAGS,
                shape="(*)",
                expects="logits",
            ),
            _BINARY_TARGET,
        ),
        params=(
            ParamSpec(
                "weight", "tensor", None, "TENSOR of rescaling weights, broadcastable to --pred"
            ),
            ParamSpec(
                "pos_weight",
                "tensor",
                None,
                "TENSOR of weights p_c on positive examples, broadcast along the last "
                "(class) dimension",
            ),
        ),
        impl="bce_with_logits",
        numpy_impl="bce_with_logits", chunks="elements",
        check="bce",
        aliases=("BCEWithLogitsLoss", "binary_cross_entropy_with_logits", "sigmoid-bce"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html",),
        example={
            "pred": "[[-1.2, 0.8, 2.0], [0.3, -0.5, 1.1]]",
            "target": "[[0, 1, 1], [0, 1, 0]]",
        },
    ),
    LossSpec(
        name="focal",
        summary="Sigmoid focal loss on logits (torchvision.ops.sigmoid_focal_loss)",
        family="classification",
        formula=(
            "p = σ(x),  p_t = p·y + (1 − p)·(1 − y),  α_t = α·y + (1 − α)·(1 − y),  "
            "ℓᵢ = −α_t·(1 − p_t)^γ·log p_t"
        ),
        inputs=(
            InputSpec(
                "pred",
                "raw scores (logits), any shape",
                flags=PRED_FLAGS,
                shape="(*)",
                expects="logits",
            ),
            _BINARY_TARGET,
        ),
        params=(
            ParamSpec(
                "alpha",
                "float",
                0.25,
                "weight of the positive class (1 − α for negatives); a negative value "
                "disables the weighting",
                maximum=1.0,
            ),
            _GAMMA,
            KERAS_SAMPLE_WEIGHT,
        ),
        conventions=FOCAL_CONVENTIONS,
        impl="sigmoid_focal",
        numpy_impl="sigmoid_focal", chunks="elements",
        check="same_shape",
        aliases=("sigmoid-focal", "sigmoid_focal_loss", "focal-loss"),
        references=(
            "Lin et al., Focal Loss for Dense Object Detection, ICCV 2017",
            "torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py)",
        ),
        notes=(
            "torchvision semantics: α weights positives, 1 − α negatives; the term "
            "uses the numerically stable BCE-with-logits for −log p_t.",
            "torchvision's default reduction is 'none'; losscli defaults to 'mean' "
            "like every torch.nn loss.",
        ),
        example={
            "pred": "[[-0.1, 0.9, 0.23], [-0.12, -0.34, 0.6]]",
            "target": "[[0, 1, 0], [0, 0, 1]]",
        },
    ),
    LossSpec(
        name="softmax-focal",
        summary="Multi-class focal loss on logits, softmax over the class dimension",
        family="classification",
        formula="p_t = softmax(xᵢ)[yᵢ],  ℓᵢ = −α_t·(1 − p_t)^γ·log p_t",
        inputs=(CLASS_LOGITS, CLASS_INDEX_TARGET),
        params=(
            ParamSpec(
                "alpha",
                "float_or_tensor",
                None,
                "class weighting α_t: a number applied to every class, or a TENSOR of C "
                "per-class values (α_t = alpha[yᵢ]); unset means 1",
            ),
            _GAMMA,
            IGNORE_INDEX,
            KERAS_SAMPLE_WEIGHT,
        ),
        conventions=SOFTMAX_FOCAL_CONVENTIONS,
        impl="softmax_focal",
        numpy_impl="softmax_focal", chunks="rows",
        check="class_index_loss",
        aliases=("multiclass-focal", "softmax_focal_loss"),
        reduction_rule="mean: Σ ℓᵢ / (number of non-ignored targets); α is a factor, "
        "not a normaliser",
        references=(
            "Lin et al., Focal Loss for Dense Object Detection, ICCV 2017",
        ),
        notes=(
            "p_t is the softmax probability of the true class; with γ = 0 and no α this "
            "is cross-entropy.",
            "A scalar α multiplies every class's term. kornia instead weights class 0 by "
            "1 − α and the other classes by α: see --convention kornia.",
        ),
        example={"pred": _SEED_LOGITS, "target": "[0, 1, 2]", "gamma": "2"},
    ),
)
