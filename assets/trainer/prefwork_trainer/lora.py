"""A minimal LoRA for the tiny model (transformers models use peft): W x + (alpha / r) B A x, with B starting at
zero so the adapted model starts equal to the base one, and a switch that turns every adapter off at once --
the reference model under LoRA is the same weights with the adapters disabled, as with peft's
``disable_adapter()``.
"""

import contextlib
import math

import torch
from torch import nn

DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")


class _Switch:
    enabled = True


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha, dropout, switch):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.switch = switch

    def forward(self, x):
        y = self.base(x)
        if not self.switch.enabled:
            return y
        a = self.lora_A.to(x.dtype)
        b = self.lora_B.to(x.dtype)
        return y + (self.dropout(x) @ a.t() @ b.t()) * self.scaling

    def merged(self):
        """A plain Linear with the adapter folded into its weight."""
        lin = nn.Linear(self.base.in_features, self.base.out_features, bias=self.base.bias is not None)
        with torch.no_grad():
            lin.weight.copy_(self.base.weight + (self.lora_B @ self.lora_A) * self.scaling)
            if self.base.bias is not None:
                lin.bias.copy_(self.base.bias)
        return lin


class LoRA:
    """The adapters applied to one model."""

    def __init__(self, model, r, alpha, dropout, targets=None):
        self.model = model
        self.switch = _Switch()
        targets = tuple([targets] if isinstance(targets, str) else targets or DEFAULT_TARGETS)
        for p in model.parameters():
            p.requires_grad_(False)
        self.names = []
        for name, module in list(model.named_modules()):
            for child_name, child in list(module.named_children()):
                if isinstance(child, nn.Linear) and child_name in targets:
                    setattr(module, child_name, LoRALinear(child, r, alpha, dropout, self.switch))
                    self.names.append((name + "." if name else "") + child_name)
        if not self.names:
            raise ValueError("lora_target_modules %s match no linear layer of the model" % (list(targets),))

    @contextlib.contextmanager
    def disabled(self):
        self.switch.enabled = False
        try:
            yield
        finally:
            self.switch.enabled = True

    def adapter_state_dict(self):
        return {k: v.detach().cpu() for k, v in self.model.state_dict().items() if "lora_" in k}

    def merge_into_plain(self):
        """Replaces every adapted layer by a merged plain Linear (the model then has the base model's keys)."""
        for name, module in list(self.model.named_modules()):
            for child_name, child in list(module.named_children()):
                if isinstance(child, LoRALinear):
                    setattr(module, child_name, child.merged())
        return self.model
