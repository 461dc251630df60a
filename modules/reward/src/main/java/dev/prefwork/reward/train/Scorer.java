package dev.prefwork.reward.train;

import dev.prefwork.reward.features.FeatureMatrix;

/**
 * A parametric scorer s(x; θ) of one candidate's standardised features, trained by {@link Trainer}. Implementations
 * are bound to a number of features; θ is a flat vector whose layout each documents (it is what the store keeps).
 */
public interface Scorer {

    /** "linear" or "mlp". */
    String kind();

    /** Number of parameters. */
    int size();

    /** The starting point for a fit (deterministic for a seed). */
    double[] initial(long seed);

    /** Per parameter, the multiple of the L2 strength it is penalised with (0 for biases). */
    double[] penaltyWeights(double[] columnPenalty);

    /** s of every row into {@code out} (length rows). */
    void score(FeatureMatrix x, double[] theta, double[] out);

    /**
     * The loss at θ and its gradient: one forward pass (scores of every row), {@code loss} turns the scores into a
     * value and ∂L/∂s, one backward pass writes ∂L/∂θ into {@code grad}. The regulariser is the trainer's.
     */
    double valueAndGradient(FeatureMatrix x, double[] theta, RewardLoss loss, double[] grad);

    /**
     * Each row's score split by explanation group: {@code out[row × groups + g]}. For a linear scorer the parts add up
     * to the score less the bias; for others it is the occlusion effect s(x) − s(x with the group's features at 0, their
     * mean), which need not add up.
     */
    void contributions(FeatureMatrix x, double[] theta, int[] groupOfColumn, int groups, float[] out);
}
