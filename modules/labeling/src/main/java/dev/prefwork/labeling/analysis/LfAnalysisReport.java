package dev.prefwork.labeling.analysis;

import java.util.List;

/** The analysis of a vote matrix: the matrix as a whole and one {@link LfStats} per column, in column order. */
public record LfAnalysisReport(MatrixStats matrix, List<LfStats> lfs) {
}
