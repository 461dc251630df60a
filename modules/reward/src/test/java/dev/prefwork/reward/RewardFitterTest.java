package dev.prefwork.reward;

import dev.prefwork.core.Progress;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The k-fold evaluation on constructed cases whose answers are known. */
class RewardFitterTest {

    private static final int PROMPTS = 12, PER = 4;

    private static CandidateIndex index(int[] chars) {
        long[] ids = new long[PROMPTS * PER], prompts = new long[PROMPTS * PER];
        for (int r = 0; r < ids.length; r++) {
            ids[r] = 1000 + r;
            prompts[r] = 10 + r / PER;
        }
        return new CandidateIndex(ids, prompts, chars);
    }

    private static Features features(CandidateIndex index, int cols, float[] x) {
        List<FeatureColumn> columns = new ArrayList<>();
        List<ExplanationGroup> groups = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            columns.add(new FeatureColumn("text:f" + j, FeatureGroup.TEXT_STATS, null, null, j, 0, 1));
            groups.add(new ExplanationGroup("text:f" + j, "f" + j, FeatureGroup.TEXT_STATS, null, null));
        }
        float[] nan = new float[index.rows()];
        Arrays.fill(nan, Float.NaN);
        return new Features(FeatureSpec.defaults(), index, new FeatureMatrix(index.rows(), columns, groups, x), null, nan, null, null,
                null, List.of(), "test", java.util.Map.of());
    }

    /** Best = the candidate at {@code best}, worst = at {@code worst}, in each prompt given. */
    private static GoldPairs picks(CandidateIndex index, int[] promptList, java.util.function.IntUnaryOperator best,
                                   java.util.function.IntUnaryOperator worst) {
        List<dev.prefwork.core.PromptGold> picks = new ArrayList<>();
        for (int p : promptList) {
            int[] rows = index.rowsOf(p);
            picks.add(new dev.prefwork.core.PromptGold(index.promptId(p), index.candidateId(rows[best.applyAsInt(p)]),
                    index.candidateId(rows[worst.applyAsInt(p)]), null));
        }
        return GoldPairs.build(index, java.util.Map.of(), picks, List.of(), java.util.Map.of());
    }

    @Test
    void aSignalTheGoldFollowsIsFoundHeldOutWhileTheBaselinesGuess() {
        // candidate k of every prompt has quality k (one feature); lengths alternate so "longer" is right half the time
        int[] chars = new int[PROMPTS * PER];
        float[] x = new float[PROMPTS * PER];
        for (int r = 0; r < x.length; r++) {
            int k = r % PER;
            x[r] = k - 1.5f;
            chars[r] = new int[]{300, 100, 400, 200}[k];
        }
        CandidateIndex index = index(chars);
        int[] labelled = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        GoldPairs pairs = picks(index, labelled, p -> 3, p -> 0);
        RewardFitter.Outcome o = RewardFitter.fit(features(index, 1, x), pairs, new byte[x.length], DemoData.request().withFolds(5),
                null, null, Progress.NONE);
        RewardMetrics m = o.metrics();
        assertThat(m.folds()).isEqualTo(5);
        assertThat(m.labelledPrompts()).isEqualTo(10);
        assertThat(m.goldPairs()).isEqualTo(50); // 3 over the others, 2 others over the worst, per prompt
        assertThat(m.accuracy()).isEqualTo(1.0);
        assertThat(m.comparison(RewardMetrics.MODEL).orElseThrow().accuracy().perFold()).containsOnly(1.0);
        // longer is better: the best (200 chars) over 300, 100, 400: right once; 100 and 400 over the worst (300): right once
        assertThat(m.accuracyOf(RewardMetrics.LENGTH)).isCloseTo(0.4, within(1e-12));
        // no LFs: every pair ties
        assertThat(m.accuracyOf(RewardMetrics.LF_MAJORITY)).isEqualTo(0.5);
        assertThat(m.comparison(RewardMetrics.LF_MAJORITY).orElseThrow().accuracy().ties()).isEqualTo(50);
        assertThat(m.beatsBaselines()).isTrue();
        // the unlabelled prompts were never held out
        for (int r = 0; r < x.length; r++) {
            assertThat(Double.isNaN(o.oof()[r])).isEqualTo(index.promptOf(r) >= 10);
        }
    }

    @Test
    void heldOutMeansTheModelNeverSawThatPromptsGold() {
        // one feature per prompt, non-zero only on that prompt's candidates: the model can fit every prompt's gold (in
        // sample), but a held-out prompt's weight is learned from nothing, so its held-out scores tie
        int cols = PROMPTS;
        float[] x = new float[PROMPTS * PER * cols];
        int[] chars = new int[PROMPTS * PER];
        for (int r = 0; r < PROMPTS * PER; r++) {
            int p = r / PER;
            x[r * cols + p] = r % PER - 1.5f;
            chars[r] = 100 + r;
        }
        CandidateIndex index = index(chars);
        int[] labelled = {0, 1, 2, 3, 4, 5, 6, 7};
        // half the prompts prefer high values, half low ones: nothing generalises
        GoldPairs pairs = picks(index, labelled, p -> p % 2 == 0 ? 3 : 0, p -> p % 2 == 0 ? 0 : 3);
        RewardFitter.Outcome o = RewardFitter.fit(features(index, cols, x), pairs, new byte[PROMPTS * PER],
                DemoData.request().withL2(1e-3), null, null, Progress.NONE);
        assertThat(o.metrics().trainingAccuracy().accuracy()).isEqualTo(1.0);
        assertThat(o.metrics().accuracy()).isEqualTo(0.5);
        assertThat(o.metrics().comparison(RewardMetrics.MODEL).orElseThrow().accuracy().ties()).isEqualTo(pairs.size());
    }

    @Test
    void tooFewLabelledPromptsGiveNoHeldOutFiguresAndSaySo() {
        float[] x = new float[PROMPTS * PER];
        for (int r = 0; r < x.length; r++) x[r] = r % PER;
        CandidateIndex index = index(new int[PROMPTS * PER]);
        GoldPairs pairs = picks(index, new int[]{0, 1}, p -> 3, p -> 0);
        RewardFitter.Outcome o = RewardFitter.fit(features(index, 1, x), pairs, new byte[x.length], DemoData.request(), null, null,
                Progress.NONE);
        assertThat(o.metrics().folds()).isZero();
        assertThat(o.metrics().accuracy()).isNaN();
        assertThat(o.metrics().comparisons()).isEmpty();
        assertThat(o.metrics().notes()).anyMatch(n -> n.contains("only 2 labelled prompts"));
    }
}
