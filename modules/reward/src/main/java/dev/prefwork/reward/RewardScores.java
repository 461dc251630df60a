package dev.prefwork.reward;

import java.time.Instant;
import java.util.Arrays;

/**
 * The scores of the latest reward model for every candidate it scored, as parallel arrays by ascending candidate id:
 * what curation, export and the CLI read. {@code scores} are on the model's log-odds scale (a difference of 1 between
 * two candidates of a prompt means e^1 ≈ 2.7 : 1 odds that the expert prefers the higher one); {@code pGood} is
 * σ(score), the model's probability that the candidate is GOOD. Arrays are shared: read only.
 *
 * @param modelId      the reward model's id (its provenance: {@code RewardService.model(modelId)})
 * @param createdAt    when it was fitted
 * @param stale        whether LFs, the label model, the candidates or the gold changed since
 * @param staleReason  why, in words ("" when fresh)
 */
public record RewardScores(long modelId, Instant createdAt, boolean stale, String staleReason, long[] candidateIds, float[] scores,
                           float[] pGood) {

    /** The row of a candidate, or a negative number when the model did not score it (imported after the fit). */
    public int rowOf(long candidateId) {
        return Arrays.binarySearch(candidateIds, candidateId);
    }

    /** A candidate's score, NaN when the model did not score it. */
    public float score(long candidateId) {
        int r = rowOf(candidateId);
        return r < 0 ? Float.NaN : scores[r];
    }

    /** A candidate's P(GOOD), NaN when the model did not score it. */
    public float pGood(long candidateId) {
        int r = rowOf(candidateId);
        return r < 0 ? Float.NaN : pGood[r];
    }

    public int size() {
        return candidateIds.length;
    }
}
