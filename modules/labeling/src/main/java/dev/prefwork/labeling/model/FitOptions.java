package dev.prefwork.labeling.model;

import java.util.Objects;

/**
 * Options every label model takes; model-specific parameters are given to the model's constructor.
 *
 * @param classPrior fixed P(GOOD) or estimated from the votes
 * @param seed       seeds every random choice a model makes, so a fit is reproducible
 */
public record FitOptions(ClassPrior classPrior, long seed) {

    public static final long DEFAULT_SEED = 42;

    public FitOptions {
        Objects.requireNonNull(classPrior, "classPrior");
    }

    public static FitOptions defaults() {
        return new FitOptions(ClassPrior.estimated(), DEFAULT_SEED);
    }

    public FitOptions withClassPrior(ClassPrior prior) {
        return new FitOptions(prior, seed);
    }

    public FitOptions withSeed(long newSeed) {
        return new FitOptions(classPrior, newSeed);
    }
}
