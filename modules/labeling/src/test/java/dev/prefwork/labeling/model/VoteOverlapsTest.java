package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class VoteOverlapsTest {

    /** Three chunks, the last one ending mid-word, so packing, tails and chunk sums are all exercised. */
    @Test
    void bitsetCountsMatchNaiveCounting() {
        int n = 2 * VoteOverlaps.CHUNK_ROWS + 1000 + 37;
        int m = 5;
        VoteMatrix votes = randomVotes(n, m, 7);
        int[][] triplets = {{0, 1, 2}, {1, 3, 4}, {0, 2, 4}};
        VoteOverlaps overlaps = VoteOverlaps.compute(votes, triplets);

        assertThat(overlaps.rows()).isEqualTo(n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                for (int vi = 0; vi < 2; vi++) {
                    for (int vj = 0; vj < 2; vj++) {
                        long expected = 0;
                        for (int r = 0; r < n; r++) {
                            if (votes.get(r, i) == vote(vi) && votes.get(r, j) == vote(vj)) expected++;
                        }
                        assertThat(overlaps.count(i, vi, j, vj)).as("count(%d,%d,%d,%d)", i, vi, j, vj).isEqualTo(expected);
                    }
                }
            }
        }
        for (int t = 0; t < triplets.length; t++) {
            long expected = 0;
            for (int r = 0; r < n; r++) {
                expected += votes.get(r, triplets[t][0]) * votes.get(r, triplets[t][1]) * votes.get(r, triplets[t][2]);
            }
            assertThat(overlaps.tripleSum(t)).isEqualTo(expected);
        }
        long sum = 0, pair = 0;
        for (int r = 0; r < n; r++) {
            sum += votes.get(r, 3);
            pair += votes.get(r, 1) * votes.get(r, 4);
        }
        assertThat(overlaps.voteSum(3)).isEqualTo(sum);
        assertThat(overlaps.pairSum(1, 4)).isEqualTo(pair);
    }

    @Test
    void packingReadsEveryByteOfAWord() {
        // One word: GOOD at rows 0 and 63, BAD at 8 and 7 (the bytes at the edges of the 8-byte loads).
        byte[] column = new byte[64];
        column[0] = VoteMatrix.GOOD;
        column[63] = VoteMatrix.GOOD;
        column[7] = VoteMatrix.BAD;
        column[8] = VoteMatrix.BAD;
        long[] good = new long[1], bad = new long[1];
        VoteOverlaps.pack(column, 0, 64, good, bad);
        assertThat(good[0]).isEqualTo(1L | (1L << 63));
        assertThat(bad[0]).isEqualTo((1L << 7) | (1L << 8));
    }

    @Test
    void overlapMatrixIsCountsOverRows() {
        VoteMatrix votes = new VoteMatrix(4, new byte[][] {{1, 1, -1, 0}, {1, -1, 0, 0}});
        double[][] o = VoteOverlaps.compute(votes).overlapMatrix();
        assertThat(o[0][0]).isEqualTo(0.5);   // LF 0 GOOD on 2 of 4 rows
        assertThat(o[1][1]).isEqualTo(0.25);  // LF 0 BAD on 1
        assertThat(o[0][2]).isEqualTo(0.25);  // both GOOD on row 0
        assertThat(o[0][3]).isEqualTo(0.25);  // GOOD / BAD on row 1
        assertThat(o[2][0]).isEqualTo(o[0][2]);
        assertThat(o[0][1]).isZero();
    }

    private static byte vote(int index) {
        return index == 0 ? VoteMatrix.GOOD : VoteMatrix.BAD;
    }

    static VoteMatrix randomVotes(int n, int m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] cols = new byte[m][n];
        for (byte[] col : cols) {
            for (int r = 0; r < n; r++) col[r] = (byte) (random.nextInt(3) - 1);
        }
        return new VoteMatrix(n, cols);
    }
}
