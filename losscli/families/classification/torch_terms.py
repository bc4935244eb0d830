"""Cross-entropy family and focal losses."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.torch_terms import Terms, class_dim, index_weights

_IGNORED = "target equals ignore_index"


def cross_entropy(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    ignore_index: int,
    label_smoothing: float,
) -> Terms:
    """ℓᵢ = −Σ_c w_c·qᵢ,c·log softmax(xᵢ)_c, q the (smoothed) target (torch.nn.CrossEntropyLoss).

    Index targets: the mean divides by Σ w[yᵢ] over non-ignored targets; probability
    targets: by the number of terms.
    """
    values = F.cross_entropy(
        pred,
        target,
        weight=weight,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
        reduction="none",
    )
    dim = class_dim(pred)
    log_p = F.log_softmax(pred, dim=dim)
    details = {"log Σexp": torch.logsumexp(pred, dim=dim)}
    if target.is_floating_point() or label_smoothing:
        details["log p"] = log_p
    if target.is_floating_point():
        return Terms(values, details=details)
    terms = _index_terms(values, log_p, target, weight, ignore_index)
    terms.details.update(details)
    return terms


def nll(
    *, pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None, ignore_index: int
) -> Terms:
    """ℓᵢ = −w[yᵢ]·xᵢ,yᵢ (torch.nn.NLLLoss); the mean divides by Σ w[yᵢ]."""
    values = F.nll_loss(pred, target, weight=weight, ignore_index=ignore_index, reduction="none")
    return _index_terms(values, pred, target, weight, ignore_index)


def _index_terms(values, log_p, target, weight, ignore_index) -> Terms:
    classes = log_p.shape[class_dim(log_p)]
    weights, ignored = index_weights(target, classes, weight, ignore_index)
    picked = log_p.gather(
        class_dim(log_p), target.masked_fill(ignored, 0).unsqueeze(class_dim(log_p))
    )
    return Terms(
        values,
        weights=weights.to(values.dtype),
        ignored=ignored,
        weight_symbol="w[yᵢ]" if weight is not None else "1",
        ignore_reason=f"target = ignore_index ({ignore_index})",
        details={"log p[y]": picked.squeeze(class_dim(log_p))},
    )


def smooth_binary(target: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """y·(1 − ε) + ε/2: cross-entropy's smoothing with two classes (Keras's binary one)."""
    return target * (1 - label_smoothing) + label_smoothing / 2 if label_smoothing else target


def bce(*, pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None,
        label_smoothing: float = 0.0) -> Terms:
    """ℓᵢ = −wᵢ·[y'ᵢ·log xᵢ + (1 − y'ᵢ)·log(1 − xᵢ)], logs clamped at −100 (torch.nn.BCELoss);
    y' = y·(1 − ε) + ε/2 with label smoothing ε."""
    if weight is not None:
        weight = weight.expand_as(pred)
    smoothed = smooth_binary(target, label_smoothing)
    values = F.binary_cross_entropy(pred, smoothed, weight=weight, reduction="none")
    details = {"log x": pred.log().clamp(min=-100), "log(1−x)": (1 - pred).log().clamp(min=-100)}
    if label_smoothing:
        details["y'"] = smoothed
    return Terms(values, details=details)


def bce_with_logits(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    pos_weight: torch.Tensor | None,
    label_smoothing: float = 0.0,
) -> Terms:
    """ℓᵢ = −wᵢ·[p·y'ᵢ·log σ(xᵢ) + (1 − y'ᵢ)·log(1 − σ(xᵢ))] (torch.nn.BCEWithLogitsLoss);
    y' = y·(1 − ε) + ε/2 with label smoothing ε."""
    smoothed = smooth_binary(target, label_smoothing)
    values = F.binary_cross_entropy_with_logits(
        pred, smoothed, weight=weight, pos_weight=pos_weight, reduction="none"
    )
    logs = {"log σ(x)": F.logsigmoid(pred), "log(1−σ(x))": F.logsigmoid(-pred)}
    details = {"σ(x)": torch.sigmoid(pred), **logs}
    if label_smoothing:
        details["y'"] = smoothed
    return Terms(values, details=details)


def one_alpha(alpha, library: str) -> None:
    """Refuse one α per class where ``library`` takes one number."""
    if isinstance(alpha, torch.Tensor):
        raise InputError(f"{library} takes one number for alpha; one α per class is MONAI's "
                         "FocalLoss (--convention monai)", argument="--alpha")


def foreground(pred: torch.Tensor, target: torch.Tensor, include_background: bool):
    """(pred, target) without class 0 of dimension 1 when ``include_background`` is False."""
    if include_background:
        return pred, target
    return pred[:, 1:], target[:, 1:]


def along_classes(weight: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Per-class values shaped to broadcast along the class dimension of ``like``."""
    return weight.to(like.dtype).view([-1] + [1] * (like.dim() - class_dim(like) - 1))


def sigmoid_focal(*, pred: torch.Tensor, target: torch.Tensor, alpha: float, gamma: float,
                  weight: torch.Tensor | None = None, include_background: bool = True,
                  label_smoothing: float = 0.0) -> Terms:
    """ℓᵢ = −w_c·α_t·(1 − p_t)^γ·log p_t with p = σ(x) (torchvision.ops.sigmoid_focal_loss).

    Follows torchvision/ops/focal_loss.py: −log p_t is computed as BCE with logits;
    α_t = α·y + (1 − α)·(1 − y), skipped when α < 0. Beyond torchvision: one α_c per class
    along dimension 1 (α_t = α_c·y + (1 − α_c)·(1 − y); MONAI's per-class α leaves negatives
    at 1 instead), ``weight`` w_c per class along dimension 1 (MONAI's weight), and
    ``include_background=False`` drops class 0 of dimension 1 first (MONAI's). Label smoothing
    replaces y by y·(1 − ε) + ε/2 everywhere (p_t, α_t and the BCE; Keras's
    BinaryFocalCrossentropy).
    """
    pred, target = foreground(pred, target, include_background)
    target = smooth_binary(target, label_smoothing)
    p = torch.sigmoid(pred)
    ce = F.binary_cross_entropy_with_logits(pred, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    modulating = (1 - p_t) ** gamma
    values = ce * modulating
    details = {"p": p, "p_t": p_t, "(1−p_t)^γ": modulating, "−log p_t": ce}
    if isinstance(alpha, torch.Tensor) or alpha >= 0:
        a = along_classes(alpha, target) if isinstance(alpha, torch.Tensor) else alpha
        alpha_t = a * target + (1 - a) * (1 - target)
        values = alpha_t * values
        details["α_t"] = alpha_t
    if weight is not None:
        details["w_c"] = along_classes(weight, values).expand_as(values)
        values = values * details["w_c"]
    return Terms(values, details=details)


def softmax_focal(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    alpha: float | torch.Tensor | None,
    gamma: float,
    ignore_index: int,
    weight: torch.Tensor | None = None,
    include_background: bool = True,
    label_smoothing: float = 0.0,
) -> Terms:
    """ℓᵢ = −w[yᵢ]·α_t·(1 − p_t)^γ·log p_t with p_t = softmax(xᵢ)[yᵢ] (Lin et al., 2017).

    α_t is 1 without --alpha, the scalar α for every class, or alpha[yᵢ] per class; w[yᵢ]
    is another factor (not a normaliser). Ignored targets give a zero term and are left out
    of the mean. ``include_background=False`` drops class 0: the softmax covers classes
    1 … C − 1 and targets of class 0 are left out like ignored ones. Label smoothing ε:
    ℓᵢ = −Σ_c α_c·w_c·q_c·(1 − p_c)^γ·log p_c with q = (1 − ε)·onehot + ε/C (Keras's
    CategoricalFocalCrossentropy); ε = 0 gives the p_t form.
    """
    dim = class_dim(pred)
    ignored = target == ignore_index
    reason = f"target = ignore_index ({ignore_index})"
    if not include_background:
        pred = pred.narrow(dim, 1, pred.shape[dim] - 1)
        ignored = ignored | (target == 0)
        target = target - 1
        reason += " or class 0 (--no-include-background)"
    safe = target.masked_fill(ignored, 0)
    log_p = F.log_softmax(pred, dim=dim)
    log_pt = log_p.gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    p_t = log_pt.exp()
    modulating = (1 - p_t) ** gamma
    values = -modulating * log_pt
    details = {"p_t": p_t, "(1−p_t)^γ": modulating, "−log p_t": -log_pt}
    if label_smoothing:
        values = _smoothed_focal(log_p, safe, dim, alpha, weight, gamma, label_smoothing)
    if alpha is not None:
        alpha_t = alpha[safe] if isinstance(alpha, torch.Tensor) else torch.full_like(p_t, alpha)
        values = values if label_smoothing else alpha_t * values
        details["α_t"] = alpha_t
    if weight is not None:
        details["w[y]"] = weight.to(values.dtype)[safe]
        values = values if label_smoothing else values * details["w[y]"]
    values = values.masked_fill(ignored, 0.0)
    return Terms(
        values,
        weights=(~ignored).to(values.dtype),
        ignored=ignored,
        ignore_reason=reason,
        details=details,
    )


def _smoothed_focal(log_p, safe, dim, alpha, weight, gamma: float, eps: float) -> torch.Tensor:
    """−Σ_c α_c·w_c·q_c·(1 − p_c)^γ·log p_c with q = (1 − ε)·onehot + ε/C."""
    classes = log_p.shape[dim]
    onehot = F.one_hot(safe, classes).movedim(-1, dim).to(log_p.dtype)
    factor = -(onehot * (1 - eps) + eps / classes) * (1 - log_p.exp()) ** gamma * log_p
    if isinstance(alpha, torch.Tensor):
        factor = factor * along_classes(alpha, factor)
    elif alpha is not None:
        factor = factor * alpha
    if weight is not None:
        factor = factor * along_classes(weight, factor)
    return factor.sum(dim=dim)
