package dev.prefwork.generation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.store.GenerationJobRepository;
import dev.prefwork.store.GenerationJobRepository.CandidateToWrite;
import dev.prefwork.store.GenerationJobRepository.CommitOutcome;
import dev.prefwork.store.GenerationJobRepository.JobToCreate;
import dev.prefwork.store.GenerationJobRepository.StoredJob;
import dev.prefwork.store.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Generation jobs over a workspace: create one for a selection of prompts, run it with a backend, resume it.
 *
 * <p><b>Resumable, never doubled.</b> A job is its list of prompts (V10's {@code generation_job_prompt}); running
 * it asks the backend for each prompt still to do and commits that prompt's candidates together with its DONE mark
 * in one transaction ({@link GenerationJobRepository#commitPrompt}). Cancelling, an error, a crash or kill -9 at any
 * moment leaves every prompt either fully written or untouched, and {@link #run} on the same job carries on with
 * the prompts not DONE. Prompts in flight when a job stops are simply asked again.
 *
 * <p><b>Failures.</b> A refused request (HTTP 4xx) before any prompt of the job succeeded, or a model that fails,
 * stops the job at once: the settings are wrong and every prompt would fail alike. A prompt that got no usable answer
 * after the client's retries, one the server refuses after others succeeded, or one too long for the model is marked
 * FAILED and the job goes on; {@value #MAX_FAILURES_IN_A_ROW} such prompts in a row (too-long ones aside) stop it.
 * Either way the job can be resumed; FAILED prompts are tried again.
 *
 * <p>For a before/after comparison: {@code generate(new GenerationRequest("before/after", PromptSelection.prompts(P),
 * params, config), backend, listener, progress)}, then {@link GenerationJobRepository#candidates(long)} of the job.
 */
public final class GenerationService {

    private static final Logger log = LoggerFactory.getLogger(GenerationService.class);

    /** Prompts failing one after the other (after retries) that stop a job. */
    public static final int MAX_FAILURES_IN_A_ROW = 3;

    /** What a running job has done so far; counts of this run except {@code done}, which counts the job's whole life. */
    public record JobStats(long jobId, int done, int total, int failed, long candidates, long tokens, boolean tokensCounted,
                           Duration elapsed) {

        public double tokensPerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s > 0 ? tokens / s : 0;
        }

        /** "12 of 50 prompts · 60 candidates · 35 tokens/s" */
        public String line() {
            String s = String.format(Locale.ROOT, "%,d of %,d prompts · %,d candidates", done, total, candidates);
            if (tokensCounted && tokens > 0) s += String.format(Locale.ROOT, " · %,.0f tokens/s", tokensPerSecond());
            if (failed > 0) s += String.format(Locale.ROOT, " · %,d failed", failed);
            return s;
        }
    }

    /** One prompt finished (written, skipped or failed); {@code texts} are its new candidates when written. */
    public record PromptOutcome(long promptId, String sourceId, String status, List<String> texts, Long tokens, long elapsedMs,
                                String error, JobStats stats) {
    }

    /** Told of every prompt as it finishes, on the job's worker threads. */
    @FunctionalInterface
    public interface Listener {
        void promptFinished(PromptOutcome outcome);

        Listener NONE = o -> { };
    }

    /** How a run ended: COMPLETE, or FAILED with some prompts left (resume tries them again). */
    public record JobReport(long jobId, String status, JobStats stats, int remaining, String error) {
    }

    private final Workspace workspace;
    private final GenerationJobRepository jobs;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    public GenerationService(Workspace workspace) {
        this.workspace = workspace;
        this.jobs = workspace.generationJobs();
    }

    public Workspace workspace() { return workspace; }

    /** The prompts {@code selection} covers now, in the order a job would take them. */
    public long[] resolve(PromptSelection selection) {
        return switch (selection.scope()) {
            case ALL -> jobs.selectPromptIds(null, null, selection.onlyMissing());
            case DATASET -> jobs.selectPromptIds(selection.datasetId(), null, selection.onlyMissing());
            case CATEGORY -> jobs.selectPromptIds(null, selection.category(), selection.onlyMissing());
            case PROMPTS -> {
                for (long id : selection.promptIds()) {
                    if (workspace.prompts().get(id).isEmpty()) throw new InputException(null, 0, "prompts", "no prompt with id " + id);
                }
                yield selection.promptIds();
            }
        };
    }

    /** Creates a job for the request's prompts (they are fixed now) and returns its id; refuses an empty selection. */
    public long create(GenerationRequest request) {
        long[] ids = resolve(request.selection());
        if (ids.length == 0) {
            throw new InputException(null, 0, "prompts", request.selection().onlyMissing()
                    ? "every selected prompt has candidates already; nothing to generate"
                    : "no prompts are selected");
        }
        ObjectNode params = request.params().toJson();
        return jobs.create(new JobToCreate(request.label(), request.backend().kind(), request.backend().modelName(),
                Json.write(request.backend().toJson()), Json.write(params), Json.write(request.selection().toJson()),
                request.selection().onlyMissing(), ids));
    }

    /** Creates a job and runs it: {@link #create} then {@link #run}. */
    public JobReport generate(GenerationRequest request, GenerationBackend backend, Listener listener, Progress progress) {
        return run(create(request), backend, listener, progress);
    }

    public Optional<StoredJob> job(long id) {
        return jobs.get(id);
    }

    /** Every job, newest first. */
    public List<StoredJob> jobs() {
        return jobs.list();
    }

    /** The newest job with prompts left that is not running in this process. */
    public Optional<StoredJob> latestResumable() {
        return jobs.list().stream().filter(StoredJob::resumable).filter(j -> !running.contains(j.id())).findFirst();
    }

    /** True while {@link #run} is working on the job in this process. */
    public boolean isRunning(long jobId) {
        return running.contains(jobId);
    }

    /**
     * The job's state in words: "running", "interrupted" (found RUNNING but not running here: the process that ran it
     * was killed or crashed), "stopped", "failed", "complete", "discarded".
     */
    public String state(StoredJob job) {
        if (job.status().equals(GenerationJobRepository.RUNNING)) return running.contains(job.id()) ? "running" : "interrupted";
        return job.status().toLowerCase(Locale.ROOT);
    }

    /** Marks a job as not to be finished; its written candidates stay. */
    public void discard(long jobId) {
        if (running.contains(jobId)) throw new InputException("generation job #" + jobId + " is running; cancel it first");
        jobs.setStatus(jobId, GenerationJobRepository.DISCARDED, null);
    }

    /** The request a stored job was made with (to open its backend again and resume it). */
    public static GenerationRequest requestOf(StoredJob job) {
        return new GenerationRequest(job.label(), PromptSelection.fromJson(Json.read(job.selectionJson())),
                GenerationParams.fromJson(Json.read(job.parametersJson())), BackendConfig.fromJson(Json.read(job.backendConfigJson())));
    }

    /**
     * Runs (or resumes) job {@code jobId} with {@code backend} until every prompt is done, the job is cancelled
     * ({@code progress.isCancelled()}; throws {@link Progress.Cancelled}), or it fails.
     *
     * @throws GenerationException when the backend refused the request or failed in a way every prompt would
     * @throws InputException      when the job is finished, running already, or {@code backend} is not the job's
     */
    public JobReport run(long jobId, GenerationBackend backend, Listener listener, Progress progress) {
        StoredJob job = jobs.get(jobId).orElseThrow(() -> new InputException("no generation job #" + jobId + " in this workspace"));
        if (job.status().equals(GenerationJobRepository.COMPLETE) || job.status().equals(GenerationJobRepository.DISCARDED)) {
            throw new InputException("generation job #" + jobId + " is " + job.status().toLowerCase(Locale.ROOT) + "; start a new one");
        }
        if (!job.backend().equals(backend.kind()) || !job.model().equals(backend.modelName())) {
            throw new InputException("generation job #" + jobId + " generates with " + job.backend() + " model '" + job.model()
                    + "', not " + backend.kind() + " model '" + backend.modelName() + "'");
        }
        if (!running.add(jobId)) throw new InputException("generation job #" + jobId + " is running already");
        try {
            return runJob(job, backend, listener == null ? Listener.NONE : listener, progress);
        } finally {
            running.remove(jobId);
        }
    }

    private JobReport runJob(StoredJob job, GenerationBackend backend, Listener listener, Progress progress) {
        long jobId = job.id();
        GenerationParams params = GenerationParams.fromJson(Json.read(job.parametersJson()));
        long[] todo = jobs.remainingPromptIds(jobId);
        int total = job.promptsTotal();
        AtomicInteger done = new AtomicInteger(job.done() + job.skipped());
        AtomicInteger failed = new AtomicInteger();
        AtomicLong candidates = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        AtomicBoolean tokensCounted = new AtomicBoolean(true);
        AtomicInteger failuresInARow = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<RuntimeException> fatal = new AtomicReference<>();
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        BooleanSupplier cancelled = () -> stop.get() || progress.isCancelled();
        ObjectNode described = backend.describe();

        jobs.setStatus(jobId, GenerationJobRepository.RUNNING, null);
        java.util.function.Supplier<JobStats> stats = () -> new JobStats(jobId, done.get(), total, failed.get(), candidates.get(),
                tokens.get(), tokensCounted.get(), Duration.ofNanos(System.nanoTime() - started));
        progress.update(done.get(), total, stats.get().line());

        Runnable worker = () -> {
            int i;
            while (!cancelled.getAsBoolean() && (i = next.getAndIncrement()) < todo.length) {
                long promptId = todo[i];
                Prompt prompt = workspace.prompts().get(promptId).orElse(null);
                if (prompt == null) continue; // deleted meanwhile: nothing to generate
                long t0 = System.nanoTime();
                Generation g;
                try {
                    g = backend.generate(prompt.text(), params, cancelled);
                } catch (Progress.Cancelled c) {
                    return; // not committed: asked again on resume
                } catch (GenerationException e) {
                    boolean anyDone = done.get() > 0;
                    if (e.stopsTheJob() && !(e.kind() == GenerationException.Kind.REFUSED && anyDone)) {
                        fatal.compareAndSet(null, e);
                        stop.set(true);
                        return;
                    }
                    jobs.markFailed(jobId, promptId, e.getMessage());
                    failed.incrementAndGet();
                    listener.promptFinished(new PromptOutcome(promptId, prompt.sourceId(), "FAILED", List.of(), null,
                            elapsedMs(t0), e.getMessage(), stats.get()));
                    // a prompt too long for the model says nothing about the next one; anything else in a row means trouble
                    if (e.kind() != GenerationException.Kind.PROMPT && failuresInARow.incrementAndGet() >= MAX_FAILURES_IN_A_ROW) {
                        fatal.compareAndSet(null, new GenerationException(GenerationException.Kind.UNAVAILABLE, MAX_FAILURES_IN_A_ROW
                                + " prompts in a row got no usable answer, so the job stopped; resume it once the server works. Last: "
                                + e.getMessage(), e));
                        stop.set(true);
                    }
                    continue;
                } catch (RuntimeException e) {
                    fatal.compareAndSet(null, e);
                    stop.set(true);
                    return;
                }
                failuresInARow.set(0);
                long ms = elapsedMs(t0);
                List<CandidateToWrite> rows = new ArrayList<>(g.candidates().size());
                for (int k = 0; k < g.candidates().size(); k++) {
                    rows.add(new CandidateToWrite(g.candidates().get(k).text(), metadata(jobId, job.model(), described, params, k,
                            g.candidates().get(k))));
                }
                CommitOutcome outcome = jobs.commitPrompt(jobId, promptId, rows, g.completionTokens(), ms);
                if (outcome != CommitOutcome.ALREADY_DONE) done.incrementAndGet();
                if (outcome == CommitOutcome.WRITTEN) {
                    candidates.addAndGet(rows.size());
                    if (g.completionTokens() == null) tokensCounted.set(false);
                    else tokens.addAndGet(g.completionTokens());
                }
                JobStats s = stats.get();
                progress.update(s.done(), total, s.line());
                listener.promptFinished(new PromptOutcome(promptId, prompt.sourceId(), outcome.name(),
                        outcome == CommitOutcome.WRITTEN ? g.candidates().stream().map(GeneratedText::text).toList() : List.of(),
                        g.completionTokens(), ms, null, s));
            }
        };

        int workers = Math.max(1, Math.min(backend.concurrency(), todo.length));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "prefwork-generate-" + jobId);
            t.setDaemon(true);
            return t;
        });
        // Interrupting this thread (a UI task being cancelled) stops the job like a cancel, but the workers are always
        // waited for, and the job's state written, with the interrupt flag clear: H2's file channel must not see it.
        boolean interrupted = false;
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) futures.add(pool.submit(worker));
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (ExecutionException e) {
                        RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                        fatal.compareAndSet(null, cause);
                        stop.set(true);
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        stop.set(true);
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
        try {
            return finish(job, stats.get(), fatal.get(), progress.isCancelled() || interrupted);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Writes how the run ended and reports it (or throws what stopped it). */
    private JobReport finish(StoredJob job, JobStats s, RuntimeException fatal, boolean cancelled) {
        long jobId = job.id();
        int remaining = jobs.remainingPromptIds(jobId).length;
        RuntimeException error = fatal;
        if (error == null && cancelled && remaining > 0) error = new Progress.Cancelled();
        if (error instanceof Progress.Cancelled c) {
            jobs.setStatus(jobId, GenerationJobRepository.STOPPED, null);
            log.info("generation job {} stopped: {}", jobId, s.line());
            throw c;
        }
        if (error != null) {
            String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            jobs.setStatus(jobId, GenerationJobRepository.FAILED, message);
            log.info("generation job {} failed: {} ({})", jobId, message, s.line());
            throw error;
        }
        if (remaining == 0) {
            jobs.setStatus(jobId, GenerationJobRepository.COMPLETE, null);
            return new JobReport(jobId, GenerationJobRepository.COMPLETE, s, 0, null);
        }
        String first = jobs.errors(jobId, 1).stream().map(GenerationJobRepository.PromptError::error).findFirst().orElse("");
        String message = String.format(Locale.ROOT, "%,d %s got no usable answer; resume the job to try %s again. First error: %s",
                remaining, remaining == 1 ? "prompt" : "prompts", remaining == 1 ? "it" : "them", first);
        jobs.setStatus(jobId, GenerationJobRepository.FAILED, message);
        return new JobReport(jobId, GenerationJobRepository.FAILED, s, remaining, message);
    }

    /** {"generation": {job, model, the backend's description, the parameters, index, seed, finish_reason, …}} */
    private static String metadata(long jobId, String model, ObjectNode backend, GenerationParams params, int index, GeneratedText t) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode g = root.putObject("generation");
        g.put("job", jobId);
        g.put("model", model);
        g.setAll(backend.deepCopy());
        g.setAll(params.toJson());
        g.put("index", index);
        if (t.seed() == null) g.putNull("seed");
        else g.put("seed", t.seed());
        if (t.finishReason() != null) g.put("finish_reason", t.finishReason());
        if (t.completionTokens() != null) g.put("completion_tokens", t.completionTokens());
        t.extra().forEach(g::put);
        g.put("generated_at", OffsetDateTime.now().toString());
        return Json.write(root);
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000L;
    }
}
