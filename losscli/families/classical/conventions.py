"""Other libraries' versions of log loss and hinge loss, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import (
                KERAS,
                KERAS_CLIP,
                KERAS_EPS,
                KERAS_LOSS,
                KERAS_MEAN,
)

_SKLEARN_OLD = ("scikit-learn ≤ 1.4 sklearn/metrics/_classification.py log_loss (clip, "
                "then 'Renormalize'; removed in 1.5 by scikit-learn PR #28851)")


LOG_LOSS_CONVENTIONS = (
    Convention(
        name="sklearn",
        library="sklearn.metrics.log_loss (>= 1.5)",
        call="log_loss(y_true, y_pred, labels=range(C))",
        source="scikit-learn 1.9.1, sklearn/metrics/_classification.py _log_loss",
        reason="losscli's default: clipped at the dtype's epsilon, rows not renormalised",
        clamp="probabilities clipped to [eps, 1 − eps], eps = finfo(dtype).eps",
    ),
    Convention(
        name="sklearn-1.4",
        library="sklearn.metrics.log_loss (1.2 to 1.4)",
        call="log_loss(y_true, y_pred, eps='auto', labels=range(C))",
        source=_SKLEARN_OLD,
        reason="rows renormalised to sum 1 after clipping",
        impl="sklearn_renormalised_log_loss",
        constants={"eps": None},
        clamp="clipped to [eps, 1 − eps], eps = finfo(dtype).eps, then renormalised",
    ),
    Convention(
        name="sklearn-1.1",
        library="sklearn.metrics.log_loss (<= 1.1)",
        call="log_loss(y_true, y_pred, eps=1e-15, labels=range(C))",
        source=_SKLEARN_OLD + "; eps default 1e-15 until 1.2",
        reason="eps = 1e-15 instead of the dtype's epsilon, and rows renormalised",
        impl="sklearn_renormalised_log_loss",
        constants={"eps": 1e-15},
        clamp="clipped to [1e-15, 1 − 1e-15], then renormalised",
    ),
    Convention(
        name="keras",
        library="keras.losses.CategoricalCrossentropy / BinaryCrossentropy",
        call="CategoricalCrossentropy()(one_hot(y_true), y_pred); (N) pred: "
        "BinaryCrossentropy()(y_true[:, None], y_pred[:, None])",
        source=f"{KERAS} categorical_crossentropy; keras/src/backend/*/nn.py; {KERAS_LOSS}",
        reason="probabilities clipped at 1e-7; a sample weight does not enter the "
        "denominator (sum_over_batch_size)",
        impl="keras_log_loss",
        constants=KERAS_EPS,
        rules=KERAS_MEAN,
        clamp=KERAS_CLIP + ", rows renormalised first",
    ),
    Convention(
        name="torch",
        library="torch.nn.functional.nll_loss(log p) / BCELoss",
        call="nll_loss(torch.log(y_pred), y_true); (N) pred: BCELoss()(y_pred, y_true)",
        source="PyTorch NLLLoss and BCELoss documentation (torch 2.x)",
        reason="no clipping: a probability of 0 on the true class gives inf ((N) pred: log "
        "clamped at −100)",
        impl="torch_log_loss",
    ),
)


HINGE_CONVENTIONS = (
    Convention(
        name="sklearn",
        library="sklearn.metrics.hinge_loss",
        call="hinge_loss(y_true, pred_decision, sample_weight=w)",
        source="scikit-learn 1.9.1, sklearn/metrics/_classification.py hinge_loss",
        reason="losscli's default: one margin per sample; a sample weight enters the "
        "denominator (Σ w)",
    ),
    Convention(
        name="keras",
        library="keras.losses.Hinge",
        call="Hinge()(y_true, y_pred, sample_weight)",
        source=f"{KERAS} hinge; {KERAS_LOSS}",
        reason="--target of --pred's shape, one margin per element (labels 0/1 become −1/+1 "
        "only when every label is 0 or 1); mean over the last axis, then "
        "sum_over_batch_size: a sample weight does not enter the denominator",
        impl="keras_hinge",
        rules=KERAS_MEAN,
        check="keras_hinge",
    ),
)
