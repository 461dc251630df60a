package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.SplittableRandom;

/**
 * Vote matrices drawn from the generative model the label models assume, with known truth: Y ~ Bernoulli(p);
 * LF i votes with probability propensity_i (independently of Y) and, when it votes, is right with probability
 * accuracy_i, independently of the other LFs given Y. For recovery tests, benchmarks and demos.
 */
public final class SyntheticVotes {

    /** @param labels the true class per row: {@link VoteMatrix#GOOD} or {@link VoteMatrix#BAD} */
    public record Sample(VoteMatrix votes, byte[] labels) {
    }

    private SyntheticVotes() {
    }

    public static Sample generate(int rows, double pGood, double[] accuracy, double[] propensity, long seed) {
        if (accuracy.length != propensity.length) throw new IllegalArgumentException("one accuracy and one propensity per LF");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] labels = new byte[rows];
        for (int r = 0; r < rows; r++) labels[r] = random.nextDouble() < pGood ? VoteMatrix.GOOD : VoteMatrix.BAD;
        byte[][] columns = new byte[accuracy.length][rows];
        for (int i = 0; i < accuracy.length; i++) {
            SplittableRandom lf = random.split(); // one stream per LF: a column does not depend on the others' draws
            double acc = accuracy[i], prop = propensity[i];
            byte[] col = columns[i];
            for (int r = 0; r < rows; r++) {
                if (lf.nextDouble() < prop) col[r] = lf.nextDouble() < acc ? labels[r] : (byte) -labels[r];
            }
        }
        return new Sample(new VoteMatrix(rows, columns), labels);
    }

    /** Fraction of rows where P(GOOD) ≥ 0.5 matches the label, a tie (exactly 0.5) counting as half right. */
    public static double labelAccuracy(float[] pGood, byte[] labels) {
        double right = 0;
        for (int r = 0; r < labels.length; r++) {
            if (pGood[r] == 0.5f) right += 0.5;
            else if ((pGood[r] > 0.5f) == (labels[r] == VoteMatrix.GOOD)) right += 1;
        }
        return labels.length == 0 ? Double.NaN : right / labels.length;
    }
}
