package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.PhraseLists;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LfEngineTest {

    private static LfSpec spec(String name, Verdict vote, Condition when) {
        return new LfSpec(name, "policy", vote, null, null, when);
    }

    static final LfSpec SORRY = spec("sorry", Verdict.BAD, new Keywords(List.of("sorry"), null, null, null));
    static final LfSpec LONG = spec("long", Verdict.BAD, new Length(LengthUnit.WORDS, 8.0, null, null));
    static final LfSpec REFUSAL = spec("refusal", Verdict.BAD, new PhraseList("refusal", null));
    static final LfSpec TABLE = spec("table", Verdict.GOOD, new Structure(Element.TABLE));

    static Corpus small() {
        return Corpora.of(
                new String[]{"How do I book travel?", "Sorry, I am unable to help with that.", "| a | b |\n|---|---|\n| 1 | 2 |",
                        "Book through the Travel Desk in HaldenHub; economy under six hours."},
                new String[]{"Reset my password", "sorry", "Call 4999 now and reset it in the portal, then log in again please."});
    }

    @Test
    void recomputesOnlyTheSpecsThatChanged() {
        try (LfEngine e = new LfEngine(small(), LfEngine.Config.defaults())) {
            ApplyResult first = e.apply(List.of(SORRY, LONG, TABLE), Progress.NONE);
            assertThat(first.computed()).isEqualTo(3);
            assertThat(e.evaluatedColumns()).isEqualTo(3);
            assertThat(first.matrix().column(0)).containsExactly(-1, 0, 0, -1, 0);
            assertThat(first.matrix().column(1)).containsExactly(-1, 0, -1, 0, -1); // 8, 4, 11, 1, 14 words
            assertThat(first.matrix().column(2)).containsExactly(0, 1, 0, 0, 0);

            LfSpec longer = LONG.withWhen(new Length(LengthUnit.WORDS, 12.0, null, null));
            ApplyResult second = e.apply(List.of(SORRY, longer, TABLE), Progress.NONE);
            assertThat(second.columns()).extracting(ApplyResult.Column::source)
                    .containsExactly(ApplyResult.Source.CACHED, ApplyResult.Source.COMPUTED, ApplyResult.Source.CACHED);
            assertThat(e.evaluatedColumns()).isEqualTo(4);
            assertThat(second.matrix().column(1)).containsExactly(0, 0, 0, 0, -1);
            assertThat(second.matrix().column(0)).isSameAs(first.matrix().column(0));

            // name, aspect and description do not decide votes: a renamed LF is not recomputed
            LfSpec renamed = new LfSpec("apology", "tone", Verdict.BAD, "why", null, SORRY.when());
            assertThat(e.apply(List.of(renamed), Progress.NONE).columns().get(0).source()).isEqualTo(ApplyResult.Source.CACHED);
            // the vote does
            assertThat(e.apply(List.of(SORRY.withVote(Verdict.GOOD)), Progress.NONE).columns().get(0).source())
                    .isEqualTo(ApplyResult.Source.COMPUTED);
            assertThat(e.evaluatedColumns()).isEqualTo(5);
        }
    }

    @Test
    void theSameSpecTwiceInOneRequestIsEvaluatedOnce() {
        try (LfEngine e = new LfEngine(small(), LfEngine.Config.defaults())) {
            ApplyResult r = e.apply(List.of(SORRY, SORRY.withName("copy")), Progress.NONE);
            assertThat(e.evaluatedColumns()).isEqualTo(1);
            assertThat(r.matrix().column(1)).isSameAs(r.matrix().column(0));
        }
    }

    @Test
    void editingAPhraseListRecomputesOnlyTheLfsThatUseIt() {
        try (LfEngine e = new LfEngine(small(), LfEngine.Config.defaults())) {
            String before = e.contextKey(REFUSAL);
            assertThat(e.contextKey(SORRY)).isEmpty();
            assertThat(e.apply(List.of(SORRY, REFUSAL), Progress.NONE).matrix().column(1)).containsExactly(-1, 0, 0, 0, 0);
            e.setPhraseLists(PhraseLists.builtIn().with("refusal", List.of("call 4999")));
            assertThat(e.contextKey(REFUSAL)).isNotEqualTo(before);
            ApplyResult r = e.apply(List.of(SORRY, REFUSAL), Progress.NONE);
            assertThat(r.columns()).extracting(ApplyResult.Column::source).containsExactly(ApplyResult.Source.CACHED, ApplyResult.Source.COMPUTED);
            assertThat(r.matrix().column(1)).containsExactly(0, 0, 0, 0, -1);
        }
    }

    @Test
    void featuresPreparedTogetherEqualFeaturesComputedOneByOne() {
        Corpus c = synthetic(5_000, 3);
        List<LfSpec> specs = List.of(REFUSAL, spec("hedge", Verdict.BAD, new PhraseList("hedging", 1)),
                spec("flesch", Verdict.GOOD, new Readability(50.0, 90.0)), spec("rep", Verdict.BAD, new Repetition(3, 0.1, null)),
                spec("overlap", Verdict.GOOD, new PromptOverlap(0.3, null)), spec("dup", Verdict.BAD, new NearDuplicate(0.5, 3)),
                spec("longest", Verdict.GOOD, new Rank(RankMeasure.WORDS, RankSelect.HIGHEST, null, null)));
        byte[][] together;
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults())) {
            together = columns(e.apply(specs, Progress.NONE));
        }
        for (int j = 0; j < specs.size(); j++) {
            try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults())) {
                assertThat(e.apply(List.of(specs.get(j)), Progress.NONE).matrix().column(0)).as(specs.get(j).name()).isEqualTo(together[j]);
            }
        }
    }

    @Test
    void seededVotesAreUsedWithoutEvaluating() {
        try (LfEngine e = new LfEngine(small(), LfEngine.Config.defaults())) {
            byte[] stored = {1, 1, 1, 1, 1};
            e.seed(SORRY, stored);
            ApplyResult r = e.apply(List.of(SORRY), Progress.NONE);
            assertThat(r.columns().get(0).source()).isEqualTo(ApplyResult.Source.CACHED);
            assertThat(r.matrix().column(0)).isSameAs(stored);
            assertThat(e.evaluatedColumns()).isZero();
            assertThatThrownBy(() -> e.seed(LONG, new byte[3])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anInvalidSpecAbstainsWithItsErrorsAndTheOthersApply() {
        try (LfEngine e = new LfEngine(small(), LfEngine.Config.defaults())) {
            LfSpec bad = spec("bad", Verdict.BAD, new Regex("([", null));
            ApplyResult r = e.apply(List.of(bad, SORRY), Progress.NONE);
            assertThat(r.columns().get(0).source()).isEqualTo(ApplyResult.Source.INVALID);
            assertThat(r.columns().get(0).error()).startsWith("invalid spec: when.pattern: not a valid regular expression");
            assertThat(r.matrix().column(0)).containsOnly(0);
            assertThat(r.matrix().column(1)).containsExactly(-1, 0, 0, -1, 0);
        }
    }

    @Test
    void cancellingLeavesNothingCached() {
        try (LfEngine e = new LfEngine(synthetic(20_000, 7), LfEngine.Config.defaults())) {
            Progress cancelAtOnce = new Progress() {
                @Override public void update(long done, long total, String message) { }
                @Override public boolean isCancelled() { return true; }
            };
            assertThatThrownBy(() -> e.apply(List.of(SORRY), cancelAtOnce)).isInstanceOf(Progress.Cancelled.class);
            assertThat(e.isCached(SORRY)).isFalse();
            assertThat(e.apply(List.of(SORRY), Progress.NONE).columns().get(0).source()).isEqualTo(ApplyResult.Source.COMPUTED);
        }
    }

    @Test
    void parallelAndSingleThreadedRunsAgreeOnEveryTemplate() {
        Corpus c = synthetic(30_000, 42);
        List<LfSpec> specs = new ArrayList<>(List.of(SORRY, LONG, REFUSAL, TABLE,
                spec("hedge", Verdict.BAD, new PhraseList("hedging", 1)),
                spec("regex", Verdict.BAD, new Regex("\\b\\d{3,}\\b", null)),
                spec("short rel", Verdict.BAD, new Length(LengthUnit.WORDS, null, 1.5, true)),
                spec("longest", Verdict.GOOD, new Rank(RankMeasure.WORDS, RankSelect.HIGHEST, null, null)),
                spec("z", Verdict.BAD, new Rank(RankMeasure.CHARS, RankSelect.Z_SCORE, 1.0, null)),
                spec("dup", Verdict.BAD, new NearDuplicate(0.5, 2)),
                spec("overlap", Verdict.GOOD, new PromptOverlap(0.5, null)),
                spec("flesch", Verdict.GOOD, new Readability(50.0, 90.0)),
                spec("rep", Verdict.BAD, new Repetition(2, 0.2, null)),
                spec("list", Verdict.GOOD, new Structure(Element.BULLETED_LIST)),
                new LfSpec("scoped", "policy", Verdict.GOOD, null, new Keywords(List.of("reset"), null, null, null),
                        new StartsWith(List.of("call"), null))));
        byte[][] one;
        byte[][] two;
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withThreads(1))) {
            ApplyResult r = e.apply(specs, Progress.NONE);
            assertThat(r.columns()).allMatch(ApplyResult.Column::ok);
            one = columns(r);
        }
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withThreads(4))) {
            two = columns(e.apply(specs, Progress.NONE));
        }
        assertThat(two).isDeepEqualTo(one);
        for (byte[] col : one) {
            int hits = 0;
            for (byte b : col) if (b != 0) hits++;
            assertThat(hits).as("every LF of the test fires somewhere but not everywhere").isBetween(1, col.length - 1);
        }
    }

    private static byte[][] columns(ApplyResult r) {
        byte[][] out = new byte[r.matrix().lfs()][];
        for (int j = 0; j < out.length; j++) out[j] = r.matrix().column(j);
        return out;
    }

    /** A corpus of made-up support answers, five per prompt. */
    static Corpus synthetic(int candidates, long seed) {
        Random rnd = new Random(seed);
        String[] prompts = {"How do I reset my VPN password?", "Can I book business class to Leeds?", "Write SQL for late shipments",
                "Summarise the incident report", "Draft a reply to the customer"};
        String[] parts = {"Sorry, I am unable to help with that.", "It depends on many factors.", "Call 4999 and reset it.",
                "| a | b |\n|---|---|\n| 1 | 2 |", "- step one\n- step two", "The policy allows economy for 6 hours.",
                "Book through the Travel Desk.", "Reset the password in the portal.", "SELECT id FROM shipments WHERE late;",
                "Thanks for your question, it is a great question.", "buy now buy now buy now", "Regards, Halden"};
        Corpus.Builder b = Corpus.builder();
        int nPrompts = (candidates + 4) / 5;
        for (int p = 0; p < nPrompts; p++) b.prompt(p, prompts[p % prompts.length] + " #" + p, "cat-" + p % 3);
        for (int i = 0; i < candidates; i++) {
            StringBuilder sb = new StringBuilder();
            int k = 1 + rnd.nextInt(4);
            for (int j = 0; j < k; j++) sb.append(parts[rnd.nextInt(parts.length)]).append(rnd.nextBoolean() ? "\n" : " ");
            b.candidate(i + 1, i / 5, sb.toString().strip());
        }
        return b.build();
    }
}
