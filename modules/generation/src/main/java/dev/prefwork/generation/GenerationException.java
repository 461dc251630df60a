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
        MODEL,
        /** this prompt cannot be generated for (longer than the model's context): other prompts can */
        PROMPT
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

    /**
     * True when every later prompt would likely fail the same way: the job stops rather than trying them (a refused
     * request only while no prompt of the job has succeeded: after that, it is this prompt the server refuses).
     */
    public boolean stopsTheJob() {
        return kind == Kind.REFUSED || kind == Kind.MODEL;
    }
}
