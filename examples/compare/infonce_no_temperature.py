"""InfoNCE with a classic bug: the cosine similarities are never divided by the
temperature, so every logit stays in [-1, 1] and the loss barely separates anything.

    losscli compare ntxent --impl examples/compare/infonce_no_temperature.py:info_nce
"""

import torch
import torch.nn.functional as F


def info_nce(embeddings, labels, temperature=0.07):
    z = F.normalize(embeddings, dim=1)
    logits = z @ z.T  # bug: should be z @ z.T / temperature
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    anchor, positive = (same & ~eye).nonzero(as_tuple=True)
    negatives = torch.logsumexp(logits.masked_fill(same, float("-inf")), dim=1)
    pair = logits[anchor, positive]
    return (torch.logaddexp(pair, negatives[anchor]) - pair).mean()
