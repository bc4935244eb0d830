"""Worked derivations of the classification losses (cross-entropy, nll, bce, focal).

Each follows the loss's formula in the catalogue with the user's numbers, as the
seed documents work them by hand: for cross-entropy the exponentials, their sum and
the softmax probability (the textbook way), then the log-sum-exp, the picked logit and
the term; for focal p = σ(x), p_t, α_t, (1 − p_t)^γ, −log p_t and the term.
"""

from __future__ import annotations

import numpy as np

from losscli.families._shared.explain import TermView, derivation, joined, num, par, vector
from losscli.families.classification.z_loss import Z_TERM


def _scores_and_class(view: TermView) -> tuple[np.ndarray, int]:
    """The row of class scores behind a term and its target class."""
    return view.input("pred"), int(view.input("target"))


def _class_weight(view: TermView, target: int) -> float | None:
    weight = view.tensor_param("weight")
    return None if weight is None else float(weight[target])


@derivation("cross-entropy")
def cross_entropy(view: TermView) -> list[str]:
    """ℓ = w[y]·(log Σ_c exp(x_c) − x_y); probability or smoothed targets: −Σ_c q_c·log p_c;
    with --z-loss z, plus z·(log Z)² (times w[y])."""
    if not view.has(Z_TERM):
        return _cross_entropy(view)
    z_term = float(view.detail(Z_TERM))
    part = _WithoutZLoss(view.result, view.index)
    lse, z = float(view.detail("log Σexp")), view.param("z_loss")
    w = "" if view.tensor_param("weight") is None else "w[y]·"
    return [
        *_cross_entropy(part),
        f"z-loss: {w}z·(log Z)² with z = {num(z)}, log Z = {num(lse)}: {num(z_term)}",
        f"ℓ = {num(part.term)} + {num(z_term)} = {num(view.term)}",
    ]


class _WithoutZLoss(TermView):
    """The cross-entropy part of a term: the term less its z-loss detail."""

    @property
    def term(self) -> float:
        return float(self.result.terms[self.index]) - float(self.detail(Z_TERM))


def _cross_entropy(view: TermView) -> list[str]:
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


def _smoothed_target(view: TermView) -> float:
    """The target the term used: y, or y' = y·(1 − ε) + ε/2 with label smoothing."""
    return float(view.detail("y'")) if "y'" in view.result.details else float(
        view.input("target"))


def _smoothing_line(view: TermView) -> list[str]:
    eps = view.param("label_smoothing")
    if not eps:
        return []
    return [f"label smoothing: y' = y·(1 − ε) + ε/2 = {num(view.input('target'))} × (1 − "
            f"{num(eps)}) + {num(eps)}/2 = {num(_smoothed_target(view))}; y below is y'"]


@derivation("bce")
def bce(view: TermView) -> list[str]:
    """ℓ = −w·[y·log x + (1 − y)·log(1 − x)], each log clamped at −100."""
    x, y = float(view.input("pred")), _smoothed_target(view)
    log_x, log_1mx = float(view.detail("log x")), float(view.detail("log(1−x)"))
    w = view.broadcast_param("weight")
    prefix, wnum = ("", "") if w is None else ("w·", f"{num(w)} × ")

    def clamped(log: float) -> str:
        return "   (clamped at −100, as PyTorch does)" if log <= -100 else ""

    return _smoothing_line(view) + [
        f"log x = log {num(x)} = {num(log_x)}{clamped(log_x)}",
        f"log(1 − x) = log(1 − {num(x)}) = {num(log_1mx)}{clamped(log_1mx)}",
        f"ℓ = −{prefix}[y·log x + (1 − y)·log(1 − x)] = −{wnum}[{num(y)} × {par(log_x)} + "
        f"(1 − {num(y)}) × {par(log_1mx)}] = {num(view.term)}",
    ]


@derivation("bce-with-logits")
def bce_with_logits(view: TermView) -> list[str]:
    """ℓ = −w·[p_c·y·log σ(x) + (1 − y)·log(1 − σ(x))]."""
    x, y = float(view.input("pred")), _smoothed_target(view)
    sig = float(view.detail("σ(x)"))
    log_s, log_1ms = float(view.detail("log σ(x)")), float(view.detail("log(1−σ(x))"))
    w = view.broadcast_param("weight")
    pos = view.broadcast_param("pos_weight")
    wtxt = "" if w is None else f"{num(w)} × "
    ptxt = "" if pos is None else f"{num(pos)} × "
    rule = ("w·" if w is not None else "") + "[" + ("p_c·" if pos is not None else "")
    return _smoothing_line(view) + [
        f"σ(x) = 1 / (1 + exp({num(-x)})) = {num(sig)}",
        f"log σ(x) = {num(log_s)},  log(1 − σ(x)) = {num(log_1ms)}",
        f"ℓ = −{rule}y·log σ(x) + (1 − y)·log(1 − σ(x))] = −{wtxt}[{ptxt}{num(y)} × "
        f"{par(log_s)} + (1 − {num(y)}) × {par(log_1ms)}] = {num(view.term)}",
    ]


def _focal_element(view: TermView) -> tuple[float, float, tuple[int, ...]]:
    """(x, y, index in pred) of a focal term: class c of the terms is c + 1 of the inputs
    when the background is dropped."""
    index = view.index
    if not view.param("include_background", True):
        index = (index[0], index[1] + 1, *index[2:])
    pred, target = view.result.inputs["pred"], view.result.inputs["target"]
    return float(np.asarray(pred)[index]), float(np.asarray(target)[index]), index


@derivation("focal")
def sigmoid_focal(view: TermView) -> list[str]:
    """p = σ(x), p_t, α_t, (1 − p_t)^γ, −log p_t, ℓ = w_c·α_t·(1 − p_t)^γ·(−log p_t)."""
    x, y, index = _focal_element(view)
    eps = view.param("label_smoothing") or 0.0
    smoothed = y * (1 - eps) + eps / 2
    p, p_t = float(view.detail("p")), float(view.detail("p_t"))
    gamma, alpha = view.param("gamma"), view.param("alpha")
    modulating, nlog = float(view.detail("(1−p_t)^γ")), float(view.detail("−log p_t"))
    where = ", ".join(map(str, index))
    lines = [] if index == view.index else [
        f"class 0 dropped (--no-include-background): this term is pred[{where}]"
    ]
    if eps:
        lines.append(f"label smoothing: y' = y·(1 − ε) + ε/2 = {num(y)} × (1 − {num(eps)}) + "
                     f"{num(eps)}/2 = {num(smoothed)}; y below is y'")
        y = smoothed
    lines += [
        f"p = σ(x) = 1 / (1 + exp({num(-x)})) = {num(p)}",
        f"p_t = p·y + (1 − p)·(1 − y) = {num(p)} × {num(y)} + (1 − {num(p)}) × "
        f"(1 − {num(y)}) = {num(p_t)}",
    ]
    product = f"{num(modulating)} × {num(nlog)}"
    rule = "(1 − p_t)^γ·(−log p_t)"
    if "α_t" in view.result.details:
        alpha_t = float(view.detail("α_t"))
        a, name = alpha, "α"
        per_class = view.tensor_param("alpha")
        if per_class is not None and per_class.ndim:
            a, name = float(per_class[view.index[1]]), "α_c"
        lines.append(
            f"α_t = {name}·y + (1 − {name})·(1 − y) = {num(a)} × {num(y)} + (1 − {num(a)}) × "
            f"(1 − {num(y)}) = {num(alpha_t)}"
        )
        product, rule = f"{num(alpha_t)} × {product}", "α_t·" + rule
    else:
        lines.append(f"α = {num(alpha)} < 0: no α weighting")
    if "w_c" in view.result.details:
        product, rule = f"{num(view.detail('w_c'))} × {product}", "w_c·" + rule
    log_line = (f"−log p_t = −log {num(p_t)} = {num(nlog)}" if not eps else
                f"BCE(x, y') = −[y·log p + (1 − y)·log(1 − p)] = {num(nlog)}")
    lines += [
        f"(1 − p_t)^γ = (1 − {num(p_t)})^{num(gamma)} = {num(modulating)}",
        log_line,
        f"ℓ = {rule} = {product} = {num(view.term)}",
    ]
    return lines


@derivation("softmax-focal")
def softmax_focal(view: TermView) -> list[str]:
    """p_t = softmax(x)[y], (1 − p_t)^γ, −log p_t, α_t, ℓ = w[y]·α_t·(1 − p_t)^γ·(−log p_t)."""
    x, y = _scores_and_class(view)
    lines = []
    if not view.param("include_background", True):
        if y == 0:
            return ["class 0 dropped (--no-include-background): this target has no term"]
        x, y = x[1:], y - 1
        lines.append("class 0 dropped (--no-include-background): softmax over classes 1 … C − 1, "
                     f"target index {y} among them")
    eps = view.param("label_smoothing") or 0.0
    if eps:
        return lines + _smoothed_softmax_focal(view, np.asarray(x, dtype=np.float64), y, eps)
    p_t = float(view.detail("p_t"))
    modulating, nlog = float(view.detail("(1−p_t)^γ")), float(view.detail("−log p_t"))
    exps = joined([f"exp({num(v)})" for v in x])
    lines += [
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
    if "w[y]" in view.result.details:
        lines.append(f"w[y] = weight[{y}] = {num(view.detail('w[y]'))}")
        product, rule = f"{num(view.detail('w[y]'))} × {product}", "w[y]·" + rule
    lines.append(f"ℓ = {rule} = {product} = {num(view.term)}")
    return lines


def _labels(view: TermView, classes: int) -> np.ndarray:
    """The row of class probabilities behind a term (class indices one-hot)."""
    target = view.input("target")
    if target.dtype.kind == "f":
        return np.atleast_1d(target)
    return (np.arange(classes) == int(target)).astype(float)


@derivation("poly")
def poly(view: TermView) -> list[str]:
    """ℓ = −Σ_c y_c·log p_c + ε·Σ_c y_c·(1 − p_c), p = softmax(x)."""
    x = np.atleast_1d(view.input("pred"))
    y = _labels(view, len(x))
    eps = float(view.param("epsilon"))
    shifted = x - x.max()
    p = np.exp(shifted) / np.exp(shifted).sum()
    ce, one_minus = float(view.detail("CE")), float(view.detail("1 − p_t"))
    used = [c for c in range(len(x)) if y[c]]
    logs = joined([f"{num(y[c])}·log {num(p[c])}" for c in used])
    gaps = joined([f"{num(y[c])}·(1 − {num(p[c])})" for c in used])
    return [
        f"logits x = {vector(x)}, labels y = {vector(y)}",
        f"p = softmax(x) = {vector(p)}",
        f"cross-entropy −Σ_c y_c·log p_c = −({logs}) = {num(ce)}",
        f"1 − p_t = Σ_c y_c·(1 − p_c) = {gaps or '0'} = {num(one_minus)}",
        f"ℓ = CE + ε·(1 − p_t) = {num(ce)} + {num(eps)} × {num(one_minus)} = {num(view.term)}",
    ]


@derivation("generalized-cross-entropy")
def generalized_cross_entropy(view: TermView) -> list[str]:
    """ℓ = (1 − p_t^q) / q, p_t the probability of the true class."""
    p = np.atleast_1d(view.input("pred"))
    y = int(view.input("target"))
    q = float(view.param("q"))
    return [
        f"probabilities p = {vector(p)}, true class y = {y}: p_t = p[{y}] = {num(p[y])}",
        f"ℓ = (1 − p_t^q) / q = (1 − {num(p[y])}^{num(q)}) / {num(q)} = {num(view.term)}",
    ]


@derivation("sparsemax")
def sparsemax(view: TermView) -> list[str]:
    """Multi-class: p = sparsemax(x), ℓ = Σ p_c·(x_c − x_y) + ½(1 − ‖p‖²); binary: sparse_plus."""
    x = view.input("pred")
    target = view.input("target")
    if np.shape(x) == np.shape(target):
        s = float(view.detail("s"))
        region = ("0 (s ≤ −1)" if s <= -1 else
                  "s (s ≥ 1)" if s >= 1 else
                  f"(s + 1)²/4 (|s| < 1) = ({num(s)} + 1)²/4")
        return [
            f"score x = {num(x)}, label y = {num(target)}: s = {'−x' if target else 'x'} = "
            f"{num(s)}",
            "gradient ∂ℓ/∂s = 0, (s + 1)/2, 1 on the three pieces: continuous at s = ±1",
            f"ℓ = {region} = {num(view.term)}",
        ]
    y = int(target)
    p, tau = view.detail("p"), float(view.detail("τ"))
    ordered = np.sort(x)[::-1]
    support = int(np.sum(p > 0))
    gaps = joined([f"{num(p[c])}·({num(x[c])} − {par(x[y])})" for c in range(len(x)) if p[c]])
    return [
        f"scores x = {vector(x)}, true class y = {y}; sorted {vector(ordered)}",
        f"support k = {support} (largest k with 1 + k·x_(k) > Σ_(j≤k) x_(j)), "
        f"τ = (Σ_(j≤{support}) x_(j) − 1)/{support} = {num(tau)}",
        f"p = max(x − τ, 0) = {vector(p)}",
        "gradient ∂ℓ/∂x = p − onehot(y), continuous (sparsemax is continuous in x)",
        f"ℓ = Σ_c p_c·(x_c − x_y) + ½(1 − ‖p‖²) = {gaps} + ½(1 − {num(float(p @ p))}) = "
        f"{num(view.term)}",
    ]


@derivation("asymmetric")
def asymmetric(view: TermView) -> list[str]:
    """ℓ = −y·(1 − p)^γ₊·log max(p, eps) − (1 − y)·(1 − p₋)^γ₋·log max(p₋, eps)."""
    x, y = float(view.input("pred")), float(view.input("target"))
    p, p_neg = float(view.detail("p")), float(view.detail("p₋"))
    clip, eps = float(view.param("clip")), float(view.param("eps"))
    g_pos, g_neg = float(view.param("gamma_pos")), float(view.param("gamma_neg"))
    shift = (f"p₋ = min(1 − p + clip, 1) = min(1 − {num(p)} + {num(clip)}, 1) = {num(p_neg)}"
             if clip > 0 else f"p₋ = 1 − p = {num(p_neg)} (clip 0)")
    positive = f"{num(y)}·(1 − {num(p)})^{num(g_pos)}·log max({num(p)}, {num(eps)})"
    negative = f"{num(1 - y)}·(1 − {num(p_neg)})^{num(g_neg)}·log max({num(p_neg)}, {num(eps)})"
    return [
        f"logit x = {num(x)}, target y = {num(y)}: p = σ(x) = {num(p)}",
        shift,
        "at p = clip the negative part is flat on one side; autograd takes the unclipped "
        "side's slope (0 there when γ₋ > 0)",
        f"ℓ = −[{positive} + {negative}] = {num(view.term)}",
    ]


@derivation("asymmetric-single-label")
def asymmetric_single_label(view: TermView) -> list[str]:
    """ℓ = −Σ_c t_c·w_c·log p_c, w_y = (1 − p_y)^γ₊, w_c = p_c^γ₋, t smoothed."""
    x = np.atleast_1d(view.input("pred"))
    y = int(view.input("target"))
    p, w = view.detail("p"), view.detail("w")
    eps = float(view.param("label_smoothing"))
    t = (1 - eps) * (np.arange(len(x)) == y) + eps / len(x)
    parts = joined([f"{num(t[c])}·{num(w[c])}·log {num(p[c])}" for c in range(len(x))])
    return [
        f"logits x = {vector(x)}, true class y = {y}: p = softmax(x) = {vector(p)}",
        f"weights w_y = (1 − p_y)^γ₊, w_c = p_c^γ₋: w = {vector(w)}",
        f"smoothed target t = (1 − {num(eps)})·onehot(y) + {num(eps)}/{len(x)} = {vector(t)}",
        f"ℓ = −Σ_c t_c·w_c·log p_c = −({parts}) = {num(view.term)}",
    ]


def _smoothed_softmax_focal(view: TermView, x: np.ndarray, y: int, eps: float) -> list[str]:
    """ℓ = −Σ_c a_c·q_c·(1 − p_c)^γ·log p_c with q = (1 − ε)·onehot + ε/C (a_c = α_c·w_c)."""
    classes = len(x)
    log_p = x - (x.max() + np.log(np.exp(x - x.max()).sum()))
    gamma = view.param("gamma")
    alpha, weight = view.tensor_param("alpha"), view.tensor_param("weight")
    factor = np.ones(classes) if alpha is None else np.broadcast_to(alpha, (classes,))
    if weight is not None:
        factor = factor * weight
    parts = [
        f"{'' if factor[c] == 1 else num(factor[c]) + '·'}"
        f"{num((1 - eps) * (c == y) + eps / classes)}·(1 − {num(np.exp(log_p[c]))})^{num(gamma)}"
        f"·{par(log_p[c])}"
        for c in range(classes)
    ]
    return [
        f"q_c = (1 − ε)·1[c = y] + ε/C with ε = {num(eps)}, C = {classes}, y = {y}",
        f"log p = log softmax(x) = {vector(log_p)}",
        f"ℓ = −Σ_c α_c·w_c·q_c·(1 − p_c)^γ·log p_c = −({joined(parts)}) = {num(view.term)}",
    ]
