"""Two multi-class focal losses to check with ``losscli compare softmax-focal``.

``SeedFocalLoss`` has the bug of the FocalLoss class quoted in seed 004: it takes
p_t = onehot * log_softmax (a log-probability, so never in [0, 1]) and raises
(1 - p_t) to gamma. ``FocalLoss`` takes p_t = softmax(x)[y] (Lin et al., 2017).
"""

import torch.nn as nn
import torch.nn.functional as F


class SeedFocalLoss(nn.Module):
    def __init__(self, gamma=2.0):
        super().__init__()
        self.gamma = gamma

    def forward(self, logits, labels):
        log_p = F.log_softmax(logits, dim=1)
        onehot = F.one_hot(labels, logits.shape[1]).to(logits.dtype)
        pt = onehot * log_p
        return (-((1 - pt) ** self.gamma) * onehot * log_p).sum(dim=1).mean()


class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0):
        super().__init__()
        self.gamma = gamma

    def forward(self, logits, labels):
        log_pt = F.log_softmax(logits, dim=1).gather(1, labels[:, None]).squeeze(1)
        return (-((1 - log_pt.exp()) ** self.gamma) * log_pt).mean()
