package dev.prefwork.labeling.analysis;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Known answers on a hand-made matrix, checked row by row against Snorkel's definitions. */
class LfAnalysisTest {

    //                                      r0  r1  r2  r3  r4  r5
    static final byte[] L0 = {1, 1, 0, -1, 0, 0};
    static final byte[] L1 = {1, -1, 0, 0, 0, 1};
    static final byte[] L2 = {0, 0, 0, -1, -1, 0};
    static final byte[] GOLD = {1, -1, 0, -1, 1, 0};

    static VoteMatrix matrix() {
        return new VoteMatrix(6, new byte[][]{L0, L1, L2});
    }

    @Test
    void matrixLevelCoverageOverlapAndConflict() {
        MatrixStats m = LfAnalysis.analyze(matrix(), GOLD).matrix();
        assertThat(m.rows()).isEqualTo(6);
        assertThat(m.lfs()).isEqualTo(3);
        assertThat(m.coveredRows()).isEqualTo(5);       // all but r2
        assertThat(m.overlapRows()).isEqualTo(3);       // r0, r1, r3
        assertThat(m.conflictRows()).isEqualTo(1);      // r1: GOOD from L0, BAD from L1
        assertThat(m.goldRows()).isEqualTo(4);
        assertThat(m.labelCoverage()).isCloseTo(5 / 6.0, within(1e-12));
        assertThat(m.labelOverlap()).isCloseTo(0.5, within(1e-12));
        assertThat(m.labelConflict()).isCloseTo(1 / 6.0, within(1e-12));
    }

    @Test
    void perLfCoverageOverlapsConflictsAndEmpiricalAccuracy() {
        List<LfStats> s = LfAnalysis.analyze(matrix(), GOLD).lfs();
        LfStats l0 = s.get(0);
        assertThat(l0.hits()).isEqualTo(3);
        assertThat(l0.goodVotes()).isEqualTo(2);
        assertThat(l0.badVotes()).isEqualTo(1);
        assertThat(l0.coverage()).isCloseTo(0.5, within(1e-12));
        assertThat(l0.overlapRows()).isEqualTo(3);
        assertThat(l0.conflictRows()).isEqualTo(1);
        assertThat(l0.conflicts()).isCloseTo(1 / 6.0, within(1e-12));
        assertThat(l0.correct()).isEqualTo(2);
        assertThat(l0.incorrect()).isEqualTo(1);
        assertThat(l0.empiricalAccuracy()).isCloseTo(2 / 3.0, within(1e-12));

        LfStats l1 = s.get(1);
        assertThat(l1.hits()).isEqualTo(3);
        assertThat(l1.overlapRows()).isEqualTo(2);
        assertThat(l1.conflictRows()).isEqualTo(1);
        assertThat(l1.correct()).isEqualTo(2);
        assertThat(l1.incorrect()).isZero();
        assertThat(l1.empiricalAccuracy()).isEqualTo(1.0);

        LfStats l2 = s.get(2);
        assertThat(l2.hits()).isEqualTo(2);
        assertThat(l2.overlapRows()).isEqualTo(1);
        assertThat(l2.conflictRows()).isZero();
        assertThat(l2.correct()).isEqualTo(1);
        assertThat(l2.incorrect()).isEqualTo(1);
        assertThat(l2.empiricalAccuracy()).isEqualTo(0.5);
    }

    @Test
    void singleColumnAgainstTheOthersEqualsItsRowInTheFullAnalysis() {
        LfStats full = LfAnalysis.analyze(matrix(), GOLD).lfs().get(0);
        LfStats alone = LfAnalysis.single(L0, new VoteMatrix(6, new byte[][]{L1, L2}), GOLD);
        assertThat(alone).isEqualTo(full);
    }

    @Test
    void withoutGoldAccuracyIsUnknownAndAnEmptyMatrixCoversNothing() {
        LfStats s = LfAnalysis.analyze(matrix(), null).lfs().get(0);
        assertThat(s.empiricalAccuracy()).isNaN();
        assertThat(s.goldHits()).isZero();
        MatrixStats empty = LfAnalysis.analyze(new VoteMatrix(4, new byte[0][]), new byte[4]).matrix();
        assertThat(empty.labelCoverage()).isZero();
        assertThat(LfAnalysis.analyze(new VoteMatrix(0, new byte[][]{{}}), null).lfs().get(0).coverage()).isZero();
    }

    @Test
    void goldLabelsWinOverBestAndWorstPicks() {
        long[] ids = {10, 11, 12, 13, 14};
        byte[] gold = GoldVector.build(ids, Map.of(11L, Verdict.GOOD, 99L, Verdict.BAD), List.of(10L, 12L), List.of(11L, 13L));
        // 10 best → GOOD; 11 worst but labelled GOOD → GOOD; 12 best → GOOD; 13 worst → BAD; 14 nothing
        assertThat(gold).containsExactly(1, 1, 1, -1, 0);
    }
}
