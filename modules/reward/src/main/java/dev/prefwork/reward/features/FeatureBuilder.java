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
import dev.prefwork.store.Workspace;

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
 * candidates. Texts are streamed and measured page by page, never held all at once.
 */
public final class FeatureBuilder {

    /** Sample of vectors the embedding components are fitted on (deterministic: every k-th candidate). */
    static final int PCA_SAMPLE = 4000;
    private static final int TEXT_BATCH = 2048;

    private final Workspace workspace;
    private final LabelingService labeling;
    private final LabelModelService labelModel;
    private final Function<String, EmbeddingModel> embeddingModels;

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
        progress.update(0, -1, "Reading the candidates");
        Map<Long, long[]> promptWords = new HashMap<>();
        LongList ids = new LongList(), prompts = new LongList();
        FloatList raw = new FloatList();
        List<String[]> batchTexts = new ArrayList<>();
        List<long[]> batchKeys = new ArrayList<>();
        String candidateSet = workspace.bulk().read(
                (id, text, category) -> promptWords.put(id, TextFeatures.promptWords(text)),
                (id, promptId, text) -> {
                    ids.add(id);
                    prompts.add(promptId);
                    batchTexts.add(new String[]{text});
                    batchKeys.add(new long[]{promptId});
                    if (batchTexts.size() == TEXT_BATCH) measure(batchTexts, batchKeys, promptWords, raw);
                }, progress);
        measure(batchTexts, batchKeys, promptWords, raw);
        long[] candidateIds = ids.toArray();
        if (votes != null && !Arrays.equals(candidateIds, votes.candidateIds())) {
            throw new IllegalStateException("the candidates changed while the features were read; fit again");
        }
        int n = candidateIds.length;
        if (n == 0) throw new IllegalStateException("the workspace has no candidates to score");
        float[] rawStats = raw.toArray();
        int[] chars = new int[n];
        for (int r = 0; r < n; r++) chars[r] = (int) rawStats[r * TextFeatures.RAW];
        CandidateIndex index = new CandidateIndex(candidateIds, prompts.toArray(), chars);

        // 3. columns
        List<FeatureColumn> cols = new ArrayList<>();
        List<ExplanationGroup> groups = new ArrayList<>();
        Map<String, Integer> groupIndex = new LinkedHashMap<>();
        int embedAt = -1, embedCount = 0, cosineAt = -1, lfAt = -1, aspectAt = -1, textAt = -1;
        Pca pca = null;
        String embeddingId = null;
        float[][] embeddingSample = null;
        if (spec.needsEmbeddings()) {
            embeddingId = ensureEmbedded(spec, progress);
            if (spec.has(FeatureGroup.EMBEDDING)) {
                embeddingSample = sample(embeddingId, candidateIds);
                if (embeddingSample.length >= 2) {
                    pca = Pca.fit(embeddingSample, spec.embeddingComponents());
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
        if (embedAt >= 0 || cosineAt >= 0) {
            int missing = readEmbeddings(embeddingId, index, pca, x, d, embedAt, cosineAt, progress);
            if (missing > 0) notes.add(String.format("%,d candidates have no embedding yet: their embedding features are set to the average", missing));
        }
        List<FeatureColumn> standardised = standardise(x, n, d, cols);
        return new Features(spec, index, new FeatureMatrix(n, standardised, groups, x), votes, combined == null ? nanArray(n) : combined,
                run, embeddingId, pca, List.copyOf(notes), candidateSet);
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

    private static void measure(List<String[]> texts, List<long[]> keys, Map<Long, long[]> promptWords, FloatList raw) {
        int m = texts.size();
        if (m == 0) return;
        float[] out = new float[m * TextFeatures.RAW];
        java.util.stream.IntStream.range(0, m).parallel().forEach(i ->
                TextFeatures.measure(texts.get(i)[0], promptWords.getOrDefault(keys.get(i)[0], new long[0]), out, i * TextFeatures.RAW));
        raw.addAll(out);
        texts.clear();
        keys.clear();
    }

    /** Makes sure every text has a vector for the spec's model and returns the model's id. */
    private String ensureEmbedded(FeatureSpec spec, Progress progress) {
        boolean bundled = spec.embeddingModel().equals(FeatureSpec.BUNDLED) || spec.embeddingModel().equals(OnnxEmbeddingModel.BUNDLED_ID);
        EmbeddingLookup lookup = new EmbeddingLookup(workspace);
        if (bundled && lookup.coverage(OnnxEmbeddingModel.BUNDLED_ID).complete() && promptsCovered(OnnxEmbeddingModel.BUNDLED_ID)) {
            return OnnxEmbeddingModel.BUNDLED_ID;
        }
        progress.update(0, -1, "Loading the embedding model");
        try (EmbeddingModel model = embeddingModels.apply(spec.embeddingModel())) {
            new EmbeddingService(workspace).embedMissing(model, progress);
            return model.id();
        }
    }

    private boolean promptsCovered(String modelId) {
        return workspace.embeddings().findModelKey(modelId).map(key -> workspace.jdbc().count(
                "SELECT COUNT(*) FROM prompt p LEFT JOIN prompt_text_hash h ON h.prompt_id = p.id"
                        + " WHERE h.prompt_id IS NULL OR NOT EXISTS (SELECT 1 FROM embedding e WHERE e.model_id = ? AND e.text_sha256 = h.text_sha256)",
                key) == 0).orElse(false);
    }

    private float[][] sample(String modelId, long[] candidateIds) {
        int step = Math.max(1, (candidateIds.length + PCA_SAMPLE - 1) / PCA_SAMPLE);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < candidateIds.length; i += step) ids.add(candidateIds[i]);
        return new EmbeddingLookup(workspace).candidateVectors(modelId, ids).values().toArray(new float[0][]);
    }

    /** Streams every candidate vector into the matrix; returns how many candidates had none. */
    private int readEmbeddings(String modelId, CandidateIndex index, Pca pca, float[] x, int d, int embedAt, int cosineAt, Progress progress) {
        EmbeddingLookup lookup = new EmbeddingLookup(workspace);
        Map<Long, float[]> promptVectors = cosineAt >= 0 ? lookup.promptVectors(modelId, Arrays.stream(index.promptIds()).boxed().toList()) : Map.of();
        boolean[] seen = new boolean[index.rows()];
        long[] done = {0};
        lookup.forEachCandidateVector(modelId, (id, v) -> {
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
        });
        int missing = 0;
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
        for (boolean s : seen) if (!s) missing++;
        return missing;
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

    /** Growable primitive arrays (a boxed list of 500K longs would be ten times the memory). */
    static final class LongList {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    static final class FloatList {
        private float[] a = new float[8192];
        private int n;

        void addAll(float[] v) {
            while (n + v.length > a.length) a = Arrays.copyOf(a, a.length * 2);
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
