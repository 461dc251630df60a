package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LfPreviewTest {

    // rows:              0                         1                      2                  3                                 4        5
    static final Corpus C = Corpora.of(
            new String[]{"p1", "Sorry, I can't do that.", "Here is a full answer with seven words", "sorry", "Nine words are in this answer right here now"},
            new String[]{"p2", "Sorry for the delay", "ok"});
    static final byte[] GOLD = {-1, 1, 1, 0, -1, 0};

    static final LfSpec SORRY = new LfSpec("sorry", "tone", Verdict.BAD, null, null, new Keywords(List.of("sorry"), null, null, null));

    @Test
    void showsStatisticsAgainstOtherLfsAndGold() {
        // another LF votes GOOD on rows 0 and 1
        VoteMatrix others = new VoteMatrix(6, new byte[][]{{1, 1, 0, 0, 0, 0}});
        try (LfEngine e = new LfEngine(C, LfEngine.Config.defaults())) {
            LfPreview p = e.preview(SORRY, LfEngine.PreviewRequest.of(others, GOLD), Progress.NONE);
            assertThat(p.ok()).isTrue();
            assertThat(p.rows()).isEqualTo(6);
            assertThat(p.inScope()).isEqualTo(6);
            // fires on rows 0, 2, 4
            assertThat(p.stats().hits()).isEqualTo(3);
            assertThat(p.stats().coverage()).isCloseTo(0.5, within(1e-9));
            assertThat(p.stats().conflictRows()).isEqualTo(1);
            assertThat(p.stats().correct()).isEqualTo(2);
            assertThat(p.stats().incorrect()).isEqualTo(1);
            assertThat(p.stats().empiricalAccuracy()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(p.goldGood()).isEqualTo(1);
            assertThat(p.goldBad()).isEqualTo(2);
            assertThat(p.hits()).extracting(LfPreview.Example::row).containsExactlyInAnyOrder(0, 2, 4);
            LfPreview.Example first = p.hits().stream().filter(x -> x.row() == 0).findFirst().orElseThrow();
            assertThat(first.spans()).containsExactly(new Span(0, 5));
            assertThat(first.promptText()).isEqualTo("p1");
            assertThat(first.candidateId()).isEqualTo(1);
            assertThat(p.goldDisagreements()).extracting(LfPreview.Example::row).containsExactly(2);
            assertThat(p.cached()).isFalse();

            // the preview's column is cached: applying the saved spec costs nothing
            assertThat(e.apply(List.of(SORRY), Progress.NONE).columns().get(0).source()).isEqualTo(ApplyResult.Source.CACHED);
            assertThat(e.preview(SORRY, LfEngine.PreviewRequest.of(others, GOLD), Progress.NONE).cached()).isTrue();
        }
    }

    @Test
    void listsNearMissesClosestFirst() {
        // words per row: 5, 8, 1, 9, 4, 1 → at least 9 words: hit row 3; row 1 (8) is 11 % short, row 0 (5) 44 %,
        // row 4 (4) 56 %: beyond "near" (50 %)
        LfSpec wordy = new LfSpec("wordy", "format", Verdict.BAD, null, null, new Length(LengthUnit.WORDS, 9.0, null, null));
        try (LfEngine e = new LfEngine(C, LfEngine.Config.defaults())) {
            LfPreview p = e.preview(wordy, LfEngine.PreviewRequest.of(new VoteMatrix(6, new byte[0][]), GOLD), Progress.NONE);
            assertThat(p.hits()).extracting(LfPreview.Example::row).containsExactly(3);
            assertThat(p.hits().get(0).spans()).isEmpty();
            assertThat(p.nearMisses()).extracting(LfPreview.Example::row).containsExactly(1, 0);
            assertThat(p.nearMisses().get(0).miss()).isCloseTo(1.0 / 9, within(1e-6));
            // a keyword "any" has no threshold: nothing is near
            assertThat(e.preview(SORRY, LfEngine.PreviewRequest.of(new VoteMatrix(6, new byte[0][]), GOLD), Progress.NONE).nearMisses()).isEmpty();
        }
    }

    @Test
    void countsOnlyRowsInThePromptScope() {
        LfSpec scoped = SORRY.withPromptScope(new Keywords(List.of("p2"), null, null, null));
        try (LfEngine e = new LfEngine(C, LfEngine.Config.defaults())) {
            LfPreview p = e.preview(scoped, LfEngine.PreviewRequest.of(new VoteMatrix(6, new byte[0][]), null), Progress.NONE);
            assertThat(p.inScope()).isEqualTo(2);
            assertThat(p.stats().hits()).isEqualTo(1);
            assertThat(p.stats().empiricalAccuracy()).isNaN();
            assertThat(p.goldDisagreements()).isEmpty();
        }
    }

    @Test
    void anInvalidDraftReturnsFieldErrorsOnly() {
        LfSpec draft = new LfSpec("", "tone", Verdict.BAD, null, null, new Keywords(List.of(), null, null, null));
        try (LfEngine e = new LfEngine(C, LfEngine.Config.defaults())) {
            LfPreview p = e.preview(draft, LfEngine.PreviewRequest.of(new VoteMatrix(6, new byte[0][]), GOLD), Progress.NONE);
            assertThat(p.ok()).isFalse();
            assertThat(p.errors()).extracting(e2 -> e2.path()).containsExactly("name", "when.terms");
            assertThat(p.stats()).isNull();
        }
    }
}
