package dev.prefwork.labeling.service;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.judge.JudgeAnswers;
import dev.prefwork.labeling.judge.JudgeBackend;
import dev.prefwork.labeling.judge.JudgeKey;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.JudgeVerdictRepository;
import dev.prefwork.store.Workspace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asking the model of a judge LF: an estimate of what asking over the whole workspace costs (questions, tokens,
 * time at the latency measured so far), a preview on a few candidates, and the job that asks the rest. Every
 * answer is cached ({@code judge_verdict}) per (model, template, candidate), so nothing is asked twice; an A/B
 * template is asked in both orders (position bias) and votes only when both agree (see
 * {@link LabelingService#comparativeVotes}). Applying the library reads the cache and never asks.
 */
public final class JudgeService {

    /** Questions in flight at once. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** Answers saved per transaction while a job runs (a cancelled job keeps what it saved). */
    private static final int SAVE_EVERY = 16;

    /** Before asking: how many questions, how many already answered, and what the rest costs. */
    public record Estimate(int questions, int cached, int toAsk, long promptTokens, long completionTokens,
                           Double latencyMs, Duration eta, int concurrency) {
        /** One line for the expert (and the CLI). */
        public String summary() {
            return toAsk + " of " + questions + " questions to ask (" + cached + " answered before), about "
                    + promptTokens + " prompt + " + completionTokens + " answer tokens, "
                    + (eta == null ? "time unknown until a preview measures the model's speed"
                    : "about " + human(eta) + " at " + Math.round(latencyMs) + " ms per answer, " + concurrency + " at a time");
        }
    }

    /** One answer as the preview shows it; for an A/B question {@code otherId} is the response shown as B. */
    public record Answer(long candidateId, long otherId, String prompt, String response, String otherResponse,
                         String reply, Double value, boolean cached, Verdict vote) {
        public boolean malformed() {
            return value == null;
        }
    }

    /** What a preview or a run did. */
    public record Report(int questions, int asked, int cached, int malformed, int failed, long promptTokens,
                         long completionTokens, long elapsedMs, String firstError, List<Answer> answers) {
    }

    private record Question(int row, int otherRow) {
    }

    private final Workspace workspace;
    private final LabelingService labeling;
    private final JudgeBackend backend;
    private final int concurrency;

    public JudgeService(Workspace workspace, LabelingService labeling, JudgeBackend backend) {
        this(workspace, labeling, backend, DEFAULT_CONCURRENCY);
    }

    public JudgeService(Workspace workspace, LabelingService labeling, JudgeBackend backend, int concurrency) {
        this.workspace = workspace;
        this.labeling = labeling;
        this.backend = backend;
        this.concurrency = Math.max(1, concurrency);
    }

    public Estimate estimate(LfSpec spec, Progress progress) {
        LfSpec.Judge j = requireJudge(spec);
        Corpus corpus = labeling.corpus(progress);
        List<Question> qs = questions(spec, corpus, progress);
        Map<List<Long>, JudgeVerdictRepository.Verdict> cache = cache(j);
        long promptTokens = 0;
        int cached = 0;
        for (Question q : qs) {
            if (cache.containsKey(key(corpus, q))) {
                cached++;
                continue;
            }
            promptTokens += (question(j, corpus, q).length() + 3) / 4; // ~4 characters a token (English, BPE)
        }
        int toAsk = qs.size() - cached;
        double latency = 0, completion = 0;
        int measured = 0, withTokens = 0;
        for (JudgeVerdictRepository.Verdict v : cache.values()) {
            latency += v.latencyMs();
            measured++;
            if (v.completionTokens() != null) {
                completion += v.completionTokens();
                withTokens++;
            }
        }
        long completionTokens = Math.round(toAsk * (withTokens > 0 ? completion / withTokens : j.maxTokens()));
        Double latencyMs = measured == 0 ? null : latency / measured;
        Duration eta = latencyMs == null ? null : Duration.ofMillis(Math.round(toAsk * latencyMs / concurrency));
        return new Estimate(qs.size(), cached, toAsk, promptTokens, completionTokens, latencyMs, eta, concurrency);
    }

    /** Asks about {@code candidates} candidates spread over the workspace (A/B: half as many pairs, both orders). */
    public Report preview(LfSpec spec, int candidates, Progress progress) {
        requireJudge(spec);
        Corpus corpus = labeling.corpus(progress);
        List<Question> all = questions(spec, corpus, progress);
        int want = spec.judge().pairwise() ? Math.max(2, candidates) : candidates; // A/B: each pair is two questions
        List<Question> picked = new ArrayList<>();
        if (!all.isEmpty()) {
            int step = spec.judge().pairwise() ? 2 : 1;
            int units = all.size() / step;
            int take = Math.min(units, want / step);
            // a fixed pseudo-random sample (evenly spaced rows would all be the same position in their prompts)
            Integer[] order = new Integer[units];
            for (int u = 0; u < units; u++) order[u] = u;
            java.util.Arrays.sort(order, java.util.Comparator.comparingLong(u -> mix(corpus.candidateId(all.get(u * step).row()))));
            int[] chosen = java.util.Arrays.stream(order, 0, take).mapToInt(Integer::intValue).sorted().toArray();
            for (int u : chosen) for (int s = 0; s < step; s++) picked.add(all.get(u * step + s));
        }
        return ask(spec, corpus, picked, true, progress);
    }

    /** Asks every question not answered yet (the whole workspace, within the LF's prompt scope). */
    public Report run(LfSpec spec, Progress progress) {
        requireJudge(spec);
        Corpus corpus = labeling.corpus(progress);
        return ask(spec, corpus, questions(spec, corpus, progress), false, progress);
    }

    private Report ask(LfSpec spec, Corpus corpus, List<Question> qs, boolean keepAnswers, Progress progress) {
        long t0 = System.nanoTime();
        LfSpec.Judge j = spec.judge();
        String key = JudgeKey.of(j);
        Map<List<Long>, JudgeVerdictRepository.Verdict> cache = cache(j);
        List<Question> todo = new ArrayList<>();
        Map<Question, JudgeVerdictRepository.Verdict> answers = new HashMap<>();
        for (Question q : qs) {
            JudgeVerdictRepository.Verdict v = cache.get(key(corpus, q));
            if (v != null) answers.put(q, v);
            else todo.add(q);
        }
        int cachedCount = answers.size();
        int[] failed = {0};
        String[] firstError = {null};
        long[] tokens = {0, 0};
        List<JudgeVerdictRepository.Verdict> unsaved = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, todo.size())), r -> {
            Thread t = new Thread(r, "judge");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            int[] done = {0};
            progress.update(0, todo.size(), "Asking " + j.model() + ": 0 of " + todo.size());
            for (Question q : todo) {
                futures.add(pool.submit(() -> {
                    if (stop.get() || progress.isCancelled()) return;
                    String question = question(j, corpus, q);
                    long a0 = System.nanoTime();
                    JudgeBackend.Reply reply;
                    try {
                        reply = backend.ask(j, question, () -> stop.get() || progress.isCancelled());
                    } catch (Progress.Cancelled e) {
                        return;
                    } catch (RuntimeException e) {
                        synchronized (unsaved) {
                            failed[0]++;
                            if (firstError[0] == null) firstError[0] = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                            // nothing answered and the first questions all fail: the server is unusable, stop asking
                            if (failed[0] >= Math.min(3, todo.size()) && done[0] == 0) stop.set(true);
                        }
                        return;
                    }
                    long ms = (System.nanoTime() - a0) / 1_000_000;
                    Double value = JudgeAnswers.parse(j.answer(), reply.text());
                    JudgeVerdictRepository.Verdict v = new JudgeVerdictRepository.Verdict(key, corpus.candidateId(q.row()),
                            q.otherRow() < 0 ? 0 : corpus.candidateId(q.otherRow()), reply.text(), value, reply.promptTokens(),
                            reply.completionTokens(), ms);
                    List<JudgeVerdictRepository.Verdict> batch = null;
                    synchronized (unsaved) {
                        answers.put(q, v);
                        unsaved.add(v);
                        tokens[0] += reply.promptTokens() == null ? (question.length() + 3) / 4 : reply.promptTokens();
                        tokens[1] += reply.completionTokens() == null ? 0 : reply.completionTokens();
                        done[0]++;
                        if (unsaved.size() >= SAVE_EVERY) {
                            batch = new ArrayList<>(unsaved);
                            unsaved.clear();
                        }
                        progress.update(done[0], todo.size(), "Asking " + j.model() + ": " + done[0] + " of " + todo.size());
                    }
                    if (batch != null) workspace.judgeVerdicts().saveAll(batch);
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.set(true);
                    throw new Progress.Cancelled();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
            synchronized (unsaved) {
                workspace.judgeVerdicts().saveAll(unsaved); // what was answered stays answered, even when cancelled
                unsaved.clear();
            }
        }
        progress.checkCancelled();
        if (answers.size() == cachedCount && failed[0] > 0 && !todo.isEmpty()) {
            throw new InputException(null, 0, "judge", "the judge model answered no question: " + firstError[0]);
        }
        int malformed = 0;
        List<Answer> shown = new ArrayList<>();
        for (Question q : qs) {
            JudgeVerdictRepository.Verdict v = answers.get(q);
            if (v == null) continue;
            if (v.value() == null) malformed++;
            if (keepAnswers) {
                int p = corpus.promptIndex(q.row());
                shown.add(new Answer(v.candidateId(), v.otherId(), corpus.promptText(p), corpus.text(q.row()),
                        q.otherRow() < 0 ? null : corpus.text(q.otherRow()), v.answer(), v.value(), cache.containsKey(key(corpus, q)),
                        vote(spec, v.value())));
            }
        }
        return new Report(qs.size(), todo.size() - failed[0], cachedCount, malformed, failed[0], tokens[0], tokens[1],
                (System.nanoTime() - t0) / 1_000_000, firstError[0], shown);
    }

    /** The vote one pointwise answer casts (null: abstain); A/B answers vote only as agreeing pairs. */
    static Verdict vote(LfSpec spec, Double value) {
        LfSpec.Judge j = spec.judge();
        if (value == null || j.pairwise()) return null;
        boolean in = (j.min() == null || value >= j.min()) && (j.max() == null || value <= j.max());
        return in ? spec.vote() : null;
    }

    /** Every question the LF asks, in candidate order: one per in-scope candidate, or both orders of each in-scope pair. */
    private List<Question> questions(LfSpec spec, Corpus corpus, Progress progress) {
        byte[] scope = labeling.inScope(spec.promptScope(), progress);
        List<Question> out = new ArrayList<>();
        if (!spec.judge().pairwise()) {
            for (int row = 0; row < corpus.size(); row++) if (scope[row] != 0) out.add(new Question(row, -1));
            return out;
        }
        for (int p = 0; p < corpus.prompts(); p++) {
            int k = corpus.groupSize(p);
            for (int i = 0; i < k; i++) {
                int a = corpus.groupRow(p, i);
                if (scope[a] == 0) continue;
                for (int jj = i + 1; jj < k; jj++) {
                    int b = corpus.groupRow(p, jj);
                    out.add(new Question(a, b));
                    out.add(new Question(b, a));
                }
            }
        }
        return out;
    }

    private static String question(LfSpec.Judge j, Corpus corpus, Question q) {
        String prompt = corpus.promptText(corpus.promptIndex(q.row()));
        return q.otherRow() < 0 ? JudgeAnswers.pointwise(j.template(), prompt, corpus.text(q.row()))
                : JudgeAnswers.pairwise(j.template(), prompt, corpus.text(q.row()), corpus.text(q.otherRow()));
    }

    private Map<List<Long>, JudgeVerdictRepository.Verdict> cache(LfSpec.Judge j) {
        Map<List<Long>, JudgeVerdictRepository.Verdict> m = new HashMap<>();
        for (JudgeVerdictRepository.Verdict v : workspace.judgeVerdicts().all(JudgeKey.of(j))) m.put(List.of(v.candidateId(), v.otherId()), v);
        return m;
    }

    private static List<Long> key(Corpus corpus, Question q) {
        return List.of(corpus.candidateId(q.row()), q.otherRow() < 0 ? 0L : corpus.candidateId(q.otherRow()));
    }

    private LfSpec.Judge requireJudge(LfSpec spec) {
        if (spec == null || spec.kindOrDefault() != LfSpec.Kind.JUDGE) throw new InputException(null, 0, "kind", "not a judge LF");
        List<SpecError> errors = labeling.validate(spec);
        if (!errors.isEmpty()) throw new InvalidLfException(null, "the judge LF cannot be asked", errors);
        return spec.judge();
    }

    /** A 64-bit finaliser (MurmurHash3's): neighbouring ids land far apart, with no parity bias. */
    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return Math.max(1, s) + " s";
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
