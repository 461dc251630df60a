package dev.prefwork.labeling.analysis;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.List;

/**
 * LF analysis with Snorkel's definitions (snorkel.labeling.LFAnalysis): coverage, overlaps and conflicts are
 * row-level fractions of all rows; empirical accuracy counts only rows that have gold. Gold is a byte per row
 * (GOOD = 1, BAD = −1, unknown = 0, as in {@link VoteMatrix}).
 */
public final class LfAnalysis {

    private LfAnalysis() {
    }

    /** @param gold one byte per row, or null when there is no gold */
    public static LfAnalysisReport analyze(VoteMatrix m, byte[] gold) {
        int n = m.rows();
        checkGold(gold, n);
        int[] good = new int[n];
        int[] bad = new int[n];
        for (int j = 0; j < m.lfs(); j++) {
            byte[] col = m.column(j);
            for (int r = 0; r < n; r++) {
                byte v = col[r];
                if (v == VoteMatrix.GOOD) good[r]++;
                else if (v == VoteMatrix.BAD) bad[r]++;
            }
        }
        int covered = 0, overlap = 0, conflict = 0, goldRows = 0;
        for (int r = 0; r < n; r++) {
            int votes = good[r] + bad[r];
            if (votes > 0) covered++;
            if (votes > 1) overlap++;
            if (good[r] > 0 && bad[r] > 0) conflict++;
            if (gold != null && gold[r] != 0) goldRows++;
        }
        List<LfStats> lfs = new ArrayList<>(m.lfs());
        for (int j = 0; j < m.lfs(); j++) lfs.add(stats(m.column(j), good, bad, true, gold));
        MatrixStats ms = new MatrixStats(n, m.lfs(), covered, overlap, conflict, goldRows,
                frac(covered, n), frac(overlap, n), frac(conflict, n));
        return new LfAnalysisReport(ms, lfs);
    }

    /**
     * One column against other LFs' votes (which must not include it): the live preview of an LF being edited.
     *
     * @param others the other LFs, same rows; may have no columns
     */
    public static LfStats single(byte[] column, VoteMatrix others, byte[] gold) {
        int n = column.length;
        if (others.rows() != n) throw new IllegalArgumentException("the other LFs have " + others.rows() + " rows, the column " + n);
        checkGold(gold, n);
        int[] good = new int[n];
        int[] bad = new int[n];
        for (int j = 0; j < others.lfs(); j++) {
            byte[] col = others.column(j);
            for (int r = 0; r < n; r++) {
                byte v = col[r];
                if (v == VoteMatrix.GOOD) good[r]++;
                else if (v == VoteMatrix.BAD) bad[r]++;
            }
        }
        return stats(column, good, bad, false, gold);
    }

    /** @param countsIncludeColumn whether good/bad already count this column's own vote */
    private static LfStats stats(byte[] col, int[] good, int[] bad, boolean countsIncludeColumn, byte[] gold) {
        int n = col.length;
        int hits = 0, g = 0, b = 0, overlaps = 0, conflicts = 0, correct = 0, incorrect = 0;
        int self = countsIncludeColumn ? 1 : 0;
        for (int r = 0; r < n; r++) {
            byte v = col[r];
            if (v == 0) continue;
            hits++;
            int otherGood = good[r] - (v == VoteMatrix.GOOD ? self : 0);
            int otherBad = bad[r] - (v == VoteMatrix.BAD ? self : 0);
            if (v == VoteMatrix.GOOD) g++;
            else b++;
            if (otherGood + otherBad > 0) overlaps++;
            if (v == VoteMatrix.GOOD ? otherBad > 0 : otherGood > 0) conflicts++;
            if (gold != null && gold[r] != 0) {
                if (gold[r] == v) correct++;
                else incorrect++;
            }
        }
        double acc = correct + incorrect == 0 ? Double.NaN : (double) correct / (correct + incorrect);
        return new LfStats(hits, g, b, frac(hits, n), frac(overlaps, n), frac(conflicts, n), overlaps, conflicts,
                correct, incorrect, acc);
    }

    private static void checkGold(byte[] gold, int n) {
        if (gold != null && gold.length != n) throw new IllegalArgumentException("gold has " + gold.length + " rows, the matrix " + n);
    }

    private static double frac(int count, int n) {
        return n == 0 ? 0 : (double) count / n;
    }
}
