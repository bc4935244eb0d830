"""``--convention`` against the real libraries, where they install without a GPU build.

Test-only dependencies (``pip install -e .[crosscheck]``): scikit-learn, kornia, MONAI,
optax (with jax), Keras 3 (run on its numpy backend) and fvcore. Each test is skipped,
with the reason, when its library is missing. segmentation_models_pytorch and
mmdetection need torchvision or compiled mmcv ops, so their tests usually skip; their
conventions are checked against their published formulas in test_conventions.py.
losscli itself never imports any of them.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from test_conventions import (
    BCE_P,
    BCE_T,
    BCE_W,
    FOCAL_SOFT,
    FOCAL_X,
    IGNORED,
    KL_P,
    KL_Q,
    LABELS,
    LOGITS,
    MASK_PRED,
    MASK_TARGET,
    SATURATED_T,
    SATURATED_X,
    SL1_X,
    SL1_Y,
    SPATIAL_LABELS,
    SPATIAL_LOGITS,
    softmax,
)

import losscli

os.environ.setdefault("KERAS_BACKEND", "numpy")  # Keras 3 without TensorFlow, jax or torch


def ours(loss, convention, reduction="mean", dtype="float64", **values):
    result = losscli.compute(loss, convention=convention, reduction=reduction, dtype=dtype,
                             **values)
    return np.asarray(result.value)


def t64(array):
    array = np.asarray(array)
    return torch.as_tensor(array, dtype=torch.int64 if array.dtype.kind in "iu" else
                           torch.float64)


_RNG = np.random.default_rng(11)
IMG_LOGITS = _RNG.normal(size=(2, 3, 3, 4))  # (B, C, H, W), as kornia's dice and tversky want
IMG_LABELS = _RNG.integers(0, 3, size=(2, 3, 4))
IMG_LABELS_IGNORED = IMG_LABELS.copy()
IMG_LABELS_IGNORED[0, 0, :2] = -100
BIN_X = _RNG.normal(size=(2, 3, 5))  # (B, C, *) logits, soft targets
BIN_T = _RNG.random(size=(2, 3, 5))
LL_ROWS = np.array([[0.0, 0.6, 0.4], [0.5, 0.3, 0.2], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
LL_LABELS = np.array([0, 0, 1, 2])
LL_WEIGHTS = np.array([1.0, 2.0, 0.5, 1.5])


# ----------------------------------------------------------------------------- scikit-learn

def test_sklearn_log_loss():
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed")
    for weights in (None, LL_WEIGHTS):
        want = metrics.log_loss(LL_LABELS, LL_ROWS, labels=[0, 1, 2], sample_weight=weights)
        got = ours("log-loss", "sklearn", pred=LL_ROWS, target=LL_LABELS, sample_weight=weights)
        assert got == pytest.approx(want, rel=1e-12)
    binary = np.array([0.0, 1.0, 0.3, 0.8])
    want = metrics.log_loss([1, 0, 1, 0], binary, labels=[0, 1])
    assert ours("log-loss", "sklearn", pred=binary, target=[1, 0, 1, 0]) == pytest.approx(want)


def test_sklearn_bce_is_log_loss_of_the_flattened_elements():
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed")
    for weight in (None, BCE_W):
        want = metrics.log_loss(BCE_T.ravel(), BCE_P.ravel(), labels=[0, 1],
                                sample_weight=None if weight is None else weight.ravel())
        got = ours("bce", "sklearn", pred=BCE_P, target=BCE_T, weight=weight)
        assert got == pytest.approx(want, rel=1e-12)


# ----------------------------------------------------------------------------- kornia

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_kornia_binary_focal(reduction):
    kl = pytest.importorskip("kornia.losses", reason="kornia is not installed")
    want = kl.binary_focal_loss_with_logits(t64(BIN_X), t64(BIN_T), alpha=0.25, gamma=2.0,
                                            reduction=reduction).numpy()
    got = ours("focal", "kornia", reduction, pred=BIN_X, target=BIN_T)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("alpha", [None, 0.25])
@pytest.mark.parametrize("labels", ["spatial", "ignored"])
def test_kornia_softmax_focal(reduction, alpha, labels):
    kl = pytest.importorskip("kornia.losses", reason="kornia is not installed")
    x, y = (SPATIAL_LOGITS, SPATIAL_LABELS) if labels == "spatial" else (LOGITS, IGNORED)
    want = kl.focal_loss(t64(x), t64(y), alpha=alpha, gamma=2.0, reduction=reduction).numpy()
    values = {"pred": x, "target": y} | ({} if alpha is None else {"alpha": alpha})
    np.testing.assert_allclose(ours("softmax-focal", "kornia", reduction, **values), want,
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("labels", [IMG_LABELS, IMG_LABELS_IGNORED], ids=["all", "ignored"])
def test_kornia_dice_and_tversky(labels):
    kl = pytest.importorskip("kornia.losses", reason="kornia is not installed")
    values = {"pred": IMG_LOGITS, "target": labels, "from_logits": "softmax",
              "ignore_index": -100}
    want = kl.dice_loss(t64(IMG_LOGITS), t64(labels)).item()
    assert ours("dice", "kornia", **values) == pytest.approx(want, rel=1e-12)
    want = kl.tversky_loss(t64(IMG_LOGITS), t64(labels), alpha=0.3, beta=0.7).item()
    got = ours("tversky", kornia_tversky_convention(), alpha=0.3, beta=0.7, **values)
    assert got == pytest.approx(want, rel=1e-12)


def kornia_tversky_convention():
    """kornia 0.9.0 averages the classes present; 0.7.0 to 0.9.0rc1 summed every class."""
    import kornia

    release = tuple(int(part) for part in kornia.__version__.split("rc")[0].split(".")[:2])
    final = "rc" not in kornia.__version__
    return "kornia" if release >= (0, 9) and final else "kornia-0.8"


# ----------------------------------------------------------------------------- MONAI

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", ["spatial", "flat"])
def test_monai_sigmoid_focal(reduction, shape):
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    x, t = (BIN_X, BIN_T) if shape == "spatial" else (FOCAL_X, FOCAL_SOFT)
    want = losses.FocalLoss(reduction=reduction)(t64(x), t64(t)).numpy()
    np.testing.assert_allclose(ours("focal", "monai", reduction, pred=x, target=t), want,
                               rtol=1e-6)  # MONAI computes in float32


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("alpha", [None, 0.25, [0.2, 0.3, 0.5]], ids=["none", "scalar", "list"])
def test_monai_softmax_focal(reduction, alpha):
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    loss = losses.FocalLoss(to_onehot_y=True, use_softmax=True, alpha=alpha, reduction=reduction)
    want = loss(t64(SPATIAL_LOGITS), t64(SPATIAL_LABELS)[:, None]).numpy()
    values = {"pred": SPATIAL_LOGITS, "target": SPATIAL_LABELS}
    values |= {} if alpha is None else {"alpha": alpha}
    np.testing.assert_allclose(ours("softmax-focal", "monai", reduction, **values), want,
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_monai_softmax_focal_with_ignored_pixels(reduction):
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    loss = losses.FocalLoss(to_onehot_y=True, use_softmax=True, ignore_index=-100,
                            reduction=reduction)
    want = loss(t64(LOGITS), t64(IGNORED)[:, None]).item()
    got = ours("softmax-focal", "monai", reduction, pred=LOGITS, target=IGNORED)
    assert got == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_monai_softmax_focal_without_spatial_dimensions(reduction):
    # (N, C) scores, nothing ignored: FocalLoss() (no ignore_index) divides by N·C for both
    # reductions (its 'sum' averages over dim=[], every dimension).
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    loss = losses.FocalLoss(to_onehot_y=True, use_softmax=True, reduction=reduction)
    want = loss(t64(LOGITS), t64(LABELS)[:, None]).item()
    got = ours("softmax-focal", "monai", reduction, pred=LOGITS, target=LABELS)
    assert got == pytest.approx(want, rel=1e-6)


def test_monai_overlap_defaults():
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    probs = softmax(IMG_LOGITS)
    onehot = np.moveaxis(np.eye(3)[IMG_LABELS], -1, 1)
    cases = (("dice", losses.DiceLoss(), {}),
             ("jaccard", losses.DiceLoss(jaccard=True), {}),
             ("tversky", losses.TverskyLoss(alpha=0.3, beta=0.7), {"alpha": 0.3, "beta": 0.7}))
    for name, loss, extra in cases:
        want = loss(t64(probs), t64(onehot)).item()
        got = ours(name, "monai", pred=probs, target=IMG_LABELS, **extra)
        assert got == pytest.approx(want, rel=1e-10), name


# ----------------------------------------------------------------------------- optax

def _optax():
    optax = pytest.importorskip("optax", reason="optax (and jax) is not installed")
    import jax

    jax.config.update("jax_enable_x64", True)
    return optax, pytest.importorskip("jax.numpy")


def test_optax_ctc():
    optax, jnp = _optax()
    x = _RNG.normal(size=(3, 6, 4))
    labels = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [1, 1, 1, 3]])
    lengths, frames = np.array([3, 2, 4]), np.array([6, 4, 5])
    label_pad = (np.arange(4) >= lengths[:, None]).astype(float)
    frame_pad = (np.arange(6) >= frames[:, None]).astype(float)
    for blank, log_epsilon in ((0, -1e5), (2, -30.0)):
        ids = np.where(labels == blank, 0, labels)  # no label may be the blank
        want = np.asarray(optax.ctc_loss(jnp.array(x), jnp.array(frame_pad), jnp.array(ids),
                                         jnp.array(label_pad), blank_id=blank,
                                         log_epsilon=log_epsilon))
        got = losscli.compute("ctc", convention="optax", reduction="none", dtype="float64",
                              pred=x, target=ids, input_lengths=frames, target_lengths=lengths,
                              blank=blank, log_epsilon=log_epsilon).value
        np.testing.assert_allclose(got, want, rtol=1e-9)


def test_optax_focal_and_huber():
    optax, jnp = _optax()
    want = jnp.mean(optax.sigmoid_focal_loss(jnp.array(FOCAL_X), jnp.array(FOCAL_SOFT)))
    got = ours("focal", "optax", pred=FOCAL_X, target=FOCAL_SOFT)
    assert got == pytest.approx(float(want), rel=1e-10)
    want = jnp.mean(optax.huber_loss(jnp.array(SL1_X), jnp.array(SL1_Y), delta=2.0))
    assert ours("smooth-l1", "optax", pred=SL1_X, target=SL1_Y, beta=2.0) == pytest.approx(
        float(want), rel=1e-12)


@pytest.mark.parametrize("include_background", [True, False])
def test_optax_dice_and_tversky(include_background):
    optax, jnp = _optax()
    logits_last = jnp.array(np.moveaxis(IMG_LOGITS, 1, -1))
    onehot_last = jnp.array(np.eye(3)[IMG_LABELS])
    common = {"pred": IMG_LOGITS, "target": IMG_LABELS, "from_logits": "softmax",
              "include_background": include_background}
    want = jnp.mean(optax.losses.dice_loss(logits_last, onehot_last,
                                           ignore_background=not include_background))
    assert ours("dice", "optax", **common) == pytest.approx(float(want), rel=1e-10)
    want = jnp.mean(optax.losses.dice_loss(logits_last, onehot_last, alpha=0.3, beta=0.7,
                                           ignore_background=not include_background))
    got = ours("tversky", "optax", alpha=0.3, beta=0.7, **common)
    assert got == pytest.approx(float(want), rel=1e-10)


def test_optax_cross_entropy_and_kl():
    optax, jnp = _optax()
    labels = optax.smooth_labels(jnp.eye(3)[LABELS], 0.1)
    want = jnp.mean(optax.softmax_cross_entropy(jnp.array(LOGITS), labels))
    got = ours("cross-entropy", "optax", pred=LOGITS, target=LABELS, label_smoothing=0.1)
    assert got == pytest.approx(float(want), rel=1e-12)
    log_q = np.log(KL_Q)
    want = jnp.mean(optax.kl_divergence(jnp.array(log_q), jnp.array(KL_P)))
    assert ours("kl-div", "optax", pred=log_q, target=KL_P) == pytest.approx(float(want))
    log_p = np.log(KL_P + 0.1)
    want = jnp.mean(optax.losses.kl_divergence_with_log_targets(jnp.array(log_q),
                                                                jnp.array(log_p)))
    got = ours("kl-div", "optax", pred=log_q, target=log_p, log_target=True)
    assert got == pytest.approx(float(want), rel=1e-12)


# ----------------------------------------------------------------------------- Keras

def _keras():
    keras = pytest.importorskip("keras", reason="Keras 3 is not installed")
    if keras.backend.backend() != "numpy":
        pytest.skip("Keras was imported with another backend; these figures use numpy's")
    return keras


def keras_value(loss, y_true, y_pred, **call):
    return float(np.asarray(loss(np.asarray(y_true, dtype="float32"),
                                 np.asarray(y_pred, dtype="float32"), **call)))


def ours32(loss, convention, **values):
    return float(ours(loss, convention, dtype="float32", **values))


def test_keras_focal_losses():
    keras = _keras()
    losses = keras.losses
    for x, t in ((FOCAL_X, FOCAL_SOFT), (SATURATED_X, SATURATED_T)):
        want = keras_value(losses.BinaryFocalCrossentropy(from_logits=True), t, x)
        assert ours32("focal", "keras", pred=x, target=t) == pytest.approx(want, rel=1e-5)
    onehot = np.eye(3)[LABELS]
    for alpha in (0.25, [0.2, 0.3, 0.5]):
        want = keras_value(losses.CategoricalFocalCrossentropy(alpha=alpha, from_logits=True),
                           onehot, LOGITS)
        got = ours32("softmax-focal", "keras", pred=LOGITS, target=LABELS, alpha=alpha)
        assert got == pytest.approx(want, rel=1e-5)


def test_keras_overlap_losses():
    keras = _keras()
    probs = softmax(IMG_LOGITS)
    onehot = np.moveaxis(np.eye(3)[IMG_LABELS], -1, 1)
    want = keras_value(keras.losses.Dice(), onehot, probs)
    assert ours32("dice", "keras", pred=probs, target=IMG_LABELS) == pytest.approx(want, rel=1e-5)
    want = keras_value(keras.losses.Tversky(alpha=0.3, beta=0.7), MASK_TARGET, MASK_PRED)
    release = tuple(int(part) for part in keras.__version__.split(".")[:2])
    name = "keras-3.16" if release >= (3, 16) else "keras"  # α and β swapped up to 3.15.1
    got = ours32("tversky", name, pred=MASK_PRED, target=MASK_TARGET, alpha=0.3, beta=0.7)
    assert got == pytest.approx(want, rel=1e-5)


def test_keras_cross_entropies():
    keras = _keras()
    losses = keras.losses
    want = keras_value(losses.BinaryCrossentropy(), BCE_T, BCE_P)
    assert ours32("bce", "keras", pred=BCE_P, target=BCE_T) == pytest.approx(want, rel=1e-5)
    onehot = np.eye(3)[LL_LABELS]
    for weights in (None, LL_WEIGHTS):
        want = keras_value(losses.CategoricalCrossentropy(), onehot, LL_ROWS,
                           sample_weight=weights)
        got = ours32("log-loss", "keras", pred=LL_ROWS, target=LL_LABELS, sample_weight=weights)
        assert got == pytest.approx(want, rel=1e-5)
    binary, labels = np.array([0.0, 1.0, 0.3]), np.array([1.0, 0.0, 1.0])
    want = keras_value(losses.BinaryCrossentropy(), labels[:, None], binary[:, None])
    assert ours32("log-loss", "keras", pred=binary, target=[1, 0, 1]) == pytest.approx(want,
                                                                                      rel=1e-5)
    want = keras_value(losses.KLDivergence(), KL_P, KL_Q)
    assert ours32("kl-div", "keras", pred=np.log(KL_Q), target=KL_P) == pytest.approx(want,
                                                                                     rel=1e-5)


def test_keras_cross_entropy_and_huber():
    keras = _keras()
    losses = keras.losses
    weight = np.array([1.0, 2.0, 0.5])
    want = keras_value(losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
                       np.eye(3)[LABELS], LOGITS, sample_weight=weight[LABELS])
    got = ours32("cross-entropy", "keras", pred=LOGITS, target=LABELS, weight=weight,
                 label_smoothing=0.1)
    assert got == pytest.approx(want, rel=1e-5)
    want = keras_value(losses.Huber(delta=2.0), SL1_Y, SL1_X)
    got = ours32("smooth-l1", "keras", pred=SL1_X, target=SL1_Y, beta=2.0)
    assert got == pytest.approx(want, rel=1e-5)


_KW_X = _RNG.normal(size=(3, 4))
_KW_Y = _RNG.normal(size=(3, 4))
_KW_P = 1 / (1 + np.exp(-_KW_X))
_KW_T = (_RNG.random((3, 4)) > 0.5).astype(np.float64)
_KW_WEIGHTS = (2.5, np.array([0.5, 0.0, 2.0]), np.array([[1.5], [0.25], [1.0]]), np.zeros(3))
#: losscli's (--reduction, --keras-reduction) and Keras's reduction argument.
_KW_REDUCTIONS = ((("mean", "sum_over_batch_size"), "sum_over_batch_size"),
                  (("mean", "mean_with_sample_weight"), "mean_with_sample_weight"),
                  (("sum", "sum_over_batch_size"), "sum"), (("none", "sum_over_batch_size"), None))


def test_keras_sample_weight_and_reductions():
    """Keras's reduction (sum_over_batch_size, sum, none) with sample weights on the losses
    whose keras convention takes --sample-weight."""
    keras = _keras()
    losses = keras.losses
    onehot = np.eye(4)[[0, 3, 1]]
    rates, counts = np.exp(_KW_X), np.round(np.exp(_KW_Y))
    probs = softmax(_KW_X)
    cases = [
        ("mse", losses.MeanSquaredError, {}, _KW_Y, _KW_X, dict(pred=_KW_X, target=_KW_Y)),
        ("l1", losses.MeanAbsoluteError, {}, _KW_Y, _KW_X, dict(pred=_KW_X, target=_KW_Y)),
        ("huber", losses.Huber, {"delta": 0.7}, _KW_Y, _KW_X,
         dict(pred=_KW_X, target=_KW_Y, delta=0.7)),
        ("bce", losses.BinaryCrossentropy, {}, _KW_T, _KW_P, dict(pred=_KW_P, target=_KW_T)),
        ("bce", losses.BinaryCrossentropy, {"label_smoothing": 0.3}, _KW_T, _KW_P,
         dict(pred=_KW_P, target=_KW_T, label_smoothing=0.3)),
        ("bce-with-logits", losses.BinaryCrossentropy, {"from_logits": True,
                                                        "label_smoothing": 0.3},
         _KW_T, _KW_X, dict(pred=_KW_X, target=_KW_T, label_smoothing=0.3)),
        ("cross-entropy", losses.CategoricalCrossentropy, {"from_logits": True}, onehot, _KW_X,
         dict(pred=_KW_X, target=[0, 3, 1])),
        ("kl-div", losses.KLDivergence, {}, softmax(_KW_Y), probs,
         dict(pred=np.log(probs), target=softmax(_KW_Y))),
        ("poisson-nll", losses.Poisson, {}, counts, rates, dict(pred=rates, target=counts)),
        ("focal", losses.BinaryFocalCrossentropy, {"from_logits": True}, _KW_T, _KW_X,
         dict(pred=_KW_X, target=_KW_T)),
        ("focal", losses.BinaryFocalCrossentropy,
         {"from_logits": True, "label_smoothing": 0.2, "apply_class_balancing": True,
          "alpha": 0.4}, _KW_T, _KW_X,
         dict(pred=_KW_X, target=_KW_T, label_smoothing=0.2, alpha=0.4,
              apply_class_balancing=True)),
        ("softmax-focal", losses.CategoricalFocalCrossentropy, {"from_logits": True}, onehot,
         _KW_X, dict(pred=_KW_X, target=[0, 3, 1])),
        ("hinge", losses.Hinge, {}, _KW_T, _KW_X, dict(pred=_KW_X, target=_KW_T)),
        ("dice", losses.Dice, {}, _KW_T, _KW_P, dict(pred=_KW_P, target=_KW_T)),
        ("tversky", losses.Tversky, {"alpha": 0.3, "beta": 0.7}, _KW_T, _KW_P,
         dict(pred=_KW_P, target=_KW_T, alpha=0.3, beta=0.7)),
    ]
    for name, cls, kwargs, y_true, y_pred, values in cases:
        for weight in _KW_WEIGHTS:
            for (ours_reduction, rule), keras_reduction in _KW_REDUCTIONS:
                loss = cls(reduction=keras_reduction, **kwargs)
                want = np.asarray(loss(np.asarray(y_true, dtype="float32"),
                                       np.asarray(y_pred, dtype="float32"),
                                       sample_weight=np.asarray(weight, dtype="float32")))
                got = losscli.compute(name, convention="keras", reduction=ours_reduction,
                                      keras_reduction=rule, dtype="float32",
                                      sample_weight=weight, **values).value
                np.testing.assert_allclose(np.reshape(got, -1), np.reshape(want, -1),
                                           rtol=2e-5, atol=1e-6,
                                           err_msg=f"{name} {kwargs} {weight} {keras_reduction}")


def test_keras_ctc():
    keras = _keras()
    x = _RNG.normal(size=(3, 5, 4))
    target = np.array([[1, 2, 2, 0], [3, 0, 0, 0], [1, 3, 1, 2]])
    weight = np.array([0.5, 2.0, 1.0])
    for reduction, keras_reduction in (("mean", "sum_over_batch_size"), ("none", None)):
        want = np.asarray(keras.losses.CTC(reduction=keras_reduction)(
            target.astype("int32"), x.astype("float32"), sample_weight=weight.astype("float32")))
        got = losscli.compute("ctc", convention="keras", reduction=reduction, dtype="float32",
                              pred=x, target=target, sample_weight=weight).value
        np.testing.assert_allclose(np.reshape(got, -1), np.reshape(want, -1), rtol=2e-5)


def test_keras_dice_per_sample_axis():
    keras = _keras()
    t, p = _KW_T.reshape(3, 2, 2), _KW_P.reshape(3, 2, 2)
    for cls, kwargs in ((keras.losses.Dice, {}), (keras.losses.Tversky, {"beta": 0.9})):
        want = np.asarray(cls(reduction=None, axis=(1, 2), **kwargs)(
            t.astype("float32"), p.astype("float32")))
        got = losscli.compute(cls.__name__.lower(), convention="keras", reduction="none",
                              dtype="float32", pred=p, target=t, axis="sample", **kwargs).value
        np.testing.assert_allclose(got, want, rtol=2e-5)


# ----------------------------------------------------------------------------- fvcore

def test_fvcore_focal_and_smooth_l1():
    nn = pytest.importorskip("fvcore.nn", reason="fvcore is not installed")
    want = nn.sigmoid_focal_loss(t64(FOCAL_X), t64(FOCAL_SOFT), reduction="mean").item()
    assert ours("focal", "fvcore", pred=FOCAL_X, target=FOCAL_SOFT) == pytest.approx(want)
    for beta in (5e-6, 0.5):
        want = nn.smooth_l1_loss(t64(SL1_X), t64(SL1_Y), beta=beta, reduction="mean").item()
        got = ours("smooth-l1", "fvcore", pred=SL1_X, target=SL1_Y, beta=beta)
        assert got == pytest.approx(want, rel=1e-12)


# ----------------------------------------------------------------------------- smp, mmdet

def test_smp_losses():
    smp = pytest.importorskip(
        "segmentation_models_pytorch.losses",
        reason="segmentation_models_pytorch needs torchvision, which has no build here")
    want = smp.FocalLoss("multiclass")(t64(LOGITS), t64(LABELS)).item()
    assert ours("softmax-focal", "smp", pred=LOGITS, target=LABELS) == pytest.approx(want)
    probs = softmax(IMG_LOGITS)
    for name, loss in (("dice", smp.DiceLoss("multiclass", from_logits=False)),
                       ("jaccard", smp.JaccardLoss("multiclass", from_logits=False))):
        want = loss(t64(probs), t64(IMG_LABELS)).item()
        assert ours(name, "smp", pred=probs, target=IMG_LABELS) == pytest.approx(want), name


def test_mmdet_focal_and_iou():
    losses = pytest.importorskip(
        "mmdet.models.losses", reason="mmdetection needs mmcv's compiled ops, not built here")
    onehot = np.eye(3)[LABELS]
    want = losses.FocalLoss()(t64(LOGITS), t64(onehot)).item()
    assert ours("softmax-focal", "mmdet", pred=LOGITS, target=LABELS) == pytest.approx(want)
    boxes_p = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0]])
    boxes_t = np.array([[1.0, 1.0, 3.0, 3.0], [1.0, 1.0, 3.0, 3.0]])
    want = losses.IoULoss()(t64(boxes_p), t64(boxes_t)).item()
    assert ours("iou", "mmdet", pred=boxes_p, target=boxes_t) == pytest.approx(want)


# ----------------------------------------------------------------------------- no inputs

def _same(got, want):
    return (np.isnan(got) and np.isnan(want)) or got == pytest.approx(want)


def test_empty_inputs_fvcore_and_sklearn():
    nn = pytest.importorskip("fvcore.nn", reason="fvcore is not installed")
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed")
    empty = np.zeros((0, 3))
    want = nn.smooth_l1_loss(t64(empty), t64(empty), beta=1.0, reduction="mean").item()
    assert want == 0.0 and ours("smooth-l1", "fvcore", pred=empty, target=empty) == want
    with pytest.raises(ValueError, match="0 sample"):
        metrics.log_loss(empty.ravel(), empty.ravel(), labels=[0, 1])
    with pytest.raises(losscli.core.errors.InputError):
        ours("bce", "sklearn", pred=empty, target=empty)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's mean of an empty slice
def test_empty_inputs_keras():
    keras = _keras()
    for shape in ((0,), (0, 3, 4), (2, 0)):
        empty = np.zeros(shape)
        for loss, name in ((keras.losses.BinaryCrossentropy(), "bce"),
                           (keras.losses.KLDivergence(), "kl-div")):
            want = keras_value(loss, empty, np.exp(empty) if name == "kl-div" else empty)
            assert _same(ours32(name, "keras", pred=empty, target=empty), want), (name, shape)
    empty = np.zeros((0, 3), dtype="float32")
    assert np.asarray(keras.losses.BinaryCrossentropy()(empty, empty)).shape == (0,)
    with pytest.raises(losscli.core.errors.InputError, match="no value"):
        ours32("bce", "keras", pred=empty, target=empty)


def test_empty_batch_kornia_and_monai_overlap():
    kl = pytest.importorskip("kornia.losses", reason="kornia is not installed")
    losses = pytest.importorskip("monai.losses", reason="MONAI is not installed")
    pred, labels = np.zeros((0, 3, 2, 2)), np.zeros((0, 2, 2), dtype=np.int64)
    values = {"pred": pred, "target": labels}
    want = kl.dice_loss(t64(pred), t64(labels)).item()
    assert _same(ours("dice", "kornia", from_logits="softmax", **values), want)
    want = kl.tversky_loss(t64(pred), t64(labels), 0.3, 0.7).item()
    got = ours("tversky", kornia_tversky_convention(), from_logits="softmax", alpha=0.3,
               beta=0.7, **values)
    assert _same(got, want)
    want = losses.DiceLoss()(t64(pred), t64(np.zeros_like(pred))).item()
    assert _same(ours("dice", "monai", **values), want)
