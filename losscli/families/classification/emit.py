"""Classification losses PyTorch lacks, written out for ``--emit python`` snippets.

The snippet holds each function's source text (:func:`inspect.getsource`), and the
snippet's ``# losscli computed:`` comment comes from calling the very same function.
A family's ``emit`` module maps loss names to such functions in ``WRITTEN_OUT``.
"""

import torch
import torch.nn.functional as F


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py)."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def softmax_focal_loss(logits, target, alpha=None, gamma=2.0, ignore_index=-100,
                       reduction="mean"):
    """Multi-class focal loss (Lin et al., 2017): -alpha_t * (1 - p_t)**gamma * log(p_t)."""
    dim = 0 if logits.dim() == 1 else 1
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0)
    log_pt = F.log_softmax(logits, dim=dim).gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    loss = -((1 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        alpha_t = alpha[safe] if isinstance(alpha, torch.Tensor) else alpha
        loss = alpha_t * loss
    loss = loss.masked_fill(ignored, 0.0)
    if reduction == "mean":
        return loss.sum() / (~ignored).sum()
    if reduction == "sum":
        return loss.sum()
    return loss


#: The loss each function writes out (``losscli.tools.emit`` collects every family's).
WRITTEN_OUT = {"focal": sigmoid_focal_loss, "softmax-focal": softmax_focal_loss}
