"""Worked derivations of the elementwise regression losses."""

from __future__ import annotations

import math
from collections.abc import Callable

from losscli.families._shared.explain import MissingDetail, TermView, derivation, num, par


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


def _piecewise(view: TermView, symbol: str, threshold: float, quadratic: tuple[str, str],
               linear: tuple[str, str]) -> list[str]:
    """d = |x − y|, which side of the threshold it falls, then that side's (rule, numbers)."""
    d = float(view.detail("|x−y|"))
    lines = [f"d = |x − y| = |{_difference(view)}| = {num(d)}"]
    if d < threshold:
        lines.append(f"d < {symbol} ({num(d)} < {num(threshold)}): the quadratic part")
        rule, numbers = quadratic
    else:
        lines.append(f"d ≥ {symbol} ({num(d)} ≥ {num(threshold)}): the linear part")
        rule, numbers = linear
    return lines + [f"ℓ = {rule} = {numbers.format(d=num(d))} = {num(view.term)}"]


@derivation("smooth-l1")
def smooth_l1(view: TermView) -> list[str]:
    """ℓ = 0.5·d²/β if d < β, else d − 0.5·β (d = |x − y|)."""
    beta = num(view.param("beta"))
    return _piecewise(view, "β", float(view.param("beta")),
                      ("0.5·d²/β", f"0.5 × {{d}}² / {beta}"),
                      ("d − 0.5·β", f"{{d}} − 0.5 × {beta}"))


@derivation("huber")
def huber(view: TermView) -> list[str]:
    """ℓ = 0.5·d² if d < δ, else δ·(d − 0.5·δ) (d = |x − y|)."""
    delta = num(view.param("delta"))
    return _piecewise(view, "δ", float(view.param("delta")), ("0.5·d²", "0.5 × {d}²"),
                      ("δ·(d − 0.5·δ)", f"{delta} × ({{d}} − 0.5 × {delta})"))


def _error(view: TermView) -> tuple[float, str]:
    """d = x − y from the terms' details, and its line."""
    d = float(view.detail("x−y"))
    return d, f"d = x − y = {_difference(view)} = {num(d)}"


@derivation("log-cosh")
def log_cosh(view: TermView) -> list[str]:
    """ℓ = log cosh d = |d| + log(1 + e^(−2|d|)) − log 2."""
    d, line = _error(view)
    tail = math.log1p(math.exp(-2 * abs(d)))
    return [line, "log cosh d = |d| + log(1 + e^(−2|d|)) − log 2 (no overflow for large |d|)",
            f"ℓ = {num(abs(d))} + {num(tail)} − {num(math.log(2))} = {num(view.term)}"]


@derivation("mape")
def mape(view: TermView) -> list[str]:
    """ℓ = 100·|x − y| / max(|y|, ε)."""
    scale = num(view.detail("max(|y|, ε)"))
    return [f"max(|y|, ε) = max(|{par(view.input('target'))}|, 1e-07) = {scale}",
            "(at x = y autograd takes the subgradient 0 of |x − y|)",
            f"ℓ = 100 · |x − y| / max(|y|, ε) = 100 × |{_difference(view)}| / {scale} "
            f"= {num(view.term)}"]


@derivation("msle")
def msle(view: TermView) -> list[str]:
    """ℓ = (log(1 + max(x, ε)) − log(1 + max(y, ε)))²."""
    a, b = view.detail("log(1+x̃)"), view.detail("log(1+ỹ)")
    return [f"log(1 + max(x, ε)) = log(1 + max({num(view.input('pred'))}, 1e-07)) = {num(a)}",
            f"log(1 + max(y, ε)) = log(1 + max({num(view.input('target'))}, 1e-07)) = {num(b)}",
            "(a value below ε = 1e-7 is clipped to ε: its gradient is 0)",
            f"ℓ = ({num(a)} − {par(b)})² = {num(view.term)}"]


@derivation("quantile")
def quantile(view: TermView) -> list[str]:
    """ℓ = τ·d if d ≥ 0, else (τ − 1)·d (d = y − x)."""
    try:
        tau = float(view.detail("τ"))
    except MissingDetail:
        tau = float(view.param("tau"))
    d = float(view.detail("y−x"))
    line = (f"d = y − x = {num(view.input('target'))} − {par(view.input('pred'))} = {num(d)}"
            f"   (τ = {num(tau)})")
    if d >= 0:
        return [line, "d ≥ 0, under-prediction: the τ side (autograd's side at d = 0)",
                f"ℓ = τ·d = {num(tau)} × {par(d)} = {num(view.term)}"]
    return [line, "d < 0, over-prediction: the (τ − 1) side",
            f"ℓ = (τ − 1)·d = ({num(tau)} − 1) × {par(d)} = {num(view.term)}"]


def _residual(view: TermView, formula: str, substituted: Callable[[str], str]) -> list[str]:
    """r = x − y, then ℓ = ``formula`` with r written in (``substituted(r)``)."""
    r, line = _error(view)
    return [line.replace("d =", "r =", 1),
            f"ℓ = {formula} = {substituted(par(r))} = {num(view.term)}"]


@derivation("charbonnier")
def charbonnier(view: TermView) -> list[str]:
    """ℓ = √(r² + 1) − 1."""
    return _residual(view, "√(r² + 1) − 1", lambda r: f"√({r}² + 1) − 1")


@derivation("cauchy")
def cauchy(view: TermView) -> list[str]:
    """ℓ = log(1 + r²/2)."""
    return _residual(view, "log(1 + r²/2)", lambda r: f"log(1 + {r}²/2)")


@derivation("geman-mcclure")
def geman_mcclure(view: TermView) -> list[str]:
    """ℓ = 2r²/(r² + 4)."""
    return _residual(view, "2r²/(r² + 4)", lambda r: f"2 × {r}² / ({r}² + 4)")


@derivation("welsch")
def welsch(view: TermView) -> list[str]:
    """ℓ = 1 − exp(−r²/2)."""
    return _residual(view, "1 − exp(−r²/2)", lambda r: f"1 − exp(−{r}²/2)")


@derivation("robust")
def robust(view: TermView) -> list[str]:
    """ρ(r, α, c): the general formula or, for α = 2, 0, ±∞, its limit."""
    alpha, scale = float(view.param("alpha")), float(view.param("scale"))
    r, z = float(view.detail("x−y")), view.detail("(r/c)²")
    lines = [f"r = x − y = {_difference(view)} = {num(r)}",
             f"z = (r/c)² = ({par(r)} / {num(scale)})² = {num(z)}"]
    limits = {2.0: ("α = 2: ℓ = ½·z", f"0.5 × {num(z)}"),
              0.0: ("α = 0: ℓ = log(1 + ½·z)", f"log(1 + 0.5 × {num(z)})"),
              -math.inf: ("α = −∞: ℓ = 1 − exp(−½·z)", f"1 − exp(−0.5 × {num(z)})"),
              math.inf: ("α = +∞: ℓ = exp(½·z) − 1", f"exp(0.5 × {num(z)}) − 1")}
    if alpha in limits:
        rule, numbers = limits[alpha]
        return lines + [rule, f"ℓ = {numbers} = {num(view.term)}"]
    b = max(abs(alpha - 2), 1.1920929e-07)
    a = math.copysign(max(abs(alpha), 1.1920929e-07), alpha)
    return lines + [
        f"b = |α − 2| = {num(b)};  ℓ = b/α · ((z/b + 1)^(α/2) − 1)",
        f"ℓ = {num(b)}/{par(a)} × (({num(z)}/{num(b)} + 1)^{par(a / 2)} − 1) = {num(view.term)}"]
