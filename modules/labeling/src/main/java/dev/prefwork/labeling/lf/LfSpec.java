package dev.prefwork.labeling.lf;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.prefwork.core.Verdict;

import java.util.List;

/**
 * A labeling function as data: it casts {@code vote} on a response when {@code when} holds for it and, if a
 * {@code promptScope} is given, that holds for the response's prompt. Otherwise it abstains.
 *
 * @param name        unique in the workspace (case-insensitive)
 * @param aspect      what the LF judges: one of {@link #BUILT_IN_ASPECTS} or a user-added lowercase name
 * @param description optional note for colleagues ("why this rule")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LfSpec(String name, String aspect, Verdict vote, String description, Condition promptScope, Condition when) {

    public static final List<String> BUILT_IN_ASPECTS = List.of("helpfulness", "correctness", "policy", "tone", "format");

    public LfSpec withName(String newName) {
        return new LfSpec(newName, aspect, vote, description, promptScope, when);
    }

    public LfSpec withWhen(Condition newWhen) {
        return new LfSpec(name, aspect, vote, description, promptScope, newWhen);
    }

    public LfSpec withPromptScope(Condition scope) {
        return new LfSpec(name, aspect, vote, description, scope, when);
    }

    public LfSpec withVote(Verdict newVote) {
        return new LfSpec(name, aspect, newVote, description, promptScope, when);
    }
}
