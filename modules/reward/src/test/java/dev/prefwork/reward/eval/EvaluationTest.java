package dev.prefwork.reward.eval;

import dev.prefwork.reward.train.GoldPairs;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvaluationTest {

    private static GoldPairs.Pair pair(int w, int l, int prompt) {
        return new GoldPairs.Pair(w, l, prompt, 1, GoldPairs.Source.PICK);
    }

    @Test
    void pairwiseAccuracyCountsTiesAsHalf() {
        GoldPairs gold = GoldPairs.of(List.of(pair(0, 1, 0), pair(2, 3, 0), pair(4, 5, 1), pair(6, 7, 1)));
        double[] s = {2, 1, 1, 2, 5, 5, 0.3, 0.1};
        PairwiseAccuracy a = PairwiseAccuracy.of(gold, s, 0);
        assertThat(a.pairs()).isEqualTo(4);
        assertThat(a.ties()).isEqualTo(1);
        assertThat(a.correct()).isEqualTo(2.5);
        assertThat(a.accuracy()).isEqualTo(0.625);
        assertThat(PairwiseAccuracy.of(GoldPairs.of(List.of()), s, 0).accuracy()).isNaN();
    }

    @Test
    void spearmanKnownValues() {
        assertThat(Spearman.of(new double[]{1, 2, 3, 4}, new double[]{10, 20, 30, 40})).isCloseTo(1, within(1e-12));
        assertThat(Spearman.of(new double[]{1, 2, 3, 4}, new double[]{4, 3, 2, 1})).isCloseTo(-1, within(1e-12));
        // one swap of neighbours among four: 1 − 6·2 / (4·15) = 0.8
        assertThat(Spearman.of(new double[]{1, 2, 3, 4}, new double[]{1, 3, 2, 4})).isCloseTo(0.8, within(1e-12));
        // ties get their average rank: ranks (1.5, 1.5, 3) vs (1, 2, 3): Pearson of those
        assertThat(Spearman.ranks(new double[]{5, 5, 9})).containsExactly(1.5, 1.5, 3);
        assertThat(Spearman.of(new double[]{5, 5, 9}, new double[]{1, 2, 3})).isCloseTo(Math.sqrt(3) / 2, within(1e-12));
        assertThat(Spearman.of(new double[]{1, 1, 1}, new double[]{1, 2, 3})).isNaN();
    }

    @Test
    void calibrationOfAConstructedCase() {
        // bin [0.2, 0.3): 4 candidates predicted 0.25, one GOOD (0.25 — calibrated); bin [0.9, 1): 2 predicted 0.95, none GOOD
        double[] p = {0.25, 0.25, 0.25, 0.25, 0.95, 0.95};
        boolean[] good = {true, false, false, false, false, false};
        Calibration c = Calibration.of(p, good, 10);
        assertThat(c.count()).isEqualTo(6);
        assertThat(c.bins()).hasSize(10);
        assertThat(c.bins().get(2).count()).isEqualTo(4);
        assertThat(c.bins().get(2).fractionGood()).isEqualTo(0.25);
        assertThat(c.bins().get(9).meanPredicted()).isCloseTo(0.95, within(1e-12));
        assertThat(c.bins().get(5).count()).isZero();
        assertThat(c.ece()).isCloseTo(2.0 / 6 * 0.95, within(1e-12));
        double brier = (0.75 * 0.75 + 3 * 0.25 * 0.25 + 2 * 0.95 * 0.95) / 6;
        assertThat(c.brier()).isCloseTo(brier, within(1e-12));
    }

    @Test
    void foldsHoldOutWholeLabelledPromptsBalancedAndSeeded() {
        boolean[] labelled = new boolean[23];
        for (int p = 0; p < 23; p++) labelled[p] = p % 2 == 0; // 12 labelled
        int[] a = Folds.assign(labelled, 5, 42);
        int[] b = Folds.assign(labelled, 5, 42);
        int[] c = Folds.assign(labelled, 5, 7);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(Folds.count(a)).isEqualTo(5);
        int[] sizes = new int[5];
        for (int p = 0; p < 23; p++) {
            if (labelled[p]) sizes[a[p]]++;
            else assertThat(a[p]).isEqualTo(Folds.NONE);
        }
        assertThat(Arrays.stream(sizes).sum()).isEqualTo(12);
        assertThat(Arrays.stream(sizes).max().getAsInt() - Arrays.stream(sizes).min().getAsInt()).isLessThanOrEqualTo(1);
        // fewer labelled prompts than folds: one prompt per fold
        boolean[] three = {true, false, true, true};
        assertThat(Folds.count(Folds.assign(three, 5, 1))).isEqualTo(3);
    }
}
