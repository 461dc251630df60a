#!/usr/bin/env python3
"""Builds the tiny causal language model the generation tests run: a 2-layer GPT-style decoder in torch with
random weights from a fixed seed, a hand-written WordLevel tokenizer.json, and a generation_config.json,
exported to ONNX in the layout Hugging Face optimum uses for decoders. Writes, under
modules/inference/src/test/resources/tiny-lm/:

  with-past/   model.onnx with KV-cache inputs and outputs: input_ids, attention_mask, position_ids,
               past_key_values.{i}.key / .value  ->  logits, present.{i}.key / .value
  no-past/     the same weights exported without the cache: input_ids, attention_mask, position_ids -> logits
  expected.json  what torch computes here (no ONNX Runtime involved): the prompts' token ids, greedy
               continuations and the last-position logits of every step, computed without a cache

Both folders hold the same tokenizer.json, generation_config.json and config.json (64 positions), so each is a
complete model folder.

Regenerate (Debian: apt-get install python3-torch python3-onnx; /usr/bin/python3, not a pyenv python):
  /usr/bin/python3 modules/inference/src/test/python/make_tiny_lm.py
A larger model of the same shape for the benchmark (not committed; see bench/README.md):
  /usr/bin/python3 modules/inference/src/test/python/make_tiny_lm.py --bench /tmp/bench-lm
"""
import argparse
import json
import math
import os
import re

import onnx
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "tiny-lm")

SPECIAL = ["<pad>", "<s>", "</s>", "<unk>"]
WORDS = ["the", "a", "answer", "is", "question", "what", "how", "do", "i", "it", "you", "we", "can", "will",
         "good", "bad", "great", "code", "story", "tell", "me", "about", "write", "python", "list", "sort",
         "function", "returns", "and", "or", "not", "yes", "no", "because", "then", "first", "next",
         "?", ".", ",", "!", ":"]
VOCAB = {tok: i for i, tok in enumerate(SPECIAL + WORDS)}
PAD, BOS, EOS, UNK = (VOCAB[t] for t in SPECIAL)
EOS_BIAS = 0.6


def tokenizer_json(vocab):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in SPECIAL],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        # like Llama's tokenizer: a BOS token before every text
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [BOS], "tokens": ["<s>"]}},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"},
    }


def tokenize(text, vocab):
    """What the tokenizer.json above does: lowercase, split on \\w+|[^\\w\\s]+, look up, <unk> otherwise; BOS first."""
    return [BOS] + [vocab.get(w, UNK) for w in re.findall(r"\w+|[^\w\s]+", text.lower())]


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def split(self, t):
        b, s, _ = t.shape
        return t.view(b, s, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_add, past_k, past_v):
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        q, k, v = self.split(q), self.split(k), self.split(v)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + mask_add, dim=-1)
        out = (att @ v).transpose(1, 2).reshape(x.shape)
        x = x + self.proj(out)
        x = x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))
        return x, k, v


class TinyGpt(nn.Module):
    def __init__(self, vocab, d, heads, layers, positions):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """past: None, or a flat list [k0, v0, k1, v1, ...] of [batch, heads, past_len, head_dim]."""
        x = self.wte(input_ids) + self.wpe(position_ids)
        s = input_ids.shape[1]
        total = attention_mask.shape[1]
        # a query at absolute position past_len + i sees keys 0..past_len + i that the attention mask keeps
        qpos = torch.arange(s) + (total - s)
        kpos = torch.arange(total)
        allowed = (kpos.unsqueeze(0) <= qpos.unsqueeze(1)).unsqueeze(0).unsqueeze(0) \
            & (attention_mask > 0).unsqueeze(1).unsqueeze(2)
        mask_add = torch.where(allowed, torch.zeros(()), torch.full((), -1e9))
        presents = []
        for i, block in enumerate(self.blocks):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, k, v = block(x, mask_add, pk, pv)
            presents += [k, v]
        return self.head(self.ln_f(x)), presents


class WithPast(nn.Module):
    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask, position_ids, *past):
        logits, presents = self.gpt(input_ids, attention_mask, position_ids, list(past))
        return (logits, *presents)


class NoPast(nn.Module):
    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask, position_ids):
        return self.gpt(input_ids, attention_mask, position_ids)[0]


def export(gpt, folder, with_past, vocab, heads, layers, generation_config, positions):
    os.makedirs(folder, exist_ok=True)
    head_dim = gpt.wte.embedding_dim // heads
    ids = torch.tensor([[BOS, vocab.get("what", UNK), vocab.get("is", UNK)]] * 2)
    pos = torch.arange(1, 4).unsqueeze(0).repeat(2, 1)
    mask = torch.ones(2, 4, dtype=torch.long)  # one past position
    names = ["input_ids", "attention_mask", "position_ids"]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total"},
            "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    if with_past:
        past = [torch.randn(2, heads, 1, head_dim) for _ in range(2 * layers)]
        past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
        present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
        for n in past_names:
            axes[n] = {0: "batch", 2: "past_sequence"}
        for n in present_names:
            axes[n] = {0: "batch", 2: "total"}
        module, args, inputs, outputs = WithPast(gpt), (ids, mask, pos, *past), names + past_names, ["logits"] + present_names
    else:
        module, args, inputs, outputs = NoPast(gpt), (ids, mask[:, 1:], pos - 1), names, ["logits"]
    path = os.path.join(folder, "model.onnx")
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=14, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab), f, indent=1)
    with open(os.path.join(folder, "generation_config.json"), "w") as f:
        json.dump(generation_config, f, indent=1)
    # what optimum writes beside the model (the fields a runtime reads: sizes, special tokens, the position limit)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": "tiny-gpt", "vocab_size": len(vocab), "hidden_size": gpt.wte.embedding_dim,
                   "num_attention_heads": heads, "num_hidden_layers": layers, "max_position_embeddings": positions,
                   "bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD, "use_cache": with_past}, f, indent=1)


@torch.no_grad()
def greedy(gpt, prompt_ids, max_new):
    """Greedy decoding without a cache: the whole sequence every step; stops after EOS."""
    ids = list(prompt_ids)
    tokens, logits_per_step = [], []
    for _ in range(max_new):
        t = torch.tensor([ids])
        logits, _ = gpt(t, torch.ones_like(t), torch.arange(len(ids)).unsqueeze(0))
        last = logits[0, -1]
        logits_per_step.append([round(float(v), 6) for v in last])
        nxt = int(torch.argmax(last))
        if nxt == EOS:
            break
        tokens.append(nxt)
        ids.append(nxt)
    return tokens, logits_per_step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", metavar="DIR", help="write a larger model for the benchmark into DIR instead")
    args = ap.parse_args()
    torch.manual_seed(20260301)
    if args.bench:
        # vocabulary padded with placeholder words so the output layer costs what a small real model's does
        vocab = dict(VOCAB)
        for i in range(2000 - len(vocab)):
            vocab[f"w{i}"] = len(vocab)
        gpt = TinyGpt(len(vocab), d=256, heads=4, layers=4, positions=1024).eval()
        export(gpt, args.bench, True, vocab, 4, 4, {"bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD,
                                                    "max_new_tokens": 256}, 1024)
        print("benchmark model written to", args.bench)
        return
    gpt = TinyGpt(len(VOCAB), d=32, heads=2, layers=2, positions=64).eval()
    with torch.no_grad():
        # pad, BOS and <unk> never come out (as in a trained model); EOS often enough that some greedy
        # continuations stop early and the others run to the length limit
        for t in (PAD, BOS, UNK):
            gpt.head.bias[t] -= 6.0
        gpt.head.bias[EOS] += EOS_BIAS
    config = {"bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD, "max_new_tokens": 12,
              "do_sample": True, "temperature": 0.9, "top_p": 0.95}
    export(gpt, os.path.join(OUT, "with-past"), True, VOCAB, 2, 2, config, 64)
    export(gpt, os.path.join(OUT, "no-past"), False, VOCAB, 2, 2, config, 64)
    prompts = ["What is the answer?", "How do I sort a list in python?", "Tell me a story about the code.",
               "yes", "Write a function that returns no"]
    cases = []
    for p in prompts:
        ids = tokenize(p, VOCAB)
        tokens, logits = greedy(gpt, ids, 12)
        cases.append({"prompt": p, "prompt_ids": ids, "greedy_tokens": tokens,
                      "greedy_text": " ".join((SPECIAL + WORDS)[t] for t in tokens),
                      "ended_with_eos": len(tokens) < 12, "step_logits": logits})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"max_new_tokens": 12, "eos": EOS, "vocab_size": len(VOCAB), "cases": cases}, f, indent=1)
    for c in cases:
        print(c["prompt"], "->", c["greedy_text"], "(EOS)" if c["ended_with_eos"] else "")


if __name__ == "__main__":
    main()
