#!/usr/bin/env bash
# Runs this Prefwork training run on every GPU of this machine: torchrun (torch.distributed.run) starts one
# trainer process per GPU (DDP). The run folder is self-contained -- config.json, data/, the trainer package in
# trainer/ -- so it can be copied to a bigger machine and started there unchanged:
#
#   ./launch.sh                          # all GPUs (NPROC=4 ./launch.sh for four)
#   ./launch.sh --model /data/my-model   # the model sits elsewhere on this machine
#   ./launch.sh --resume                 # continue from checkpoints/last
#
# Needs python3 with torch (and transformers + peft for a real model); PYTHON=/path/to/python overrides.
# Metrics (one JSON object per line) go to the terminal and to stdout.log; errors also to stderr.log.
set -euo pipefail
run="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
if [ -z "${NPROC:-}" ]; then
  NPROC="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)"
  [ "${NPROC:-0}" -ge 1 ] || NPROC=1
fi
export PYTHONPATH="$run/trainer${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
cd "$run"
if [ "$NPROC" -gt 1 ]; then
  # torchrun is `python -m torch.distributed.run`; calling it through $python keeps the interpreter choice
  launcher=("$python" -m torch.distributed.run --standalone --nproc_per_node "$NPROC")
else
  launcher=("$python")  # one process needs no torchrun
fi
"${launcher[@]}" -m prefwork_trainer --run "$run" "$@" \
    > >(tee -a "$run/stdout.log") 2> >(tee -a "$run/stderr.log" >&2)
