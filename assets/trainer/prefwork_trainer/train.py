"""The DPO training loop: one process, or one per GPU under ``torchrun`` (DDP).

Per optimizer step: ``gradient_accumulation_steps`` micro-batches of ``per_device_train_batch_size`` pairs;
each micro-batch is one forward pass over its 2B sequences (chosen then rejected, concatenated), the sequence
log-prob being the sum of the completion's token log-probs. The reference log-probs come from the cache
(precomputed once), or are computed in the same step with the adapter disabled (LoRA) or by a frozen copy.
SIGTERM or SIGINT stop after the current step with a checkpoint; ``--resume`` continues from it.
"""

import contextlib
import math
import os
import random
import signal
import sys
import time
import traceback

import torch

from . import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_FINISHED, EXIT_STOPPED, __version__
from . import checkpoint, data, losses, models, reference
from . import config as configs
from .stream import Stream, Window

FINAL_DIR = "final"


class StopFlag:
    """Set by SIGTERM/SIGINT; the loop checks it after every step. A second signal exits at once."""

    def __init__(self):
        self.requested = False
        self.signal_name = None

    def install(self):
        def handler(signum, _frame):
            if self.requested:
                sys.stderr.write("prefwork_trainer: second %s, exiting without a checkpoint\n" % signal.Signals(signum).name)
                os._exit(EXIT_STOPPED)
            self.requested = True
            self.signal_name = signal.Signals(signum).name
            sys.stderr.write("prefwork_trainer: %s received, stopping after this step\n" % self.signal_name)

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, handler)


class Dist:
    """This process's place in a DDP job (WORLD_SIZE/RANK/LOCAL_RANK from torchrun), or a job of one."""

    def __init__(self, device_setting):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available()
        if device_setting == "cuda" and not cuda:
            raise configs.ConfigError("config.json: field 'device' is 'cuda' but torch sees no CUDA GPU "
                                      "(torch %s)" % torch.__version__)
        use_cuda = cuda and device_setting != "cpu"
        self.device = torch.device("cuda", self.local_rank) if use_cuda else torch.device("cpu")
        if use_cuda:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            torch.distributed.init_process_group("nccl" if use_cuda else "gloo")

    @property
    def main(self):
        return self.rank == 0

    def any(self, flag):
        if self.world == 1:
            return bool(flag)
        t = torch.tensor([1.0 if flag else 0.0], device=self.device)
        torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
        return t.item() > 0

    def sum(self, values):
        if self.world == 1:
            return values
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        torch.distributed.all_reduce(t)
        return t.tolist()

    def barrier(self):
        if self.world > 1:
            torch.distributed.barrier()

    def close(self):
        if self.world > 1 and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


def precision_plan(requested, device):
    """(precision used, autocast context factory, grad scaler or None, note or None)."""
    if device.type != "cuda":
        note = None if requested == "fp32" else "%s needs a CUDA GPU; training in fp32 on the CPU" % requested
        return "fp32", contextlib.nullcontext, None, note
    note = None
    if requested == "bf16" and not torch.cuda.is_bf16_supported():
        requested, note = "fp16", "this GPU has no bf16; training in fp16 with loss scaling"
    if requested == "fp32":
        return "fp32", contextlib.nullcontext, None, note
    dtype = torch.bfloat16 if requested == "bf16" else torch.float16

    def autocast():
        return torch.autocast("cuda", dtype=dtype)

    scaler = torch.cuda.amp.GradScaler() if requested == "fp16" else None
    return requested, autocast, scaler, note


def peak_memory_gb():
    """Peak resident memory of this process (the CPU side), in GB."""
    try:
        import resource
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 3)  # KiB on Linux
    except (ImportError, AttributeError):
        return None


def run(run_dir, resume=False, model_override=None, out=None):
    """Trains the run in ``run_dir``; returns the process exit code."""
    run_dir = os.path.abspath(run_dir)
    flag = StopFlag()
    flag.install()
    stream = Stream(out)
    dist = None
    try:
        cfg = configs.load(run_dir)
        if model_override:
            cfg["model"] = model_override
        if not os.path.isabs(cfg["model"]) and os.path.exists(os.path.join(run_dir, cfg["model"])):
            cfg["model"] = os.path.join(run_dir, cfg["model"])
        dist = Dist(cfg["device"])
        stream.enabled = dist.main
        return _train(run_dir, cfg, resume, dist, flag, stream)
    except (configs.ConfigError, data.DataError) as e:
        sys.stderr.write("prefwork_trainer: %s\n" % e)
        stream.event("error", kind="bad_input", message=str(e))
        return EXIT_BAD_INPUT
    except models.MissingDependency as e:
        sys.stderr.write("prefwork_trainer: %s\n" % e)
        stream.event("error", kind="missing_dependency", message=str(e))
        return EXIT_FAILED
    except Exception as e:
        traceback.print_exc()
        stream.event("error", kind="error", message="%s: %s" % (type(e).__name__, e))
        return EXIT_FAILED
    finally:
        if dist is not None:
            dist.close()


def _train(run_dir, cfg, resume, dist, flag, stream):
    started = time.monotonic()
    device = dist.device
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    precision, autocast, scaler, note = precision_plan(cfg["precision"], device)
    if note:
        stream.event("warning", message=note)

    train_pairs, eval_pairs, files = data.load_pairs(run_dir, cfg["eval_fraction"], cfg["seed"])
    policy = models.load(cfg, device, need_reference_model=cfg["method"] == "full" and not cfg["precompute_ref_log_probs"])
    tok = policy.tokenizer
    max_length = cfg["max_length"]
    limit = getattr(policy.unwrap(policy.module), "max_positions", None)
    if limit is not None and max_length > limit:
        stream.event("warning", message="max_length %d is more than the model's %d positions; using %d" % (max_length, limit, limit))
        max_length = limit
    encoder = data.PairEncoder(tok, max_length, min(cfg["max_prompt_length"], max_length - 1))
    train_enc = [encoder.encode(p) for p in train_pairs]
    eval_enc = [encoder.encode(p) for p in eval_pairs]
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    average = cfg["loss_type"] == "ipo"
    beta, loss_type, smoothing = cfg["beta"], cfg["loss_type"], cfg["label_smoothing"]

    def forward_logps(module, batch, use_reference):
        ids = batch["input_ids"].to(device)
        att = batch["attention_mask"].to(device)
        with autocast():
            logits = policy.reference_logits(module, ids, att) if use_reference else policy.logits(module, ids, att)
        lp, _ = losses.sequence_logps(logits, ids, batch["loss_mask"].to(device), average)
        b = ids.shape[0] // 2
        return lp[:b], lp[b:]

    n = len(train_enc)
    bs, ga = cfg["per_device_train_batch_size"], cfg["gradient_accumulation_steps"]
    per_rank = -(-n // dist.world)
    micro_per_epoch = -(-per_rank // bs)
    steps_per_epoch = max(1, -(-micro_per_epoch // ga))
    total = cfg["max_steps"] if cfg["max_steps"] > 0 else max(1, math.ceil(steps_per_epoch * cfg["num_train_epochs"]))
    warmup = cfg["warmup_steps"] if cfg["warmup_steps"] > 0 else math.ceil(cfg["warmup_ratio"] * total)

    def lr_lambda(s):  # linear warm-up, then linear decay to 0 (the HF Trainer's default schedule)
        if s < warmup:
            return s / max(1, warmup)
        return max(0.0, (total - s) / max(1, total - warmup))

    found = checkpoint.find(run_dir) if resume else None
    resumed_from = checkpoint.step_of(found) if found else (0 if resume else None)
    if resume and found is None:
        stream.event("warning", message="no checkpoint to resume from; starting at step 0")
    stream.event("start", trainer_version=__version__, torch=torch.__version__, model=policy.describe,
                 method=cfg["method"], loss_type=loss_type, device=str(device), world_size=dist.world,
                 gpus=[torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if device.type == "cuda" else [],
                 precision=precision, precision_requested=cfg["precision"], train_pairs=n, eval_pairs=len(eval_enc),
                 steps_per_epoch=steps_per_epoch, total_steps=total, warmup_steps=warmup, max_length=max_length,
                 resumed_from_step=resumed_from,
                 trainable_parameters=sum(p.numel() for p in policy.trainable_parameters()))

    # ---- reference log-probs -----------------------------------------------------------------------------
    ref_train = ref_eval = None
    if cfg["precompute_ref_log_probs"]:
        timer = reference.Timer()
        fp = reference.fingerprint(cfg, files, precision)
        folders = [run_dir] + [os.path.abspath(f) for f in cfg["reference_cache_from"]]
        cache, cache_path = reference.read_cache(folders, fp, len(train_enc), len(eval_enc))
        if cache is not None:
            ref_train, ref_eval = cache["train"], cache["eval"]
            if dist.main and os.path.dirname(cache_path) != run_dir:
                reference.write_cache(run_dir, fp, ref_train, ref_eval)
            stream.event("reference", source="cache", pairs=len(ref_train) + len(ref_eval), seconds=timer.seconds(),
                         cache=os.path.relpath(cache_path, run_dir))
        else:
            policy.module.eval()

            def forward(encoded):
                with torch.no_grad():
                    return forward_logps(policy.module, data.collate(encoded, pad_id), True)

            ref_bs = cfg["per_device_eval_batch_size"]
            stop = lambda: dist.any(flag.requested)  # noqa: E731
            ref_train = reference.compute(train_enc, forward, ref_bs, dist.rank, dist.world, stop)
            ref_eval = None if ref_train is None else reference.compute(eval_enc, forward, ref_bs, dist.rank, dist.world, stop)
            if ref_eval is None:
                stream.event("end", status="cancelled", step=resumed_from or 0, total_steps=total, reason=flag.signal_name,
                             message="stopped while computing the reference log-probs",
                             metrics={}, artifacts=[], train_runtime=round(time.monotonic() - started, 3))
                return EXIT_STOPPED
            if dist.main:
                cache_path = reference.write_cache(run_dir, fp, ref_train, ref_eval)
            dist.barrier()
            stream.event("reference", source="computed", pairs=len(ref_train) + len(ref_eval), seconds=timer.seconds(),
                         cache=reference.CACHE_FILE)
            policy.module.train()
    else:
        stream.event("reference", source="on the fly", pairs=len(train_enc) + len(eval_enc), seconds=0.0, cache=None)

    # ---- model, optimizer, schedule ------------------------------------------------------------------------
    module = policy.module
    if dist.world > 1:
        module = torch.nn.parallel.DistributedDataParallel(
            module, device_ids=[device.index] if device.type == "cuda" else None)
        policy.module = module
    params = policy.trainable_parameters()
    optimizer = torch.optim.AdamW(params, lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)

    step = 0
    if found is not None:
        state = checkpoint.load(found)
        policy.load_trainable_state(state["trainable"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        if scaler is not None and state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        checkpoint.restore_rng(state)
        step = int(state["step"])

    def epoch_batches(e):
        order = list(range(n))
        random.Random(cfg["seed"] * 1000003 + e).shuffle(order)
        if dist.world > 1:
            order = (order * (1 + per_rank * dist.world // max(1, n)))[:per_rank * dist.world][dist.rank::dist.world]
        return [order[i:i + bs] for i in range(0, len(order), bs)]

    def batch_metrics(pc, pr, rc, rr):
        l, cr, rjr = losses.dpo_loss(pc, pr, rc, rr, beta, loss_type, smoothing)
        return l, [l.detach().sum().item(), cr.sum().item(), rjr.sum().item(), (cr > rjr).float().sum().item(),
                   (cr - rjr).sum().item(), pc.detach().sum().item(), pr.detach().sum().item()]

    names = ["loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
             "logps/chosen", "logps/rejected"]

    def reference_for(cached, idx, module, batch):
        if cached is not None:
            r = torch.tensor([cached[i] for i in idx], dtype=torch.float32, device=device)
            return r[:, 0], r[:, 1]
        with torch.no_grad():
            return forward_logps(module, batch, True)

    def evaluate():
        module.eval()
        sums = [0.0] * (len(names) + 1)
        mine = list(range(dist.rank, len(eval_enc), dist.world))
        eb = cfg["per_device_eval_batch_size"]
        with torch.no_grad():
            for s0 in range(0, len(mine), eb):
                idx = mine[s0:s0 + eb]
                batch = data.collate([eval_enc[i] for i in idx], pad_id)
                pc, pr = forward_logps(module, batch, False)
                rc, rr = reference_for(ref_eval, idx, module, batch)
                _, m = batch_metrics(pc, pr, rc, rr)
                for k, v in enumerate(m):
                    sums[k] += v
                sums[-1] += len(idx)
        module.train()
        sums = dist.sum(sums)
        return {"eval_" + name: sums[k] / max(1.0, sums[-1]) for k, name in enumerate(names)}

    def memory_fields():
        gpu = torch.cuda.max_memory_allocated(device) / 1e9 if device.type == "cuda" else 0.0
        return {"gpu_memory_gb": round(gpu, 3), "memory_gb": peak_memory_gb()}

    def save_checkpoint():
        path = None
        if dist.main:
            path = checkpoint.save(run_dir, step, total, round(step / steps_per_epoch, 4), policy.trainable_state(),
                                   optimizer, scheduler, scaler)
            stream.event("checkpoint", step=step, path=os.path.relpath(path, run_dir))
        dist.barrier()
        return path


    module.train()
    window = Window()
    train_seconds = 0.0
    epoch_cache = (None, None)
    last_eval_step = None
    max_norm = cfg["max_grad_norm"] if cfg["max_grad_norm"] > 0 else float("inf")
    while step < total:
        if dist.any(flag.requested):
            save_checkpoint()
            stream.event("end", status="cancelled", step=step, total_steps=total, reason=flag.signal_name,
                         metrics=stream.final_metrics(), artifacts=[], checkpoint=os.path.join(checkpoint.DIR, checkpoint.LAST),
                         train_runtime=round(time.monotonic() - started, 3))
            return EXIT_STOPPED
        t_step = time.monotonic()
        e, within = divmod(step, steps_per_epoch)
        if epoch_cache[0] != e:
            epoch_cache = (e, epoch_batches(e))
        group = epoch_cache[1][within * ga:(within + 1) * ga]
        pairs_in_step = sum(len(g) for g in group)
        optimizer.zero_grad(set_to_none=True)
        sums = [0.0] * len(names)
        tokens = 0
        for j, idx in enumerate(group):
            batch = data.collate([train_enc[i] for i in idx], pad_id)
            last = j == len(group) - 1
            ctx = module.no_sync() if dist.world > 1 and not last else contextlib.nullcontext()
            with ctx:
                pc, pr = forward_logps(module, batch, False)
                rc, rr = reference_for(ref_train, idx, module, batch)
                l, m = batch_metrics(pc, pr, rc, rr)
                loss = l.sum() / pairs_in_step
                (scaler.scale(loss) if scaler is not None else loss).backward()
            for k, v in enumerate(m):
                sums[k] += v
            tokens += batch["tokens"]
        if scaler is not None:
            scaler.unscale_(optimizer)
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
        lr_used = scheduler.get_last_lr()[0]
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        scheduler.step()
        step += 1
        reduced = dist.sum(sums + [pairs_in_step, tokens])
        pairs_all, tokens_all = reduced[-2], reduced[-1]
        metrics = {name: reduced[k] / pairs_all for k, name in enumerate(names)}
        train_seconds += time.monotonic() - t_step
        window.add(metrics, pairs_all, tokens_all)

        if step % cfg["logging_steps"] == 0 or step == total:
            point = window.means()
            point.update({"grad_norm": grad_norm, "learning_rate": lr_used, "epoch": round(step / steps_per_epoch, 4),
                          "step": step, "tokens_per_second": round(window.tokens / max(train_seconds, 1e-9), 2)})
            point.update(memory_fields())
            stream.metrics(point)
            window.reset()
            train_seconds = 0.0
        if eval_enc and cfg["eval_steps"] > 0 and step % cfg["eval_steps"] == 0:
            point = evaluate()
            point.update({"epoch": round(step / steps_per_epoch, 4), "step": step})
            stream.metrics(point)
            last_eval_step = step
        if cfg["save_steps"] > 0 and step % cfg["save_steps"] == 0 and step < total:
            save_checkpoint()

    if eval_enc and last_eval_step != step:
        point = evaluate()
        point.update({"epoch": round(step / steps_per_epoch, 4), "step": step})
        stream.metrics(point)
    artifacts = []
    if dist.main:
        final = os.path.join(run_dir, FINAL_DIR)
        artifacts = [os.path.relpath(p, run_dir) for p in policy.save_final(final)]
        checkpoint.remove(run_dir)
    dist.barrier()
    stream.event("end", status="finished", step=step, total_steps=total, metrics=stream.final_metrics(),
                 artifacts=artifacts, train_runtime=round(time.monotonic() - started, 3))
    return EXIT_FINISHED
