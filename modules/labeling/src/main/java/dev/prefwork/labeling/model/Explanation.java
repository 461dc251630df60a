package dev.prefwork.labeling.model;

/**
 * Why a row got its P(GOOD): a base (the class prior) plus one contribution per LF, in the model's
 * {@link Unit}. For log-linear models {@code score = base + Σ contributions} is the row's log-odds and
 * {@code pGood = σ(score)}; for majority vote the contributions are the votes themselves (+1/−1) and the score
 * is the vote margin.
 *
 * @param contributions one per LF of the model, in LF order (0 where the LF adds nothing)
 */
public record Explanation(int row, Unit unit, double base, double[] contributions, double score, double pGood) {

    public enum Unit {
        /** Natural-log odds of GOOD. */
        LOG_ODDS,
        /** Votes: +1 GOOD, −1 BAD (majority vote has no weights). */
        VOTES
    }

    public Explanation {
        contributions = contributions.clone();
    }

    @Override
    public double[] contributions() {
        return contributions.clone();
    }

    public double contribution(int lf) {
        return contributions[lf];
    }
}
