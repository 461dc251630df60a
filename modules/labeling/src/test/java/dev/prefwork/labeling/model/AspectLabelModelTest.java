package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AspectLabelModelTest {

    /** Columns 0–3: helpfulness (four LFs); 4–5: policy (two LFs); 6–8: tone (three LFs, one never votes). */
    private static final List<String> ASPECTS = List.of(
            "helpfulness", "helpfulness", "helpfulness", "helpfulness", "policy", "policy", "tone", "tone", "tone");

    private static VoteMatrix votes;
    private static AspectFit fit;

    @BeforeAll
    static void fit() {
        SyntheticVotes.Sample s = SyntheticVotes.generate(20_000, 0.4,
                new double[] {0.85, 0.8, 0.75, 0.7, 0.9, 0.8, 0.8, 0.75, 0.5},
                new double[] {0.6, 0.5, 0.7, 0.4, 0.1, 0.15, 0.5, 0.5, 0.0}, 21);
        votes = s.votes();
        fit = new AspectLabelModel(new SnorkelLabelModel()).fit(votes, ASPECTS, FitOptions.defaults());
    }

    @Test
    void fitsTheModelWhereThereAreThreeLfsAndFallsBackWithAReasonElsewhere() {
        assertThat(fit.aspects()).extracting(AspectResult::aspect).containsExactly("helpfulness", "policy", "tone");

        AspectResult helpfulness = fit.aspect("helpfulness");
        assertThat(helpfulness.fallback()).isFalse();
        assertThat(helpfulness.model().kind()).isEqualTo("snorkel");
        assertThat(helpfulness.lfs()).containsExactly(0, 1, 2, 3);
        assertThat(helpfulness.reason()).isEqualTo("snorkel fitted on 4 LFs");

        AspectResult policy = fit.aspect("policy");
        assertThat(policy.fallback()).isTrue();
        assertThat(policy.model().kind()).isEqualTo("majority");
        assertThat(policy.reason()).isEqualTo("majority vote: only 2 LFs; snorkel needs at least 3 LFs that vote to tell their accuracies apart");

        AspectResult tone = fit.aspect("tone");
        assertThat(tone.fallback()).isTrue();
        assertThat(tone.reason()).startsWith("majority vote: only 2 of its 3 LFs vote on any candidate");
    }

    @Test
    void majorityVoteChosenOnPurposeIsNoFallback() {
        AspectFit mv = new AspectLabelModel(new MajorityVote()).fit(votes, ASPECTS, FitOptions.defaults());
        assertThat(mv.aspects()).allSatisfy(a -> assertThat(a.fallback()).isFalse());
        assertThat(mv.aspect("policy").reason()).isEqualTo("majority vote on 2 LFs");
    }

    @Test
    void combinesTheAspectsThatVotedByWeightedAverageOfLogOdds() {
        AspectPredictions each = fit.predictAspects(votes);
        Map<String, Double> weights = Map.of("helpfulness", 2.0, "policy", 1.0, "tone", 0.5);
        float[] combined = fit.predict(votes, weights);
        float[] equal = fit.predict(votes);
        int checked = 0;
        for (int r = 0; r < votes.rows(); r++) {
            double sum = 0, sumEqual = 0, w = 0, count = 0;
            for (String aspect : each.aspects()) {
                if (!each.voted(aspect, r)) continue;
                double logit = logit(each.pGood(aspect)[r]);
                sum += weights.get(aspect) * logit;
                w += weights.get(aspect);
                sumEqual += logit;
                count++;
            }
            if (count == 0) continue;
            assertThat(combined[r]).as("row %d", r).isCloseTo((float) sigmoid(sum / w), within(1e-5f));
            assertThat(equal[r]).as("row %d", r).isCloseTo((float) sigmoid(sumEqual / count), within(1e-5f));
            checked++;
        }
        assertThat(checked).isGreaterThan(votes.rows() / 2);
    }

    @Test
    void anAspectThatDidNotVoteLeavesTheRowAlone() {
        AspectPredictions each = fit.predictAspects(votes);
        float[] combined = fit.predict(votes);
        int checked = 0;
        for (int r = 0; r < votes.rows(); r++) {
            if (each.voted("helpfulness", r) && !each.voted("policy", r) && !each.voted("tone", r)) {
                assertThat(combined[r]).isCloseTo(clip(each.pGood("helpfulness")[r]), within(1e-5f));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void weightZeroSilencesAnAspect() {
        float[] onlyHelpfulness = fit.predict(votes, Map.of("policy", 0.0, "tone", 0.0));
        AspectPredictions each = fit.predictAspects(votes);
        for (int r = 0; r < votes.rows(); r++) {
            assertThat(onlyHelpfulness[r]).isCloseTo(clip(each.pGood("helpfulness")[r]), within(1e-5f));
        }
    }

    @Test
    void rejectsUnknownAspectsAndNoPositiveWeight() {
        assertThatThrownBy(() -> fit.predict(votes, Map.of("verbosity", 1.0))).hasMessageContaining("no aspect verbosity");
        assertThatThrownBy(() -> fit.predict(votes, Map.of("helpfulness", 0.0, "policy", 0.0, "tone", 0.0)))
                .hasMessageContaining("positive weight");
        assertThatThrownBy(() -> fit.predict(votes, Map.of("policy", -1.0))).hasMessageContaining("≥ 0");
    }

    @Test
    void explanationSharesReproduceTheCombinedLogOdds() {
        Map<String, Double> weights = Map.of("helpfulness", 3.0);
        float[] combined = fit.predict(votes, weights);
        for (int r = 0; r < 300; r++) {
            AspectExplanation e = fit.explain(votes, r, weights);
            double sum = 0, shares = 0;
            for (AspectExplanation.Part part : e.parts()) {
                sum += part.share() * part.aspectLogOdds();
                shares += part.share();
                if (!part.voted() && e.parts().stream().anyMatch(AspectExplanation.Part::voted)) assertThat(part.share()).isZero();
            }
            assertThat(shares).isCloseTo(1, within(1e-12));
            assertThat(e.logOdds()).isCloseTo(sum, within(1e-12));
            assertThat(e.pGood()).as("row %d", r).isCloseTo(combined[r], within(1e-5));
        }
    }

    @Test
    void needsOneAspectPerLf() {
        assertThatThrownBy(() -> new AspectLabelModel(new SnorkelLabelModel()).fit(votes, ASPECTS.subList(0, 3), FitOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double logit(float p) {
        double c = Math.max(1e-3, Math.min(1 - 1e-3, p));
        return Math.log(c / (1 - c));
    }

    private static float clip(float p) {
        return (float) Math.max(1e-3, Math.min(1 - 1e-3, p));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
