package dev.prefwork.generation;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One question, one short deterministic answer (temperature 0) from an OpenAI-compatible server: what a model
 * judge needs. The same client as generation, with its retries, error messages and key redaction.
 */
public final class OpenAiChat {

    /** The reply's text and the completion tokens the server reports (null when it does not). */
    public record Reply(String text, Integer completionTokens) {
    }

    private final OpenAiClient client;

    public OpenAiChat(OpenAiConfig config, ApiKey key) {
        this.client = new OpenAiClient(config, key, OpenAiClient.Backoff.DEFAULT);
    }

    /** @throws GenerationException when no usable answer came (the message never holds the API key) */
    public Reply ask(String question, int maxTokens, BooleanSupplier cancelled) {
        OpenAiClient.Completion c = client.complete(question, new GenerationParams(1, 0.0, 1.0, maxTokens, List.of(), null), 1, null, cancelled);
        String text = c.choices().isEmpty() ? "" : c.choices().get(0).text();
        return new Reply(text == null ? "" : text, c.completionTokens());
    }
}
