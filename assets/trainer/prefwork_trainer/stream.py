"""The metric stream: one JSON object per line on stdout, flushed at once.

Lines without an ``event`` key are metric points with TRL's names (``loss``, ``rewards/chosen`` ... ``step``,
``epoch``; ``eval_``-prefixed on the held-out pairs). Lines with ``event`` say what else happened: ``start``,
``reference``, ``checkpoint``, ``warning``, ``error``, ``end`` (status ``finished`` or ``cancelled``). A value
that is not a finite number is written as null, so every line is strict JSON.
"""

import json
import math
import sys

TRAIN_METRICS = ("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                 "logps/chosen", "logps/rejected")


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


class Stream:
    def __init__(self, out=None, enabled=True):
        self.out = out if out is not None else sys.stdout
        self.enabled = enabled
        self.last_train = {}
        self.last_eval = {}

    def _write(self, obj):
        if not self.enabled:
            return
        try:
            self.out.write(json.dumps(_clean(obj), allow_nan=False) + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError, OSError):
            # nobody reads stdout any more (the launcher went away): keep training, stop printing
            self.enabled = False

    def metrics(self, values):
        if any(k.startswith("eval_") for k in values):
            self.last_eval = dict(values)
        else:
            self.last_train = dict(values)
        self._write(values)

    def line(self, obj):
        """Any other record (the generate mode's responses), as one line."""
        self._write(obj)

    def event(self, name, **fields):
        obj = {"event": name}
        obj.update(fields)
        self._write(obj)

    def final_metrics(self):
        out = {k: v for k, v in self.last_train.items() if k not in ("step", "epoch")}
        out.update({k: v for k, v in self.last_eval.items() if k not in ("step", "epoch")})
        return out


class Window:
    """Metric means over the steps since the last log line, each step weighted by its number of pairs."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.sums = {}
        self.weight = 0.0
        self.tokens = 0
        self.steps = 0

    def add(self, metrics, weight, tokens):
        for k, v in metrics.items():
            self.sums[k] = self.sums.get(k, 0.0) + v * weight
        self.weight += weight
        self.tokens += tokens
        self.steps += 1

    def means(self):
        return {k: v / self.weight for k, v in self.sums.items()} if self.weight else {}
