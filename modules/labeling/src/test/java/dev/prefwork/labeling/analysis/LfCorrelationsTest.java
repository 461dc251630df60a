package dev.prefwork.labeling.analysis;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LfCorrelationsTest {

    @Test
    void pearsonOfTwoSmallColumnsMatchesTheHandComputedValue() {
        // x = [1, 1, 0, −1, 0], y = [1, 0, 0, −1, −1]: mean x = 0.2, mean y = −0.2,
        // Σdx·dy = 0.96+0.24+0.04+0.96−0.16 = 2.2 − 5·0.2·0.2... computed directly: Σxy − n·x̄·ȳ = 2 − 5·(0.2)(−0.2) = 2.2,
        // Σdx² = 3 − 5·0.04 = 2.8, Σdy² = 3 − 0.2 = 2.8 → r = 2.2 / 2.8
        VoteMatrix v = new VoteMatrix(5, new byte[][]{{1, 1, 0, -1, 0}, {1, 0, 0, -1, -1}});
        LfCorrelations.Matrix m = LfCorrelations.compute(v);
        assertThat(m.r()[0][1]).isCloseTo(2.2 / 2.8, within(1e-12));
        assertThat(m.r()[1][0]).isEqualTo(m.r()[0][1]);
        assertThat(m.r()[0][0]).isEqualTo(1.0);
        // both vote on rows 0 and 3: x = [1, −1], y = [1, −1] → r = 1, agree on both
        assertThat(m.overlap()[0][1]).isEqualTo(2);
        assertThat(m.rBoth()[0][1]).isCloseTo(1.0, within(1e-12));
        assertThat(m.agreement()[0][1]).isEqualTo(1.0);
        assertThat(m.coverage(0)).isEqualTo(3);
        assertThat(m.coverage(1)).isEqualTo(3);
    }

    @Test
    void oneVoteLfsHaveAnUndefinedBothVoteCorrelationButAnAgreementRate() {
        // A fires GOOD on rows 0–2, B fires BAD on rows 2–4: overlap row 2, disagree there
        VoteMatrix v = new VoteMatrix(6, new byte[][]{{1, 1, 1, 0, 0, 0}, {0, 0, -1, -1, -1, 0}});
        LfCorrelations.Matrix m = LfCorrelations.compute(v);
        assertThat(m.rBoth()[0][1]).isNaN();
        assertThat(m.overlap()[0][1]).isEqualTo(1);
        assertThat(m.agreement()[0][1]).isEqualTo(0.0);
        // x̄ = 0.5, ȳ = −0.5, Σxy = −1: cov·n = −1 + 6·0.25 = 0.5; Σdx² = 3 − 1.5 = 1.5 = Σdy² → r = 1/3
        assertThat(m.r()[0][1]).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void matchesTheTextbookComputationOnManyChunks() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 3 * LfCorrelations.CHUNK_ROWS + 123;
        byte[][] cols = new byte[6][n];
        for (int r = 0; r < n; r++) {
            int z = rnd.nextInt(3) - 1;
            for (int j = 0; j < 6; j++) cols[j][r] = (byte) (rnd.nextDouble() < 0.2 * j ? rnd.nextInt(3) - 1 : z);
        }
        VoteMatrix v = new VoteMatrix(n, cols);
        double[][] fast = LfCorrelations.compute(v).r();
        double[][] naive = LfCorrelations.naive(v);
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) assertThat(fast[i][j]).isCloseTo(naive[i][j], within(1e-9));
    }

    @Test
    void correlationWithAMeasureMatchesTheHandComputedValueAndSkipsNaN() {
        // votes [1, 0, −1, 1], measure [4, 2, 0, 2] (a fifth row NaN is skipped):
        // x̄ = 0.25, z̄ = 2; Σxz = 4 + 0 + 0 + 2 = 6 → n·cov = 6 − 4·0.25·2 = 4; Σdx² = 3 − 0.25 = 2.75; Σdz² = 24 − 16 = 8
        VoteMatrix v = new VoteMatrix(5, new byte[][]{{1, 0, -1, 1, 1}});
        double[] r = LfCorrelations.withMeasure(v, new float[]{4, 2, 0, 2, Float.NaN});
        assertThat(r[0]).isCloseTo(4 / Math.sqrt(2.75 * 8), within(1e-9));
        assertThat(LfCorrelations.pearson(new float[]{1, 2, 3, Float.NaN}, new float[]{2, 4, 7, 1})).isCloseTo(
                // x = 1..3, y = 2, 4, 7: Σdxdy = (−1)(−2.333)+0+(1)(2.667) = 5, Σdx² = 2, Σdy² = 5.444+0.111+7.111 = 12.667
                5 / Math.sqrt(2 * (38.0 / 3)), within(1e-6));
    }

    @Test
    void averageLinkageFindsAPlantedCluster() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 20_000;
        byte[][] cols = new byte[8][n];
        for (int r = 0; r < n; r++) {
            byte z = (byte) (rnd.nextBoolean() ? 1 : -1);
            for (int j = 0; j < 8; j++) {
                boolean planted = j == 1 || j == 4 || j == 6;
                cols[j][r] = planted ? (rnd.nextDouble() < 0.9 ? z : (byte) -z) : (byte) (rnd.nextBoolean() ? 1 : -1);
            }
        }
        LfCorrelations.Matrix m = LfCorrelations.compute(new VoteMatrix(n, cols));
        List<int[]> clusters = LfCorrelations.clusters(m.r(), 0.4);
        assertThat(clusters).hasSize(1);
        assertThat(clusters.get(0)).containsExactly(1, 4, 6);
        // r of two copies that each flip 10 %: (0.8)² = 0.64
        assertThat(LfCorrelations.meanPairwise(m.r(), clusters.get(0))).isCloseTo(0.64, within(0.03));
    }

    @Test
    void averageLinkageUsesTheMeanNotTheMaximum() {
        // 0–1 strongly alike, 2 alike to 0 only: mean link of {0,1} to 2 is (0.6 + 0.1) / 2 = 0.35 < 0.4
        double[][] r = {{1, 0.9, 0.6}, {0.9, 1, 0.1}, {0.6, 0.1, 1}};
        assertThat(LfCorrelations.clusters(r, 0.4)).singleElement().satisfies(c -> assertThat(c).containsExactly(0, 1));
        assertThat(LfCorrelations.clusters(r, 0.3)).singleElement().satisfies(c -> assertThat(c).containsExactly(0, 1, 2));
    }
}
