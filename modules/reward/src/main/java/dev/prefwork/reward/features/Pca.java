package dev.prefwork.reward.features;

/**
 * Principal components of a sample of embedding vectors: the mean and the top {@code k} eigenvectors of the sample
 * covariance (cyclic Jacobi rotations on the covariance, or for more than {@value #FULL_JACOBI} dimensions on its
 * projection onto the top subspace found by subspace iteration; deterministic). A 384-dimension embedding
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
        double[][] basis; // d × m: the columns span the subspace the components are taken from
        double[][] small;
        if (d <= FULL_JACOBI) {
            basis = identity(d);
            small = c;
        } else {
            basis = topSubspace(c, Math.min(d, k + OVERSAMPLE));
            small = project(c, basis);
        }
        int m = small.length;
        double[][] vectors = new double[m][m];
        double[] values = jacobi(small, vectors);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[][] comps = new double[k][d];
        double[] vars = new double[k];
        for (int i = 0; i < k; i++) {
            int col = order[i];
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int q = 0; q < m; q++) v += basis[j][q] * vectors[q][col];
                comps[i][j] = v;
            }
            normalise(comps[i]);
            int big = 0;
            for (int j = 0; j < d; j++) if (Math.abs(comps[i][j]) > Math.abs(comps[i][big])) big = j;
            if (comps[i][big] < 0) for (int j = 0; j < d; j++) comps[i][j] = -comps[i][j];
            vars[i] = Math.max(0, values[col]);
        }
        return new Pca(mean, comps, vars);
    }

    /** Up to this many dimensions the whole covariance is diagonalised; above, only its top subspace. */
    static final int FULL_JACOBI = 64;
    private static final int OVERSAMPLE = 8;
    private static final int SUBSPACE_ITERATIONS = 40;

    /**
     * An orthonormal basis (d × m) of the covariance's top-m eigenspace by subspace iteration (Golub &amp; Van Loan
     * §8.2.4: multiply, re-orthonormalise), from a seeded start: deterministic, and a few hundred times cheaper than
     * diagonalising a 384 × 384 matrix. A few extra vectors (oversampling) make the top k converge fast.
     */
    static double[][] topSubspace(double[][] c, int m) {
        int d = c.length;
        java.util.SplittableRandom random = new java.util.SplittableRandom(20_240_601L);
        double[][] q = new double[d][m];
        for (int i = 0; i < d; i++) for (int j = 0; j < m; j++) q[i][j] = random.nextGaussian();
        orthonormalise(q);
        double[][] z = new double[d][m];
        for (int it = 0; it < SUBSPACE_ITERATIONS; it++) {
            for (int i = 0; i < d; i++) {
                double[] zi = z[i];
                java.util.Arrays.fill(zi, 0);
                double[] ci = c[i];
                for (int l = 0; l < d; l++) {
                    double cil = ci[l];
                    if (cil == 0) continue;
                    double[] ql = q[l];
                    for (int j = 0; j < m; j++) zi[j] += cil * ql[j];
                }
            }
            orthonormalise(z);
            double[][] t = q;
            q = z;
            z = t;
        }
        return q;
    }

    /** Bᵀ C B for a d × m basis B. */
    private static double[][] project(double[][] c, double[][] b) {
        int d = c.length, m = b[0].length;
        double[][] cb = new double[d][m];
        for (int i = 0; i < d; i++) {
            for (int l = 0; l < d; l++) {
                double cil = c[i][l];
                if (cil == 0) continue;
                for (int j = 0; j < m; j++) cb[i][j] += cil * b[l][j];
            }
        }
        double[][] out = new double[m][m];
        for (int i = 0; i < d; i++) {
            for (int p = 0; p < m; p++) {
                double bip = b[i][p];
                for (int j = 0; j < m; j++) out[p][j] += bip * cb[i][j];
            }
        }
        for (int p = 0; p < m; p++) {
            for (int j = p + 1; j < m; j++) {
                double v = (out[p][j] + out[j][p]) / 2;
                out[p][j] = v;
                out[j][p] = v;
            }
        }
        return out;
    }

    /** Modified Gram–Schmidt on the columns of a d × m matrix, in place. */
    private static void orthonormalise(double[][] a) {
        int d = a.length, m = a[0].length;
        for (int j = 0; j < m; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += a[i][p] * a[i][j];
                for (int i = 0; i < d; i++) a[i][j] -= dot * a[i][p];
            }
            double norm = 0;
            for (int i = 0; i < d; i++) norm += a[i][j] * a[i][j];
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) a[i][j] = norm > 1e-300 ? a[i][j] / norm : 0;
        }
    }

    private static double[][] identity(int d) {
        double[][] id = new double[d][d];
        for (int i = 0; i < d; i++) id[i][i] = 1;
        return id;
    }

    private static void normalise(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        s = Math.sqrt(s);
        if (s > 0) for (int i = 0; i < v.length; i++) v[i] /= s;
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
