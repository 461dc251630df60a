package dev.prefwork.generation;

import dev.prefwork.core.InputException;

import java.util.Objects;

/**
 * A generation job to create: which prompts, which backend and model, which parameters.
 *
 * @param label what the job is for, shown in the job list ("fill new prompts", "before/after: run 4 tuned"); may be null
 */
public record GenerationRequest(String label, PromptSelection selection, GenerationParams params, BackendConfig backend) {

    public GenerationRequest {
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(backend, "backend");
        if (backend.modelName() == null || backend.modelName().isBlank()) {
            throw new InputException(null, 0, "model", "name the model: every candidate records which model wrote it"
                    + " (for a server, the name it serves the model under; Test connection lists them)");
        }
        if (backend.modelName().length() > 200) throw new InputException(null, 0, "model", "the model name is longer than 200 characters");
        label = label == null || label.isBlank() ? null : label.strip();
    }
}
