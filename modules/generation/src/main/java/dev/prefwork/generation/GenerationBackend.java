package dev.prefwork.generation;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.BooleanSupplier;

/** Something that writes candidate responses for a prompt: an OpenAI-compatible server or an in-process model. */
public interface GenerationBackend extends AutoCloseable {

    /** {@code "openai"} or {@code "onnx"}. */
    String kind();

    /** The model name stored on every candidate in {@code candidate.model}. */
    String modelName();

    /** Prompts a job may have in flight at once with this backend. */
    int concurrency();

    /**
     * The settings worth recording with each candidate (preset, URL, endpoint, model folder, device…), as JSON.
     * Never a secret.
     */
    ObjectNode describe();

    /**
     * {@code params.n()} candidates for {@code prompt}.
     *
     * @param cancelled polled while waiting; when it turns true the call throws {@link dev.prefwork.core.Progress.Cancelled}
     * @throws GenerationException when no candidates could be had (after the backend's own retries)
     */
    Generation generate(String prompt, GenerationParams params, BooleanSupplier cancelled);

    @Override
    void close();
}
