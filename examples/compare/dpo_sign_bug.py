"""DPO with a sign error in the reward margin, to see ``losscli compare dpo`` catch it.

The reference log-ratio is added instead of subtracted: the margin becomes
β·((πc − πr) + (refc − refr)), which equals the right one only where the reference
model has no preference (refc = refr).
"""

import torch.nn.functional as F


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pi_logratios = policy_chosen - policy_rejected
    ref_logratios = ref_chosen - ref_rejected
    margin = beta * (pi_logratios + ref_logratios)
    return -F.logsigmoid(margin).mean()
