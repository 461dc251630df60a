package dev.prefwork.reward;

import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.ExplanationGroup;
import dev.prefwork.reward.features.FeatureColumn;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureMatrix;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.reward.features.Features;
import dev.prefwork.reward.train.GoldPairs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Comparative LFs' pair targets in the Bradley–Terry term: two features, position (what a little gold follows) and
 * "format" (what a comparative LF prefers); the targets move the ranking to the format, in proportion to their weight.
 */
class PairTargetTest {

    static final int PROMPTS = 12, PER = 4;

    @Test
    void pairTargetsReorderTheRankingTheWayTheComparativeLfSays() {
        int n = PROMPTS * PER;
        long[] ids = new long[n], prompts = new long[n];
        float[] x = new float[n * 2];
        for (int r = 0; r < n; r++) {
            ids[r] = 100 + r;
            prompts[r] = 10 + r / PER;
            x[r * 2] = r % PER - 1.5f;                          // position: the gold's best is the last candidate
            x[r * 2 + 1] = ((r % PER) * 3 + r / PER) % PER - 1.5f; // format: another order per prompt
        }
        CandidateIndex index = new CandidateIndex(ids, prompts, new int[n]);
        List<FeatureColumn> cols = List.of(new FeatureColumn("text:position", FeatureGroup.TEXT_STATS, null, null, 0, 0, 1),
                new FeatureColumn("text:format", FeatureGroup.TEXT_STATS, null, null, 1, 0, 1));
        List<ExplanationGroup> groups = List.of(new ExplanationGroup("text:position", "position", FeatureGroup.TEXT_STATS, null, null),
                new ExplanationGroup("text:format", "format", FeatureGroup.TEXT_STATS, null, null));
        float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        Features f = new Features(FeatureSpec.defaults(), index, new FeatureMatrix(n, cols, groups, x), null, nan, null, null, null,
                List.of(), "t", Map.of());
        // a little gold: on two prompts the last candidate is best
        List<PromptGold> picks = List.of(new PromptGold(10, ids[3], null, null), new PromptGold(11, ids[7], null, null));
        GoldPairs gold = GoldPairs.build(index, Map.of(), picks, List.of(), Map.of());
        // the comparative LF: within every prompt, the better-formatted of each two candidates
        List<PairTarget> targets = new ArrayList<>();
        for (int p = 0; p < PROMPTS; p++) {
            int[] rows = index.rowsOf(p);
            for (int a : rows) for (int b : rows) if (x[a * 2 + 1] > x[b * 2 + 1]) targets.add(new PairTarget(ids[a], ids[b], 1, "format"));
        }
        FitRequest base = FitRequest.defaults().withLengthControl(LengthControl.OFF).withGoldWeight(1);

        RewardFitter.Outcome without = RewardFitter.fit(f, gold, new byte[n], base, null, null, Progress.NONE);
        RewardFitter.Outcome with = RewardFitter.fit(f, gold, new byte[n], base.withPairTargets(targets).withPairTargetWeight(4), null,
                null, Progress.NONE);
        RewardFitter.Outcome weightless = RewardFitter.fit(f, gold, new byte[n], base.withPairTargets(targets).withPairTargetWeight(0),
                null, null, Progress.NONE);

        for (int p = 0; p < PROMPTS; p++) {
            int[] rows = index.rowsOf(p);
            assertThat(top(rows, without.scores())).as("gold alone: the last candidate first").isEqualTo(rows[3]);
            assertThat(top(rows, weightless.scores())).isEqualTo(rows[3]);
            assertThat(top(rows, with.scores())).as("with the comparative LF: the best formatted first")
                    .isEqualTo(top(rows, column(x, 1)));
        }
        assertThat(with.metrics().pairTargets()).isEqualTo(targets.size());
        // the gold pairs still count: position keeps some weight, format gets the most
        assertThat(with.theta()[2]).isGreaterThan(with.theta()[1]).isGreaterThan(0);
    }

    @Test
    void crossValidationOnGoldWeighsGoldUpWhenTheWeakLabelsContradictIt() {
        int n = PROMPTS * PER;
        long[] ids = new long[n], prompts = new long[n];
        float[] x = new float[n * 2];
        for (int r = 0; r < n; r++) {
            ids[r] = 100 + r;
            prompts[r] = 10 + r / PER;
            x[r * 2] = r % PER - 1.5f;
            x[r * 2 + 1] = ((r % PER) * 3 + r / PER) % PER - 1.5f;
        }
        CandidateIndex index = new CandidateIndex(ids, prompts, new int[n]);
        List<FeatureColumn> cols = List.of(new FeatureColumn("text:a", FeatureGroup.TEXT_STATS, null, null, 0, 0, 1),
                new FeatureColumn("text:b", FeatureGroup.TEXT_STATS, null, null, 1, 0, 1));
        List<ExplanationGroup> groups = List.of(new ExplanationGroup("text:a", "a", FeatureGroup.TEXT_STATS, null, null),
                new ExplanationGroup("text:b", "b", FeatureGroup.TEXT_STATS, null, null));
        float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        Features f = new Features(FeatureSpec.defaults(), index, new FeatureMatrix(n, cols, groups, x), null, nan, null, null, null,
                List.of(), "t", Map.of());
        // gold on 8 prompts follows feature a (the last candidate best, the first worst); the weak targets follow b
        List<PromptGold> picks = new ArrayList<>();
        for (int p = 0; p < 8; p++) picks.add(new PromptGold(10 + p, ids[p * PER + 3], ids[p * PER], null));
        GoldPairs gold = GoldPairs.build(index, Map.of(), picks, List.of(), Map.of());
        List<PairTarget> targets = new ArrayList<>();
        for (int p = 0; p < PROMPTS; p++) {
            for (int a : index.rowsOf(p)) for (int b : index.rowsOf(p)) {
                if (x[a * 2 + 1] > x[b * 2 + 1]) targets.add(new PairTarget(ids[a], ids[b], 1, "b"));
            }
        }
        RewardFitter.Outcome o = RewardFitter.fit(f, gold, new byte[n], FitRequest.defaults().withLengthControl(LengthControl.OFF)
                .withFolds(4).withPairTargets(targets), null, null, Progress.NONE);
        RewardMetrics.GoldWeight w = o.metrics().goldWeight();
        assertThat(w.chosen()).isTrue();
        assertThat(w.curve()).extracting(RewardMetrics.GoldWeightPoint::label).containsExactly("0.5", "1", "2", "4", "8", "gold-only");
        double bestAccuracy = w.curve().stream().mapToDouble(RewardMetrics.GoldWeightPoint::accuracy).max().orElseThrow();
        assertThat(w.curve()).filteredOn(p -> p.label().equals(w.used())).singleElement()
                .extracting(RewardMetrics.GoldWeightPoint::accuracy).isEqualTo(bestAccuracy);
        // gold alone orders every held-out gold pair; the weak labels at half weight drag it towards b
        assertThat(w.curve().get(5).accuracy()).isEqualTo(1.0);
        assertThat(w.curve().get(0).accuracy()).isLessThan(1.0);
        assertThat(o.metrics().accuracy()).isEqualTo(bestAccuracy);
    }

    @Test
    void targetsAcrossPromptsOrOutsideTheCandidatesAreLeftOut() {
        CandidateIndex index = new CandidateIndex(new long[]{1, 2, 3, 4}, new long[]{10, 10, 11, 11}, new int[4]);
        int[][] rows = RewardFitter.pairTargetRows(List.of(new PairTarget(1, 2, 1, "a"), new PairTarget(2, 3, 1, "a"),
                new PairTarget(4, 99, 1, "a"), new PairTarget(4, 3, 2.5, "a")), index);
        assertThat(rows[0]).containsExactly(0, 3);
        assertThat(rows[1]).containsExactly(1, 2);
        assertThat(Float.intBitsToFloat(rows[2][1])).isEqualTo(2.5f);
    }

    private static double[] column(float[] x, int j) {
        double[] out = new double[x.length / 2];
        for (int r = 0; r < out.length; r++) out[r] = x[r * 2 + j];
        return out;
    }

    private static int top(int[] rows, double[] s) {
        int best = rows[0];
        for (int r : rows) if (s[r] > s[best]) best = r;
        return best;
    }
}
