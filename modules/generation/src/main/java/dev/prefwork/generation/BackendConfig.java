package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The settings of a backend as a job stores them ({@code generation_job.backend_config}), so that a stopped or
 * interrupted job can be resumed with the same backend. Never holds a secret.
 */
public interface BackendConfig {

    /** {@code "openai"} or {@code "onnx"}. */
    String kind();

    /** The model name candidates will carry. */
    String modelName();

    /** The settings as JSON, {@code kind} included. */
    ObjectNode toJson();

    static BackendConfig fromJson(JsonNode json) {
        return switch (json.path("kind").asText()) {
            case OpenAiConfig.KIND -> OpenAiConfig.fromJson(json);
            case OnnxConfig.KIND -> OnnxConfig.fromJson(json);
            default -> throw new IllegalArgumentException("unknown generation backend '" + json.path("kind").asText() + "'");
        };
    }
}
