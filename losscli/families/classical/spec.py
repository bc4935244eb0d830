"""Classical losses with scikit-learn's semantics: zero-one, hinge and log loss."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import KERAS_REDUCTION, PRED_FLAGS, TARGET_FLAGS
from losscli.families.classical.conventions import HINGE_CONVENTIONS, LOG_LOSS_CONVENTIONS

_SAMPLE_WEIGHT = ParamSpec(
    "sample_weight",
    "tensor",
    None,
    "TENSOR of N per-sample weights wᵢ >= 0: terms are wᵢ·ℓᵢ and the mean divides by Σ wᵢ",
    per_sample=True,
)
_RULE = (
    "mean: Σ ℓᵢ / N over the N samples, or Σ wᵢ·ℓᵢ / Σ wᵢ with --sample-weight "
    "(scikit-learn's normalize=True); sum: Σ wᵢ·ℓᵢ (normalize=False)"
)
_SKLEARN = "https://scikit-learn.org/stable/modules/generated/sklearn.metrics."
SPECS = (
    LossSpec(
        name="zero-one",
        summary="Misclassification rate: 1 per wrong prediction (sklearn zero_one_loss)",
        family="classification",
        formula="ℓᵢ = 1[ŷᵢ ≠ yᵢ],  ŷᵢ = argmax_c xᵢ,c for scores, or the given label; "
        "multilabel (N, L) indicators: ℓᵢ = 1 unless ŷᵢ,l = yᵢ,l for every label l",
        inputs=(
            InputSpec(
                "pred",
                "class scores or logits (N, C), whose arg-max is the prediction, "
                "predicted labels (N), integers, or a predicted (N, L) 0/1 indicator "
                "matrix (multilabel, with an (N, L) target)",
                kind="float_or_index",
                flags=PRED_FLAGS,
                shape="(N, C) | (N)",
            ),
            InputSpec(
                "target",
                "true labels (N): integers, class indices in [0, C) for (N, C) scores; or "
                "an (N, L) 0/1 indicator matrix (multilabel: subset accuracy)",
                kind="index",
                flags=TARGET_FLAGS,
                shape="(N) | as pred",
            ),
        ),
        params=(_SAMPLE_WEIGHT,),
        impl="zero_one",
        numpy_impl="zero_one", chunks="rows",
        check="zero_one",
        aliases=("zero_one_loss", "0-1", "misclassification"),
        reduction_rule=_RULE,
        references=(
            _SKLEARN + "zero_one_loss.html",
            "Hastie, Tibshirani and Friedman, The Elements of Statistical Learning, 2009",
        ),
        notes=(
            "Not differentiable (piecewise constant): --grad computes no gradient and says so.",
            "Ties in a row of scores go to the first maximal class, as torch.argmax.",
            "mean is scikit-learn's zero_one_loss (normalize=True); sum is the number of "
            "misclassified samples (normalize=False).",
            "Multilabel indicator matrices: a row counts as correct only if every label "
            "matches (scikit-learn's subset accuracy), so one wrong label costs the whole row.",
        ),
        example={"pred": "[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]]",
                 "target": "[0, 2, 2]"},
        differentiable=False,
    ),
    LossSpec(
        name="hinge",
        summary="SVM hinge loss, binary or multi-class Crammer-Singer (sklearn hinge_loss)",
        family="margin/ranking",
        formula=(
            "ℓᵢ = max(0, 1 − mᵢ);  binary: mᵢ = yᵢ·xᵢ, yᵢ ∈ {−1, +1};  multi-class "
            "(Crammer-Singer): mᵢ = xᵢ,yᵢ − max_{c ≠ yᵢ} xᵢ,c"
        ),
        inputs=(
            InputSpec(
                "pred",
                "decision values: (N) for two classes, (N, C) scores for C classes",
                flags=PRED_FLAGS,
                shape="(N) | (N, C)",
            ),
            InputSpec(
                "target",
                "labels (N): two values for a 1-D pred (-1/1, 0/1, or any two: the smaller "
                "means -1), class indices in [0, C) for (N, C) scores",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="(N)",
            ),
        ),
        params=(_SAMPLE_WEIGHT, KERAS_REDUCTION),
        conventions=HINGE_CONVENTIONS,
        impl="hinge",
        numpy_impl="hinge", chunks="rows",
        check="hinge",
        aliases=("hinge_loss", "svm-hinge", "crammer-singer"),
        reduction_rule=_RULE,
        references=(
            _SKLEARN + "hinge_loss.html",
            "Crammer and Singer, On the Algorithmic Implementation of Multiclass "
            "Kernel-based Vector Machines, JMLR 2001",
        ),
        notes=(
            "scikit-learn semantics. Binary labels are −1/+1, or 0/1 read as −1/+1, or any "
            "two values: the smaller is −1 and the larger +1 (its LabelBinarizer(neg_label=−1)"
            "). A single label value 1 counts as +1 here; scikit-learn maps a single class "
            "to −1.",
            "(N, C) scores always use Crammer-Singer with classes 0 … C−1, as scikit-learn "
            "with labels=range(C); scikit-learn itself wants 1-D decision values when "
            "only two labels occur.",
            "multi-margin (PyTorch's MultiMarginLoss) instead sums the hinge over every "
            "wrong class and divides by C.",
        ),
        example={"pred": "[[1.2, 0.3, -0.5], [0.2, 0.4, 0.1], [-1.0, 0.5, 1.5]]",
                 "target": "[0, 2, 2]"},
    ),
    LossSpec(
        name="log-loss",
        summary="Log loss on probabilities, clipped to [eps, 1 − eps] (sklearn log_loss)",
        family="classification",
        formula=(
            "ℓᵢ = −Σ_c yᵢ,c·log clip(pᵢ,c, eps, 1 − eps), eps the machine epsilon of the "
            "dtype; a (N) pred p is the probability of class 1: pᵢ = [1 − p, p]"
        ),
        inputs=(
            InputSpec(
                "pred",
                "probabilities: (N) of class 1, or (N, C) per class (rows summing to 1)",
                domain="prob",
                flags=PRED_FLAGS,
                shape="(N) | (N, C)",
            ),
            InputSpec(
                "target",
                "labels (N): 0/1 for a 1-D pred, class indices in [0, C) for (N, C); or "
                "an (N, C) 0/1 indicator matrix",
                kind="float_or_index",
                flags=TARGET_FLAGS,
                shape="(N) | as pred",
            ),
        ),
        params=(_SAMPLE_WEIGHT,),
        conventions=LOG_LOSS_CONVENTIONS,
        impl="log_loss",
        numpy_impl="log_loss", chunks="rows",
        check="log_loss",
        aliases=("log_loss", "sklearn-log-loss"),
        reduction_rule=_RULE,
        references=(
            _SKLEARN + "log_loss.html",
            "Bishop, Pattern Recognition and Machine Learning, 2006, p. 209",
        ),
        notes=(
            "scikit-learn >= 1.5 semantics: probabilities are clipped to [eps, 1 − eps] "
            "with eps the machine epsilon of their dtype (here the compute dtype: 1.19e-07 "
            "for float32, 2.22e-16 for float64) and rows are not renormalised; rows that do "
            "not sum to 1 give a warning. scikit-learn < 1.5 took eps=1e-15 and renormalised.",
            "Takes probabilities: for logits use cross-entropy or bce-with-logits.",
            "Classes are 0 … C−1 (scikit-learn with labels=range(C)); with plain mean "
            "log-loss equals nll of log(clip(p)).",
        ),
        example={"pred": "[[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]",
                 "target": "[1, 0, 0, 1]"},
    ),
)
