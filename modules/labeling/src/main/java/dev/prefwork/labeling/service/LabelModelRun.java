package dev.prefwork.labeling.service;

import dev.prefwork.core.Verdict;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored label-model run as the CLI and the Label model view show it: what was fitted with which settings, per
 * aspect which model stood (and why, for a majority-vote fallback), per LF its learned accuracy next to its
 * empirical accuracy on gold, and the matrix figures. {@code staleness} says whether the LFs or candidates have
 * changed since (computed on read).
 */
public record LabelModelRun(long id, String kind, Instant createdAt, long elapsedMs, double classBalance, String priorMode,
                            Map<String, Object> parameters, Map<String, Double> aspectWeights, List<Aspect> aspects,
                            List<Lf> lfs, Summary summary, long[] lfVersionIds, String candidateSet, Staleness staleness) {

    /**
     * One aspect's model.
     *
     * @param kind     the model that stood for the aspect ("majority" when it fell back)
     * @param fallback true when the chosen model could not be fitted and majority vote stands in
     * @param reason   in plain words, why this model (the fallback reason when {@code fallback})
     */
    public record Aspect(String aspect, String kind, boolean fallback, String reason, int lfCount, double classBalance) {
    }

    /**
     * One LF version the run used.
     *
     * @param learnedAccuracy   the model's estimate (NaN when it could not tell)
     * @param empiricalAccuracy accuracy on gold at fit time (NaN when it voted on no gold)
     * @param goldHits          gold rows it voted on
     * @param propensity        fraction of candidates it votes on
     */
    public record Lf(long lfId, long versionId, String name, String aspect, Verdict vote, double learnedAccuracy,
                     double empiricalAccuracy, int goldHits, double propensity, double goodWeight, double badWeight,
                     double abstainWeight) {
    }

    /**
     * The matrix figures and P(GOOD) at fit time.
     *
     * @param histogram      counts of P(GOOD) in {@code histogram.length} equal bins over [0, 1]
     * @param goldAccuracy   fraction of gold rows where P(GOOD) &gt; 0.5 agrees with gold (NaN without gold)
     * @param predictedGood  rows with P(GOOD) &gt; 0.5
     */
    public record Summary(int rows, int coveredRows, int overlapRows, int conflictRows, double labelCoverage,
                          double labelOverlap, double labelConflict, int goldRows, double goldAccuracy, int predictedGood,
                          int[] histogram) {
    }

    /** Whether the run still matches the workspace, and if not, why. */
    public record Staleness(boolean stale, String reason) {
        public static final Staleness FRESH = new Staleness(false, "");
    }

    public boolean stale() {
        return staleness.stale();
    }

    public LabelModelRun withStaleness(Staleness s) {
        return new LabelModelRun(id, kind, createdAt, elapsedMs, classBalance, priorMode, parameters, aspectWeights, aspects,
                lfs, summary, lfVersionIds, candidateSet, s);
    }
}
