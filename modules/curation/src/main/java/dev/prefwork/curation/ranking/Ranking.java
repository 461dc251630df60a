package dev.prefwork.curation.ranking;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Scores of every ranked candidate from one {@link RankingSource}: {@code candidateIds} ascending, {@code scores}
 * and {@code pGood} in the same order (higher score = better; P(GOOD) in [0, 1]). Arrays are shared: read only.
 *
 * @param sourceId     the source's {@link RankingSource#id()}
 * @param version      the model behind it (label-model run id, reward model id), recorded in pair sets
 * @param description  provenance in words: "label model run #5 (snorkel)", "reward model #3"
 * @param stale        true when the model no longer matches the workspace (LFs or candidates changed since)
 * @param staleReason  why, in words ("" when fresh)
 * @param lfVersionIds the LF versions the model was built on (ascending)
 * @param metrics      figures for the dataset card, in display order ("gold agreement" → 0.83, …)
 */
public record Ranking(String sourceId, long version, String description, boolean stale, String staleReason,
                      long[] candidateIds, double[] scores, double[] pGood, long[] lfVersionIds, Map<String, Object> metrics) {

    public Ranking {
        Objects.requireNonNull(sourceId);
        Objects.requireNonNull(description);
        staleReason = staleReason == null ? "" : staleReason;
        if (candidateIds.length != scores.length || candidateIds.length != pGood.length) {
            throw new IllegalArgumentException(candidateIds.length + " ids, " + scores.length + " scores, " + pGood.length + " P(GOOD)");
        }
        for (int i = 1; i < candidateIds.length; i++) {
            if (candidateIds[i] <= candidateIds[i - 1]) throw new IllegalArgumentException("candidate ids must be ascending");
        }
        metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
    }

    /** Row of a candidate, or -1 when this ranking does not score it. */
    public int indexOf(long candidateId) {
        int i = Arrays.binarySearch(candidateIds, candidateId);
        return i < 0 ? -1 : i;
    }

    public int size() {
        return candidateIds.length;
    }
}
