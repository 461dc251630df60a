"""Sampling responses from a finished run's models: the base it started from, or the tuned model in ``final/``.

``python -m prefwork_trainer --generate <run> --prompts prompts.jsonl --which base|tuned [--n 1] [--seed 0]``
reads one prompt per line (``{"id": "...", "prompt": "..."}``; the prompt a string or a role/content message
list) and prints one JSON object per prompt, flushed at once, in input order:
``{"id": ..., "responses": ["...", ...], "tokens": [..], "seconds": s}``, framed by ``{"event": "start", ...}``
and ``{"event": "end", "status": "finished"|"cancelled", "prompts": k}``. SIGTERM/SIGINT stop after the current
prompt (exit code 3). Sampling is seeded per prompt (``seed`` + the prompt's line number), so the same input
gives the same responses whether it runs whole or resumed from a later line.

Prompts are formatted as the trainer formats them for training: a string as it is, after BOS; a message list
through the tokenizer's chat template (or ``role: content`` lines) with the assistant's turn opened.
"""

import json
import os
import sys
import time
import traceback

import torch

from . import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_FINISHED, EXIT_STOPPED
from . import config as configs
from . import data, tiny
from .stream import Stream

WHICH = ("base", "tuned")


class GenerateError(ValueError):
    """Bad input: the message names the file, line or field."""


def read_prompts(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = "%s: line %d" % (path, n)
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise GenerateError("%s: not valid JSON: %s" % (where, e.msg))
            if not isinstance(obj, dict) or "prompt" not in obj:
                raise GenerateError("%s: field 'prompt' is missing" % where)
            p = obj["prompt"]
            if not isinstance(p, (str, list)) or not p:
                raise GenerateError("%s: field 'prompt' must be a non-empty string or a list of messages" % where)
            out.append((obj.get("id", n), p))
    return out


def _model_paths(run_dir, cfg, which, model_override):
    """(base model folder, tuned artifact or None) for the run."""
    base = model_override or cfg["model"]
    if not os.path.isabs(base) and os.path.exists(os.path.join(run_dir, base)):
        base = os.path.join(run_dir, base)
    if which == "base":
        return base, None
    final = os.path.join(run_dir, "final")
    if not os.path.isdir(final):
        raise GenerateError("%s: the run has no final/ model (it has not finished)" % run_dir)
    return base, final


class _Sampler:
    """Loads one model and samples from it: the tiny model with its own loop, a transformers model with generate()."""

    def __init__(self, run_dir, cfg, which, model_override):
        base, final = _model_paths(run_dir, cfg, which, model_override)
        torch.set_num_threads(max(1, int(os.environ.get("OMP_NUM_THREADS", "0")) or torch.get_num_threads()))
        if tiny.is_tiny(base):
            self.kind = "tiny"
            # the tiny model's final/ holds the merged weights, loadable as a tiny model again
            folder = final if final is not None else base
            if not tiny.is_tiny(folder):
                raise GenerateError("%s holds no tiny model weights" % folder)
            self.model = tiny.load(folder, "cpu").eval()
            self.tok = tiny.ByteTokenizer()
            self.describe = "prefwork-tiny (%s)" % which
        else:
            self._load_transformers(base, final, cfg)
        self.encoder = data.PairEncoder(self.tok, cfg["max_length"], cfg["max_prompt_length"])

    def _load_transformers(self, base, final, cfg):
        from .models import MissingDependency, _HfTokenizer
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise MissingDependency("%s is not a prefwork tiny model, so it needs transformers" % base)
        self.kind = "transformers"
        device = torch.device("cuda" if torch.cuda.is_available() and cfg["device"] != "cpu" else "cpu")
        dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
        path = base
        adapter = None
        if final is not None:
            if os.path.isdir(os.path.join(final, "merged")):
                path = os.path.join(final, "merged")
            elif os.path.isdir(os.path.join(final, "model")):
                path = os.path.join(final, "model")
            elif os.path.isdir(os.path.join(final, "adapter")):
                adapter = os.path.join(final, "adapter")
            else:
                raise GenerateError("%s: no merged/, model/ or adapter/ folder" % final)
        hf_tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        if hf_tok.pad_token_id is None:
            hf_tok.pad_token = hf_tok.eos_token
        model = AutoModelForCausalLM.from_pretrained(path, torch_dtype=dtype, local_files_only=True)
        if adapter is not None:
            try:
                import peft
            except ImportError:
                raise MissingDependency("the tuned model is a LoRA adapter, which needs peft: `pip install peft`")
            model = peft.PeftModel.from_pretrained(model, adapter)
        self.model = model.to(device).eval()
        self.device = device
        self.hf_tok = hf_tok
        self.tok = _HfTokenizer(hf_tok)
        self.describe = os.path.basename(os.path.normpath(path)) + (" + adapter" if adapter else "")

    def prompt_ids(self, prompt):
        text = prompt if isinstance(prompt, str) else self.encoder._template(prompt, True)
        ids = self.tok.encode(text)
        bos = getattr(self.tok, "bos_token_id", None)
        if bos is not None and (not ids or ids[0] != bos):
            ids = [bos] + ids
        return ids[-self.encoder.max_prompt_length:]

    def sample(self, prompt, n, max_new_tokens, temperature, top_p, seed):
        ids = self.prompt_ids(prompt)
        gen = torch.Generator().manual_seed(seed)
        if self.kind == "tiny":
            return [self._sample_tiny(ids, max_new_tokens, temperature, top_p, gen) for _ in range(n)]
        torch.manual_seed(seed)
        inp = torch.tensor([ids], device=self.device)
        with torch.no_grad():
            out = self.model.generate(input_ids=inp, attention_mask=torch.ones_like(inp), do_sample=temperature > 0,
                                      temperature=max(temperature, 1e-5), top_p=top_p, max_new_tokens=max_new_tokens,
                                      num_return_sequences=n, pad_token_id=self.hf_tok.pad_token_id)
        res = []
        for row in out:
            new = row[len(ids):].tolist()
            res.append((self.hf_tok.decode(new, skip_special_tokens=True), len(new)))
        return res

    def _sample_tiny(self, ids, max_new_tokens, temperature, top_p, gen):
        limit = self.model.max_positions
        seq = list(ids)
        new = []
        with torch.no_grad():
            for _ in range(max_new_tokens):
                if len(seq) >= limit:
                    break
                logits = self.model(torch.tensor([seq]))[0, -1].float()
                logits[tiny.PAD] = float("-inf")
                logits[tiny.BOS] = float("-inf")
                t = _pick(logits, temperature, top_p, gen)
                if t == tiny.EOS:
                    break
                seq.append(t)
                new.append(t)
        return self.tok.decode(new), len(new)


def _pick(logits, temperature, top_p, gen):
    """Greedy at temperature 0, else nucleus sampling (the smallest set of tokens holding top_p of the mass)."""
    if temperature <= 0:
        return int(torch.argmax(logits))
    probs = torch.softmax(logits / temperature, dim=-1)
    if top_p < 1.0:
        sp, order = torch.sort(probs, descending=True)
        keep = torch.cumsum(sp, dim=-1) - sp < top_p
        keep[0] = True
        probs = torch.zeros_like(probs).scatter(0, order[keep], sp[keep])
        probs = probs / probs.sum()
    return int(torch.multinomial(probs, 1, generator=gen))


def run(run_dir, prompts_path, which, n=1, seed=0, max_new_tokens=128, temperature=0.7, top_p=0.95,
        model_override=None, out=None, flag=None):
    """Writes responses for every prompt; returns the exit code. ``flag``: a StopFlag (train.StopFlag) or None."""
    from .train import StopFlag
    if flag is None:
        flag = StopFlag()
        flag.install()
    stream = Stream(out)
    run_dir = os.path.abspath(run_dir)
    try:
        if which not in WHICH:
            raise GenerateError("--which must be base or tuned, not %r" % which)
        if n < 1 or max_new_tokens < 1:
            raise GenerateError("--n and --max-new-tokens must be at least 1")
        cfg = configs.load(run_dir)
        prompts = read_prompts(prompts_path)
        t0 = time.monotonic()
        sampler = _Sampler(run_dir, cfg, which, model_override)
        stream.event("start", which=which, model=sampler.describe, prompts=len(prompts), n=n,
                     load_seconds=round(time.monotonic() - t0, 3))
        done = 0
        for i, (pid, prompt) in enumerate(prompts):
            if flag.requested:
                stream.event("end", status="cancelled", prompts=done)
                return EXIT_STOPPED
            t = time.monotonic()
            res = sampler.sample(prompt, n, max_new_tokens, temperature, top_p, seed + i)
            stream.line({"id": pid, "responses": [r[0] for r in res], "tokens": [r[1] for r in res],
                           "seconds": round(time.monotonic() - t, 4)})
            done += 1
        stream.event("end", status="finished", prompts=done)
        return EXIT_FINISHED
    except (GenerateError, configs.ConfigError) as e:
        sys.stderr.write("prefwork_trainer: %s\n" % e)
        stream.event("error", kind="bad_input", message=str(e))
        return EXIT_BAD_INPUT
    except Exception as e:
        traceback.print_exc()
        stream.event("error", kind="error", message="%s: %s" % (type(e).__name__, e))
        return EXIT_FAILED
