"""The metric-learning losses as pytorch-metric-learning computes them (``--convention``).

Each function returns the library's unreduced terms.
"""

from __future__ import annotations

from dataclasses import replace

from losscli.families._shared.torch_terms import Terms
from losscli.families.metric.torch_terms import ntxent, supcon


def pml_ntxent(**inputs) -> Terms:
    """NTXentLoss (pytorch-metric-learning 2.8.1): optax's terms, 0 without a positive pair."""
    return replace(ntxent(**inputs), empty_mean_zero=True)


def pml_supcon(*, base_temperature: float, temperature: float, **inputs) -> Terms:
    """SupConLoss (pytorch-metric-learning 2.8.1): no T/T_base factor; the mean is over the
    anchors with a positive (AvgNonZeroReducer)."""
    terms = supcon(temperature=temperature, base_temperature=temperature, **inputs)
    alone = terms.details["positives"] == 0
    return replace(terms, weights=(~alone).to(terms.values.dtype), ignored=alone,
                   ignore_reason="anchor without a positive (AvgNonZeroReducer)")
