"""Other libraries' versions of CTC, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import KERAS, KERAS_LOSS, KERAS_MEAN, OPTAX

CTC_CONVENTIONS = (
    Convention(
        name="torch",
        library="torch.nn.CTCLoss",
        call="CTCLoss(blank=0, reduction='mean', zero_infinity=False)(log_probs, targets, "
        "input_lengths, target_lengths)",
        source="PyTorch CTCLoss documentation (torch 2.x)",
        reason="losscli's default: (T, N, C) log-probabilities; the mean divides each loss "
        "by its target length",
    ),
    Convention(
        name="keras",
        library="keras.losses.CTC",
        call="CTC()(y_true, y_pred, sample_weight): y_pred (N, T, C) logits, y_true (N, S) "
        "labels with 0 as padding",
        source=f"{KERAS} ctc; keras/src/backend/jax/nn.py ctc_loss; {KERAS_LOSS}",
        reason="--pred is batch first (N, T, C), log_softmax applied; class 0 is the blank "
        "and the padding: target length = number of non-zero labels, every frame used; a "
        "plain mean over the sequences",
        impl="keras_ctc",
        rules=KERAS_MEAN,
        check="keras_ctc",
        optional_inputs=("input_lengths", "target_lengths"),
    ),
    Convention(
        name="optax",
        library="optax.ctc_loss",
        call="ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id=blank, "
        "log_epsilon=-1e5) (per sequence; jnp.mean it)",
        source=OPTAX + "_classification.py ctc_loss, ctc_loss_with_forward_probs",
        reason="--pred is batch first (B, T, K), log_softmax applied; the lengths become "
        "optax's paddings; log_epsilon stands in for log 0, so an impossible alignment "
        "costs about 1e5 instead of inf; a plain mean over the sequences",
        impl="optax_ctc",
        check="optax_ctc",
    ),
)
