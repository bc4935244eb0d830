"""Worked derivation of the cosine-similarity loss."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.explain import TermView, derivation, joined, num, par, vector


@derivation("cosine-similarity")
def cosine_similarity(view: TermView) -> list[str]:
    """ℓ = −Σ x·y / (‖x‖·‖y‖), norms √max(Σx², ε), along --axis."""
    axis = int(view.param("axis", -1))
    x = np.moveaxis(np.asarray(view.result.inputs["pred"]), axis, -1)[view.index]
    y = np.moveaxis(np.asarray(view.result.inputs["target"]), axis, -1)[view.index]
    x_norm, y_norm = float(view.detail("‖x‖")), float(view.detail("‖y‖"))
    products = [f"{par(a)}·{par(b)}" for a, b in zip(x.ravel(), y.ravel(), strict=True)]
    return [
        f"x = {vector(x)}, y = {vector(y)} (along axis {axis})",
        f"Σ x·y = {joined(products)}",
        f"‖x‖ = √max(Σx², ε) = {num(x_norm)},  ‖y‖ = √max(Σy², ε) = {num(y_norm)}"
        f"   (ε = {num(view.param('eps'))})",
        f"ℓ = −Σ x·y / (‖x‖·‖y‖) = −cos(x, y) = {num(view.term)}",
    ]
