package dev.prefwork.reward.train;

import dev.prefwork.reward.features.FeatureMatrix;

/**
 * s(x) = b + w·x. θ = [b, w_1 … w_d]. Explainable exactly: the score is the bias plus one part per feature.
 */
public final class LinearScorer implements Scorer {

    public static final String KIND = "linear";

    private final int features;

    public LinearScorer(int features) {
        this.features = features;
    }

    @Override public String kind() { return KIND; }

    @Override public int size() { return features + 1; }

    @Override
    public double[] initial(long seed) {
        return new double[size()];
    }

    @Override
    public double[] penaltyWeights(double[] columnPenalty) {
        double[] p = new double[size()];
        System.arraycopy(columnPenalty, 0, p, 1, features);
        return p;
    }

    @Override
    public void score(FeatureMatrix x, double[] theta, double[] out) {
        int d = x.cols();
        float[] v = x.data();
        double[] w = java.util.Arrays.copyOfRange(theta, 1, d + 1);
        double b = theta[0];
        Chunks.forEach(x.rows(), chunk -> {
            for (int r = Chunks.start(chunk), end = Chunks.end(chunk, x.rows()); r < end; r++) out[r] = b + dot(v, r * d, w, d);
        });
    }

    /** Four partial sums: breaks the single dependency chain a plain loop has (C2 does not vectorise float reductions). */
    static double dot(float[] v, int offset, double[] w, int d) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            s0 += v[offset + j] * w[j];
            s1 += v[offset + j + 1] * w[j + 1];
            s2 += v[offset + j + 2] * w[j + 2];
            s3 += v[offset + j + 3] * w[j + 3];
        }
        for (; j < d; j++) s0 += v[offset + j] * w[j];
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double valueAndGradient(FeatureMatrix x, double[] theta, RewardLoss loss, double[] grad) {
        int n = x.rows(), d = x.cols();
        double[] s = new double[n];
        score(x, theta, s);
        double[] g = new double[n];
        double value = loss.evaluate(s, g);
        float[] v = x.data();
        int chunks = Chunks.count(n);
        double[][] partial = new double[chunks][];
        Chunks.forEach(n, chunk -> {
            double[] acc = new double[d + 1];
            for (int r = Chunks.start(chunk), end = Chunks.end(chunk, n); r < end; r++) {
                double gr = g[r];
                if (gr == 0) continue;
                acc[0] += gr;
                int o = r * d;
                for (int j = 0; j < d; j++) acc[j + 1] += gr * v[o + j];
            }
            partial[chunk] = acc;
        });
        java.util.Arrays.fill(grad, 0);
        for (double[] acc : partial) {
            for (int j = 0; j <= d; j++) grad[j] += acc[j];
        }
        return value;
    }

    @Override
    public void contributions(FeatureMatrix x, double[] theta, int[] groupOfColumn, int groups, float[] out) {
        int d = x.cols();
        float[] v = x.data();
        Chunks.forEach(x.rows(), chunk -> {
            for (int r = Chunks.start(chunk), end = Chunks.end(chunk, x.rows()); r < end; r++) {
                int o = r * d, q = r * groups;
                for (int g = 0; g < groups; g++) out[q + g] = 0;
                for (int j = 0; j < d; j++) out[q + groupOfColumn[j]] += (float) (theta[j + 1] * v[o + j]);
            }
        });
    }
}
