package dev.prefwork.labeling.model;

import java.util.Objects;

/**
 * Options every label model takes; model-specific parameters are given to the model's constructor.
 *
 * @param classPrior fixed P(GOOD) or estimated from the votes
 * @param seed       recorded with the fit and meant to seed any random choice a model makes; the three current
 *                   models make none (each is a deterministic function of the votes, whatever the thread
 *                   scheduling), so equal votes and options always give an identical model
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
