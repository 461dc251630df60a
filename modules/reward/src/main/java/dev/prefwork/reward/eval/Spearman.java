package dev.prefwork.reward.eval;

import java.util.Arrays;

/** Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank. */
public final class Spearman {

    private Spearman() {
    }

    /** ρ of two equally long series; NaN when either is constant or shorter than 2. */
    public static double of(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("series differ in length");
        if (a.length < 2) return Double.NaN;
        return pearson(ranks(a), ranks(b));
    }

    /** 1-based ranks, ties sharing their average rank. */
    public static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Double.compare(v[order[j + 1]], v[order[i]]) == 0) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) r[order[k]] = rank;
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
