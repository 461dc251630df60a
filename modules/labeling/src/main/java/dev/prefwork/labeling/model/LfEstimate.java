package dev.prefwork.labeling.model;

/**
 * What a fitted model learned about one LF: ready to store (one row per LF of a label-model run) and to show
 * next to the LF's empirical accuracy on gold.
 *
 * @param accuracy    learned P(vote is right | LF votes); NaN when there is nothing to learn from (the LF never
 *                    votes or, for majority vote, never votes where the other LFs' majority is decisive)
 * @param propensity  fraction of rows the LF votes on (its coverage)
 * @param goodWeight  what a GOOD vote adds to the row's score (log-odds of GOOD for log-linear models, +1 for
 *                    majority vote)
 * @param badWeight   what a BAD vote adds
 * @param abstainWeight what an abstain adds (0 unless the model treats abstains as evidence, like Dawid–Skene)
 */
public record LfEstimate(double accuracy, double propensity, double goodWeight, double badWeight, double abstainWeight) {

    /** The weight of a vote value ({@code VoteMatrix.GOOD}, {@code BAD} or {@code ABSTAIN}). */
    public double weight(byte vote) {
        return vote > 0 ? goodWeight : vote < 0 ? badWeight : abstainWeight;
    }
}
