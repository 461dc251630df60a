package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.lf.Condition.LengthUnit;
import dev.prefwork.labeling.lf.Condition.RankMeasure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Per-candidate and per-prompt values computed once per corpus and shared by every LF that needs them:
 * lowercase texts, lengths, readability, repetition, prompt overlap, within-prompt ranks and z-scores,
 * near-duplicate similarity, phrase-list hit counts, model scores. Each is computed (in parallel) the first
 * time an LF is compiled against it, so re-applying an edited LF mostly compares numbers.
 */
final class Features {

    enum Side { RESPONSE, PROMPT }

    private static final long[] STOP_WORDS = loadStopWords();

    final Corpus corpus;
    final Parallel parallel;
    private volatile String[] responseLower;
    private volatile String[] promptLower;
    private final Map<String, float[]> measures = new ConcurrentHashMap<>();

    Features(Corpus corpus, Parallel parallel) {
        this.corpus = corpus;
        this.parallel = parallel;
    }

    int size(Side side) {
        return side == Side.RESPONSE ? corpus.size() : corpus.prompts();
    }

    String[] texts(Side side) {
        return side == Side.RESPONSE ? corpus.texts() : corpus.promptTexts();
    }

    /** Lowercased texts (offsets preserved), computed on first use. */
    String[] lower(Side side, Progress progress) {
        String[] l = side == Side.RESPONSE ? responseLower : promptLower;
        if (l != null) return l;
        synchronized (this) {
            l = side == Side.RESPONSE ? responseLower : promptLower;
            if (l != null) return l;
            String[] texts = texts(side);
            String[] out = new String[texts.length];
            parallel.forChunks(texts.length, Parallel.CHUNK, progress, (a, b) -> {
                for (int i = a; i < b; i++) out[i] = TextStats.lower(texts[i]);
            });
            if (side == Side.RESPONSE) responseLower = out;
            else promptLower = out;
            return out;
        }
    }

    /** A cached measure; {@code compute} runs once (under the lock, so two LFs never compute it twice). */
    float[] measure(String key, Supplier<float[]> compute) {
        float[] m = measures.get(key);
        if (m != null) return m;
        synchronized (this) {
            m = measures.get(key);
            if (m == null) {
                m = compute.get();
                measures.put(key, m);
            }
            return m;
        }
    }

    float[] length(Side side, LengthUnit unit, Progress progress) {
        if (side == Side.RESPONSE && unit == LengthUnit.WORDS) return responseWords(progress, side + ":len:" + unit);
        String[] texts = texts(side);
        return measure(side + ":len:" + unit, () -> parallel.floats(texts.length, progress,
                i -> unit == LengthUnit.CHARS ? TextStats.chars(texts[i]) : TextStats.words(texts[i])));
    }

    /** Response length divided by its prompt's length (NaN for an empty prompt). */
    float[] relativeLength(LengthUnit unit, Progress progress) {
        return measure("rel:" + unit, () -> {
            float[] r = length(Side.RESPONSE, unit, progress);
            float[] p = length(Side.PROMPT, unit, progress);
            int[] promptOf = corpus.promptOfRow();
            return parallel.floats(r.length, progress, i -> {
                float d = p[promptOf[i]];
                return d == 0 ? Float.NaN : r[i] / d;
            });
        });
    }

    float[] flesch(Side side, Progress progress) {
        if (side == Side.RESPONSE) return responseWords(progress, side + ":flesch");
        String[] texts = texts(side);
        return measure(side + ":flesch", () -> parallel.floats(texts.length, progress, i -> (float) TextStats.flesch(texts[i])));
    }

    float[] repetition(Side side, int n, Progress progress) {
        if (side == Side.RESPONSE && n == BUNDLE_N) return responseWords(progress, side + ":rep:" + n);
        String[] texts = texts(side);
        return measure(side + ":rep:" + n, () -> parallel.floats(texts.length, progress,
                i -> (float) TextStats.duplicateNgramRate(TextStats.wordHashes(texts[i]), n)));
    }

    /** Share of the prompt's distinct content words found in the response; NaN when the prompt has none. */
    float[] promptOverlap(Progress progress) {
        return responseWords(progress, WordMeasure.OVERLAP.key);
    }

    static long[] contentWords(String text) {
        long[] w = TextStats.wordHashes(text);
        Arrays.sort(w);
        w = TextStats.distinct(w);
        int k = 0;
        for (long h : w) if (Arrays.binarySearch(STOP_WORDS, h) < 0) w[k++] = h;
        return Arrays.copyOf(w, k);
    }

    float[] rankMeasure(RankMeasure m, Progress progress) {
        return switch (m) {
            case CHARS -> length(Side.RESPONSE, LengthUnit.CHARS, progress);
            case WORDS -> length(Side.RESPONSE, LengthUnit.WORDS, progress);
            case READABILITY -> flesch(Side.RESPONSE, progress);
            case PROMPT_OVERLAP -> promptOverlap(progress);
        };
    }

    /**
     * Within-prompt standing on a measure: kind "max"/"min" gives 1 for the candidates holding the prompt's
     * highest/lowest value (0 when all are equal), kind "z" the z-score (NaN for prompts with fewer than two
     * scored candidates; 0 when all are equal). NaN values take no part.
     */
    float[] groupStat(RankMeasure m, String kind, Progress progress) {
        return measure("group:" + m + ":" + kind, () -> {
            float[] v = rankMeasure(m, progress);
            float[] out = new float[v.length];
            Arrays.fill(out, kind.equals("z") ? Float.NaN : 0f);
            parallel.forChunks(corpus.prompts(), 512, progress, (a, b) -> {
                for (int p = a; p < b; p++) {
                    int n = corpus.groupSize(p);
                    double sum = 0, sq = 0, max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
                    int scored = 0;
                    for (int k = 0; k < n; k++) {
                        float x = v[corpus.groupRow(p, k)];
                        if (Float.isNaN(x)) continue;
                        scored++;
                        sum += x;
                        sq += (double) x * x;
                        max = Math.max(max, x);
                        min = Math.min(min, x);
                    }
                    if (scored < 2) continue;
                    double mean = sum / scored;
                    double sd = Math.sqrt(Math.max(0, sq / scored - mean * mean));
                    for (int k = 0; k < n; k++) {
                        int row = corpus.groupRow(p, k);
                        float x = v[row];
                        if (Float.isNaN(x)) continue;
                        switch (kind) {
                            case "max" -> out[row] = max > min && x == max ? 1f : 0f;
                            case "min" -> out[row] = max > min && x == min ? 1f : 0f;
                            default -> out[row] = sd < 1e-9 * Math.max(1, Math.abs(mean)) ? 0f : (float) ((x - mean) / sd);
                        }
                    }
                }
            });
            return out;
        });
    }

    /** Highest shingle Jaccard similarity with another candidate of the same prompt; NaN for a lone candidate. */
    float[] nearDuplicate(int shingle, Progress progress) {
        if (shingle == BUNDLE_N) return responseWords(progress, "neardup:" + shingle);
        return measure("neardup:" + shingle, () -> {
            String[] texts = corpus.texts();
            float[] out = new float[texts.length];
            Arrays.fill(out, Float.NaN);
            parallel.forChunks(corpus.prompts(), 128, progress, (a, b) -> {
                for (int p = a; p < b; p++) {
                    int n = corpus.groupSize(p);
                    if (n < 2) continue;
                    long[][] sh = new long[n][];
                    for (int k = 0; k < n; k++) sh[k] = TextStats.shingles(TextStats.wordHashes(texts[corpus.groupRow(p, k)]), shingle);
                    for (int x = 0; x < n; x++) {
                        double best = 0;
                        for (int y = 0; y < n; y++) if (x != y) best = Math.max(best, TextStats.jaccard(sh[x], sh[y]));
                        out[corpus.groupRow(p, x)] = (float) best;
                    }
                }
            });
            return out;
        });
    }

    /** The n of the repetition and near-duplicate measures the word pass computes (the templates' default). */
    static final int BUNDLE_N = 3;
    private static final ThreadLocal<WordScan> SCAN = ThreadLocal.withInitial(WordScan::new);

    /** The response measures the word pass computes. */
    enum WordMeasure {
        WORDS(Side.RESPONSE + ":len:" + LengthUnit.WORDS), FLESCH(Side.RESPONSE + ":flesch"),
        REPETITION(Side.RESPONSE + ":rep:" + BUNDLE_N), OVERLAP("overlap"), NEAR_DUPLICATE("neardup:" + BUNDLE_N);

        final String key;

        WordMeasure(String key) {
            this.key = key;
        }
    }

    private float[] responseWords(Progress progress, String key) {
        for (WordMeasure m : WordMeasure.values()) {
            if (m.key.equals(key)) {
                prepare(java.util.EnumSet.of(m), progress);
                return measures.get(key);
            }
        }
        throw new IllegalArgumentException(key);
    }

    /**
     * Computes the missing ones of {@code wanted} in one tokenising pass per prompt group — each text is read
     * once for all of them, and the 3-gram hashes serve both repetition and near-duplicates. The engine calls
     * it with everything the LFs it is about to compile need, so a library that uses all five pays one pass.
     */
    synchronized void prepare(java.util.Set<WordMeasure> wanted, Progress progress) {
        java.util.EnumSet<WordMeasure> todo = java.util.EnumSet.noneOf(WordMeasure.class);
        for (WordMeasure m : wanted) if (!measures.containsKey(m.key)) todo.add(m);
        if (todo.isEmpty()) return;
        boolean words = todo.contains(WordMeasure.WORDS), flesch = todo.contains(WordMeasure.FLESCH),
                rep = todo.contains(WordMeasure.REPETITION), overlap = todo.contains(WordMeasure.OVERLAP),
                near = todo.contains(WordMeasure.NEAR_DUPLICATE);
        String[] texts = corpus.texts();
        String[] prompts = corpus.promptTexts();
        int n = texts.length;
        float[] wordsOut = words ? new float[n] : null, fleschOut = flesch ? new float[n] : null, repOut = rep ? new float[n] : null,
                overlapOut = overlap ? new float[n] : null, nearOut = near ? new float[n] : null;
        boolean needHashes = rep || overlap || near;
        parallel.forChunks(corpus.prompts(), 64, progress, (a, b) -> {
            WordScan ws = SCAN.get();
            for (int p = a; p < b; p++) {
                int g = corpus.groupSize(p);
                if (g == 0) continue;
                long[] content = overlap ? contentWords(prompts[p]) : null;
                for (int k = 0; k < g; k++) {
                    int row = corpus.groupRow(p, k);
                    String text = texts[row];
                    if (!flesch && !needHashes) {
                        wordsOut[row] = TextStats.words(text);
                        continue;
                    }
                    ws.scan(text, flesch);
                    int w = ws.words;
                    if (words) wordsOut[row] = w;
                    if (flesch) fleschOut[row] = (float) ws.flesch();
                    if (overlap) {
                        if (content.length == 0) {
                            overlapOut[row] = Float.NaN;
                        } else {
                            // a prompt has few content words: look each response word up instead of sorting them
                            boolean[] found = new boolean[content.length];
                            int hits = 0;
                            for (int x = 0; x < w; x++) {
                                int at = Arrays.binarySearch(content, ws.hashes[x]);
                                if (at >= 0 && !found[at]) {
                                    found[at] = true;
                                    hits++;
                                }
                            }
                            overlapOut[row] = (float) hits / content.length;
                        }
                    }
                    if (rep || near) {
                        // distinct 3-grams into the scanner's buffer k: they serve repetition and near-duplicates
                        int total = ws.shingles(BUNDLE_N, k);
                        if (rep) repOut[row] = w < BUNDLE_N ? 0f : (float) (1.0 - (double) ws.poolLength[k] / total);
                    }
                }
                if (near) {
                    // Jaccard of each pair by hashing one side and probing with the other (no sorting)
                    double[] best = new double[g];
                    Arrays.fill(best, g < 2 ? Double.NaN : 0);
                    for (int x = 0; x < g - 1; x++) {
                        int nx = ws.poolLength[x];
                        ws.load(ws.pooled(x), nx);
                        for (int y = x + 1; y < g; y++) {
                            int ny = ws.poolLength[y];
                            double j;
                            if (nx == 0 && ny == 0) {
                                j = 1;
                            } else {
                                long[] ys = ws.pooled(y);
                                int inter = 0;
                                for (int q = 0; q < ny; q++) if (ws.contains(ys[q])) inter++;
                                j = (double) inter / (nx + ny - inter);
                            }
                            best[x] = Math.max(best[x], j);
                            best[y] = Math.max(best[y], j);
                        }
                    }
                    for (int x = 0; x < g; x++) nearOut[corpus.groupRow(p, x)] = (float) best[x];
                }
            }
        });
        if (words) measures.put(WordMeasure.WORDS.key, wordsOut);
        if (flesch) measures.put(WordMeasure.FLESCH.key, fleschOut);
        if (rep) measures.put(WordMeasure.REPETITION.key, repOut);
        if (overlap) measures.put(WordMeasure.OVERLAP.key, overlapOut);
        if (near) measures.put(WordMeasure.NEAR_DUPLICATE.key, nearOut);
    }

    /**
     * Hit counts for several phrase lists from one pass over each text (one automaton over all their phrases),
     * stored under the same keys {@link #phraseHits} uses.
     */
    synchronized void preparePhrases(Side side, java.util.Map<String, java.util.List<String>> listsByFingerprint, Progress progress) {
        java.util.List<String> todo = new java.util.ArrayList<>();
        for (String fp : listsByFingerprint.keySet()) if (!measures.containsKey(side + ":phrases:" + fp)) todo.add(fp);
        if (todo.size() < 2) return; // one list: phraseHits does it as well
        java.util.List<String> all = new java.util.ArrayList<>();
        int[] listOf = new int[0];
        for (int l = 0; l < todo.size(); l++) {
            java.util.List<String> phrases = listsByFingerprint.get(todo.get(l));
            all.addAll(phrases);
            int from = listOf.length;
            listOf = Arrays.copyOf(listOf, from + phrases.size());
            Arrays.fill(listOf, from, listOf.length, l);
        }
        TermMatcher matcher = new TermMatcher(all, false, true);
        String[] lower = lower(side, progress);
        float[][] out = new float[todo.size()][lower.length];
        int[] owner = listOf;
        parallel.forChunks(lower.length, Parallel.CHUNK, progress, (a, b) -> {
            boolean[] seen = new boolean[owner.length];
            for (int i = a; i < b; i++) {
                Arrays.fill(seen, false);
                matcher.mark(lower[i], seen);
                for (int t = 0; t < seen.length; t++) if (seen[t]) out[owner[t]][i]++;
            }
        });
        for (int l = 0; l < todo.size(); l++) measures.put(side + ":phrases:" + todo.get(l), out[l]);
    }

    /** How many different phrases of a list occur in each text (the list's fingerprint is part of the key). */
    float[] phraseHits(Side side, TermMatcher matcher, String fingerprint, Progress progress) {
        return measure(side + ":phrases:" + fingerprint, () -> {
            String[] lower = lower(side, progress);
            return parallel.floats(lower.length, progress, i -> matcher.distinctHits(lower[i]));
        });
    }

    private static long[] loadStopWords() {
        try (InputStream in = Features.class.getResourceAsStream("/dev/prefwork/labeling/lf/stopwords.txt")) {
            if (in == null) throw new IllegalStateException("missing stopwords.txt");
            List<String> words = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
            long[] h = words.stream().mapToLong(TextStats::wordHash).filter(x -> x != 0).sorted().distinct().toArray();
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
