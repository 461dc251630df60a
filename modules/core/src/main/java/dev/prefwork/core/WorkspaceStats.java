package dev.prefwork.core;

import java.util.List;

/** Counts the CLI's {@code stats} and the status bar show; one {@link Counts} for the workspace and one per dataset. */
public record WorkspaceStats(Counts total, List<DatasetCounts> datasets) {

    /**
     * @param labelledPrompts prompts with any gold judgment
     * @param candidateLabels GOOD/BAD judgments on candidates
     * @param ratings         1–5 ratings on candidates
     * @param bestWorst       prompts with a best or worst pick
     * @param preferences     pairwise preferences
     */
    public record Counts(int prompts, int candidates, int labelledPrompts, int candidateLabels, int ratings,
                         int bestWorst, int preferences) {
    }

    public record DatasetCounts(long id, String name, String format, Counts counts) {
    }
}
