"""Preference pairs from the run folder's ``data/*.jsonl`` (TRL's format), tokenised and batched.

Each line is ``{"prompt", "chosen", "rejected"}``: strings ("standard") or role/content message lists
("conversational"; without ``prompt`` the prompt is the conversation chosen and rejected share). Extra fields
(``prompt_id``, scores) are ignored, as TRL does. ``data/eval.jsonl``, when present, is the held-out set;
otherwise ``eval_fraction`` of the pairs is held out (the same ones for the same seed).
"""

import glob
import json
import os
import random

import torch

EVAL_FILE = "eval.jsonl"
MIN_PAIRS_FOR_EVAL_SPLIT = 10


class DataError(ValueError):
    """A bad pair file; the message names file, line and field."""


def _messages(value, where, field):
    if not isinstance(value, list) or not value:
        raise DataError("%s: field '%s' must be a non-empty string or a list of messages" % (where, field))
    for i, m in enumerate(value):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
            raise DataError("%s: field '%s' message %d needs string 'role' and 'content'" % (where, field, i + 1))
    return value


def parse_pair(obj, where):
    """One line's pair as (prompt, chosen, rejected): strings, or message lists for a conversation."""
    if not isinstance(obj, dict):
        raise DataError("%s: must be a JSON object" % where)
    for field in ("chosen", "rejected"):
        if field not in obj or obj[field] is None:
            raise DataError("%s: field '%s' is missing" % (where, field))
    prompt, chosen, rejected = obj.get("prompt"), obj["chosen"], obj["rejected"]
    if prompt is None:
        # implicit prompt: the messages chosen and rejected share
        c, r = _messages(chosen, where, "chosen"), _messages(rejected, where, "rejected")
        n = 0
        while n < min(len(c), len(r)) - 1 and c[n] == r[n]:
            n += 1
        if n == 0:
            raise DataError("%s: field 'prompt' is missing (and chosen and rejected share no prompt messages)" % where)
        return c[:n], c[n:], r[n:]
    if isinstance(prompt, str):
        for field, v in (("prompt", prompt), ("chosen", chosen), ("rejected", rejected)):
            if not isinstance(v, str):
                raise DataError("%s: field '%s' must be a string when the prompt is one" % (where, field))
            if field != "prompt" and not v.strip():
                raise DataError("%s: field '%s' is empty" % (where, field))
        return prompt, chosen, rejected
    return (_messages(prompt, where, "prompt"), _messages(chosen, where, "chosen"),
            _messages(rejected, where, "rejected"))


def read_file(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = "%s: line %d" % (path, n)
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError("%s: not valid JSON: %s" % (where, e.msg))
            pairs.append(parse_pair(obj, where))
    return pairs


def load_pairs(run_dir, eval_fraction, seed):
    """(train pairs, eval pairs, data files read)."""
    data_dir = os.path.join(run_dir, "data")
    files = sorted(glob.glob(os.path.join(data_dir, "*.jsonl")))
    train_files = [f for f in files if os.path.basename(f) != EVAL_FILE]
    if not train_files:
        raise DataError("%s: no pair files (*.jsonl)" % data_dir)
    train = [p for f in train_files for p in read_file(f)]
    if not train:
        raise DataError("%s: the pair files hold no pairs" % data_dir)
    eval_path = os.path.join(data_dir, EVAL_FILE)
    if os.path.isfile(eval_path):
        return train, read_file(eval_path), files
    if eval_fraction <= 0 or len(train) < MIN_PAIRS_FOR_EVAL_SPLIT:
        return train, [], files
    order = list(range(len(train)))
    random.Random(seed).shuffle(order)
    k = max(1, round(len(train) * eval_fraction))
    held = set(order[:k])
    return [p for i, p in enumerate(train) if i not in held], [train[i] for i in sorted(held)], files


# ---- tokenising -------------------------------------------------------------------------------------------

def _plain_chat(messages, generation_prompt):
    text = "".join("%s: %s\n" % (m["role"], m["content"]) for m in messages)
    return text + ("assistant: " if generation_prompt else "")


class PairEncoder:
    """Turns pairs into token ids: prompt ids (with BOS where the tokenizer has one) and completion ids ending in
    EOS, truncated to ``max_length`` in total (the prompt keeps its last ``max_prompt_length`` tokens, then the
    completion is cut at the end)."""

    def __init__(self, tokenizer, max_length, max_prompt_length):
        self.tok = tokenizer
        self.max_length = max_length
        self.max_prompt_length = max_prompt_length

    def _template(self, messages, generation_prompt):
        if getattr(self.tok, "chat_template", None):
            return self.tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
        return _plain_chat(messages, generation_prompt)

    def texts(self, pair):
        prompt, chosen, rejected = pair
        if isinstance(prompt, str):
            return prompt, chosen, rejected
        p = self._template(prompt, True)

        def completion(messages):
            full = self._template(prompt + messages, False)
            if full.startswith(p):
                return full[len(p):]
            return "".join(m["content"] for m in messages)

        return p, completion(chosen), completion(rejected)

    def encode(self, pair):
        p, c, r = self.texts(pair)
        tok = self.tok
        prompt_ids = tok.encode(p)
        bos = getattr(tok, "bos_token_id", None)
        if bos is not None and (not prompt_ids or prompt_ids[0] != bos):
            prompt_ids = [bos] + prompt_ids
        eos = tok.eos_token_id
        out = {}
        for name, text in (("chosen", c), ("rejected", r)):
            ids = tok.encode(text) + [eos]
            pr = prompt_ids
            if len(pr) + len(ids) > self.max_length:
                if len(pr) > self.max_prompt_length:
                    pr = pr[-self.max_prompt_length:]
                ids = ids[: max(1, self.max_length - len(pr))]
            out[name] = (pr, ids)
        return out


def collate(encoded, pad_id):
    """A batch of B encoded pairs as 2B sequences, chosen first then rejected, right-padded: input_ids, the
    completion mask and the number of real tokens."""
    seqs = [e["chosen"] for e in encoded] + [e["rejected"] for e in encoded]
    width = max(len(p) + len(c) for p, c in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    attention = torch.zeros((len(seqs), width), dtype=torch.long)
    tokens = 0
    for i, (p, c) in enumerate(seqs):
        n = len(p) + len(c)
        ids[i, :n] = torch.tensor(p + c, dtype=torch.long)
        mask[i, len(p):n] = 1
        attention[i, :n] = 1
        tokens += n
    return {"input_ids": ids, "loss_mask": mask, "attention_mask": attention, "tokens": tokens}
