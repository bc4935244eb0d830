"""Worked derivations of the metric-learning losses, with the user's numbers.

Each starts from the rows behind the term (the anchor and its partner, or the sample and
its class centre), then follows the formula in the catalogue through the quantities the loss
reports in ``details`` (similarities, log-sum-exps) to the term.
"""

from __future__ import annotations

import math

import numpy as np

from losscli.families._shared.explain import TermView, derivation, joined, num, par, vector


def _rows(view: TermView) -> tuple[np.ndarray, np.ndarray]:
    """The batch's rows and labels as the loss sees them (a second view stacked below)."""
    x = np.asarray(view.result.inputs["embeddings"])
    y = np.asarray(view.result.inputs["labels"])
    pair = view.result.inputs.get("pair")
    if pair is not None:
        x, y = np.concatenate([x, np.asarray(pair)]), np.concatenate([y, y])
    return x, y


def _row(x: np.ndarray, y: np.ndarray, k: int) -> str:
    return f"row {k} = {vector(x[k])} (label {int(y[k])})"


def _others(y: np.ndarray, anchor: int, same: bool) -> str:
    rows = [k for k in range(len(y)) if k != anchor and (y[k] == y[anchor]) == same]
    return "rows " + ", ".join(map(str, rows)) if rows else "none"


@derivation("ntxent")
def ntxent(view: TermView) -> list[str]:
    """ℓᵢⱼ = log(e^{sᵢⱼ} + Σ_{k: yₖ≠yᵢ} e^{sᵢₖ}) − sᵢⱼ for one ordered positive pair."""
    x, y = _rows(view)
    i, j = int(view.detail("anchor")), int(view.detail("positive"))
    cos, s, lse = (float(view.detail(k)) for k in ("cos", "s", "lse neg"))
    t = view.param("temperature")
    return [
        f"anchor {_row(x, y, i)}",
        f"positive {_row(x, y, j)}",
        f"s = cos(x{i}, x{j}) / T = {num(cos)} / {num(t)} = {num(s)}",
        f"negatives of the anchor (other labels): {_others(y, i, False)}; "
        f"log Σ_k e^(s_{i}k) = {num(lse)}",
        f"ℓ = log(e^s + e^(log Σ_k)) − s = log(e^{par(s)} + e^{par(lse)}) − {par(s)} "
        f"= {num(view.term)}",
    ]


@derivation("supcon")
def supcon(view: TermView) -> list[str]:
    """ℓᵢ = −(T/T_base)·mean over the positives of log( e^{sᵢₚ} / Σ_{k≠i} e^{sᵢₖ} )."""
    x, y = _rows(view)
    (i,) = view.index
    t, base = view.param("temperature"), view.param("base_temperature")
    count = int(view.detail("positives"))
    lines = [f"anchor {_row(x, y, i)}", f"positives (same label): {_others(y, i, True)}"]
    if count == 0:
        return [*lines, "no positive: the term is 0", f"ℓ = {num(view.term)}"]
    mean = float(view.detail("mean log p"))
    return [
        *lines,
        f"s_ik = x̂{i}·x̂k / T (T = {num(t)}); log p_ik = s_ik − log Σ_(k≠{i}) e^(s_ik), "
        "every other row in the denominator",
        f"mean of log p over the {count} positive(s) = {num(mean)}",
        f"ℓ = −(T/T_base)·mean = −({num(t)}/{num(base)}) × {par(mean)} = {num(view.term)}",
    ]


@derivation("contrastive")
def contrastive(view: TermView) -> list[str]:
    """ℓᵢⱼ = max(0, d − m₊)^p for a same-label pair, max(0, m₋ − d)^p otherwise."""
    x = np.asarray(view.result.inputs["embeddings"])
    y = np.asarray(view.result.inputs["labels"])
    i, j, d = int(view.detail("i")), int(view.detail("j")), float(view.detail("d"))
    p = int(view.param("power"))
    what = "‖x̂ᵢ − x̂ⱼ‖₂" if view.param("normalize") else "‖xᵢ − xⱼ‖₂"
    if view.param("distance") == "squared":
        what += "²"
    lines = [_row(x, y, i), _row(x, y, j), f"d = {what} = {num(d)}"]
    power = "" if p == 1 else f"^{p}"
    if view.detail("same"):
        m = view.param("pos_margin")
        hinge = f"max(0, d − m₊){power} = max(0, {num(d)} − {par(m)}){power}"
        return [*lines, "same label: pulled within m₊", f"ℓ = {hinge} = {num(view.term)}"]
    m = view.param("neg_margin")
    hinge = f"max(0, m₋ − d){power} = max(0, {num(m)} − {par(d)}){power}"
    return [*lines, "different labels: pushed beyond m₋", f"ℓ = {hinge} = {num(view.term)}"]


@derivation("circle")
def circle(view: TermView) -> list[str]:
    """ℓᵢ = softplus(LSE_p + LSE_n) with dᵢₖ = max(1 − xᵢ·xₖ, 0)."""
    x = np.asarray(view.result.inputs["embeddings"])
    y = np.asarray(view.result.inputs["labels"])
    (i,) = view.index
    g, m = view.param("gamma"), view.param("margin")
    p, n = float(view.detail("lse pos")), float(view.detail("lse neg"))
    return [
        f"anchor {_row(x, y, i)}; d_ik = max(1 − x{i}·xk, 0)",
        f"positives {_others(y, i, True)}: LSE_p = log Σ e^(−γ·max(m + d, 0)·(m − d)) = "
        f"{num(p)}   (γ = {num(g)}, m = {num(m)})",
        f"negatives {_others(y, i, False)}: LSE_n = log Σ e^(γ·max(1 + m − d, 0)·(1 − m − d)) "
        f"= {num(n)}",
        f"ℓ = softplus(LSE_p + LSE_n) = log(1 + e^({num(p)} + {par(n)})) = {num(view.term)}",
    ]


def _margin_softmax(view: TermView, target: str) -> list[str]:
    (i,) = view.index
    label = int(np.asarray(view.result.inputs["labels"])[i])
    centre = np.asarray(view.result.inputs["centers"])[label]
    cos, t, lse = (float(view.detail(k)) for k in ("cos θ", "target", "lse"))
    s = view.param("scale")
    return [
        f"sample {i}: x = {vector(np.asarray(view.result.inputs['embeddings'])[i])}, "
        f"class {label}, centre w = {vector(centre)}",
        f"cos θ_y = x̂·ŵ = {num(cos)}",
        f"{target} = {num(t)}" if target.startswith(("θ", "cos θ_y ≤")) else
        f"target = {target} = {num(t)}",
        f"log Σ_c e^(s·logit_c) = {num(lse)}   (s = {num(s)}; the other classes' logits are "
        "cos θ_c)",
        f"ℓ = log Σ − s·target = {num(lse)} − {num(s)} × {par(t)} = {num(view.term)}",
    ]


@derivation("arcface")
def arcface(view: TermView) -> list[str]:
    """ℓᵢ = log Σ_c e^{s·logit_c} − s·cos(θ_y + m), with the branch the term took."""
    m = float(view.param("margin"))
    cos = float(view.detail("cos θ"))
    if view.param("easy_margin"):
        shifted = cos > 0
        other = "cos θ_y ≤ 0 (easy margin): target = cos θ_y"
    else:
        shifted = cos > -math.cos(m)
        other = "θ_y + m > π: target = cos θ_y − m·sin m"
    rule = f"cos(θ_y + m), m = {num(m)} rad" if shifted else other
    return _margin_softmax(view, rule)


@derivation("cosface")
def cosface(view: TermView) -> list[str]:
    """ℓᵢ = log Σ_c e^{s·logit_c} − s·(cos θ_y − m)."""
    return _margin_softmax(view, f"cos θ_y − m = cos θ_y − {num(view.param('margin'))}")


@derivation("ranking-softmax")
def ranking_softmax(view: TermView) -> list[str]:
    """ℓ = −Σᵢ yᵢ·(sᵢ − log Σⱼ e^{sⱼ}) = Σy·LSE − Σ y·s."""
    s, y = view.input("pred"), view.input("target")
    total, dot, lse = (float(view.detail(k)) for k in ("Σ y", "Σ y·s", "lse"))
    exps = joined([f"e^{par(v)}" for v in np.ravel(s)])
    products = joined([f"{par(a)}·{par(b)}" for a, b in zip(np.ravel(y), np.ravel(s),
                                                           strict=True)])
    return [
        f"scores s = {vector(s)}, labels y = {vector(y)}",
        f"log Σⱼ e^sⱼ = log({exps}) = {num(lse)}",
        f"Σ y·s = {products} = {num(dot)};  Σ y = {num(total)}",
        f"ℓ = Σ y·log Σ e^s − Σ y·s = {num(total)} × {par(lse)} − {par(dot)} = {num(view.term)}",
    ]
