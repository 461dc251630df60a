package dev.prefwork.generation;

/**
 * A backend could not generate. The message is for the user: it names the server or model and what to check, and
 * never contains an API key.
 */
public class GenerationException extends RuntimeException {

    public enum Kind {
        /** the server refused the request (HTTP 4xx other than 429): the settings are wrong, retrying cannot help */
        REFUSED,
        /** no usable answer after every retry (HTTP 429/5xx, timeouts, dropped connections, malformed replies) */
        UNAVAILABLE,
        /** the in-process model could not be loaded or failed */
        MODEL
    }

    private final Kind kind;

    public GenerationException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public GenerationException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** True when every later prompt would fail the same way: the job stops at once rather than trying them. */
    public boolean stopsTheJob() {
        return kind != Kind.UNAVAILABLE;
    }
}
