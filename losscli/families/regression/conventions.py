"""Other libraries' versions of the regression losses, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import (
    KERAS,
    KERAS_LOSS,
    KERAS_MEAN,
    KORNIA,
    MMDET,
    OPTAX,
)

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

LOG_COSH_CONVENTIONS = (
    Convention(
        name="optax",
        library="optax.losses.log_cosh",
        call="log_cosh(predictions, targets) (elementwise, no reduction)",
        source=OPTAX + "_regression.py log_cosh",
        reason="losscli's terms: logaddexp(d, −d) − log 2 per element; optax does not reduce "
        "(--reduction none gives its output)",
    ),
    Convention(
        name="keras",
        library="keras.losses.LogCosh",
        call="LogCosh()(y_true, y_pred)",
        source=f"{KERAS} log_cosh; {KERAS_LOSS}",
        reason="the mean over the last axis (one term per sample), then sum_over_batch_size: "
        "the same mean, a different sum and none",
        impl="keras_log_cosh",
        rules=KERAS_MEAN,
    ),
)

MAPE_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli mape",
        call="losscli mape --pred X --target Y",
        source=f"{KERAS} mean_absolute_percentage_error",
        reason="Keras's formula, one term per element",
    ),
    Convention(
        name="keras",
        library="keras.losses.MeanAbsolutePercentageError",
        call="MeanAbsolutePercentageError()(y_true, y_pred)",
        source=f"{KERAS} mean_absolute_percentage_error; {KERAS_LOSS}",
        reason="the mean over the last axis (one term per sample), then sum_over_batch_size: "
        "the same mean, a different sum and none",
        impl="keras_mape",
        rules=KERAS_MEAN,
    ),
    Convention(
        name="sklearn",
        library="sklearn.metrics.mean_absolute_percentage_error",
        call="mean_absolute_percentage_error(y_true, y_pred)",
        source="scikit-learn 1.9.1, sklearn/metrics/_regression.py "
        "mean_absolute_percentage_error",
        reason="a fraction, not a percentage (no × 100), and |y| clipped at float64's machine "
        "epsilon 2.2e-16 instead of 1e-7",
        impl="sklearn_mape",
        constants={"eps": float(2.0**-52)},
    ),
)

MSLE_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli msle",
        call="losscli msle --pred X --target Y",
        source=f"{KERAS} mean_squared_logarithmic_error",
        reason="Keras's formula (values clipped to 1e-7), one term per element",
        clamp="x and y clipped to at least 1e-7 (keras.backend.epsilon())",
    ),
    Convention(
        name="keras",
        library="keras.losses.MeanSquaredLogarithmicError",
        call="MeanSquaredLogarithmicError()(y_true, y_pred)",
        source=f"{KERAS} mean_squared_logarithmic_error; {KERAS_LOSS}",
        reason="the mean over the last axis (one term per sample), then sum_over_batch_size: "
        "the same mean, a different sum and none",
        impl="keras_msle",
        rules=KERAS_MEAN,
        clamp="x and y clipped to at least 1e-7 (keras.backend.epsilon())",
    ),
    Convention(
        name="sklearn",
        library="sklearn.metrics.mean_squared_log_error",
        call="mean_squared_log_error(y_true, y_pred)",
        source="scikit-learn 1.9.1, sklearn/metrics/_regression.py mean_squared_log_error",
        reason="no clip: log1p of the values themselves, and a value ≤ −1 is an error",
        impl="sklearn_msle",
    ),
)

QUANTILE_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli quantile",
        call="losscli quantile --pred X --target Y --tau τ",
        source="tensorflow/addons tensorflow_addons/losses/quantiles.py @ d208d752 pinball_loss",
        reason="tensorflow-addons' formula, one term per element",
    ),
    Convention(
        name="tfa",
        library="tfa.losses.PinballLoss",
        call="PinballLoss(tau=0.5)(y_true, y_pred)",
        source="tensorflow/addons tensorflow_addons/losses/quantiles.py @ d208d752 "
        "(after v0.23.0)",
        reason="the mean over the last axis (one term per sample), then Keras's "
        "sum_over_batch_size: the same mean, a different sum and none",
        impl="tfa_pinball",
        rules=KERAS_MEAN,
    ),
)


def _kornia(loss: str, function: str) -> Convention:
    """kornia's version of one of its robust losses: losscli's terms, reduction 'none'."""
    return Convention(
        name="kornia",
        library=f"kornia.losses.{function}",
        call=f"{function}(img1, img2, reduction='none')",
        source=f"{KORNIA}{loss}.py",
        reason="losscli's terms; kornia's default reduction is 'none' (--reduction none), "
        "losscli's mean",
    )


CHARBONNIER_CONVENTIONS = (
    _kornia("charbonnier", "charbonnier_loss"),
    Convention(
        name="basicsr",
        library="basicsr.losses.CharbonnierLoss",
        call="CharbonnierLoss(loss_weight=1.0, reduction='mean', eps=1e-12)(pred, target)",
        source="XPixelGroup/BasicSR basicsr/losses/basic_loss.py @ "
        "55212830ca2d6483ccbf4656aa86069da8d9123c",
        reason="√(r² + ε) with ε = 1e-12 and no − 1: about |r| (L1), not √(r² + 1) − 1",
        impl="basicsr_charbonnier",
        constants={"eps": 1e-12},
    ),
)

CAUCHY_CONVENTIONS = (_kornia("cauchy", "cauchy_loss"),)

GEMAN_MCCLURE_CONVENTIONS = (_kornia("geman_mcclure", "geman_mcclure_loss"),)

WELSCH_CONVENTIONS = (_kornia("welsch", "welsch_loss"),)


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
    Convention(
        name="optax",
        library="optax.losses.l2_loss",
        call="l2_loss(predictions, targets) (elementwise, no reduction)",
        source=OPTAX + "_regression.py l2_loss",
        reason="half the squared error, ½·(x − y)² (the gradient is x − y); optax does not "
        "reduce (--reduction none gives its output)",
        impl="optax_l2",
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
