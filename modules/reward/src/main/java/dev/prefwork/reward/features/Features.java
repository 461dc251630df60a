package dev.prefwork.reward.features;

import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LfVotes;

import java.util.List;

/**
 * Everything a reward-model fit reads from the workspace, row-aligned with {@link #index()}.
 *
 * @param votes            the enabled LFs' votes (rows = the index's rows); null when there are no enabled LFs
 * @param labelModelP      the label model's combined P(GOOD) per row, NaN where it has none (no run, no votes)
 * @param labelModelRun    the run those came from, or null
 * @param embeddingModelId the embedding model whose vectors were read, or null when no embedding feature was used
 * @param pca              the embedding components, or null
 * @param notes            what the expert should know about the inputs (a group left out and why, missing vectors)
 * @param candidateSet     the candidate set key of the rows
 * @param timings          milliseconds per stage of the build, in order
 */
public record Features(FeatureSpec spec, CandidateIndex index, FeatureMatrix matrix, LfVotes votes, float[] labelModelP,
                       LabelModelRun labelModelRun, String embeddingModelId, Pca pca, List<String> notes, String candidateSet,
                       java.util.Map<String, Long> timings) {

    /** Whether any enabled LF voted on the row (the soft label is informative there). */
    public boolean voted(int row) {
        if (votes == null) return false;
        for (int j = 0; j < votes.matrix().lfs(); j++) if (votes.matrix().get(row, j) != 0) return true;
        return false;
    }

    /** Net LF votes of a row (GOOD − BAD): the LF-majority baseline's score. */
    public int netVotes(int row) {
        if (votes == null) return 0;
        int s = 0;
        for (int j = 0; j < votes.matrix().lfs(); j++) s += votes.matrix().get(row, j);
        return s;
    }
}
