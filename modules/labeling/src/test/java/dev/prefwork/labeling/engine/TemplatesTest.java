package dev.prefwork.labeling.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.PhraseLists;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.prefwork.labeling.engine.Corpora.fires;
import static dev.prefwork.labeling.engine.Corpora.lf;
import static dev.prefwork.labeling.engine.Corpora.responses;
import static org.assertj.core.api.Assertions.assertThat;

/** Known answers for every template, including empty texts, unicode and word boundaries. */
class TemplatesTest {

    private static List<Span> spans(Corpus c, LfSpec spec, int row) {
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults())) {
            return e.spans(spec, row, Progress.NONE);
        }
    }

    @Test
    void keywordsMatchWholeWordsIgnoringCaseByDefault() {
        Corpus c = responses("The cat sat.", "concatenate", "CAT!", "", "cats", "Un café noir", "I like C++ a lot", "e.g. this");
        assertThat(fires(c, new Keywords(List.of("cat"), null, null, null))).containsExactly(1, 0, 1, 0, 0, 0, 0, 0);
        assertThat(fires(c, new Keywords(List.of("cat"), null, null, false))).containsExactly(1, 1, 1, 0, 1, 0, 0, 0);
        assertThat(fires(c, new Keywords(List.of("cat"), null, true, null))).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(fires(c, new Keywords(List.of("CAFÉ"), null, null, null))).containsExactly(0, 0, 0, 0, 0, 1, 0, 0);
        assertThat(fires(c, new Keywords(List.of("caf"), null, null, null))).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        // terms that begin or end with punctuation need a boundary only on their word side
        assertThat(fires(c, new Keywords(List.of("C++", "e.g."), null, null, null))).containsExactly(0, 0, 0, 0, 0, 0, 1, 1);
    }

    @Test
    void keywordsAllNeedsEveryTermAndSpansPointAtEachOccurrence() {
        Corpus c = responses("Sorry — we apologise. Sorry again.", "Sorry only", "Don’t worry");
        assertThat(fires(c, new Keywords(List.of("sorry", "apologise"), Match.ALL, null, null))).containsExactly(1, 0, 0);
        // ’ and ' are the same when case is ignored
        assertThat(fires(c, new Keywords(List.of("don't"), null, null, null))).containsExactly(0, 0, 1);
        assertThat(spans(c, lf(new Keywords(List.of("sorry", "apologise"), Match.ALL, null, null)), 0))
                .containsExactly(new Span(0, 5), new Span(11, 20), new Span(22, 27));
    }

    @Test
    void keywordsFindTermsInOtherScripts() {
        Corpus c = responses("Москва — столица", "東京に行きます", "İstanbul");
        assertThat(fires(c, new Keywords(List.of("москва"), null, null, null))).containsExactly(1, 0, 0);
        assertThat(fires(c, new Keywords(List.of("東京"), null, null, false))).containsExactly(0, 1, 0);
        assertThat(fires(c, new Keywords(List.of("istanbul"), null, null, null))).containsExactly(0, 0, 1);
    }

    @Test
    void regexIgnoresCaseByDefaultAndAnchorsAtLines() {
        Corpus c = responses("Tracking HFDE12345678K ok", "tracking hfde12345678k", "line one\nDear Sam,", "");
        assertThat(fires(c, new Regex("HF[A-Z]{2}\\d{8}[A-Z]", null))).containsExactly(1, 1, 0, 0);
        assertThat(fires(c, new Regex("HF[A-Z]{2}\\d{8}[A-Z]", true))).containsExactly(1, 0, 0, 0);
        assertThat(fires(c, new Regex("^dear \\w+,$", null))).containsExactly(0, 0, 1, 0);
        // java.util.regex never matches ^ at the end of input in MULTILINE mode; \\A\\z finds empty texts
        assertThat(fires(c, new Regex("^$", null))).containsExactly(0, 0, 0, 0);
        assertThat(fires(c, new Regex("\\A\\s*\\z", null))).containsExactly(0, 0, 0, 1);
        assertThat(spans(c, lf(new Regex("\\d{4}", null)), 0)).containsExactly(new Span(13, 17), new Span(17, 21));
    }

    @Test
    void lengthInWordsOrCharactersAbsoluteOrRelativeToThePrompt() {
        Corpus c = Corpora.of(new String[]{"one two three four", "a b", "a b c d e f g h", "", "🚚🚚🚚"});
        assertThat(fires(c, new Length(LengthUnit.WORDS, 2.0, 4.0, null))).containsExactly(1, 0, 0, 0);
        assertThat(fires(c, new Length(LengthUnit.WORDS, null, 0.0, null))).containsExactly(0, 0, 1, 1);
        assertThat(fires(c, new Length(LengthUnit.CHARS, 3.0, 3.0, null))).containsExactly(1, 0, 0, 1);
        // relative: response words / prompt words (4)
        assertThat(fires(c, new Length(LengthUnit.WORDS, 1.5, null, true))).containsExactly(0, 1, 0, 0);
        assertThat(fires(c, new Length(LengthUnit.WORDS, null, 0.5, true))).containsExactly(1, 0, 1, 1);
    }

    @Test
    void startsAndEndsWithIgnoreOuterWhitespaceAndRespectWords() {
        Corpus c = responses("  Yes, you can.", "Yesterday it was", "yes", "Thanks.\n\nBest regards\n", "Kind regards, Sam", "");
        assertThat(fires(c, new StartsWith(List.of("yes"), null))).containsExactly(1, 0, 1, 0, 0, 0);
        assertThat(fires(c, new StartsWith(List.of("yes"), true))).containsExactly(0, 0, 1, 0, 0, 0);
        assertThat(fires(c, new EndsWith(List.of("regards"), null))).containsExactly(0, 0, 0, 1, 0, 0);
        assertThat(fires(c, new EndsWith(List.of("Sam", "yes"), null))).containsExactly(0, 0, 1, 0, 1, 0);
        assertThat(spans(c, lf(new StartsWith(List.of("yes"), null)), 0)).containsExactly(new Span(2, 5));
        assertThat(spans(c, lf(new EndsWith(List.of("best regards"), null)), 3)).containsExactly(new Span(9, 21));
    }

    @Test
    void structuresAreFoundByLines() {
        Corpus c = responses(
                "Run:\n```sql\nSELECT 1;\n```\nDone.",
                "~~~\ncode\n~~~",
                "```python\nprint(1)",
                "Use ``` inline``` only",
                "- one\n- two\n",
                "* **bold** text\n**Flights**",
                "1. first\n2) second",
                "| a | b |\n|---|:-:|\n| 1 | 2 |\nafter",
                "a | b\nnot a separator",
                "{\"a\": [1, 2]}",
                "Here:\n```json\n[{\"x\": 1}]\n```",
                "{\"a\": 1} trailing",
                "");
        assertThat(fires(c, new Structure(Element.CODE_BLOCK))).containsExactly(1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
        assertThat(fires(c, new Structure(Element.BULLETED_LIST))).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(fires(c, new Structure(Element.NUMBERED_LIST))).containsExactly(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
        assertThat(fires(c, new Structure(Element.TABLE))).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0);
        assertThat(fires(c, new Structure(Element.JSON))).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0);
        assertThat(spans(c, lf(new Structure(Element.CODE_BLOCK)), 0)).containsExactly(new Span(5, 25));
        assertThat(spans(c, lf(new Structure(Element.TABLE)), 7)).containsExactly(new Span(0, 29));
    }

    @Test
    void phraseListsMatchBuiltInOrEditedPhrases() {
        Corpus c = responses("As an AI language model, I cannot give legal advice.", "I’m unable to help.",
                "It depends on many factors and you may want to ask.", "Here is the answer.", "");
        assertThat(fires(c, new PhraseList("refusal", null))).containsExactly(1, 1, 0, 0, 0);
        assertThat(fires(c, new PhraseList("hedging", 2))).containsExactly(0, 0, 1, 0, 0);
        LfSpec spec = lf(new PhraseList("refusal", null));
        assertThat(spans(c, spec, 1)).containsExactly(new Span(0, 13));
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withPhraseLists(PhraseLists.builtIn().with("refusal", List.of("the answer"))))) {
            assertThat(e.apply(List.of(spec), Progress.NONE).matrix().column(0)).containsExactly(0, 0, 0, 1, 0);
        }
    }

    @Test
    void readabilityAndRepetitionCompareMeasures() {
        Corpus c = responses("The cat sat on the mat.", "Notwithstanding organisational considerations, comprehensive documentation necessitates interpretation.",
                "", "buy now buy now buy now buy now");
        assertThat(fires(c, new Readability(60.0, null))).containsExactly(1, 0, 0, 1);
        assertThat(fires(c, new Readability(null, 30.0))).containsExactly(0, 1, 0, 0);
        assertThat(fires(c, new Repetition(2, 0.5, null))).containsExactly(0, 0, 0, 1);
        assertThat(fires(c, new Repetition(2, null, 0.0))).containsExactly(1, 1, 1, 0);
    }

    @Test
    void promptOverlapCountsThePromptsContentWords() {
        Corpus c = Corpora.of(
                new String[]{"How do I reset my VPN password?", "Reset the password in the portal.", "Call the desk.", "VPN: reset your password."},
                new String[]{"Is it?", "Yes"});
        // content words of prompt 1: reset, vpn, password; prompt 2 has none → never matches
        assertThat(fires(c, new PromptOverlap(0.6, null))).containsExactly(1, 0, 1, 0);
        assertThat(fires(c, new PromptOverlap(0.9, null))).containsExactly(0, 0, 1, 0);
        assertThat(fires(c, new PromptOverlap(null, 0.0))).containsExactly(0, 1, 0, 0);
    }

    @Test
    void rankComparesCandidatesOfTheSamePrompt() {
        Corpus c = Corpora.of(
                new String[]{"p", "one two three", "one", "one two three four five six seven eight nine ten", "a b"},
                new String[]{"q", "only one"},
                new String[]{"r", "same size", "same size"},
                new String[]{"s", "x y", "x y", "z"});
        assertThat(fires(c, new Rank(RankMeasure.WORDS, RankSelect.HIGHEST, null, null))).containsExactly(0, 0, 1, 0, 0, 0, 0, 1, 1, 0);
        assertThat(fires(c, new Rank(RankMeasure.WORDS, RankSelect.LOWEST, null, null))).containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
        // words 3,1,10,2: mean 4, population sd sqrt(((1+9+36+4)/4)) = 3.5355; z of 10 = 1.697
        assertThat(fires(c, new Rank(RankMeasure.WORDS, RankSelect.Z_SCORE, 1.5, null))).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(fires(c, new Rank(RankMeasure.WORDS, RankSelect.Z_SCORE, 1.7, null))).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // equal lengths have z = 0; a lone candidate has none
        assertThat(fires(c, new Rank(RankMeasure.WORDS, RankSelect.Z_SCORE, -0.1, 0.1))).containsExactly(0, 0, 0, 0, 0, 1, 1, 0, 0, 0);
        assertThat(fires(c, new Rank(RankMeasure.CHARS, RankSelect.HIGHEST, null, null))).containsExactly(0, 0, 1, 0, 0, 0, 0, 1, 1, 0);
    }

    @Test
    void nearDuplicatesAreFoundWithinAPromptOnly() {
        Corpus c = Corpora.of(
                new String[]{"p", "the quick brown fox jumps over the dog", "The quick brown fox jumps over the dog!", "something else entirely here"},
                new String[]{"q", "the quick brown fox jumps over the dog"});
        assertThat(fires(c, new NearDuplicate(0.9, 3))).containsExactly(1, 1, 0, 0);
        assertThat(fires(c, new NearDuplicate(0.01, 3))).containsExactly(1, 1, 0, 0);
    }

    @Test
    void promptScopeLimitsTheLfToMatchingPrompts() {
        Corpus c = Corpora.of(new String[]{"Write SQL for this", "SELECT 1", "no"}, new String[]{"Write a poem", "SELECT 1"});
        LfSpec byText = new LfSpec("s", "format", Verdict.GOOD, null, new Keywords(List.of("sql"), null, null, null),
                new Keywords(List.of("select"), null, null, null));
        assertThat(fires(c, byText)).containsExactly(1, 0, 0);
        LfSpec byCategory = byText.withPromptScope(new Not(new Category(List.of("CAT-1"))));
        assertThat(fires(c, byCategory)).containsExactly(0, 0, 1);
    }

    @Test
    void combinatorsCompose() {
        Corpus c = responses("sorry, here is the table", "sorry", "here is the table", "");
        var sorry = new Keywords(List.of("sorry"), null, null, null);
        var table = new Keywords(List.of("table"), null, null, null);
        assertThat(fires(c, new And(List.of(sorry, table)))).containsExactly(1, 0, 0, 0);
        assertThat(fires(c, new Or(List.of(sorry, table)))).containsExactly(1, 1, 1, 0);
        assertThat(fires(c, new Not(new Or(List.of(sorry, table))))).containsExactly(0, 0, 0, 1);
        assertThat(fires(c, new And(List.of(sorry, new Not(table))))).containsExactly(0, 1, 0, 0);
    }

    @Test
    void modelScoresComeFromAProviderOnceAndThresholdsAreApplied() {
        Corpus c = responses("a", "b", "c");
        int[] calls = {0};
        ModelScoreProvider p = new ModelScoreProvider() {
            @Override public String name() { return "fake"; }
            @Override public String version() { return "v1"; }
            @Override public float[] scores(ObjectNode params, Corpus corpus, Progress progress) {
                calls[0]++;
                return new float[]{0.1f, params.path("high").floatValue(), Float.NaN};
            }
        };
        ObjectNode params = LfJson.mapper().createObjectNode().put("high", 0.9);
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withProvider(p))) {
            ApplyResult r = e.apply(List.of(lf(new ModelScore("fake", params, 0.5, null)), lf(new ModelScore("fake", params, null, 0.5))), Progress.NONE);
            assertThat(r.matrix().column(0)).containsExactly(0, 1, 0);
            assertThat(r.matrix().column(1)).containsExactly(1, 0, 0);
            assertThat(calls[0]).isEqualTo(1);
            ApplyResult missing = e.apply(List.of(lf(new ModelScore("other", params, 0.5, null))), Progress.NONE);
            assertThat(missing.columns().get(0).source()).isEqualTo(ApplyResult.Source.INVALID);
            assertThat(missing.columns().get(0).error()).contains("no model score provider named \"other\"");
        }
    }

    @Test
    void aFailingProviderFailsOnlyItsLfs() {
        Corpus c = responses("a", "b");
        ModelScoreProvider broken = new ModelScoreProvider() {
            @Override public String name() { return "broken"; }
            @Override public String version() { return "1"; }
            @Override public float[] scores(ObjectNode params, Corpus corpus, Progress progress) {
                throw new IllegalStateException("model file missing");
            }
        };
        try (LfEngine e = new LfEngine(c, LfEngine.Config.defaults().withProvider(broken))) {
            ApplyResult r = e.apply(List.of(lf(new ModelScore("broken", null, 0.5, null)), lf(new Length(null, 1.0, null, null))), Progress.NONE);
            assertThat(r.columns().get(0).source()).isEqualTo(ApplyResult.Source.FAILED);
            assertThat(r.columns().get(0).error()).isEqualTo("model file missing");
            assertThat(r.matrix().column(1)).containsExactly(1, 1);
        }
    }
}
