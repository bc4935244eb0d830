"""Worked derivations of the classification losses (cross-entropy, nll, bce, focal).

Each follows the loss's formula in the catalogue with the user's numbers, as the
seed documents work them by hand: for cross-entropy the exponentials, their sum and
the softmax probability (the textbook way), then the log-sum-exp, the picked logit and
the term; for focal p = σ(x), p_t, α_t, (1 − p_t)^γ, −log p_t and the term.
"""

from __future__ import annotations

import numpy as np

from losscli.families._shared.explain import TermView, derivation, joined, num, par, vector


def _scores_and_class(view: TermView) -> tuple[np.ndarray, int]:
    """The row of class scores behind a term and its target class."""
    return view.input("pred"), int(view.input("target"))


def _class_weight(view: TermView, target: int) -> float | None:
    weight = view.tensor_param("weight")
    return None if weight is None else float(weight[target])


@derivation("cross-entropy")
def cross_entropy(view: TermView) -> list[str]:
    """ℓ = w[y]·(log Σ_c exp(x_c) − x_y); probability or smoothed targets: −Σ_c q_c·log p_c."""
    x = view.input("pred")
    target = view.input("target")
    if target.dtype.kind == "f" or view.param("label_smoothing"):
        return _cross_entropy_soft(view, x, target)
    y = int(target)
    lse = float(view.detail("log Σexp"))
    exps = joined([f"exp({num(v)})" for v in x])
    lines = [
        *_softmax_by_hand(np.asarray(x, dtype=np.float64), y),
        f"log-sum-exp: log Σ_c exp(x_c) = log({exps}) = {num(lse)}",
        f"picked logit: x_y = x[{y}] = {num(x[y])}",
    ]
    w = _class_weight(view, y)
    if w is None:
        lines.append(f"ℓ = log Σ exp − x_y = {num(lse)} − {par(x[y])} = {num(view.term)}")
    else:
        lines.append(
            f"ℓ = w[y]·(log Σ exp − x_y) = {num(w)} × ({num(lse)} − {par(x[y])}) "
            f"= {num(view.term)}"
        )
    return lines


def _softmax_by_hand(x: np.ndarray, y: int) -> list[str]:
    """The textbook way: the exponentials, their sum, the softmax probability p_y and
    −log p_y (float64). Logits beyond ±50 are shifted by the largest, m, first: the shift
    cancels in p_y and keeps exp from overflowing."""
    m = float(x.max()) if x.size and np.abs(x).max() > 50 else 0.0
    with np.errstate(all="ignore"):
        e = np.exp(x - m)
        total = float(e.sum())
        p = float(e[y] / total)
    arg = (lambda v: f"{num(v)} − {par(m)}") if m else num
    name = "exp(x_c − m)" if m else "exp(x_c)"
    lines = [f"exponentials: {name} = {joined([f'exp({arg(v)})' for v in x], sep=', ')} = "
             f"{joined([num(v) for v in e], sep=', ')}" + (f"   (m = {num(m)})" if m else ""),
             f"their sum: Σ_c {name} = {joined([num(v) for v in e])} = {num(total)}",
             f"softmax probability: p_y = {name.replace('_c', '_y')} / Σ = {num(e[y])} / "
             f"{num(total)} = {num(p)}"]
    if p > 0:
        lines.append(f"−log p_y = −log {num(p)} = {num(-np.log(p))}   (the log-sum-exp way "
                     "below gives the same, without forming p_y)")
    else:
        lines.append("p_y underflows to 0 in float64; the log-sum-exp way below avoids it")
    return lines


def _cross_entropy_soft(view: TermView, x: np.ndarray, target: np.ndarray) -> list[str]:
    """Probability targets or label smoothing: the full log-softmax row is needed."""
    log_p = view.detail("log p")
    classes = len(x)
    eps = float(view.param("label_smoothing") or 0.0)
    weight = view.tensor_param("weight")
    w = np.ones(classes) if weight is None else weight
    lse = float(view.detail("log Σexp"))
    lines = [
        f"log-sum-exp: log Σ_c exp(x_c) = {num(lse)}",
        f"log p = log softmax(x) = x − log Σ exp = {vector(log_p)}",
    ]
    wtxt = (lambda c: "") if weight is None else (lambda c: f"{num(w[c])}·")
    if target.dtype.kind == "f":
        if eps:
            lines.append(f"q_c = (1 − ε)·y_c + ε/C with ε = {num(eps)}, C = {classes}")
            parts = [
                f"{wtxt(c)}((1 − {num(eps)}) × {num(target[c])} + {num(eps)}/{classes})"
                f" × {par(log_p[c])}"
                for c in range(classes)
            ]
        else:
            parts = [f"{wtxt(c)}{num(target[c])} × {par(log_p[c])}" for c in range(classes)]
        rule = "ℓ = −Σ_c w_c·q_c·log p_c" if eps else "ℓ = −Σ_c w_c·y_c·log p_c"
        lines.append(f"{rule} = −({joined(parts)}) = {num(view.term)}")
        return lines
    y = int(target)
    smooth = joined([f"{wtxt(c)}{par(log_p[c])}" for c in range(classes)])
    lines.append(
        f"ℓ = (1 − ε)·(−w_y·log p_y) + (ε/C)·Σ_c(−w_c·log p_c), ε = {num(eps)}, "
        f"C = {classes}, y = {y}"
    )
    lines.append(
        f"ℓ = −(1 − {num(eps)}) × {wtxt(y)}{par(log_p[y])} − ({num(eps)}/{classes}) × "
        f"({smooth}) = {num(view.term)}"
    )
    return lines


@derivation("nll")
def nll(view: TermView) -> list[str]:
    """ℓ = −w[y]·x_y: the log-probability of the target class, negated."""
    x, y = _scores_and_class(view)
    lines = [f"picked log-probability: x_y = x[{y}] = {num(x[y])}"]
    w = _class_weight(view, y)
    if w is None:
        lines.append(f"ℓ = −x_y = −({num(x[y])}) = {num(view.term)}")
    else:
        lines.append(f"ℓ = −w[y]·x_y = −{num(w)} × {par(x[y])} = {num(view.term)}")
    return lines


@derivation("bce")
def bce(view: TermView) -> list[str]:
    """ℓ = −w·[y·log x + (1 − y)·log(1 − x)], each log clamped at −100."""
    x, y = float(view.input("pred")), float(view.input("target"))
    log_x, log_1mx = float(view.detail("log x")), float(view.detail("log(1−x)"))
    w = view.broadcast_param("weight")
    prefix, wnum = ("", "") if w is None else ("w·", f"{num(w)} × ")

    def clamped(log: float) -> str:
        return "   (clamped at −100, as PyTorch does)" if log <= -100 else ""

    return [
        f"log x = log {num(x)} = {num(log_x)}{clamped(log_x)}",
        f"log(1 − x) = log(1 − {num(x)}) = {num(log_1mx)}{clamped(log_1mx)}",
        f"ℓ = −{prefix}[y·log x + (1 − y)·log(1 − x)] = −{wnum}[{num(y)} × {par(log_x)} + "
        f"(1 − {num(y)}) × {par(log_1mx)}] = {num(view.term)}",
    ]


@derivation("bce-with-logits")
def bce_with_logits(view: TermView) -> list[str]:
    """ℓ = −w·[p_c·y·log σ(x) + (1 − y)·log(1 − σ(x))]."""
    x, y = float(view.input("pred")), float(view.input("target"))
    sig = float(view.detail("σ(x)"))
    log_s, log_1ms = float(view.detail("log σ(x)")), float(view.detail("log(1−σ(x))"))
    w = view.broadcast_param("weight")
    pos = view.broadcast_param("pos_weight")
    wtxt = "" if w is None else f"{num(w)} × "
    ptxt = "" if pos is None else f"{num(pos)} × "
    rule = ("w·" if w is not None else "") + "[" + ("p_c·" if pos is not None else "")
    return [
        f"σ(x) = 1 / (1 + exp({num(-x)})) = {num(sig)}",
        f"log σ(x) = {num(log_s)},  log(1 − σ(x)) = {num(log_1ms)}",
        f"ℓ = −{rule}y·log σ(x) + (1 − y)·log(1 − σ(x))] = −{wtxt}[{ptxt}{num(y)} × "
        f"{par(log_s)} + (1 − {num(y)}) × {par(log_1ms)}] = {num(view.term)}",
    ]


@derivation("focal")
def sigmoid_focal(view: TermView) -> list[str]:
    """p = σ(x), p_t, α_t, (1 − p_t)^γ, −log p_t, ℓ = α_t·(1 − p_t)^γ·(−log p_t)."""
    x, y = float(view.input("pred")), float(view.input("target"))
    p, p_t = float(view.detail("p")), float(view.detail("p_t"))
    gamma, alpha = view.param("gamma"), view.param("alpha")
    modulating, nlog = float(view.detail("(1−p_t)^γ")), float(view.detail("−log p_t"))
    lines = [
        f"p = σ(x) = 1 / (1 + exp({num(-x)})) = {num(p)}",
        f"p_t = p·y + (1 − p)·(1 − y) = {num(p)} × {num(y)} + (1 − {num(p)}) × "
        f"(1 − {num(y)}) = {num(p_t)}",
    ]
    product = f"{num(modulating)} × {num(nlog)}"
    rule = "(1 − p_t)^γ·(−log p_t)"
    if "α_t" in view.result.details:
        alpha_t = float(view.detail("α_t"))
        lines.append(
            f"α_t = α·y + (1 − α)·(1 − y) = {num(alpha)} × {num(y)} + (1 − {num(alpha)}) × "
            f"(1 − {num(y)}) = {num(alpha_t)}"
        )
        product, rule = f"{num(alpha_t)} × {product}", "α_t·" + rule
    else:
        lines.append(f"α = {num(alpha)} < 0: no α weighting")
    lines += [
        f"(1 − p_t)^γ = (1 − {num(p_t)})^{num(gamma)} = {num(modulating)}",
        f"−log p_t = −log {num(p_t)} = {num(nlog)}",
        f"ℓ = {rule} = {product} = {num(view.term)}",
    ]
    return lines


@derivation("softmax-focal")
def softmax_focal(view: TermView) -> list[str]:
    """p_t = softmax(x)[y], (1 − p_t)^γ, −log p_t, α_t, ℓ = α_t·(1 − p_t)^γ·(−log p_t)."""
    x, y = _scores_and_class(view)
    p_t = float(view.detail("p_t"))
    modulating, nlog = float(view.detail("(1−p_t)^γ")), float(view.detail("−log p_t"))
    exps = joined([f"exp({num(v)})" for v in x])
    lines = [
        f"p_t = softmax(x)[y] = exp(x_y) / Σ_c exp(x_c) = exp({num(x[y])}) / ({exps}) "
        f"= {num(p_t)}",
        f"(1 − p_t)^γ = (1 − {num(p_t)})^{num(view.param('gamma'))} = {num(modulating)}",
        f"−log p_t = −log {num(p_t)} = {num(nlog)}",
    ]
    product, rule = f"{num(modulating)} × {num(nlog)}", "(1 − p_t)^γ·(−log p_t)"
    if "α_t" in view.result.details:
        alpha_t = float(view.detail("α_t"))
        source = f"alpha[{y}]" if isinstance(view.param("alpha"), list) else "α"
        lines.append(f"α_t = {source} = {num(alpha_t)}")
        product, rule = f"{num(alpha_t)} × {product}", "α_t·" + rule
    lines.append(f"ℓ = {rule} = {product} = {num(view.term)}")
    return lines
