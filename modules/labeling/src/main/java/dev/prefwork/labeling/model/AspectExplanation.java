package dev.prefwork.labeling.model;

import java.util.List;

/**
 * Why a row got its combined P(GOOD): per aspect, its own explanation, its clipped log-odds and its share of the
 * row's weighted average ({@code logOdds = Σ share · aspectLogOdds}, {@code pGood = σ(logOdds)}).
 */
public record AspectExplanation(int row, List<Part> parts, double logOdds, double pGood) {

    public AspectExplanation {
        parts = List.copyOf(parts);
    }

    /**
     * @param share       the aspect's weight over the weights that count on this row (0 when it did not vote
     *                    and another aspect did)
     * @param aspectLogOdds logit of the aspect's P(GOOD), clipped as in the combination
     */
    public record Part(String aspect, double share, boolean voted, double aspectLogOdds, Explanation explanation) {
    }
}
