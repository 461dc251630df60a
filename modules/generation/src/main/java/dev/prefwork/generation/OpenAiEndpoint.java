package dev.prefwork.generation;

/** The two OpenAI endpoints a server may offer for text generation. */
public enum OpenAiEndpoint {
    /** {@code /chat/completions}: the prompt is one user message; the server applies the model's chat template. */
    CHAT("chat", "/chat/completions"),
    /** {@code /completions}: the prompt text is continued as it is (base models, or your own template). */
    COMPLETIONS("completions", "/completions");

    private final String id;
    private final String path;

    OpenAiEndpoint(String id, String path) {
        this.id = id;
        this.path = path;
    }

    public String id() { return id; }

    public String path() { return path; }

    public static OpenAiEndpoint byId(String id) {
        for (OpenAiEndpoint e : values()) if (e.id.equals(id)) return e;
        throw new IllegalArgumentException("unknown endpoint '" + id + "'; choose chat or completions");
    }
}
