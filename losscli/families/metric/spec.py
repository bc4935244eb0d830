"""Contrastive and metric-learning losses: a batch of embeddings and its labels.

Positive pairs are two different rows with the same label, negative pairs rows with
different labels. What one term is differs by loss and is said in each summary: an ordered
positive pair (ntxent), an anchor row (supcon, circle), an unordered pair (contrastive), a
sample (arcface, cosface) or a list (ranking-softmax).
"""

import math

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import PRED_FLAGS, TARGET_FLAGS
from losscli.families.metric.conventions import (
    ARCFACE_CONVENTIONS,
    NTXENT_CONVENTIONS,
    SUPCON_CONVENTIONS,
)

FAMILY = "metric learning"

EMBEDDINGS = InputSpec("embeddings", "a batch of embeddings, one row per sample, (N, D)",
                       shape="(N, D)")
LABELS = InputSpec(
    "labels",
    "an integer label per row, (N): rows with the same label form positive pairs "
    "(for two views, 0..N-1)",
    kind="index",
    shape="(N)",
)
PAIR = InputSpec(
    "pair",
    "a second view of the batch, (N, D): row i of --pair is stacked under the batch "
    "(row N + i) with the label of row i (SimCLR)",
    shape="(N, D)",
    required=False,
)


def _temperature(default: float, extra: str = "") -> ParamSpec:
    return ParamSpec("temperature", "float", default,
                     "T dividing the similarities; > 0" + extra, minimum=0.0,
                     exclusive_minimum=True)


_CENTERS = InputSpec(
    "centers",
    "class centres (the last layer's weight), one row per class, (C, D); "
    "pytorch-metric-learning stores W as (D, C): transpose it",
    shape="(C, D)",
)
_CLASS_LABELS = InputSpec("labels", "the class index of each row, in [0, C), (N)",
                          kind="index", shape="(N)")
_SCALE = ParamSpec("scale", "float", 64.0, "s multiplying the logits; > 0", minimum=0.0,
                   exclusive_minimum=True)
_FACE_EXAMPLE = {
    "embeddings": "[[1.97, 0.35], [0.35, 1.97], [-0.35, 1.97], [-1.99, 0.17]]",
    "centers": "[[1, 0], [0, 1], [-1, 0]]",
    "labels": "[0, 1, 2, 0]",
    "scale": "16",
}
_PML = "pytorch-metric-learning 2.8.1, src/pytorch_metric_learning/losses/"

SPECS = (
    LossSpec(
        name="ntxent",
        summary="NT-Xent / InfoNCE (SimCLR): each positive pair against the anchor's "
        "negatives, one term per ordered positive pair (optax ntxent)",
        family=FAMILY,
        formula=(
            "ℓᵢⱼ = −log( e^{sᵢⱼ} / (e^{sᵢⱼ} + Σ_{k: yₖ≠yᵢ} e^{sᵢₖ}) ),  sᵢⱼ = cos(xᵢ, xⱼ)/T,"
            "  for every i ≠ j with yᵢ = yⱼ"
        ),
        inputs=(EMBEDDINGS, LABELS, PAIR),
        params=(_temperature(0.07),),
        impl="ntxent",
        numpy_impl="ntxent",
        check="ntxent",
        conventions=NTXENT_CONVENTIONS,
        aliases=("NTXentLoss", "nt-xent", "info-nce", "infonce", "InfoNCE"),
        reduction_rule="mean: Σ ℓᵢⱼ / |P| over the |P| ordered positive pairs (optax); sum: Σ ℓᵢⱼ; "
        "none: one term per pair, row-major (anchor i, then positive j)",
        references=(
            "Chen et al., A Simple Framework for Contrastive Learning of Visual "
            "Representations (SimCLR), ICML 2020",
            "van den Oord et al., Representation Learning with Contrastive Predictive Coding "
            "(InfoNCE), 2018",
            "optax 0.2.8, optax/losses/_self_supervised.py ntxent",
            _PML + "ntxent_loss.py NTXentLoss",
        ),
        notes=(
            "The anchor's other positives are not in its denominator (SupCon puts them in).",
            "Cosines use norms √max(Σx², ε), ε the machine epsilon of --dtype: a zero row "
            "has cosine 0, as in optax.",
            "Without any positive pair the mean is NaN (optax); pytorch-metric-learning "
            "returns 0 (--convention pml).",
        ),
        example={"embeddings": "[[-1.954, 1.078], [0.238, -0.5703], [1.8745, -0.0195], "
                               "[-0.6719, -1.921]]",
                 "labels": "[0, 0, 1, 1]", "temperature": "0.5"},
    ),
    LossSpec(
        name="supcon",
        summary="Supervised contrastive loss (Khosla et al. 2020): each anchor's mean "
        "log-probability of its positives, one term per anchor row",
        family=FAMILY,
        formula=(
            "ℓᵢ = −(T/T_base)·(1/|P(i)|)·Σ_{p∈P(i)} log( e^{sᵢₚ} / Σ_{k≠i} e^{sᵢₖ} ),  "
            "sᵢₖ = x̂ᵢ·x̂ₖ/T;  ℓᵢ = 0 when P(i) is empty"
        ),
        inputs=(EMBEDDINGS, LABELS, PAIR),
        params=(
            _temperature(0.07),
            ParamSpec("base_temperature", "float", 0.07,
                      "T_base: the loss is scaled by T/T_base (the reference code); > 0",
                      minimum=0.0, exclusive_minimum=True),
            ParamSpec("normalize", "bool", True,
                      "L2-normalise the rows first (the reference expects normalised "
                      "features; --no-normalize uses them as given)"),
        ),
        impl="supcon",
        numpy_impl="supcon",
        check="supcon",
        conventions=SUPCON_CONVENTIONS,
        aliases=("SupConLoss", "sup-con", "supervised-contrastive"),
        reduction_rule="mean: Σ ℓᵢ / N over every anchor row, those without positives "
        "counting 0 (the reference); sum: Σ ℓᵢ; none: one term per row",
        references=(
            "Khosla et al., Supervised Contrastive Learning, NeurIPS 2020",
            "HobbitLong/SupContrast losses.py SupConLoss (commit 66a8fe53)",
            _PML + "supcon_loss.py SupConLoss",
        ),
        notes=(
            "Every other row, positives included, is in the denominator (NT-Xent leaves "
            "the other positives out).",
            "pytorch-metric-learning averages only over anchors that have a positive and has "
            "no T/T_base factor (--convention pml).",
        ),
        example={"embeddings": "[[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]",
                 "labels": "[0, 0, 1, 2]", "temperature": "0.5", "base_temperature": "0.5"},
    ),
    LossSpec(
        name="contrastive",
        summary="Pairwise contrastive loss (Hadsell et al. 2006): same-label pairs pulled "
        "within a margin, others pushed beyond one; one term per pair i < j",
        family=FAMILY,
        formula=(
            "ℓᵢⱼ = max(0, dᵢⱼ − m₊)^p if yᵢ = yⱼ;  max(0, m₋ − dᵢⱼ)^p otherwise,  "
            "dᵢⱼ = ‖x̂ᵢ − x̂ⱼ‖₂ (or its square)"
        ),
        inputs=(EMBEDDINGS, LABELS),
        params=(
            ParamSpec("pos_margin", "float", 0.0,
                      "m₊: distance below which a positive pair costs nothing"),
            ParamSpec("neg_margin", "float", 1.0,
                      "m₋: distance a negative pair must exceed"),
            ParamSpec("distance", "choice", "euclidean",
                      "euclidean ‖xᵢ − xⱼ‖₂, or its square (pytorch-metric-learning "
                      "LpDistance(power=2))", choices=("euclidean", "squared")),
            ParamSpec("power", "int", 1,
                      "p: 1 for pytorch-metric-learning's hinge, 2 for Hadsell's squared one",
                      minimum=1, maximum=2),
            ParamSpec("normalize", "bool", True,
                      "L2-normalise the rows first (pytorch-metric-learning's default; "
                      "Hadsell et al. do not)"),
        ),
        impl="contrastive",
        numpy_impl="contrastive",
        check="contrastive",
        aliases=("ContrastiveLoss", "pairwise-contrastive"),
        reduction_rule="mean: Σ ℓᵢⱼ / (N(N−1)/2) over every pair; sum: Σ ℓᵢⱼ; none: one term "
        "per pair i < j, row-major",
        references=(
            "Hadsell, Chopra & LeCun, Dimensionality Reduction by Learning an Invariant "
            "Mapping, CVPR 2006",
            _PML + "contrastive_loss.py ContrastiveLoss",
        ),
        notes=(
            "Hadsell et al. write ½·d² and ½·max(0, m − d)²: --power 2 --no-normalize, then "
            "halve the value.",
            "pytorch-metric-learning averages the positive and the negative pairs separately "
            "(over the non-zero ones by default) and adds the two means; its sums count each "
            "pair twice (i, j and j, i).",
        ),
        example={"embeddings": "[[2, 0], [1.88, 0.68], [1.53, 1.29], [1, 1.73], [0.35, 1.97]]",
                 "labels": "[0, 0, 1, 1, 2]"},
    ),
    LossSpec(
        name="circle",
        summary="Circle loss (Sun et al. 2020) on L2-normalised embeddings, one term per "
        "anchor; the mean leaves out zero terms (Keras circle)",
        family=FAMILY,
        formula=(
            "ℓᵢ = softplus( LSE_{p}(−γ·αₚ·(m − dᵢₚ)) + LSE_{n}(γ·αₙ·(1 − m − dᵢₙ)) ),  "
            "dᵢₖ = max(1 − xᵢ·xₖ, 0), αₚ = max(m + dᵢₚ, 0), αₙ = max(1 + m − dᵢₙ, 0)"
        ),
        inputs=(
            InputSpec("embeddings", "L2-normalised embeddings, one row per sample, (N, D)",
                      shape="(N, D)"),
            LABELS,
        ),
        params=(
            ParamSpec("gamma", "float", 80.0, "γ, the scale of the logits; > 0", minimum=0.0,
                      exclusive_minimum=True),
            ParamSpec("margin", "float", 0.4, "m, the relaxation margin"),
        ),
        impl="circle",
        numpy_impl="circle",
        check="circle",
        aliases=("Circle", "CircleLoss", "circle-loss"),
        reduction_rule="mean: Σ ℓᵢ / n over the n non-zero terms (Keras's mask loss > 0; "
        "pytorch-metric-learning's AvgNonZeroReducer); sum: Σ ℓᵢ; none: one term per row",
        references=(
            "Sun et al., Circle Loss: A Unified Perspective of Pair Similarity "
            "Optimization, CVPR 2020",
            "Keras 3.15.1, keras/src/losses/losses.py circle, Circle",
            _PML + "circle_loss.py CircleLoss",
        ),
        notes=(
            "Keras takes the cosine distance d = 1 − s; the paper's similarity form "
            "(O_p = 1 + m, O_n = −m, Δ_p = 1 − m, Δ_n = m) is the same loss.",
            "The embeddings are not normalised here, as in Keras: normalise them first.",
        ),
        example={"embeddings": "[[0.70014004, -0.42008403, 0.14002801, 0.56011203], "
                               "[0.17609018, 0.70436073, -0.52827054, 0.44022545], "
                               "[-0.34050261, 0.25537696, -0.68100522, 0.59587957], "
                               "[0.32163376, -0.75047877, 0.53605627, -0.21442251]]",
                 "labels": "[1, 1, 2, 2]", "gamma": "8"},
    ),
    LossSpec(
        name="arcface",
        summary="ArcFace: softmax over s·cos θ with an additive angular margin m on the true "
        "class, one term per sample",
        family=FAMILY,
        formula=(
            "ℓᵢ = −log( e^{s·cos(θ_y + m)} / (e^{s·cos(θ_y + m)} + Σ_{c≠y} e^{s·cos θ_c}) ),  "
            "cos θ_c = x̂ᵢ·ŵ_c;  cos θ_y − m·sin m where θ_y + m > π"
        ),
        inputs=(EMBEDDINGS, _CENTERS, _CLASS_LABELS),
        params=(
            _SCALE,
            ParamSpec("margin", "float", 0.5,
                      "m, the angular margin in radians, in [0, π] "
                      "(pytorch-metric-learning: degrees)", minimum=0.0, maximum=math.pi),
            ParamSpec("easy_margin", "bool", False,
                      "apply the margin only where cos θ_y > 0 (ArcMarginProduct's "
                      "easy_margin) instead of the cos θ − m·sin m fallback"),
        ),
        impl="arcface",
        numpy_impl="arcface",
        check="margin_softmax",
        conventions=ARCFACE_CONVENTIONS,
        aliases=("ArcFaceLoss", "arc-face", "additive-angular-margin"),
        references=(
            "Deng et al., ArcFace: Additive Angular Margin Loss for Deep Face Recognition, "
            "CVPR 2019",
            "deepinsight/insightface recognition/arcface_torch/losses.py CombinedMarginLoss",
            _PML + "arcface_loss.py ArcFaceLoss",
        ),
        notes=(
            "pytorch-metric-learning's margin is in degrees (28.6 by default, 0.499 rad) and "
            "its W is (D, C) (--convention pml).",
        ),
        example=_FACE_EXAMPLE,
    ),
    LossSpec(
        name="cosface",
        summary="CosFace / AM-softmax: softmax over s·cos θ with the margin m subtracted "
        "from the true class's cosine, one term per sample",
        family=FAMILY,
        formula=(
            "ℓᵢ = −log( e^{s·(cos θ_y − m)} / (e^{s·(cos θ_y − m)} + Σ_{c≠y} e^{s·cos θ_c}) ),"
            "  cos θ_c = x̂ᵢ·ŵ_c"
        ),
        inputs=(EMBEDDINGS, _CENTERS, _CLASS_LABELS),
        params=(_SCALE, ParamSpec("margin", "float", 0.35, "m subtracted from cos θ_y")),
        impl="cosface",
        numpy_impl="cosface",
        check="margin_softmax",
        aliases=("CosFaceLoss", "cos-face", "am-softmax", "large-margin-cosine"),
        references=(
            "Wang et al., CosFace: Large Margin Cosine Loss for Deep Face Recognition, "
            "CVPR 2018",
            _PML + "cosface_loss.py CosFaceLoss",
        ),
        notes=("insightface's CosFace uses m = 0.4; pytorch-metric-learning 0.35.",),
        example=_FACE_EXAMPLE,
    ),
    LossSpec(
        name="ranking-softmax",
        summary="Listwise softmax cross-entropy of relevance labels, one term per list "
        "(optax ranking_softmax_loss)",
        family=FAMILY,
        formula="ℓ = −Σᵢ yᵢ·log( e^{sᵢ} / Σⱼ e^{sⱼ} ) over the last dimension",
        inputs=(
            InputSpec("pred", "scores of the items, (L) or (…, L): one list per last-axis row",
                      flags=PRED_FLAGS, shape="(*, L)", expects="logits"),
            InputSpec("target", "relevance labels y ≥ 0, the shape of --pred", domain="nonneg",
                      flags=TARGET_FLAGS, shape="(*, L), as pred"),
        ),
        impl="ranking_softmax",
        numpy_impl="ranking_softmax",
        check="ranking",
        aliases=("ranking_softmax_loss", "softmax-ranking"),
        reduction_rule="mean: Σ ℓ / (number of lists) (optax's jnp.mean); sum: Σ ℓ; none: "
        "one term per list",
        references=(
            "optax 0.2.8, optax/losses/_ranking.py ranking_softmax_loss",
            "Cao et al., Learning to Rank: From Pairwise Approach to Listwise Approach "
            "(ListNet), ICML 2007",
        ),
        notes=(
            "The labels are not normalised to sum 1 (TF-Ranking normalises them): a graded "
            "label 2 counts twice.",
        ),
        example={"pred": "[[0, 3, 1, 2], [3, 1, 4, 2]]", "target": "[[0, 0, 1, 1], [2, 0, 1, 0]]"},
    ),
)
