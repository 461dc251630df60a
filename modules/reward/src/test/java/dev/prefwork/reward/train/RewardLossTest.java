package dev.prefwork.reward.train;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RewardLossTest {

    private static final RewardLoss.Targets ALL_TERMS = new RewardLoss.Targets(
            new int[]{0, 1, 2, 3}, new float[]{0.9f, 0.2f, 0.5f, 1f},
            new int[]{1, 4}, new float[]{1, 0},
            new int[]{0, 2, 4}, new int[]{1, 3, 0}, new float[]{1, 0.5f, 2});

    @Test
    void knownValuesAtZero() {
        // s = 0 everywhere: each cross-entropy is log 2, each Bradley–Terry term log 2, whatever the targets
        RewardLoss loss = new RewardLoss(ALL_TERMS, new RewardLoss.Weights(1, 2, 3));
        double[] g = new double[5];
        double value = loss.evaluate(new double[5], g);
        assertThat(value).isCloseTo((1 + 2 + 3) * Math.log(2), within(1e-12));
        // soft term: (σ(0) − q) / 4 per row; row 0: (0.5 − 0.9) / 4; BT: row 0 wins a pair (weight 1 of 3.5) and loses one (2 of 3.5)
        double soft0 = (0.5 - 0.9) / 4;
        double bt0 = 3 * (-1 * 0.5 + 2 * 0.5) / 3.5;
        assertThat(g[0]).isCloseTo(soft0 + bt0, within(1e-7)); // q is a float
        // row 4: gold BAD (y = 0): 2 · (0.5 − 0) / 2; wins the weight-2 pair against row 0
        assertThat(g[4]).isCloseTo(2 * 0.5 / 2 + 3 * (-2 * 0.5) / 3.5, within(1e-12));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        RewardLoss loss = new RewardLoss(ALL_TERMS, new RewardLoss.Weights(0.7, 1.3, 2.1));
        SplittableRandom random = new SplittableRandom(3);
        double[] s = new double[5];
        for (int i = 0; i < s.length; i++) s[i] = 4 * random.nextGaussian();
        double[] g = new double[5];
        loss.evaluate(s, g);
        double h = 1e-6;
        for (int i = 0; i < s.length; i++) {
            double[] up = s.clone(), down = s.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (loss.evaluate(up, new double[5]) - loss.evaluate(down, new double[5])) / (2 * h);
            assertThat(g[i]).as("∂L/∂s[%d]", i).isCloseTo(fd, within(1e-7));
        }
    }

    @Test
    void stableForLargeScores() {
        RewardLoss loss = new RewardLoss(ALL_TERMS, RewardLoss.Weights.defaults());
        double[] g = new double[5];
        double v = loss.evaluate(new double[]{800, -800, 800, -800, 800}, g);
        assertThat(v).isFinite();
        for (double x : g) assertThat(x).isFinite();
        assertThat(RewardLoss.softplus(1000)).isEqualTo(1000);
        assertThat(RewardLoss.softplus(-1000)).isZero();
    }

    @Test
    void emptyTermsAreLeftOut() {
        RewardLoss loss = new RewardLoss(RewardLoss.Targets.none(), RewardLoss.Weights.defaults());
        double[] g = new double[3];
        assertThat(loss.evaluate(new double[]{1, 2, 3}, g)).isZero();
        assertThat(g).containsOnly(0);
    }
}
