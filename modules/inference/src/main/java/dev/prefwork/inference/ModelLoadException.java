package dev.prefwork.inference;

/** A model could not be loaded or run: a missing or malformed file, an unsupported graph. The message is for the user. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelLoadException(String message) {
        super(message);
    }
}
