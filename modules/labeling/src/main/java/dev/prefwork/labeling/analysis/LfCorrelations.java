package dev.prefwork.labeling.analysis;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How alike the LFs vote: an LF × LF correlation matrix, each LF's correlation with a per-candidate measure
 * (response length, words, readability …), and the LFs grouped into clusters of correlated ones.
 *
 * <p>Votes enter as numbers (GOOD +1, BAD −1, abstain 0). For each pair the one pass over the rows counts four
 * sums, Σxy, Σx|y|, Σ|x|y and Σ|x||y| (|v| is {@code v & 1} for v ∈ {−1, 0, 1}), which give both Pearson's r over all
 * rows (with Σx and Σ|x| per LF) and r over the rows where both vote (n = Σ|x||y|, Σx = Σx|y|, Σx² = n). An LF of
 * this project casts one vote (GOOD or BAD) or abstains, so on the rows where both vote each LF is constant and that
 * second r is undefined (NaN); it is kept for LFs that vote both ways, next to the overlap count and the share of
 * overlapping rows on which the two agree, which is what an expert reads for one-vote LFs.
 *
 * <p>Each column is first turned into two bitsets (rows voting GOOD, rows voting BAD); a pair's four sums are then
 * combinations of the popcounts of four ANDs, 64 rows at a time (integer counts, so the result does not depend on
 * scheduling). 500K × 30 is 465 pairs × 7,813 words.
 */
public final class LfCorrelations {

    static final int CHUNK_ROWS = 1 << 14;

    /**
     * @param r         Pearson's r over all rows, symmetric, 1 on the diagonal (NaN for an LF that never votes or
     *                  always casts the same vote on every row)
     * @param rBoth     Pearson's r over the rows where both vote (NaN where undefined, always for one-vote LFs)
     * @param overlap   rows where both vote (the diagonal: the LF's coverage)
     * @param agreement share of the overlapping rows where both cast the same vote (NaN without overlap)
     */
    public record Matrix(int rows, double[][] r, double[][] rBoth, long[][] overlap, double[][] agreement) {
        public int lfs() {
            return r.length;
        }

        public long coverage(int lf) {
            return overlap[lf][lf];
        }
    }

    private LfCorrelations() {
    }

    /** The correlation matrix of the LFs' votes. */
    public static Matrix compute(VoteMatrix votes) {
        int m = votes.lfs();
        int n = votes.rows();
        int words = (n + 63) >>> 6;
        // Each column as two bitsets, rows voting GOOD and rows voting BAD: a pair's four sums then come from the
        // popcounts of four ANDs (pp, pn, np, nn), 64 rows per instruction instead of one.
        long[][] pos = new long[m][words], neg = new long[m][words];
        IntStream.range(0, m).parallel().forEach(i -> {
            byte[] c = votes.column(i);
            long[] p = pos[i], q = neg[i];
            // branch-free (votes are random-looking): for v ∈ {−1, 0, 1}, (−v) >>> 31 is 1 for GOOD, v >>> 31 for BAD
            for (int w = 0; w < words; w++) {
                int base = w << 6, end = Math.min(n, base + 64);
                long gw = 0, bw = 0;
                for (int r = base; r < end; r++) {
                    int v = c[r];
                    gw |= (long) ((-v) >>> 31) << (r - base);
                    bw |= (long) (v >>> 31) << (r - base);
                }
                p[w] = gw;
                q[w] = bw;
            }
        });
        int pairs = m * (m + 1) / 2;
        int[] firstOf = new int[m];
        for (int i = 0, p = 0; i < m; i++) {
            firstOf[i] = p;
            p += m - i;
        }
        // per pair (i ≤ j): Σxy, Σx|y|, Σ|x|y, Σ|x||y|; the diagonal gives Σx and Σ|x|
        long[] s = new long[4 * pairs];
        IntStream.range(0, m).parallel().forEach(i -> {
            long[] xp = pos[i], xn = neg[i];
            for (int j = i; j < m; j++) {
                long[] yp = pos[j], yn = neg[j];
                long pp = 0, pn = 0, np = 0, nn = 0;
                for (int w = 0; w < words; w++) {
                    long a = xp[w], b = xn[w], c = yp[w], d = yn[w];
                    pp += Long.bitCount(a & c);
                    pn += Long.bitCount(a & d);
                    np += Long.bitCount(b & c);
                    nn += Long.bitCount(b & d);
                }
                int p = firstOf[i] + (j - i);
                s[4 * p] = pp + nn - pn - np;
                s[4 * p + 1] = pp + pn - np - nn;
                s[4 * p + 2] = pp + np - pn - nn;
                s[4 * p + 3] = pp + pn + np + nn;
            }
        });
        return matrix(n, m, s);
    }

    private static Matrix matrix(int n, int m, long[] s) {
        long[] sum = new long[m], count = new long[m];
        int[] diag = new int[m];
        for (int i = 0, p = 0; i < m; i++) {
            diag[i] = p;
            p += m - i;
        }
        for (int i = 0; i < m; i++) {
            sum[i] = s[4 * diag[i] + 1]; // Σ x·|x| = Σ x
            count[i] = s[4 * diag[i] + 3];
        }
        double[][] r = new double[m][m], rBoth = new double[m][m], agreement = new double[m][m];
        long[][] overlap = new long[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                int p = diag[i] + (j - i);
                long sxy = s[4 * p], sxay = s[4 * p + 1], saxy = s[4 * p + 2], both = s[4 * p + 3];
                double all = pearson(n, sum[i], count[i], sum[j], count[j], sxy);
                double bothR = pearson(both, sxay, both, saxy, both, sxy);
                // on overlapping rows xy = +1 when they agree, −1 when not: agree = (both + Σxy) / 2
                double agree = both == 0 ? Double.NaN : (both + sxy) / 2.0 / both;
                r[i][j] = r[j][i] = i == j && !Double.isNaN(all) ? 1 : all;
                rBoth[i][j] = rBoth[j][i] = bothR;
                overlap[i][j] = overlap[j][i] = both;
                agreement[i][j] = agreement[j][i] = agree;
            }
        }
        return new Matrix(n, r, rBoth, overlap, agreement);
    }

    /** Pearson's r from n, Σx, Σx², Σy, Σy², Σxy; NaN when either side has no variance. */
    static double pearson(long n, long sx, long sxx, long sy, long syy, long sxy) {
        double vx = (double) n * sxx - (double) sx * sx;
        double vy = (double) n * syy - (double) sy * sy;
        if (!(vx > 0 && vy > 0)) return Double.NaN;
        return ((double) n * sxy - (double) sx * sy) / Math.sqrt(vx * vy);
    }

    /**
     * Each LF's Pearson r between its votes (+1/−1/0) and {@code measure} over the rows where the measure is a
     * number: positive when the LF's votes rise with the measure ("long → GOOD" and "short → BAD" both read
     * positive against length). NaN for an LF without variance.
     */
    public static double[] withMeasure(VoteMatrix votes, float[] measure) {
        if (measure.length != votes.rows()) {
            throw new IllegalArgumentException(measure.length + " measure values for " + votes.rows() + " rows");
        }
        int m = votes.lfs();
        int n = votes.rows();
        int chunks = Math.max(1, (n + CHUNK_ROWS - 1) / CHUNK_ROWS);
        // per chunk: rows, Σz, Σz², then per LF Σx, Σ|x|, Σxz (z = measure − shift, shifted for precision)
        double shift = firstNumber(measure);
        double[][] partial = new double[chunks][];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int start = c * CHUNK_ROWS, end = Math.min(n, start + CHUNK_ROWS);
            double[] s = new double[3 + 3 * m];
            for (int r = start; r < end; r++) {
                float v = measure[r];
                if (Float.isNaN(v)) continue;
                double z = v - shift;
                s[0]++;
                s[1] += z;
                s[2] += z * z;
            }
            for (int i = 0; i < m; i++) {
                byte[] x = votes.column(i);
                long sx = 0, ax = 0;
                double sxz = 0;
                for (int r = start; r < end; r++) {
                    float v = measure[r];
                    int a = x[r];
                    if (a == 0 || Float.isNaN(v)) continue;
                    sx += a;
                    ax++;
                    sxz += a * (v - shift);
                }
                s[3 + 3 * i] = sx;
                s[4 + 3 * i] = ax;
                s[5 + 3 * i] = sxz;
            }
            partial[c] = s;
        });
        double[] s = new double[3 + 3 * m];
        for (double[] ps : partial) for (int k = 0; k < s.length; k++) s[k] += ps[k];
        double[] out = new double[m];
        double nn = s[0], sz = s[1], szz = s[2];
        for (int i = 0; i < m; i++) {
            double sx = s[3 + 3 * i], sxx = s[4 + 3 * i], sxz = s[5 + 3 * i];
            double vx = nn * sxx - sx * sx, vz = nn * szz - sz * sz;
            out[i] = vx > 0 && vz > 0 ? (nn * sxz - sx * sz) / Math.sqrt(vx * vz) : Double.NaN;
        }
        return out;
    }

    /** Pearson's r of two series over the rows where both are numbers (NaN without variance). */
    public static double pearson(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ");
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        long n = 0;
        double ma = firstNumber(a), mb = firstNumber(b);
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) || Float.isNaN(b[i])) continue;
            double x = a[i] - ma, y = b[i] - mb;
            n++;
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
            sab += x * y;
        }
        double vx = n * saa - sa * sa, vy = n * sbb - sb * sb;
        return vx > 0 && vy > 0 ? (n * sab - sa * sb) / Math.sqrt(vx * vy) : Double.NaN;
    }

    private static double firstNumber(float[] v) {
        for (float f : v) if (!Float.isNaN(f)) return f;
        return 0;
    }

    /**
     * Average-linkage agglomerative clustering on |r|: start with one cluster per LF and merge the two clusters
     * with the highest mean |r| between their members while that mean is at least {@code threshold} (NaN counts
     * as 0). Returns the clusters of two or more LFs, each sorted, largest first (then by first LF).
     */
    public static List<int[]> clusters(double[][] r, double threshold) {
        int m = r.length;
        List<List<Integer>> cl = new ArrayList<>();
        for (int i = 0; i < m; i++) cl.add(new ArrayList<>(List.of(i)));
        while (cl.size() > 1) {
            double best = -1;
            int ba = -1, bb = -1;
            for (int a = 0; a < cl.size(); a++) {
                for (int b = a + 1; b < cl.size(); b++) {
                    double link = linkage(r, cl.get(a), cl.get(b));
                    if (link > best) {
                        best = link;
                        ba = a;
                        bb = b;
                    }
                }
            }
            if (best < threshold) break;
            cl.get(ba).addAll(cl.remove(bb));
        }
        return cl.stream().filter(c -> c.size() > 1)
                .map(c -> c.stream().mapToInt(Integer::intValue).sorted().toArray())
                .sorted(Comparator.<int[]>comparingInt(c -> -c.length).thenComparingInt(c -> c[0]))
                .toList();
    }

    private static double linkage(double[][] r, List<Integer> a, List<Integer> b) {
        double s = 0;
        for (int i : a) for (int j : b) {
            double v = Math.abs(r[i][j]);
            s += Double.isNaN(v) ? 0 : v;
        }
        return s / (a.size() * b.size());
    }

    /** Mean pairwise r (NaN counted as 0) among the given LFs; 0 for fewer than two. */
    public static double meanPairwise(double[][] r, int[] lfs) {
        double s = 0;
        int k = 0;
        for (int a = 0; a < lfs.length; a++) for (int b = a + 1; b < lfs.length; b++, k++) {
            double v = r[lfs[a]][lfs[b]];
            s += Double.isNaN(v) ? 0 : v;
        }
        return k == 0 ? 0 : s / k;
    }

    /**
     * The textbook computation, for the bench's baseline: each pair's r over all rows by the two-pass formula on
     * doubles, one pair after another.
     */
    public static double[][] naive(VoteMatrix votes) {
        int m = votes.lfs(), n = votes.rows();
        double[][] r = new double[m][m];
        double[] mean = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (byte v : votes.column(i)) s += v;
            mean[i] = s / n;
        }
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                byte[] x = votes.column(i), y = votes.column(j);
                double sxy = 0, sxx = 0, syy = 0;
                for (int k = 0; k < n; k++) {
                    double dx = x[k] - mean[i], dy = y[k] - mean[j];
                    sxy += dx * dy;
                    sxx += dx * dx;
                    syy += dy * dy;
                }
                r[i][j] = r[j][i] = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Double.NaN;
            }
        }
        return r;
    }

}
