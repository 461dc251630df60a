package dev.prefwork.reward;

import dev.prefwork.reward.features.ExplanationGroup;
import dev.prefwork.reward.features.FeatureColumn;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.reward.train.LinearScorer;
import dev.prefwork.reward.train.RewardLoss;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A stored reward model as the CLI and the Rankings view show it: what it was fitted on and how, its weights, its
 * metrics, and whether the workspace has moved on since ({@code staleness}, computed on read).
 *
 * @param theta            the scorer's parameters (layout: {@code LinearScorer} / {@code MlpScorer})
 * @param labelModelRunId  the label-model run whose P(GOOD) it used, or null
 * @param lfVersionIds     the LF versions of its vote features, ascending
 * @param embeddingModelId the embedding model of its embedding features, or null
 * @param notes            what the expert should know about the inputs
 */
public record RewardModel(long id, String kind, Instant createdAt, long elapsedMs, FeatureSpec featureSpec, Parameters parameters,
                          List<FeatureColumn> columns, List<ExplanationGroup> explanations, double[] theta, RewardMetrics metrics,
                          Long labelModelRunId, long[] lfVersionIds, String candidateSet, String goldKey, int rows,
                          String embeddingModelId, List<String> notes, Staleness staleness) {

    /** The fit's settings, as stored. */
    public record Parameters(String kind, double l2, double embeddingPenalty, RewardLoss.Weights lossWeights, int folds, long seed,
                             int hidden, int maxIterations, String externalScorer) {
    }

    /** Whether the model still matches the workspace, and if not, why. */
    public record Staleness(boolean stale, String reason) {
        public static final Staleness FRESH = new Staleness(false, "");
    }

    public boolean stale() {
        return staleness.stale();
    }

    public RewardModel withStaleness(Staleness s) {
        return new RewardModel(id, kind, createdAt, elapsedMs, featureSpec, parameters, columns, explanations, theta, metrics,
                labelModelRunId, lfVersionIds, candidateSet, goldKey, rows, embeddingModelId, notes, s);
    }

    /** The aspects that have a slider: those of the LF and label-model groups, in first-seen order. */
    public List<String> aspects() {
        Set<String> out = new LinkedHashSet<>();
        for (ExplanationGroup g : explanations) if (g.aspect() != null) out.add(g.aspect());
        return List.copyOf(out);
    }

    /** For a linear model: each column's weight on its standardised value (the bias is {@link #bias()}); else empty. */
    public List<Double> linearWeights() {
        if (!kind.equals(LinearScorer.KIND)) return List.of();
        List<Double> out = new ArrayList<>(columns.size());
        for (int j = 0; j < columns.size(); j++) out.add(theta[j + 1]);
        return out;
    }

    /** A linear model's bias; NaN for other kinds (their bias is inside the network). */
    public double bias() {
        return kind.equals(LinearScorer.KIND) ? theta[0] : Double.NaN;
    }
}
