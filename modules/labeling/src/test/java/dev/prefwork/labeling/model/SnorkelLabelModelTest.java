package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SnorkelLabelModelTest {

    private static SyntheticVotes.Sample sample;

    @BeforeAll
    static void generate() {
        sample = Scenarios.mixed(100_000, 11);
    }

    @Test
    void recoversAccuraciesAndPropensitiesWithTheTrueClassBalance() {
        FittedLabelModel model = new SnorkelLabelModel().fit(sample.votes(), new FitOptions(ClassPrior.fixed(Scenarios.BALANCE), 1));
        assertWithin(model.accuracies(), Scenarios.ACCURACY, 0.03);
        assertWithin(model.propensities(), Scenarios.PROPENSITY, 0.01);
        assertThat(model.classBalance()).isEqualTo(Scenarios.BALANCE);
    }

    @Test
    void recoversAccuraciesWithAnEstimatedClassBalance() {
        FittedLabelModel model = new SnorkelLabelModel().fit(sample.votes(), FitOptions.defaults());
        assertThat(model.classBalance()).isCloseTo(Scenarios.BALANCE, within(0.02));
        assertWithin(model.accuracies(), Scenarios.ACCURACY, 0.03);
        assertThat(model.parameters()).containsEntry("classPrior", "estimated");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.15, 0.5, 0.8})
    void estimatesTheClassBalanceFromTheVotesAlone(double balance) {
        SyntheticVotes.Sample s = SyntheticVotes.generate(100_000, balance, Scenarios.ACCURACY, Scenarios.PROPENSITY, 5);
        assertThat(new SnorkelLabelModel().fit(s.votes(), FitOptions.defaults()).classBalance()).isCloseTo(balance, within(0.02));
    }

    @Test
    void labelsAtLeastAsWellAsMajorityVote() {
        float[] snorkel = new SnorkelLabelModel().fit(sample.votes(), FitOptions.defaults()).predict(sample.votes());
        float[] majority = new MajorityVote().fit(sample.votes(), FitOptions.defaults()).predict(sample.votes());
        double snorkelAccuracy = SyntheticVotes.labelAccuracy(snorkel, sample.labels());
        double majorityAccuracy = SyntheticVotes.labelAccuracy(majority, sample.labels());
        assertThat(snorkelAccuracy).isGreaterThanOrEqualTo(majorityAccuracy);
    }

    @Test
    void beatsMajorityVoteWhenWeakLfsOutvoteStrongOnes() {
        SyntheticVotes.Sample s = Scenarios.weakMajority(100_000, 3);
        FittedLabelModel snorkel = new SnorkelLabelModel().fit(s.votes(), FitOptions.defaults());
        double snorkelAccuracy = SyntheticVotes.labelAccuracy(snorkel.predict(s.votes()), s.labels());
        double majorityAccuracy = SyntheticVotes.labelAccuracy(new MajorityVote().fit(s.votes(), FitOptions.defaults()).predict(s.votes()), s.labels());
        // Majority vote ≈ 0.75, the label model ≈ 0.88 (it trusts the three accurate LFs).
        assertThat(snorkelAccuracy).isGreaterThan(majorityAccuracy + 0.08);
        double[] accuracy = snorkel.accuracies();
        for (int strong = 0; strong < 3; strong++) {
            for (int weak = 3; weak < 9; weak++) assertThat(accuracy[strong]).isGreaterThan(accuracy[weak] + 0.2);
        }
    }

    /**
     * With weak overlaps (the LFs above share little signal) Snorkel's own 100 epochs at lr 0.01 stop short of the
     * optimum (strong LFs' accuracy ≈ 0.82 instead of 0.90); our default of 300 epochs converges.
     */
    @Test
    void recoversAccuraciesInTheWeakMajorityCaseWithTheDefaultEpochs() {
        SyntheticVotes.Sample s = Scenarios.weakMajority(100_000, 3);
        SnorkelLabelModel longer = new SnorkelLabelModel();
        assertWithin(longer.fit(s.votes(), new FitOptions(ClassPrior.fixed(0.5), 1)).accuracies(), Scenarios.WEAK_MAJORITY_ACCURACY, 0.03);
    }

    @Test
    void sameSeedSameModel() {
        FittedLabelModel a = new SnorkelLabelModel().fit(sample.votes(), new FitOptions(ClassPrior.estimated(), 7));
        FittedLabelModel b = new SnorkelLabelModel().fit(copy(sample.votes()), new FitOptions(ClassPrior.estimated(), 7));
        assertThat(b.estimates()).isEqualTo(a.estimates());
        assertThat(b.classBalance()).isEqualTo(a.classBalance());
        assertThat(b.parameters()).isEqualTo(a.parameters());
        assertThat(b.predict(sample.votes())).isEqualTo(a.predict(sample.votes()));
    }

    @Test
    void explanationContributionsSumToTheRowsLogOdds() {
        FittedLabelModel model = new SnorkelLabelModel().fit(sample.votes(), FitOptions.defaults());
        float[] p = model.predict(sample.votes());
        for (int row = 0; row < 200; row++) {
            Explanation e = model.explain(sample.votes(), row);
            double sum = e.base();
            for (int i = 0; i < sample.votes().lfs(); i++) {
                sum += e.contribution(i);
                if (sample.votes().get(row, i) == VoteMatrix.ABSTAIN) assertThat(e.contribution(i)).isZero();
            }
            assertThat(e.score()).isCloseTo(sum, within(1e-12));
            assertThat(Math.log(p[row] / (1.0 - p[row]))).as("row %d", row).isCloseTo(e.score(), within(1e-3 + 1e-4 * Math.abs(e.score())));
            assertThat(e.base()).isCloseTo(Math.log(model.classBalance() / (1 - model.classBalance())), within(1e-12));
        }
    }

    @Test
    void goodVotesOfAccurateLfsRaisePGood() {
        FittedLabelModel model = new SnorkelLabelModel().fit(sample.votes(), FitOptions.defaults());
        for (LfEstimate e : model.estimates()) {
            assertThat(e.goodWeight()).isPositive();
            assertThat(e.badWeight()).isNegative();
            assertThat(e.abstainWeight()).isZero();
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheLoss() {
        SplittableRandom random = new SplittableRandom(3);
        int d = 8;
        double[][] o = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) o[a][b] = o[b][a] = random.nextDouble() * 0.3;
        }
        double[][] mu = new double[d][2], mu0 = new double[d][2];
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < 2; c++) {
                mu[a][c] = random.nextDouble();
                mu0[a][c] = random.nextDouble();
            }
        }
        double[] prior = {0.3, 0.7};
        double l2 = 0.5;
        SnorkelLabelModel.Workspace work = new SnorkelLabelModel.Workspace(d);
        double[][] grad = new double[d][2];
        SnorkelLabelModel.gradient(o, mu, mu0, prior, l2, work, grad);
        double h = 1e-6;
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < 2; c++) {
                double keep = mu[a][c];
                mu[a][c] = keep + h;
                double up = SnorkelLabelModel.loss(o, mu, mu0, prior, l2, work);
                mu[a][c] = keep - h;
                double down = SnorkelLabelModel.loss(o, mu, mu0, prior, l2, work);
                mu[a][c] = keep;
                assertThat(grad[a][c]).as("∂/∂μ[%d][%d]", a, c).isCloseTo((up - down) / (2 * h), within(1e-6));
            }
        }
    }

    @Test
    void usesSnorkelsDefaultsWithMoreEpochs() {
        FittedLabelModel model = new SnorkelLabelModel().fit(sample.votes(), FitOptions.defaults());
        assertThat(model.parameters())
                .containsEntry("kind", "snorkel")
                .containsEntry("epochs", 300)
                .containsEntry("learningRate", 0.01)
                .containsEntry("momentum", 0.9)
                .containsEntry("precInit", 0.7)
                .containsEntry("l2", 0.0)
                .containsEntry("seed", FitOptions.DEFAULT_SEED);
    }

    @Test
    void needsThreeLfs() {
        VoteMatrix two = sample.votes().select(0, 1);
        assertThatThrownBy(() -> new SnorkelLabelModel().fit(two, FitOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 3 LFs");
    }

    @Test
    void storedEstimatesRebuildTheSameModel() {
        LogLinearModel model = new SnorkelLabelModel().fit(sample.votes(), FitOptions.defaults());
        LogLinearModel restored = new LogLinearModel(model.kind(), model.classBalance(), model.estimates(), model.parameters());
        assertThat(restored.predict(sample.votes())).isEqualTo(model.predict(sample.votes()));
    }

    static void assertWithin(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("LF %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static VoteMatrix copy(VoteMatrix votes) {
        byte[][] cols = new byte[votes.lfs()][];
        for (int i = 0; i < cols.length; i++) cols[i] = votes.column(i).clone();
        return new VoteMatrix(votes.rows(), cols);
    }
}
