package dev.prefwork.generation;

import dev.prefwork.core.InputException;

import java.util.Map;

/**
 * An API key for an OpenAI-compatible server, held in memory only. It is never written to the workspace, the
 * settings, logs or messages: {@link #toString()} hides it, and {@link #redact} takes it out of any text that
 * came back from a server (an error page that echoes the request's headers, say) before that text is shown or
 * stored. Where a key should be remembered, remember the name of the environment variable that holds it.
 */
public final class ApiKey {

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /** The key, or null when {@code value} is null or blank (no key). */
    public static ApiKey of(String value) {
        return value == null || value.isBlank() ? null : new ApiKey(value.strip());
    }

    /** The key in the environment variable {@code name}; an error naming the variable when it is unset or empty. */
    public static ApiKey fromEnvironment(String name, Map<String, String> env) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new InputException(null, 0, "api-key-env", "the environment variable " + name + " is not set or empty"
                    + " (it should hold the server's API key)");
        }
        return new ApiKey(v.strip());
    }

    String authorizationHeader() {
        return "Bearer " + value;
    }

    /** {@code text} with every occurrence of the key replaced by "[API key]". */
    public String redact(String text) {
        return text == null ? null : text.replace(value, "[API key]");
    }

    /** Null-safe {@link #redact}. */
    static String redact(ApiKey key, String text) {
        return key == null ? text : key.redact(text);
    }

    @Override
    public String toString() {
        return "ApiKey[hidden]";
    }
}
