"""Checkpoints in ``<run>/checkpoints/last``: the trainable weights (the adapter under LoRA), optimizer,
scheduler and random states, and ``trainer_state.json`` (the step). Written into a temporary folder and
renamed into place, so a kill at any moment leaves the previous checkpoint or the new one, never half of one.
"""

import json
import os
import random
import shutil

import torch

DIR = "checkpoints"
LAST = "last"
STATE_FILE = "trainer_state.json"


def path(run_dir):
    return os.path.join(run_dir, DIR, LAST)


def save(run_dir, step, total_steps, epoch, trainable, optimizer, scheduler, scaler):
    base = os.path.join(run_dir, DIR)
    os.makedirs(base, exist_ok=True)
    tmp = os.path.join(base, ".tmp-%d" % step)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    torch.save(trainable, os.path.join(tmp, "trainable.pt"))
    torch.save({
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "torch_rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
        "python_rng": random.getstate(),
    }, os.path.join(tmp, "optimizer.pt"))
    with open(os.path.join(tmp, STATE_FILE), "w", encoding="utf-8") as f:
        json.dump({"step": step, "total_steps": total_steps, "epoch": epoch}, f)
    for name in os.listdir(tmp):
        with open(os.path.join(tmp, name), "rb") as f:
            os.fsync(f.fileno())
    last = os.path.join(base, LAST)
    old = os.path.join(base, LAST + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if os.path.isdir(last):
        os.replace(last, old)
    os.replace(tmp, last)
    shutil.rmtree(old, ignore_errors=True)
    return last


def find(run_dir):
    """The newest complete checkpoint folder, or None."""
    base = os.path.join(run_dir, DIR)
    for name in (LAST, LAST + ".old"):  # .old: killed between the two renames
        p = os.path.join(base, name)
        if os.path.isfile(os.path.join(p, STATE_FILE)):
            return p
    return None


def step_of(folder):
    with open(os.path.join(folder, STATE_FILE), encoding="utf-8") as f:
        return int(json.load(f)["step"])


def torch_load(p):
    """Loads a file this trainer wrote (trusted: it holds Python random state, which torch >= 2.6's default
    weights_only loading refuses)."""
    try:
        return torch.load(p, map_location="cpu", weights_only=False)
    except TypeError:  # torch before 1.13 has no weights_only
        return torch.load(p, map_location="cpu")


def load(folder):
    with open(os.path.join(folder, STATE_FILE), encoding="utf-8") as f:
        state = json.load(f)
    state["trainable"] = torch_load(os.path.join(folder, "trainable.pt"))
    state.update(torch_load(os.path.join(folder, "optimizer.pt")))
    return state


def restore_rng(state):
    torch.set_rng_state(state["torch_rng"])
    if state.get("cuda_rng") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    random.setstate(state["python_rng"])


def remove(run_dir):
    shutil.rmtree(os.path.join(run_dir, DIR), ignore_errors=True)
