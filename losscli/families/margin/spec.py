"""Margin and ranking losses (and the multi-label soft-margin loss, a classification loss)."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import (
    CLASS_INDEX_TARGET,
    KERAS_WEIGHTING,
    LAST_AXIS_INDEX_TARGET,
    PRED_FLAGS,
    REGRESSION_PRED,
    TARGET_FLAGS,
)
from losscli.families.margin.conventions import (
    CATEGORICAL_HINGE_CONVENTIONS,
    SQUARED_HINGE_CONVENTIONS,
)

_SCORES = InputSpec(
    "pred",
    "class scores, (C) or (N, C)",
    flags=PRED_FLAGS,
    shape="(C) | (N, C)",
)

_LAST_AXIS_SCORES = InputSpec(
    "pred",
    "scores, classes on the last dimension: (C), (N, C) or (N, ..., C)",
    flags=PRED_FLAGS,
    shape="(C) | (N, C) | (N, ..., C)",
)

_OPTAX = "optax 0.2.8, optax/losses/_classification.py"

_KERAS = "Keras 3.15.1, keras/src/losses/losses.py"

_SIGN_TARGET = InputSpec(
    "target",
    "labels 1 or -1, the same shape as --pred",
    kind="float_or_index",
    flags=TARGET_FLAGS,
    shape="(*), as pred",
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
        impl="multi_margin",
        numpy_impl="multi_margin", chunks="rows",
        check="multi_margin",
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
        impl="multilabel_margin",
        numpy_impl="multilabel_margin", chunks="rows",
        check="multilabel_margin",
        aliases=("MultiLabelMarginLoss", "multilabel_margin_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.MultiLabelMarginLoss.html",
        ),
        example={"pred": "[[0.1, 0.2, 0.4, 0.8]]", "target": "[[3, 0, -1, 1]]"},
    ),
    LossSpec(
        name="soft-margin",
        summary="Two-class logistic loss on ±1 labels (SoftMarginLoss)",
        family="margin/ranking",
        formula="ℓᵢ = log(1 + exp(−yᵢ·xᵢ))",
        inputs=(REGRESSION_PRED, _SIGN_TARGET),
        impl="soft_margin",
        numpy_impl="soft_margin", chunks="elements",
        check="soft_margin",
        aliases=("SoftMarginLoss", "soft_margin_loss"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.SoftMarginLoss.html",),
        notes=(
            "Labels are 1 and -1 (a 0 label gives log 2 whatever the score): values other "
            "than ±1 are computed as PyTorch does, with a warning.",
            "Computed stably as logaddexp(0, −y·x) on both backends: where y·x is a large "
            "negative number, F.soft_margin_loss overflows (log(1 + exp(10000)) = inf) and "
            "losscli gives the true value (10000). This is the one place where --backend "
            "torch differs from torch.nn: it follows the formula, not the overflow.",
        ),
        example={"pred": "[0.8, -0.4, 1.5, -2.0]", "target": "[1, -1, -1, 1]"},
    ),
    LossSpec(
        name="multilabel-soft-margin",
        summary="Multi-label one-versus-all logistic loss, one term per sample "
        "(MultiLabelSoftMarginLoss)",
        family="classification",
        formula="ℓᵢ = −Σ_c w_c·[yᵢ,c·log σ(xᵢ,c) + (1 − yᵢ,c)·log σ(−xᵢ,c)] / C",
        inputs=(
            InputSpec(
                "pred",
                "raw scores (logits), classes on the last dimension: (C) or (N, C)",
                flags=PRED_FLAGS,
                shape="(C) | (N, C)",
                expects="logits",
            ),
            InputSpec(
                "target",
                "labels 0 or 1 per class (soft labels in [0, 1] allowed), the shape of --pred",
                domain="prob",
                flags=TARGET_FLAGS,
                shape="as pred",
            ),
        ),
        params=(
            ParamSpec(
                "weight",
                "tensor",
                None,
                "TENSOR of C per-class weights w_c (broadcast to --pred)",
            ),
        ),
        impl="multilabel_soft_margin",
        numpy_impl="multilabel_soft_margin", chunks="rows",
        check="multilabel_soft_margin",
        aliases=("MultiLabelSoftMarginLoss", "multilabel_soft_margin_loss"),
        reduction_rule="mean: Σ ℓᵢ / N over the N samples (each ℓᵢ already averages its C "
        "classes)",
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.MultiLabelSoftMarginLoss.html",
        ),
        notes=(
            "Equals bce-with-logits averaged over the classes of each sample: the mean "
            "matches bce-with-logits' mean on the same (N, C) inputs.",
        ),
        example={
            "pred": "[[0.9, -1.2, 0.3], [-0.5, 2.0, 0.1]]",
            "target": "[[1, 0, 1], [0, 1, 0]]",
        },
    ),
    LossSpec(
        name="margin-ranking",
        summary="Pairwise ranking hinge: input1 should rank above input2 when y = 1 "
        "(MarginRankingLoss)",
        family="margin/ranking",
        formula="ℓᵢ = max(0, −yᵢ·(x1ᵢ − x2ᵢ) + margin)",
        inputs=(
            InputSpec("input1", "scores of the first items, (N) or ()", shape="(N) | ()"),
            InputSpec("input2", "scores of the second items, the shape of --input1",
                      shape="as input1"),
            InputSpec(
                "target",
                "1 where input1 should rank higher, -1 where input2 should; the shape of "
                "--input1",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="as input1",
            ),
        ),
        params=(
            ParamSpec("margin", "float", 0.0, "required score gap between the two items"),
        ),
        impl="margin_ranking",
        numpy_impl="margin_ranking", chunks="elements",
        check="margin_ranking",
        aliases=("MarginRankingLoss", "margin_ranking_loss", "ranking"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.MarginRankingLoss.html",
        ),
        example={
            "input1": "[0.8, 0.3, 0.5]",
            "input2": "[0.4, 0.6, 0.5]",
            "target": "[1, 1, -1]",
            "margin": "0.1",
        },
    ),
    LossSpec(
        name="squared-hinge",
        summary="Squared hinge on ±1 labels, averaged over the last dimension "
        "(Keras SquaredHinge)",
        family="margin/ranking",
        formula="ℓᵢ = Σ_c max(0, 1 − yᵢ,c·xᵢ,c)² / C, labels all in {0, 1} read as 2y − 1",
        inputs=(
            _LAST_AXIS_SCORES,
            InputSpec(
                "target",
                "labels -1 or 1 (or all 0/1, read as -1/1), the shape of --pred",
                flags=TARGET_FLAGS,
                shape="as pred",
            ),
        ),
        params=KERAS_WEIGHTING,
        conventions=SQUARED_HINGE_CONVENTIONS,
        impl="squared_hinge",
        numpy_impl="squared_hinge",
        check="squared_hinge",
        aliases=("SquaredHinge", "squared_hinge"),
        reduction_rule="mean: Σ ℓᵢ / N over the samples (each ℓᵢ already averages the last "
        "dimension), Keras' sum_over_batch_size",
        references=(
            "https://keras.io/api/losses/hinge_losses/#squaredhinge-class",
            _KERAS + " squared_hinge",
        ),
        notes=(
            "Keras semantics: when every label is 0 or 1 the whole target is mapped to "
            "2y − 1 (convert_binary_labels_to_hinge); otherwise labels are used as given.",
            "Differentiable everywhere (C¹): ∂ℓ/∂x_c = −2·y_c·max(0, 1 − y_c·x_c)/C, which "
            "is 0 on both sides of the margin y·x = 1.",
        ),
        example={"pred": "[[0.6, 0.4], [0.4, 0.6]]", "target": "[[0, 1], [0, 0]]"},
    ),
    LossSpec(
        name="categorical-hinge",
        summary="Multi-class hinge on one-hot targets: best wrong score against the true "
        "score (Keras CategoricalHinge)",
        family="margin/ranking",
        formula="posᵢ = Σ_c yᵢ,c·xᵢ,c,  negᵢ = max_c (1 − yᵢ,c)·xᵢ,c,  "
        "ℓᵢ = max(0, negᵢ − posᵢ + 1)",
        inputs=(
            _LAST_AXIS_SCORES,
            InputSpec(
                "target",
                "one-hot labels (1 for the true class, 0 elsewhere), the shape of --pred",
                flags=TARGET_FLAGS,
                shape="as pred",
            ),
        ),
        params=KERAS_WEIGHTING,
        conventions=CATEGORICAL_HINGE_CONVENTIONS,
        impl="categorical_hinge",
        numpy_impl="categorical_hinge",
        chunks="rows",
        check="categorical_hinge",
        aliases=("CategoricalHinge", "categorical_hinge"),
        reduction_rule="mean: Σ ℓᵢ / N over the samples, Keras' sum_over_batch_size",
        references=(
            "https://keras.io/api/losses/hinge_losses/#categoricalhinge-class",
            _KERAS + " categorical_hinge",
        ),
        notes=(
            "Keras semantics: the true class enters the max as (1 − 1)·x_y = 0, so with a "
            "one-hot y, neg = max(0, max_(c ≠ y) x_c); unlike hinge's Crammer-Singer "
            "margin, wrong scores below 0 all count as 0.",
            "Targets are used as given (Keras does not check them): an all-zero row gives "
            "max(0, max_c x_c + 1).",
            "Subgradients (autograd): ties in the max split the gradient evenly between "
            "the tied classes (torch.amax); at neg − pos + 1 = 0 the hinge's slope 1 is "
            "taken (torch.clamp).",
        ),
        example={"pred": "[[0.6, 0.4], [0.4, 0.6]]", "target": "[[0, 1], [0, 0]]"},
    ),
    LossSpec(
        name="perceptron",
        summary="Multi-class perceptron loss: best score minus the true score "
        "(optax multiclass_perceptron_loss)",
        family="margin/ranking",
        formula="ℓᵢ = max_c xᵢ,c − xᵢ,yᵢ",
        inputs=(_LAST_AXIS_SCORES, LAST_AXIS_INDEX_TARGET),
        impl="perceptron",
        numpy_impl="perceptron",
        chunks="rows",
        check="last_axis_index",
        aliases=("multiclass_perceptron_loss", "multiclass-perceptron", "perceptron_loss"),
        references=(
            "Rosenblatt, The perceptron, Psychological Review 1958",
            _OPTAX + " multiclass_perceptron_loss",
        ),
        notes=(
            "A hinge without margin: ℓ = 0 as soon as the true class has the best score. "
            "optax returns the per-sample values (reduction none).",
            "optax's binary perceptron_loss(z, t ∈ {−1, 1}) = max(0, −t·z) is this loss on "
            "the scores [0, z] with class 1 for t = 1 and class 0 for t = −1.",
            "Subgradient (autograd): ties in the max split the gradient evenly between the "
            "tied classes (torch.amax, as jax.numpy.max), so a correct class tied with "
            "another gets ∂ℓ/∂x_y = 1/k − 1 for k tied classes, not 0.",
        ),
        example={"pred": "[[10, 3], [11, -2]]", "target": "[1, 0]"},
    ),
)
