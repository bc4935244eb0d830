"""Cross-entropy family and focal losses."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.torch_terms import Terms, class_dim, index_weights
from losscli.families.classification.z_loss import with_z_loss

_IGNORED = "target equals ignore_index"


def cross_entropy(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    ignore_index: int,
    label_smoothing: float,
    z_loss: float = 0.0,
) -> Terms:
    """ℓᵢ = −Σ_c w_c·qᵢ,c·log softmax(xᵢ)_c, q the (smoothed) target (torch.nn.CrossEntropyLoss).

    Index targets: the mean divides by Σ w[yᵢ] over non-ignored targets; probability
    targets: by the number of terms. ``z_loss`` z adds PaLM's z·(log Z)² per term (t5x
    cross_entropy_with_logits), times w[yᵢ] and 0 where ignored.
    """
    terms = _cross_entropy(pred, target, weight, ignore_index, label_smoothing)
    return with_z_loss(terms, z_loss, torch.where)


def _cross_entropy(pred, target, weight, ignore_index, label_smoothing) -> Terms:
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


def _last_axis_labels(target: torch.Tensor, classes: int, dtype: torch.dtype) -> torch.Tensor:
    """Class probabilities as given; class indices one-hot over the last dimension."""
    if target.is_floating_point():
        return target.to(dtype)
    return F.one_hot(target, classes).to(dtype)


def poly(*, pred: torch.Tensor, target: torch.Tensor, epsilon: float) -> Terms:
    """ℓᵢ = −Σ_c y_c·log p_c + ε·Σ_c y_c·(1 − p_c), p = softmax(xᵢ) over the last dimension.

    Poly-1 of Leng et al. (2022), as optax.losses.poly_loss_cross_entropy.
    """
    y = _last_axis_labels(target, pred.shape[-1], pred.dtype)
    log_p = F.log_softmax(pred, dim=-1)
    ce = -(y * log_p).sum(dim=-1)
    one_minus_pt = (y * (1 - log_p.exp())).sum(dim=-1)
    return Terms(ce + epsilon * one_minus_pt, details={"CE": ce, "1 − p_t": one_minus_pt})


def generalized_cross_entropy(*, pred: torch.Tensor, target: torch.Tensor, q: float) -> Terms:
    """ℓᵢ = (1 − p_t^q) / q, p_t = xᵢ,yᵢ over the last dimension (Zhang and Sabuncu, 2018).

    As keras.losses.CategoricalGeneralizedCrossEntropy: the input is probabilities.
    """
    p_t = pred.gather(-1, target.unsqueeze(-1)).squeeze(-1)
    return Terms((1 - p_t**q) / q, details={"p_t": p_t})


def sparsemax_projection(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """sparsemax over the last dimension (Martins and Astudillo, 2016), and its threshold τ.

    Sorted x_(1) ≥ … ≥ x_(C): k = max{k : 1 + k·x_(k) > Σ_(j≤k) x_(j)},
    τ = (Σ_(j≤k) x_(j) − 1)/k, p = max(x − τ, 0). relu gives a score exactly at τ no
    gradient, keeping Σ p = 1 in autograd's linearisation.
    """
    ordered = torch.sort(x, dim=-1, descending=True).values
    cumulative = ordered.cumsum(dim=-1)
    k = torch.arange(1, x.shape[-1] + 1, device=x.device, dtype=x.dtype)
    support = (1 + k * ordered > cumulative).sum(dim=-1, keepdim=True)
    tau = (cumulative.gather(-1, support - 1) - 1) / support.to(x.dtype)
    return torch.relu(x - tau), tau.squeeze(-1)


def sparsemax(*, pred: torch.Tensor, target: torch.Tensor) -> Terms:
    """Sparsemax loss (optax.losses.multiclass_sparsemax_loss and sparsemax_loss).

    Class indices: ℓᵢ = Σ_c p_c·(x_c − x_y) + ½·(1 − ‖p‖²), p = sparsemax(xᵢ).
    0/1 labels of pred's shape: sparse_plus(s), s = −x where y = 1 else x.
    """
    if target.shape == pred.shape:
        s = torch.where(target != 0, -pred, pred)
        values = torch.where(s <= -1, torch.zeros_like(s),
                             torch.where(s >= 1, s, (s + 1) ** 2 / 4))
        return Terms(values, details={"s": s})
    p, tau = sparsemax_projection(pred)
    true = pred.gather(-1, target.unsqueeze(-1))
    values = (p * (pred - true)).sum(dim=-1) + 0.5 * (1 - (p * p).sum(dim=-1))
    return Terms(values, details={"τ": tau, "p": p})


def _focusing_weight(base: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """base^γ, with 0^γ (0, or 1 for γ = 0) given a zero gradient instead of NaN.

    A clipped negative has base 1 − p₋ = 0: torch.pow's gradient there is γ·0^(γ−1),
    infinite for γ < 1, and inf × 0 makes NaN (timm's torch.pow gives NaN for γ < 1).
    """
    positive = base > 0
    powered = torch.where(positive, base, torch.ones_like(base)) ** gamma
    return torch.where(positive, powered, (gamma == 0).to(base.dtype))


def asymmetric(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    gamma_neg: float,
    gamma_pos: float,
    clip: float,
    eps: float,
) -> Terms:
    """ASL, Ridnik et al. (2021), per element (timm.loss.AsymmetricLossMultiLabel).

    p = σ(x), p₋ = min(1 − p + clip, 1); ℓ = −y·(1 − p)^γ₊·log max(p, eps)
    − (1 − y)·(1 − p₋)^γ₋·log max(p₋, eps); the weights are (1 − p_t)^γ with
    p_t = p·y + p₋·(1 − y) and γ = γ₊·y + γ₋·(1 − y), as timm writes them.
    """
    p = torch.sigmoid(pred)
    p_neg = 1 - p
    if clip > 0:
        p_neg = torch.clamp(p_neg + clip, max=1)
    loss = target * torch.log(p.clamp(min=eps)) + (1 - target) * torch.log(p_neg.clamp(min=eps))
    details = {"p": p, "p₋": p_neg}
    if gamma_neg > 0 or gamma_pos > 0:
        gamma = gamma_pos * target + gamma_neg * (1 - target)
        weight = _focusing_weight(1 - (p * target + p_neg * (1 - target)), gamma)
        loss = loss * weight
        details["(1−p_t)^γ"] = weight
    return Terms(-loss, details=details)


def asymmetric_single_label(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    gamma_pos: float,
    gamma_neg: float,
    label_smoothing: float,
) -> Terms:
    """ℓᵢ = −Σ_c t_c·w_c·log p_c (timm.loss.AsymmetricLossSingleLabel), p = softmax(xᵢ).

    w = (1 − p_y)^γ₊ on the true class and p_c^γ₋ on the others; t = (1 − ε)·onehot + ε/C.
    """
    classes = pred.shape[-1]
    one_hot = F.one_hot(target, classes).to(pred.dtype)
    log_p = F.log_softmax(pred, dim=-1)
    p = log_p.exp()
    weight = torch.pow(one_hot * (1 - p) + (1 - one_hot) * p,
                       gamma_pos * one_hot + gamma_neg * (1 - one_hot))
    smoothed = one_hot * (1 - label_smoothing) + label_smoothing / classes
    values = -(smoothed * weight * log_p).sum(dim=-1)
    return Terms(values, details={"p": p, "w": weight})
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
