package dev.prefwork.labeling.analysis;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.VoteMatrix;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * The expert's gold as one byte per row (GOOD = 1, BAD = −1, none = 0) for the analysis. A GOOD/BAD label
 * counts as is; a best pick reads as GOOD and a worst pick as BAD where the candidate has no label of its own.
 */
public final class GoldVector {

    private GoldVector() {
    }

    /**
     * @param rowIds candidate id of each row, ascending
     * @param labels explicit GOOD/BAD labels by candidate id
     * @param best   candidates picked best of their prompt
     * @param worst  candidates picked worst of their prompt
     */
    public static byte[] build(long[] rowIds, Map<Long, Verdict> labels, Collection<Long> best, Collection<Long> worst) {
        byte[] gold = new byte[rowIds.length];
        for (Long id : best) set(gold, rowIds, id, VoteMatrix.GOOD);
        for (Long id : worst) set(gold, rowIds, id, VoteMatrix.BAD);
        for (Map.Entry<Long, Verdict> e : labels.entrySet()) {
            if (e.getValue() != null) set(gold, rowIds, e.getKey(), e.getValue() == Verdict.GOOD ? VoteMatrix.GOOD : VoteMatrix.BAD);
        }
        return gold;
    }

    private static void set(byte[] gold, long[] rowIds, Long id, byte v) {
        if (id == null) return;
        int row = Arrays.binarySearch(rowIds, id);
        if (row >= 0) gold[row] = v;
    }
}
