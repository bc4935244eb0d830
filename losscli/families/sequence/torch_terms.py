"""Sequence losses: connectionist temporal classification (CTC).

The forward algorithm of Graves et al. (2006) runs here in log space with torch
operations, so autograd gives the derivative with respect to the log-probabilities as
given. (PyTorch's ``ctc_loss`` backward returns exp(log_probs) − γ, which is the gradient
with respect to the logits behind a log_softmax, not with respect to log_probs themselves;
both agree with ``--from-logits``.) The values equal ``torch.nn.functional.ctc_loss``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.families._shared.torch_terms import Terms


def ctc(
    *,
    pred: torch.Tensor,
    target: torch.Tensor,
    input_lengths: torch.Tensor,
    target_lengths: torch.Tensor,
    blank: int,
    zero_infinity: bool,
    from_logits: bool,
) -> Terms:
    """ℓₙ = −log Σ_{π ∈ B⁻¹(yₙ)} Π_t p_t(π_t), one term per sequence (torch.nn.CTCLoss).

    B collapses repeated symbols and then removes blanks; the sum runs over every alignment
    π of the first input_lengthₙ frames. ``pred`` is (T, N, C) or (T, C) log-probabilities
    (logits with ``from_logits``); targets are padded (N, S) or concatenated. The mean
    divides each term by its target length (at least 1), then averages over the batch.
    """
    log_probs = F.log_softmax(pred, dim=-1) if from_logits else pred
    batched = log_probs.dim() == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
    input_lengths = input_lengths.reshape(-1)
    target_lengths = target_lengths.reshape(-1)
    labels = padded_labels(target, target_lengths, blank)
    nll = -log_likelihood(log_probs, labels, input_lengths, target_lengths, blank)
    values = torch.where(torch.isinf(nll), torch.zeros_like(nll), nll) if zero_infinity else nll
    divisor = target_lengths.clamp(min=1).to(values.dtype)
    likelihood = (-nll).exp().detach()
    if not batched:
        values, divisor, likelihood = values[0], divisor[0], likelihood[0]
    return Terms(
        values,
        mean_divisor=divisor,
        divisor_symbol="target_lengthᵢ",
        details={"p(y|x)": likelihood},
    )


def padded_labels(target: torch.Tensor, lengths: torch.Tensor, blank: int) -> torch.Tensor:
    """(N, S) labels, S = the longest target; positions past a target's length hold blank."""
    width = int(lengths.max()) if lengths.numel() else 0
    if target.dim() == 2 and lengths.numel() == target.shape[0]:
        rows = target[:, :width]
    else:
        pieces = torch.split(target[: int(lengths.sum())], lengths.tolist())
        rows = torch.stack([F.pad(p, (0, width - p.numel()), value=blank) for p in pieces])
    inside = torch.arange(width, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)
    return torch.where(inside, rows, torch.full_like(rows, blank))


def log_likelihood(
    log_probs: torch.Tensor,
    labels: torch.Tensor,
    input_lengths: torch.Tensor,
    target_lengths: torch.Tensor,
    blank: int,
) -> torch.Tensor:
    """log p(yₙ | x) by the CTC forward recursion over the blank-extended label sequence.

    Extended sequence l′ = (blank, y₁, blank, y₂, …, blank) of length 2S + 1; α starts in
    a virtual state before frame 0 and moves, at each of the first input_lengthₙ frames,
    from s, s − 1, or s − 2 when l′ₛ is a label different from l′ₛ₋₂. Impossible states
    hold the finite stand-in ``_NEVER`` for log 0 (so no gradient is NaN) and become −inf
    at the end. Half-precision inputs run in float32.
    """
    dtype = log_probs.dtype
    if dtype in (torch.float16, torch.bfloat16):
        log_probs = log_probs.float()
    steps, count, _ = log_probs.shape
    states = 2 * labels.shape[1] + 1
    device = log_probs.device
    extended = torch.full((count, states), blank, dtype=torch.long, device=device)
    extended[:, 1::2] = labels
    emit = log_probs.gather(2, extended.unsqueeze(0).expand(steps, count, states))
    emit = emit.clamp(min=_NEVER)
    no_skip = torch.full((count, states), _NEVER, dtype=log_probs.dtype, device=device)
    no_skip[:, 3::2] = torch.where(labels[:, 1:] != labels[:, :-1], 0.0, _NEVER)
    frames = torch.arange(steps, device=device)
    active = (frames.unsqueeze(1) < input_lengths.unsqueeze(0)).unsqueeze(2)
    alpha = torch.full((count, states), _NEVER, dtype=log_probs.dtype, device=device)
    alpha[:, 0] = 0.0
    for frame, used in zip(emit.unbind(0), active.unbind(0)):
        step = F.pad(alpha, (1, 0), value=_NEVER)[:, :states]
        jump = F.pad(alpha, (2, 0), value=_NEVER)[:, :states] + no_skip
        moved = torch.logaddexp(torch.logaddexp(alpha, step), jump) + frame
        alpha = torch.where(used, moved, alpha)
    end = (2 * target_lengths).unsqueeze(1)
    last_blank = alpha.gather(1, end).squeeze(1)
    last_label = alpha.gather(1, (end - 1).clamp(min=0)).squeeze(1)
    last_label = torch.where(target_lengths > 0, last_label, _NEVER)
    total = torch.logaddexp(last_blank, last_label)
    return torch.where(total > _NEVER / 2, total, float("-inf")).to(dtype)


#: log 0 during the recursion: finite, far below any sum of log-probabilities.
_NEVER = -1e30
