"""Lovász hinge and Lovász-softmax losses (Berman et al. 2018), torch terms.

For one ranking (the pixels of an image, or of the whole batch) with errors e and ground
truth g ∈ {0, 1}: sort e in decreasing order (stable: ties keep the pixel order), take the
Lovász extension's gradient of the Jaccard loss on the sorted ground truth,

    J_k = 1 − (G − Σ_{i≤k} g_i) / (G + Σ_{i≤k} (1 − g_i)),  G = Σ g,
    δ_1 = J_1,  δ_k = J_k − J_{k−1},

and ℓ = Σ_k f(e_(k))·δ_k (f = relu for the hinge, the identity for softmax errors).
Autograd differentiates through the sorted errors with the permutation and δ held fixed:
the subgradient ∂ℓ/∂e_(k) = f'(e_(k))·δ_k, with relu'(0) = 0 and, at ties, the δ of each
pixel's position in the stable order.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def lovasz_grad(g_sorted: torch.Tensor) -> torch.Tensor:
    """δ: the Lovász extension's gradient of the Jaccard loss at a sorted ground truth."""
    total = g_sorted.sum()
    intersection = total - g_sorted.cumsum(0)
    union = total + (1 - g_sorted).cumsum(0)
    jaccard = 1 - intersection / union
    return torch.cat([jaccard[:1], jaccard[1:] - jaccard[:-1]])


def _flat_lovasz(errors: torch.Tensor, g: torch.Tensor, hinge: bool) -> torch.Tensor:
    if errors.numel() == 0:
        return errors.sum()
    order = torch.sort(errors.detach(), descending=True, stable=True).indices
    e_sorted = errors[order]
    weights = lovasz_grad(g[order].to(errors.dtype))
    return ((F.relu(e_sorted) if hinge else e_sorted) * weights).sum()


def _rankings(pred: torch.Tensor, target: torch.Tensor, per_image: bool,
              ignore_index: int | None):
    """(logits, labels, kept) per ranking: one per image, or one for the whole batch."""
    n = pred.shape[0]
    x, y = pred.reshape(n, -1), target.reshape(n, -1)
    if not per_image:
        x, y = x.reshape(1, -1), y.reshape(1, -1)
    for xi, yi in zip(x, y, strict=True):
        keep = torch.ones_like(yi, dtype=torch.bool) if ignore_index is None else yi != ignore_index
        yield xi[keep], yi[keep]


def lovasz_hinge(
    *, pred: torch.Tensor, target: torch.Tensor, per_image: bool, ignore_index: int | None
) -> Terms:
    """ℓ = Σ_k relu(e_(k))·δ_k, e = 1 − x·(2g − 1), per image (or over the batch)."""
    values = [
        _flat_lovasz(1 - x * (2 * y.to(x.dtype) - 1), y, hinge=True)
        for x, y in _rankings(pred, target, per_image, ignore_index)
    ]
    stacked = torch.stack(values)
    return Terms(stacked if per_image else stacked[0], shown_inputs=())


def lovasz_softmax(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    per_image: bool,
    classes: str,
    ignore_index: int | None,
    weight: torch.Tensor | None,
) -> Terms:
    """ℓ = mean over the classes c of w_c·Σ_k e_(k)·δ_k, e = |[y = c] − softmax(x)_c|.

    One ranking per image (or over the batch); classes "all" counts every class (an
    absent one scores its largest probability), "present" only those in the ranking.
    """
    n, channels = pred.shape[:2]
    probs = torch.softmax(pred, dim=1).reshape(n, channels, -1).movedim(1, -1)
    labels = target.reshape(n, -1)
    if not per_image:
        probs, labels = probs.reshape(1, -1, channels), labels.reshape(1, -1)
    values = []
    for p, y in zip(probs, labels, strict=True):
        if ignore_index is not None:
            keep = y != ignore_index
            p, y = p[keep], y[keep]
        terms = []
        for c in range(channels):
            fg = y == c
            if classes == "present" and not bool(fg.any()):
                continue
            term = _flat_lovasz((fg.to(p.dtype) - p[:, c]).abs(), fg, hinge=False)
            terms.append(term if weight is None else weight[c] * term)
        values.append(torch.stack(terms).mean() if terms else p.sum() * 0)
    stacked = torch.stack(values)
    return Terms(stacked if per_image else stacked[0], shown_inputs=())
