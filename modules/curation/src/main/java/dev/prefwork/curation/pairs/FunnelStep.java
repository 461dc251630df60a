package dev.prefwork.curation.pairs;

/**
 * One row of the preview's funnel: what a step kept. {@code pairs} is -1 for the first row (prompts only).
 *
 * @param removed pairs (or prompts, for the first rows) this step took out
 * @param note    a detail in words ("3 prompts skipped: tie at the top"), or ""
 */
public record FunnelStep(String label, int pairs, int prompts, int removed, String note) {
}
