package dev.prefwork.curation.pairs;

import dev.prefwork.curation.ranking.Ranking;

import java.util.List;

/**
 * What pair building reads, as flat arrays over every candidate grouped by prompt (prompts ascending, candidates
 * in position order): prompt {@code g}'s candidates are rows {@code groupStart[g]} to {@code groupStart[g+1] - 1}.
 * Built once per ranking and reused for every preview (a preview only re-runs {@link PairBuilder}).
 *
 * @param score         the ranking's score per row (NaN: the ranking does not cover the candidate)
 * @param pGood         P(GOOD) per row (NaN when unscored)
 * @param goldBest      per prompt, the row the expert picked as best, or -1
 * @param goldWorst     per prompt, the row picked as worst, or -1
 * @param badAccuracy   per row, the highest learned accuracy among the BAD LFs that voted BAD on it (0: none)
 * @param badLf         per row, the index in {@code lfNames} of that LF, or -1
 * @param lfNote        what limited the BAD-LF evidence, in words ("" when nothing)
 * @param labelModelRunId the run whose learned accuracies were used, or null
 * @param comparisonAnswer per row, true when the candidate is a model's answer in a before/after comparison
 *                      (left out of pairs unless {@link CurationRequest#includeComparisonAnswers()})
 * @param comparisons   how many comparisons those answers come from
 */
public record CurationData(long[] candidateIds, long[] promptIds, int[] lengths, int[] groupStart, double[] score,
                           double[] pGood, int[] goldBest, int[] goldWorst, float[] badAccuracy, int[] badLf,
                           List<String> lfNames, String lfNote, Long labelModelRunId, Ranking ranking, String candidateSet,
                           boolean[] comparisonAnswer, int comparisons) {

    /** Data without before/after answers. */
    public CurationData(long[] candidateIds, long[] promptIds, int[] lengths, int[] groupStart, double[] score, double[] pGood,
                        int[] goldBest, int[] goldWorst, float[] badAccuracy, int[] badLf, List<String> lfNames, String lfNote,
                        Long labelModelRunId, Ranking ranking, String candidateSet) {
        this(candidateIds, promptIds, lengths, groupStart, score, pGood, goldBest, goldWorst, badAccuracy, badLf, lfNames, lfNote,
                labelModelRunId, ranking, candidateSet, new boolean[candidateIds.length], 0);
    }

    /** How many rows are before/after answers. */
    public int comparisonAnswers() {
        int n = 0;
        for (boolean b : comparisonAnswer) if (b) n++;
        return n;
    }

    public int prompts() {
        return groupStart.length - 1;
    }

    public int candidates() {
        return candidateIds.length;
    }
}
