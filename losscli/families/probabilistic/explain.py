"""Worked derivations of the divergences (js-div, generalized-kl, distillation)."""

from __future__ import annotations

from losscli.families._shared.explain import TermView, derivation, num, vector


@derivation("js-div")
def js_div(view: TermView) -> list[str]:
    """ℓ = ½·KL(Q ‖ M) + ½·KL(P ‖ M), M = (P + Q)/2, over the pixels of one map."""
    p = view.result.inputs["pred"][view.index]
    q = view.result.inputs["target"][view.index]
    kl_q, kl_p = float(view.detail("KL(Q‖M)")), float(view.detail("KL(P‖M)"))
    return [
        f"map {tuple(view.index)}: P = pred = {vector(p)}, Q = target = {vector(q)}",
        "M = (P + Q)/2, pixel by pixel",
        f"KL(Q ‖ M) = Σ q·ln(q/m) = {num(kl_q)},  KL(P ‖ M) = Σ p·ln(p/m) = {num(kl_p)}"
        "   (0·ln 0 = 0)",
        f"ℓ = ½·{num(kl_q)} + ½·{num(kl_p)} = {num(view.term)}",
    ]


@derivation("generalized-kl")
def generalized_kl(view: TermView) -> list[str]:
    """ℓ = Σ t·(log t − x) + Σ (exp x − t) over one row."""
    x, t = view.input("pred"), view.input("target")
    kl, mass = float(view.detail("Σ t·log(t/p)")), float(view.detail("Σ (p − t)"))
    return [
        f"log-predictions x = {vector(x)}, targets t = {vector(t)}",
        f"Σ t·(log t − x) = {num(kl)}   (0·log 0 = 0)",
        f"Σ (exp(x) − t) = {num(mass)}   (0 when p = exp x and t both sum to 1)",
        f"ℓ = {num(kl)} + {num(mass)} = {num(view.term)}",
    ]


@derivation("distillation")
def distillation(view: TermView) -> list[str]:
    """ℓ = T²·KL(softmax(t/T) ‖ softmax(s/T)), mixed with CE when a target is given."""
    s, t = view.input("pred"), view.input("teacher")
    temperature = view.param("temperature")
    kd = float(view.detail("T²·KL"))
    lines = [
        f"student s = {vector(s)}, teacher t = {vector(t)}, T = {num(temperature)}",
        "p = softmax(s/T), q = softmax(t/T);  T²·KL(q ‖ p) = T²·Σ q·(log q − log p) = "
        f"{num(kd)}",
    ]
    if not view.has("CE"):
        return [*lines, f"ℓ = {num(kd)}"]
    alpha, ce = view.param("alpha"), float(view.detail("CE"))
    y = int(view.input("target"))
    return [
        *lines,
        f"CE(s, y = {y}) = −log softmax(s)[{y}] = {num(ce)}   (temperature 1)",
        f"ℓ = α·{num(kd)} + (1 − α)·{num(ce)} with α = {num(alpha)} = {num(view.term)}",
    ]
