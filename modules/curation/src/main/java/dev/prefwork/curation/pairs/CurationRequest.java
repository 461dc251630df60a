package dev.prefwork.curation.pairs;

import dev.prefwork.core.InputException;

/**
 * Everything that decides a pair set besides the data: the strategy, its parameters and the filters. A filter
 * whose threshold is NaN is off. Recorded with every saved set.
 *
 * @param marginThreshold    the m of {@link Strategy#MARGIN}
 * @param seed               for {@link Strategy#BEST_RANDOM} and {@link TiePolicy#RANDOM}
 * @param minMargin          drop pairs whose score margin is below this (NaN: off)
 * @param minChosenScore     drop pairs whose chosen score is below this (NaN: off)
 * @param minChosenPGood     drop pairs whose chosen P(GOOD) is below this (NaN: off)
 * @param badLfAccuracy      drop prompts whose chosen candidate gets a BAD vote from an LF with learned accuracy
 *                           at least this (NaN: off)
 * @param maxChosenLonger    the largest share of pairs in which chosen is the longer side (NaN: off)
 * @param goldOverrides      the expert's best/worst picks decide chosen/rejected where they exist
 * @param topPercent         the K of {@link Strategy#SFT_TOP_K}, in percent of prompts
 * @param includeComparisonAnswers draw from the answers of before/after comparisons too (off by default: they are a
 *                           tuned model's and its base's own outputs, which should not feed the next training set
 *                           unless the expert asks)
 */
public record CurationRequest(Strategy strategy, double marginThreshold, long seed, TiePolicy ties, double minMargin,
                              double minChosenScore, double minChosenPGood, double badLfAccuracy, double maxChosenLonger,
                              boolean goldOverrides, double topPercent, boolean includeComparisonAnswers) {

    public CurationRequest {
        if (strategy == null) strategy = Strategy.BEST_WORST;
        if (ties == null) ties = TiePolicy.SHORTER;
        check(marginThreshold, "margin", 0, Double.MAX_VALUE, false);
        check(minMargin, "min-margin", -Double.MAX_VALUE, Double.MAX_VALUE, true);
        check(minChosenPGood, "min-chosen-p-good", 0, 1, true);
        check(minChosenScore, "min-chosen-score", -Double.MAX_VALUE, Double.MAX_VALUE, true);
        check(badLfAccuracy, "bad-lf-accuracy", 0, 1, true);
        check(maxChosenLonger, "max-chosen-longer", 0, 1, true);
        check(topPercent, "top-percent", 0, 100, false);
        if (topPercent == 0) throw new InputException(null, 0, "top-percent", "must be more than 0");
    }

    /** Without before/after answers. */
    public CurationRequest(Strategy strategy, double marginThreshold, long seed, TiePolicy ties, double minMargin,
                           double minChosenScore, double minChosenPGood, double badLfAccuracy, double maxChosenLonger,
                           boolean goldOverrides, double topPercent) {
        this(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy, maxChosenLonger,
                goldOverrides, topPercent, false);
    }

    private static void check(double v, String field, double lo, double hi, boolean nanOk) {
        if (Double.isNaN(v) && nanOk) return;
        if (Double.isNaN(v) || v < lo || v > hi) {
            throw new InputException(null, 0, field, "expected a number from " + fmt(lo) + " to " + fmt(hi) + ", found " + v);
        }
    }

    private static String fmt(double v) {
        return v == Double.MAX_VALUE ? "any" : v == -Double.MAX_VALUE ? "any" : String.valueOf(v);
    }

    /**
     * Best vs worst, ties to the shorter, gold overrides on, the BAD-LF filter at 0.8; the length guard is off (the
     * preview shows the share of longer chosen responses, and the expert sets a cap where it is too high).
     */
    public static CurationRequest defaults() {
        return new CurationRequest(Strategy.BEST_WORST, 0.2, 42, TiePolicy.SHORTER, Double.NaN, Double.NaN, Double.NaN,
                0.8, Double.NaN, true, 50);
    }

    public CurationRequest withStrategy(Strategy s) {
        return new CurationRequest(s, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withMarginThreshold(double m) {
        return new CurationRequest(strategy, m, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withSeed(long s) {
        return new CurationRequest(strategy, marginThreshold, s, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withTies(TiePolicy t) {
        return new CurationRequest(strategy, marginThreshold, seed, t, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withMinMargin(double m) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, m, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withMinChosenScore(double v) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, v, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withMinChosenPGood(double v) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, v, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withBadLfAccuracy(double v) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, v,
                maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withMaxChosenLonger(double v) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                v, goldOverrides, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withGoldOverrides(boolean g) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, g, topPercent, includeComparisonAnswers);
    }

    public CurationRequest withIncludeComparisonAnswers(boolean include) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, topPercent, include);
    }

    public CurationRequest withTopPercent(double k) {
        return new CurationRequest(strategy, marginThreshold, seed, ties, minMargin, minChosenScore, minChosenPGood, badLfAccuracy,
                maxChosenLonger, goldOverrides, k, includeComparisonAnswers);
    }
}
