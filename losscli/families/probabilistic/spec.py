"""Probabilistic losses: KL divergence and negative log-likelihoods (torch.nn semantics).

Also the cross-entropy of a linear projection (LinearCrossEntropyLoss, a classification
loss). torch.nn.AdaptiveLogSoftmaxWithLoss is not a command: see the note of
linear-cross-entropy.
"""

from losscli.core.spec import REDUCTIONS, InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import (
    IGNORE_INDEX,
    KERAS_SAMPLE_WEIGHT,
    PRED_FLAGS,
    TARGET_FLAGS,
    class_weight,
)
from losscli.families.classification.spec import SPECS as CLASSIFICATION
from losscli.families.probabilistic.conventions import KL_DIV_CONVENTIONS, POISSON_NLL_CONVENTIONS

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
            KERAS_SAMPLE_WEIGHT,
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
            KERAS_SAMPLE_WEIGHT,
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
)
