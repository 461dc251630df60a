package dev.prefwork.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.store.TrainingRunRepository;
import dev.prefwork.store.TrainingRunRepository.Row;
import dev.prefwork.store.Workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * DPO runs of one workspace: prepares run folders, starts the trainer ({@code python -m prefwork_trainer}) with
 * an argument list and its stdout/stderr redirected into the run folder, and follows each running trainer on a
 * thread of its own, reading new lines of {@code stdout.log} into H2 (metric lines and the log offset in one
 * transaction) and telling the listeners. Because the trainer writes to files, not pipes, it does not notice the
 * workbench going away; {@link #reattach()} on the next open follows it again (its pid still alive and started
 * when recorded), or reads what it wrote and records how it ended.
 *
 * <p>Cancel sends SIGTERM ({@link Process#destroy()} on Linux and macOS): the trainer finishes its step, saves a
 * checkpoint and ends with {@code {"event": "end", "status": "cancelled"}}; {@link #resume} continues from it.
 */
public final class TrainingService implements AutoCloseable {

    /** What to train: a name, the pairs, the model folder and the settings. */
    public record RunSetup(String name, PairSource pairs, Path model, TrainingConfig config) {
    }

    /** Called on a monitor thread (hop to the UI thread before touching it). */
    public interface Listener {
        /** A run's status, progress or outcome changed. */
        default void runChanged(TrainingRun run) {
        }

        /** New metric points of a run, in order. */
        default void metrics(long runId, List<MetricPoint> points) {
        }

        /** New log lines of a run (stdout events and text, stderr). */
        default void log(long runId, List<String> lines) {
        }
    }

    /** Most earlier run folders whose cached reference log-probs a new run may reuse. */
    static final int CACHE_CANDIDATES = 8;
    /** Bytes read from a log per transaction. */
    private static final int CHUNK = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;
    private final TrainingRunRepository repo;
    private final Duration poll;
    private final Map<Long, Monitor> monitors = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public TrainingService(Workspace workspace) {
        this(workspace, Duration.ofMillis(250));
    }

    public TrainingService(Workspace workspace, Duration poll) {
        this.workspace = workspace;
        this.repo = workspace.trainingRuns();
        this.poll = poll;
    }

    public Workspace workspace() {
        return workspace;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    public List<TrainingRun> runs() {
        return repo.list().stream().map(TrainingService::toRun).toList();
    }

    public Optional<TrainingRun> run(long id) {
        return repo.get(id).map(TrainingService::toRun);
    }

    public List<MetricPoint> metrics(long id) {
        return repo.metrics(id).stream().map(m -> MetricStream.point(m.seq(), m.json())).toList();
    }

    /** Whether this service follows the run's trainer now. */
    public boolean following(long id) {
        return monitors.containsKey(id);
    }

    /** The last {@code max} lines of the run's stdout.log, then of its stderr.log. */
    public List<String> logTail(long id, int max) {
        TrainingRun run = run(id).orElseThrow();
        List<String> out = new ArrayList<>(tail(run.stdoutLog(), max));
        List<String> err = tail(run.stderrLog(), max);
        if (!err.isEmpty()) {
            out.add("── stderr.log ──");
            out.addAll(err);
        }
        return out;
    }

    // ---- starting -----------------------------------------------------------------------------------------------

    /**
     * Checks the setup, writes the run folder (config.json, the pairs, the trainer, launch.sh) and records the
     * run as prepared. Bad settings, pairs or model throw {@link InputException}; nothing is left behind then.
     */
    public TrainingRun prepare(RunSetup setup) throws IOException {
        TrainingConfig c = setup.config();
        List<String> problems = c.problems();
        if (!problems.isEmpty()) throw new InputException(problems.get(0));
        Path model = setup.model().toAbsolutePath().normalize();
        if (!Files.isDirectory(model)) {
            throw new InputException("model: " + model + " is not a folder (choose a model folder, or create the tiny test model)");
        }
        try {
            ModelShape.read(model);
        } catch (IOException e) {
            throw new InputException("model: " + e.getMessage());
        }
        PairSource.PairSummary checked = setup.pairs().check();
        List<String> caches = new ArrayList<>();
        for (TrainingRun earlier : runs()) {
            if (caches.size() < CACHE_CANDIDATES && Files.isRegularFile(earlier.dir().resolve(RunFolder.REFERENCE_CACHE))) {
                caches.add(earlier.dir().toString());
            }
        }
        ObjectNode config = c.toJson(model.toString(), caches);
        String name = setup.name() == null || setup.name().isBlank() ? model.getFileName() + " · " + setup.pairs().description() : setup.name().strip();
        if (name.length() > 200) name = name.substring(0, 200);
        Path runs = workspace.runsDir();
        Files.createDirectories(runs);
        long id = repo.create(name, JSON.writeValueAsString(config), setup.pairs().description(), checked.pairs(),
                model.toString(), i -> RunFolder.forId(runs, i).toString());
        try {
            Path dir = RunFolder.forId(runs, id);
            RunFolder.create(dir, config, setup.pairs(), RunFolder.readme(id, name, setup.pairs().description(), model.toString(), c));
        } catch (IOException | RuntimeException e) {
            repo.delete(id);
            throw e;
        }
        return run(id).orElseThrow();
    }

    /** Starts a prepared run's trainer with {@code python}. */
    public TrainingRun start(long id, Path python) {
        return launch(id, python, false);
    }

    /** {@link #prepare} then {@link #start}. */
    public TrainingRun launch(RunSetup setup, Path python) throws IOException {
        return start(prepare(setup).id(), python);
    }

    /** Continues a cancelled or failed run from its checkpoint (a prepared one starts from the beginning). */
    public TrainingRun resume(long id, Path python) {
        TrainingRun run = checkResumable(id);
        return launch(id, python, run.status() != RunStatus.PREPARED);
    }

    /** The run when {@link #resume} can continue it; else an {@link InputException} saying why not. */
    public TrainingRun checkResumable(long id) {
        TrainingRun run = run(id).orElseThrow(() -> new InputException("no training run " + id));
        if (run.status() == RunStatus.PREPARED) return run;
        if (run.status() == RunStatus.RUNNING) throw new InputException("run " + id + " is still running");
        if (run.status() == RunStatus.FINISHED) throw new InputException("run " + id + " has finished; there is nothing to resume");
        if (run.checkpointStep() == null) {
            throw new InputException("run " + id + " has no checkpoint to resume from (it stopped before saving one); start a new run");
        }
        return run;
    }

    private synchronized TrainingRun launch(long id, Path python, boolean resume) {
        if (closed) throw new IllegalStateException("the training service is closed");
        if (monitors.containsKey(id)) throw new InputException("run " + id + " is already running");
        TrainingRun run = run(id).orElseThrow(() -> new InputException("no training run " + id));
        Integer keepUpTo = resume ? run.checkpointStep() : null;
        List<String> command = new ArrayList<>(List.of(python.toString(), "-u", "-m", TrainerPackage.MODULE, "--run", run.dir().toString()));
        if (resume) command.add("--resume");
        ProcessBuilder pb = new ProcessBuilder(command).directory(run.dir().toFile());
        pb.environment().put("PYTHONPATH", run.dir().resolve(RunFolder.TRAINER).toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().remove("PYTHONHOME");
        // files, not pipes: the trainer keeps running (and writing) if the workbench goes away
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(run.stdoutLog().toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(run.stderrLog().toFile()));
        long errStart = size(run.stderrLog());
        Process process;
        try {
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            repo.finish(id, TrainingRunRepository.FAILED, null, null, null, "could not start " + python + ": " + e.getMessage(), null);
            notifyRun(id);
            throw new InputException("could not start the trainer with " + python + ": " + e.getMessage());
        }
        ProcessHandle handle = process.toHandle();
        repo.markStarted(id, handle.pid(), handle.info().startInstant().orElse(null), python.toString(), keepUpTo);
        Monitor m = new Monitor(repo.get(id).orElseThrow(), handle, process, errStart);
        monitors.put(id, m);
        m.start();
        notifyRun(id);
        return run(id).orElseThrow();
    }

    // ---- stopping -----------------------------------------------------------------------------------------------

    /** Asks the run's trainer to stop (SIGTERM): it saves a checkpoint and ends as cancelled. */
    public void cancel(long id) {
        Monitor m = monitors.get(id);
        if (m != null) {
            m.cancelRequested = true;
            m.handle.destroy();
            return;
        }
        trainerProcess(repo.get(id).orElseThrow()).ifPresent(ProcessHandle::destroy);
    }

    /** Kills the run's trainer at once (SIGKILL): no checkpoint is written; an earlier one stays. */
    public void forceStop(long id) {
        Monitor m = monitors.get(id);
        if (m != null) {
            m.cancelRequested = true;
            m.handle.destroyForcibly();
            return;
        }
        trainerProcess(repo.get(id).orElseThrow()).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Waits until the service stops following the run (it ended); false on timeout. */
    public boolean await(long id, Duration timeout) throws InterruptedException {
        Monitor m = monitors.get(id);
        return m == null || m.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- after a restart ----------------------------------------------------------------------------------------

    /**
     * For every run recorded as running: follows its trainer again when it is still alive, else reads what it
     * wrote and records how it ended (finished, cancelled, or failed when it stopped without a final report).
     */
    public void reattach() {
        catchUp(true);
    }

    /**
     * Brings the records of runs recorded as running up to date without following them (the CLI's listing):
     * reads what their trainers wrote so far, and records how the ones that are gone ended.
     */
    public void catchUp() {
        catchUp(false);
    }

    private synchronized void catchUp(boolean follow) {
        for (Row row : repo.withStatus(TrainingRunRepository.RUNNING)) {
            if (monitors.containsKey(row.id())) continue;
            Optional<ProcessHandle> alive = trainerProcess(row);
            Monitor m = new Monitor(row, alive.orElse(null), null, size(Path.of(row.runDir()).resolve(RunFolder.STDERR)));
            if (alive.isEmpty()) {
                m.catchUpAndEnd();
            } else if (follow) {
                monitors.put(row.id(), m);
                m.start();
            } else {
                m.drain(false);
            }
        }
    }

    /** The trainer process of a running run, when its pid is alive and is that trainer (not a reused pid). */
    static Optional<ProcessHandle> trainerProcess(Row row) {
        if (row.pid() == null) return Optional.empty();
        Optional<ProcessHandle> h = ProcessHandle.of(row.pid()).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) return h;
        ProcessHandle.Info info = h.get().info();
        if (row.pidStartedAt() != null && info.startInstant().isPresent()) {
            long apart = Math.abs(Duration.between(row.pidStartedAt(), info.startInstant().get()).toMillis());
            return apart <= 1500 ? h : Optional.empty();
        }
        return info.arguments().map(a -> String.join(" ", a).contains(TrainerPackage.MODULE)).orElse(true) ? h : Optional.empty();
    }

    /** Stops following (the trainers keep running; the next {@link #reattach()} follows them again). */
    @Override
    public void close() {
        closed = true;
        for (Monitor m : monitors.values()) m.stopFollowing();
        for (Monitor m : monitors.values()) {
            try {
                m.thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    // ---- following a trainer ------------------------------------------------------------------------------------

    /** Follows one run: tails its stdout.log into H2 until the trainer exits, then records the outcome. */
    private final class Monitor implements Runnable {
        final long id;
        final Path dir;
        final ProcessHandle handle;
        final Process process;
        final Thread thread;
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean cancelRequested;
        volatile boolean following = true;
        long offset;
        long errOffset;
        int seq;
        int lastStep;
        Integer totalSteps;
        ObjectNode end;
        String error;

        Monitor(Row row, ProcessHandle handle, Process process, long errOffset) {
            this.id = row.id();
            this.dir = Path.of(row.runDir());
            this.handle = handle;
            this.process = process;
            this.offset = row.logOffset();
            this.errOffset = errOffset;
            this.seq = repo.nextSeq(row.id());
            this.lastStep = row.lastStep();
            this.thread = new Thread(this, "training-run-" + row.id());
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stopFollowing() {
            following = false;
            thread.interrupt();
        }

        @Override
        public void run() {
            try {
                while (following) {
                    boolean alive = handle.isAlive();
                    drain(!alive);
                    if (!alive) {
                        end();
                        return;
                    }
                    try {
                        if (process != null) process.waitFor(poll.toMillis(), TimeUnit.MILLISECONDS);
                        else Thread.sleep(poll.toMillis());
                    } catch (InterruptedException e) {
                        if (!following) return;
                    }
                }
            } catch (RuntimeException e) {
                // a store failure (workspace closed under us): stop following; reattach() picks the run up again
                if (following) System.err.println("prefwork: following training run " + id + " failed: " + e);
            } finally {
                monitors.remove(id, this);
                done.countDown();
            }
        }

        /** The trainer is gone (found so on reattach): read the rest of its log and record the outcome. */
        void catchUpAndEnd() {
            try {
                drain(true);
                end();
            } finally {
                done.countDown();
            }
        }

        /** Reads what the trainer wrote since the last call; {@code eof}: it has exited, so a last unterminated line counts. */
        void drain(boolean eof) {
            List<Object> heard = new ArrayList<>(readStderr());   // log lines (String) and points, in the order written
            Path out = dir.resolve(RunFolder.STDOUT);
            boolean changed = false;
            while (true) {
                byte[] chunk = read(out, offset, CHUNK);
                int usable = lastNewline(chunk) + 1;
                boolean tail = eof && usable < chunk.length && chunk.length < CHUNK;
                if (tail || (usable == 0 && chunk.length == CHUNK)) usable = chunk.length;  // a last line, or a 1 MB line of noise
                if (usable <= 0) break;
                String text = new String(chunk, 0, usable, StandardCharsets.UTF_8);
                List<TrainingRunRepository.Metric> rows = new ArrayList<>();
                for (String line : text.split("\n")) {
                    if (line.isBlank()) continue;
                    MetricStream.Line parsed = MetricStream.parse(line, seq);
                    if (parsed instanceof MetricStream.Metric m) {
                        rows.add(new TrainingRunRepository.Metric(seq++, m.point().step(), m.point().epoch(), m.point().eval(), m.json()));
                        heard.add(m.point());
                        lastStep = Math.max(lastStep, m.point().step());
                        changed = true;
                    } else if (parsed instanceof MetricStream.Event e) {
                        changed |= event(e);
                        heard.add(describe(e));
                    } else {
                        heard.add(((MetricStream.Text) parsed).text());
                    }
                }
                offset += usable;
                repo.append(id, rows, offset, lastStep, totalSteps);   // the lines and how far they were read, together
                if (chunk.length < CHUNK) break;
            }
            tell(heard);
            if (changed) notifyRun(id);
        }

        /** Passes log lines and points on in the order they were written, each run of one kind in one call. */
        private void tell(List<Object> heard) {
            int i = 0;
            while (i < heard.size()) {
                boolean points = heard.get(i) instanceof MetricPoint;
                int j = i;
                while (j < heard.size() && (heard.get(j) instanceof MetricPoint) == points) j++;
                List<Object> run = heard.subList(i, j);
                if (points) {
                    List<MetricPoint> ps = run.stream().map(MetricPoint.class::cast).toList();
                    for (Listener l : listeners) l.metrics(id, ps);
                } else {
                    List<String> lines = run.stream().map(String.class::cast).toList();
                    for (Listener l : listeners) l.log(id, lines);
                }
                i = j;
            }
        }

        private List<String> readStderr() {
            List<String> lines = new ArrayList<>();
            byte[] chunk = read(dir.resolve(RunFolder.STDERR), errOffset, CHUNK);
            int usable = lastNewline(chunk) + 1;
            if (usable > 0) {
                errOffset += usable;
                for (String line : new String(chunk, 0, usable, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) lines.add(line);
                }
            }
            return lines;
        }

        /** Returns whether the run's recorded state changes (total steps known). */
        private boolean event(MetricStream.Event e) {
            switch (e.name()) {
                case "start" -> {
                    if (e.fields().path("total_steps").canConvertToInt()) {
                        totalSteps = e.fields().get("total_steps").asInt();
                        return true;
                    }
                }
                case "end" -> end = e.fields();
                case "error" -> error = e.text("message");
                default -> { }
            }
            return false;
        }

        private void end() {
            Integer exit = null;
            if (process != null) {
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                    exit = process.isAlive() ? null : process.exitValue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String status;
            String message = null;
            String metrics = null;
            String artifacts = null;
            if (end != null) {
                status = "finished".equals(end.path("status").asText()) ? TrainingRunRepository.FINISHED : TrainingRunRepository.CANCELLED;
                metrics = end.has("metrics") ? end.get("metrics").toString() : null;
                artifacts = end.has("artifacts") ? end.get("artifacts").toString() : null;
            } else if (exit != null && exit == TrainerPackage.EXIT_STOPPED) {
                status = TrainingRunRepository.CANCELLED;
                message = "stopped at once, without a new checkpoint";
            } else if (cancelRequested) {
                status = TrainingRunRepository.CANCELLED;
                message = "stopped before the trainer could save a checkpoint" + (exit == null ? "" : " (exit code " + exit + ")");
            } else {
                status = TrainingRunRepository.FAILED;
                String why = error != null ? error
                        : exit != null ? "the trainer exited with code " + exit + (exit > 128 ? " (killed by signal " + (exit - 128) + ")" : "")
                        : "the trainer stopped without a final report (while the workbench was not following it)";
                List<String> err = tail(dir.resolve(RunFolder.STDERR), 6);
                message = err.isEmpty() || error != null ? why : why + "; the end of stderr.log:\n" + String.join("\n", err);
            }
            // a trainer found gone after a restart ended when it last wrote its log
            java.time.Instant endedAt = process != null ? java.time.Instant.now() : lastWritten(dir.resolve(RunFolder.STDOUT));
            repo.finish(id, status, endedAt, metrics, artifacts, message, exit);
            notifyRun(id);
        }
    }

    private static String describe(MetricStream.Event e) {
        ObjectNode f = e.fields();
        return switch (e.name()) {
            case "start" -> "started: " + f.path("model").asText() + " on " + f.path("device").asText() + ", "
                    + f.path("train_pairs").asInt() + " train / " + f.path("eval_pairs").asInt() + " eval pairs, "
                    + f.path("total_steps").asInt() + " steps, " + f.path("precision").asText()
                    + (f.path("resumed_from_step").canConvertToInt() ? ", resumed from step " + f.get("resumed_from_step").asInt() : "");
            case "reference" -> "reference log-probs: " + f.path("source").asText() + " (" + f.path("pairs").asInt() + " pairs, "
                    + f.path("seconds").asDouble() + " s)";
            case "checkpoint" -> "checkpoint saved at step " + f.path("step").asInt() + " (" + f.path("path").asText() + ")";
            case "warning" -> "warning: " + f.path("message").asText();
            case "error" -> "error: " + f.path("message").asText();
            case "end" -> "ended: " + f.path("status").asText() + " at step " + f.path("step").asInt()
                    + (f.path("artifacts").isEmpty() ? "" : ", model in " + f.path("artifacts").get(0).asText().replaceAll("/[^/]*$", "/"));
            default -> e.name() + ": " + f;
        };
    }

    private void notifyRun(long id) {
        if (listeners.isEmpty()) return;
        run(id).ifPresent(r -> {
            for (Listener l : listeners) l.runChanged(r);
        });
    }

    // ---- files --------------------------------------------------------------------------------------------------

    private static byte[] read(Path file, long from, int max) {
        if (!Files.isRegularFile(file)) return new byte[0];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= from) return new byte[0];
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size - from));
            ch.position(from);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading until the buffer is full or the file ends
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) if (b[i] == '\n') return i;
        return -1;
    }

    private static java.time.Instant lastWritten(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return java.time.Instant.now();
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static List<String> tail(Path file, int max) {
        if (!Files.isRegularFile(file)) return List.of();
        long size = size(file);
        byte[] b = read(file, Math.max(0, size - 256L * max), 256 * max);
        String[] lines = new String(b, StandardCharsets.UTF_8).split("\n");
        List<String> out = new ArrayList<>();
        for (int i = Math.max(0, lines.length - max); i < lines.length; i++) if (!lines[i].isBlank()) out.add(lines[i]);
        return out;
    }

    static TrainingRun toRun(Row r) {
        TrainingConfig config;
        try {
            config = TrainingConfig.fromJson(JSON.readTree(r.configJson()));
        } catch (JsonProcessingException e) {
            config = TrainingConfig.defaults();
        }
        Map<String, Double> metrics = Map.of();
        List<String> artifacts = List.of();
        try {
            if (r.finalMetricsJson() != null) metrics = MetricStream.numbers(JSON.readTree(r.finalMetricsJson()));
            if (r.artifactsJson() != null) {
                List<String> a = new ArrayList<>();
                for (JsonNode n : JSON.readTree(r.artifactsJson())) a.add(n.asText());
                artifacts = a;
            }
        } catch (JsonProcessingException ignored) {
            // unreadable JSON: shown as no metrics / no artifacts
        }
        return new TrainingRun(r.id(), r.name(), RunStatus.of(r.status()), config, r.configJson(), r.model(), r.pairSource(),
                r.pairCount(), Path.of(r.runDir()), r.python(), r.pid(), r.createdAt(), r.startedAt(), r.endedAt(),
                r.totalSteps(), r.lastStep(), metrics, artifacts, r.error(), r.exitCode(), r.runSeconds(),
                r.pidStartedAt() != null ? r.pidStartedAt() : r.startedAt());
    }
}
