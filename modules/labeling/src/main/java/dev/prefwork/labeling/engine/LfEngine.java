package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.analysis.LfAnalysis;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.engine.ApplyResult.Column;
import dev.prefwork.labeling.engine.ApplyResult.Source;
import dev.prefwork.labeling.engine.LfCompiler.Compiled;
import dev.prefwork.labeling.engine.LfPreview.Example;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.LfValidator;
import dev.prefwork.labeling.lf.PhraseLists;
import dev.prefwork.labeling.lf.SpecError;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Applies LF specs to one {@link Corpus} and keeps the resulting vote columns in memory, keyed by what
 * decides the votes (vote, scope and condition, plus the phrase lists and model versions they use), so
 * applying a list of LFs again evaluates only the specs that changed. Work runs on one thread per core over
 * row chunks; per-corpus features are computed once and shared. Thread-safe: calls are serialised.
 */
public final class LfEngine implements AutoCloseable {

    /** Engine settings; {@link #defaults()} for the built-in phrase lists, a 250 ms regex budget (CPU time per text) and all cores. */
    public record Config(PhraseLists phraseLists, Map<String, ModelScoreProvider> providers, Duration regexBudget,
                         int threads, long cacheBytes) {

        public Config {
            Objects.requireNonNull(phraseLists);
            providers = Map.copyOf(providers);
            if (regexBudget.isNegative() || regexBudget.isZero()) throw new IllegalArgumentException("regex budget must be positive");
        }

        public static Config defaults() {
            return new Config(PhraseLists.builtIn(), Map.of(), Duration.ofMillis(250),
                    Runtime.getRuntime().availableProcessors(), 128L << 20);
        }

        public Config withPhraseLists(PhraseLists lists) {
            return new Config(lists, providers, regexBudget, threads, cacheBytes);
        }

        public Config withProvider(ModelScoreProvider p) {
            Map<String, ModelScoreProvider> m = new LinkedHashMap<>(providers);
            m.put(p.name(), p);
            return new Config(phraseLists, m, regexBudget, threads, cacheBytes);
        }

        /** The longest one regex may run on one text before the LF is stopped and reported. */
        public Config withRegexBudget(Duration budget) {
            return new Config(phraseLists, providers, budget, threads, cacheBytes);
        }

        public Config withThreads(int n) {
            return new Config(phraseLists, providers, regexBudget, n, cacheBytes);
        }

        /** Memory for cached vote columns beyond those of the latest apply (one byte per candidate per column). */
        public Config withCacheBytes(long bytes) {
            return new Config(phraseLists, providers, regexBudget, threads, bytes);
        }
    }

    /** What the preview shows besides statistics. */
    public record PreviewRequest(VoteMatrix others, byte[] gold, int hitExamples, int nearMisses, int disagreements) {
        public static PreviewRequest of(VoteMatrix others, byte[] gold) {
            return new PreviewRequest(others, gold, 20, 10, 10);
        }
    }

    private record CachedColumn(byte[] votes, String error) {
    }

    /** Below this a near miss is shown: 0.5 = within half the threshold's magnitude. */
    static final double NEAR = 0.5;
    private static final int ROW_CHUNK = 512;

    private final Corpus corpus;
    private final Parallel parallel;
    private final Features features;
    private volatile Config config;
    /** Access-ordered: the least recently used columns are evicted first. */
    private final LinkedHashMap<String, CachedColumn> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long evaluatedColumns;

    public LfEngine(Corpus corpus, Config config) {
        this.corpus = Objects.requireNonNull(corpus);
        this.config = config;
        this.parallel = new Parallel(config.threads());
        this.features = new Features(corpus, parallel);
    }

    public Corpus corpus() {
        return corpus;
    }

    /** A per-candidate measure in corpus row order (computed once per corpus and shared with the LFs). */
    public float[] measure(CandidateMeasure measure, dev.prefwork.core.Progress progress) {
        return switch (measure) {
            case CHARS -> features.length(Features.Side.RESPONSE, dev.prefwork.labeling.lf.Condition.LengthUnit.CHARS, progress);
            case WORDS -> features.length(Features.Side.RESPONSE, dev.prefwork.labeling.lf.Condition.LengthUnit.WORDS, progress);
            case READABILITY -> features.flesch(Features.Side.RESPONSE, progress);
            case REPETITION -> features.repetition(Features.Side.RESPONSE, Features.BUNDLE_N, progress);
            case PROMPT_OVERLAP -> features.promptOverlap(progress);
        };
    }

    public Config config() {
        return config;
    }

    /**
     * Replaces the phrase lists. Columns of LFs that use an edited list no longer match their cache key and are
     * recomputed on the next apply; all others stay.
     */
    public synchronized void setPhraseLists(PhraseLists lists) {
        config = config.withPhraseLists(lists);
    }

    /** Field-level problems with a spec, including a model provider's own checks of its params. */
    public List<SpecError> validate(LfSpec spec) {
        return validate(spec, config);
    }

    /** As {@link #validate(LfSpec)}, without an engine: the phrase lists and providers of {@code config}. */
    public static List<SpecError> validate(LfSpec spec, Config config) {
        // the judge provider is internal (a judge LF's cached answers), not a template the expert names
        Set<String> named = new HashSet<>(config.providers().keySet());
        boolean[] judged = {false};
        forEach(spec, c -> judged[0] |= c instanceof Condition.ModelScore m && JUDGE_PROVIDER.equals(m.provider()));
        if (!judged[0]) named.remove(JUDGE_PROVIDER); // (a judge LF's effective spec, as apply validates it, keeps it)
        List<SpecError> errors = new ArrayList<>(new LfValidator(config.phraseLists().names(), named).validate(spec));
        if (errors.isEmpty() && spec.kindOrDefault() == LfSpec.Kind.JUDGE && !config.providers().containsKey(JUDGE_PROVIDER)) {
            errors.add(new SpecError("judge", "judge LFs are not available here (no judge model support is installed)"));
        }
        if (errors.isEmpty()) {
            forEach(effective(spec), c -> {
                if (c instanceof Condition.ModelScore m) {
                    ModelScoreProvider p = config.providers().get(m.provider());
                    if (p != null && m.params() != null) errors.addAll(p.validate(m.params()).stream().map(e -> e.under("params")).toList());
                }
            });
        }
        return errors;
    }

    /**
     * What the votes of {@code spec} depend on outside the spec itself — the content of the phrase lists and the
     * versions of the model providers it uses — as a short hash ("" when nothing). Stored votes whose context
     * differs from the current one are stale.
     */
    public String contextKey(LfSpec spec) {
        return contextKey(spec, config);
    }

    /** {@link #contextKey(LfSpec)} under {@code cfg}, without an engine (checking stored votes needs no corpus). */
    public static String contextKey(LfSpec spec, Config cfg) {
        Set<String> parts = new TreeSet<>();
        forEach(effective(spec), c -> {
            if (c instanceof Condition.PhraseList p && p.list() != null && cfg.phraseLists().has(p.list())) {
                parts.add("phrases:" + p.list() + ":" + cfg.phraseLists().fingerprint(p.list()));
            } else if (c instanceof Condition.ModelScore m && m.provider() != null) {
                ModelScoreProvider p = cfg.providers().get(m.provider());
                parts.add("model:" + m.provider() + ":" + (p == null ? "missing" : p.version()));
            }
        });
        if (parts.isEmpty()) return "";
        return sha(String.join("\n", parts)).substring(0, 16);
    }

    /** The cache key: everything that decides the votes, and nothing else (not the name, aspect or description). */
    String columnKey(LfSpec spec) {
        LfSpec e = effective(spec);
        return LfJson.write(new LfSpec(null, null, e.vote(), null, e.promptScope(), e.when(), e.kind(), e.ratio(), e.judge()))
                + "|" + contextKey(spec);
    }

    /** The {@code model_score} provider that reads a judge LF's cached answers (registered by the labeling service). */
    public static final String JUDGE_PROVIDER = "judge";

    /**
     * The spec the engine evaluates: a pointwise judge LF is a {@code model_score} over its cached answers (the
     * provider {@value #JUDGE_PROVIDER} never asks the model: a judge job does, explicitly), everything else itself.
     */
    public static LfSpec effective(LfSpec spec) {
        if (spec == null || spec.kindOrDefault() != LfSpec.Kind.JUDGE || spec.judge() == null || spec.judge().pairwise()) return spec;
        LfSpec.Judge j = spec.judge();
        com.fasterxml.jackson.databind.node.ObjectNode params = LfJson.mapper().createObjectNode();
        params.put("key", dev.prefwork.labeling.judge.JudgeKey.of(j));
        return new LfSpec(spec.name(), spec.aspect(), spec.vote(), spec.description(), spec.promptScope(),
                new Condition.ModelScore(JUDGE_PROVIDER, params, j.min(), j.max()));
    }

    /** Puts votes computed earlier (read back from the store) into the cache, so applying the spec costs nothing. */
    public synchronized void seed(LfSpec spec, byte[] votes) {
        if (votes.length != corpus.size()) {
            throw new IllegalArgumentException("seeded votes have " + votes.length + " rows, the corpus " + corpus.size());
        }
        cache.put(columnKey(spec), new CachedColumn(votes, null));
    }

    public synchronized boolean isCached(LfSpec spec) {
        return cache.containsKey(columnKey(spec));
    }

    /** Columns evaluated since the engine was created (for tests and the benchmark: cache hits do not count). */
    public synchronized long evaluatedColumns() {
        return evaluatedColumns;
    }

    /**
     * Applies the specs and returns one column per spec, in order. Cached columns are reused; the others are
     * evaluated together in one parallel pass over the rows. An invalid or failing spec gives an all-abstain
     * column with its error, never an exception. Cancelling leaves the cache as it was.
     */
    public synchronized ApplyResult apply(List<LfSpec> given, Progress progress) {
        long t0 = System.nanoTime();
        List<LfSpec> specs = given.stream().map(LfEngine::effective).toList();
        int m = specs.size();
        byte[][] columns = new byte[m][];
        Column[] status = new Column[m];
        String[] keys = new String[m];
        List<Integer> todo = new ArrayList<>();
        List<Compiled> compiled = new ArrayList<>();
        Map<String, Integer> firstOfKey = new LinkedHashMap<>();
        LfCompiler compiler = compiler(progress);
        List<LfSpec> uncached = new ArrayList<>();
        for (LfSpec spec : specs) if (!cache.containsKey(columnKey(spec)) && validate(spec).isEmpty()) uncached.add(spec);
        compiler.prepare(uncached);
        for (int i = 0; i < m; i++) {
            LfSpec spec = specs.get(i);
            List<SpecError> errors = validate(spec);
            if (!errors.isEmpty()) {
                columns[i] = new byte[corpus.size()];
                status[i] = new Column(i, Source.INVALID, "invalid spec: " + errors.stream().map(SpecError::toString).reduce((a, b) -> a + "; " + b).orElse(""), 0);
                continue;
            }
            keys[i] = columnKey(spec);
            CachedColumn c = cache.get(keys[i]);
            if (c != null) {
                columns[i] = c.votes();
                status[i] = new Column(i, Source.CACHED, c.error(), 0);
                continue;
            }
            if (firstOfKey.containsKey(keys[i])) continue; // the same votes as an earlier spec in this request
            firstOfKey.put(keys[i], i);
            long c0 = System.nanoTime();
            try {
                compiled.add(compiler.compile(spec));
                todo.add(i);
            } catch (Progress.Cancelled e) {
                throw e;
            } catch (RuntimeException e) {
                columns[i] = new byte[corpus.size()];
                status[i] = new Column(i, Source.FAILED, message(e), System.nanoTime() - c0);
                cache.put(keys[i], new CachedColumn(columns[i], status[i].error()));
                evaluatedColumns++;
            }
        }
        if (!todo.isEmpty()) {
            EvalResult r = evaluate(compiled, progress, "Applying " + todo.size() + " LF" + (todo.size() == 1 ? "" : "s"));
            for (int k = 0; k < todo.size(); k++) {
                int i = todo.get(k);
                String err = r.errors.get(k);
                columns[i] = err == null ? r.columns[k] : new byte[corpus.size()];
                status[i] = new Column(i, err == null ? Source.COMPUTED : Source.FAILED, err, r.nanos.get(k));
                cache.put(keys[i], new CachedColumn(columns[i], err));
                evaluatedColumns++;
            }
        }
        for (int i = 0; i < m; i++) {
            if (columns[i] == null) { // a duplicate of an earlier spec in the request
                int first = firstOfKey.get(keys[i]);
                columns[i] = columns[first];
                status[i] = new Column(i, Source.CACHED, status[first].error(), 0);
            }
        }
        evict(new HashSet<>(Arrays.asList(keys)));
        return new ApplyResult(new VoteMatrix(corpus.size(), columns), List.of(status), System.nanoTime() - t0);
    }

    /** The cached votes of a spec (shared: do not modify), or null when it has not been applied. */
    public synchronized byte[] cachedVotes(LfSpec spec) {
        CachedColumn c = cache.get(columnKey(spec));
        return c == null || c.error() != null ? null : c.votes();
    }

    private record EvalResult(byte[][] columns, AtomicReferenceArray<String> errors, AtomicLongArray nanos) {
    }

    /** One parallel pass over the rows filling one column per compiled LF; a failing LF stops alone. */
    private EvalResult evaluate(List<Compiled> lfs, Progress progress, String message) {
        int n = corpus.size();
        int k = lfs.size();
        byte[][] cols = new byte[k][n];
        AtomicReferenceArray<String> errors = new AtomicReferenceArray<>(k);
        AtomicLongArray nanos = new AtomicLongArray(k);
        long[] done = {0};
        parallel.forChunks(n, ROW_CHUNK, progress, (from, to) -> {
            for (int j = 0; j < k; j++) {
                if (errors.get(j) != null) continue;
                long t = System.nanoTime();
                try {
                    lfs.get(j).apply(cols[j], from, to);
                } catch (RuntimeException | StackOverflowError e) {
                    errors.compareAndSet(j, null, message(e));
                }
                nanos.addAndGet(j, System.nanoTime() - t);
            }
            synchronized (done) {
                done[0] += to - from;
                if ((done[0] / ROW_CHUNK) % 16 == 0 || done[0] == n) progress.update(done[0], n, message);
            }
        });
        return new EvalResult(cols, errors, nanos);
    }

    /**
     * Evaluates an unsaved spec for the builder: statistics against {@code request.others()} (the other enabled
     * LFs, without the one being edited) and the gold, plus example hits with spans, near misses and gold
     * disagreements. The column is cached, so saving and applying the spec afterwards costs nothing.
     */
    public synchronized LfPreview preview(LfSpec given, PreviewRequest request, Progress progress) {
        long t0 = System.nanoTime();
        LfSpec spec = effective(given);
        int n = corpus.size();
        List<SpecError> errors = validate(spec);
        if (!errors.isEmpty()) return LfPreview.invalid(errors, n);
        String key = columnKey(spec);
        Compiled lf;
        try {
            LfCompiler compiler = compiler(progress);
            compiler.prepare(List.of(spec));
            lf = compiler.compile(spec);
        } catch (Progress.Cancelled e) {
            throw e;
        } catch (RuntimeException e) {
            return LfPreview.failed(message(e), n, System.nanoTime() - t0);
        }
        CachedColumn cached = cache.get(key);
        boolean fromCache = cached != null;
        byte[] votes;
        if (cached != null) {
            if (cached.error() != null) return LfPreview.failed(cached.error(), n, System.nanoTime() - t0);
            votes = cached.votes();
        } else {
            EvalResult r = evaluate(List.of(lf), progress, "Previewing");
            evaluatedColumns++;
            String err = r.errors.get(0);
            cache.put(key, new CachedColumn(err == null ? r.columns[0] : new byte[n], err));
            if (err != null) return LfPreview.failed(err, n, System.nanoTime() - t0);
            votes = r.columns[0];
        }
        byte[] gold = request.gold();
        LfStats stats = LfAnalysis.single(votes, request.others(), gold);
        int goldGood = 0, goldBad = 0;
        int inScope = 0;
        for (int row = 0; row < n; row++) {
            if (lf.inScope(row)) inScope++;
            if (votes[row] != 0 && gold != null) {
                if (gold[row] > 0) goldGood++;
                else if (gold[row] < 0) goldBad++;
            }
        }
        List<Example> hits;
        List<Example> disagreements;
        try {
            hits = examples(lf, votes, gold, request.hitExamples(), row -> true);
            disagreements = gold == null ? List.of()
                    : examples(lf, votes, gold, request.disagreements(), row -> gold[row] != 0 && gold[row] != votes[row]);
        } catch (RuntimeException e) {
            return LfPreview.failed(message(e), n, System.nanoTime() - t0);
        }
        List<Example> near = nearMisses(lf, votes, gold, request.nearMisses(), progress);
        evict(Set.of(key));
        return new LfPreview(List.of(), null, n, inScope, stats, goldGood, goldBad, hits, near, disagreements, fromCache,
                System.nanoTime() - t0);
    }

    private interface RowFilter {
        boolean keep(int row);
    }

    /** Up to {@code k} hits passing {@code filter}, in a fixed pseudo-random order (stable while the expert types). */
    private List<Example> examples(Compiled lf, byte[] votes, byte[] gold, int k, RowFilter filter) {
        if (k <= 0) return List.of();
        PriorityQueue<long[]> heap = new PriorityQueue<>((a, b) -> Long.compare(b[0], a[0]));
        for (int row = 0; row < votes.length; row++) {
            if (votes[row] == 0 || !filter.keep(row)) continue;
            long order = TextStats.mix(corpus.candidateId(row) * 0x9E3779B97F4A7C15L + 17);
            if (heap.size() < k) heap.add(new long[]{order, row});
            else if (order < heap.peek()[0]) {
                heap.poll();
                heap.add(new long[]{order, row});
            }
        }
        List<long[]> picked = new ArrayList<>(heap);
        picked.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Example> out = new ArrayList<>(picked.size());
        for (long[] p : picked) out.add(example(lf, (int) p[1], gold, 0, true));
        return out;
    }

    private List<Example> nearMisses(Compiled lf, byte[] votes, byte[] gold, int k, Progress progress) {
        if (k <= 0 || !lf.test.graded()) return List.of();
        int n = votes.length;
        float[] miss = new float[n];
        parallel.forChunks(n, ROW_CHUNK, progress, (from, to) -> {
            for (int row = from; row < to; row++) {
                miss[row] = votes[row] != 0 || !lf.inScope(row) ? Float.NaN : (float) safeMiss(lf, row);
            }
        });
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> Float.compare(miss[b], miss[a]));
        for (int row = 0; row < n; row++) {
            float x = miss[row];
            if (!(x > 0 && x < NEAR)) continue;
            if (heap.size() < k) heap.add(row);
            else if (x < miss[heap.peek()]) {
                heap.poll();
                heap.add(row);
            }
        }
        List<Integer> rows = new ArrayList<>(heap);
        rows.sort((a, b) -> miss[a] != miss[b] ? Float.compare(miss[a], miss[b]) : Integer.compare(a, b));
        List<Example> out = new ArrayList<>(rows.size());
        for (int row : rows) out.add(example(lf, row, gold, miss[row], false));
        return out;
    }

    private static double safeMiss(Compiled lf, int row) {
        try {
            return lf.test.miss(row);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private Example example(Compiled lf, int row, byte[] gold, double miss, boolean withSpans) {
        List<Span> spans = new ArrayList<>();
        if (withSpans) lf.test.spans(row, spans);
        int p = corpus.promptIndex(row);
        return new Example(row, corpus.candidateId(row), corpus.promptId(p), corpus.promptText(p), corpus.text(row),
                dedupe(spans), gold == null ? 0 : gold[row], miss);
    }

    /**
     * The spans {@code spec} matches in candidate {@code row} (empty when it does not vote there, or its template
     * has no span): the Compare view's highlight for one LF.
     */
    public synchronized List<Span> spans(LfSpec given, int row, Progress progress) {
        LfSpec spec = effective(given);
        if (!validate(spec).isEmpty() || spec.pairLevel()) return List.of();
        Compiled lf = compiler(progress).compile(spec);
        if (!lf.fires(row)) return List.of();
        List<Span> spans = new ArrayList<>();
        lf.test.spans(row, spans);
        return dedupe(spans);
    }

    private static List<Span> dedupe(List<Span> spans) {
        if (spans.size() < 2) return List.copyOf(spans);
        List<Span> sorted = new ArrayList<>(new TreeSet<>(spans.stream().map(s -> ((long) s.start() << 32) | s.end()).toList())
                .stream().map(v -> new Span((int) (v >>> 32), (int) (long) v)).toList());
        return Collections.unmodifiableList(sorted);
    }

    private LfCompiler compiler(Progress progress) {
        Config c = config;
        return new LfCompiler(features, c.phraseLists(), c.providers(), c.regexBudget().toNanos(), progress);
    }

    private void evict(Set<String> keep) {
        long bytes = (long) cache.size() * corpus.size();
        Iterator<Map.Entry<String, CachedColumn>> it = cache.entrySet().iterator();
        while (bytes > config.cacheBytes() && it.hasNext()) {
            Map.Entry<String, CachedColumn> e = it.next();
            if (keep.contains(e.getKey())) continue;
            it.remove();
            bytes -= corpus.size();
        }
    }

    private static String message(Throwable e) {
        if (e instanceof StackOverflowError) return "the condition is too deeply nested to evaluate";
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void forEach(LfSpec spec, java.util.function.Consumer<Condition> visitor) {
        if (spec == null) return;
        walk(spec.promptScope(), visitor);
        walk(spec.when(), visitor);
    }

    private static void walk(Condition c, java.util.function.Consumer<Condition> visitor) {
        if (c == null) return;
        visitor.accept(c);
        if (c instanceof Condition.And a && a.conditions() != null) a.conditions().forEach(x -> walk(x, visitor));
        else if (c instanceof Condition.Or o && o.conditions() != null) o.conditions().forEach(x -> walk(x, visitor));
        else if (c instanceof Condition.Not n) walk(n.condition(), visitor);
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
