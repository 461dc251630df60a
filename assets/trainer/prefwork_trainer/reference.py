"""Reference log-probs computed once per pair set and cached in the run folder (``reference_logps.json``).

The cache is keyed by a fingerprint of what determines the values: the model files, the pair files, the
train/eval split, the truncation lengths, whether log-probs are length-averaged (IPO), the precision and the
trainer version. A resumed run reads it back; a new run on the same pairs and model can reuse another run's
cache (``reference_cache_from``), which TRL cannot (huggingface/trl#3985). A cache whose fingerprint differs
is ignored and the values are computed again.
"""

import hashlib
import json
import os
import time

import torch

from . import __version__

CACHE_FILE = "reference_logps.json"
_HEAD = 4 << 20      # hash the first 4 MiB of big weight files (with their size): hashing 15 GB would take minutes
_WHOLE = 64 << 20    # files up to this size are hashed whole


def _file_digest(path, h):
    size = os.path.getsize(path)
    h.update(("%s:%d;" % (os.path.basename(path), size)).encode())
    with open(path, "rb") as f:
        if size <= _WHOLE:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        else:
            h.update(f.read(_HEAD))


def model_identity(path, h):
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            p = os.path.join(path, name)
            if os.path.isfile(p):
                _file_digest(p, h)
    else:
        h.update(("hub:" + path).encode())


def fingerprint(config, data_files, precision_used):
    h = hashlib.sha256()
    h.update(("prefwork_trainer %s;" % __version__).encode())
    model_identity(config["model"], h)
    for f in data_files:
        _file_digest(f, h)
    for k in ("max_length", "max_prompt_length", "eval_fraction", "seed"):
        h.update(("%s=%r;" % (k, config[k])).encode())
    h.update(("average=%s;precision=%s" % (config["loss_type"] == "ipo", precision_used)).encode())
    return h.hexdigest()


def read_cache(folders, fp, n_train, n_eval):
    for folder in folders:
        p = os.path.join(folder, CACHE_FILE)
        try:
            with open(p, encoding="utf-8") as f:
                c = json.load(f)
        except (OSError, ValueError):
            continue
        if c.get("fingerprint") == fp and len(c.get("train", [])) == n_train and len(c.get("eval", [])) == n_eval:
            return c, p
    return None, None


def write_cache(run_dir, fp, train, evals):
    p = os.path.join(run_dir, CACHE_FILE)
    tmp = p + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"fingerprint": fp, "train": train, "eval": evals}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)
    return p


def compute(pairs, forward, batch_size, rank, world, stop_requested):
    """[[chosen, rejected], ...] for ``pairs`` (encoded), this rank's share computed here and gathered from
    the others. ``forward(batch_of_encoded) -> (chosen tensor, rejected tensor)``. None when stopped."""
    mine = list(range(rank, len(pairs), world))
    per_rank = -(-len(pairs) // world)
    local = {}
    # the same number of iterations on every rank: stop_requested() is a collective call under DDP
    for b in range(-(-per_rank // batch_size)):
        if stop_requested():
            return None
        idx = mine[b * batch_size:(b + 1) * batch_size]
        if not idx:
            continue
        c, r = forward([pairs[i] for i in idx])
        for i, a, b in zip(idx, c.tolist(), r.tolist()):
            local[i] = [a, b]
    if world > 1:
        gathered = [None] * world
        torch.distributed.all_gather_object(gathered, local)
        for part in gathered:
            local.update(part)
    return [local[i] for i in range(len(pairs))]


class Timer:
    def __init__(self):
        self.start = time.monotonic()

    def seconds(self):
        return round(time.monotonic() - self.start, 3)
