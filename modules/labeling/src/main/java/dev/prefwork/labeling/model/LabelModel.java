package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

/**
 * Turns the votes of m labeling functions into P(GOOD) per row, learning how far to trust each LF from the
 * votes alone (DESIGN §6). Implementations hold their model-specific parameters and are stateless otherwise.
 */
public interface LabelModel {

    /** Stable name used in stored runs and on the command line: "majority", "snorkel", "dawid-skene". */
    String kind();

    /** The fewest LFs this model can be fitted on (a model is identifiable only with enough LFs). */
    int minimumLfs();

    /**
     * @throws IllegalArgumentException when the matrix has fewer than {@link #minimumLfs()} LFs
     */
    FittedLabelModel fit(VoteMatrix votes, FitOptions options);
}
