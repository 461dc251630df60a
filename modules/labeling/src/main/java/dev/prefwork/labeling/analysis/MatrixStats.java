package dev.prefwork.labeling.analysis;

/**
 * The whole vote matrix (Snorkel's label coverage / overlap / conflict).
 *
 * @param coveredRows   rows with at least one vote
 * @param overlapRows   rows with at least two votes
 * @param conflictRows  rows with both a GOOD and a BAD vote
 * @param goldRows      rows with a gold label (GOOD/BAD, from labels or best/worst picks)
 * @param labelCoverage coveredRows / rows
 * @param labelOverlap  overlapRows / rows
 * @param labelConflict conflictRows / rows
 */
public record MatrixStats(int rows, int lfs, int coveredRows, int overlapRows, int conflictRows, int goldRows,
                          double labelCoverage, double labelOverlap, double labelConflict) {
}
