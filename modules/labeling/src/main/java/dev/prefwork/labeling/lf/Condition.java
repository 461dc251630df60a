package dev.prefwork.labeling.lf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One node of an LF's condition tree: a combinator ({@code and}, {@code or}, {@code not}) or a template with
 * its parameters. Pure data, told apart in JSON by its {@code "type"} field (docs/LF-SPEC.md); what it means is
 * decided by the engine's compiler, so the same spec evaluates the same way in the preview, the CLI and the
 * batch applier. Parameters a user left out are null in the record and filled with their documented default
 * by the compact constructors, so a round trip writes defaults explicitly.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Condition.And.class, name = "and"),
        @JsonSubTypes.Type(value = Condition.Or.class, name = "or"),
        @JsonSubTypes.Type(value = Condition.Not.class, name = "not"),
        @JsonSubTypes.Type(value = Condition.Keywords.class, name = "keywords"),
        @JsonSubTypes.Type(value = Condition.Regex.class, name = "regex"),
        @JsonSubTypes.Type(value = Condition.Length.class, name = "length"),
        @JsonSubTypes.Type(value = Condition.StartsWith.class, name = "starts_with"),
        @JsonSubTypes.Type(value = Condition.EndsWith.class, name = "ends_with"),
        @JsonSubTypes.Type(value = Condition.Structure.class, name = "structure"),
        @JsonSubTypes.Type(value = Condition.PhraseList.class, name = "phrase_list"),
        @JsonSubTypes.Type(value = Condition.Readability.class, name = "readability"),
        @JsonSubTypes.Type(value = Condition.Repetition.class, name = "repetition"),
        @JsonSubTypes.Type(value = Condition.PromptOverlap.class, name = "prompt_overlap"),
        @JsonSubTypes.Type(value = Condition.Rank.class, name = "rank"),
        @JsonSubTypes.Type(value = Condition.NearDuplicate.class, name = "near_duplicate"),
        @JsonSubTypes.Type(value = Condition.Category.class, name = "category"),
        @JsonSubTypes.Type(value = Condition.ModelScore.class, name = "model_score"),
})
public sealed interface Condition {

    /** The JSON {@code type} names, in the order the builder offers them. */
    List<String> TYPES = List.of("and", "or", "not", "keywords", "regex", "length", "starts_with", "ends_with",
            "structure", "phrase_list", "readability", "repetition", "prompt_overlap", "rank", "near_duplicate",
            "category", "model_score");

    // ---- combinators ------------------------------------------------------------------------------------------

    /** True when every condition is. */
    record And(List<Condition> conditions) implements Condition {
    }

    /** True when any condition is. */
    record Or(List<Condition> conditions) implements Condition {
    }

    /** True when the condition is not. */
    record Not(Condition condition) implements Condition {
    }

    // ---- text templates (valid on the response and in a prompt scope) -----------------------------------------

    enum Match {
        @JsonProperty("any") ANY,
        @JsonProperty("all") ALL
    }

    /** Any (or all) of the terms occur; case-insensitive and whole-word by default. */
    record Keywords(List<String> terms, Match match, Boolean caseSensitive, Boolean wholeWord) implements Condition {
        public Keywords {
            match = match == null ? Match.ANY : match;
            caseSensitive = caseSensitive != null && caseSensitive;
            wholeWord = wholeWord == null || wholeWord;
        }
    }

    /** A Java regular expression is found somewhere in the text; {@code ^}/{@code $} match at line breaks too. */
    record Regex(String pattern, Boolean caseSensitive) implements Condition {
        public Regex {
            caseSensitive = caseSensitive != null && caseSensitive;
        }
    }

    enum LengthUnit {
        @JsonProperty("chars") CHARS,
        @JsonProperty("words") WORDS
    }

    /**
     * Length within [min, max] (either may be absent). With {@code relative_to_prompt}, the bounds are ratios of
     * the response's length to its prompt's length in the same unit.
     */
    record Length(LengthUnit unit, Double min, Double max, Boolean relativeToPrompt) implements Condition {
        public Length {
            unit = unit == null ? LengthUnit.WORDS : unit;
            relativeToPrompt = relativeToPrompt != null && relativeToPrompt;
        }
    }

    /** The text, leading whitespace ignored, starts with one of the texts. */
    record StartsWith(List<String> texts, Boolean caseSensitive) implements Condition {
        public StartsWith {
            caseSensitive = caseSensitive != null && caseSensitive;
        }
    }

    /** The text, trailing whitespace ignored, ends with one of the texts. */
    record EndsWith(List<String> texts, Boolean caseSensitive) implements Condition {
        public EndsWith {
            caseSensitive = caseSensitive != null && caseSensitive;
        }
    }

    enum Element {
        /** A fenced block (``` or ~~~). */
        @JsonProperty("code_block") CODE_BLOCK,
        /** Two or more lines starting with -, *, + or •. */
        @JsonProperty("bulleted_list") BULLETED_LIST,
        /** Two or more lines starting with 1. or 1). */
        @JsonProperty("numbered_list") NUMBERED_LIST,
        /** A Markdown table: a row with | above a |---| separator row. */
        @JsonProperty("table") TABLE,
        /** The whole text, or its first fenced block, is a valid JSON object or array. */
        @JsonProperty("json") JSON
    }

    /** The text contains a structural element. */
    record Structure(Element element) implements Condition {
    }

    /**
     * At least {@code min_matches} different phrases of a named phrase list occur (case-insensitive, whole words).
     * Built-in lists: {@code refusal}, {@code hedging}; a workspace may override them or add its own.
     */
    record PhraseList(String list, Integer minMatches) implements Condition {
        public PhraseList {
            minMatches = minMatches == null ? 1 : minMatches;
        }
    }

    /** Flesch reading ease within [min, max] (higher is easier; 60–70 is plain English). Texts without words never match. */
    record Readability(Double min, Double max) implements Condition {
    }

    /** Duplicate word n-gram rate (1 − distinct/total n-grams, 0 to 1) within [min, max]. */
    record Repetition(Integer n, Double min, Double max) implements Condition {
        public Repetition {
            n = n == null ? 3 : n;
        }
    }

    // ---- response-only templates (need the prompt or the other candidates) ------------------------------------

    /** Share (0 to 1) of the prompt's distinct content words (stop words left out) that occur in the response. */
    record PromptOverlap(Double min, Double max) implements Condition {
    }

    enum RankMeasure {
        @JsonProperty("chars") CHARS,
        @JsonProperty("words") WORDS,
        @JsonProperty("readability") READABILITY,
        @JsonProperty("prompt_overlap") PROMPT_OVERLAP
    }

    enum RankSelect {
        /** The candidate(s) with the prompt's highest value of the measure; never when all are equal. */
        @JsonProperty("highest") HIGHEST,
        /** The candidate(s) with the prompt's lowest value; never when all are equal. */
        @JsonProperty("lowest") LOWEST,
        /** The z-score of the measure within the prompt's candidates within [min, max]. */
        @JsonProperty("z_score") Z_SCORE
    }

    /** Where the response stands among its prompt's candidates on a measure (prompts with one candidate never match). */
    record Rank(RankMeasure measure, RankSelect select, Double min, Double max) implements Condition {
        public Rank {
            measure = measure == null ? RankMeasure.WORDS : measure;
        }
    }

    /** Word-shingle Jaccard similarity with another candidate of the same prompt is at least {@code threshold}. */
    record NearDuplicate(Double threshold, Integer shingle) implements Condition {
        public NearDuplicate {
            threshold = threshold == null ? 0.8 : threshold;
            shingle = shingle == null ? 3 : shingle;
        }
    }

    /** Prompt scope only: the prompt's category is one of these (exact, case-insensitive). */
    record Category(List<String> categories) implements Condition {
    }

    /**
     * A score computed by a model for each response — the extension point for model-based templates
     * (embedding similarity to exemplar texts, an external ONNX scorer). {@code provider} names a
     * {@code dev.prefwork.labeling.engine.ModelScoreProvider}; {@code params} is the provider's own JSON.
     */
    record ModelScore(String provider, ObjectNode params, Double min, Double max) implements Condition {
    }
}
