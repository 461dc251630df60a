package dev.prefwork.generation.eval;

/**
 * A tuned-vs-base win rate with its Wilson score 95 % interval: a tie counts half a win (as AlpacaEval and Arena
 * count them), so the rate is {@code (wins + ties / 2) / n}. Wilson rather than the normal approximation because
 * n is small here (tens of prompts) and rates near 0 or 1 are common; its interval never leaves [0, 1].
 */
public record WinRate(int wins, int ties, int losses, double rate, double low, double high) {

    /** z for a two-sided 95 % interval. */
    public static final double Z95 = 1.959963984540054;

    public static WinRate of(int wins, int ties, int losses) {
        int n = wins + ties + losses;
        if (n == 0) return new WinRate(0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
        double p = (wins + 0.5 * ties) / n;
        double[] ci = wilson(p, n, Z95);
        return new WinRate(wins, ties, losses, p, ci[0], ci[1]);
    }

    /** The Wilson score interval of a proportion {@code p} observed over {@code n} trials. */
    public static double[] wilson(double p, int n, double z) {
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    public int n() {
        return wins + ties + losses;
    }
}
