"""Other libraries' versions of the cosine-similarity loss, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import KERAS, KERAS_LOSS, OPTAX

_OPTAX_EPS = (
    "ε clips the squared norms: √max(Σx², ε), ε = 0 by default (a zero vector gives NaN)"
)

COSINE_SIMILARITY_CONVENTIONS = (
    Convention(
        name="keras",
        library="keras.losses.CosineSimilarity",
        call="CosineSimilarity(axis=-1)(y_true, y_pred)",
        source=f"{KERAS} cosine_similarity, CosineSimilarity; {KERAS_LOSS}",
        reason="losscli's default: −cos in [−1, 1], squared norms clamped at 1e-12 (a zero "
        "vector gives 0), mean over the rows (sum_over_batch_size without weights)",
        clamp="Σx² clamped at 1e-12 in l2_normalize",
    ),
    Convention(
        name="optax",
        library="optax.cosine_distance",
        call="cosine_distance(predictions, targets, epsilon=0.0) (per row; jnp.mean it)",
        source=OPTAX + "_regression.py cosine_distance, cosine_similarity",
        reason="1 − cos in [0, 2] (the Keras value plus 1), with ε = 0 by default",
        params={"eps": 0.0},
        impl="optax_cosine_distance",
        clamp=_OPTAX_EPS,
    ),
    Convention(
        name="optax-similarity",
        library="optax.cosine_similarity",
        call="cosine_similarity(predictions, targets, epsilon=0.0) (per row)",
        source=OPTAX + "_regression.py cosine_similarity",
        reason="+cos: a similarity to maximise, not a loss (the negated Keras value)",
        params={"eps": 0.0},
        impl="optax_cosine_similarity",
        clamp=_OPTAX_EPS,
    ),
)
