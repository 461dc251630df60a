package dev.prefwork.reward.features;

import java.util.List;

/**
 * Standardised features of every candidate: {@code rows} × {@code cols} floats, row-major, rows in ascending
 * candidate id order (the order of {@link CandidateIndex}). Shared, not copied: read only.
 */
public final class FeatureMatrix {

    private final int rows;
    private final int cols;
    private final float[] x;
    private final List<FeatureColumn> columns;
    private final List<ExplanationGroup> explanations;

    public FeatureMatrix(int rows, List<FeatureColumn> columns, List<ExplanationGroup> explanations, float[] x) {
        if (x.length != (long) rows * columns.size()) {
            throw new IllegalArgumentException(x.length + " values for " + rows + " rows × " + columns.size() + " columns");
        }
        this.rows = rows;
        this.cols = columns.size();
        this.x = x;
        this.columns = List.copyOf(columns);
        this.explanations = List.copyOf(explanations);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The values, row-major (shared). */
    public float[] data() {
        return x;
    }

    public float get(int row, int col) {
        return x[row * cols + col];
    }

    public List<FeatureColumn> columns() {
        return columns;
    }

    public List<ExplanationGroup> explanations() {
        return explanations;
    }

    /** Explanation group of each column. */
    public int[] explanationOfColumn() {
        int[] out = new int[cols];
        for (int j = 0; j < cols; j++) out[j] = columns.get(j).explanation();
        return out;
    }
}
