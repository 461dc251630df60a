package dev.prefwork.reward.train;

import dev.prefwork.core.Preference;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.reward.features.CandidateIndex;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GoldPairsTest {

    // prompt 100: candidates 1..4 (rows 0..3); prompt 200: candidates 5..7 (rows 4..6)
    private static final CandidateIndex INDEX = new CandidateIndex(new long[]{1, 2, 3, 4, 5, 6, 7},
            new long[]{100, 100, 100, 100, 200, 200, 200}, new int[]{10, 20, 30, 40, 50, 60, 70});

    private static List<String> pairs(GoldPairs g) {
        return g.pairs().stream().map(p -> (INDEX.candidateId(p.winner())) + ">" + INDEX.candidateId(p.loser()) + ":" + p.source()).toList();
    }

    @Test
    void picksGiveBestOverAllAndAllOverWorst() {
        GoldPairs g = GoldPairs.build(INDEX, Map.of(), List.of(new PromptGold(100, 3L, 1L, null)), List.of(), Map.of());
        assertThat(pairs(g)).containsExactlyInAnyOrder("3>1:PICK", "3>2:PICK", "3>4:PICK", "2>1:PICK", "4>1:PICK");
        assertThat(g.pairs()).allMatch(p -> p.prompt() == 0 && p.weight() == 1f);
    }

    @Test
    void labelsOrderGoodOverBadWithinAPromptOnly() {
        GoldPairs g = GoldPairs.build(INDEX, Map.of(1L, Verdict.GOOD, 2L, Verdict.BAD, 4L, Verdict.BAD, 5L, Verdict.BAD), List.of(),
                List.of(), Map.of());
        assertThat(pairs(g)).containsExactlyInAnyOrder("1>2:LABEL", "1>4:LABEL");
    }

    @Test
    void ratingsCountHalfAndEqualRatingsGiveNoPair() {
        GoldPairs g = GoldPairs.build(INDEX, Map.of(), List.of(), List.of(), Map.of(5L, 4, 6L, 2, 7L, 4));
        assertThat(pairs(g)).containsExactlyInAnyOrder("5>6:RATING", "7>6:RATING");
        assertThat(g.pairs()).allMatch(p -> p.weight() == GoldPairs.RATING_WEIGHT);
    }

    @Test
    void aStatedPreferenceOverridesAPickThatOrdersThePairTheOtherWay() {
        // best pick 3 says 3 > 2; the expert also said 2 beats 3 directly: the direct comparison stands
        GoldPairs g = GoldPairs.build(INDEX, Map.of(2L, Verdict.GOOD, 3L, Verdict.BAD), List.of(new PromptGold(100, 3L, null, null)),
                List.of(new Preference(100, 2, 3)), Map.of(2L, 1, 3L, 5));
        assertThat(pairs(g)).contains("2>3:PREFERENCE").doesNotContain("3>2:PICK", "3>2:RATING", "2>3:LABEL");
        assertThat(g.size()).isEqualTo(3); // 2>3, 3>1, 3>4: one pair per unordered pair
    }

    @Test
    void judgmentsOnUnknownCandidatesAreIgnored() {
        GoldPairs g = GoldPairs.build(INDEX, Map.of(99L, Verdict.GOOD), List.of(new PromptGold(999, 98L, 97L, null)),
                List.of(new Preference(100, 1, 5)), Map.of());
        assertThat(g.size()).isZero();
    }
}
