"""Hand-chosen plot axes of the classification losses (numpy, no torch)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from losscli.families._shared.plot import (
    P_T,
    PROBABILITY,
    PlotAxis,
    binary_logit,
    binary_p_t,
    class_zero,
    logit,
    margin_gap,
    prob_axis,
    true_class,
)


def _softmax_p_t() -> PlotAxis:
    """Softmax losses: two classes, the true one (0) with probability p_t."""
    return PlotAxis(
        "p_t", P_T, 0.01, 0.99,
        lambda x: {"pred": np.stack([logit(x), np.zeros_like(x)], axis=1),
                   "target": class_zero(len(x))},
        grad_label="∂ℓ/∂x_y, x_y the logit of the true class",
        grad_pick=true_class,
        bounds=PROBABILITY,
    )


def _probabilities_p_t(
    grad_label: str, transform: Callable[[np.ndarray], np.ndarray] = np.asarray,
) -> PlotAxis:
    """Two classes given as ``transform`` of [p_t, 1 − p_t], the true one (0) first."""
    return PlotAxis(
        "p_t", P_T, 0.01, 0.99,
        lambda x: {"pred": transform(np.stack([x, 1 - x], axis=1)),
                   "target": class_zero(len(x))},
        grad_label=grad_label,
        grad_pick=true_class,
        bounds=PROBABILITY,
    )


#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    # As in figure 1 of the focal loss paper: no α weighting unless --alpha is given.
    "focal": (binary_p_t(alpha=-1.0), binary_logit()),
    "bce-with-logits": (binary_p_t(), binary_logit()),
    "bce": (prob_axis("p"), prob_axis("p_t")),
    "cross-entropy": (_softmax_p_t(),),
    "softmax-focal": (_softmax_p_t(),),
    "poly": (_softmax_p_t(),),
    "asymmetric-single-label": (_softmax_p_t(),),
    "generalized-cross-entropy": (_probabilities_p_t("∂ℓ/∂p_t"),),
    "nll": (_probabilities_p_t("∂ℓ/∂log p_y", np.log),),
    "sparsemax": (margin_gap(class_zero),),
}
