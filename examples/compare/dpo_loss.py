"""DPO's sigmoid loss as a training loop writes it, to check with ``losscli compare dpo``.

Each input holds one summed log-probability per preference pair (shape (N)).
"""

import torch.nn.functional as F


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pi_logratios = policy_chosen - policy_rejected
    ref_logratios = ref_chosen - ref_rejected
    margin = beta * (pi_logratios - ref_logratios)
    return -F.logsigmoid(margin).mean()
