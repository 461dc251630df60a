"""Prefwork's DPO trainer: ``python -m prefwork_trainer --run <run folder>``.

The run folder holds ``config.json`` and ``data/*.jsonl`` (TRL ``prompt``/``chosen``/``rejected`` pairs); the
trainer prints one JSON object per logging step on stdout (TRL's metric names) and writes its checkpoints,
cached reference log-probs and final model into the same folder. Nothing here imports torch at module level,
so ``envcheck`` runs on an interpreter without it.
"""

__version__ = "0.1.0"

# Exit codes the launcher reads (besides the final ``{"event": "end"}`` line).
EXIT_FINISHED = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_STOPPED = 3
