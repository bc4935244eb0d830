"""Other libraries' versions of the KL divergence and the Poisson NLL (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import (
    KERAS,
    KERAS_EPS,
    KERAS_LOSS,
    KERAS_MEAN,
    KORNIA,
    OPTAX,
)

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


JS_DIV_CONVENTIONS = (
    Convention(
        name="kornia",
        library="kornia.losses.js_div_loss_2d",
        call="js_div_loss_2d(pred, target, reduction='mean')",
        source=KORNIA + "divergence.py _js_div_2d(target, pred)",
        reason="losscli's default: unnormalised maps summed over H·W, mean over B·N (kornia "
        "gives NaN where both maps are 0, losscli 0)",
    ),
    Convention(
        name="scipy",
        library="scipy.spatial.distance.jensenshannon",
        call="jensenshannon(P.ravel(), Q.ravel()) per map (base e)",
        source="SciPy 1.17.1, scipy/spatial/distance.py jensenshannon",
        reason="normalises each map to sum 1 and returns the distance √JSD, not the divergence",
        impl="scipy_js_div",
    ),
)


DISTILLATION_CONVENTIONS = (
    Convention(
        name="hinton",
        library="Hinton et al. 2015 (weighted average)",
        call="α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1 − α)·CE(s, y), batch mean",
        source="Hinton, Vinyals and Dean, Distilling the Knowledge in a Neural Network, 2015",
        reason="losscli's default: a weighted average of the two parts (timm's "
        "complementary mode)",
    ),
    Convention(
        name="timm",
        library="timm.task.LogitDistillationTask",
        call="LogitDistillationTask(student, teacher, temperature=T) (task_loss_weight = "
        "distill_loss_weight = 1)",
        source="timm v1.0.28, timm/task/distillation.py LogitDistillationTask.forward",
        reason="adds CE and the T²-scaled KL with weight 1 each (α is not used); same "
        "value without --target",
        impl="timm_distillation",
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
