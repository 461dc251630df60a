package dev.prefwork.curation;

import dev.prefwork.core.Progress;
import dev.prefwork.curation.pairs.CurationData;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.PairBuilder;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.pairs.TiePolicy;
import dev.prefwork.curation.ranking.Ranking;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pair strategies, ties, gold overrides and filters against hand-computed answers. */
class PairBuilderTest {

    /** Prompts of candidates given as {score, length}; ids 1.. in order, prompt ids 100, 200, … */
    static CurationData data(double[][][] prompts, int[] goldBest, int[] goldWorst, float[] badAccuracy) {
        List<Long> ids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        int[] starts = new int[prompts.length + 1];
        for (int g = 0; g < prompts.length; g++) {
            starts[g] = ids.size();
            for (double[] c : prompts[g]) {
                ids.add((long) ids.size() + 1);
                pids.add(100L * (g + 1));
                rows.add(c);
            }
        }
        starts[prompts.length] = ids.size();
        int n = ids.size();
        long[] id = ids.stream().mapToLong(Long::longValue).toArray();
        long[] pid = pids.stream().mapToLong(Long::longValue).toArray();
        double[] score = new double[n];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            score[i] = rows.get(i)[0];
            len[i] = (int) rows.get(i)[1];
        }
        int[] bl = new int[n];
        java.util.Arrays.fill(bl, badAccuracy == null ? -1 : 0);
        Ranking r = new Ranking("test", 1, "test ranking", false, "", id, score, score, new long[0], Map.of());
        return new CurationData(id, pid, len, starts, score, score, goldBest == null ? fill(prompts.length) : goldBest,
                goldWorst == null ? fill(prompts.length) : goldWorst, badAccuracy == null ? new float[n] : badAccuracy, bl,
                List.of("Refuses"), "", null, r, "set");
    }

    static int[] fill(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    static CurationRequest plain(Strategy s) {
        return new CurationRequest(s, 0.2, 7, TiePolicy.POSITION, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, true, 50);
    }

    static CurationResult build(CurationData d, CurationRequest r) {
        return PairBuilder.build(d, r, Progress.NONE);
    }

    @Test
    void bestVsWorstPicksTheTopAndBottomScore() {
        CurationData d = data(new double[][][]{{{0.5, 10}, {0.9, 20}, {0.1, 30}}, {{0.3, 5}, {0.6, 5}}}, null, null, null);
        CurationResult r = build(d, plain(Strategy.BEST_WORST));
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.chosenId(0)).isEqualTo(2);
        assertThat(r.rejectedId(0)).isEqualTo(3);
        assertThat(r.margin(0)).isEqualTo(0.8);
        assertThat(r.chosenId(1)).isEqualTo(5);
        assertThat(r.rejectedId(1)).isEqualTo(4);
        assertThat(r.reason(0)).isEqualTo("best vs worst by test");
    }

    @Test
    void tiesAreSkippedOrBrokenByTheChosenRule() {
        // two candidates tie at the top: the longer first, the shorter second
        double[][][] p = {{{0.9, 50}, {0.9, 10}, {0.2, 30}}};
        CurationData d = data(p, null, null, null);
        assertThat(build(d, plain(Strategy.BEST_WORST).withTies(TiePolicy.SKIP)).size()).isZero();
        CurationResult shorter = build(d, plain(Strategy.BEST_WORST).withTies(TiePolicy.SHORTER));
        assertThat(shorter.chosenId(0)).isEqualTo(2);
        assertThat(shorter.reason(0)).contains("tie broken: prefer the shorter");
        CurationResult first = build(d, plain(Strategy.BEST_WORST).withTies(TiePolicy.POSITION));
        assertThat(first.chosenId(0)).isEqualTo(1);
        CurationResult random = build(d, plain(Strategy.BEST_WORST).withTies(TiePolicy.RANDOM));
        assertThat(random.chosenId(0)).isIn(1L, 2L);
        assertThat(build(d, plain(Strategy.BEST_WORST).withTies(TiePolicy.RANDOM)).chosenId(0)).isEqualTo(random.chosenId(0));
        // all equal: nothing to prefer
        CurationData flat = data(new double[][][]{{{0.5, 1}, {0.5, 2}}}, null, null, null);
        assertThat(build(flat, plain(Strategy.BEST_WORST).withTies(TiePolicy.SKIP)).size()).isZero();
        assertThat(build(flat, plain(Strategy.BEST_WORST).withTies(TiePolicy.SKIP)).funnel().get(1).note()).contains("1 prompt skipped for ties");
    }

    @Test
    void bestVsRandomIsSeededAndNeverPicksTheBestTwice() {
        double[][][] p = new double[50][][];
        for (int g = 0; g < 50; g++) p[g] = new double[][]{{0.9, 1}, {0.5, 1}, {0.4, 1}, {0.3, 1}, {0.2, 1}};
        CurationData d = data(p, null, null, null);
        CurationResult a = build(d, plain(Strategy.BEST_RANDOM));
        CurationResult b = build(d, plain(Strategy.BEST_RANDOM));
        CurationResult c = build(d, plain(Strategy.BEST_RANDOM).withSeed(8));
        java.util.Set<Long> rejectedPositions = new java.util.HashSet<>();
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.chosenId(i) % 5).isEqualTo(1); // the best is each prompt's first
            assertThat(a.rejectedId(i)).isEqualTo(b.rejectedId(i)).isNotEqualTo(a.chosenId(i));
            rejectedPositions.add(a.rejectedId(i) % 5);
            differs |= a.rejectedId(i) != c.rejectedId(i);
        }
        assertThat(rejectedPositions).hasSize(4); // every other candidate gets drawn somewhere
        assertThat(differs).isTrue();
    }

    @Test
    void marginKeepsEveryPairAtLeastMApartAndGoldDecidesDirection() {
        double[][][] p = {{{0.9, 1}, {0.6, 1}, {0.5, 1}, {0.1, 1}}};
        CurationResult r = build(data(p, null, null, null), plain(Strategy.MARGIN).withMarginThreshold(0.35));
        // pairs: (0.9,0.5) (0.9,0.1) (0.6,0.1) (0.5,0.1)
        assertThat(r.size()).isEqualTo(4);
        for (int i = 0; i < r.size(); i++) assertThat(r.margin(i)).isGreaterThanOrEqualTo(0.35);
        // the expert says the 0.1 candidate is best: it moves to the top; pairs with it need |margin| >= m
        CurationResult g = build(data(p, new int[]{3}, null, null), plain(Strategy.MARGIN).withMarginThreshold(0.35));
        for (int i = 0; i < g.size(); i++) assertThat(g.rejectedId(i)).isNotEqualTo(4);
        assertThat(g.chosenId(0)).isEqualTo(4);
        assertThat(g.reason(0)).contains("your best pick");
    }

    @Test
    void goldPicksWinAndAreExemptFromScoreFilters() {
        double[][][] p = {{{0.9, 1}, {0.5, 1}, {0.45, 1}}, {{0.8, 1}, {0.2, 1}}};
        CurationData d = data(p, new int[]{2, -1}, new int[]{1, -1}, null);
        CurationResult r = build(d, plain(Strategy.BEST_WORST).withMinMargin(0.3));
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.chosenId(0)).isEqualTo(3);
        assertThat(r.rejectedId(0)).isEqualTo(2);
        assertThat(r.margin(0)).isEqualTo(-0.05);
        assertThat(r.reason(0)).contains("your best and worst picks");
        CurationResult off = build(d, plain(Strategy.BEST_WORST).withMinMargin(0.3).withGoldOverrides(false));
        assertThat(off.size()).isEqualTo(2);
        assertThat(off.chosenId(0)).isEqualTo(1);
    }

    @Test
    void filtersRunInOrderAndTheFunnelCountsEach() {
        double[][][] p = {{{0.9, 1}, {0.1, 1}}, {{0.6, 1}, {0.5, 1}}, {{0.4, 1}, {0.0, 1}}, {{0.95, 1}, {0.05, 1}}};
        float[] bad = new float[8];
        bad[6] = 0.9f; // prompt 4's best gets a BAD vote from an accurate LF
        CurationData d = data(p, null, null, bad);
        CurationRequest r = plain(Strategy.BEST_WORST).withMinMargin(0.2).withMinChosenPGood(0.5).withBadLfAccuracy(0.8);
        CurationResult res = build(d, r);
        assertThat(res.funnel()).extracting(f -> f.pairs()).containsExactly(-1, 4, 3, 2, 1);
        assertThat(res.funnel()).extracting(f -> f.removed()).containsExactly(0, 0, 1, 1, 1);
        assertThat(res.funnel().get(4).note()).isEqualTo("Refuses ×1");
        assertThat(res.chosenId(0)).isEqualTo(1);
        // an LF less accurate than the threshold flags nothing
        assertThat(build(d, r.withBadLfAccuracy(0.95)).size()).isEqualTo(2);
    }

    @Test
    void theLengthGuardDropsLongChosenPairsWithTheSmallestMarginFirst() {
        // four pairs, chosen longer in all; cap 50 %: drop two, the smallest margins
        double[][][] p = {{{0.9, 100}, {0.1, 10}}, {{0.6, 100}, {0.5, 10}}, {{0.7, 100}, {0.5, 10}}, {{0.95, 100}, {0.05, 10}},
                {{0.9, 10}, {0.1, 100}}, {{0.8, 10}, {0.2, 100}}};
        CurationResult r = build(data(p, null, null, null), plain(Strategy.BEST_WORST).withMaxChosenLonger(0.5));
        // 4 of 6 longer; d = (4 − 3)/(0.5) = 2 dropped → 2 of 4
        assertThat(r.size()).isEqualTo(4);
        assertThat(r.chosenLongerShare()).isEqualTo(0.5);
        assertThat(r.promptId(0)).isEqualTo(100);
        assertThat(r.promptId(1)).isEqualTo(400);
    }

    @Test
    void sftTopKTakesTheBestPromptsByTheirTopScore() {
        double[][][] p = {{{0.5, 1}, {0.4, 1}}, {{0.9, 1}, {0.1, 1}}, {{0.7, 1}, {0.2, 1}}, {{0.3, 1}, {0.2, 1}}};
        CurationResult r = build(data(p, null, null, null), plain(Strategy.SFT_TOP_K).withTopPercent(50));
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.promptId(0)).isEqualTo(200); // output stays in prompt order
        assertThat(r.promptId(1)).isEqualTo(300);
        assertThat(r.rejectedId(0)).isEqualTo(-1);
        assertThat(Double.isNaN(r.margin(0))).isTrue();
    }

    @Test
    void unscoredCandidatesAreLeftOutAndPromptsWithFewerThanTwoScoredAreCounted() {
        double[][][] p = {{{Double.NaN, 1}, {0.5, 1}}, {{0.6, 1}, {Double.NaN, 1}, {0.1, 1}}};
        CurationResult r = build(data(p, null, null, null), plain(Strategy.BEST_WORST));
        assertThat(r.size()).isEqualTo(1);
        assertThat(r.funnel().get(0).prompts()).isEqualTo(1);
        assertThat(r.funnel().get(0).note()).contains("1 of 2 prompts have fewer than 2 scored candidates");
        assertThat(r.rejectedId(0)).isEqualTo(5);
    }
}
