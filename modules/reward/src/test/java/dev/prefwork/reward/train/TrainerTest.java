package dev.prefwork.reward.train;

import dev.prefwork.reward.features.FeatureMatrix;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrainerTest {

    /** Targets over all rows of a random matrix: soft labels, gold and pairs of consecutive rows. */
    private static RewardLoss loss(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] soft = new int[rows];
        float[] q = new float[rows];
        for (int i = 0; i < rows; i++) {
            soft[i] = i;
            q[i] = (float) r.nextDouble();
        }
        int[] gold = {0, 3, 5, 8};
        float[] y = {1, 0, 1, 0};
        int[] w = {1, 4, 7, 9}, l = {2, 5, 6, 0};
        float[] c = {1, 1, 0.5f, 2};
        return new RewardLoss(new RewardLoss.Targets(soft, q, gold, y, w, l, c), new RewardLoss.Weights(1, 2, 3));
    }

    private static void checkGradient(Scorer scorer, FeatureMatrix x, double[] theta, double tolerance) {
        double[] penalty = new double[x.cols()];
        Arrays.fill(penalty, 1);
        penalty[0] = 3;
        Trainer t = new Trainer(scorer, x, 0.05, penalty);
        RewardLoss loss = loss(x.rows(), 11);
        double[] g = new double[theta.length];
        t.objective(loss, theta, g);
        double h = 1e-6;
        for (int i = 0; i < theta.length; i++) {
            double[] up = theta.clone(), down = theta.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (t.objective(loss, up, new double[theta.length]) - t.objective(loss, down, new double[theta.length])) / (2 * h);
            assertThat(g[i]).as("∂L/∂θ[%d] of %s", i, scorer.kind()).isCloseTo(fd, within(tolerance * Math.max(1, Math.abs(fd))));
        }
    }

    @Test
    void linearGradientMatchesFiniteDifferences() {
        FeatureMatrix x = Matrices.random(10, 4, 1);
        double[] theta = {0.3, -0.5, 1.2, 0.1, -0.8};
        checkGradient(new LinearScorer(4), x, theta, 1e-6);
    }

    @Test
    void mlpGradientMatchesFiniteDifferences() {
        FeatureMatrix x = Matrices.random(10, 3, 2);
        MlpScorer mlp = new MlpScorer(3, 4);
        double[] theta = mlp.initial(5);
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < theta.length; i++) theta[i] += 0.3 * r.nextGaussian();
        checkGradient(mlp, x, theta, 1e-6);
    }

    @Test
    void softLabelsFromALogisticModelAreRecoveredExactly() {
        // q = σ(−1 + 2·x₀ − 0.5·x₁): the soft-label cross-entropy is minimised where the model predicts q, at θ = (−1, 2, −0.5)
        int n = 400;
        FeatureMatrix x = Matrices.random(n, 2, 7);
        int[] rows = new int[n];
        float[] q = new float[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            q[i] = (float) RewardLoss.sigmoid(-1 + 2 * x.get(i, 0) - 0.5 * x.get(i, 1));
        }
        RewardLoss loss = new RewardLoss(new RewardLoss.Targets(rows, q, new int[0], new float[0], new int[0], new int[0], new float[0]),
                RewardLoss.Weights.defaults());
        Lbfgs.Result r = new Trainer(new LinearScorer(2), x, 0, new double[]{1, 1}).fit(loss, new double[3], Lbfgs.Options.defaults(), null);
        assertThat(r.converged()).isTrue();
        assertThat(r.theta()[0]).isCloseTo(-1, within(1e-3));
        assertThat(r.theta()[1]).isCloseTo(2, within(1e-3));
        assertThat(r.theta()[2]).isCloseTo(-0.5, within(1e-3));
    }

    @Test
    void bradleyTerryAloneOrdersByTheFeature() {
        // one feature; pairs say the higher value wins: the fitted weight is positive and every pair is ordered right
        FeatureMatrix x = Matrices.of(6, 1, new float[]{-2, -1, 0, 0.5f, 1, 2});
        RewardLoss loss = new RewardLoss(new RewardLoss.Targets(new int[0], new float[0], new int[0], new float[0],
                new int[]{5, 4, 3, 2, 1}, new int[]{0, 1, 2, 1, 0}, new float[]{1, 1, 1, 1, 1}), RewardLoss.Weights.defaults());
        Lbfgs.Result r = new Trainer(new LinearScorer(1), x, 0.1, new double[]{1}).fit(loss, new double[2], Lbfgs.Options.defaults(), null);
        assertThat(r.theta()[1]).isPositive();
        // with only pairs the bias is not identified and stays where it started
        assertThat(r.theta()[0]).isCloseTo(0, within(1e-9));
    }

    @Test
    void fitsAreBitIdenticalRunToRun() {
        FeatureMatrix x = Matrices.random(20_000, 12, 4); // several chunks: the parallel sums must still be deterministic
        RewardLoss loss = loss(20_000, 8);
        for (Scorer s : new Scorer[]{new LinearScorer(12), new MlpScorer(12, 5)}) {
            double[] penalty = new double[12];
            Arrays.fill(penalty, 1);
            Trainer t = new Trainer(s, x, 0.01, penalty);
            Lbfgs.Options o = Lbfgs.Options.defaults().withMaxIterations(30);
            Lbfgs.Result a = t.fit(loss, s.initial(42), o, null);
            Lbfgs.Result b = t.fit(loss, s.initial(42), o, null);
            assertThat(b.theta()).as(s.kind()).containsExactly(a.theta());
            assertThat(b.value()).isEqualTo(a.value());
        }
    }

    @Test
    void linearContributionsAddUpToTheScoreLessTheBias() {
        FeatureMatrix x = Matrices.random(5, 3, 3);
        double[] theta = {0.7, 1, -2, 0.5};
        LinearScorer s = new LinearScorer(3);
        double[] scores = new double[5];
        s.score(x, theta, scores);
        float[] c = new float[5 * 2];
        s.contributions(x, theta, new int[]{0, 1, 1}, 2, c);
        for (int r = 0; r < 5; r++) {
            assertThat(c[r * 2]).isCloseTo((float) (theta[1] * x.get(r, 0)), within(1e-5f));
            assertThat(0.7 + c[r * 2] + c[r * 2 + 1]).isCloseTo(scores[r], within(1e-5));
        }
    }

    @Test
    void mlpContributionIsTheOcclusionEffect() {
        FeatureMatrix x = Matrices.random(4, 3, 6);
        MlpScorer mlp = new MlpScorer(3, 3);
        double[] theta = mlp.initial(1);
        for (int i = 0; i < theta.length; i++) theta[i] += 0.1 * i % 0.7;
        double[] scores = new double[4];
        mlp.score(x, theta, scores);
        float[] c = new float[4 * 2];
        mlp.contributions(x, theta, new int[]{0, 0, 1}, 2, c);
        // zero out group 0 (columns 0 and 1) by hand and score again
        float[] occluded = x.data().clone();
        for (int r = 0; r < 4; r++) {
            occluded[r * 3] = 0;
            occluded[r * 3 + 1] = 0;
        }
        double[] without = new double[4];
        mlp.score(Matrices.of(4, 3, occluded), theta, without);
        for (int r = 0; r < 4; r++) assertThat((double) c[r * 2]).isCloseTo(scores[r] - without[r], within(1e-5));
    }
}
