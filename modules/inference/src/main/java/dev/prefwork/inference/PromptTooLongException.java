package dev.prefwork.inference;

/** The prompt does not fit the model's positions: this prompt cannot be continued, other prompts can. */
public final class PromptTooLongException extends ModelLoadException {
    public PromptTooLongException(String message) {
        super(message);
    }
}
