"""The run's ``config.json``: every setting with its default, checked before anything is loaded.

Names follow TRL's ``DPOConfig`` / Hugging Face ``TrainingArguments`` where those have one, so a data scientist
recognises them; ``precision``, ``method``, the ``lora_*`` fields, ``eval_fraction`` and ``device`` are ours.
"""

import json
import math
import os

LOSS_TYPES = ("sigmoid", "ipo", "hinge")
METHODS = ("lora", "full")
PRECISIONS = ("bf16", "fp16", "fp32")
DEVICES = ("auto", "cpu", "cuda")

DEFAULTS = {
    "model": None,                      # a model folder: transformers (config.json) or prefwork-tiny.json
    "method": "lora",                   # lora: reference = adapter disabled; full: a frozen reference copy
    "lora_r": 16,
    "lora_alpha": 32,
    "lora_dropout": 0.05,
    "lora_target_modules": None,        # None: peft's default for the architecture (tiny model: q, k, v, o)
    "merge_adapter": False,             # also write merged full weights next to the adapter
    "loss_type": "sigmoid",
    "beta": 0.1,
    "label_smoothing": 0.0,             # sigmoid only (conservative DPO)
    "learning_rate": 5e-6,
    "weight_decay": 0.0,
    "warmup_ratio": 0.1,
    "warmup_steps": 0,                  # > 0 overrides warmup_ratio
    "num_train_epochs": 1,
    "max_steps": -1,                    # > 0 overrides num_train_epochs
    "per_device_train_batch_size": 4,
    "per_device_eval_batch_size": 8,
    "gradient_accumulation_steps": 1,
    "max_length": 1024,                 # prompt + completion, in tokens
    "max_prompt_length": 512,           # the prompt keeps its last tokens when longer
    "max_grad_norm": 1.0,
    "precision": "bf16",                # bf16 / fp16 on CUDA; on CPU fp16 falls back to fp32
    "gradient_checkpointing": False,
    "seed": 42,
    "logging_steps": 10,
    "eval_steps": 100,                  # 0: evaluate only at the end
    "save_steps": 500,                  # 0: checkpoint only when stopped
    "eval_fraction": 0.1,               # held-out share of the pairs when there is no data/eval.jsonl
    "precompute_ref_log_probs": True,   # compute the reference once, cache it in the run folder
    "reference_cache_from": [],         # other run folders whose cached reference log-probs may be reused
    "device": "auto",
}


class ConfigError(ValueError):
    """A bad setting; the message names the file and the field."""


def load(run_dir):
    path = os.path.join(run_dir, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        raise ConfigError("%s: not found" % path)
    except json.JSONDecodeError as e:
        raise ConfigError("%s: line %d: not valid JSON: %s" % (path, e.lineno, e.msg))
    if not isinstance(raw, dict):
        raise ConfigError("%s: must hold one JSON object" % path)
    return validate(raw, path)


def validate(raw, where="config.json"):
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise ConfigError("%s: unknown field '%s'" % (where, unknown[0]))
    c = dict(DEFAULTS)
    c.update(raw)

    def bad(field, why):
        raise ConfigError("%s: field '%s' %s (it is %r)" % (where, field, why, c[field]))

    def number(field, lo=None, hi=None, integer=False, lo_open=False):
        v = c[field]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
            bad(field, "must be a number")
        if integer and int(v) != v:
            bad(field, "must be a whole number")
        if lo is not None and (v <= lo if lo_open else v < lo):
            bad(field, "must be %s %s" % (">" if lo_open else ">=", lo))
        if hi is not None and v > hi:
            bad(field, "must be <= %s" % hi)
        c[field] = int(v) if integer else float(v)

    if not isinstance(c["model"], str) or not c["model"]:
        bad("model", "must name a model folder")
    for field, choices in (("method", METHODS), ("loss_type", LOSS_TYPES), ("precision", PRECISIONS), ("device", DEVICES)):
        if c[field] not in choices:
            bad(field, "must be one of " + ", ".join(choices))
    number("lora_r", 1, integer=True)
    number("lora_alpha", 0, lo_open=True)
    number("lora_dropout", 0, 0.9)
    number("beta", 0, lo_open=True)
    number("label_smoothing", 0, 0.49)
    number("learning_rate", 0, lo_open=True)
    number("weight_decay", 0)
    number("warmup_ratio", 0, 1)
    number("warmup_steps", 0, integer=True)
    number("num_train_epochs", 0, lo_open=True)
    number("max_steps", -1, integer=True)
    number("per_device_train_batch_size", 1, integer=True)
    number("per_device_eval_batch_size", 1, integer=True)
    number("gradient_accumulation_steps", 1, integer=True)
    number("max_length", 8, integer=True)
    number("max_prompt_length", 1, integer=True)
    number("max_grad_norm", 0)
    number("seed", 0, integer=True)
    number("logging_steps", 1, integer=True)
    number("eval_steps", 0, integer=True)
    number("save_steps", 0, integer=True)
    number("eval_fraction", 0, 0.5)
    for field in ("merge_adapter", "gradient_checkpointing", "precompute_ref_log_probs"):
        if not isinstance(c[field], bool):
            bad(field, "must be true or false")
    targets = c["lora_target_modules"]
    if targets is not None and not (isinstance(targets, str) or (isinstance(targets, list) and all(isinstance(t, str) for t in targets))):
        bad("lora_target_modules", "must be null, a name, or a list of module names")
    if not isinstance(c["reference_cache_from"], list) or not all(isinstance(p, str) for p in c["reference_cache_from"]):
        bad("reference_cache_from", "must be a list of folders")
    if c["max_prompt_length"] >= c["max_length"]:
        bad("max_prompt_length", "must be smaller than max_length (%d)" % c["max_length"])
    if c["loss_type"] != "sigmoid" and c["label_smoothing"] > 0:
        bad("label_smoothing", "only applies to loss_type sigmoid")
    return c
