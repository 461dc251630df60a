package dev.prefwork.generation;

import java.util.Locale;

/**
 * Where the common local servers listen and what they accept. The base URL and the rest stay editable; a
 * preset only fills them in.
 */
public enum ServerPreset {
    /** vLLM's OpenAI-compatible server ({@code vllm serve}): takes {@code n}, runs many requests at once. */
    VLLM("vLLM", "http://localhost:8000/v1", OpenAiEndpoint.CHAT, true, 8),
    /** llama.cpp's {@code llama-server}: one choice per request; parallel slots only with {@code -np}. */
    LLAMA_CPP("llama.cpp server", "http://localhost:8080/v1", OpenAiEndpoint.CHAT, false, 1),
    /** Ollama's OpenAI-compatible API: one choice per request. */
    OLLAMA("Ollama", "http://localhost:11434/v1", OpenAiEndpoint.CHAT, false, 1),
    /** Any other server that speaks OpenAI's completions API. */
    CUSTOM("Other OpenAI-compatible server", "http://localhost:8000/v1", OpenAiEndpoint.CHAT, true, 4);

    private final String label;
    private final String baseUrl;
    private final OpenAiEndpoint endpoint;
    private final boolean supportsN;
    private final int concurrency;

    ServerPreset(String label, String baseUrl, OpenAiEndpoint endpoint, boolean supportsN, int concurrency) {
        this.label = label;
        this.baseUrl = baseUrl;
        this.endpoint = endpoint;
        this.supportsN = supportsN;
        this.concurrency = concurrency;
    }

    public String label() { return label; }

    public String baseUrl() { return baseUrl; }

    public OpenAiEndpoint endpoint() { return endpoint; }

    /** Whether one request may ask for n choices; when not, the n candidates are n requests. */
    public boolean supportsN() { return supportsN; }

    /** Prompts in flight at once by default. */
    public int concurrency() { return concurrency; }

    /** {@code vllm}, {@code llama-cpp}, {@code ollama}, {@code custom}: the CLI's and the settings' name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ServerPreset byId(String id) {
        for (ServerPreset p : values()) if (p.id().equals(id)) return p;
        throw new IllegalArgumentException("unknown server preset '" + id + "'; choose vllm, llama-cpp, ollama or custom");
    }
}
