"""Other libraries' versions of the KL divergence and the Poisson NLL (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import KERAS, KERAS_EPS, KERAS_LOSS, KERAS_MEAN, OPTAX

_KL_NOT_ELEMENTWISE: dict[str, str] = {}  # their mean is over samples: no 'mean' warning


KL_DIV_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.KLDivLoss",
        call="KLDivLoss(reduction='mean')(input, target)",
        source="PyTorch KLDivLoss documentation (torch 2.x)",
        reason="losscli's default: 'mean' averages every element (not the KL divergence; "
        "batchmean is)",
    ),
    Convention(
        name="keras",
        library="keras.losses.KLDivergence",
        call="KLDivergence()(y_true, y_pred, sample_weight) with y_pred = exp(input) "
        "(probabilities)",
        source=f"{KERAS} kl_divergence; {KERAS_LOSS}",
        reason="sums over the last axis (one KL per sample) and both sides are clipped to "
        "[1e-7, 1]; --sample-weight multiplies the per-sample losses",
        impl="keras_kl_div",
        constants=KERAS_EPS,
        rules=KERAS_MEAN,
        warnings=_KL_NOT_ELEMENTWISE,
        clamp="y_true and y_pred clipped to [1e-7, 1]",
    ),
    Convention(
        name="optax",
        library="optax.kl_divergence",
        call="kl_divergence(log_predictions, targets) (per sample; jnp.mean it)",
        source=OPTAX + "_classification.py kl_divergence, kl_divergence_with_log_targets",
        reason="sums over the last axis: one KL per sample, so its mean is torch's batchmean",
        impl="optax_kl_div",
        warnings=_KL_NOT_ELEMENTWISE,
    ),
)


POISSON_NLL_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.PoissonNLLLoss",
        call="PoissonNLLLoss(log_input=True, full=False, eps=1e-8)(input, target)",
        source="PyTorch PoissonNLLLoss documentation (torch 2.x)",
        reason="losscli's default: the input is log λ; the mean over every element",
    ),
    Convention(
        name="keras",
        library="keras.losses.Poisson",
        call="Poisson()(y_true, y_pred, sample_weight) with y_pred = λ",
        source=f"{KERAS} poisson; {KERAS_LOSS}",
        reason="the input is the rate λ and ε = 1e-7 in log(λ + ε); mean over the last axis, "
        "then sum_over_batch_size; --sample-weight multiplies the per-sample losses",
        params={"log_input": False, "eps": 1e-7},
        impl="keras_poisson",
        rules=KERAS_MEAN,
    ),
)
