package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which prompts a job generates for: every prompt, a dataset's, a category's, or a given list (a held-out set for
 * a before/after comparison); with {@code onlyMissing}, only those without candidates — checked again when each
 * prompt's turn comes, so a prompt filled meanwhile (by another job, an import) is skipped rather than doubled.
 *
 * @param datasetId for {@link Scope#DATASET}
 * @param category  for {@link Scope#CATEGORY} ("" = prompts without a category)
 * @param promptIds for {@link Scope#PROMPTS}, in the order to generate
 */
public record PromptSelection(Scope scope, Long datasetId, String category, long[] promptIds, boolean onlyMissing) {

    public enum Scope { ALL, DATASET, CATEGORY, PROMPTS }

    public PromptSelection {
        Objects.requireNonNull(scope, "scope");
        if (scope == Scope.DATASET) Objects.requireNonNull(datasetId, "datasetId");
        if (scope == Scope.CATEGORY) Objects.requireNonNull(category, "category");
        if (scope == Scope.PROMPTS) promptIds = Objects.requireNonNull(promptIds, "promptIds").clone();
    }

    /** Every prompt that has no candidates yet: what an expert who imported prompts only wants. */
    public static PromptSelection missingCandidates() {
        return new PromptSelection(Scope.ALL, null, null, null, true);
    }

    public static PromptSelection all(boolean onlyMissing) {
        return new PromptSelection(Scope.ALL, null, null, null, onlyMissing);
    }

    public static PromptSelection dataset(long datasetId, boolean onlyMissing) {
        return new PromptSelection(Scope.DATASET, datasetId, null, null, onlyMissing);
    }

    public static PromptSelection category(String category, boolean onlyMissing) {
        return new PromptSelection(Scope.CATEGORY, null, category, null, onlyMissing);
    }

    /** Exactly these prompts, each getting n more candidates whatever it has (a held-out set for before/after). */
    public static PromptSelection prompts(long... promptIds) {
        return new PromptSelection(Scope.PROMPTS, null, null, promptIds, false);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("scope", scope.name().toLowerCase(java.util.Locale.ROOT));
        if (datasetId != null) o.put("dataset_id", datasetId);
        if (category != null) o.put("category", category);
        if (promptIds != null) o.put("prompts", promptIds.length);
        o.put("only_missing", onlyMissing);
        return o;
    }

    /** The selection a stored job was made with; a PROMPTS list is not stored (the job's rows are the list). */
    public static PromptSelection fromJson(JsonNode o) {
        Scope scope = Scope.valueOf(o.path("scope").asText("all").toUpperCase(java.util.Locale.ROOT));
        boolean missing = o.path("only_missing").asBoolean();
        return switch (scope) {
            case ALL -> all(missing);
            case DATASET -> dataset(o.path("dataset_id").asLong(), missing);
            case CATEGORY -> category(o.path("category").asText(""), missing);
            case PROMPTS -> prompts();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptSelection s && s.scope == scope && Objects.equals(s.datasetId, datasetId)
                && Objects.equals(s.category, category) && Arrays.equals(s.promptIds, promptIds) && s.onlyMissing == onlyMissing;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scope, datasetId, category, Arrays.hashCode(promptIds), onlyMissing);
    }

    @Override
    public String toString() {
        return "PromptSelection" + toJson();
    }

}
