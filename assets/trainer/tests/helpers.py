"""Building run folders for the tests: a tiny model with random weights and a toy preference, nothing downloaded."""

import io
import json
import os
import subprocess
import sys
import tempfile

from prefwork_trainer import tiny, train

TRAINER_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIRED_TRAIN_KEYS = ("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                       "logps/chosen", "logps/rejected", "learning_rate", "grad_norm", "epoch", "step",
                       "tokens_per_second", "gpu_memory_gb")


def make_tiny_model(folder, seed=0):
    return tiny.create(folder, seed=seed, d_model=32, n_layers=2, n_heads=2, d_ff=64, max_positions=256)


def toy_pairs(n):
    """A preference the model can learn quickly: always "Yes" over "No"."""
    return [{"prompt": "Question %d: may I book the %s?" % (i, ["train", "hotel", "taxi", "flight"][i % 4]),
             "chosen": " Yes, book it through the travel desk.",
             "rejected": " No."} for i in range(n)]


def make_run(base, pairs, model=None, **config):
    os.makedirs(base, exist_ok=True)
    run = tempfile.mkdtemp(prefix="run-", dir=base)
    model = model or make_tiny_model(os.path.join(run, "..", "model-" + os.path.basename(run)))
    os.makedirs(os.path.join(run, "data"))
    with open(os.path.join(run, "data", "train.jsonl"), "w", encoding="utf-8") as f:
        for p in pairs:
            f.write((p if isinstance(p, str) else json.dumps(p)) + "\n")
    c = {"model": os.path.abspath(model), "method": "lora", "lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0,
         "learning_rate": 1e-2, "warmup_ratio": 0.0, "max_steps": 10, "per_device_train_batch_size": 4,
         "logging_steps": 1, "eval_steps": 5, "max_length": 96, "max_prompt_length": 48, "precision": "fp32",
         "seed": 1}
    c.update(config)
    with open(os.path.join(run, "config.json"), "w", encoding="utf-8") as f:
        json.dump(c, f)
    return run


def parse(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def train_in_process(run, resume=False):
    """(exit code, parsed lines) of the trainer run in this process (saves a torch import per run)."""
    out = io.StringIO()
    code = train.run(run, resume=resume, out=out)
    return code, parse(out.getvalue())


def trainer_command(run, *extra):
    return [sys.executable, "-m", "prefwork_trainer", "--run", run] + list(extra)


def trainer_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = TRAINER_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run_trainer(run, *extra, timeout=120):
    p = subprocess.run(trainer_command(run, *extra), env=trainer_env(), capture_output=True, text=True, timeout=timeout)
    return p.returncode, parse(p.stdout), p.stderr


def metrics(lines):
    return [l for l in lines if "event" not in l and "loss" in l]


def evals(lines):
    return [l for l in lines if "event" not in l and "eval_loss" in l]


def events(lines, name):
    return [l for l in lines if l.get("event") == name]
