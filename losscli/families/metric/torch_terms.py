"""Contrastive and metric-learning losses in PyTorch: the reference terms.

Every loss here compares the rows of a batch of embeddings with each other (or with class
centres). Positive pairs are two different rows with the same label; negative pairs are rows
with different labels. The terms are per ordered positive pair (ntxent), per anchor row
(supcon, circle), per unordered pair (contrastive), per sample (arcface, cosface) or per list
(ranking-softmax); each function's docstring gives its formula and reference.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def unit_rows(x: torch.Tensor, eps: float) -> torch.Tensor:
    """x / √max(Σx², ε) row by row (optax cosine_similarity: a zero row stays zero)."""
    return x / (x * x).sum(-1, keepdim=True).clamp(min=eps).sqrt()


def stacked(embeddings: torch.Tensor, labels: torch.Tensor, pair: torch.Tensor | None):
    """The batch and its labels; with a second view, both views stacked (row i and N + i)."""
    if pair is None:
        return embeddings, labels
    return torch.cat([embeddings, pair]), torch.cat([labels, labels])


def masks(labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(positive, negative) pair masks: same label and not the same row; another label."""
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    return same & ~eye, ~same


def masked_logsumexp(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """log Σ_{mask} exp(x) along the last dimension; −inf for a row with nothing in the mask
    (computed without an infinite intermediate, so the gradient stays finite)."""
    some = mask.any(-1)
    filled = torch.where(mask, x, torch.full_like(x, -torch.inf))
    filled = torch.where(some[..., None], filled, torch.zeros_like(x))
    return torch.where(some, torch.logsumexp(filled, -1), torch.full_like(some, -torch.inf,
                                                                           dtype=x.dtype))


def ntxent(
    *, embeddings: torch.Tensor, labels: torch.Tensor, pair: torch.Tensor | None = None,
    temperature: float,
) -> Terms:
    """ℓᵢⱼ = −log( e^{sᵢⱼ} / (e^{sᵢⱼ} + Σ_{k: yₖ≠yᵢ} e^{sᵢₖ}) ), sᵢⱼ = cos(xᵢ, xⱼ)/T,
    one term per ordered positive pair (i ≠ j, yᵢ = yⱼ) (optax 0.2.8 ntxent; Chen et al. 2020).

    The anchor's other positives are not in the denominator; norms are √max(Σx², ε) with ε
    the machine epsilon of the compute dtype, as optax.
    """
    x, y = stacked(embeddings, labels, pair)
    unit = unit_rows(x, torch.finfo(x.dtype).eps)
    cos = unit @ unit.T
    s = cos / temperature
    positive, negative = masks(y)
    anchor, other = positive.nonzero(as_tuple=True)
    negatives = masked_logsumexp(s, negative)[anchor]
    s_pair = s[anchor, other]
    values = torch.logaddexp(s_pair, negatives) - s_pair
    details = {"anchor": anchor.to(x.dtype), "positive": other.to(x.dtype),
               "cos": cos[anchor, other].detach(), "s": s_pair.detach(),
               "lse neg": negatives.detach()}
    return Terms(values, details=details, shown_inputs=())


def supcon(
    *, embeddings: torch.Tensor, labels: torch.Tensor, pair: torch.Tensor | None = None,
    temperature: float, base_temperature: float, normalize: bool,
) -> Terms:
    """ℓᵢ = −(T/T_base)·(1/|P(i)|)·Σ_{p∈P(i)} log( e^{sᵢₚ} / Σ_{k≠i} e^{sᵢₖ} ), sᵢₖ = xᵢ·xₖ/T,
    one term per anchor row; 0 for an anchor without positives (Khosla et al. 2020,
    HobbitLong/SupContrast losses.py, contrast_mode 'all').

    Every other row, positives included, is in the denominator. ``normalize``: rows are
    L2-normalised first (the reference leaves that to the model).
    """
    x, y = stacked(embeddings, labels, pair)
    if normalize:
        x = F.normalize(x, dim=-1)
    s = (x @ x.T) / temperature
    positive, _ = masks(y)
    others = ~torch.eye(len(y), dtype=torch.bool, device=y.device)
    log_prob = s - masked_logsumexp(s, others)[:, None]
    count = positive.sum(-1)
    picked = torch.where(positive, log_prob, torch.zeros_like(log_prob)).sum(-1)
    mean_log_prob = picked / count.clamp(min=1).to(x.dtype)
    values = -(temperature / base_temperature) * mean_log_prob
    return Terms(values, details={"positives": count.to(x.dtype),
                                  "mean log p": mean_log_prob.detach()})


def pair_distances(x: torch.Tensor, normalize: bool, distance: str) -> torch.Tensor:
    """‖xᵢ − xⱼ‖₂ (or its square) for every i < j, rows L2-normalised when asked."""
    if normalize:
        x = F.normalize(x, dim=-1)
    i, j = torch.triu_indices(len(x), len(x), 1, device=x.device)
    squared = ((x[i] - x[j]) ** 2).sum(-1)
    if distance == "squared":
        return squared
    return torch.where(squared > 0, squared, torch.ones_like(squared)).sqrt() * (squared > 0)


def contrastive(
    *, embeddings: torch.Tensor, labels: torch.Tensor, pos_margin: float, neg_margin: float,
    distance: str, power: int, normalize: bool,
) -> Terms:
    """ℓᵢⱼ = max(0, dᵢⱼ − m₊)^p if yᵢ = yⱼ, max(0, m₋ − dᵢⱼ)^p otherwise, one term per pair
    i < j (Hadsell, Chopra & LeCun 2006; pytorch-metric-learning ContrastiveLoss)."""
    d = pair_distances(embeddings, normalize, distance)
    i, j = torch.triu_indices(len(labels), len(labels), 1, device=labels.device)
    same = labels[i] == labels[j]
    hinge = torch.where(same, F.relu(d - pos_margin), F.relu(neg_margin - d))
    details = {"i": i.to(d.dtype), "j": j.to(d.dtype), "same": same.to(d.dtype),
               "d": d.detach()}
    return Terms(hinge**power, details=details, shown_inputs=())


def circle(
    *, embeddings: torch.Tensor, labels: torch.Tensor, gamma: float, margin: float,
) -> Terms:
    """ℓᵢ = softplus( LSE_{p}(−γ·αₚ·(m − dᵢₚ)) + LSE_{n}(γ·αₙ·(1 − m − dᵢₙ)) ), one term per
    anchor, dᵢₖ = max(1 − xᵢ·xₖ, 0), αₚ = max(m + d, 0), αₙ = max(1 + m − d, 0) (Sun et al.
    2020; Keras 3.15.1 circle, embeddings L2-normalised by the caller).

    An anchor without positives (or without negatives) gives 0; the mean leaves out the zero
    terms, as Keras's mask (loss > 0) does.
    """
    d = F.relu(1 - embeddings @ embeddings.T)
    positive, negative = masks(labels)
    alpha_p = F.relu(margin + d)
    alpha_n = F.relu(1 + margin - d)
    p = masked_logsumexp(-gamma * alpha_p * (margin - d), positive)
    n = masked_logsumexp(gamma * alpha_n * (1 - margin - d), negative)
    values = F.softplus(p + n)
    kept = values > 0
    return Terms(values, weights=kept.to(values.dtype), ignored=~kept,
                 ignore_reason="ℓ = 0 (no positive or no negative), masked as Keras does",
                 details={"positives": positive.sum(-1).to(values.dtype),
                          "lse pos": p.detach(), "lse neg": n.detach()})


def class_cosines(embeddings: torch.Tensor, centers: torch.Tensor) -> torch.Tensor:
    """cos θ between each embedding and each class centre, (N, C) (both L2-normalised)."""
    return F.normalize(embeddings, dim=-1) @ F.normalize(centers, dim=-1).T


def margin_softmax(cos: torch.Tensor, target: torch.Tensor, labels: torch.Tensor,
                   scale: float) -> Terms:
    """Cross-entropy of s·logits where the true class's cosine is replaced by ``target``."""
    onehot = F.one_hot(labels, cos.shape[-1]).bool()
    logits = scale * torch.where(onehot, target[:, None], cos)
    lse = torch.logsumexp(logits, -1)
    true_cos = cos.gather(-1, labels[:, None]).squeeze(-1)
    details = {"cos θ": true_cos.detach(), "target": target.detach(), "lse": lse.detach()}
    return Terms(lse - scale * target, details=details, shown_inputs=("embeddings", "labels"))


def arcface(
    *, embeddings: torch.Tensor, centers: torch.Tensor, labels: torch.Tensor, scale: float,
    margin: float, easy_margin: bool,
) -> Terms:
    """ℓᵢ = −log( e^{s·cos(θ_y + m)} / (e^{s·cos(θ_y + m)} + Σ_{c≠y} e^{s·cos θ_c}) ) (Deng et
    al. 2019; insightface arcface_torch), m in radians.

    Where θ_y + m > π the target is cos θ_y − m·sin m (insightface, pytorch-metric-learning);
    with ``easy_margin`` it is cos θ_y where cos θ_y ≤ 0 (the classic ArcMarginProduct).
    """
    cos = class_cosines(embeddings, centers)
    c = cos.gather(-1, labels[:, None]).squeeze(-1)
    sine = (1 - c * c).clamp(min=0).sqrt()
    shifted = c * math.cos(margin) - sine * math.sin(margin)
    if easy_margin:
        target = torch.where(c > 0, shifted, c)
    else:
        target = torch.where(c > -math.cos(margin), shifted, c - margin * math.sin(margin))
    return margin_softmax(cos, target, labels, scale)


def cosface(
    *, embeddings: torch.Tensor, centers: torch.Tensor, labels: torch.Tensor, scale: float,
    margin: float,
) -> Terms:
    """ℓᵢ = −log( e^{s·(cos θ_y − m)} / (e^{s·(cos θ_y − m)} + Σ_{c≠y} e^{s·cos θ_c}) ) (Wang et
    al. 2018, CosFace / AM-softmax; pytorch-metric-learning CosFaceLoss)."""
    cos = class_cosines(embeddings, centers)
    target = cos.gather(-1, labels[:, None]).squeeze(-1) - margin
    return margin_softmax(cos, target, labels, scale)


def ranking_softmax(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """ℓ = −Σᵢ yᵢ·log softmax(s)ᵢ over the last dimension, one term per list; the labels are
    not normalised (optax 0.2.8 ranking_softmax_loss)."""
    lse = torch.logsumexp(pred, -1)
    values = -(target * torch.log_softmax(pred, -1)).sum(-1)
    details = {"Σ y": target.sum(-1).detach(), "Σ y·s": (target * pred).sum(-1).detach(),
               "lse": lse.detach()}
    return Terms(values, details=details)
