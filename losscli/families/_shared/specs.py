"""Input and parameter declarations shared by several losses."""

from losscli.core.spec import InputSpec, ParamSpec

PRED_FLAGS = ("--input", "-p")
TARGET_FLAGS = ("-t",)

REGRESSION_PRED = InputSpec("pred", "predictions, any shape", flags=PRED_FLAGS, shape="(*)")
REGRESSION_TARGET = InputSpec(
    "target", "targets, the same shape as --pred", flags=TARGET_FLAGS, shape="(*), as pred"
)

CLASS_LOGITS = InputSpec(
    "pred",
    "raw class scores (logits), class dimension 1: (C), (N, C) or (N, C, d1, ...)",
    flags=PRED_FLAGS,
    shape="(C) | (N, C) | (N, C, d1, ...)",
    expects="class_logits",
)
CLASS_INDEX_TARGET = InputSpec(
    "target",
    "class indices in [0, C): () for (C) input, (N) or (N, d1, ...)",
    kind="index",
    flags=TARGET_FLAGS,
    shape="() | (N) | (N, d1, ...)",
)

LAST_AXIS_INDEX_TARGET = InputSpec(
    "target",
    "class indices in [0, C), the shape of --pred without its last dimension: () for "
    "(C), (N) for (N, C)",
    kind="index",
    flags=TARGET_FLAGS,
    shape="() | (N) | (N, ...)",
)


def class_weight(help_extra: str = "") -> ParamSpec:
    return ParamSpec(
        "weight",
        "tensor",
        None,
        "TENSOR of C per-class rescaling weights" + help_extra,
    )


IGNORE_INDEX = ParamSpec(
    "ignore_index",
    "int",
    -100,
    "target value that is ignored: contributes no term and is left out of the mean",
)


KERAS_SAMPLE_WEIGHT = ParamSpec(
    "sample_weight",
    "tensor",
    None,
    "TENSOR of Keras sample weights (only with --convention keras): a scalar, one per sample "
    "(N) or (N, 1), or one per timestep (N, T); they multiply Keras's per-sample losses, and "
    "the mean divides by the number of those losses, zero weights included, unless "
    "--keras-reduction mean_with_sample_weight",
    conventions=("keras",),
)
KERAS_REDUCTION = ParamSpec(
    "keras_reduction",
    "choice",
    "sum_over_batch_size",
    "Keras's reduction for --reduction mean (only with --convention keras): "
    "sum_over_batch_size (Keras's default, Σ w·ℓ / n over the n per-sample losses) or "
    "mean_with_sample_weight (Σ w·ℓ / Σ w, the weights as given: a scalar counts once; "
    "0 when Σ w = 0)",
    choices=("sum_over_batch_size", "mean_with_sample_weight"),
    conventions=("keras",),
    rule_for="mean",
)
#: The parameters of Keras's weighting: ``sample_weight`` and the reduction's choice.
KERAS_WEIGHTING = (KERAS_SAMPLE_WEIGHT, KERAS_REDUCTION)
