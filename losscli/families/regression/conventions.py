"""Other libraries' versions of the regression losses, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import KERAS, KERAS_LOSS, KERAS_MEAN, MMDET, OPTAX

SMOOTH_L1_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.SmoothL1Loss",
        call="SmoothL1Loss(beta=1.0)(input, target)",
        source="PyTorch SmoothL1Loss documentation (torch 2.x)",
        reason="losscli's default: β = 1",
    ),
    Convention(
        name="fvcore",
        library="fvcore.nn.smooth_l1_loss",
        call="smooth_l1_loss(input, target, beta, reduction='none') (β required)",
        source="facebookresearch/fvcore fvcore/nn/smooth_l1_loss.py @ "
        "b1a085b7e77aceff16fde2564a31bf2e42229ba5 (fvcore 0.1.5)",
        reason="same formula; β has no default, and β < 1e-5 gives exactly L1",
        impl="fvcore_smooth_l1",
    ),
    Convention(
        name="mmdet",
        library="mmdet.models.losses.SmoothL1Loss",
        call="SmoothL1Loss(beta=1.0, reduction='mean', loss_weight=1.0)(pred, target)",
        source=MMDET + "smooth_l1_loss.py @ 030b5682a4fc5bfe7fda1b0c6fb6e896f33b61dc",
        reason="same formula and β = 1; β must be > 0",
        impl="mmdet_smooth_l1",
    ),
    Convention(
        name="maskrcnn-benchmark",
        library="maskrcnn_benchmark.layers.smooth_l1_loss",
        call="smooth_l1_loss(input, target, beta=1. / 9)",
        source="facebookresearch/maskrcnn-benchmark maskrcnn_benchmark/layers/"
        "smooth_l1_loss.py @ 9a44574f56352981988003adbcd3297fd08a5453",
        reason="β = 1/9 by default: Faster R-CNN's σ = 3, β = 1/σ²",
        params={"beta": 1 / 9},
    ),
    Convention(
        name="keras",
        library="keras.losses.Huber",
        call="Huber(delta=β)(y_true, y_pred)",
        source=f"{KERAS} huber; {KERAS_LOSS}",
        reason="no Smooth L1: Huber(delta=β) is β × smooth-l1 (equal at β = 1); mean over "
        "the last axis, then sum_over_batch_size; --sample-weight multiplies the per-sample "
        "losses",
        impl="keras_huber",
        rules=KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.huber_loss",
        call="huber_loss(predictions, targets, delta=β) (elementwise)",
        source=OPTAX + "_regression.py huber_loss",
        reason="no Smooth L1: huber_loss(delta=β) is β × smooth-l1 (equal at β = 1)",
        impl="optax_huber",
    ),
)


def _torch(library: str, call: str) -> Convention:
    return Convention(
        name="torch",
        library=f"torch.nn.{library}",
        call=call,
        source=f"PyTorch {library} documentation (torch 2.x)",
        reason="losscli's default: the mean over every element",
    )


_KERAS_REASON = ("mean over the last axis (one loss per sample), then sum_over_batch_size; "
                 "--sample-weight multiplies the per-sample losses")

L1_CONVENTIONS = (
    _torch("L1Loss", "L1Loss()(input, target)"),
    Convention(
        name="keras",
        library="keras.losses.MeanAbsoluteError",
        call="MeanAbsoluteError()(y_true, y_pred, sample_weight)",
        source=f"{KERAS} mean_absolute_error; {KERAS_LOSS}",
        reason=_KERAS_REASON,
        impl="keras_mae",
        rules=KERAS_MEAN,
    ),
)


MSE_CONVENTIONS = (
    _torch("MSELoss", "MSELoss()(input, target)"),
    Convention(
        name="keras",
        library="keras.losses.MeanSquaredError",
        call="MeanSquaredError()(y_true, y_pred, sample_weight)",
        source=f"{KERAS} mean_squared_error; {KERAS_LOSS}",
        reason=_KERAS_REASON,
        impl="keras_mse",
        rules=KERAS_MEAN,
    ),
)


HUBER_CONVENTIONS = (
    _torch("HuberLoss", "HuberLoss(delta=1.0)(input, target)"),
    Convention(
        name="keras",
        library="keras.losses.Huber",
        call="Huber(delta=δ)(y_true, y_pred, sample_weight)",
        source=f"{KERAS} huber; {KERAS_LOSS}",
        reason="same formula; " + _KERAS_REASON,
        impl="keras_huber_delta",
        rules=KERAS_MEAN,
    ),
    Convention(
        name="optax",
        library="optax.huber_loss",
        call="huber_loss(predictions, targets, delta=δ) (elementwise; jnp.mean it)",
        source=OPTAX + "_regression.py huber_loss",
        reason="the same elementwise terms and mean",
    ),
)
