"""The DPO objective (Rafailov et al. 2023) and its IPO and hinge variants, as TRL defines them.

With h = (log pi(y_w|x) - log pi(y_l|x)) - (log ref(y_w|x) - log ref(y_l|x)):
  sigmoid  -log sigma(beta h)   (with label smoothing e: -(1-e) log sigma(beta h) - e log sigma(-beta h))
  hinge    max(0, 1 - beta h)
  ipo      (h - 1/(2 beta))^2, on log-probs averaged over the completion's tokens (as TRL does for IPO)
Rewards are beta (log pi - log ref) per sequence; accuracy is the share of pairs whose chosen reward is higher.
"""

import torch
from torch.nn import functional as F


def sequence_logps(logits, input_ids, loss_mask, average=False):
    """Sum (or mean) over completion tokens of log p(token | previous tokens).

    ``logits`` [n, t, vocab] predict the token after each position, so position i's logits score token i+1;
    ``loss_mask`` [n, t] is 1 on completion tokens (0 on the prompt and on padding). Returns (logps [n],
    completion token counts [n]). The log-softmax runs in float32 whatever the model's precision.
    """
    logits = logits[:, :-1, :].float()
    labels = input_ids[:, 1:]
    mask = loss_mask[:, 1:].to(logits.dtype)
    per_token = torch.gather(F.log_softmax(logits, dim=-1), 2, labels.unsqueeze(2)).squeeze(2)
    counts = mask.sum(-1)
    total = (per_token * mask).sum(-1)
    if average:
        total = total / counts.clamp(min=1)
    return total, counts


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta, loss_type="sigmoid", label_smoothing=0.0):
    """Per-pair losses and the chosen/rejected rewards (detached)."""
    h = (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected)
    if loss_type == "sigmoid":
        losses = -F.logsigmoid(beta * h) * (1 - label_smoothing) - F.logsigmoid(-beta * h) * label_smoothing
    elif loss_type == "hinge":
        losses = torch.relu(1 - beta * h)
    elif loss_type == "ipo":
        losses = (h - 1 / (2 * beta)) ** 2
    else:
        raise ValueError("unknown loss_type %r" % loss_type)
    chosen_rewards = beta * (policy_chosen - ref_chosen).detach()
    rejected_rewards = beta * (policy_rejected - ref_rejected).detach()
    return losses, chosen_rewards, rejected_rewards
