package dev.prefwork.core;

/**
 * A prompt as the expert sees it. {@code sourceId} is the id from the imported file, unique in the
 * workspace; {@code metadataJson} keeps every field of the input line that Prefwork does not model.
 */
public record Prompt(long id, long datasetId, String sourceId, String text, String category, String metadataJson) {
}
