"""A tiny causal language model in plain torch, with a byte-level tokenizer: the trainer's own test model.

It lets the whole DPO path (tokenising, masking, the concatenated forward pass, LoRA, checkpoints, the final
model) run for real on a CPU without transformers and without downloading anything. A model folder holds
``prefwork-tiny.json`` (the shape) and ``model.pt`` (a state dict); ``create`` makes one with random weights.
"""

import json
import math
import os

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils import checkpoint as activation_checkpoint

CONFIG_FILE = "prefwork-tiny.json"
WEIGHTS_FILE = "model.pt"
KIND = "prefwork-tiny"

# bytes 0..255, then the special tokens
BOS, EOS, PAD = 256, 257, 258
VOCAB = 259


def is_tiny(folder):
    return os.path.isfile(os.path.join(folder, CONFIG_FILE))


class ByteTokenizer:
    """UTF-8 bytes as tokens: nothing to train, nothing to download, every text round-trips."""

    bos_token_id = BOS
    eos_token_id = EOS
    pad_token_id = PAD
    chat_template = None

    def encode(self, text):
        return list(text.encode("utf-8"))

    def decode(self, ids):
        return bytes(i for i in ids if i < 256).decode("utf-8", errors="replace")

    def describe(self):
        return "bytes"


class Attention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.o_proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        b, t, d = x.shape
        h = self.n_heads

        def heads(y):
            return y.view(b, t, h, d // h).transpose(1, 2)

        q, k, v = heads(self.q_proj(x)), heads(self.k_proj(x)), heads(self.v_proj(x))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // h)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        scores = scores.masked_fill(causal, float("-inf"))
        y = torch.softmax(scores.float(), dim=-1).to(v.dtype) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = Attention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.up_proj = nn.Linear(d_model, d_ff)
        self.down_proj = nn.Linear(d_ff, d_model)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.down_proj(F.gelu(self.up_proj(self.ln2(x))))


class TinyCausalLM(nn.Module):
    """Pre-norm transformer decoder. Sequences are right-padded, so the causal mask alone keeps padding out of
    every real token's context (padded positions are masked out of the loss by the caller)."""

    def __init__(self, config):
        super().__init__()
        self.config = dict(config)
        d = config["d_model"]
        self.embed = nn.Embedding(config["vocab_size"], d)
        self.positions = nn.Embedding(config["max_positions"], d)
        self.blocks = nn.ModuleList(Block(d, config["n_heads"], config["d_ff"]) for _ in range(config["n_layers"]))
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, config["vocab_size"], bias=False)
        self.gradient_checkpointing = False

    @property
    def max_positions(self):
        return self.config["max_positions"]

    def forward(self, input_ids, attention_mask=None):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device)
        x = self.embed(input_ids) + self.positions(pos)[None]
        for block in self.blocks:
            if self.gradient_checkpointing and self.training and torch.is_grad_enabled():
                x = activation_checkpoint.checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        return self.lm_head(self.ln_f(x))


def default_config(**overrides):
    c = {"kind": KIND, "vocab_size": VOCAB, "d_model": 48, "n_layers": 2, "n_heads": 4, "d_ff": 128,
         "max_positions": 1024, "tokenizer": "bytes"}
    c.update(overrides)
    return c


def create(folder, seed=0, **overrides):
    """Writes a tiny model with random weights into ``folder`` (created if needed); returns the folder."""
    config = default_config(**overrides)
    torch.manual_seed(seed)
    model = TinyCausalLM(config)
    save(model, folder)
    return folder


def save(model, folder):
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, WEIGHTS_FILE + ".tmp")
    torch.save(model.state_dict(), tmp)
    os.replace(tmp, os.path.join(folder, WEIGHTS_FILE))
    tmp = os.path.join(folder, CONFIG_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(model.config, f, indent=2)
    os.replace(tmp, os.path.join(folder, CONFIG_FILE))


def load(folder, device="cpu"):
    with open(os.path.join(folder, CONFIG_FILE), encoding="utf-8") as f:
        config = json.load(f)
    if config.get("kind") != KIND:
        raise ValueError("%s: 'kind' must be %r" % (os.path.join(folder, CONFIG_FILE), KIND))
    model = TinyCausalLM(config)
    state = torch.load(os.path.join(folder, WEIGHTS_FILE), map_location="cpu")
    model.load_state_dict(state)
    return model.to(device)


def parameter_count(folder):
    with open(os.path.join(folder, CONFIG_FILE), encoding="utf-8") as f:
        c = json.load(f)
    return sum(p.numel() for p in TinyCausalLM(c).parameters())
