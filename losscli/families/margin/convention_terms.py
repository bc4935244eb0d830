"""Keras's hinge losses with ``sample_weight`` (``--convention keras``): losscli's per-sample
terms (already Keras's formula) times the weights, as Keras 3.15.1 ``Loss.__call__`` does."""

from __future__ import annotations

from losscli.families._shared.keras_terms import weighted
from losscli.families._shared.torch_terms import Terms
from losscli.families.margin.torch_terms import categorical_hinge, squared_hinge


def keras_squared_hinge(*, pred, target, sample_weight) -> Terms:
    """keras.losses.SquaredHinge: mean_last max(0, 1 − y·x)², times the sample weights."""
    terms = squared_hinge(pred=pred, target=target)  # its detail y is per element: left out
    return weighted(terms.values, sample_weight)


def keras_categorical_hinge(*, pred, target, sample_weight) -> Terms:
    """keras.losses.CategoricalHinge: max(0, neg − pos + 1), times the sample weights."""
    terms = categorical_hinge(pred=pred, target=target)
    return weighted(terms.values, sample_weight, terms.details)
