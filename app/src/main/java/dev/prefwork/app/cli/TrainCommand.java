package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.CuratedPairs;
import dev.prefwork.training.EnvironmentCheck;
import dev.prefwork.training.GoldPicksPairs;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.PairSource;
import dev.prefwork.training.PythonReport;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TinyModel;
import dev.prefwork.training.TrainingConfig;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import dev.prefwork.training.TrlPairFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code prefwork train}: a DPO run on a pair file (or the expert's gold picks) and a model folder (or the tiny test
 * model), following the trainer's metrics on the terminal. Ctrl+C stops it cleanly: the trainer saves a checkpoint,
 * and {@code --resume <id>} continues it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model with DPO on preference pairs and follow its metrics (Ctrl+C stops it with a checkpoint).",
                "The run folder (<workspace>/runs/run-<id>) holds config.json, the pairs, the trainer and a launch.sh for",
                "torchrun on a multi-GPU machine. Examples:",
                "  prefwork train my-ws --pairs my-ws/exports/pairs.jsonl --model /models/llama-3-8b",
                "  prefwork train my-ws --pairs set --model /models/llama-3-8b   # the newest pair set from Curate & export",
                "  prefwork train my-ws --pairs gold --model tiny       # try it: your gold picks, the tiny test model",
                "  prefwork train my-ws --resume 3                       # continue run 3 from its checkpoint",
                "  prefwork train --check-env                            # what the Python environment can do"})
final class TrainCommand implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_CANCELLED = 130;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--pairs", paramLabel = "FILE|gold|set[:ID]", description = "A TRL pair file (JSONL: prompt, chosen, rejected), 'gold' for your best vs worst picks, "
            + "or 'set' for the newest pair set saved in Curate & export ('set:3' for pair set #3, see `prefwork pairs <workspace> --list`).")
    String pairs;

    @Option(names = "--model", paramLabel = "FOLDER|tiny", description = "A model folder (transformers), or 'tiny': the trainer's tiny test model (made in <workspace>/models/tiny-dpo).")
    String model;

    @Option(names = "--resume", paramLabel = "ID", description = "Continue a cancelled or failed run from its checkpoint.")
    Long resume;

    @Option(names = "--name", description = "A name for the run.")
    String name;

    @Option(names = "--method", paramLabel = "lora|full", description = "LoRA adapter (default) or full fine-tuning.")
    String method;

    @Option(names = "--lora-r", paramLabel = "R", description = "LoRA rank (default 16).")
    Integer loraR;

    @Option(names = "--merge-adapter", description = "LoRA: also save the adapter merged into the model's weights.")
    boolean mergeAdapter;

    @Option(names = "--loss", paramLabel = "TYPE", description = "sigmoid (DPO, default), ipo or hinge.")
    String loss;

    @Option(names = "--beta", description = "β (default 0.1).")
    Double beta;

    @Option(names = {"--lr", "--learning-rate"}, paramLabel = "LR", description = "Learning rate (default 5e-6 for LoRA, 5e-7 for full).")
    Double learningRate;

    @Option(names = "--epochs", description = "Epochs (default 1).")
    Double epochs;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N optimizer steps (overrides --epochs).")
    Integer maxSteps;

    @Option(names = "--batch-size", paramLabel = "N", description = "Pairs per device per micro-batch (default 4).")
    Integer batchSize;

    @Option(names = "--grad-accum", paramLabel = "N", description = "Micro-batches per optimizer step (default 1).")
    Integer gradAccum;

    @Option(names = "--max-length", paramLabel = "TOKENS", description = "Prompt + completion length (default 1024).")
    Integer maxLength;

    @Option(names = "--max-prompt-length", paramLabel = "TOKENS", description = "Prompt length (default 512).")
    Integer maxPromptLength;

    @Option(names = "--warmup-ratio", paramLabel = "R", description = "Share of steps with a rising learning rate (default 0.1).")
    Double warmupRatio;

    @Option(names = "--precision", paramLabel = "P", description = "bf16 (default), fp16 or fp32.")
    String precision;

    @Option(names = "--gradient-checkpointing", description = "Recompute activations: less memory, slower.")
    Boolean gradientCheckpointing;

    @Option(names = "--no-reference-cache", description = "Compute the reference during training instead of once, cached.")
    boolean noReferenceCache;

    @Option(names = "--eval-fraction", paramLabel = "F", description = "Held-out share of the pairs (default 0.1).")
    Double evalFraction;

    @Option(names = "--eval-steps", paramLabel = "N", description = "Evaluate every N steps (default 100; 0: at the end).")
    Integer evalSteps;

    @Option(names = "--logging-steps", paramLabel = "N", description = "Report metrics every N steps (default 10).")
    Integer loggingSteps;

    @Option(names = "--seed", description = "Random seed (default 42).")
    Integer seed;

    @Option(names = "--python", paramLabel = "PATH", description = "The Python interpreter (default: the best one found with torch).")
    Path python;

    @Option(names = "--detach", description = "Start the run and return; `prefwork runs` shows how it goes.")
    boolean detach;

    @Option(names = "--json", description = "Print the metric stream as JSON lines (one object per point).")
    boolean json;

    @Option(names = "--check-env", description = "Only check the Python environment and say what to install.")
    boolean checkEnv;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path tools = AppPaths.fromEnvironment().trainerTools();
        if (checkEnv) return checkEnvironment(out, tools);
        if (workspace == null) throw new InputException("name the workspace (prefwork train <workspace> --pairs … --model …)");
        if (resume == null && (pairs == null || model == null)) throw new InputException("--pairs and --model are needed (or --resume ID)");
        TrainingConfig config = config("tiny".equals(model) ? TrainingConfig.tinyDemo() : TrainingConfig.defaults());
        Workspace ws = WorkspaceArg.openExisting(workspace);
        TrainingService service = new TrainingService(ws);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeAll = () -> {
            if (closed.compareAndSet(false, true)) {
                service.close();
                ws.close();
            }
        };
        try {
            TrainingRun run;
            if (resume != null) {
                service.checkResumable(resume);   // before the (slow) interpreter check
                Path py = choosePython(tools);
                if (!detach) follow(service, resume, out);
                run = service.resume(resume, py);
            } else {
                // bad input first, then the interpreter (asking it costs a torch import)
                PairSource source = pairSource(ws, pairs);
                source.check();
                if (!"tiny".equals(model) && !java.nio.file.Files.isDirectory(Path.of(model))) {
                    throw new InputException("--model " + model + ": no such folder (name a model folder, or 'tiny')");
                }
                Path py = choosePython(tools);
                Path modelDir = "tiny".equals(model) ? TinyModel.create(py, tools, ws.dir().resolve("models").resolve(TinyModel.FOLDER))
                        : Path.of(model);
                run = service.prepare(new TrainingService.RunSetup(name, source, modelDir, config));
                out.printf(Locale.ROOT, "Run %d: %s%n  folder %s%n  %s · %,d pairs%n", run.id(), run.name(), run.dir(),
                        run.config().summary(), run.pairCount());
                if (!detach) follow(service, run.id(), out);
                run = service.start(run.id(), py);
            }
            long id = run.id();
            if (detach) {
                out.printf("Run %d started (pid %d); follow it with `prefwork runs %s`, its metrics are in %s%n", id, run.pid(),
                        workspace, run.stdoutLog());
                return 0;
            }
            Thread hook = new Thread(() -> {
                // Ctrl+C: the terminal sent SIGINT to the trainer too; make sure it stops, wait for its checkpoint
                service.cancel(id);
                try {
                    service.await(id, Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                service.run(id).ifPresent(r -> spec.commandLine().getErr().printf(
                        "prefwork: run %d %s at step %d%s%n", id, r.status().label(), r.lastStep(),
                        r.resumable() ? "; continue it with `prefwork train " + workspace + " --resume " + id + "`" : ""));
                closeAll.run();
            }, "prefwork-train-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
            service.await(id, Duration.ofDays(365));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return EXIT_CANCELLED;   // the hook is finishing the run's record
            }
            TrainingRun end = service.run(id).orElseThrow();
            out.printf(Locale.ROOT, "Run %d %s at step %d in %s%n", id, end.status().label(), end.lastStep(),
                    duration(end.duration(java.time.Instant.now())));
            if (end.status() == RunStatus.FINISHED) {
                for (String a : end.artifacts()) out.println("  " + end.dir().resolve(a));
                return 0;
            }
            if (end.status() == RunStatus.CANCELLED) {
                if (end.resumable()) out.printf("Continue it with `prefwork train %s --resume %d`%n", workspace, id);
                return EXIT_CANCELLED;
            }
            spec.commandLine().getErr().println("prefwork: the run failed: " + end.error());
            return EXIT_FAILED;
        } finally {
            closeAll.run();
        }
    }

    private void follow(TrainingService service, long id, PrintWriter out) {
        service.addListener(new TrainingService.Listener() {
            @Override
            public void metrics(long runId, List<MetricPoint> points) {
                if (runId != id) return;
                Integer total = service.run(id).map(TrainingRun::totalSteps).orElse(null);
                for (MetricPoint p : points) out.println(json ? toJson(p) : line(p, total));
                out.flush();
            }

            @Override
            public void log(long runId, List<String> lines) {
                if (runId != id || json) return;
                for (String l : lines) out.println("  " + l);
                out.flush();
            }
        });
    }

    static String line(MetricPoint p, Integer total) {
        if (p.eval()) {
            return String.format(Locale.ROOT, "  eval @ step %d: loss %.4f · margin %.4f · accuracy %.1f%%", p.step(),
                    p.get("eval_loss"), p.get("eval_rewards/margins"), 100 * p.get("eval_rewards/accuracies"));
        }
        return String.format(Locale.ROOT, "step %d%s: loss %.4f · margin %.4f (chosen %.4f, rejected %.4f) · accuracy %.1f%% · lr %.2e · %,.0f tokens/s",
                p.step(), total == null ? "" : "/" + total, p.get("loss"), p.get("rewards/margins"), p.get("rewards/chosen"),
                p.get("rewards/rejected"), 100 * p.get("rewards/accuracies"), p.get("learning_rate"), p.get("tokens_per_second"));
    }

    private static String toJson(MetricPoint p) {
        ObjectNode o = JSON.createObjectNode();
        p.values().forEach(o::put);
        o.put("step", p.step());
        return o.toString();
    }

    private TrainingConfig config(TrainingConfig base) {
        TrainingConfig.Builder b = base.toBuilder();
        if (method != null) {
            b.method = method;
            if (learningRate == null && base.learningRate() == TrainingConfig.defaultLearningRate(base.method())) {
                b.learningRate = TrainingConfig.defaultLearningRate(method);
            }
        }
        if (loraR != null) b.loraR = loraR;
        if (mergeAdapter) b.mergeAdapter = true;
        if (loss != null) b.lossType = loss;
        if (beta != null) b.beta = beta;
        if (learningRate != null) b.learningRate = learningRate;
        if (epochs != null) b.epochs = epochs;
        if (maxSteps != null) b.maxSteps = maxSteps;
        if (batchSize != null) b.batchSize = batchSize;
        if (gradAccum != null) b.gradAccum = gradAccum;
        if (maxLength != null) {
            b.maxLength = maxLength;
            if (maxPromptLength == null && b.maxPromptLength >= maxLength) b.maxPromptLength = maxLength / 2;
        }
        if (maxPromptLength != null) b.maxPromptLength = maxPromptLength;
        if (warmupRatio != null) b.warmupRatio = warmupRatio;
        if (precision != null) b.precision = precision;
        if (gradientCheckpointing != null) b.gradientCheckpointing = gradientCheckpointing;
        if (noReferenceCache) b.precomputeReference = false;
        if (evalFraction != null) b.evalFraction = evalFraction;
        if (evalSteps != null) b.evalSteps = evalSteps;
        if (loggingSteps != null) b.loggingSteps = loggingSteps;
        if (seed != null) b.seed = seed;
        TrainingConfig c = b.build();
        List<String> problems = c.problems();
        if (!problems.isEmpty()) throw new InputException(problems.get(0));
        return c;
    }

    /** The named interpreter when it has torch, else the best one found. */
    private Path choosePython(Path tools) {
        EnvironmentCheck check = new EnvironmentCheck(tools);
        if (python != null) {
            PythonReport r = check.probe(python);
            if (!r.hasTorch()) {
                throw new InputException("--python " + python + ": " + (r.advice().isEmpty() ? "cannot train" : r.advice().get(0).message()));
            }
            return python;
        }
        EnvironmentCheck.Report report = check.run(null);
        if (!report.ready()) throw new InputException(report.advice().get(0).message());
        return report.chosen().path();
    }

    private int checkEnvironment(PrintWriter out, Path tools) {
        EnvironmentCheck.Report r = new EnvironmentCheck(tools).run(python);
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("chosen", r.chosen() == null ? null : r.chosen().path().toString());
            var list = o.putArray("interpreters");
            for (PythonReport p : r.interpreters()) {
                ObjectNode n = list.addObject();
                n.put("path", p.path().toString());
                n.put("python", p.version());
                n.put("torch", p.torch());
                n.put("cuda", p.cuda());
                n.put("gpu_memory_gb", p.gpuMemoryGb());
                n.put("transformers", p.transformers());
                n.put("peft", p.peft());
                n.put("problem", p.problem());
            }
            var advice = o.putArray("advice");
            for (PythonReport.Advice a : r.advice()) advice.addObject().put("what", a.what()).put("message", a.message()).put("blocking", a.blocking());
            out.println(o.toPrettyString());
        } else {
            for (PythonReport p : r.interpreters()) out.println((p == r.chosen() ? "* " : "  ") + p.summary().replace(p.path() + ": ", "") + "  (" + p.path() + ")");
            out.println(r.chosen() == null ? "No interpreter with torch." : "Training would use " + r.chosen().path());
            for (PythonReport.Advice a : r.advice()) out.println((a.blocking() ? "MISSING " : "note    ") + a.what() + ": " + a.message());
        }
        return r.ready() ? 0 : EXIT_FAILED;
    }

    static String duration(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + " s";
    }

    /** {@code --pairs}: a file, {@code gold}, {@code set} (the newest pair set) or {@code set:ID}. */
    static PairSource pairSource(Workspace ws, String pairs) {
        if ("gold".equals(pairs)) return new GoldPicksPairs(ws);
        if ("set".equals(pairs)) return CuratedPairs.latest(ws);
        if (pairs.startsWith("set:")) {
            try {
                return new CuratedPairs(ws, Long.parseLong(pairs.substring(4).strip()));
            } catch (NumberFormatException e) {
                throw new InputException("--pairs " + pairs + ": expected set:<id>, e.g. set:3");
            }
        }
        return new TrlPairFile(Path.of(pairs));
    }
}
