package dev.prefwork.reward.eval;

import dev.prefwork.reward.train.GoldPairs;

import java.util.List;

/**
 * How often a scorer orders the expert's gold pairs the expert's way: a pair counts 1 when the winner scores
 * higher, ½ when both score the same (a tie is a coin flip for whoever picks the pair from the ranking), 0 otherwise.
 *
 * @param pairs    pairs judged
 * @param correct  pairs ordered right, ties counted ½
 * @param ties     pairs the scorer could not tell apart
 * @param perFold  the accuracy on each fold's held-out pairs (empty when not k-fold; NaN for a fold without pairs)
 */
public record PairwiseAccuracy(int pairs, double correct, int ties, List<Double> perFold) {

    public double accuracy() {
        return pairs == 0 ? Double.NaN : correct / pairs;
    }

    /** Accuracy of {@code scores} (by row) on the pairs; ties within {@code tolerance} of each other. */
    public static PairwiseAccuracy of(GoldPairs gold, double[] scores, double tolerance) {
        double correct = 0;
        int ties = 0;
        for (GoldPairs.Pair p : gold.pairs()) {
            double d = scores[p.winner()] - scores[p.loser()];
            if (Math.abs(d) <= tolerance || Double.isNaN(d)) {
                ties++;
                correct += 0.5;
            } else if (d > 0) {
                correct++;
            }
        }
        return new PairwiseAccuracy(gold.size(), correct, ties, List.of());
    }

    public PairwiseAccuracy withPerFold(List<Double> folds) {
        return new PairwiseAccuracy(pairs, correct, ties, List.copyOf(folds));
    }
}
