"""Checks of the preference losses: one number per pair, log-probabilities <= 0 (numpy only)."""

from __future__ import annotations

from typing import Any

from losscli.core.errors import InputError
from losscli.families._shared.checks import Arrays, equal_shapes, ndim_in
from losscli.inputs import streaming


def _pairs(arrays: Arrays, names: tuple[str, ...]) -> None:
    ndim_in(arrays[names[0]], (1,), "--" + names[0].replace("_", "-"),
            "one value per pair, shape (N)")
    equal_shapes(arrays, names)


def _log_probabilities(arrays: Arrays, names: tuple[str, ...], strict: bool = False) -> None:
    """Each is a log-probability: <= 0 (< 0 for the average log-probabilities of ORPO)."""
    for name in names:
        bad = streaming.first(arrays[name], (lambda b: b >= 0) if strict else (lambda b: b > 0))
        if bad is not None:
            bound = "< 0 (an average log-probability of a response)" if strict else (
                "<= 0 (a log-probability; pass log π, not π or logits)")
            raise InputError(f"value {float(bad):g} is not {bound}",
                             argument="--" + name.replace("_", "-"))


_DPO = ("policy_chosen", "policy_rejected", "ref_chosen", "ref_rejected")


def dpo(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """Four (N) inputs of log-probabilities; robust needs ε < 0.5; hinge and ipo ignore ε."""
    _pairs(arrays, _DPO)
    _log_probabilities(arrays, _DPO)
    loss_type, eps = params.get("loss_type"), params.get("label_smoothing") or 0.0
    if loss_type == "robust" and eps >= 0.5:
        raise InputError(f"robust DPO divides by 1 − 2ε and needs ε < 0.5, got {eps:g}",
                         argument="--label-smoothing")
    if loss_type in ("hinge", "ipo") and eps:
        warnings.warn(f"{loss_type} does not use label smoothing (TRL ignores it too); "
                      f"ε = {eps:g} has no effect", argument="--label-smoothing")


def simpo(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(N) summed log-probabilities <= 0 and (N) lengths > 0."""
    names = ("chosen", "rejected", "chosen_length", "rejected_length")
    _pairs(arrays, names)
    _log_probabilities(arrays, names[:2])


def orpo(arrays: Arrays, params: dict[str, Any], warnings) -> None:
    """(N) average log-probabilities, each < 0 (log(1 − e⁰) = −∞)."""
    names = ("chosen", "rejected")
    _pairs(arrays, names)
    _log_probabilities(arrays, names, strict=True)


