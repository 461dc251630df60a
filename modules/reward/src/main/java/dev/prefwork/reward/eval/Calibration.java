package dev.prefwork.reward.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether P(GOOD) means what it says, on the expert's GOOD/BAD gold: the candidates are put in {@code bins} equal
 * bins of predicted P(GOOD); in a calibrated model each bin's share of GOOD equals its mean prediction. ECE (expected
 * calibration error) is the count-weighted mean of |share GOOD − mean prediction|; Brier is the mean squared error.
 */
public record Calibration(List<Bin> bins, int count, double ece, double brier) {

    public record Bin(double from, double to, int count, double meanPredicted, double fractionGood) {
    }

    public static final int DEFAULT_BINS = 10;

    /** @param predicted P(GOOD) per judged candidate; @param good the gold for each (true = GOOD) */
    public static Calibration of(double[] predicted, boolean[] good, int binCount) {
        int[] n = new int[binCount];
        double[] sumP = new double[binCount];
        int[] goods = new int[binCount];
        double brier = 0;
        for (int i = 0; i < predicted.length; i++) {
            double p = predicted[i];
            int b = Math.min(binCount - 1, Math.max(0, (int) (p * binCount)));
            n[b]++;
            sumP[b] += p;
            if (good[i]) goods[b]++;
            double e = p - (good[i] ? 1 : 0);
            brier += e * e;
        }
        List<Bin> bins = new ArrayList<>(binCount);
        double ece = 0;
        for (int b = 0; b < binCount; b++) {
            double mean = n[b] == 0 ? Double.NaN : sumP[b] / n[b];
            double frac = n[b] == 0 ? Double.NaN : (double) goods[b] / n[b];
            bins.add(new Bin((double) b / binCount, (double) (b + 1) / binCount, n[b], mean, frac));
            if (n[b] > 0) ece += (double) n[b] / predicted.length * Math.abs(frac - mean);
        }
        int count = predicted.length;
        return new Calibration(bins, count, count == 0 ? Double.NaN : ece, count == 0 ? Double.NaN : brier / count);
    }
}
