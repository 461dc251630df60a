package dev.prefwork.curation.ranking;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.store.LabelModelRunRepository.Predictions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest label-model run's P(GOOD) as the ranking (score = P(GOOD)): a real ranking as soon as a label model
 * is fitted, before any reward model exists.
 */
public final class LabelModelRanking implements RankingSource {

    public static final String ID = "label-model";

    private final LabelModelService labelModel;
    /** The last run's scores as doubles (converted once per run). */
    private long cachedRun = -1;
    private double[] cachedScores;

    public LabelModelRanking(LabelModelService labelModel) {
        this.labelModel = labelModel;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Label model P(GOOD)";
    }

    @Override
    public Optional<Ranking> load(Progress progress) {
        Optional<LabelModelRun> run = labelModel.latest();
        Optional<Predictions> predictions = labelModel.predictions();
        if (run.isEmpty() || predictions.isEmpty() || predictions.get().runId() != run.get().id()) return Optional.empty();
        LabelModelRun r = run.get();
        double[] scores = scores(r.id(), predictions.get().pGood());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("label model", r.kind());
        metrics.put("candidates", r.summary().rows());
        metrics.put("label coverage", r.summary().labelCoverage());
        metrics.put("gold candidates", r.summary().goldRows());
        if (!Double.isNaN(r.summary().goldAccuracy())) metrics.put("agreement with gold (P(GOOD) > 0.5)", r.summary().goldAccuracy());
        metrics.put("class balance P(GOOD)", r.classBalance());
        long[] versions = r.lfVersionIds().clone();
        java.util.Arrays.sort(versions);
        return Optional.of(new Ranking(ID, r.id(), "label model run #" + r.id() + " (" + r.kind() + ")", r.stale(),
                r.staleness().reason(), predictions.get().candidateIds(), scores, scores, versions, metrics));
    }

    private synchronized double[] scores(long runId, float[] p) {
        if (runId != cachedRun) {
            double[] scores = new double[p.length];
            // float32 as stored, as its shortest decimal (0.7f is 0.7 in an export, not 0.699999988)
            for (int i = 0; i < p.length; i++) scores[i] = Double.parseDouble(Float.toString(p[i]));
            cachedScores = scores;
            cachedRun = runId;
        }
        return cachedScores;
    }
}
