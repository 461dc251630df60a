"""Trainer benchmarks on the CPU with the tiny model (docs/BENCHMARKS.md, "Training"):

1. the trainer's tokens/s against a bare loop doing the same forward/backward/optimizer work on the same model
   and batches, in the same run (the trainer's own overhead: data, metrics, the stream);
2. the reference log-probs computed against read back from another run's cache (huggingface/trl#3985).

    /usr/bin/python3 bench/python/trainer_bench.py [--pairs 500] [--steps 100]

The GPU figures come from assets/trainer/gpu_check.py on a machine with CUDA.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINER = os.path.join(HERE, "..", "..", "assets", "trainer")
sys.path.insert(0, os.path.abspath(TRAINER))

import gpu_check  # noqa: E402  (the GPU check's run-folder helpers and bare-loop baseline)


def run(run_dir):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(TRAINER), PYTHONUNBUFFERED="1")
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "prefwork_trainer", "--run", run_dir], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(p.stderr[-3000:])
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")], time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--steps", type=int, default=100)
    args = ap.parse_args()
    import torch
    from prefwork_trainer import config as configs
    from prefwork_trainer import tiny

    base = tempfile.mkdtemp(prefix="prefwork-trainer-bench-")
    model = os.path.join(base, "model")
    tiny.create(model, d_model=64, n_layers=2, n_heads=4, d_ff=256, max_positions=256)
    pairs = gpu_check.synthetic_pairs(args.pairs)
    common = dict(precision="fp32", method="lora", lora_r=8, lora_alpha=16, learning_rate=1e-3, warmup_ratio=0.0,
                  per_device_train_batch_size=4, per_device_eval_batch_size=16, max_length=256, max_prompt_length=64,
                  logging_steps=10, eval_steps=0, save_steps=0, eval_fraction=0.0, seed=1)

    # 1. throughput: trainer vs bare loop
    first = gpu_check.write_run(base, "throughput", model, pairs, max_steps=args.steps, **common)
    lines, wall = run(first)
    points = [l for l in lines if "event" not in l and "loss" in l]
    steady = points[len(points) // 5:] or points
    trainer_tps = sum(p["tokens_per_second"] for p in steady) / len(steady)
    cfg = configs.validate(dict(common, model=model, max_steps=args.steps))
    bare = gpu_check.baseline(model, pairs[:400], cfg, min(args.steps, 60), torch.device("cpu"), True)
    ref_computed = next(l for l in lines if l.get("event") == "reference")

    # 2. the reference cache: a second run on the same pairs and model reads the first one's
    second = gpu_check.write_run(base, "cached", model, pairs, max_steps=1, reference_cache_from=[first], **common)
    lines2, wall2 = run(second)
    ref_cached = next(l for l in lines2 if l.get("event") == "reference")

    print("Measured %s · %s · %d CPUs · Python %s · torch %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
          platform.processor() or platform.machine(), os.cpu_count(), platform.python_version(), torch.__version__))
    print("Model: the tiny test model (%s parameters, d 64, 2 layers), LoRA r 8, batch 4 pairs, max length 256; %d synthetic pairs."
          % (format(tiny.parameter_count(model), ","), args.pairs))
    print()
    print("| Measure | Trainer | Baseline (same run) | Ratio |")
    print("|---|---:|---:|---:|")
    print("| tokens/s, steady state (%d steps; baseline: bare loop, same model and batches) | %.0f | %.0f | %.2f |"
          % (args.steps, trainer_tps, bare["tokens_per_second"], trainer_tps / bare["tokens_per_second"]))
    print("| reference log-probs for %d pairs: read from another run's cache vs computed | %.3f s | %.2f s | %.3f |"
          % (args.pairs, ref_cached["seconds"], ref_computed["seconds"], ref_cached["seconds"] / max(ref_computed["seconds"], 1e-9)))
    print()
    print("Wall time of the first run (start, reference, %d steps, final model): %.1f s; of the second (cache, 1 step): %.1f s."
          % (args.steps, wall, wall2))


if __name__ == "__main__":
    main()
