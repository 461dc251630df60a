package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.lf.Condition.Keywords;
import dev.prefwork.labeling.lf.Condition.Regex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.prefwork.labeling.engine.Corpora.lf;
import static org.assertj.core.api.Assertions.assertThat;

/** A catastrophic regex is stopped within its budget and reported; it never hangs the app. */
class RegexBudgetTest {

    /**
     * Catastrophic on JDK 17. The textbook (a+)+$ is not: since JDK 9 java.util.regex memoises failed loop
     * iterations, so nesting one more level is what it takes (see {@link #theTextbookPatternReturnsWithinTheBudget}).
     */
    private static final String EVIL = "((a+)+)+b";
    private static final String VICTIM = "a".repeat(40) + "!";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void catastrophicPatternIsStoppedAndReportedWhileOtherLfsStillApply() {
        String[] texts = new String[1000];
        for (int i = 0; i < texts.length; i++) texts[i] = i % 2 == 0 ? VICTIM : "hello world " + i;
        Corpus c = Corpora.responses(texts);
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withRegexBudget(Duration.ofMillis(200)))) {
            long t0 = System.nanoTime();
            ApplyResult r = e.apply(List.of(lf(new Regex(EVIL, null)), lf(new Keywords(List.of("hello"), null, null, null))), Progress.NONE);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // one text per core runs into the budget, then the LF is stopped: not 500 texts × budget (100 s).
            // Wall-clock bounds here are loose on purpose: CI machines are shared and the budget is CPU time.
            assertThat(ms).isLessThan(20_000);
            ApplyResult.Column evil = r.columns().get(0);
            assertThat(evil.source()).isEqualTo(ApplyResult.Source.FAILED);
            assertThat(evil.error()).contains("/((a+)+)+b/", "took more than 200 ms", "backtracks catastrophically");
            assertThat(r.matrix().column(0)).containsOnly(VoteMatrix.ABSTAIN);
            assertThat(r.columns().get(1).ok()).isTrue();
            assertThat(r.matrix().column(1)[1]).isEqualTo(VoteMatrix.GOOD);
            assertThat(r.matrix().column(1)[0]).isEqualTo(VoteMatrix.ABSTAIN);

            // the failure is remembered for this spec: applying again does not pay the budget again
            long t1 = System.nanoTime();
            ApplyResult again = e.apply(List.of(lf(new Regex(EVIL, null))), Progress.NONE);
            // paying the 200 ms CPU budget again would take at least 200 ms of wall time
            assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(200);
            assertThat(again.columns().get(0).error()).isEqualTo(evil.error());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void previewOfACatastrophicPatternReportsTheErrorInsteadOfHanging() {
        Corpus c = Corpora.responses(VICTIM, "aaa");
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withRegexBudget(Duration.ofMillis(100)))) {
            long t0 = System.nanoTime();
            LfPreview p = e.preview(lf(new Regex(EVIL, null)), LfEngine.PreviewRequest.of(new VoteMatrix(2, new byte[0][]), null), Progress.NONE);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20_000);
            assertThat(p.ok()).isFalse();
            assertThat(p.error()).contains("took more than 100 ms");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theTextbookPatternReturnsWithinTheBudget() {
        String[] texts = new String[200];
        java.util.Arrays.fill(texts, "a".repeat(5000) + "!");
        Corpus c = Corpora.responses(texts);
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withRegexBudget(Duration.ofMillis(200)))) {
            long t0 = System.nanoTime();
            ApplyResult r = e.apply(List.of(lf(new Regex("(a+)+$", null))), Progress.NONE);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(30_000);
            // either memoised (no match) or stopped and reported — never a hang
            assertThat(r.matrix().column(0)).containsOnly(VoteMatrix.ABSTAIN);
        }
    }

    @Test
    void aHarmlessPatternIsNotAffectedByTheBudget() {
        Corpus c = Corpora.responses(VICTIM, "aaa");
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withRegexBudget(Duration.ofMillis(50)))) {
            ApplyResult r = e.apply(List.of(lf(new Regex("a+$", null))), Progress.NONE);
            assertThat(r.columns().get(0).ok()).isTrue();
            assertThat(r.matrix().column(0)).containsExactly(0, 1);
        }
    }
}
