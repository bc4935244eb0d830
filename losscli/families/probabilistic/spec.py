"""Probabilistic losses: KL divergence and negative log-likelihoods (torch.nn semantics).

Also the cross-entropy of a linear projection (LinearCrossEntropyLoss, a classification
loss). torch.nn.AdaptiveLogSoftmaxWithLoss is not a command: see the note of
linear-cross-entropy.
"""

from losscli.core.spec import REDUCTIONS, InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import (
    IGNORE_INDEX,
    KERAS_WEIGHTING,
    PRED_FLAGS,
    TARGET_FLAGS,
    class_weight,
)
from losscli.families.classification.spec import SPECS as CLASSIFICATION
from losscli.families.probabilistic.conventions import (
    DISTILLATION_CONVENTIONS,
    JS_DIV_CONVENTIONS,
    KL_DIV_CONVENTIONS,
    POISSON_NLL_CONVENTIONS,
)

_CROSS_ENTROPY = next(spec for spec in CLASSIFICATION if spec.name == "cross-entropy")
_KL_MEAN_WARNING = (
    "'mean' divides the sum by every element (batch size × support size), which is not the "
    "KL divergence; use --reduction batchmean, which divides by the batch size only"
)

SPECS = (
    LossSpec(
        name="kl-div",
        summary="Kullback-Leibler divergence KL(target ‖ input), input as log-probabilities "
        "(KLDivLoss)",
        family="probabilistic",
        formula=(
            "ℓᵢ = yᵢ·(log yᵢ − xᵢ), 0 where yᵢ = 0;  with --log-target: ℓᵢ = exp(yᵢ)·(yᵢ − xᵢ)"
        ),
        inputs=(
            InputSpec(
                "pred",
                "log-probabilities x of the predicted distribution (log_softmax output), any "
                "shape, batch first",
                flags=PRED_FLAGS,
                shape="(*)",
            ),
            InputSpec(
                "target",
                "probabilities y of the target distribution (log-probabilities with "
                "--log-target), the shape of --pred",
                flags=TARGET_FLAGS,
                shape="(*), as pred",
            ),
        ),
        params=(
            ParamSpec(
                "log_target",
                "bool",
                False,
                "the target holds log-probabilities (numerically safer)",
            ),
            *KERAS_WEIGHTING,
        ),
        conventions=KL_DIV_CONVENTIONS,
        impl="kl_div",
        numpy_impl="kl_div", chunks="elements",
        check="kl_div",
        aliases=("KLDivLoss", "kl_div", "kl", "kl-divergence"),
        reductions=(*REDUCTIONS, "batchmean"),
        reduction_rule=(
            "batchmean: Σ ℓᵢ / N (N = size of the first dimension), the KL divergence per "
            "sample; mean: Σ ℓᵢ / (number of elements), PyTorch's default but not the KL"
        ),
        reduction_warnings={"mean": _KL_MEAN_WARNING},
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.KLDivLoss.html",
            "Kullback and Leibler, On Information and Sufficiency, 1951",
        ),
        notes=(
            "The input is log-probabilities and the target probabilities: the argument "
            "order is the reverse of KL(P ‖ Q) notation, the loss is KL(target ‖ exp(input)).",
            "Reduction 'mean' (the default, as in PyTorch) averages over every element and "
            "warns; 'batchmean' gives the KL divergence.",
        ),
        example={
            "pred": "[[-1.2040, -0.5108, -2.3026], [-0.6931, -1.3863, -1.3863]]",
            "target": "[[0.2, 0.7, 0.1], [0.4, 0.4, 0.2]]",
            "reduction": "batchmean",
        },
    ),
    LossSpec(
        name="poisson-nll",
        summary="Negative log-likelihood of a Poisson target (PoissonNLLLoss)",
        family="probabilistic",
        formula=(
            "ℓᵢ = exp(xᵢ) − yᵢ·xᵢ (--log-input), or xᵢ − yᵢ·log(xᵢ + ε);  --full adds "
            "yᵢ·log yᵢ − yᵢ + ½·log(2π·yᵢ) where yᵢ > 1"
        ),
        inputs=(
            InputSpec(
                "pred",
                "predicted rates: log λ with --log-input (the default), λ >= 0 with "
                "--no-log-input; any shape",
                flags=PRED_FLAGS,
                shape="(*)",
            ),
            InputSpec(
                "target",
                "observed counts y >= 0, the shape of --pred",
                domain="nonneg",
                flags=TARGET_FLAGS,
                shape="(*), as pred",
            ),
        ),
        params=(
            ParamSpec(
                "log_input",
                "bool",
                True,
                "the input is log λ (loss exp(x) − y·x); off: the input is λ",
            ),
            ParamSpec(
                "full",
                "bool",
                False,
                "add Stirling's approximation of log(y!) (for y > 1)",
            ),
            ParamSpec(
                "eps",
                "float",
                1e-8,
                "ε in log(λ + ε), used with --no-log-input",
                minimum=0.0,
            ),
            *KERAS_WEIGHTING,
        ),
        conventions=POISSON_NLL_CONVENTIONS,
        impl="poisson_nll",
        numpy_impl="poisson_nll", chunks="elements",
        check="poisson_nll",
        aliases=("PoissonNLLLoss", "poisson_nll_loss", "poisson"),
        references=("https://pytorch.org/docs/stable/generated/torch.nn.PoissonNLLLoss.html",),
        notes=(
            "Without --full the constant log(y!) is left out, so the value is the NLL up to "
            "a term that does not depend on the input.",
        ),
        example={"pred": "[0.5, 1.0, -0.3, 2.0]", "target": "[2, 3, 0, 6]"},
    ),
    LossSpec(
        name="gaussian-nll",
        summary="Negative log-likelihood of a Gaussian with predicted mean and variance "
        "(GaussianNLLLoss)",
        family="probabilistic",
        formula=(
            "ℓᵢ = ½·(log max(σᵢ², ε) + (xᵢ − yᵢ)² / max(σᵢ², ε)),  --full adds ½·log 2π"
        ),
        inputs=(
            InputSpec(
                "pred",
                "predicted means x, (N, *) or (*)",
                flags=PRED_FLAGS,
                shape="(N, *) | (*)",
            ),
            InputSpec(
                "target",
                "observed values y, the shape of --pred (or broadcastable to it)",
                flags=TARGET_FLAGS,
                shape="as pred",
            ),
            InputSpec(
                "var",
                "predicted variances σ² >= 0: the shape of --pred, its shape without the "
                "last dimension or with 1 in one dimension, or a single number",
                domain="nonneg",
                shape="as pred | (N, *[:-1]) | ()",
            ),
        ),
        params=(
            ParamSpec("full", "bool", False, "add the constant ½·log 2π of the log-likelihood"),
            ParamSpec(
                "eps",
                "float",
                1e-6,
                "variances are clamped to at least ε",
                minimum=0.0,
                exclusive_minimum=True,
            ),
        ),
        impl="gaussian_nll",
        numpy_impl="gaussian_nll",
        check="gaussian_nll",
        aliases=("GaussianNLLLoss", "gaussian_nll_loss", "gaussian"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.GaussianNLLLoss.html",
            "Nix and Weigend, Estimating the mean and variance of the target probability "
            "distribution, ICNN 1994",
        ),
        notes=(
            "Without --full the constant ½·log 2π is left out. The clamp at ε is applied "
            "without gradient, as in PyTorch.",
        ),
        example={"pred": "[1.0, 2.0, 0.5]", "target": "[1.2, 1.5, 0.0]", "var": "[0.5, 1.0, 0.25]"},
    ),
    LossSpec(
        name="linear-cross-entropy",
        summary="Cross-entropy of a linear projection of features (LinearCrossEntropyLoss)",
        family="classification",
        formula="z = x·Wᵀ + b,  ℓᵢ = −w[yᵢ]·log softmax(zᵢ)[yᵢ]  (cross-entropy on z)",
        inputs=(
            InputSpec(
                "pred",
                "features x, (N, F) or (F)",
                flags=PRED_FLAGS,
                shape="(N, F) | (F)",
            ),
            InputSpec(
                "linear_weight",
                "projection W, one row per class: (C, F)",
                shape="(C, F)",
            ),
            InputSpec(
                "target",
                "class indices (integers): (N) or (); or class probabilities (floats): "
                "(N, C) or (C)",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="(N) | () | (N, C) | (C)",
            ),
            InputSpec("linear_bias", "bias b, (C)", shape="(C)", required=False),
        ),
        params=(class_weight(), IGNORE_INDEX, _CROSS_ENTROPY.param("label_smoothing")),
        impl="linear_cross_entropy",
        numpy_impl="linear_cross_entropy",
        check="linear_cross_entropy",
        aliases=("LinearCrossEntropyLoss", "linear_cross_entropy"),
        reduction_rule=_CROSS_ENTROPY.reduction_rule,
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.LinearCrossEntropyLoss.html",
        ),
        notes=(
            "The module's learned projection is passed as --linear-weight (and "
            "--linear-bias); PyTorch's chunking options change memory use, not the value.",
            "torch.nn.AdaptiveLogSoftmaxWithLoss is not a losscli command: its loss depends "
            "on a learned head and per-cluster tail projections (a list of weight matrices "
            "and cutoffs), and it returns the log-probabilities of a trained module rather "
            "than a loss of user numbers. Compute its output log-probabilities and use nll.",
        ),
        example={
            "pred": "[[1.0, 0.5], [-0.5, 2.0]]",
            "linear_weight": "[[0.2, -0.1], [0.5, 0.3], [-0.4, 0.8]]",
            "target": "[1, 2]",
        },
    ),
    LossSpec(
        name="js-div",
        summary="Jensen-Shannon divergence between heatmaps, one term per map "
        "(kornia js_div_loss_2d)",
        family="probabilistic",
        formula=(
            "ℓ(b, n) = ½·KL(Q ‖ M) + ½·KL(P ‖ M),  M = (P + Q)/2,  KL(A ‖ M) = Σ_hw "
            "a·log(a/m) (0·log 0 = 0);  P = pred, Q = target"
        ),
        inputs=(
            InputSpec(
                "pred",
                "predicted heatmaps P >= 0, (B, N, H, W); each map normally sums to 1",
                domain="nonneg",
                flags=PRED_FLAGS,
                shape="(B, N, H, W)",
            ),
            InputSpec(
                "target",
                "target heatmaps Q >= 0, the shape of --pred",
                domain="nonneg",
                flags=TARGET_FLAGS,
                shape="(B, N, H, W), as pred",
            ),
        ),
        params=(),
        conventions=JS_DIV_CONVENTIONS,
        impl="js_div",
        numpy_impl="js_div", chunks="rows",
        check="js_div",
        aliases=("js_div_loss_2d", "jensen-shannon", "jsd", "js-divergence"),
        reduction_rule="mean: Σ ℓ(b, n) / (B·N), one term per map, as kornia; sum; none: (B, N)",
        references=(
            "kornia 0.9.0, kornia/losses/divergence.py js_div_loss_2d",
            "Lin, Divergence measures based on the Shannon entropy, IEEE Trans. Inf. "
            "Theory 37(1), 1991",
        ),
        notes=(
            "Symmetric and bounded: 0 for equal maps, at most ln 2 for two maps of mass 1 "
            "with disjoint support. Natural log (nats).",
            "As kornia, the maps are not normalised: pass distributions (e.g. a spatial "
            "softmax). A pixel where both maps are 0 contributes 0 (kornia gives NaN there).",
            "∂ℓ/∂P = ½·log(P/M) per pixel, −∞ where P = 0 < Q; there autograd returns the "
            "finite one-sided value −Q/(4M) = −½ (a 0·log 0 term adds 0 to the gradient, as "
            "torch.xlogy), and 0 where P = Q = 0.",
        ),
        example={
            "pred": "[[[[0.1, 0.2], [0.3, 0.4]]]]",
            "target": "[[[[0.25, 0.25], [0.25, 0.25]]]]",
        },
    ),
    LossSpec(
        name="generalized-kl",
        summary="Generalized KL divergence between non-negative measures, from "
        "log-predictions (optax generalized_kl_divergence)",
        family="probabilistic",
        formula="ℓ = Σ_c [tᶜ·(log tᶜ − xᶜ) + exp(xᶜ) − tᶜ] over the last axis, 0·log 0 = 0",
        inputs=(
            InputSpec(
                "pred",
                "log-predictions x = log p (any real: p need not sum to 1), (N, C) or any "
                "(*, C): one term per vector along the last axis",
                flags=PRED_FLAGS,
                shape="(N, C) | (*, C)",
            ),
            InputSpec(
                "target",
                "targets t >= 0 (not log), the shape of --pred",
                domain="nonneg",
                flags=TARGET_FLAGS,
                shape="(N, C) | (*, C), as pred",
            ),
        ),
        params=(),
        impl="generalized_kl",
        numpy_impl="generalized_kl", chunks="rows",
        check="generalized_kl",
        aliases=(
            "generalized_kl_divergence",
            "convex_kl_divergence",
            "convex-kl",
            "generalized-kl-divergence",
            "i-divergence",
        ),
        reduction_rule="mean: Σ ℓ / (number of rows), one term per row (per sample) as optax "
        "returns them; sum; none: one value per row",
        references=(
            "optax 0.2.8, optax/losses/_classification.py generalized_kl_divergence",
            "Csiszár, I-divergence geometry of probability distributions and minimization "
            "problems, Ann. Probab. 3(1), 1975",
        ),
        notes=(
            "The first argument is in log space (as kl-div's), the target is not. For "
            "distributions (Σp = Σt = 1) the extra Σ(p − t) is 0 and the value equals "
            "kl-div --reduction batchmean.",
            "optax 0.2.8 keeps convex_kl_divergence as a deprecated alias of the same function.",
            "∂ℓ/∂xᶜ = exp(xᶜ) − tᶜ: zero exactly when p = t, the only minimum.",
        ),
        example={
            "pred": "[[-1.2040, -0.5108, -2.3026], [-0.6931, -1.3863, -1.3863]]",
            "target": "[[0.2, 0.7, 0.1], [0.4, 0.4, 0.2]]",
        },
    ),
    LossSpec(
        name="distillation",
        summary="Knowledge distillation: T²·KL between teacher and student softmax at "
        "temperature T, optionally mixed with cross-entropy on hard labels (Hinton et al.)",
        family="probabilistic",
        formula=(
            "ℓᵢ = T²·KL(softmax(tᵢ/T) ‖ softmax(sᵢ/T));  with --target: "
            "ℓᵢ = α·T²·KL(…) + (1 − α)·CE(sᵢ, yᵢ)"
        ),
        inputs=(
            InputSpec(
                "pred",
                "student logits s, (N, C) or (C)",
                flags=PRED_FLAGS,
                shape="(N, C) | (C)",
            ),
            InputSpec(
                "teacher",
                "teacher logits t, the shape of --pred",
                shape="(N, C) | (C), as pred",
            ),
            InputSpec(
                "target",
                "optional hard labels (class indices): (N), or () for a (C) input; mixes in "
                "cross-entropy with weight 1 − α",
                kind="index",
                flags=TARGET_FLAGS,
                shape="(N) | ()",
                required=False,
            ),
        ),
        params=(
            ParamSpec(
                "temperature",
                "float",
                1.0,
                "T: both softmaxes take logits / T; the KL is scaled by T² (Hinton et al.)",
                minimum=0.0,
                exclusive_minimum=True,
            ),
            ParamSpec(
                "alpha",
                "float",
                0.5,
                "α, the weight of the distillation term when --target is given (the "
                "cross-entropy gets 1 − α); unused without --target",
                minimum=0.0,
                maximum=1.0,
            ),
        ),
        conventions=DISTILLATION_CONVENTIONS,
        impl="distillation",
        numpy_impl="distillation", chunks="rows",
        check="distillation",
        aliases=("knowledge-distillation", "kd", "kd-loss", "LogitDistillationTask"),
        reduction_rule="mean: Σ ℓᵢ / N, the KL summed over classes and averaged over the "
        "batch (batchmean, as timm); sum; none: one value per sample",
        references=(
            "Hinton, Vinyals and Dean, Distilling the Knowledge in a Neural Network, "
            "NIPS Deep Learning Workshop 2015",
            "timm, timm/task/distillation.py LogitDistillationTask (v1.0.28)",
        ),
        notes=(
            "The KL runs from the teacher to the student, KL(teacher ‖ student), summed over "
            "classes: the mean over samples is PyTorch's kl_div 'batchmean'. A kl_div with "
            "reduction 'mean' would divide by N·C as well, a common bug.",
            "T² keeps the gradient's scale independent of T: ∂(T²·KL)/∂sᵢ = T·(p − q), "
            "p = softmax(s/T), q = softmax(t/T).",
            "The cross-entropy uses the student logits at temperature 1. --convention timm "
            "adds both parts with weight 1 (timm's defaults) instead of α and 1 − α.",
        ),
        example={
            "pred": "[[1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]",
            "teacher": "[[0.5, 2.5, 0.0], [1.0, 0.0, 0.8]]",
            "target": "[1, 2]",
            "temperature": "2",
        },
    ),
)
