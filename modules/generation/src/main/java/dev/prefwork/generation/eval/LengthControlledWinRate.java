package dev.prefwork.generation.eval;

import java.util.List;

/**
 * The length-controlled win rate (after AlpacaEval 2's): a logistic regression of the judge's outcome on the length
 * difference, {@code P(tuned wins) = σ(β₀ + β₁·Δ)} with {@code Δ = (len tuned − len base) / s} (s: the root mean
 * square of the differences, so β₁ does not depend on the unit; not centred, so Δ = 0 means equal length), fitted by
 * Newton's method. The win rate it reports is σ(β₀): what the judge would say were both answers equally long, so a
 * model does not win by being longer. A tie is half a win and half a loss. The interval is σ(β₀ ± 1.96·se(β₀)), se
 * from the inverse Fisher information. A small ridge on β₁ keeps the fit finite when length separates the outcomes.
 */
public record LengthControlledWinRate(double rate, double low, double high, double intercept, double slope, int n) {

    /** One judged prompt: outcome 1 (tuned won), 0 (base won) or 0.5 (tie); the two answers' lengths. */
    public record Outcome(double tunedWon, int tunedLength, int baseLength) {
    }

    static final double RIDGE = 1e-3;

    public static LengthControlledWinRate fit(List<Outcome> outcomes) {
        int n = outcomes.size();
        if (n == 0) return new LengthControlledWinRate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        double[] x = new double[n];
        double[] y = new double[n];
        double ss = 0;
        for (int i = 0; i < n; i++) {
            Outcome o = outcomes.get(i);
            x[i] = o.tunedLength() - o.baseLength();
            y[i] = o.tunedWon();
            ss += x[i] * x[i];
        }
        double scale = ss > 0 ? Math.sqrt(ss / n) : 1;
        for (int i = 0; i < n; i++) x[i] /= scale;
        double b0 = 0, b1 = 0;
        double h00 = 0, h01 = 0, h11 = 0;
        for (int it = 0; it < 100; it++) {
            double g0 = 0, g1 = -RIDGE * b1;
            h00 = 0;
            h01 = 0;
            h11 = RIDGE;
            for (int i = 0; i < n; i++) {
                double p = sigmoid(b0 + b1 * x[i]);
                double w = p * (1 - p);
                g0 += y[i] - p;
                g1 += (y[i] - p) * x[i];
                h00 += w;
                h01 += w * x[i];
                h11 += w * x[i] * x[i];
            }
            // all outcomes alike (every vote one way): the MLE of β₀ is infinite; stop at a large finite value
            double det = h00 * h11 - h01 * h01;
            if (!(det > 1e-12)) break;
            double d0 = (h11 * g0 - h01 * g1) / det;
            double d1 = (h00 * g1 - h01 * g0) / det;
            b0 += clamp(d0);
            b1 += clamp(d1);
            if (Math.abs(b0) > 20) {
                b0 = Math.signum(b0) * 20;
                break;
            }
            if (Math.abs(d0) < 1e-10 && Math.abs(d1) < 1e-10) break;
        }
        double det = h00 * h11 - h01 * h01;
        double se = det > 1e-12 ? Math.sqrt(h11 / det) : Double.POSITIVE_INFINITY;
        double lo = sigmoid(b0 - WinRate.Z95 * se), hi = sigmoid(b0 + WinRate.Z95 * se);
        return new LengthControlledWinRate(sigmoid(b0), lo, hi, b0, b1, n);
    }

    private static double clamp(double step) {
        return Math.max(-5, Math.min(5, step));
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
