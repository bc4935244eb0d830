"""CTC as Keras computes it (``--convention keras``); returns the library's unreduced terms.

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
