"""CTC as Keras and optax compute it (``--convention``); the library's unreduced terms.

optax 0.2.8 (optax/losses/_classification.py ``ctc_loss``): logits (B, T, K) batch first,
log_softmax inside; frame and label paddings (here from --input-lengths and
--target-lengths); ``blank_id``; and ``log_epsilon`` (−1e5) standing in for log 0 in its
forward recursion, so an impossible alignment gives a large finite loss, not inf.

Keras 3.15.1 (keras/src/losses/losses.py ``ctc``; keras/src/backend/jax/nn.py ``ctc_loss``):
y_pred (N, T, C) logits go through log_softmax; class 0 (``mask_index``) is the blank and
the padding; a target's length is its number of non-zero labels, taken from the start of
its row; every sequence uses all T frames. One loss per sequence, reduced with
sum_over_batch_size (no division by the target lengths). Keras's recursion stands in
−1e5 for log 0, so an impossible alignment costs about 1e5 per missing frame there; here
it is infinite (losscli's forward recursion).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from losscli.core.errors import InputError
from losscli.families._shared.keras_terms import weighted
from losscli.families._shared.torch_terms import Terms
from losscli.families.sequence.torch_terms import log_likelihood, padded_labels


def keras_ctc(*, pred, target, blank: int, zero_infinity: bool, from_logits: bool,
              sample_weight, input_lengths=None, target_lengths=None) -> Terms:
    """keras.losses.CTC: ℓₙ = −log p(yₙ | xₙ) with blank 0, lengths from the padding."""
    if input_lengths is not None or target_lengths is not None:
        argument = "--input-lengths" if input_lengths is not None else "--target-lengths"
        raise InputError("Keras's CTC takes no lengths: every frame counts and a target's "
                         "length is its number of non-zero labels", argument=argument)
    if blank != 0:
        raise InputError("Keras's CTC uses class 0 as the blank", argument="--blank")
    log_probs = F.log_softmax(pred, dim=-1).transpose(0, 1)  # (T, N, C)
    steps, count = log_probs.shape[:2]
    lengths = (target != 0).sum(dim=-1)
    labels = padded_labels(target, lengths, 0) if target.shape[1] else target
    frames = torch.full((count,), steps, dtype=torch.long, device=pred.device)
    nll = -log_likelihood(log_probs, labels, frames, lengths, 0)
    if zero_infinity:
        nll = torch.where(torch.isinf(nll), torch.zeros_like(nll), nll)
    return weighted(nll, sample_weight, {"p(y|x)": (-nll).exp().detach()})


def optax_ctc(*, pred, target, input_lengths, target_lengths, blank: int, zero_infinity: bool,
              from_logits: bool, log_epsilon: float) -> Terms:
    """optax.ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id, log_epsilon).

    optax's recursion over φ (blank) and emit states, as written in its
    ``ctc_loss_with_forward_probs``: padded frames carry the states unchanged, a repeated
    label must pass through φ, and ``log_epsilon`` is log 0. One loss per sequence.
    """
    if zero_infinity:
        raise InputError("optax's ctc_loss has no zero_infinity (log_epsilon keeps impossible "
                         "alignments finite)", argument="--zero-infinity")
    if not log_epsilon < 0:  # NaN fails too
        raise InputError(f"must be < 0 (a stand-in for log 0), got {log_epsilon:g}",
                         argument="--log-epsilon")
    logprobs = F.log_softmax(pred, dim=-1)  # (B, T, K)
    count, steps, _ = logprobs.shape
    lengths = target_lengths.reshape(-1)
    labels = padded_labels(target, lengths, blank)  # (B, N); past a length: the blank
    eps = log_epsilon
    repeat = F.pad((labels[:, :-1] == labels[:, 1:]).to(logprobs.dtype), (0, 1))
    phi_lp = logprobs[:, :, blank]  # (B, T)
    emit_lp = logprobs.gather(2, labels.unsqueeze(1).expand(-1, steps, -1))  # (B, T, N)
    width = labels.shape[1]
    phi = torch.full((count, width + 1), eps, dtype=logprobs.dtype, device=pred.device)
    phi[:, 0] = 0.0
    emit = torch.full((count, width), eps, dtype=logprobs.dtype, device=pred.device)
    frames = torch.arange(steps, device=pred.device).unsqueeze(0)
    padded = (frames >= input_lengths.reshape(-1, 1)).to(logprobs.dtype)  # (B, T)

    def add_to_labels(phi_now, score):
        return torch.cat([phi_now[:, :1], torch.logaddexp(phi_now[:, 1:], score)], dim=1)

    for t in range(steps):
        before = phi
        moved = add_to_labels(phi, emit + eps * repeat)
        next_emit = torch.logaddexp(moved[:, :-1] + emit_lp[:, t], emit + emit_lp[:, t])
        next_phi = add_to_labels(moved + phi_lp[:, t : t + 1],
                                 emit + phi_lp[:, t : t + 1] + eps * (1 - repeat))
        pad = padded[:, t : t + 1]
        emit = pad * emit + (1 - pad) * next_emit
        phi = pad * before + (1 - pad) * next_phi
    last = add_to_labels(phi, emit)
    nll = -last.gather(1, lengths.reshape(-1, 1)).squeeze(1)
    return Terms(nll, details={"p(y|x)": (-nll).exp().detach()})
