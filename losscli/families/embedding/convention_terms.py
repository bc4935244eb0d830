"""The cosine loss as optax computes it (``--convention``): 1 − cos (cosine_distance) or
+cos (cosine_similarity), one term per row. Each function returns the library's unreduced
terms.
"""

from __future__ import annotations

from losscli.families._shared.torch_terms import Terms
from losscli.families.embedding.torch_terms import cosine_similarity


def optax_cosine_distance(*, pred, target, axis: int, eps: float) -> Terms:
    """optax.cosine_distance (optax 0.2.8): 1 − cos, norms √max(Σx², ε)."""
    return Terms(1 + cosine_similarity(pred=pred, target=target, axis=axis, eps=eps).values)


def optax_cosine_similarity(*, pred, target, axis: int, eps: float) -> Terms:
    """optax.cosine_similarity (optax 0.2.8): +cos, norms √max(Σx², ε)."""
    return Terms(-cosine_similarity(pred=pred, target=target, axis=axis, eps=eps).values)
