"""Embedding losses: distances, pairs and triplets of vectors (torch.nn semantics)."""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import PRED_FLAGS, TARGET_FLAGS
from losscli.families.embedding.conventions import COSINE_SIMILARITY_CONVENTIONS

_TRIPLET_FORMULA = "ℓᵢ = max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0)"
_TRIPLET_INPUTS = (
    InputSpec("anchor", "anchor embeddings a, (N, D) or (D)", shape="(N, D) | (D)"),
    InputSpec(
        "positive",
        "embeddings p of the anchor's class, the shape of --anchor",
        shape="as anchor",
    ),
    InputSpec(
        "negative",
        "embeddings n of another class, the shape of --anchor",
        shape="as anchor",
    ),
)
_TRIPLET_MARGIN = ParamSpec(
    "margin",
    "float",
    1.0,
    "required gap between d(a, n) and d(a, p); > 0",
    minimum=0.0,
    exclusive_minimum=True,
)
_SWAP = ParamSpec(
    "swap",
    "bool",
    False,
    "distance swap (Balntas et al.): use min(d(a, n), d(p, n)) as the negative distance",
)
_TRIPLET_REFERENCES = (
    "Schroff et al., FaceNet: A Unified Embedding for Face Recognition and Clustering, "
    "CVPR 2015",
    "Balntas et al., Learning local feature descriptors with triplets and shallow "
    "convolutional neural networks, BMVC 2016 (swap)",
)
_TRIPLET_EXAMPLE = {
    "anchor": "[[0.0, 1.0], [1.0, 1.0]]",
    "positive": "[[0.1, 0.9], [1.5, 0.5]]",
    "negative": "[[0.5, 1.0], [1.2, 1.1]]",
}

SPECS = (
    LossSpec(
        name="hinge-embedding",
        summary="Hinge on distances: small for similar pairs (y = 1), above a margin for "
        "dissimilar ones (HingeEmbeddingLoss)",
        family="embedding",
        formula="ℓᵢ = xᵢ if yᵢ = 1;  max(0, margin − xᵢ) if yᵢ = −1",
        inputs=(
            InputSpec(
                "pred",
                "distances (or dissimilarities) x, any shape",
                flags=PRED_FLAGS,
                shape="(*)",
            ),
            InputSpec(
                "target",
                "1 for similar pairs, -1 for dissimilar ones; the shape of --pred",
                kind="float_or_index",
                domain="sign",
                flags=TARGET_FLAGS,
                shape="(*), as pred",
            ),
        ),
        params=(ParamSpec("margin", "float", 1.0, "distance dissimilar pairs must exceed"),),
        impl="hinge_embedding",
        numpy_impl="hinge_embedding", chunks="elements",
        check="hinge_embedding",
        aliases=("HingeEmbeddingLoss", "hinge_embedding_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.HingeEmbeddingLoss.html",
        ),
        notes=(
            "PyTorch adds both branches for a label that is neither 1 nor -1; losscli "
            "refuses such labels.",
        ),
        example={"pred": "[0.3, 1.2, 0.4, 2.5]", "target": "[1, 1, -1, -1]"},
    ),
    LossSpec(
        name="cosine-embedding",
        summary="Cosine similarity pulled to 1 for similar pairs, pushed below a margin for "
        "dissimilar ones (CosineEmbeddingLoss)",
        family="embedding",
        formula=(
            "ℓᵢ = 1 − cos(x1ᵢ, x2ᵢ) if yᵢ = 1;  max(0, cos(x1ᵢ, x2ᵢ) − margin) if yᵢ = −1,  "
            "cos = Σ x1·x2 / √((Σ x1² + ε)(Σ x2² + ε)), ε = 1e-12"
        ),
        inputs=(
            InputSpec("input1", "first embeddings, (N, D) or (D)", shape="(N, D) | (D)"),
            InputSpec("input2", "second embeddings, the shape of --input1", shape="as input1"),
            InputSpec(
                "target",
                "1 for similar pairs, -1 for dissimilar ones: (N), or () for (D) inputs",
                kind="float_or_index",
                domain="sign",
                flags=TARGET_FLAGS,
                shape="(N) | ()",
            ),
        ),
        params=(
            ParamSpec(
                "margin",
                "float",
                0.0,
                "cosine similarity dissimilar pairs must stay below, in [-1, 1] "
                "(0 to 0.5 suggested)",
                minimum=-1.0,
                maximum=1.0,
            ),
        ),
        impl="cosine_embedding",
        numpy_impl="cosine_embedding", chunks="rows",
        check="cosine_embedding",
        aliases=("CosineEmbeddingLoss", "cosine_embedding_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.CosineEmbeddingLoss.html",
        ),
        notes=(
            "A label that is neither 1 nor -1 gives a zero term in PyTorch; losscli refuses it.",
        ),
        example={
            "input1": "[[1.0, 0.5, -0.2], [0.3, -1.0, 0.8]]",
            "input2": "[[0.9, 0.4, 0.1], [0.2, 0.7, 0.5]]",
            "target": "[1, -1]",
        },
    ),
    LossSpec(
        name="triplet-margin",
        summary="Anchor closer to the positive than to the negative by a margin, in p-norm "
        "(TripletMarginLoss)",
        family="embedding",
        formula=f"{_TRIPLET_FORMULA},  d(x, y) = ‖x − y + ε‖_p",
        inputs=_TRIPLET_INPUTS,
        params=(
            _TRIPLET_MARGIN,
            ParamSpec("p", "float", 2.0, "degree of the p-norm distance", minimum=0.0),
            ParamSpec(
                "eps",
                "float",
                1e-6,
                "ε added to the difference x − y before the norm",
                minimum=0.0,
            ),
            _SWAP,
        ),
        impl="triplet_margin",
        numpy_impl="triplet_margin", chunks="rows",
        check="triplet",
        aliases=("TripletMarginLoss", "triplet_margin_loss", "triplet"),
        references=(
            "https://pytorch.org/docs/stable/generated/torch.nn.TripletMarginLoss.html",
            *_TRIPLET_REFERENCES,
        ),
        example=_TRIPLET_EXAMPLE,
    ),
    LossSpec(
        name="triplet-margin-with-distance",
        summary="Triplet margin loss with a chosen distance: Euclidean or cosine "
        "(TripletMarginWithDistanceLoss)",
        family="embedding",
        formula=(
            f"{_TRIPLET_FORMULA},  d = pairwise: ‖x − y + 1e-6‖₂, or cosine: "
            "1 − x·y / (max(‖x‖, 1e-8)·max(‖y‖, 1e-8))"
        ),
        inputs=_TRIPLET_INPUTS,
        params=(
            ParamSpec(
                "distance",
                "choice",
                "pairwise",
                "the distance function: pairwise (torch.pairwise_distance, PyTorch's "
                "default) or cosine (1 − cosine similarity)",
                choices=("pairwise", "cosine"),
            ),
            _TRIPLET_MARGIN,
            _SWAP,
        ),
        impl="triplet_margin_with_distance",
        numpy_impl="triplet_margin_with_distance",
        chunks="rows",
        check="triplet",
        aliases=("TripletMarginWithDistanceLoss", "triplet_margin_with_distance_loss"),
        references=(
            "https://pytorch.org/docs/stable/generated/"
            "torch.nn.TripletMarginWithDistanceLoss.html",
            *_TRIPLET_REFERENCES,
        ),
        notes=(
            "PyTorch takes any callable as distance_function; --distance chooses between "
            "its default (pairwise) and the cosine distance its documentation shows.",
        ),
        example={**_TRIPLET_EXAMPLE, "distance": "cosine"},
    ),
    LossSpec(
        name="cosine-similarity",
        summary="Negative cosine similarity along an axis (Keras CosineSimilarity)",
        family="embedding",
        formula=(
            "ℓ = −Σ_axis x·y / (√max(Σ x², ε)·√max(Σ y², ε)) = −cos(x, y), one term per "
            "vector along --axis"
        ),
        inputs=(
            InputSpec(
                "pred",
                "predicted vectors x, (*, D): the vectors lie along --axis",
                flags=PRED_FLAGS,
                shape="(*, D)",
            ),
            InputSpec(
                "target",
                "target vectors y, the shape of --pred",
                flags=TARGET_FLAGS,
                shape="(*, D), as pred",
            ),
        ),
        params=(
            ParamSpec("axis", "int", -1, "the axis along which the vectors lie (Keras axis=)"),
            ParamSpec(
                "eps",
                "float",
                1e-12,
                "squared norms are clamped at ε (Keras l2_normalize: 1e-12; optax's "
                "epsilon, 0 by default)",
                minimum=0.0,
            ),
        ),
        conventions=COSINE_SIMILARITY_CONVENTIONS,
        impl="cosine_similarity",
        numpy_impl="cosine_similarity",
        check="cosine_similarity",
        aliases=("CosineSimilarity", "cosine_similarity", "cosine-distance", "cosine_distance",
                 "cosine"),
        reduction_rule="mean: Σ ℓ / (number of vectors), Keras's sum_over_batch_size; sum; "
        "none: one value per vector",
        references=(
            "Keras 3.15.1, keras/src/losses/losses.py CosineSimilarity, cosine_similarity",
            "optax 0.2.8, optax/losses/_regression.py cosine_distance, cosine_similarity",
        ),
        notes=(
            "A loss in [−1, 1]: −1 for vectors in the same direction, 0 for orthogonal ones, "
            "1 for opposite ones. optax's cosine_distance is 1 − cos (--convention optax).",
            "A zero vector scores 0 (its norm is clamped at √ε); with --eps 0 it gives NaN, "
            "as optax's default.",
            "∂(−cos)/∂x = −(ŷ − cos·x̂)/‖x‖ with x̂, ŷ the unit vectors: orthogonal to x, "
            "so the loss never changes the length of the prediction.",
        ),
        example={"pred": "[[4, 8, 12], [8, 1, 3]]", "target": "[[1, 9, 2], [-5, -2, 6]]"},
    ),
)
