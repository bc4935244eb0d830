"""Worked derivations of the multi-class margin losses (multi-margin, multilabel-margin)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.explain import TermView, derivation, joined, num, par, vector


@derivation("multi-margin")
def multi_margin(view: TermView) -> list[str]:
    """ℓ = Σ_{c ≠ y} w[y]·max(0, margin − x_y + x_c)^p / C."""
    x = view.input("pred")
    y = int(view.input("target"))
    margin, power = view.param("margin"), int(view.param("p"))
    exponent = "" if power == 1 else f"^{power}"
    weight = view.tensor_param("weight")
    w = "" if weight is None else f"{num(weight[y])} × "
    hinges = [
        f"{w}max(0, {num(margin)} − {par(x[y])} + {par(x[c])}){exponent}"
        for c in range(len(x))
        if c != y
    ]
    rule = ("w[y]·" if weight is not None else "") + f"max(0, margin − x_y + x_c){exponent}"
    return [
        f"scores x = {vector(x)}, target class y = {y}, x_y = {num(x[y])}, C = {len(x)}",
        f"ℓ = Σ_(c ≠ y) {rule} / C = ({joined(hinges)}) / {len(x)} = {num(view.term)}",
    ]


@derivation("multilabel-margin")
def multilabel_margin(view: TermView) -> list[str]:
    """ℓ = Σ_{j ∈ Y} Σ_{k ∉ Y} max(0, 1 − (x_j − x_k)) / C, Y = labels before the first −1."""
    x = view.input("pred")
    target = [int(t) for t in view.input("target")]
    labels = target[: target.index(-1)] if -1 in target else target
    others = [k for k in range(len(x)) if k not in labels]
    pairs = [f"max(0, 1 − ({num(x[j])} − {par(x[k])}))" for j in labels for k in others]
    return [
        f"scores x = {vector(x)}, labels Y = {{{', '.join(map(str, labels))}}} (before the "
        f"first −1), others = {{{', '.join(map(str, others))}}}, C = {len(x)}",
        f"ℓ = Σ_(j ∈ Y) Σ_(k ∉ Y) max(0, 1 − (x_j − x_k)) / C = "
        f"({joined(pairs) or '0'}) / {len(x)} = {num(view.term)}",
    ]


@derivation("squared-hinge")
def squared_hinge(view: TermView) -> list[str]:
    """ℓ = Σ_c max(0, 1 − y_c·x_c)² / C, labels all in {0, 1} read as 2y − 1."""
    x = np.atleast_1d(view.input("pred"))
    given = np.atleast_1d(view.input("target"))
    y = np.atleast_1d(view.detail("y"))
    whole = np.asarray(view.result.inputs["target"])
    read = (
        f"every label of the target is 0 or 1, so y = 2·t − 1 = {vector(y)}"
        if np.all((whole == 0) | (whole == 1))
        else f"labels y = {vector(given)} (not all 0/1: used as given)"
    )
    squares = [f"max(0, 1 − {par(yc)}·{par(xc)})²" for xc, yc in zip(x, y)]
    return [
        f"scores x = {vector(x)}, C = {len(x)}; {read}",
        "gradient: ∂ℓ/∂x_c = −2·y_c·max(0, 1 − y_c·x_c) / C, continuous (0 at the margin "
        "y_c·x_c = 1 from both sides), so autograd needs no subgradient choice",
        f"ℓ = Σ_c max(0, 1 − y_c·x_c)² / C = ({joined(squares)}) / {len(x)} = "
        f"{num(view.term)}",
    ]


@derivation("categorical-hinge")
def categorical_hinge(view: TermView) -> list[str]:
    """pos = Σ_c y_c·x_c, neg = max_c (1 − y_c)·x_c, ℓ = max(0, neg − pos + 1)."""
    x = np.atleast_1d(view.input("pred"))
    y = np.atleast_1d(view.input("target"))
    pos, neg = float(view.detail("pos")), float(view.detail("neg"))
    products = [f"{par(yc)}·{par(xc)}" for xc, yc in zip(x, y)]
    others = [f"{par(1 - yc)}·{par(xc)}" for xc, yc in zip(x, y)]
    return [
        f"scores x = {vector(x)}, one-hot y = {vector(y)}",
        f"pos = Σ_c y_c·x_c = {joined(products)} = {num(pos)}",
        f"neg = max_c (1 − y_c)·x_c = max({joined(others, sep=', ')}) = {num(neg)}",
        "subgradients: tied maxima share ∂neg evenly; at neg − pos + 1 = 0 the slope 1 "
        "is taken",
        f"ℓ = max(0, neg − pos + 1) = max(0, {num(neg)} − {par(pos)} + 1) = {num(view.term)}",
    ]


@derivation("perceptron")
def perceptron(view: TermView) -> list[str]:
    """ℓ = max_c x_c − x_y."""
    x = np.atleast_1d(view.input("pred"))
    y = int(view.input("target"))
    best = float(np.max(x))
    tied = int(np.sum(x == best))
    share = "" if tied == 1 else f" ({tied} classes tie: each gets 1/{tied} of ∂max)"
    return [
        f"scores x = {vector(x)}, true class y = {y}, x_y = {num(x[y])}",
        f"max_c x_c = {num(best)}{share}",
        "subgradient: ∂ℓ/∂x = e_argmax − e_y, ties in the max sharing e_argmax evenly",
        f"ℓ = max_c x_c − x_y = {num(best)} − {par(x[y])} = {num(view.term)}",
    ]
