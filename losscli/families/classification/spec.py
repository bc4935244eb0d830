"""Classification losses: cross-entropy and its relatives, focal losses."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import (
    CLASS_INDEX_TARGET,
    CLASS_LOGITS,
    IGNORE_INDEX,
    KERAS_WEIGHTING,
    LAST_AXIS_INDEX_TARGET,
    PRED_FLAGS,
    TARGET_FLAGS,
    class_weight,
)
from losscli.families.classification.conventions import (
    ASYMMETRIC_CONVENTIONS,
    BCE_CONVENTIONS,
    BCE_WITH_LOGITS_CONVENTIONS,
    CROSS_ENTROPY_CONVENTIONS,
    FOCAL_CONVENTIONS,
    POLY_CONVENTIONS,
    SOFTMAX_FOCAL_CONVENTIONS,
)
from losscli.families.classification.z_loss import Z_LOSS

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

_BROADCAST_WEIGHT = ParamSpec(
    "weight", "tensor", None, "TENSOR of rescaling weights, broadcastable to --pred"
)

_GAMMA = ParamSpec(
    "gamma",
    "float",
    2.0,
    "focusing exponent on (1 − p_t); 0 gives (weighted) cross-entropy",
    minimum=0.0,
)

_LAST_AXIS_LOGITS = InputSpec(
    "pred",
    "raw class scores (logits), classes on the last dimension: (C), (N, C) or (N, ..., C)",
    flags=PRED_FLAGS,
    shape="(C) | (N, C) | (N, ..., C)",
    expects="class_logits",
)

_LAST_AXIS_LABELS = InputSpec(
    "target",
    "class probabilities (floats, the shape of --pred; soft labels allowed) or class "
    "indices (integers, the shape of --pred without its last dimension)",
    kind="float_or_index",
    flags=TARGET_FLAGS,
    shape="() | (N) | (N, ...) | as pred",
)

_KERAS = "Keras 3.15.1, keras/src/losses/losses.py"

_OPTAX = "optax 0.2.8, optax/losses/_classification.py"

_INCLUDE_BACKGROUND = ParamSpec(
    "include_background",
    "bool",
    True,
    "--no-include-background drops class 0 (index 0 of the class dimension 1) before "
    "the activation, as "
    "MONAI's include_background; --weight and a per-class --alpha then have C − 1 values",
)

_BINARY_SMOOTHING = ParamSpec(
    "label_smoothing",
    "float",
    0.0,
    "ε in [0, 1]: targets become y·(1 − ε) + ε/2 (cross-entropy's ε/C with two classes, as "
    "Keras); segmentation_models_pytorch shifts by ε instead (--convention smp)",
    minimum=0.0,
    maximum=1.0,
)
_CATEGORICAL_SMOOTHING = ParamSpec(
    "label_smoothing",
    "float",
    0.0,
    "ε in [0, 1]: the one-hot target becomes (1 − ε)·onehot + ε/C and ℓ = −Σ_c α_c·w_c·q_c·"
    "(1 − p_c)^γ·log p_c (Keras's CategoricalFocalCrossentropy)",
    minimum=0.0,
    maximum=1.0,
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
            *KERAS_WEIGHTING,
            Z_LOSS,
        ),
        conventions=CROSS_ENTROPY_CONVENTIONS,
        perplexity=True,
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
        formula="ℓᵢ = −wᵢ·[yᵢ·log xᵢ + (1 − yᵢ)·log(1 − xᵢ)],  each log clamped at −100; "
        "label smoothing ε: yᵢ → yᵢ·(1 − ε) + ε/2",
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
            _BROADCAST_WEIGHT,
            _BINARY_SMOOTHING,
            *KERAS_WEIGHTING,
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
        formula="ℓᵢ = −wᵢ·[p_c·yᵢ·log σ(xᵢ) + (1 − yᵢ)·log(1 − σ(xᵢ))]; "
        "label smoothing ε: yᵢ → yᵢ·(1 − ε) + ε/2",
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
            _BROADCAST_WEIGHT,
            ParamSpec(
                "pos_weight",
                "tensor",
                None,
                "TENSOR of weights p_c on positive examples, broadcast along the last "
                "(class) dimension",
            ),
            _BINARY_SMOOTHING,
            *KERAS_WEIGHTING,
            ParamSpec(
                "ignore_index",
                "int",
                -100,
                "target value whose terms are 0 but still count in the mean (only with "
                "--convention smp: SoftBCEWithLogitsLoss's ignore_index, -100 by default)",
                conventions=("smp",),
            ),
        ),
        conventions=BCE_WITH_LOGITS_CONVENTIONS,
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
                "raw scores (logits), any shape; class dimension 1, (N, C, ...), for "
                "--weight, a per-class --alpha and --no-include-background",
                flags=PRED_FLAGS,
                shape="(*) | (N, C, ...)",
                expects="logits",
            ),
            _BINARY_TARGET,
        ),
        params=(
            ParamSpec(
                "alpha",
                "float_or_tensor",
                0.25,
                "weight of the positive class (1 − α for negatives); a negative value "
                "disables the weighting; or a TENSOR of one α_c per class along dimension 1 "
                "(α_c on positives, 1 − α_c on negatives; MONAI's --convention monai keeps "
                "negatives at 1)",
                maximum=1.0,
            ),
            _GAMMA,
            class_weight(
                " along dimension 1 (the class dimension; 0 for 1-D input), a factor on "
                "every term, positive or negative (MONAI's weight)"
            ),
            _INCLUDE_BACKGROUND,
            _BINARY_SMOOTHING,
            *KERAS_WEIGHTING,
            ParamSpec(
                "apply_class_balancing",
                "bool",
                False,
                "Keras's apply_class_balancing (only with --convention keras): α_t = α·y + "
                "(1 − α)·(1 − y) on each term, from the smoothed target; Keras ignores α "
                "without it",
                conventions=("keras",),
            ),
        ),
        conventions=FOCAL_CONVENTIONS,
        impl="sigmoid_focal",
        numpy_impl="sigmoid_focal", chunks="rows",
        check="focal",
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
            class_weight(": a factor w[yᵢ] on each term (the mean still divides by the "
                         "number of kept targets, not by Σ w)"),
            _INCLUDE_BACKGROUND,
            _CATEGORICAL_SMOOTHING,
            *KERAS_WEIGHTING,
        ),
        conventions=SOFTMAX_FOCAL_CONVENTIONS,
        impl="softmax_focal",
        numpy_impl="softmax_focal", chunks="rows",
        check="softmax_focal",
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
            "--no-include-background: the softmax covers classes 1 … C − 1 only and "
            "targets of class 0 are left out of the mean like ignored ones (MONAI keeps "
            "their zero terms in its mean: --convention monai).",
        ),
        example={"pred": _SEED_LOGITS, "target": "[0, 1, 2]", "gamma": "2"},
    ),
    LossSpec(
        name="poly",
        summary="Poly-1 loss: softmax cross-entropy plus ε·(1 − p_t) (optax "
        "poly_loss_cross_entropy)",
        family="classification",
        formula="p = softmax(xᵢ),  ℓᵢ = −Σ_c yᵢ,c·log p_c + ε·Σ_c yᵢ,c·(1 − p_c)",
        inputs=(_LAST_AXIS_LOGITS, _LAST_AXIS_LABELS),
        params=(
            ParamSpec(
                "epsilon",
                "float",
                2.0,
                "weight ε of the first polynomial term (1 − p_t); 0 gives cross-entropy",
            ),
        ),
        conventions=POLY_CONVENTIONS,
        impl="poly",
        numpy_impl="poly",
        chunks="rows",
        check="last_axis_labels",
        aliases=("PolyLoss", "poly_loss_cross_entropy", "poly-1", "poly1"),
        references=(
            "Leng et al., PolyLoss: A Polynomial Expansion Perspective of Classification "
            "Loss Functions, ICLR 2022",
            _OPTAX + " poly_loss_cross_entropy",
        ),
        notes=(
            "ε defaults to 2.0 as in optax (the paper's ImageNet value; it suggests "
            "ε = −1 for detection). Classes are on the last dimension, as in optax.",
            "With soft labels the (1 − p_t) term is Σ_c y_c·(1 − p_c), optax's definition; "
            "it equals 1 − Σ_c y_c·p_c when the labels sum to 1. Class indices are one-hot.",
        ),
        example={"pred": "[[4, 2, 1], [0, 5, 1]]", "target": "[[1, 0, 0], [0, 0.8, 0.2]]"},
    ),
    LossSpec(
        name="generalized-cross-entropy",
        summary="Generalized cross-entropy (1 − p_t^q)/q on probabilities, robust to noisy "
        "labels (Keras CategoricalGeneralizedCrossEntropy)",
        family="classification",
        formula="p_t = xᵢ,yᵢ,  ℓᵢ = (1 − p_t^q) / q",
        inputs=(
            InputSpec(
                "pred",
                "class probabilities (e.g. a softmax output), classes on the last "
                "dimension: (C), (N, C) or (N, ..., C)",
                domain="prob",
                flags=PRED_FLAGS,
                shape="(C) | (N, C) | (N, ..., C)",
            ),
            LAST_AXIS_INDEX_TARGET,
        ),
        params=(
            ParamSpec(
                "q",
                "float",
                0.5,
                "exponent in (0, 1]: towards 0 cross-entropy, 1 gives 1 − p_t (MAE-like)",
                minimum=0.0,
                exclusive_minimum=True,
                maximum=1.0,
            ),
        ),
        impl="generalized_cross_entropy",
        numpy_impl="generalized_cross_entropy",
        chunks="rows",
        check="last_axis_probabilities",
        aliases=(
            "CategoricalGeneralizedCrossEntropy",
            "categorical_generalized_cross_entropy",
            "gce",
        ),
        reduction_rule="mean: Σ ℓᵢ / N over the samples (or pixels), Keras' "
        "sum_over_batch_size",
        references=(
            "Zhang and Sabuncu, Generalized Cross Entropy Loss for Training Deep Neural "
            "Networks with Noisy Labels, NeurIPS 2018",
            _KERAS + " categorical_generalized_cross_entropy",
        ),
        notes=(
            "The input is probabilities (no softmax is applied), as in Keras. q defaults to "
            "Keras' 0.5 (the paper uses 0.7); Keras refuses q = 1, where the loss is "
            "1 − p_t.",
            "As q → 0 the loss tends to −log p_t (cross-entropy). ∂ℓ/∂p_t = −p_t^(q−1) is "
            "unbounded at p_t = 0 for q < 1.",
        ),
        example={
            "pred": "[[0.7, 0.3, 0.0], [0.2, 0.2, 0.6], [0.6, 0.4, 0.0], [0.2, 0.2, 0.6]]",
            "target": "[0, 1, 0, 1]",
        },
    ),
    LossSpec(
        name="sparsemax",
        summary="Sparsemax loss: multi-class on class indices, or binary on 0/1 labels "
        "(optax multiclass_sparsemax_loss, sparsemax_loss)",
        family="classification",
        formula=(
            "multi-class: p = sparsemax(xᵢ), ℓᵢ = Σ_c p_c·(xᵢ,c − xᵢ,yᵢ) + ½·(1 − ‖p‖²); "
            "binary: s = −x if y = 1 else x, ℓ = 0 (s ≤ −1), (s + 1)²/4 (|s| < 1), "
            "s (s ≥ 1)"
        ),
        inputs=(
            InputSpec(
                "pred",
                "raw scores: classes on the last dimension for class-index targets, any "
                "shape for 0/1 labels",
                flags=PRED_FLAGS,
                shape="(C) | (N, C) | (N, ..., C)",
            ),
            InputSpec(
                "target",
                "class indices (the shape of --pred without its last dimension: "
                "multi-class), or labels 0/1 of --pred's shape (binary, one term per score)",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="() | (N) | (N, ...) | as pred",
            ),
        ),
        impl="sparsemax",
        numpy_impl="sparsemax",
        check="sparsemax",
        aliases=("sparsemax_loss", "multiclass_sparsemax_loss", "SparsemaxLoss"),
        references=(
            "Martins and Astudillo, From Softmax to Sparsemax, ICML 2016",
            "Blondel, Martins and Niculae, Learning with Fenchel-Young Losses, JMLR 2020",
            _OPTAX + " multiclass_sparsemax_loss, sparsemax_loss",
        ),
        notes=(
            "sparsemax(x) is the Euclidean projection of x on the simplex, computed exactly: "
            "sort x, k = max{k : 1 + k·x_(k) > Σ_(j ≤ k) x_(j)}, τ = (Σ_(j ≤ k) x_(j) − 1)/k, "
            "p = max(x − τ, 0).",
            "The form is chosen by the target's shape: the shape of --pred without its "
            "last dimension means class indices; --pred's own shape means binary 0/1 "
            "labels. The binary loss is the multi-class one on the scores [0, x].",
            "Both forms are differentiable everywhere (C¹): ∂ℓ/∂x = p − onehot(y), and "
            "for binary ∂ℓ/∂s = 0, (s + 1)/2, 1 meet at s = ±1; a score that meets τ "
            "exactly gets no gradient through p (relu), so autograd gives p − onehot(y) "
            "there too.",
        ),
        example={"pred": "[[1, 2, 0.5], [0.2, 0.1, -1]]", "target": "[0, 2]"},
    ),
    LossSpec(
        name="asymmetric",
        summary="Asymmetric loss (ASL) for multi-label classification on logits "
        "(timm AsymmetricLossMultiLabel)",
        family="classification",
        formula=(
            "p = σ(x),  p₋ = min(1 − p + clip, 1),  ℓ = −y·(1 − p)^γ₊·log max(p, eps) "
            "− (1 − y)·(1 − p₋)^γ₋·log max(p₋, eps)"
        ),
        inputs=(
            InputSpec(
                "pred",
                "raw scores (logits), one per class: (C), (N, C) or any shape",
                flags=PRED_FLAGS,
                shape="(*)",
                expects="logits",
            ),
            InputSpec(
                "target",
                "multi-hot labels 0 or 1, the same shape as --pred",
                domain="binary",
                flags=TARGET_FLAGS,
                shape="(*), as pred",
            ),
        ),
        params=(
            ParamSpec("gamma_neg", "float", 4.0, "focusing exponent γ₋ of the negatives",
                      minimum=0.0),
            ParamSpec("gamma_pos", "float", 1.0, "focusing exponent γ₊ of the positives",
                      minimum=0.0),
            ParamSpec(
                "clip",
                "float",
                0.05,
                "probability margin m shifted onto the negatives, p₋ = min(1 − p + m, 1): "
                "negatives with p <= m cost nothing; 0 disables it",
                minimum=0.0,
                maximum=1.0,
            ),
            ParamSpec("eps", "float", 1e-8, "probabilities are clamped to >= eps before the log",
                      minimum=0.0, exclusive_minimum=True, maximum=1.0),
        ),
        conventions=ASYMMETRIC_CONVENTIONS,
        impl="asymmetric",
        numpy_impl="asymmetric",
        chunks="elements",
        check="same_shape",
        aliases=("AsymmetricLossMultiLabel", "asl", "asymmetric-loss"),
        reduction_rule="mean: Σ ℓ / (N·C) over every (sample, class) element; timm sums "
        "them (--convention timm)",
        references=(
            "Ridnik et al., Asymmetric Loss For Multi-Label Classification, ICCV 2021",
            "timm/loss/asymmetric_loss.py AsymmetricLossMultiLabel (timm v1.0.28)",
        ),
        notes=(
            "With γ₋ = γ₊ = 0 and clip = 0 this is bce-with-logits (up to the eps clamp).",
            "Labels are 0 or 1: the paper defines ASL for them, and timm's single weight "
            "(1 − p_t)^(γ₊·y + γ₋·(1 − y)) would mix the two parts for soft labels.",
            "timm's module returns the SUM over batch and classes (the original ASL "
            "reduction): --convention timm, or --reduction sum.",
            "Subgradients (autograd): at p = clip the clipped side is flat (p₋ = 1) and the "
            "gradient of the unclipped side is taken (torch.clamp passes it at its bound); "
            "with γ₋ > 0 both sides are 0 there. The focusing weights are differentiated "
            "(timm's disable_torch_grad_focal_loss=False); where 1 − p_t = 0 (clipped "
            "negatives) their gradient is 0, where timm's torch.pow gives NaN for γ < 1.",
        ),
        example={
            "pred": "[[2, -1, 0.5], [-0.3, 1.2, -2]]",
            "target": "[[1, 0, 1], [0, 1, 0]]",
        },
    ),
    LossSpec(
        name="asymmetric-single-label",
        summary="Asymmetric loss (ASL) on softmax probabilities, one class per sample, with "
        "label smoothing (timm AsymmetricLossSingleLabel)",
        family="classification",
        formula=(
            "p = softmax(xᵢ),  w_y = (1 − p_y)^γ₊,  w_c = p_c^γ₋ (c ≠ y),  "
            "t = (1 − ε)·onehot(y) + ε/C,  ℓᵢ = −Σ_c t_c·w_c·log p_c"
        ),
        inputs=(_LAST_AXIS_LOGITS, LAST_AXIS_INDEX_TARGET),
        params=(
            ParamSpec("gamma_pos", "float", 1.0, "focusing exponent γ₊ of the true class",
                      minimum=0.0),
            ParamSpec("gamma_neg", "float", 4.0, "focusing exponent γ₋ of the other classes",
                      minimum=0.0),
            ParamSpec("label_smoothing", "float", 0.1,
                      "ε: the target is (1 − ε)·onehot(y) + ε/C (timm calls it eps)",
                      minimum=0.0, maximum=1.0),
        ),
        impl="asymmetric_single_label",
        numpy_impl="asymmetric_single_label",
        chunks="rows",
        check="last_axis_labels",
        aliases=("AsymmetricLossSingleLabel", "asl-single-label"),
        references=(
            "Ridnik et al., Asymmetric Loss For Multi-Label Classification, ICCV 2021",
            "timm/loss/asymmetric_loss.py AsymmetricLossSingleLabel (timm v1.0.28)",
        ),
        notes=(
            "timm semantics, including its default ε = 0.1: here eps is label smoothing, "
            "whereas in the multi-label loss (asymmetric) it is the log clamp.",
            "The weights multiply log p before smoothing, so the smoothed mass on the "
            "other classes is focused too; with γ₊ = γ₋ = 0 and ε = 0 this is "
            "cross-entropy. The mean over samples is timm's reduction='mean'.",
        ),
        example={"pred": "[[2, -1, 0.5], [-0.3, 1.2, -2]]", "target": "[0, 1]"},
    ),
)
