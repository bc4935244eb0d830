"""Sequence losses: connectionist temporal classification (torch.nn semantics)."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import KERAS_WEIGHTING, PRED_FLAGS, TARGET_FLAGS
from losscli.families.sequence.conventions import CTC_CONVENTIONS

# log-probabilities of 3 frames over {blank, a, b}: log 0.5 and log 0.25.
_CTC_EXAMPLE_PRED = (
    "[[-0.6931, -1.3863, -1.3863], [-1.3863, -0.6931, -1.3863], [-1.3863, -1.3863, -0.6931]]"
)

SPECS = (
    LossSpec(
        name="ctc",
        summary="Connectionist temporal classification: −log of the probability of every "
        "alignment of the target (CTCLoss)",
        family="sequence",
        formula=(
            "ℓₙ = −log Σ_{π ∈ B⁻¹(yₙ)} Π_{t < input_lengthₙ} p_t(π_t),  B = merge repeats, "
            "then drop blanks"
        ),
        inputs=(
            InputSpec(
                "pred",
                "log-probabilities (log_softmax over C) of shape (T, N, C), or (T, C) for one "
                "sequence; raw scores with --from-logits",
                flags=PRED_FLAGS,
                shape="(T, N, C) | (T, C)",
            ),
            InputSpec(
                "target",
                "label sequences without blanks: padded (N, S) (entries past a target's "
                "length are ignored), concatenated (sum of target lengths), or (S) for one "
                "sequence",
                kind="index",
                flags=TARGET_FLAGS,
                shape="(N, S) | (Σ target_lengths) | (S)",
            ),
            InputSpec(
                "input_lengths",
                "frames used per sequence, each <= T: (N), or () for one sequence",
                kind="index",
                domain="nonneg",
                shape="(N) | ()",
            ),
            InputSpec(
                "target_lengths",
                "labels per target sequence: (N), or () for one sequence",
                kind="index",
                domain="nonneg",
                shape="(N) | ()",
            ),
        ),
        params=(
            ParamSpec("blank", "int", 0, "class index of the blank label"),
            ParamSpec(
                "zero_infinity",
                "bool",
                False,
                "replace infinite losses (input too short for the target) and their "
                "gradients by 0",
            ),
            ParamSpec(
                "from_logits",
                "bool",
                False,
                "--pred holds raw scores: apply log_softmax over C first (losscli's option, "
                "not PyTorch's)",
            ),
            *KERAS_WEIGHTING,
            ParamSpec(
                "log_epsilon",
                "float",
                -1e5,
                "optax's stand-in for log 0 (only with --convention optax): an impossible "
                "alignment then costs about −log_epsilon instead of inf; < 0",
                conventions=("optax",),
            ),
        ),
        conventions=CTC_CONVENTIONS,
        impl="ctc",
        numpy_impl="ctc",
        check="ctc",
        aliases=("CTCLoss", "ctc_loss", "connectionist-temporal-classification"),
        reduction_rule=(
            "mean: Σ (ℓₙ / target_lengthₙ) / N, each term divided by its target length "
            "(at least 1), then averaged over the batch"
        ),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.CTCLoss.html",
            "Graves et al., Connectionist Temporal Classification: Labelling Unsegmented "
            "Sequence Data with Recurrent Neural Networks, ICML 2006",
        ),
        notes=(
            "One term per sequence; the table's p(y|x) is exp(−ℓₙ), the probability of the "
            "target summed over its alignments.",
            "An input shorter than its target needs (labels plus a blank between repeated "
            "labels) has probability 0: its term is infinite (0 with --zero-infinity) and "
            "contributes no gradient.",
            "--grad gives the derivative with respect to --pred as given. PyTorch's "
            "ctc_loss backward returns exp(log_probs) − γ instead, the gradient with respect "
            "to the logits behind a log_softmax; with --from-logits the two agree.",
        ),
        example={
            "pred": _CTC_EXAMPLE_PRED,
            "target": "[1, 2]",
            "input_lengths": "3",
            "target_lengths": "2",
        },
    ),
)
