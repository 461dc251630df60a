package dev.prefwork.labeling.model;

/** Known generative models shared by the label-model tests. */
final class Scenarios {

    private Scenarios() {
    }

    /** Ten LFs of mixed quality and coverage, 30 % GOOD. */
    static final double BALANCE = 0.3;
    static final double[] ACCURACY = {0.90, 0.85, 0.80, 0.75, 0.70, 0.65, 0.62, 0.88, 0.72, 0.60};
    static final double[] PROPENSITY = {0.20, 0.50, 0.80, 0.40, 0.90, 0.60, 0.30, 0.35, 0.70, 0.50};

    static SyntheticVotes.Sample mixed(int rows, long seed) {
        return SyntheticVotes.generate(rows, BALANCE, ACCURACY, PROPENSITY, seed);
    }

    /**
     * Where majority vote loses because weights matter: three accurate LFs (0.9) voting on half the rows, and six
     * independent LFs barely better than chance (0.55) voting on 90 % of them, which outvote the accurate ones.
     */
    static final double[] WEAK_MAJORITY_ACCURACY = {0.9, 0.9, 0.9, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55};
    static final double[] WEAK_MAJORITY_PROPENSITY = {0.5, 0.5, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9};

    static SyntheticVotes.Sample weakMajority(int rows, long seed) {
        return SyntheticVotes.generate(rows, 0.5, WEAK_MAJORITY_ACCURACY, WEAK_MAJORITY_PROPENSITY, seed);
    }
}
