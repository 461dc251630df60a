package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.prefwork.labeling.model.SnorkelLabelModelTest.assertWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DawidSkeneLabelModelTest {

    private static SyntheticVotes.Sample sample;

    @BeforeAll
    static void generate() {
        sample = Scenarios.mixed(100_000, 13);
    }

    @Test
    void recoversAccuraciesAndClassBalance() {
        FittedLabelModel model = new DawidSkeneLabelModel().fit(sample.votes(), FitOptions.defaults());
        assertThat(model.classBalance()).isCloseTo(Scenarios.BALANCE, within(0.02));
        assertWithin(model.accuracies(), Scenarios.ACCURACY, 0.03);
        assertWithin(model.propensities(), Scenarios.PROPENSITY, 0.01);
        assertThat((int) model.parameters().get("iterations")).isLessThan(100); // converged, not cut off
    }

    @Test
    void keepsAFixedClassBalance() {
        FittedLabelModel model = new DawidSkeneLabelModel().fit(sample.votes(), new FitOptions(ClassPrior.fixed(0.3), 1));
        assertThat(model.classBalance()).isEqualTo(0.3);
        assertWithin(model.accuracies(), Scenarios.ACCURACY, 0.03);
    }

    @Test
    void labelsAtLeastAsWellAsMajorityVoteAndWinsWhenWeightsMatter() {
        for (SyntheticVotes.Sample s : new SyntheticVotes.Sample[] {sample, Scenarios.weakMajority(100_000, 3)}) {
            double ds = SyntheticVotes.labelAccuracy(new DawidSkeneLabelModel().fit(s.votes(), FitOptions.defaults()).predict(s.votes()), s.labels());
            double mv = SyntheticVotes.labelAccuracy(new MajorityVote().fit(s.votes(), FitOptions.defaults()).predict(s.votes()), s.labels());
            assertThat(ds).isGreaterThanOrEqualTo(mv);
        }
        SyntheticVotes.Sample weak = Scenarios.weakMajority(100_000, 3);
        FittedLabelModel ds = new DawidSkeneLabelModel().fit(weak.votes(), FitOptions.defaults());
        assertWithin(ds.accuracies(), Scenarios.WEAK_MAJORITY_ACCURACY, 0.03);
        double mv = SyntheticVotes.labelAccuracy(new MajorityVote().fit(weak.votes(), FitOptions.defaults()).predict(weak.votes()), weak.labels());
        assertThat(SyntheticVotes.labelAccuracy(ds.predict(weak.votes()), weak.labels())).isGreaterThan(mv + 0.08);
    }

    @Test
    void abstainsAreEvidenceAndExplanationsSumToTheLogOdds() {
        // LF 0 abstains far more on BAD rows than on GOOD ones: its abstain must push towards BAD.
        int n = 60_000;
        SyntheticVotes.Sample base = SyntheticVotes.generate(n, 0.5, new double[] {0.8, 0.8, 0.8, 0.8}, new double[] {1, 0.6, 0.6, 0.6}, 2);
        byte[] first = base.votes().column(0).clone();
        for (int r = 0; r < n; r++) {
            if (base.labels()[r] == VoteMatrix.BAD && r % 2 == 0) first[r] = VoteMatrix.ABSTAIN;
        }
        VoteMatrix votes = new VoteMatrix(n, new byte[][] {first, base.votes().column(1), base.votes().column(2), base.votes().column(3)});
        FittedLabelModel model = new DawidSkeneLabelModel().fit(votes, FitOptions.defaults());
        assertThat(model.estimates().get(0).abstainWeight()).isLessThan(-0.5);

        float[] p = model.predict(votes);
        for (int row = 0; row < 100; row++) {
            Explanation e = model.explain(votes, row);
            double sum = e.base();
            for (double c : e.contributions()) sum += c;
            assertThat(e.score()).isCloseTo(sum, within(1e-12));
            assertThat(e.pGood()).isCloseTo(p[row], within(1e-5));
        }
    }

    @Test
    void sameSeedSameModel() {
        FittedLabelModel a = new DawidSkeneLabelModel().fit(sample.votes(), new FitOptions(ClassPrior.estimated(), 3));
        FittedLabelModel b = new DawidSkeneLabelModel().fit(sample.votes(), new FitOptions(ClassPrior.estimated(), 3));
        assertThat(b.estimates()).isEqualTo(a.estimates());
        assertThat(b.predict(sample.votes())).isEqualTo(a.predict(sample.votes()));
    }
}
