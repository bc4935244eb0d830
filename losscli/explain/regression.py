"""Worked derivations of the elementwise regression losses (l1, mse, smooth-l1, huber)."""

from __future__ import annotations

from losscli.explain._base import TermView, derivation, num, par


def _difference(view: TermView) -> str:
    return f"{num(view.input('pred'))} − {par(view.input('target'))}"


@derivation("l1")
def l1(view: TermView) -> list[str]:
    """ℓ = |x − y|."""
    return [f"ℓ = |x − y| = |{_difference(view)}| = {num(view.term)}"]


@derivation("mse")
def mse(view: TermView) -> list[str]:
    """ℓ = (x − y)²."""
    return [f"ℓ = (x − y)² = ({_difference(view)})² = {num(view.term)}"]


def _distance(view: TermView) -> tuple[float, list[str]]:
    d = float(view.detail("|x−y|"))
    return d, [f"d = |x − y| = |{_difference(view)}| = {num(d)}"]


@derivation("smooth-l1")
def smooth_l1(view: TermView) -> list[str]:
    """ℓ = 0.5·d²/β if d < β, else d − 0.5·β (d = |x − y|)."""
    d, lines = _distance(view)
    beta = float(view.param("beta"))
    if d < beta:
        lines.append(f"d < β ({num(d)} < {num(beta)}): the quadratic part")
        lines.append(f"ℓ = 0.5·d²/β = 0.5 × {num(d)}² / {num(beta)} = {num(view.term)}")
    else:
        lines.append(f"d ≥ β ({num(d)} ≥ {num(beta)}): the linear part")
        lines.append(f"ℓ = d − 0.5·β = {num(d)} − 0.5 × {num(beta)} = {num(view.term)}")
    return lines


@derivation("huber")
def huber(view: TermView) -> list[str]:
    """ℓ = 0.5·d² if d < δ, else δ·(d − 0.5·δ) (d = |x − y|)."""
    d, lines = _distance(view)
    delta = float(view.param("delta"))
    if d < delta:
        lines.append(f"d < δ ({num(d)} < {num(delta)}): the quadratic part")
        lines.append(f"ℓ = 0.5·d² = 0.5 × {num(d)}² = {num(view.term)}")
    else:
        lines.append(f"d ≥ δ ({num(d)} ≥ {num(delta)}): the linear part")
        lines.append(
            f"ℓ = δ·(d − 0.5·δ) = {num(delta)} × ({num(d)} − 0.5 × {num(delta)}) "
            f"= {num(view.term)}"
        )
    return lines
