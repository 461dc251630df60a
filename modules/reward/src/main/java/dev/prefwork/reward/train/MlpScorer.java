package dev.prefwork.reward.train;

import dev.prefwork.reward.features.FeatureMatrix;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A small multilayer perceptron with a linear skip connection:
 * <pre>  s(x) = b₂ + v·x + Σ_h w₂[h] · tanh(b₁[h] + W₁[h]·x)</pre>
 * so it can always fall back to the linear scorer (v) and adds interactions on top. θ = [b₂, v (d), W₁ (H × d,
 * one row per hidden unit), b₁ (H), w₂ (H)]. Hidden weights start from a seeded Gaussian (scale 1/√d), the rest at
 * zero, so a fit is deterministic for a seed.
 */
public final class MlpScorer implements Scorer {

    public static final String KIND = "mlp";
    public static final int DEFAULT_HIDDEN = 16;

    private final int d;
    private final int hidden;

    public MlpScorer(int features, int hidden) {
        if (hidden < 1) throw new IllegalArgumentException("an MLP needs at least one hidden unit");
        this.d = features;
        this.hidden = hidden;
    }

    public int hidden() {
        return hidden;
    }

    @Override public String kind() { return KIND; }

    @Override public int size() { return 1 + d + hidden * d + 2 * hidden; }

    private int vAt() { return 1; }

    private int w1At() { return 1 + d; }

    private int b1At() { return 1 + d + hidden * d; }

    private int w2At() { return 1 + d + hidden * d + hidden; }

    @Override
    public double[] initial(long seed) {
        double[] theta = new double[size()];
        SplittableRandom random = new SplittableRandom(seed);
        double scale = 1 / Math.sqrt(Math.max(1, d));
        for (int i = 0; i < hidden * d; i++) theta[w1At() + i] = scale * random.nextGaussian();
        double outScale = 0.5 / Math.sqrt(hidden);
        for (int h = 0; h < hidden; h++) theta[w2At() + h] = outScale * random.nextGaussian();
        return theta;
    }

    @Override
    public double[] penaltyWeights(double[] columnPenalty) {
        double[] p = new double[size()];
        System.arraycopy(columnPenalty, 0, p, vAt(), d);
        for (int h = 0; h < hidden; h++) System.arraycopy(columnPenalty, 0, p, w1At() + h * d, d);
        Arrays.fill(p, w2At(), w2At() + hidden, 1.0);
        return p;
    }

    @Override
    public void score(FeatureMatrix x, double[] theta, double[] out) {
        forward(x, theta, out, null);
    }

    /** Scores into {@code out}; with {@code activations} (rows × hidden) keeps tanh of each hidden unit for the backward pass. */
    private void forward(FeatureMatrix x, double[] theta, double[] out, double[] activations) {
        float[] v = x.data();
        int n = x.rows();
        double[] lin = Arrays.copyOfRange(theta, vAt(), vAt() + d);
        double[][] w1 = new double[hidden][];
        for (int h = 0; h < hidden; h++) w1[h] = Arrays.copyOfRange(theta, w1At() + h * d, w1At() + (h + 1) * d);
        Chunks.forEach(n, chunk -> {
            for (int r = Chunks.start(chunk), end = Chunks.end(chunk, n); r < end; r++) {
                int o = r * d;
                double s = theta[0] + LinearScorer.dot(v, o, lin, d);
                for (int h = 0; h < hidden; h++) {
                    double t = Math.tanh(theta[b1At() + h] + LinearScorer.dot(v, o, w1[h], d));
                    if (activations != null) activations[r * hidden + h] = t;
                    s += theta[w2At() + h] * t;
                }
                out[r] = s;
            }
        });
    }

    @Override
    public double valueAndGradient(FeatureMatrix x, double[] theta, RewardLoss loss, double[] grad) {
        int n = x.rows();
        double[] s = new double[n];
        double[] t = new double[n * hidden];
        forward(x, theta, s, t);
        double[] g = new double[n];
        double value = loss.evaluate(s, g);
        float[] v = x.data();
        int size = size();
        double[][] partial = new double[Chunks.count(n)][];
        Chunks.forEach(n, chunk -> {
            double[] acc = new double[size];
            double[] delta = new double[hidden];
            for (int r = Chunks.start(chunk), end = Chunks.end(chunk, n); r < end; r++) {
                double gr = g[r];
                if (gr == 0) continue;
                int o = r * d;
                acc[0] += gr;
                for (int j = 0; j < d; j++) acc[vAt() + j] += gr * v[o + j];
                for (int h = 0; h < hidden; h++) {
                    double th = t[r * hidden + h];
                    acc[w2At() + h] += gr * th;
                    delta[h] = gr * theta[w2At() + h] * (1 - th * th);
                    acc[b1At() + h] += delta[h];
                }
                for (int h = 0; h < hidden; h++) {
                    double dh = delta[h];
                    if (dh == 0) continue;
                    int base = w1At() + h * d;
                    for (int j = 0; j < d; j++) acc[base + j] += dh * v[o + j];
                }
            }
            partial[chunk] = acc;
        });
        Arrays.fill(grad, 0);
        for (double[] acc : partial) {
            for (int i = 0; i < size; i++) grad[i] += acc[i];
        }
        return value;
    }

    @Override
    public void contributions(FeatureMatrix x, double[] theta, int[] groupOfColumn, int groups, float[] out) {
        float[] v = x.data();
        int n = x.rows();
        Chunks.forEach(n, chunk -> {
            double[] pre = new double[hidden];
            double[] part = new double[groups * hidden];
            double[] linPart = new double[groups];
            for (int r = Chunks.start(chunk), end = Chunks.end(chunk, n); r < end; r++) {
                int o = r * d;
                Arrays.fill(part, 0);
                Arrays.fill(linPart, 0);
                for (int h = 0; h < hidden; h++) pre[h] = theta[b1At() + h];
                double lin = 0;
                for (int j = 0; j < d; j++) {
                    double xj = v[o + j];
                    if (xj == 0) continue;
                    int g = groupOfColumn[j];
                    double lj = theta[vAt() + j] * xj;
                    linPart[g] += lj;
                    lin += lj;
                    for (int h = 0; h < hidden; h++) {
                        double p = theta[w1At() + h * d + j] * xj;
                        pre[h] += p;
                        part[g * hidden + h] += p;
                    }
                }
                double full = lin;
                for (int h = 0; h < hidden; h++) full += theta[w2At() + h] * Math.tanh(pre[h]);
                for (int g = 0; g < groups; g++) {
                    double without = lin - linPart[g];
                    for (int h = 0; h < hidden; h++) without += theta[w2At() + h] * Math.tanh(pre[h] - part[g * hidden + h]);
                    out[r * groups + g] = (float) (full - without);
                }
            }
        });
    }
}
