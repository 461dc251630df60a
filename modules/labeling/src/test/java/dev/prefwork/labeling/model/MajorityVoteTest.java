package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MajorityVoteTest {

    // Rows: 0 GOOD majority, 1 BAD majority, 2 tie, 3 no votes, 4 one GOOD vote, 5 tie of two against two.
    private static final VoteMatrix VOTES = new VoteMatrix(6, new byte[][] {
            {1, -1, 1, 0, 0, 1},
            {1, -1, -1, 0, 1, 1},
            {-1, 0, 0, 0, 0, -1},
            {0, 1, 0, 0, 0, -1},
    });

    @Test
    void knownAnswers() {
        FittedLabelModel model = new MajorityVote().fit(VOTES, new FitOptions(ClassPrior.fixed(0.3), 1));
        assertThat(model.predict(VOTES)).containsExactly(1f, 0f, 0.5f, 0.3f, 1f, 0.5f);
        assertThat(model.classBalance()).isEqualTo(0.3);
    }

    @Test
    void estimatedClassBalanceIsTheDecidedGoodShareSmoothed() {
        // Decided rows: 0 (GOOD), 1 (BAD), 4 (GOOD) → (2 + 1) / (3 + 2).
        FittedLabelModel model = new MajorityVote().fit(VOTES, FitOptions.defaults());
        assertThat(model.classBalance()).isCloseTo(0.6, within(1e-12));
        assertThat(model.predict(VOTES)[3]).isEqualTo(0.6f);
    }

    @Test
    void propensities() {
        FittedLabelModel model = new MajorityVote().fit(VOTES, FitOptions.defaults());
        assertThat(model.propensities()).containsExactly(4 / 6.0, 5 / 6.0, 2 / 6.0, 2 / 6.0);
    }

    @Test
    void accuracyIsAgreementWithTheOtherLfsMajority() {
        VoteMatrix votes = new VoteMatrix(4, new byte[][] {
                {1, 1, -1, 1},
                {1, 1, -1, -1},
                {1, -1, 1, 0},
        });
        FittedLabelModel model = new MajorityVote().fit(votes, FitOptions.defaults());
        // LF 0: others +2 on row 0 (agrees), 0 on rows 1 and 2 (not decisive), −1 on row 3 (disagrees).
        // LF 2: others +2 on row 0 (agrees), +2 on row 1 and −2 on row 2 (disagrees twice), abstains on row 3.
        assertThat(model.accuracies()).containsExactly(0.5, 0.5, 1 / 3.0);
    }

    @Test
    void explanationCountsVotes() {
        FittedLabelModel model = new MajorityVote().fit(VOTES, FitOptions.defaults());
        Explanation e = model.explain(VOTES, 1);
        assertThat(e.unit()).isEqualTo(Explanation.Unit.VOTES);
        assertThat(e.contributions()).containsExactly(-1, -1, 0, 1);
        assertThat(e.score()).isEqualTo(-1);
        assertThat(e.pGood()).isEqualTo(0);
        assertThat(model.explain(VOTES, 2).pGood()).isEqualTo(0.5);
    }

    @Test
    void bigMatrixMatchesRowByRowRule() {
        VoteMatrix votes = VoteOverlapsTest.randomVotes(50_003, 4, 3);
        float[] p = new MajorityVote().fit(votes, new FitOptions(ClassPrior.fixed(0.25), 1)).predict(votes);
        for (int r = 0; r < votes.rows(); r++) {
            int margin = 0, voters = 0;
            for (int i = 0; i < 4; i++) {
                margin += votes.get(r, i);
                voters += votes.get(r, i) != 0 ? 1 : 0;
            }
            float expected = margin > 0 ? 1 : margin < 0 ? 0 : voters == 0 ? 0.25f : 0.5f;
            assertThat(p[r]).as("row %d", r).isEqualTo(expected);
        }
    }
}
