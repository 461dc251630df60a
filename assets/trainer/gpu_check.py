"""The GPU check: the trainer's CUDA path on a small transformers Llama-style model, in one command.

    python3 assets/trainer/gpu_check.py                # on a machine with a CUDA GPU, torch, transformers, peft
    python3 assets/trainer/gpu_check.py --tiny         # the same flow on the CPU with the tiny model (a smoke test)

Builds a LlamaForCausalLM from a config (random weights: nothing can be downloaded) and a byte-level BPE
tokenizer trained on the fly on synthetic text, writes synthetic preference pairs, and runs the real trainer
(``python -m prefwork_trainer --run``) for a few hundred DPO steps in bf16 -- LoRA, then full fine-tuning --
reading its metric stream. As the baseline, in the same process, a bare loop runs the same forward/backward/
optimizer work on the same model and batches, without the trainer. Prints one JSON summary per case and a
Markdown table for docs/BENCHMARKS.md: tokens/s (trainer and baseline, and their ratio), peak GPU memory,
step time, and whether the DPO margin grew.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

WORDS = ("policy travel hotel booking expense claim receipt approval manager flight train taxi meal budget limit "
         "office workshop holiday leave parental payroll laptop password security incident report desk form "
         "deadline week month day night city rate cap economy business class director finance team").split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def synthetic_pairs(n, seed=0):
    rng = random.Random(seed)
    pairs = []
    for i in range(n):
        topic = sentence(rng, 6)
        pairs.append({
            "prompt": "Question %d about the %s: what does the handbook say?" % (i, topic),
            "chosen": "According to the handbook, %s. In short: %s." % (sentence(rng, 40), sentence(rng, 12)),
            "rejected": "Not sure, maybe %s." % sentence(rng, 8),
        })
    return pairs


def build_llama(folder, vocab_size, hidden, layers, heads, intermediate, max_positions, corpus):
    """A Llama-style model with random weights and a BPE tokenizer trained on ``corpus``, saved to ``folder``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    special = ["<s>", "</s>", "<pad>"]
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    fast.save_pretrained(folder)
    config = LlamaConfig(vocab_size=len(fast), hidden_size=hidden, intermediate_size=intermediate,
                         num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=heads,
                         max_position_embeddings=max_positions, bos_token_id=fast.bos_token_id,
                         eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id)
    model = LlamaForCausalLM(config)
    model.save_pretrained(folder, safe_serialization=True)
    return sum(p.numel() for p in model.parameters())


def write_run(base, name, model, pairs, **config):
    run = os.path.join(base, name)
    os.makedirs(os.path.join(run, "data"), exist_ok=True)
    with open(os.path.join(run, "data", "train.jsonl"), "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p) + "\n")
    with open(os.path.join(run, "config.json"), "w", encoding="utf-8") as f:
        json.dump(dict(config, model=model), f, indent=2)
    return run


def run_trainer(run, timeout):
    env = dict(os.environ, PYTHONPATH=HERE + os.pathsep + os.environ.get("PYTHONPATH", ""), PYTHONUNBUFFERED="1")
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "prefwork_trainer", "--run", run], env=env, capture_output=True,
                       text=True, timeout=timeout)
    wall = time.monotonic() - t0
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise SystemExit("the trainer failed (exit %d) on %s" % (p.returncode, run))
    return lines, wall


def baseline(model_dir, pairs, cfg, steps, device, tiny_model):
    """The same work as the trainer's step -- one concatenated forward pass, log-softmax over the completion,
    the DPO loss against fixed reference values, backward, clip, AdamW -- in a bare loop."""
    import torch

    from prefwork_trainer import data, losses, models

    policy = models.load(dict(cfg, model=model_dir), device, need_reference_model=False)
    enc = data.PairEncoder(policy.tokenizer, cfg["max_length"], cfg["max_prompt_length"])
    encoded = [enc.encode((p["prompt"], p["chosen"], p["rejected"])) for p in pairs]
    pad = policy.tokenizer.pad_token_id
    params = policy.trainable_parameters()
    opt = torch.optim.AdamW(params, lr=cfg["learning_rate"])
    bs = cfg["per_device_train_batch_size"]
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if device.type == "cuda" else __import__("contextlib").nullcontext
    tokens = 0
    timed_from = 3  # warm-up steps (allocator, kernels) are not timed
    t0 = None
    for step in range(steps + timed_from):
        if step == timed_from:
            if device.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.monotonic()
            tokens = 0
        i = (step * bs) % max(1, len(encoded) - bs)
        batch = data.collate(encoded[i:i + bs], pad)
        ids, att, mask = (batch[k].to(device) for k in ("input_ids", "attention_mask", "loss_mask"))
        with autocast():
            logits = policy.logits(policy.module, ids, att)
        lp, _ = losses.sequence_logps(logits, ids, mask)
        b = ids.shape[0] // 2
        ref = lp.detach()
        loss = losses.dpo_loss(lp[:b], lp[b:], ref[:b] - 1, ref[b:], cfg["beta"])[0].mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens += batch["tokens"]
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.monotonic() - t0
    peak = torch.cuda.max_memory_allocated(device) / 1e9 if device.type == "cuda" else 0.0
    del policy, opt
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    return {"tokens_per_second": tokens / seconds, "step_seconds": seconds / steps, "gpu_memory_gb": peak}


def summarise(name, lines, wall, base):
    start = next(l for l in lines if l.get("event") == "start")
    end = lines[-1]
    points = [l for l in lines if "event" not in l and "loss" in l]
    # the steady state: skip the first fifth of the points (warm-up, allocator growth)
    steady = points[len(points) // 5:] or points
    tps = sum(p["tokens_per_second"] for p in steady) / len(steady)
    out = {
        "case": name,
        "model": start["model"],
        "device": start["device"],
        "gpus": start["gpus"],
        "precision": start["precision"],
        "steps": end["step"],
        "pairs": start["train_pairs"],
        "tokens_per_second": round(tps, 1),
        "baseline_tokens_per_second": round(base["tokens_per_second"], 1),
        "ratio_to_baseline": round(tps / base["tokens_per_second"], 3),
        "gpu_memory_gb": max(p["gpu_memory_gb"] for p in points),
        "baseline_gpu_memory_gb": round(base["gpu_memory_gb"], 3),
        "train_runtime_s": end["train_runtime"],
        "wall_s": round(wall, 1),
        "first_margin": points[0]["rewards/margins"],
        "last_margin": points[-1]["rewards/margins"],
        "last_accuracy": points[-1]["rewards/accuracies"],
        "status": end["status"],
    }
    print(json.dumps(out), flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true", help="CPU smoke test of this script with the tiny model")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--hidden", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep it")
    args = ap.parse_args()

    import torch

    base = args.keep or tempfile.mkdtemp(prefix="prefwork-gpu-check-")
    os.makedirs(base, exist_ok=True)
    device = torch.device("cuda" if torch.cuda.is_available() and not args.tiny else "cpu")
    if not args.tiny and device.type != "cuda":
        raise SystemExit("no CUDA GPU visible to torch %s; use --tiny for the CPU smoke test" % torch.__version__)
    pairs = synthetic_pairs(max(64, args.steps * args.batch // 2))
    model_dir = os.path.join(base, "model")
    t0 = time.monotonic()
    if args.tiny:
        from prefwork_trainer import tiny
        tiny.create(model_dir, d_model=32, n_layers=2, n_heads=2, d_ff=64, max_positions=1024)
        n_params = tiny.parameter_count(model_dir)
    else:
        corpus = [p[k] for p in pairs for k in ("prompt", "chosen", "rejected")]
        n_params = build_llama(model_dir, 8000, args.hidden, args.layers, max(1, args.hidden // 64),
                               int(args.hidden * 2.75) // 64 * 64, 2048, corpus)
    print(json.dumps({"event": "model_built", "parameters": n_params, "seconds": round(time.monotonic() - t0, 1),
                      "torch": torch.__version__,
                      "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None}), flush=True)

    common = dict(precision="bf16", loss_type="sigmoid", beta=0.1, max_steps=args.steps, warmup_ratio=0.05,
                  per_device_train_batch_size=args.batch, per_device_eval_batch_size=args.batch * 2,
                  max_length=args.max_length, max_prompt_length=args.max_length // 4, logging_steps=10,
                  eval_steps=0, save_steps=0, eval_fraction=0.02, seed=1)
    cases = [("lora", dict(common, method="lora", lora_r=16, lora_alpha=32, learning_rate=5e-4)),
             ("full", dict(common, method="full", learning_rate=1e-5))]
    results = []
    for name, cfg in cases:
        run = write_run(base, "run-" + name, model_dir, pairs, **cfg)
        lines, wall = run_trainer(run, timeout=540)
        from prefwork_trainer import config as configs
        base_figures = baseline(model_dir, pairs[: 20 * args.batch], configs.validate(dict(cfg, model=model_dir)),
                                min(args.steps, 50), device, args.tiny)
        results.append(summarise(name, lines, wall, base_figures))

    print()
    print("| case | model | GPU | steps | tokens/s (trainer) | tokens/s (bare loop) | ratio | peak GPU memory | margin first → last |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        print("| %s | %s | %s | %d | %.0f | %.0f | %.2f | %.2f GB | %.3f → %.3f |" % (
            r["case"], r["model"], ", ".join(r["gpus"]) or r["device"], r["steps"], r["tokens_per_second"],
            r["baseline_tokens_per_second"], r["ratio_to_baseline"], r["gpu_memory_gb"], r["first_margin"],
            r["last_margin"]))


if __name__ == "__main__":
    main()
