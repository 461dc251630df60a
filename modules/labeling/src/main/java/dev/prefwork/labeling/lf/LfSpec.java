package dev.prefwork.labeling.lf;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prefwork.core.Verdict;

import java.util.List;

/**
 * A labeling function as data: it casts {@code vote} on a response when {@code when} holds for it and, if a
 * {@code promptScope} is given, that holds for the response's prompt. Otherwise it abstains.
 *
 * <p>Two more kinds (docs/LF-SPEC.md): a {@link Kind#COMPARATIVE comparative} LF looks at two candidates of the same
 * prompt and prefers one ({@code when} matches one and not the other, or {@code ratio}); a {@link Kind#JUDGE judge}
 * LF asks a model ({@code judge}) about a response, or about two for an A/B template. Absent {@code kind} is an
 * ordinary per-candidate LF, so specs written before these kinds read and write exactly as before.
 *
 * @param name        unique in the workspace (case-insensitive)
 * @param aspect      what the LF judges: one of {@link #BUILT_IN_ASPECTS} or a user-added lowercase name
 * @param description optional note for colleagues ("why this rule")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LfSpec(String name, String aspect, Verdict vote, String description, Condition promptScope, Condition when,
                     Kind kind, Ratio ratio, Judge judge) {

    public static final List<String> BUILT_IN_ASPECTS = List.of("helpfulness", "correctness", "policy", "tone", "format");

    public enum Kind {
        /** The default (written as absent): votes on one candidate. */
        @JsonProperty("candidate") CANDIDATE,
        /** Prefers one of two candidates of the same prompt, or abstains. */
        @JsonProperty("comparative") COMPARATIVE,
        /** Asks a model; pointwise templates vote on a candidate, A/B templates prefer one of two. */
        @JsonProperty("judge") JUDGE
    }

    /**
     * Comparative on length: the candidate that is shorter, by at least {@code min} times (the other is at least
     * {@code min}× as long). With vote GOOD the shorter one is preferred, with BAD the longer one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ratio(Condition.LengthUnit unit, Double min) {
        public Ratio {
            unit = unit == null ? Condition.LengthUnit.WORDS : unit;
        }
    }

    public enum Answer {
        /** yes = 1, no = 0; the vote is cast when that is within [min, max] (default: yes). */
        @JsonProperty("yes_no") YES_NO,
        /** a 1–10 score; the vote is cast when it is within [min, max]. */
        @JsonProperty("score") SCORE,
        /** pairwise: "A" or "B", asked in both orders; the vote prefers the one picked both times. */
        @JsonProperty("ab") AB
    }

    /**
     * Ask a model. {@code template} holds {@code {prompt}} and {@code {response}} (pointwise) or {@code {response_a}}
     * and {@code {response_b}} (answer ab). The API key is never part of the spec: {@code apiKeyEnv} names the
     * environment variable that holds it (or the studio passes a key typed for this session only).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Judge(String baseUrl, String model, String apiKeyEnv, String template, Answer answer, Double min,
                        Double max, Integer maxTokens) {
        public static final int DEFAULT_MAX_TOKENS = 16;

        public Judge {
            answer = answer == null ? Answer.YES_NO : answer;
            maxTokens = maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
            if (answer == Answer.YES_NO && min == null && max == null) min = 1.0;
        }

        @JsonIgnore
        public boolean pairwise() {
            return answer == Answer.AB;
        }
    }

    /** An ordinary per-candidate LF. */
    public LfSpec(String name, String aspect, Verdict vote, String description, Condition promptScope, Condition when) {
        this(name, aspect, vote, description, promptScope, when, null, null, null);
    }

    public LfSpec {
        if (kind == Kind.CANDIDATE) kind = null; // one spelling, so equal specs write equal JSON
    }

    /** The kind, never null. */
    @JsonIgnore
    public Kind kindOrDefault() {
        return kind == null ? Kind.CANDIDATE : kind;
    }

    /** True when the LF votes on pairs of candidates (comparative, or an A/B judge) rather than on one. */
    @JsonIgnore
    public boolean pairLevel() {
        return kind == Kind.COMPARATIVE || (kind == Kind.JUDGE && judge != null && judge.pairwise());
    }

    public LfSpec withName(String newName) {
        return new LfSpec(newName, aspect, vote, description, promptScope, when, kind, ratio, judge);
    }

    public LfSpec withWhen(Condition newWhen) {
        return new LfSpec(name, aspect, vote, description, promptScope, newWhen, kind, ratio, judge);
    }

    public LfSpec withPromptScope(Condition scope) {
        return new LfSpec(name, aspect, vote, description, scope, when, kind, ratio, judge);
    }

    public LfSpec withVote(Verdict newVote) {
        return new LfSpec(name, aspect, newVote, description, promptScope, when, kind, ratio, judge);
    }

    public LfSpec withDescription(String d) {
        return new LfSpec(name, aspect, vote, d, promptScope, when, kind, ratio, judge);
    }

    public static LfSpec comparative(String name, String aspect, Verdict vote, Condition promptScope, Condition when) {
        return new LfSpec(name, aspect, vote, null, promptScope, when, Kind.COMPARATIVE, null, null);
    }

    public static LfSpec lengthRatio(String name, String aspect, Verdict vote, Condition promptScope, Ratio ratio) {
        return new LfSpec(name, aspect, vote, null, promptScope, null, Kind.COMPARATIVE, ratio, null);
    }

    public static LfSpec judge(String name, String aspect, Verdict vote, Condition promptScope, Judge judge) {
        return new LfSpec(name, aspect, vote, null, promptScope, null, Kind.JUDGE, null, judge);
    }
}
