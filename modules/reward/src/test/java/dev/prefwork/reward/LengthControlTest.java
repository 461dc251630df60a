package dev.prefwork.reward;

import dev.prefwork.core.Progress;
import dev.prefwork.reward.eval.Spearman;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Length control on synthetic data with a planted length effect: the expert's labels follow a hidden quality plus twice
 * the within-prompt length z, and one feature is length in disguise (an LF that fires on long answers). The plain model
 * ranks by length; the length-controlled one by the quality.
 */
class LengthControlTest {

    static final int PROMPTS = 60, PER = 5;

    /** The synthetic workspace: features, gold pairs, gold labels, and the hidden quality per row. */
    record Synthetic(Features features, GoldPairs pairs, byte[] gold, double[] quality) {
    }

    static Synthetic synthetic(long seed) {
        Random rnd = new Random(seed);
        int n = PROMPTS * PER;
        long[] ids = new long[n], prompts = new long[n];
        int[] chars = new int[n];
        double[] quality = new double[n], z = new double[n];
        for (int r = 0; r < n; r++) {
            ids[r] = 1 + r;
            prompts[r] = 1000 + r / PER;
            chars[r] = 100 + rnd.nextInt(2000);
            quality[r] = rnd.nextGaussian();
        }
        CandidateIndex index = new CandidateIndex(ids, prompts, chars);
        for (int p = 0; p < PROMPTS; p++) {
            int[] rows = index.rowsOf(p);
            double mean = 0, var = 0;
            for (int r : rows) mean += chars[r] / (double) rows.length;
            for (int r : rows) var += (chars[r] - mean) * (chars[r] - mean) / rows.length;
            for (int r : rows) z[r] = (chars[r] - mean) / Math.sqrt(var);
        }
        // columns: quality (what a good LF sees), length in disguise, and the text statistics' two length columns
        String[] keys = {"text:quality", "lf:long", "text:length_z", "text:length_log"};
        int d = keys.length;
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++) {
            x[r * d] = (float) quality[r];
            x[r * d + 1] = (float) (z[r] + 0.3 * rnd.nextGaussian());
            x[r * d + 2] = (float) z[r];
            x[r * d + 3] = (float) Math.log1p(chars[r]);
        }
        List<FeatureColumn> columns = new ArrayList<>();
        List<ExplanationGroup> groups = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            double mean = 0, sq = 0;
            for (int r = 0; r < n; r++) {
                mean += x[r * d + j] / (double) n;
                sq += x[r * d + j] * (double) x[r * d + j] / n;
            }
            double scale = Math.sqrt(sq - mean * mean);
            for (int r = 0; r < n; r++) x[r * d + j] = (float) ((x[r * d + j] - mean) / scale);
            columns.add(new FeatureColumn(keys[j], FeatureGroup.TEXT_STATS, null, null, j, mean, scale));
            groups.add(new ExplanationGroup(keys[j], keys[j], FeatureGroup.TEXT_STATS, null, null));
        }
        float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        Features f = new Features(FeatureSpec.defaults(), index, new FeatureMatrix(n, columns, groups, x), null, nan, null, null, null,
                List.of(), "synthetic", Map.of());
        // gold on every prompt: 1–5 ratings in the order of quality + 1.5·z (the planted length effect)
        Map<Long, Integer> ratings = new HashMap<>();
        for (int p = 0; p < PROMPTS; p++) {
            Integer[] rows = Arrays.stream(index.rowsOf(p)).boxed().toArray(Integer[]::new);
            Arrays.sort(rows, (a, b) -> Double.compare(quality[a] + 1.5 * z[a], quality[b] + 1.5 * z[b]));
            for (int k = 0; k < rows.length; k++) ratings.put(ids[rows[k]], k + 1);
        }
        byte[] gold = new byte[n];
        GoldPairs pairs = GoldPairs.build(index, Map.of(), List.of(), List.of(), ratings);
        return new Synthetic(f, pairs, gold, quality);
    }

    static RewardFitter.Outcome fit(Synthetic s, LengthControl mode) {
        return RewardFitter.fit(s.features(), s.pairs(), s.gold(), FitRequest.defaults().withLengthControl(mode).withGoldWeight(1),
                null, null, Progress.NONE);
    }

    static double withinLength(Synthetic s, double[] scores) {
        CandidateIndex index = s.features().index();
        return RewardFitter.withinPromptSpearman(index, scores, Arrays.stream(index.chars()).asDoubleStream().toArray());
    }

    @Test
    void thePlainModelRanksByLengthTheControlledOneByQuality() {
        Synthetic s = synthetic(7);
        CandidateIndex index = s.features().index();
        RewardFitter.Outcome plain = fit(s, LengthControl.OFF);
        RewardFitter.Outcome controlled = fit(s, LengthControl.ON);

        assertThat(withinLength(s, plain.scores())).isGreaterThan(0.75);
        assertThat(RewardFitter.withinPromptSpearman(index, plain.scores(), s.quality())).isLessThan(0.6);

        assertThat(Math.abs(withinLength(s, controlled.scores()))).isLessThan(0.2);
        assertThat(RewardFitter.withinPromptSpearman(index, controlled.scores(), s.quality())).isGreaterThan(0.9);
        assertThat(controlled.metrics().length().applied()).isTrue();
        assertThat(plain.metrics().length().applied()).isFalse();
        // each keeps the other ranking beside its own: the plain model's other ranking is the controlled one
        assertThat(Spearman.of(plain.otherScores(), controlled.scores())).isGreaterThan(0.99);
        assertThat(Spearman.of(controlled.otherScores(), plain.scores())).isGreaterThan(0.99);
        assertThat(controlled.metrics().length().plainSpearmanWithinPrompt()).isGreaterThan(0.75);
        assertThat(controlled.metrics().length().controlledSpearmanWithinPrompt()).isLessThan(0.2);
    }

    @Test
    void autoTurnsItOnWhenThePlainModelTracksLengthAndOffWhenItDoesNot() {
        Synthetic s = synthetic(11);
        RewardFitter.Outcome auto = fit(s, LengthControl.AUTO);
        assertThat(auto.metrics().length().applied()).isTrue();
        assertThat(auto.metrics().length().reason()).contains("at or above");

        // the same data without the planted effect: gold follows quality alone, the plain model does not track length
        Synthetic clean = synthetic(11);
        CandidateIndex index = clean.features().index();
        Map<Long, Integer> ratings = new HashMap<>();
        for (int p = 0; p < PROMPTS; p++) {
            Integer[] rows = Arrays.stream(index.rowsOf(p)).boxed().toArray(Integer[]::new);
            Arrays.sort(rows, (a, b) -> Double.compare(clean.quality()[a], clean.quality()[b]));
            for (int k = 0; k < rows.length; k++) ratings.put(index.candidateId(rows[k]), k + 1);
        }
        Synthetic s2 = new Synthetic(clean.features(), GoldPairs.build(index, Map.of(), List.of(), List.of(), ratings),
                new byte[index.rows()], clean.quality());
        RewardFitter.Outcome off = fit(s2, LengthControl.AUTO);
        assertThat(off.metrics().length().applied()).isFalse();
        assertThat(off.metrics().length().reason()).contains("below");
    }

    @Test
    void withoutLengthColumnsItCannotApplyAndSaysSo() {
        Synthetic s = synthetic(3);
        FeatureMatrix x = s.features().matrix();
        int n = x.rows();
        float[] v = new float[n];
        for (int r = 0; r < n; r++) v[r] = x.get(r, 1);
        Features f = new Features(FeatureSpec.defaults(), s.features().index(),
                new FeatureMatrix(n, List.of(x.columns().get(0)), List.of(x.explanations().get(0)), v), null,
                s.features().labelModelP(), null, null, null, List.of(), "synthetic", Map.of());
        RewardFitter.Outcome o = RewardFitter.fit(f, s.pairs(), s.gold(), FitRequest.defaults().withLengthControl(LengthControl.ON),
                null, null, Progress.NONE);
        assertThat(o.metrics().length().applied()).isFalse();
        assertThat(o.metrics().length().available()).isFalse();
        assertThat(o.otherScores()).isNull();
        assertThat(o.metrics().notes()).anyMatch(t -> t.contains("length control needs the text statistics"));
    }
}
