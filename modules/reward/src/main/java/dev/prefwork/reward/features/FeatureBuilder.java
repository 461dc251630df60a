package dev.prefwork.reward.features;

import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingLookup;
import dev.prefwork.inference.EmbeddingModel;
import dev.prefwork.inference.EmbeddingService;
import dev.prefwork.inference.OnnxEmbeddingModel;
import dev.prefwork.labeling.model.AspectPredictions;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfVotes;
import dev.prefwork.store.LabelModelRunRepository.Predictions;
import dev.prefwork.store.BulkReader;
import dev.prefwork.store.Workspace;
import dev.prefwork.labeling.engine.Corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the reward model's features from the workspace (DESIGN §7): the enabled LFs' votes (applying what is not
 * applied), the latest label model's P(GOOD) per aspect (refitting it first when it is missing or stale and that was
 * asked for), the response embeddings (embedding what the cache lacks, with progress) reduced to their principal
 * components and their cosine with the prompt's embedding, and text statistics relative to the prompt's other
 * candidates (measured on the texts the labeling engine holds in memory).
 */
public final class FeatureBuilder {

    /** Sample of vectors the embedding components are fitted on (deterministic: every k-th candidate). */
    static final int PCA_SAMPLE = 4000;

    private final Workspace workspace;
    private final LabelingService labeling;
    private final LabelModelService labelModel;
    private final Function<String, EmbeddingModel> embeddingModels;
    /** The last fit's text measures and embedding features: texts and vectors never change, so a refit on the same
     *  candidates reuses them (the expert's fit → correct → refit loop). */
    private TextCache texts;
    private EmbeddingCache embeddingCache;

    /** @param embeddingModels opens the embedding model a {@link FeatureSpec#embeddingModel()} names (the caller's settings) */
    public FeatureBuilder(Workspace workspace, LabelingService labeling, LabelModelService labelModel,
                          Function<String, EmbeddingModel> embeddingModels) {
        this.workspace = workspace;
        this.labeling = labeling;
        this.labelModel = labelModel;
        this.embeddingModels = embeddingModels;
    }

    public Features build(FeatureSpec spec, boolean refreshLabelModel, Progress progress) {
        List<String> notes = new ArrayList<>();
        Stopwatch clock = new Stopwatch();
        // 1. votes and the label model
        boolean anyEnabled = labeling.list().stream().anyMatch(LabelingFunction::enabled);
        LfVotes votes = null;
        LabelModelRun run = null;
        float[] combined = null;
        AspectPredictions aspects = null;
        if (anyEnabled) {
            progress.update(0, -1, "Applying the labeling functions");
            votes = labeling.enabledVotes(progress);
            progress.checkCancelled();
            run = labelModel.latest().orElse(null);
            if ((run == null || run.stale()) && refreshLabelModel) {
                progress.update(0, -1, run == null ? "Fitting the label model" : "Refitting the stale label model");
                notes.add(run == null ? "no label model had been fitted: fitted one with the default settings"
                        : "the label model was stale (" + run.staleness().reason() + "): refitted it with its settings");
                run = labelModel.fit(refitRequest(run, votes), progress);
            }
            if (run != null && !run.stale()) {
                Optional<Predictions> p = labelModel.predictions();
                if (p.isPresent()) {
                    combined = align(votes.candidateIds(), p.get());
                    aspects = LabelModelService.aspectPredictions(run, votes);
                }
            } else if (run != null) {
                notes.add("the label model is stale (" + run.staleness().reason() + "): its P(GOOD) is not used; refit it");
                run = null;
            }
        } else {
            notes.add("no enabled labeling functions: the model learns from your gold alone");
        }

        // 2. texts: ids, prompts, raw text measures
        clock.lap("votes and label model");
        String candidateSet = workspace.bulk().candidateSetKey();
        TextCache t = texts;
        if (t == null || !t.candidateSet().equals(candidateSet)) {
            t = readTexts(progress);
            texts = t;
            candidateSet = t.candidateSet();
        }
        long[] candidateIds = t.candidateIds();
        if (votes != null && !Arrays.equals(candidateIds, votes.candidateIds())) {
            throw new IllegalStateException("the candidates changed while the features were read; fit again");
        }
        int n = candidateIds.length;
        if (n == 0) throw new IllegalStateException("the workspace has no candidates to score");
        float[] rawStats = t.raw();
        CandidateIndex index = t.index();
        clock.lap("texts");

        // 3. columns
        List<FeatureColumn> cols = new ArrayList<>();
        List<ExplanationGroup> groups = new ArrayList<>();
        Map<String, Integer> groupIndex = new LinkedHashMap<>();
        int embedAt = -1, embedCount = 0, cosineAt = -1, lfAt = -1, aspectAt = -1, textAt = -1;
        Pca pca = null;
        String embeddingId = null;
        float[][] embeddingSample = null;
        boolean embedded = false;
        EmbeddingCache cachedVectors = embeddingCache;
        boolean vectorsCached = spec.needsEmbeddings() && cachedVectors != null && cachedVectors.matches(candidateSet, spec);
        if (vectorsCached) {
            embeddingId = cachedVectors.modelId();
            pca = spec.has(FeatureGroup.EMBEDDING) ? cachedVectors.pca() : null;
            if (spec.has(FeatureGroup.EMBEDDING) && pca == null) notes.add("too few embedded candidates for embedding features: left out");
        } else if (spec.needsEmbeddings()) {
            // The cache is usually complete: check a sample of it, and load the model only when something is missing.
            embeddingId = bundled(spec) ? OnnxEmbeddingModel.BUNDLED_ID : null;
            embeddingSample = embeddingId == null ? null : sample(embeddingId, candidateIds);
            if (embeddingSample == null) {
                embeddingId = embedMissing(spec, progress);
                embedded = true;
                embeddingSample = sample(embeddingId, candidateIds);
            }
            clock.lap("embedding sample");
            if (spec.has(FeatureGroup.EMBEDDING)) {
                float[][] usable = embeddingSample == null ? new float[0][] : embeddingSample;
                if (usable.length >= 2) {
                    pca = Pca.fit(usable, spec.embeddingComponents());
                    clock.lap("embedding components");
                } else {
                    notes.add("too few embedded candidates for embedding features: left out");
                }
            }
        }
        if (pca != null) {
            embedAt = cols.size();
            embedCount = pca.components();
            int g = group(groups, groupIndex, new ExplanationGroup("embedding", "Meaning (response embedding)", FeatureGroup.EMBEDDING, null, null));
            for (int i = 0; i < embedCount; i++) cols.add(new FeatureColumn("embedding:" + i, FeatureGroup.EMBEDDING, null, null, g, 0, 1));
        }
        if (spec.has(FeatureGroup.PROMPT_SIMILARITY) && embeddingId != null) {
            cosineAt = cols.size();
            int g = group(groups, groupIndex, new ExplanationGroup("prompt_cosine", "Similarity to the prompt", FeatureGroup.PROMPT_SIMILARITY, null, null));
            cols.add(new FeatureColumn("prompt_cosine", FeatureGroup.PROMPT_SIMILARITY, null, null, g, 0, 1));
        }
        if (spec.has(FeatureGroup.LF_VOTES) && votes != null && !votes.columns().isEmpty()) {
            lfAt = cols.size();
            Map<Long, Double> accuracy = lfAccuracies(run);
            for (LfVotes.Column c : votes.columns()) {
                int g = group(groups, groupIndex, new ExplanationGroup("lf:" + c.lfId(), "LF: " + c.name(), FeatureGroup.LF_VOTES,
                        c.aspect(), c.lfId(), c.vote().name(), accuracy.getOrDefault(c.versionId(), Double.NaN)));
                cols.add(new FeatureColumn("lf:" + c.versionId(), FeatureGroup.LF_VOTES, c.aspect(), c.versionId(), g, 0, 1));
            }
        }
        if (spec.has(FeatureGroup.LABEL_MODEL) && aspects != null) {
            aspectAt = cols.size();
            for (String a : aspects.aspects()) {
                int g = group(groups, groupIndex, new ExplanationGroup("aspect:" + a, "Label model P(GOOD): " + a, FeatureGroup.LABEL_MODEL, a, null));
                cols.add(new FeatureColumn("aspect:" + a, FeatureGroup.LABEL_MODEL, a, null, g, 0, 1));
            }
        } else if (spec.has(FeatureGroup.LABEL_MODEL) && anyEnabled && aspects == null) {
            notes.add("no usable label model: its P(GOOD) features are left out");
        }
        if (spec.has(FeatureGroup.TEXT_STATS)) {
            textAt = cols.size();
            for (TextFeatures.Stat s : TextFeatures.STATS) {
                int g = group(groups, groupIndex, new ExplanationGroup("text:" + s.key(), s.label(), FeatureGroup.TEXT_STATS, null, null));
                cols.add(new FeatureColumn("text:" + s.key(), FeatureGroup.TEXT_STATS, null, null, g, 0, 1));
            }
        }
        int knnAt = -1;
        float[] knn = null;
        if (spec.has(FeatureGroup.GOLD_NEIGHBOURS) && embeddingId != null) {
            progress.update(0, -1, "Comparing the responses with your gold of similar prompts");
            knn = GoldNeighbours.compute(new EmbeddingLookup(workspace), embeddingId, index, goldRows(index));
            clock.lap("gold neighbours");
            if (knn == null) {
                notes.add("no GOOD and BAD gold responses yet: the gold nearest-neighbour feature is left out");
            } else {
                knnAt = cols.size();
                int g = group(groups, groupIndex, new ExplanationGroup("gold_knn", "Like your GOOD answers to similar prompts",
                        FeatureGroup.GOLD_NEIGHBOURS, null, null));
                cols.add(new FeatureColumn("gold_knn", FeatureGroup.GOLD_NEIGHBOURS, null, null, g, 0, 1));
            }
        }
        int d = cols.size();
        if (d == 0) throw new IllegalStateException("no features to fit on: choose at least one feature group that has data");

        // 4. values
        float[] x = new float[n * d];
        if (textAt >= 0) TextFeatures.relativeToPrompt(index, rawStats, x, d, textAt);
        if (lfAt >= 0) {
            for (int j = 0; j < votes.columns().size(); j++) {
                byte[] col = votes.matrix().column(j);
                for (int r = 0; r < n; r++) x[r * d + lfAt + j] = col[r];
            }
        }
        if (aspectAt >= 0) {
            List<String> names = aspects.aspects();
            for (int a = 0; a < names.size(); a++) {
                float[] p = aspects.pGood(names.get(a));
                for (int r = 0; r < n; r++) x[r * d + aspectAt + a] = (float) logit(p[r]);
            }
        }
        if (knnAt >= 0) for (int r = 0; r < n; r++) x[r * d + knnAt] = knn[r];
        clock.lap("vote, aspect and text columns");
        if ((embedAt >= 0 || cosineAt >= 0) && vectorsCached) {
            cachedVectors.copyInto(x, n, d, embedAt, cosineAt);
            clock.lap("embeddings (kept from the last fit)");
        } else if (embedAt >= 0 || cosineAt >= 0) {
            int missing = readEmbeddings(spec, embeddingId, embedded, index, pca, x, d, embedAt, cosineAt, progress);
            clock.lap("embeddings");
            if (missing > 0) {
                notes.add(String.format("%,d candidates have no embedding: their embedding features are set to the average", missing));
            } else {
                embeddingCache = EmbeddingCache.of(candidateSet, spec, embeddingId, pca, x, n, d, embedAt, cosineAt);
            }
        }
        List<FeatureColumn> standardised = standardise(x, n, d, cols);
        clock.lap("standardise");
        return new Features(spec, index, new FeatureMatrix(n, standardised, groups, x), votes, combined == null ? nanArray(n) : combined,
                run, embeddingId, pca, List.copyOf(notes), candidateSet, clock.laps());
    }

    /** The gold per row (1 GOOD, −1 BAD, 0 none) from labels and best/worst picks, as the fit reads it. */
    private byte[] goldRows(CandidateIndex index) {
        BulkReader bulk = workspace.bulk();
        List<Long> best = new ArrayList<>(), worst = new ArrayList<>();
        for (dev.prefwork.core.PromptGold g : bulk.goldPicks()) {
            if (g.bestCandidateId() != null) best.add(g.bestCandidateId());
            if (g.worstCandidateId() != null) worst.add(g.worstCandidateId());
        }
        return dev.prefwork.labeling.analysis.GoldVector.build(index.candidateIds(), bulk.goldLabels(), best, worst);
    }

    /** Fewest gold rows an LF must have voted on for its accuracy on gold to stand in for the learned one. */
    static final int MIN_GOLD_HITS = 5;

    /** Per LF version: accuracy on gold where it voted on enough gold, else the label model's learned accuracy. */
    static Map<Long, Double> lfAccuracies(LabelModelRun run) {
        Map<Long, Double> out = new HashMap<>();
        if (run == null) return out;
        for (LabelModelRun.Lf lf : run.lfs()) {
            double a = lf.goldHits() >= MIN_GOLD_HITS && !Double.isNaN(lf.empiricalAccuracy()) ? lf.empiricalAccuracy() : lf.learnedAccuracy();
            out.put(lf.versionId(), a);
        }
        return out;
    }

    /** The candidates' ids, prompts, lengths and raw text measures, with the candidate set they were read from. */
    private record TextCache(String candidateSet, long[] candidateIds, float[] raw, CandidateIndex index) {
    }

    /**
     * From the labeling engine's corpus: it holds every text in memory already (read once per candidate set), so the
     * features need no second pass over the database; the measures run in parallel.
     */
    private TextCache readTexts(Progress progress) {
        progress.update(0, -1, "Measuring the candidates' texts");
        Corpus corpus = labeling.corpus(progress);
        int n = corpus.size();
        long[][] promptWords = new long[corpus.prompts()][];
        java.util.stream.IntStream.range(0, corpus.prompts()).parallel()
                .forEach(p -> promptWords[p] = TextFeatures.promptWords(corpus.promptText(p)));
        float[] raw = new float[n * TextFeatures.RAW];
        java.util.stream.IntStream.range(0, n).parallel()
                .forEach(r -> TextFeatures.measure(corpus.text(r), promptWords[corpus.promptIndex(r)], raw, r * TextFeatures.RAW));
        progress.checkCancelled();
        long[] candidateIds = corpus.candidateIds().clone();
        long[] prompts = new long[n];
        int[] chars = new int[n];
        for (int r = 0; r < n; r++) {
            prompts[r] = corpus.promptId(corpus.promptIndex(r));
            chars[r] = (int) raw[r * TextFeatures.RAW];
        }
        return new TextCache(BulkReader.candidateSetKey(candidateIds), candidateIds, raw, new CandidateIndex(candidateIds, prompts, chars));
    }

    /** The embedding columns (components and prompt cosine) of a complete read, for the same candidates and settings. */
    private record EmbeddingCache(String candidateSet, String embeddingModel, int components, String modelId, Pca pca,
                                  float[] projected, float[] cosine) {

        static EmbeddingCache of(String candidateSet, FeatureSpec spec, String modelId, Pca pca, float[] x, int n, int d,
                                 int embedAt, int cosineAt) {
            int k = pca == null ? 0 : pca.components();
            float[] projected = new float[embedAt >= 0 ? n * k : 0];
            float[] cosine = new float[cosineAt >= 0 ? n : 0];
            for (int r = 0; r < n; r++) {
                if (embedAt >= 0) System.arraycopy(x, r * d + embedAt, projected, r * k, k);
                if (cosineAt >= 0) cosine[r] = x[r * d + cosineAt];
            }
            return new EmbeddingCache(candidateSet, spec.embeddingModel(), spec.embeddingComponents(), modelId, pca,
                    spec.has(FeatureGroup.EMBEDDING) ? projected : null, spec.has(FeatureGroup.PROMPT_SIMILARITY) ? cosine : null);
        }

        /** Whether it holds what {@code spec} needs on these candidates. */
        boolean matches(String set, FeatureSpec spec) {
            return candidateSet.equals(set) && embeddingModel.equals(spec.embeddingModel()) && components == spec.embeddingComponents()
                    && (!spec.has(FeatureGroup.EMBEDDING) || projected != null)
                    && (!spec.has(FeatureGroup.PROMPT_SIMILARITY) || cosine != null);
        }

        void copyInto(float[] x, int n, int d, int embedAt, int cosineAt) {
            int k = pca == null ? 0 : pca.components();
            for (int r = 0; r < n; r++) {
                if (embedAt >= 0) System.arraycopy(projected, r * k, x, r * d + embedAt, k);
                if (cosineAt >= 0) x[r * d + cosineAt] = cosine[r];
            }
        }
    }

    private static int group(List<ExplanationGroup> groups, Map<String, Integer> index, ExplanationGroup g) {
        return index.computeIfAbsent(g.key(), k -> {
            groups.add(g);
            return groups.size() - 1;
        });
    }

    /** Centres and scales each column in place (LF votes are only scaled, so an abstain stays 0: no contribution). */
    static List<FeatureColumn> standardise(float[] x, int n, int d, List<FeatureColumn> cols) {
        List<FeatureColumn> out = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            FeatureColumn c = cols.get(j);
            boolean centre = c.group() != FeatureGroup.LF_VOTES;
            double sum = 0, sq = 0;
            for (int r = 0; r < n; r++) {
                double v = x[r * d + j];
                sum += v;
                sq += v * v;
            }
            double mean = centre ? sum / n : 0;
            double var = centre ? sq / n - mean * mean : sq / n;
            double scale = var > 1e-12 ? Math.sqrt(var) : 1;
            for (int r = 0; r < n; r++) x[r * d + j] = (float) ((x[r * d + j] - mean) / scale);
            out.add(new FeatureColumn(c.key(), c.group(), c.aspect(), c.lfVersionId(), c.explanation(), mean, scale));
        }
        return out;
    }

    private static boolean bundled(FeatureSpec spec) {
        return spec.embeddingModel().equals(FeatureSpec.BUNDLED) || spec.embeddingModel().equals(OnnxEmbeddingModel.BUNDLED_ID);
    }

    /** Opens the spec's embedding model, embeds every text that has no vector yet (with progress), returns the model's id. */
    private String embedMissing(FeatureSpec spec, Progress progress) {
        progress.update(0, -1, "Loading the embedding model");
        try (EmbeddingModel model = embeddingModels.apply(spec.embeddingModel())) {
            new EmbeddingService(workspace).embedMissing(model, progress);
            return model.id();
        }
    }

    /**
     * Vectors of every k-th candidate id (about {@value #PCA_SAMPLE}), or null when any of them has none (the cache is
     * incomplete: embed first).
     */
    private float[][] sample(String modelId, long[] candidateIds) {
        int step = Math.max(1, (candidateIds.length + PCA_SAMPLE - 1) / PCA_SAMPLE);
        int expected = 0;
        for (long id : candidateIds) if (id % step == 0) expected++;
        Map<Long, float[]> got = new EmbeddingLookup(workspace).candidateVectorSample(modelId, step);
        int present = 0;
        for (long id : got.keySet()) if (Arrays.binarySearch(candidateIds, id) >= 0) present++;
        if (present < expected || expected == 0 && candidateIds.length > 0) {
            if (expected == 0) return fallbackSample(modelId, candidateIds);
            return null;
        }
        return got.values().toArray(new float[0][]);
    }

    /** Tiny workspaces whose ids miss every multiple of the step: the first candidates' vectors. */
    private float[][] fallbackSample(String modelId, long[] candidateIds) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < candidateIds.length && i < PCA_SAMPLE; i++) ids.add(candidateIds[i]);
        Map<Long, float[]> got = new EmbeddingLookup(workspace).candidateVectors(modelId, ids);
        return got.size() < ids.size() ? null : got.values().toArray(new float[0][]);
    }

    /**
     * Streams every candidate vector into the matrix (components and cosine with the prompt); texts found without a
     * vector are embedded then (unless that was just done) and filled in. Returns how many candidates still have none.
     */
    private int readEmbeddings(FeatureSpec spec, String modelId, boolean embedded, CandidateIndex index, Pca pca, float[] x, int d,
                               int embedAt, int cosineAt, Progress progress) {
        EmbeddingLookup lookup = new EmbeddingLookup(workspace);
        Map<Long, float[]> promptVectors = new HashMap<>();
        if (cosineAt >= 0) lookup.forEachPromptVector(modelId, (id, v) -> {
            if (index.promptIndex(id) >= 0) promptVectors.put(id, v);
        });
        boolean[] seen = new boolean[index.rows()];
        long[] done = {0};
        EmbeddingLookup.CandidateVectorConsumer fill = (id, v) -> {
            int r = index.rowOf(id);
            if (r < 0) return;
            seen[r] = true;
            if (embedAt >= 0) pca.project(v, x, r * d + embedAt);
            if (cosineAt >= 0) {
                float[] pv = promptVectors.get(index.promptId(index.promptOf(r)));
                x[r * d + cosineAt] = pv == null ? Float.NaN : (float) dot(v, pv);
            }
            if (++done[0] % 4096 == 0) {
                progress.checkCancelled();
                progress.update(done[0], index.rows(), String.format("Reading embeddings: %,d of %,d", done[0], index.rows()));
            }
        };
        lookup.forEachCandidateVector(modelId, fill);
        List<Long> missing = new ArrayList<>();
        for (int r = 0; r < seen.length; r++) {
            if (!seen[r] || (cosineAt >= 0 && Float.isNaN(x[r * d + cosineAt]))) missing.add(index.candidateId(r));
        }
        if (!missing.isEmpty() && !embedded) {
            embedMissing(spec, progress);
            if (cosineAt >= 0) {
                List<Long> prompts = new ArrayList<>();
                for (long id : index.promptIds()) if (!promptVectors.containsKey(id)) prompts.add(id);
                promptVectors.putAll(lookup.promptVectors(modelId, prompts));
            }
            lookup.candidateVectors(modelId, missing).forEach(fill::accept);
        }
        if (cosineAt >= 0) {
            double sum = 0;
            int k = 0;
            for (int r = 0; r < seen.length; r++) {
                float c = x[r * d + cosineAt];
                if (seen[r] && !Float.isNaN(c)) {
                    sum += c;
                    k++;
                }
            }
            float mean = k == 0 ? 0 : (float) (sum / k);
            for (int r = 0; r < seen.length; r++) {
                if (!seen[r] || Float.isNaN(x[r * d + cosineAt])) x[r * d + cosineAt] = mean;
            }
        }
        int left = 0;
        for (boolean s : seen) if (!s) left++;
        return left;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length && i < b.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Log-odds clipped as the label model's aspect combination clips them (±6.9). */
    static double logit(double p) {
        double c = Math.max(1e-3, Math.min(1 - 1e-3, p));
        return Math.log(c / (1 - c));
    }

    private static float[] align(long[] rows, Predictions p) {
        float[] out = new float[rows.length];
        for (int r = 0; r < rows.length; r++) out[r] = p.pGood(rows[r]);
        return out;
    }

    private static float[] nanArray(int n) {
        float[] out = new float[n];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    /** The settings of the previous run (or the defaults), for the aspects that still exist. */
    private static LabelModelService.FitRequest refitRequest(LabelModelRun previous, LfVotes votes) {
        if (previous == null) return LabelModelService.FitRequest.defaults();
        Map<String, Double> params = new LinkedHashMap<>();
        previous.parameters().forEach((k, v) -> {
            if (v instanceof Number num && !k.equals("seed")) params.put(k, num.doubleValue());
        });
        java.util.Set<String> current = new java.util.HashSet<>();
        for (LfVotes.Column c : votes.columns()) current.add(c.aspect());
        Map<String, Double> weights = new LinkedHashMap<>();
        previous.aspectWeights().forEach((a, w) -> {
            if (current.contains(a)) weights.put(a, w);
        });
        LabelModelService.PriorSource prior = "estimated".equals(previous.parameters().get("prior"))
                ? LabelModelService.PriorSource.ESTIMATED : LabelModelService.PriorSource.GOLD;
        return new LabelModelService.FitRequest(previous.kind(), params, weights, prior);
    }

    /** Milliseconds per stage of a build, in order (for the benchmark's "where the time goes"). */
    private static final class Stopwatch {
        private final Map<String, Long> laps = new LinkedHashMap<>();
        private long last = System.nanoTime();

        void lap(String stage) {
            long now = System.nanoTime();
            laps.merge(stage, (now - last) / 1_000_000, Long::sum);
            last = now;
        }

        Map<String, Long> laps() {
            return java.util.Collections.unmodifiableMap(laps);
        }
    }
}
