package dev.prefwork.labeling.lf;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition.*;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LfValidatorTest {

    private final LfValidator validator = LfValidator.standard();

    private static LfSpec lf(Condition when) {
        return new LfSpec("an lf", "policy", Verdict.BAD, null, null, when);
    }

    private List<SpecError> errors(Condition when) {
        return validator.validate(lf(when));
    }

    @Test
    void acceptsAGoodSpec() {
        assertThat(errors(new Keywords(List.of("sorry"), null, null, null))).isEmpty();
    }

    @Test
    void reportsMissingNameAspectVoteAndCondition() {
        List<SpecError> e = validator.validate(new LfSpec(" ", "Not An Aspect", null, null, null, null));
        assertThat(e).extracting(SpecError::path).containsExactly("name", "aspect", "vote", "when");
        assertThat(validator.validate(new LfSpec("a\nb", "my-aspect", Verdict.GOOD, null, null, new Structure(Element.TABLE))))
                .extracting(SpecError::path).containsExactly("name");
        assertThat(validator.validate(null)).hasSize(1);
    }

    @Test
    void reportsABadRegexWithItsPosition() {
        List<SpecError> e = errors(new And(List.of(new Keywords(List.of("x"), null, null, null), new Regex("(unclosed[", null))));
        assertThat(e).hasSize(1);
        assertThat(e.get(0).path()).isEqualTo("when.conditions[1].pattern");
        assertThat(e.get(0).message()).startsWith("not a valid regular expression at position");
        assertThat(errors(new Regex("", null))).extracting(SpecError::message).containsExactly("type a regular expression");
        assertThat(errors(new Regex("a".repeat(LfValidator.MAX_PATTERN_CHARS + 1), null))).hasSize(1);
    }

    @Test
    void reportsEmptyKeywordListsAndBlankOrDuplicateTerms() {
        assertThat(errors(new Keywords(List.of(), null, null, null)))
                .containsExactly(new SpecError("when.terms", "add at least one keyword"));
        assertThat(errors(new Keywords(null, null, null, null))).extracting(SpecError::path).containsExactly("when.terms");
        assertThat(errors(new Keywords(Arrays.asList("ok", " ", null, "OK"), null, null, null)))
                .extracting(SpecError::path).containsExactly("when.terms[1]", "when.terms[2]", "when.terms[3]");
        assertThat(errors(new StartsWith(List.of(), null))).extracting(SpecError::path).containsExactly("when.texts");
    }

    @Test
    void reportsMinAboveMaxAndThresholdsOutOfRange() {
        assertThat(errors(new Length(LengthUnit.WORDS, 50.0, 10.0, false)))
                .containsExactly(new SpecError("when.min", "the minimum 50 is greater than the maximum 10"));
        assertThat(errors(new Length(LengthUnit.WORDS, null, null, false)))
                .containsExactly(new SpecError("when", "set a minimum, a maximum or both"));
        assertThat(errors(new Length(LengthUnit.CHARS, -1.0, null, false))).extracting(SpecError::path).containsExactly("when.min");
        assertThat(errors(new Repetition(3, null, 1.5))).containsExactly(new SpecError("when.max", "must be between 0 and 1, not 1.5"));
        assertThat(errors(new PromptOverlap(-0.1, null))).extracting(SpecError::path).containsExactly("when.min");
        assertThat(errors(new Readability(null, 500.0))).extracting(SpecError::path).containsExactly("when.max");
        assertThat(errors(new NearDuplicate(1.2, null))).extracting(SpecError::path).containsExactly("when.threshold");
        assertThat(errors(new NearDuplicate(0.8, 0))).extracting(SpecError::path).containsExactly("when.shingle");
        assertThat(errors(new Repetition(0, 0.1, null))).extracting(SpecError::path).containsExactly("when.n");
        assertThat(errors(new Rank(RankMeasure.WORDS, RankSelect.Z_SCORE, null, null))).extracting(SpecError::path).containsExactly("when");
        assertThat(errors(new Rank(RankMeasure.WORDS, RankSelect.HIGHEST, 1.0, null))).extracting(SpecError::path).containsExactly("when.min");
        assertThat(errors(new Rank(RankMeasure.WORDS, null, null, null))).extracting(SpecError::path).containsExactly("when.select");
        assertThat(errors(new PhraseList("refusal", 0))).extracting(SpecError::path).containsExactly("when.min_matches");
    }

    @Test
    void reportsUnknownPhraseListsAndProviders() {
        assertThat(errors(new PhraseList("apologies", null)).get(0).message()).isEqualTo("no phrase list named \"apologies\" (known: hedging, refusal)");
        LfValidator strict = new LfValidator(Set.of("refusal"), Set.of());
        assertThat(strict.validate(lf(new ModelScore("onnx", null, 0.5, null))).get(0).message()).contains("none is installed");
        assertThat(strict.validate(lf(new ModelScore(null, null, 0.5, null)))).extracting(SpecError::path).containsExactly("when.provider");
    }

    @Test
    void keepsPromptScopeAndResponseTemplatesApart() {
        LfSpec scoped = new LfSpec("s", "format", Verdict.GOOD, null,
                new And(List.of(new Category(List.of("sql-code")), new Rank(RankMeasure.WORDS, RankSelect.HIGHEST, null, null),
                        new Length(LengthUnit.WORDS, null, 2.0, true))),
                new Category(List.of("x")));
        assertThat(validator.validate(scoped)).extracting(SpecError::path)
                .containsExactly("prompt_scope.conditions[1]", "prompt_scope.conditions[2].relative_to_prompt", "when");
    }

    @Test
    void reportsEmptyCombinatorsNullChildrenAndDeepNesting() {
        assertThat(errors(new And(List.of()))).containsExactly(new SpecError("when.conditions", "add at least one condition"));
        assertThat(errors(new Or(Arrays.asList(new Structure(null), null)))).extracting(SpecError::path)
                .containsExactly("when.conditions[0].element", "when.conditions[1]");
        Condition deep = new Structure(Element.JSON);
        for (int i = 0; i < 20; i++) deep = new Not(deep);
        assertThat(errors(deep)).extracting(SpecError::message).anyMatch(m -> m.contains("nested more than"));
    }
}
