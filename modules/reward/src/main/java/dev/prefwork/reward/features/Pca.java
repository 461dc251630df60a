package dev.prefwork.reward.features;

/**
 * Principal components of a sample of embedding vectors: the mean and the top {@code k} eigenvectors of the sample
 * covariance (cyclic Jacobi rotations, exact for a symmetric matrix, deterministic). A 384-dimension embedding
 * becomes k numbers per candidate: the reward model then has a handful of meaning features instead of hundreds,
 * which a few hundred gold judgments can inform without overfitting, and 500K candidates fit in memory. Each
 * component's sign is fixed (largest coordinate positive) so the same sample always gives the same features.
 */
public final class Pca {

    private final double[] mean;
    private final double[][] components;
    private final double[] variances;

    private Pca(double[] mean, double[][] components, double[] variances) {
        this.mean = mean;
        this.components = components;
        this.variances = variances;
    }

    public static Pca fit(float[][] sample, int k) {
        if (sample.length == 0) throw new IllegalArgumentException("no vectors to fit components on");
        int d = sample[0].length;
        k = Math.min(k, d);
        double[] mean = new double[d];
        for (float[] v : sample) for (int j = 0; j < d; j++) mean[j] += v[j];
        for (int j = 0; j < d; j++) mean[j] /= sample.length;
        double[][] c = new double[d][d];
        double[] centred = new double[d];
        for (float[] v : sample) {
            for (int j = 0; j < d; j++) centred[j] = v[j] - mean[j];
            for (int a = 0; a < d; a++) {
                double ca = centred[a];
                if (ca == 0) continue;
                double[] row = c[a];
                for (int b = a; b < d; b++) row[b] += ca * centred[b];
            }
        }
        double norm = Math.max(1, sample.length - 1);
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                c[a][b] /= norm;
                c[b][a] = c[a][b];
            }
        }
        double[][] vectors = new double[d][d];
        double[] values = jacobi(c, vectors);
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[][] comps = new double[k][d];
        double[] vars = new double[k];
        for (int i = 0; i < k; i++) {
            int col = order[i];
            int big = 0;
            for (int j = 0; j < d; j++) {
                comps[i][j] = vectors[j][col];
                if (Math.abs(comps[i][j]) > Math.abs(comps[i][big])) big = j;
            }
            if (comps[i][big] < 0) for (int j = 0; j < d; j++) comps[i][j] = -comps[i][j];
            vars[i] = Math.max(0, values[col]);
        }
        return new Pca(mean, comps, vars);
    }

    /**
     * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: returns the eigenvalues, fills
     * {@code vectors} with the eigenvectors as columns. {@code a} is destroyed.
     */
    static double[] jacobi(double[][] a, double[][] vectors) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(vectors[i], 0);
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, diag = 0;
            for (int p = 0; p < n; p++) {
                diag += a[p][p] * a[p][p];
                for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            }
            if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double cos = 1 / Math.sqrt(t * t + 1), sin = t * cos;
                    for (int r = 0; r < n; r++) { // columns p and q
                        double arp = a[r][p], arq = a[r][q];
                        a[r][p] = cos * arp - sin * arq;
                        a[r][q] = sin * arp + cos * arq;
                    }
                    for (int r = 0; r < n; r++) { // rows p and q
                        double apr = a[p][r], aqr = a[q][r];
                        a[p][r] = cos * apr - sin * aqr;
                        a[q][r] = sin * apr + cos * aqr;
                    }
                    for (int r = 0; r < n; r++) {
                        double vrp = vectors[r][p], vrq = vectors[r][q];
                        vectors[r][p] = cos * vrp - sin * vrq;
                        vectors[r][q] = sin * vrp + cos * vrq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i][i];
        return values;
    }

    public int components() {
        return components.length;
    }

    public int dimension() {
        return mean.length;
    }

    /** Variance of the sample along each component, largest first. */
    public double[] variances() {
        return variances.clone();
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Component {@code i} (unit length). */
    public double[] component(int i) {
        return components[i].clone();
    }

    /** The coordinates of {@code v} on the components, into {@code out[offset …]}. */
    public void project(float[] v, float[] out, int offset) {
        for (int i = 0; i < components.length; i++) {
            double[] c = components[i];
            double s = 0;
            for (int j = 0; j < c.length; j++) s += (v[j] - mean[j]) * c[j];
            out[offset + i] = (float) s;
        }
    }
}
