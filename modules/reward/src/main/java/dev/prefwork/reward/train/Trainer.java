package dev.prefwork.reward.train;

import dev.prefwork.reward.features.FeatureMatrix;

/**
 * Fits a {@link Scorer} to a {@link RewardLoss} plus an L2 penalty ½·λ·Σ pᵢ θᵢ² (pᵢ from
 * {@link Scorer#penaltyWeights}: biases are not penalised, embedding components may be penalised more) with
 * {@link Lbfgs}. Deterministic: the same data, settings and start give the same parameters.
 */
public final class Trainer {

    private final Scorer scorer;
    private final FeatureMatrix x;
    private final double l2;
    private final double[] penalty;

    /**
     * @param l2            λ, the L2 strength
     * @param columnPenalty per feature column, the multiple of λ it gets (1 for most)
     */
    public Trainer(Scorer scorer, FeatureMatrix x, double l2, double[] columnPenalty) {
        if (!(l2 >= 0)) throw new IllegalArgumentException("the L2 strength must be ≥ 0");
        if (columnPenalty.length != x.cols()) throw new IllegalArgumentException("one penalty weight per column");
        this.scorer = scorer;
        this.x = x;
        this.l2 = l2;
        this.penalty = scorer.penaltyWeights(columnPenalty);
    }

    public Scorer scorer() {
        return scorer;
    }

    /** The regularised objective at θ; fills {@code grad}. */
    public double objective(RewardLoss loss, double[] theta, double[] grad) {
        double value = scorer.valueAndGradient(x, theta, loss, grad);
        double reg = 0;
        for (int i = 0; i < theta.length; i++) {
            double p = l2 * penalty[i];
            if (p == 0) continue;
            reg += p * theta[i] * theta[i];
            grad[i] += p * theta[i];
        }
        return value + 0.5 * reg;
    }

    public Lbfgs.Result fit(RewardLoss loss, double[] start, Lbfgs.Options options, Lbfgs.Listener listener) {
        return Lbfgs.minimize((theta, grad) -> objective(loss, theta, grad), start, options, listener);
    }
}
