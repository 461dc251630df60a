package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A planted length cluster: six LFs that each copy one latent "long response" signal Z (flipping 10 % of it), where
 * Z matches the true label only 60 % of the time, next to three LFs that are conditionally independent given the
 * label with accuracies 0.8, 0.75 and 0.7. Each length LF's true accuracy is 0.6·0.9 + 0.4·0.1 = 0.58.
 */
class GroupedLabelModelTest {

    static final int N = 100_000;
    static final double[] TRUE_ACCURACY = {0.8, 0.75, 0.7};
    static final double LENGTH_ACCURACY = 0.6 * 0.9 + 0.4 * 0.1;
    static final int[] LENGTH_LFS = {3, 4, 5, 6, 7, 8};

    static VoteMatrix votes;
    static byte[] labels;

    @BeforeAll
    static void generate() {
        SplittableRandom rnd = new SplittableRandom(13);
        byte[][] cols = new byte[9][N];
        labels = new byte[N];
        for (int r = 0; r < N; r++) {
            byte y = (byte) (rnd.nextBoolean() ? 1 : -1);
            labels[r] = y;
            for (int j = 0; j < 3; j++) {
                if (rnd.nextDouble() < 0.7) cols[j][r] = rnd.nextDouble() < TRUE_ACCURACY[j] ? y : (byte) -y;
            }
            byte z = rnd.nextDouble() < 0.6 ? y : (byte) -y;
            for (int j : LENGTH_LFS) {
                if (rnd.nextDouble() < 0.8) cols[j][r] = rnd.nextDouble() < 0.9 ? z : (byte) -z;
            }
        }
        votes = new VoteMatrix(N, cols);
    }

    private static final FitOptions OPTIONS = new FitOptions(ClassPrior.fixed(0.5), 1);

    @Test
    void thePlainModelIsMisledByTheCluster() {
        double[] acc = new SnorkelLabelModel().fit(votes, OPTIONS).accuracies();
        // the cluster agrees with itself, so it reads as far more accurate than it is …
        for (int j : LENGTH_LFS) assertThat(acc[j]).isGreaterThan(LENGTH_ACCURACY + 0.2);
        // … and the LFs that are right get judged against it
        for (int j = 0; j < 3; j++) assertThat(Math.abs(acc[j] - TRUE_ACCURACY[j])).isGreaterThan(0.1);
    }

    @Test
    void mergingTheClusterRecoversTheTrueAccuracies() {
        FittedLabelModel fit = new GroupedLabelModel(new SnorkelLabelModel(), List.of(new LfGroup(LENGTH_LFS, LfGroup.Mode.MERGE)))
                .fit(votes, OPTIONS);
        double[] acc = fit.accuracies();
        for (int j = 0; j < 3; j++) assertThat(acc[j]).as("LF %d", j).isCloseTo(TRUE_ACCURACY[j], within(0.03));
        // the merged vote is (almost) Z itself: accuracy ≈ 0.6
        for (int j : LENGTH_LFS) assertThat(acc[j]).isCloseTo(0.6, within(0.04));
        assertThat(labelAccuracy(fit.predict(votes))).isGreaterThan(labelAccuracy(new SnorkelLabelModel().fit(votes, OPTIONS).predict(votes)) + 0.1);
    }

    @Test
    void modellingTheClusterAsDependentRecoversEachMembersAccuracy() {
        FittedLabelModel fit = new GroupedLabelModel(new SnorkelLabelModel(), List.of(new LfGroup(LENGTH_LFS, LfGroup.Mode.DEPENDENT)))
                .fit(votes, OPTIONS);
        assertThat(fit).isInstanceOf(LogLinearModel.class);
        double[] acc = fit.accuracies();
        for (int j = 0; j < 3; j++) assertThat(acc[j]).as("LF %d", j).isCloseTo(TRUE_ACCURACY[j], within(0.03));
        for (int j : LENGTH_LFS) assertThat(acc[j]).as("LF %d", j).isCloseTo(LENGTH_ACCURACY, within(0.03));
        // the members' weights are divided by the design effect 1 + 5ρ̄ (ρ̄ ≈ (0.8·0.8)·0.8 ≈ 0.51 with abstains)
        double designEffect = (Double) fit.parameters().get("designEffect[[3, 4, 5, 6, 7, 8]]");
        assertThat(designEffect).isBetween(3.0, 4.0);
        assertThat(labelAccuracy(fit.predict(votes))).isGreaterThan(labelAccuracy(new SnorkelLabelModel().fit(votes, OPTIONS).predict(votes)) + 0.1);
    }

    @Test
    void dawidSkeneHonoursTheGroupToo() {
        double[] plain = new DawidSkeneLabelModel().fit(votes, OPTIONS).accuracies();
        double[] merged = new GroupedLabelModel(new DawidSkeneLabelModel(), List.of(new LfGroup(LENGTH_LFS, LfGroup.Mode.MERGE)))
                .fit(votes, OPTIONS).accuracies();
        assertThat(Math.abs(plain[0] - TRUE_ACCURACY[0])).isGreaterThan(0.1);
        for (int j = 0; j < 3; j++) assertThat(merged[j]).isCloseTo(TRUE_ACCURACY[j], within(0.03));
    }

    @Test
    void aMergedGroupsContributionIsSplitAmongTheMembersThatVotedWithIt() {
        FittedLabelModel fit = new GroupedLabelModel(new SnorkelLabelModel(), List.of(new LfGroup(LENGTH_LFS, LfGroup.Mode.MERGE)))
                .fit(votes, OPTIONS);
        MergedFit merged = (MergedFit) fit;
        float[] p = fit.predict(votes);
        for (int row = 0; row < 50; row++) {
            Explanation e = fit.explain(votes, row);
            double sum = e.base() + IntStream.range(0, 9).mapToDouble(e::contribution).sum();
            assertThat(sum).isCloseTo(e.score(), within(1e-9));
            assertThat(e.pGood()).isCloseTo(p[row], within(1e-5));
            int margin = 0;
            for (int j : LENGTH_LFS) margin += votes.get(row, j);
            double groupWeight = merged.unitModel().estimates().get(3).weight((byte) Integer.signum(margin));
            double groupContribution = 0;
            for (int j : LENGTH_LFS) {
                groupContribution += e.contribution(j);
                if (margin != 0 && votes.get(row, j) != Integer.signum(margin)) assertThat(e.contribution(j)).isZero();
            }
            assertThat(groupContribution).isCloseTo(groupWeight, within(1e-9));
        }
    }

    @Test
    void aGroupCountsAsOneTowardsTheModelsMinimum() {
        VoteMatrix three = votes.select(0, 3, 4);
        GroupedLabelModel g = new GroupedLabelModel(new SnorkelLabelModel(), List.of(new LfGroup(new int[]{1, 2}, LfGroup.Mode.MERGE)));
        assertThat(g.units(3)).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.fit(three, OPTIONS)).hasMessageContaining("a group counts as one");
    }

    static double labelAccuracy(float[] p) {
        int right = 0;
        for (int r = 0; r < N; r++) if ((p[r] > 0.5) == (labels[r] > 0)) right++;
        return right / (double) N;
    }
}
