package dev.prefwork.labeling;

import java.util.Arrays;
import java.util.Objects;

/**
 * The votes of m labeling functions on n candidates, stored by column: one {@code byte[n]} per LF version, so
 * re-applying one edited LF rewrites one column and a label model streams each LF's votes contiguously.
 * Values are {@link #GOOD} (+1), {@link #BAD} (−1) and {@link #ABSTAIN} (0). Rows are candidates in a fixed
 * order chosen by whoever built the matrix (the store keeps the row → candidate id mapping).
 */
public final class VoteMatrix {

    public static final byte GOOD = 1;
    public static final byte BAD = -1;
    public static final byte ABSTAIN = 0;

    private final int rows;
    private final byte[][] columns;

    /** @param columns one array of length {@code rows} per LF; not copied (the matrix takes ownership) */
    public VoteMatrix(int rows, byte[][] columns) {
        this.rows = rows;
        this.columns = Objects.requireNonNull(columns);
        for (int j = 0; j < columns.length; j++) {
            if (columns[j].length != rows) {
                throw new IllegalArgumentException("column " + j + " has " + columns[j].length + " rows, expected " + rows);
            }
        }
    }

    public int rows() {
        return rows;
    }

    public int lfs() {
        return columns.length;
    }

    public byte get(int row, int lf) {
        return columns[lf][row];
    }

    /** The LF's votes, shared, not copied: callers must not modify it. */
    public byte[] column(int lf) {
        return columns[lf];
    }

    /** A matrix with only the given LF columns (shared, not copied), in that order. */
    public VoteMatrix select(int... lfs) {
        byte[][] cols = new byte[lfs.length][];
        for (int i = 0; i < lfs.length; i++) cols[i] = columns[lfs[i]];
        return new VoteMatrix(rows, cols);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VoteMatrix m && m.rows == rows && Arrays.deepEquals(m.columns, columns);
    }

    @Override
    public int hashCode() {
        return 31 * rows + Arrays.deepHashCode(columns);
    }
}
