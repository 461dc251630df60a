package dev.prefwork.generation.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WinRateTest {

    @Test
    void wilsonIntervalMatchesTheTextbookValues() {
        WinRate w = WinRate.of(8, 0, 2);   // 8 of 10: Wilson 95 % is [0.4902, 0.9433]
        assertThat(w.rate()).isEqualTo(0.8);
        assertThat(w.low()).isCloseTo(0.4902, within(1e-4));
        assertThat(w.high()).isCloseTo(0.9433, within(1e-4));
        WinRate all = WinRate.of(5, 0, 0);   // 5 of 5: [0.5655, 1]
        assertThat(all.low()).isCloseTo(0.5655, within(1e-4));
        assertThat(all.high()).isEqualTo(1.0);
        WinRate ties = WinRate.of(3, 4, 3);   // ties count half: 0.5
        assertThat(ties.rate()).isEqualTo(0.5);
        assertThat(ties.n()).isEqualTo(10);
        assertThat(WinRate.of(0, 0, 0).rate()).isNaN();
    }

    private static void add(List<LengthControlledWinRate.Outcome> out, int wins, int losses, int diff) {
        for (int i = 0; i < wins; i++) out.add(new LengthControlledWinRate.Outcome(1, 100 + diff, 100));
        for (int i = 0; i < losses; i++) out.add(new LengthControlledWinRate.Outcome(0, 100 + diff, 100));
    }

    @Test
    void lengthControlledRateIsTheRateAtEqualLength() {
        // win proportions 0.2 / 0.5 / 0.8 at length differences −50 / 0 / +50 follow σ(0 + β·Δ) exactly, so the MLE
        // has β₀ = 0: at equal length the judge is indifferent, though the tuned model wins 57.5 % by writing longer
        List<LengthControlledWinRate.Outcome> o = new ArrayList<>();
        add(o, 2, 8, -50);
        add(o, 5, 5, 0);
        add(o, 16, 4, 50);
        LengthControlledWinRate lc = LengthControlledWinRate.fit(o);
        assertThat(lc.rate()).isCloseTo(0.5, within(1e-3));
        assertThat(lc.slope()).isGreaterThan(1);
        assertThat(lc.low()).isLessThan(0.5);
        assertThat(lc.high()).isGreaterThan(0.5);
        double raw = o.stream().mapToDouble(LengthControlledWinRate.Outcome::tunedWon).average().orElseThrow();
        assertThat(raw).isEqualTo(0.575);

        // no length difference at all: the length-controlled rate is the raw rate
        List<LengthControlledWinRate.Outcome> same = new ArrayList<>();
        add(same, 7, 3, 0);
        assertThat(LengthControlledWinRate.fit(same).rate()).isCloseTo(0.7, within(1e-6));
    }

    @Test
    void judgeSummaryCountsVotesTiesAndMissingVotes() {
        List<PairwiseJudge.Vote> votes = List.of(PairwiseJudge.Vote.TUNED, PairwiseJudge.Vote.TUNED, PairwiseJudge.Vote.BASE,
                PairwiseJudge.Vote.TIE, PairwiseJudge.Vote.NONE);
        JudgeSummary s = JudgeSummary.of(votes, new int[]{10, 10, 10, 10, 10}, new int[]{10, 10, 10, 10, 10});
        assertThat(s.tuned()).isEqualTo(2);
        assertThat(s.base()).isEqualTo(1);
        assertThat(s.ties()).isEqualTo(1);
        assertThat(s.noVote()).isEqualTo(1);
        assertThat(s.winRate().rate()).isEqualTo(2.5 / 4);
        assertThat(s.lengthControlled().rate()).isCloseTo(2.5 / 4, within(1e-6));
        assertThat(s.lengthControlled().n()).isEqualTo(4);
    }
}
