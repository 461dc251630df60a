package dev.prefwork.reward.features;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PcaTest {

    @Test
    void jacobiFindsTheEigenvaluesOfAKnownMatrix() {
        // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 1, 3, 5; (1,1,0)/√2 for 3
        double[][] a = {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}};
        double[][] v = new double[3][3];
        double[] values = Pca.jacobi(a, v);
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        assertThat(sorted[0]).isCloseTo(1, within(1e-12));
        assertThat(sorted[1]).isCloseTo(3, within(1e-12));
        assertThat(sorted[2]).isCloseTo(5, within(1e-12));
        int three = Math.abs(values[0] - 3) < 1e-9 ? 0 : Math.abs(values[1] - 3) < 1e-9 ? 1 : 2;
        assertThat(Math.abs(v[0][three])).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(Math.abs(v[1][three])).isCloseTo(Math.sqrt(0.5), within(1e-12));
    }

    @Test
    void componentsFollowTheDataAndAreOrthonormal() {
        // points spread mostly along (3, 4)/5, a little along (−4, 3)/5, not at all along z; mean (1, 2, 3)
        SplittableRandom r = new SplittableRandom(1);
        float[][] sample = new float[2000][];
        for (int i = 0; i < sample.length; i++) {
            double a = 5 * r.nextGaussian(), b = 0.5 * r.nextGaussian();
            sample[i] = new float[]{(float) (1 + 0.6 * a - 0.8 * b), (float) (2 + 0.8 * a + 0.6 * b), 3};
        }
        Pca pca = Pca.fit(sample, 2);
        assertThat(pca.components()).isEqualTo(2);
        double[] c0 = pca.component(0), c1 = pca.component(1);
        assertThat(c0[0]).isCloseTo(0.6, within(0.01));
        assertThat(c0[1]).isCloseTo(0.8, within(0.01));
        assertThat(c0[0] * c1[0] + c0[1] * c1[1] + c0[2] * c1[2]).isCloseTo(0, within(1e-9));
        assertThat(c1[0] * c1[0] + c1[1] * c1[1] + c1[2] * c1[2]).isCloseTo(1, within(1e-9));
        assertThat(pca.variances()[0]).isCloseTo(25, within(2.0));
        assertThat(pca.mean()[2]).isCloseTo(3, within(1e-6));
        float[] out = new float[2];
        pca.project(new float[]{1 + 0.6f * 10, 2 + 0.8f * 10, 3}, out, 0);
        assertThat(out[0]).isCloseTo(10, within(0.2f));
        // the same sample always gives the same components (signs fixed)
        assertThat(Pca.fit(sample, 2).component(0)).containsExactly(c0);
    }

    @Test
    void theTopSubspaceOfManyDimensionsMatchesFullDiagonalisation() {
        // 96 dimensions with a decaying spectrum: the fast path's top components equal the exact eigenvectors (up to sign)
        int d = 96;
        SplittableRandom r = new SplittableRandom(5);
        float[][] sample = new float[3000][d];
        for (float[] v : sample) for (int j = 0; j < d; j++) v[j] = (float) (r.nextGaussian() * 10 / (1 + j));
        Pca fast = Pca.fit(sample, 5);
        for (int i = 0; i < 5; i++) {
            double[] c = fast.component(i);
            // the spectrum is axis-aligned here: component i is (close to) the i-th axis
            assertThat(Math.abs(c[i])).as("component %d", i).isGreaterThan(0.99);
        }
        assertThat(fast.variances()[0]).isCloseTo(100, within(8.0));
        assertThat(fast.variances()[1]).isCloseTo(25, within(2.5));
    }

    @Test
    void asksForMoreComponentsThanDimensionsGetsAll() {
        float[][] sample = {{1, 0}, {0, 1}, {1, 1}, {0, 0}};
        assertThat(Pca.fit(sample, 10).components()).isEqualTo(2);
    }
}
