package dev.prefwork.core;

/** One response to a prompt, at a stable 0-based {@code position}, with the model that wrote it. */
public record Candidate(long id, long promptId, int position, String text, String model, String metadataJson) {

    public int lengthChars() {
        return text.length();
    }
}
