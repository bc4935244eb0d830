"""Plot axes: how a loss's inputs are built from one varying quantity (numpy, no torch).

A :class:`PlotAxis` names the quantity on the x axis (``p_t``, ``error``, ``logit``...),
its default range, and how a vector of its values becomes the loss's inputs: one term
per value, computed with ``reduction="none"``. ``--grad`` shows the derivative of each
term with respect to the input ``wrt`` (picked by ``grad_pick`` when that input has a
class dimension).

Losses listed in :data:`AXES` have hand-chosen axes; any other elementwise loss taking
``pred`` and a ``target`` of the same shape gets one from its declaration (``error`` for
a regression loss, ``p`` for probabilities, ``p_t`` and ``logit`` for logits).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.errors import InputError, UsageError
from losscli.core.spec import LossSpec

Builder = Callable[[np.ndarray], dict[str, np.ndarray]]


@dataclass(frozen=True)
class PlotAxis:
    name: str
    label: str
    lo: float
    hi: float
    build: Builder
    wrt: str = "pred"
    grad_label: str = "∂ℓ/∂pred"
    grad_pick: Callable[[np.ndarray], np.ndarray] = lambda g: g.reshape(-1)
    #: Parameter values used unless the user sets them (shown in the plot's title).
    defaults: dict[str, Any] = field(default_factory=dict)
    #: The open interval the quantity lies in (a probability: (0, 1)).
    bounds: tuple[float, float] = (-math.inf, math.inf)

    def check_range(self, lo: float, hi: float) -> None:
        """``--range LO,HI``: finite, LO < HI, inside :attr:`bounds`; an InputError if not."""
        low, high = self.bounds
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            problem = "expected two finite numbers LO < HI"
        elif not math.isfinite(hi - lo):
            problem = "the range is wider than float64 can span"
        elif not low < lo < hi < high:
            problem = f"{self.name} lies in ({low:g}, {high:g})"
        else:
            return
        raise InputError(f"{problem}, got {lo:g},{hi:g}", argument="--range")


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _ones(x: np.ndarray) -> np.ndarray:
    return np.ones_like(x)


def _two_class_logits(p_t: np.ndarray) -> np.ndarray:
    """Rows [logit(p_t), 0]: the softmax probability of class 0 is then p_t."""
    return np.stack([_logit(p_t), np.zeros_like(p_t)], axis=1)


def _true_class(g: np.ndarray) -> np.ndarray:
    return g[:, 0]


_P_T = "p_t, the predicted probability of the true class"
_PROBABILITY = (0.0, 1.0)
_ERROR = "error x − y"

_GRAD_LOGIT = "∂ℓ/∂x, x the logit"
_GRAD_TRUE_LOGIT = "∂ℓ/∂x_y, x_y the logit of the true class"


def _binary_p_t(**defaults: Any) -> PlotAxis:
    """Sigmoid losses on logits: a positive example whose σ(x) is p_t."""
    return PlotAxis(
        "p_t", _P_T, 0.01, 0.99,
        lambda x: {"pred": _logit(x), "target": _ones(x)},
        grad_label=_GRAD_LOGIT,
        defaults=defaults,
        bounds=_PROBABILITY,
    )


def _binary_logit() -> PlotAxis:
    return PlotAxis(
        "logit", "logit x of a positive example (target 1)", -5.0, 5.0,
        lambda x: {"pred": x, "target": _ones(x)},
        grad_label=_GRAD_LOGIT,
    )


def _softmax_p_t() -> PlotAxis:
    """Softmax losses: two classes, the true one (0) with probability p_t."""
    return PlotAxis(
        "p_t", _P_T, 0.01, 0.99,
        lambda x: {"pred": _two_class_logits(x), "target": np.zeros(len(x), dtype=np.int64)},
        grad_label=_GRAD_TRUE_LOGIT,
        grad_pick=_true_class,
        bounds=_PROBABILITY,
    )


def _error() -> PlotAxis:
    return PlotAxis(
        "error", _ERROR, -3.0, 3.0,
        lambda x: {"pred": x, "target": np.zeros_like(x)},
        grad_label="∂ℓ/∂x",
    )


def _relative_error() -> PlotAxis:
    """mape: the prediction 1 + x against a target 1, so the percentage is 100·|x|."""
    return PlotAxis(
        "error", "error x − y at target y = 1", -3.0, 3.0,
        lambda x: {"pred": 1 + x, "target": _ones(x)},
        grad_label="∂ℓ/∂x",
    )


def _margin_gap(target: Callable[[int], np.ndarray]) -> PlotAxis:
    return PlotAxis(
        "gap", "score gap x_y − x_other (two classes)", -2.0, 3.0,
        lambda x: {"pred": np.stack([x, np.zeros_like(x)], axis=1), "target": target(len(x))},
        grad_label="∂ℓ/∂x_y",
        grad_pick=_true_class,
    )


def _prob_axis(name: str = "p") -> PlotAxis:
    return PlotAxis(
        name, "predicted probability p of a positive example (target 1)", 0.01, 0.99,
        lambda x: {"pred": x, "target": _ones(x)},
        grad_label="∂ℓ/∂p",
        bounds=_PROBABILITY,
    )


def _box_shift() -> PlotAxis:
    """A unit box slid sideways past a unit target box: the overlap, then none."""

    def build(x: np.ndarray) -> dict[str, np.ndarray]:
        zeros, ones = np.zeros_like(x), np.ones_like(x)
        return {
            "pred": np.stack([x, zeros, x + 1, ones], axis=1),
            "target": np.tile(np.array([[0.0, 0.0, 1.0, 1.0]]), (len(x), 1)),
        }

    return PlotAxis(
        "shift", "horizontal shift of a unit box from its unit target box", -3.0, 3.0, build,
        grad_label="∂ℓ/∂x1 of the predicted box", grad_pick=_true_class,
        defaults={"box_format": "xyxy"},
    )


#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    # As in figure 1 of the focal loss paper: no α weighting unless --alpha is given.
    "focal": (_binary_p_t(alpha=-1.0), _binary_logit()),
    "bce-with-logits": (_binary_p_t(), _binary_logit()),
    "bce": (_prob_axis("p"), _prob_axis("p_t")),
    "l1": (_error(),),
    "mse": (_error(),),
    "smooth-l1": (_error(),),
    "huber": (_error(),),
    "mape": (_relative_error(),),
    "msle": (PlotAxis("pred", "prediction x at target y = 1", 0.0, 5.0,
                      lambda x: {"pred": x, "target": _ones(x)}, grad_label="∂ℓ/∂x"),),
    "cross-entropy": (_softmax_p_t(),),
    "softmax-focal": (_softmax_p_t(),),
    "poly": (_softmax_p_t(),),
    "asymmetric-single-label": (_softmax_p_t(),),
    "generalized-cross-entropy": (
        PlotAxis(
            "p_t", _P_T, 0.01, 0.99,
            lambda x: {"pred": np.stack([x, 1 - x], axis=1),
                       "target": np.zeros(len(x), dtype=np.int64)},
            grad_label="∂ℓ/∂p_t",
            grad_pick=_true_class,
            bounds=_PROBABILITY,
        ),
    ),
    "nll": (
        PlotAxis(
            "p_t", _P_T, 0.01, 0.99,
            lambda x: {
                "pred": np.log(np.stack([x, 1 - x], axis=1)),
                "target": np.zeros(len(x), dtype=np.int64),
            },
            grad_label="∂ℓ/∂log p_y",
            grad_pick=_true_class,
            bounds=_PROBABILITY,
        ),
    ),
    "iou": (_box_shift(),),
    "giou": (_box_shift(),),
    "diou": (_box_shift(),),
    "ciou": (_box_shift(),),
    "squared-hinge": (
        PlotAxis(
            "margin", "margin y·x of one score with label y = 1", -2.0, 2.0,
            lambda x: {"pred": x[:, None], "target": _ones(x)[:, None]},
            grad_label="∂ℓ/∂x",
        ),
    ),
    "categorical-hinge": (
        _margin_gap(lambda n: np.tile(np.array([[1.0, 0.0]]), (n, 1))),
    ),
    "perceptron": (_margin_gap(lambda n: np.zeros(n, dtype=np.int64)),),
    "sparsemax": (_margin_gap(lambda n: np.zeros(n, dtype=np.int64)),),
    "multi-margin": (_margin_gap(lambda n: np.zeros(n, dtype=np.int64)),),
    "multilabel-margin": (
        _margin_gap(lambda n: np.tile(np.array([[0, -1]], dtype=np.int64), (n, 1))),
    ),
}


def _inferred(spec: LossSpec) -> tuple[PlotAxis, ...]:
    """Axes from the declaration of a pred/target loss (elementwise, same shapes)."""
    required = [i for i in spec.inputs if i.required]
    if [i.name for i in required] != ["pred", "target"]:
        return ()
    pred, target = required
    elementwise = pred.shape.startswith("(*)") and "as" in target.shape.split()
    if not elementwise or pred.kind != "float" or target.kind != "float":
        return ()
    if pred.expects == "logits" and target.domain in ("prob", "binary"):
        return (_binary_p_t(), _binary_logit())
    if pred.domain == "prob" and target.domain in ("prob", "binary"):
        return (_prob_axis(),)
    if spec.family == "regression" and pred.domain == target.domain == "real":
        return (_error(),)
    return ()


def axes_of(spec: LossSpec) -> tuple[PlotAxis, ...]:
    return AXES.get(spec.name) or _inferred(spec)


def axis_for(spec: LossSpec, name: str | None) -> PlotAxis:
    """The axis ``name`` of ``spec`` (its default when None); a usage error if it has none."""
    axes = axes_of(spec)
    if not axes:
        plottable = sorted(s.name for s in _registry() if axes_of(s))
        raise UsageError(
            f"{spec.name} has no plot axis (it has no single quantity to vary); losses that "
            f"plot: {', '.join(plottable)}"
        )
    if name is None:
        return axes[0]
    for axis in axes:
        if axis.name == name:
            return axis
    raise UsageError(
        f"{spec.name} cannot be plotted against {name!r}; its axes: "
        + ", ".join(a.name for a in axes),
    )


def _registry():
    from losscli.families.registry import registry

    return registry()
