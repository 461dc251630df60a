package dev.prefwork.core;

/** What one row of the Prompts list needs, without the candidates' texts. */
public record PromptSummary(long id, String sourceId, String dataset, String category, String text,
                            int candidates, boolean labelled) {
}
