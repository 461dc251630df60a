package dev.prefwork.labeling.lf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition.*;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LfJsonTest {

    /** One LF that uses every template, so the round trip covers them all. */
    static LfSpec everyTemplate() {
        ObjectNode params = LfJson.mapper().createObjectNode();
        params.putArray("exemplars").add("a good answer");
        return new LfSpec("kitchen sink", "format", Verdict.BAD, "uses every template",
                new Or(List.of(new Category(List.of("sql-code")), new Keywords(List.of("SQL"), null, true, null))),
                new And(List.of(
                        new Keywords(List.of("sorry", "apologise"), Match.ALL, null, false),
                        new Regex("\\bHF[A-Z]{2}\\d{8}\\b", true),
                        new Length(LengthUnit.CHARS, 10.0, 2000.0, null),
                        new Length(null, null, 3.0, true),
                        new StartsWith(List.of("Yes"), null),
                        new EndsWith(List.of("Regards"), true),
                        new Structure(Element.TABLE),
                        new PhraseList("refusal", 2),
                        new Readability(30.0, null),
                        new Repetition(null, 0.2, null),
                        new PromptOverlap(null, 0.1),
                        new Rank(RankMeasure.WORDS, RankSelect.HIGHEST, null, null),
                        new Rank(RankMeasure.CHARS, RankSelect.Z_SCORE, 1.5, null),
                        new NearDuplicate(0.9, 4),
                        new ModelScore("embedding_similarity", params, 0.7, null),
                        new Not(new Structure(Element.CODE_BLOCK)))));
    }

    @Test
    void roundTripsEveryTemplateWithDefaultsWrittenOut() {
        LfSpec spec = everyTemplate();
        String json = LfJson.write(spec);
        LfJson.Parsed<LfSpec> back = LfJson.parseSpec(json);
        assertThat(back.errors()).isEmpty();
        assertThat(back.value()).isEqualTo(spec);
        assertThat(LfJson.write(back.value())).isEqualTo(json);
        assertThat(json).contains("\"type\":\"keywords\"", "\"whole_word\":false", "\"case_sensitive\":false",
                "\"relative_to_prompt\":true", "\"prompt_scope\":", "\"min_matches\":2", "\"select\":\"z_score\"", "\"n\":3");
        assertThat(LfValidator.standard().validate(spec)).isEmpty();
    }

    @Test
    void fillsDocumentedDefaults() {
        LfSpec spec = LfJson.parseSpec("""
                {"name": "n", "aspect": "tone", "vote": "GOOD", "when": {"type": "keywords", "terms": ["thanks"]}}
                """).value();
        Keywords k = (Keywords) spec.when();
        assertThat(k.match()).isEqualTo(Match.ANY);
        assertThat(k.caseSensitive()).isFalse();
        assertThat(k.wholeWord()).isTrue();
        assertThat(spec.promptScope()).isNull();
        assertThat(LfJson.write(spec)).doesNotContain("prompt_scope").doesNotContain("description");
        assertThat(LfJson.write(new Condition.Length(null, null, 20.0, null))).isEqualTo("{\"type\":\"length\",\"unit\":\"words\",\"max\":20.0,\"relative_to_prompt\":false}");
    }

    @Test
    void reportsUnknownTemplateWithItsPath() {
        LfJson.Parsed<LfSpec> p = LfJson.parseSpec("""
                {"name": "n", "aspect": "tone", "vote": "GOOD",
                 "when": {"type": "and", "conditions": [{"type": "keywords", "terms": ["x"]}, {"type": "sentiment", "min": 1}]}}
                """);
        assertThat(p.value()).isNull();
        assertThat(p.errors()).hasSize(1);
        assertThat(p.errors().get(0).path()).isEqualTo("when.conditions[1]");
        assertThat(p.errors().get(0).message()).startsWith("unknown template \"sentiment\"").contains("keywords", "regex");
    }

    @Test
    void reportsMissingTypeUnknownFieldBadEnumAndWrongKind() {
        assertThat(LfJson.parseSpec("{\"name\":\"n\",\"when\":{\"terms\":[\"x\"]}}").errors().get(0))
                .satisfies(e -> {
                    assertThat(e.path()).isEqualTo("when");
                    assertThat(e.message()).startsWith("missing \"type\"");
                });
        SpecError unknown = LfJson.parseSpec("{\"name\":\"n\",\"when\":{\"type\":\"keywords\",\"terms\":[\"x\"],\"wholeword\":true}}").errors().get(0);
        assertThat(unknown.path()).isEqualTo("when");
        assertThat(unknown.message()).contains("unknown field \"wholeword\"").contains("whole_word");
        SpecError badEnum = LfJson.parseSpec("{\"name\":\"n\",\"when\":{\"type\":\"keywords\",\"terms\":[\"x\"],\"match\":\"some\"}}").errors().get(0);
        assertThat(badEnum.path()).isEqualTo("when.match");
        assertThat(badEnum.message()).isEqualTo("\"some\" is not one of: any, all");
        SpecError badVote = LfJson.parseSpec("{\"name\":\"n\",\"vote\":\"MAYBE\",\"when\":{\"type\":\"keywords\",\"terms\":[\"x\"]}}").errors().get(0);
        assertThat(badVote.path()).isEqualTo("vote");
        assertThat(badVote.message()).contains("GOOD, BAD");
        SpecError notNumber = LfJson.parseSpec("{\"name\":\"n\",\"when\":{\"type\":\"length\",\"min\":\"lots\"}}").errors().get(0);
        assertThat(notNumber.path()).isEqualTo("when.min");
        assertThat(notNumber.message()).contains("number");
    }

    @Test
    void reportsInvalidJsonWithLineAndColumnAndNeverThrows() {
        SpecError e = LfJson.parseSpec("{\"name\": \"n\",\n \"when\": {\"type\": \"keywords\" \"terms\": []}}").errors().get(0);
        assertThat(e.path()).isEmpty();
        assertThat(e.message()).startsWith("invalid JSON at line 2, column");
        assertThat(LfJson.parseSpec("").errors()).extracting(SpecError::message).containsExactly("the JSON is empty");
        assertThat(LfJson.parseSpec(null).ok()).isFalse();
        assertThat(LfJson.parseSpec("[1,2]").ok()).isFalse();
        assertThat(LfJson.parseSpec("{\"name\":\"a\",\"name\":\"b\"}").errors().get(0).message()).contains("Duplicate field");
        String deep = "{\"type\":\"not\",\"condition\":".repeat(100) + "{}" + "}".repeat(100);
        assertThat(LfJson.parseCondition(deep).errors().get(0).message()).contains("nested deeper than");
    }

    @Test
    void librariesParseAsObjectOrBareArrayAndCheckTheFormat() {
        String entry = "{\"name\":\"a\",\"aspect\":\"tone\",\"vote\":\"BAD\",\"enabled\":false,\"when\":{\"type\":\"regex\",\"pattern\":\"x\"}}";
        LfLibrary lib = LfJson.parseLibrary("{\"format\":\"prefwork-lfs\",\"version\":1,\"lfs\":[" + entry + "]}").value();
        assertThat(lib.lfs()).hasSize(1);
        assertThat(lib.lfs().get(0).enabled()).isFalse();
        assertThat(LfJson.parseLibrary("[" + entry + "]").value().lfs().get(0).spec().name()).isEqualTo("a");
        assertThat(LfJson.parseLibrary("{\"format\":\"other\",\"lfs\":[]}").errors().get(0).path()).isEqualTo("format");
        assertThat(LfJson.parseLibrary("{\"format\":\"prefwork-lfs\",\"version\":9,\"lfs\":[]}").errors().get(0).message()).contains("version 9");
        assertThat(LfJson.parseLibrary("[" + entry.replace("regex", "regexp") + "]").errors().get(0).path()).isEqualTo("lfs[0].when");
        LfLibrary round = LfJson.parseLibrary(LfJson.writePretty(lib)).value();
        assertThat(round).isEqualTo(lib);
    }
}
