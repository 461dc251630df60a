package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The sufficient statistics of the matrix-completion label model, gathered in one pass over the votes: for
 * every pair of LFs the counts of (vote of i, vote of j) over GOOD/BAD, i.e. XᵀX of the one-hot vote matrix
 * X (n × 2m, column 2i = "LF i votes GOOD", 2i+1 = "LF i votes BAD"); and, for chosen LF triplets, the third
 * moment Σ s_i·s_j·s_k of the votes as numbers (s = +1, −1, 0), which is what identifies the class balance.
 *
 * <p>Why bitsets: each chunk of 32768 rows is packed into two bit columns per LF (GOOD bits, BAD bits), 8 votes
 * per 64-bit load, and every count is then an AND plus a hardware popcount over 512 words: a 1M × 20 matrix
 * costs about 12M popcounts instead of 210M byte comparisons. Counts are integers, so the parallel result is
 * exact and independent of scheduling.
 */
public final class VoteOverlaps {

    /** Rows per chunk: a multiple of 64; the chunk's 2m bit columns (160 KB at m = 20) stay in L2. */
    static final int CHUNK_ROWS = 1 << 15;
    private static final int CHUNK_WORDS = CHUNK_ROWS / 64;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    /** Moves bit 0 of byte k to bit 56 + k (no two partial products collide, so no carries). */
    private static final long GATHER = 0x0102040810204080L;

    private final int rows;
    private final int lfs;
    private final long[] pairs;        // (2m)², symmetric; diagonal = per-indicator vote counts
    private final int[][] triplets;
    private final long[] tripleSums;

    private VoteOverlaps(int rows, int lfs, long[] pairs, int[][] triplets, long[] tripleSums) {
        this.rows = rows;
        this.lfs = lfs;
        this.pairs = pairs;
        this.triplets = triplets;
        this.tripleSums = tripleSums;
    }

    public static VoteOverlaps compute(VoteMatrix votes) {
        return compute(votes, new int[0][]);
    }

    /** @param triplets LF index triplets whose third moments are wanted (may be empty) */
    public static VoteOverlaps compute(VoteMatrix votes, int[][] triplets) {
        int n = votes.rows();
        int m = votes.lfs();
        int d = 2 * m;
        for (int[] t : triplets) {
            if (t.length != 3) throw new IllegalArgumentException("a triplet has three LFs");
        }
        int chunks = RowChunks.count(n, CHUNK_ROWS);
        long[][] partial = new long[chunks][];
        RowChunks.forEach(chunks, c -> partial[c] = countChunk(votes, c, triplets));
        long[] pairs = new long[d * d];
        long[] tripleSums = new long[triplets.length];
        for (long[] p : partial) {
            for (int i = 0; i < d * d; i++) pairs[i] += p[i];
            for (int t = 0; t < triplets.length; t++) tripleSums[t] += p[d * d + t];
        }
        // Only the upper triangle (and the diagonal) was counted: mirror it.
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) pairs[b * d + a] = pairs[a * d + b];
        }
        int[][] copy = new int[triplets.length][];
        for (int t = 0; t < triplets.length; t++) copy[t] = triplets[t].clone();
        return new VoteOverlaps(n, m, pairs, copy, tripleSums);
    }

    private static long[] countChunk(VoteMatrix votes, int chunk, int[][] triplets) {
        int m = votes.lfs();
        int d = 2 * m;
        int start = chunk * CHUNK_ROWS;
        int end = Math.min(votes.rows(), start + CHUNK_ROWS);
        int words = (end - start + 63) >>> 6;
        long[][] good = new long[m][words];
        long[][] bad = new long[m][words];
        for (int i = 0; i < m; i++) pack(votes.column(i), start, end, good[i], bad[i]);

        long[] out = new long[d * d + triplets.length];
        for (int i = 0; i < m; i++) {
            long[] gi = good[i], bi = bad[i];
            long cg = 0, cb = 0;
            for (int w = 0; w < words; w++) {
                cg += Long.bitCount(gi[w]);
                cb += Long.bitCount(bi[w]);
            }
            out[(2 * i) * d + 2 * i] = cg;
            out[(2 * i + 1) * d + 2 * i + 1] = cb;
            for (int j = i + 1; j < m; j++) {
                long[] gj = good[j], bj = bad[j];
                long gg = 0, gb = 0, bg = 0, bb = 0;
                for (int w = 0; w < words; w++) {
                    long a = gi[w], b = bi[w], x = gj[w], y = bj[w];
                    gg += Long.bitCount(a & x);
                    gb += Long.bitCount(a & y);
                    bg += Long.bitCount(b & x);
                    bb += Long.bitCount(b & y);
                }
                out[(2 * i) * d + 2 * j] = gg;
                out[(2 * i) * d + 2 * j + 1] = gb;
                out[(2 * i + 1) * d + 2 * j] = bg;
                out[(2 * i + 1) * d + 2 * j + 1] = bb;
            }
        }
        // Σ s_i·s_j·s_k over rows where all three vote (s = +1 GOOD, −1 BAD): the sign is negative exactly when an
        // odd number of the three vote BAD.
        for (int t = 0; t < triplets.length; t++) {
            int i = triplets[t][0], j = triplets[t][1], k = triplets[t][2];
            long[] gi = good[i], bi = bad[i], gj = good[j], bj = bad[j], gk = good[k], bk = bad[k];
            long all = 0, odd = 0;
            for (int w = 0; w < words; w++) {
                long voting = (gi[w] | bi[w]) & (gj[w] | bj[w]) & (gk[w] | bk[w]);
                all += Long.bitCount(voting);
                odd += Long.bitCount(voting & (bi[w] ^ bj[w] ^ bk[w]));
            }
            out[d * d + t] = all - 2 * odd;
        }
        return out;
    }

    /**
     * Packs votes[start, end) into bits: bit r of the GOOD (BAD) words is set when row start + r votes GOOD (BAD).
     * Eight votes are read per 64-bit load: per byte, GOOD (0x01) is "bit 0 set, bit 1 clear" and BAD (0xFF) is
     * "bit 1 set"; a multiply then gathers the eight per-byte bits into one byte.
     */
    static void pack(byte[] column, int start, int end, long[] good, long[] bad) {
        int full = (end - start) >>> 6;
        for (int w = 0; w < full; w++) {
            int base = start + (w << 6);
            long g = 0, b = 0;
            for (int k = 0; k < 8; k++) {
                long x = (long) LONGS.get(column, base + (k << 3));
                long shifted = x >>> 1;
                long gm = x & ~shifted & LOW_BITS;
                long bm = shifted & LOW_BITS;
                g |= ((gm * GATHER) >>> 56) << (k << 3);
                b |= ((bm * GATHER) >>> 56) << (k << 3);
            }
            good[w] = g;
            bad[w] = b;
        }
        if (full < good.length) {
            long g = 0, b = 0;
            for (int r = start + (full << 6), bit = 0; r < end; r++, bit++) {
                byte v = column[r];
                if (v == VoteMatrix.GOOD) g |= 1L << bit;
                else if (v == VoteMatrix.BAD) b |= 1L << bit;
            }
            good[full] = g;
            bad[full] = b;
        }
    }

    public int rows() {
        return rows;
    }

    public int lfs() {
        return lfs;
    }

    /**
     * Rows where LF i's vote is vi and LF j's vote is vj, with vote indices 0 = GOOD, 1 = BAD. For i == j this is
     * the LF's vote count when vi == vj and 0 otherwise.
     */
    public long count(int i, int vi, int j, int vj) {
        int d = 2 * lfs;
        return pairs[(2 * i + vi) * d + 2 * j + vj];
    }

    /** Rows where LF i votes (GOOD or BAD). */
    public long votes(int i) {
        return count(i, 0, i, 0) + count(i, 1, i, 1);
    }

    /** Fraction of rows where LF i votes; 0 for an empty matrix. */
    public double coverage(int i) {
        return rows == 0 ? 0 : votes(i) / (double) rows;
    }

    /** O = XᵀX / n as a dense 2m × 2m matrix (zeros for an empty matrix). */
    public double[][] overlapMatrix() {
        int d = 2 * lfs;
        double[][] o = new double[d][d];
        if (rows == 0) return o;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) o[a][b] = pairs[a * d + b] / (double) rows;
        }
        return o;
    }

    public int[][] triplets() {
        int[][] copy = new int[triplets.length][];
        for (int t = 0; t < triplets.length; t++) copy[t] = triplets[t].clone();
        return copy;
    }

    /** Σ over rows of s_i·s_j·s_k for triplet t (s = +1 GOOD, −1 BAD, 0 ABSTAIN): the third moment, unnormalised. */
    public long tripleSum(int t) {
        return tripleSums[t];
    }

    /** Σ over rows of s_i·s_j (i ≠ j): the second moment, unnormalised. */
    public long pairSum(int i, int j) {
        return count(i, 0, j, 0) + count(i, 1, j, 1) - count(i, 0, j, 1) - count(i, 1, j, 0);
    }

    /** Σ over rows of s_i. */
    public long voteSum(int i) {
        return count(i, 0, i, 0) - count(i, 1, i, 1);
    }
}
