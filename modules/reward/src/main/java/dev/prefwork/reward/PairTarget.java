package dev.prefwork.reward;

/**
 * A weak pairwise target: candidate {@code preferred} should score above {@code other} (both of one prompt), with a
 * weight, from a comparative labeling function ({@code source} names it). Trained with the Bradley–Terry term of
 * {@code RewardLoss} like the expert's pairs, but kept in every fold and never measured on: it is a weak label.
 */
public record PairTarget(long preferred, long other, double weight, String source) {

    public PairTarget {
        if (preferred == other) throw new IllegalArgumentException("a pair target needs two different candidates");
        if (!(weight > 0) || Double.isInfinite(weight)) throw new IllegalArgumentException("a pair target's weight must be > 0");
    }
}
