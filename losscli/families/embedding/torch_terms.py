"""Embedding losses: pairs and triplets of vectors, or distances (PyTorch semantics)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def hinge_embedding(*, pred: torch.Tensor, target: torch.Tensor, margin: float) -> Terms:
    """ℓᵢ = xᵢ if yᵢ = 1, max(0, margin − xᵢ) if yᵢ = −1 (torch.nn.HingeEmbeddingLoss)."""
    target = target.to(pred.dtype)
    return Terms(F.hinge_embedding_loss(pred, target, margin=margin, reduction="none"))


def cosine_embedding(
    *, input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor, margin: float
) -> Terms:
    """ℓᵢ = 1 − cos(x1ᵢ, x2ᵢ) if yᵢ = 1, max(0, cos(x1ᵢ, x2ᵢ) − margin) if yᵢ = −1.

    cos = Σ x1·x2 / √((Σ x1² + ε)(Σ x2² + ε)), ε = 1e-12 (torch.nn.CosineEmbeddingLoss).
    """
    target = target.to(input1.dtype)
    eps = 1e-12
    cos = (input1 * input2).sum(-1) / (
        ((input1 * input1).sum(-1) + eps) * ((input2 * input2).sum(-1) + eps)
    ).sqrt()
    values = F.cosine_embedding_loss(input1, input2, target, margin=margin, reduction="none")
    return Terms(values, details={"cos": cos.detach()})


def triplet_margin(
    *,
    anchor: torch.Tensor,
    positive: torch.Tensor,
    negative: torch.Tensor,
    margin: float,
    p: float,
    eps: float,
    swap: bool,
) -> Terms:
    """ℓᵢ = max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0), d(x, y) = ‖x − y + ε‖_p.

    With swap, d(aᵢ, nᵢ) becomes min(d(aᵢ, nᵢ), d(pᵢ, nᵢ)) (torch.nn.TripletMarginLoss;
    Balntas et al., 2016).
    """
    values = F.triplet_margin_loss(
        anchor, positive, negative, margin=margin, p=p, eps=eps, swap=swap, reduction="none"
    )

    def distance(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.pairwise_distance(x, y, p=p, eps=eps)

    return Terms(values, details=_distances(distance, anchor, positive, negative, swap))


def triplet_margin_with_distance(
    *,
    anchor: torch.Tensor,
    positive: torch.Tensor,
    negative: torch.Tensor,
    distance: str,
    margin: float,
    swap: bool,
) -> Terms:
    """ℓᵢ = max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0) with a chosen distance d.

    ``pairwise``: torch.pairwise_distance (Euclidean, ε = 1e-6), PyTorch's default;
    ``cosine``: 1 − cosine_similarity (torch.nn.TripletMarginWithDistanceLoss).
    """
    distance_function = DISTANCES[distance]
    values = F.triplet_margin_with_distance_loss(
        anchor,
        positive,
        negative,
        distance_function=distance_function,
        margin=margin,
        swap=swap,
        reduction="none",
    )
    return Terms(values, details=_distances(distance_function, anchor, positive, negative, swap))


def _cosine_distance(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 1.0 - F.cosine_similarity(x, y, dim=-1)


DISTANCES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "pairwise": F.pairwise_distance, "cosine": _cosine_distance,
}


def _distances(distance, anchor, positive, negative, swap: bool) -> dict[str, torch.Tensor]:
    """The per-triplet distances the loss compares, for the table."""
    with torch.no_grad():
        details = {"d(a,p)": distance(anchor, positive), "d(a,n)": distance(anchor, negative)}
        if swap:
            details["d(p,n)"] = distance(positive, negative)
    return details


def cosine_similarity(
    *, pred: torch.Tensor, target: torch.Tensor, axis: int, eps: float
) -> Terms:
    """ℓ = −Σ x·y / (√max(Σx², ε)·√max(Σy², ε)) along ``axis`` (keras.losses.CosineSimilarity)."""
    x_norm = (pred * pred).sum(dim=axis).clamp(min=eps).sqrt()
    y_norm = (target * target).sum(dim=axis).clamp(min=eps).sqrt()
    cos = (pred * target).sum(dim=axis) / (x_norm * y_norm)
    return Terms(-cos, details={"‖x‖": x_norm.detach(), "‖y‖": y_norm.detach()},
                 shown_inputs=None if axis in (-1, pred.dim() - 1) else ())
