package dev.prefwork.labeling.service;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.VoteMatrix;

import java.util.List;

/**
 * The enabled LFs' votes for the label models: rows are candidates ({@code candidateIds}, ascending), columns
 * LF versions, in the order of {@code columns}. Arrays are shared, not copied: read only.
 */
public record LfVotes(long[] candidateIds, VoteMatrix matrix, List<Column> columns, String candidateSet) {

    /** What one column is: the LF version that cast it, with its name, aspect and the vote it casts. */
    public record Column(long lfId, long versionId, String name, String aspect, Verdict vote) {
    }

    /** The columns of one aspect (for per-aspect label models). */
    public LfVotes aspect(String aspect) {
        int[] idx = java.util.stream.IntStream.range(0, columns.size()).filter(i -> columns.get(i).aspect().equals(aspect)).toArray();
        return new LfVotes(candidateIds, matrix.select(idx),
                java.util.Arrays.stream(idx).mapToObj(columns::get).toList(), candidateSet);
    }
}
