"""InfoNCE (NT-Xent, SimCLR) over a labelled batch, written the usual way.

Check it against losscli's reference:
    losscli compare ntxent --impl examples/compare/infonce.py:info_nce

Rows with the same label are positive pairs; each ordered positive pair (i, j) is scored
against the anchor's negatives (rows with another label), and the loss is the mean over
the pairs.
"""

import torch
import torch.nn.functional as F


def info_nce(embeddings, labels, temperature=0.07):
    z = F.normalize(embeddings, dim=1)
    logits = z @ z.T / temperature
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    anchor, positive = (same & ~eye).nonzero(as_tuple=True)
    negatives = torch.logsumexp(logits.masked_fill(same, float("-inf")), dim=1)
    pair = logits[anchor, positive]
    return (torch.logaddexp(pair, negatives[anchor]) - pair).mean()
