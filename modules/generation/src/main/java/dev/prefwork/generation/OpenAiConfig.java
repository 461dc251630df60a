package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * An OpenAI-compatible server.
 *
 * @param preset      which server this is (fills the defaults; kept for the record)
 * @param baseUrl     e.g. {@code http://localhost:8000/v1}; a URL without a path gets {@code /v1}
 * @param endpoint    chat or completions
 * @param model       the model name the server knows (sent as {@code model}, stored on every candidate)
 * @param supportsN   one request may ask for n choices; false sends n requests
 * @param concurrency prompts in flight at once
 * @param timeout     how long one request may take before it is retried
 * @param maxRetries  retries after a 429, a 5xx, a timeout or a dropped connection
 * @param apiKeyEnv   name of the environment variable holding the API key, or null (the key itself is never stored)
 */
public record OpenAiConfig(ServerPreset preset, String baseUrl, OpenAiEndpoint endpoint, String model, boolean supportsN,
                           int concurrency, Duration timeout, int maxRetries, String apiKeyEnv) implements BackendConfig {

    public static final String KIND = "openai";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_RETRIES = 4;

    public OpenAiConfig {
        if (preset == null) preset = ServerPreset.CUSTOM;
        if (endpoint == null) endpoint = preset.endpoint();
        baseUrl = normalize(baseUrl);
        model = model == null ? "" : model.strip();
        if (concurrency < 1 || concurrency > 64) {
            throw new InputException(null, 0, "concurrency", "must be between 1 and 64, was " + concurrency);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new InputException(null, 0, "timeout", "must be between 1 s and 1 h, was " + timeout);
        }
        if (maxRetries < 0 || maxRetries > 10) throw new InputException(null, 0, "retries", "must be between 0 and 10, was " + maxRetries);
        apiKeyEnv = apiKeyEnv == null || apiKeyEnv.isBlank() ? null : apiKeyEnv.strip();
        if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new InputException(null, 0, "api-key-env", "'" + apiKeyEnv + "' is not an environment variable name"
                    + " (give the variable's name, not the key)");
        }
    }

    /** A preset's defaults with this model name. */
    public static OpenAiConfig of(ServerPreset preset, String model) {
        return new OpenAiConfig(preset, preset.baseUrl(), preset.endpoint(), model, preset.supportsN(), preset.concurrency(),
                DEFAULT_TIMEOUT, DEFAULT_RETRIES, null);
    }

    public OpenAiConfig withBaseUrl(String url) {
        return new OpenAiConfig(preset, url, endpoint, model, supportsN, concurrency, timeout, maxRetries, apiKeyEnv);
    }

    public OpenAiConfig withModel(String m) {
        return new OpenAiConfig(preset, baseUrl, endpoint, m, supportsN, concurrency, timeout, maxRetries, apiKeyEnv);
    }

    public OpenAiConfig withEndpoint(OpenAiEndpoint e) {
        return new OpenAiConfig(preset, baseUrl, e, model, supportsN, concurrency, timeout, maxRetries, apiKeyEnv);
    }

    public OpenAiConfig withSupportsN(boolean s) {
        return new OpenAiConfig(preset, baseUrl, endpoint, model, s, concurrency, timeout, maxRetries, apiKeyEnv);
    }

    public OpenAiConfig withConcurrency(int c) {
        return new OpenAiConfig(preset, baseUrl, endpoint, model, supportsN, c, timeout, maxRetries, apiKeyEnv);
    }

    public OpenAiConfig withTimeout(Duration t) {
        return new OpenAiConfig(preset, baseUrl, endpoint, model, supportsN, concurrency, t, maxRetries, apiKeyEnv);
    }

    public OpenAiConfig withMaxRetries(int r) {
        return new OpenAiConfig(preset, baseUrl, endpoint, model, supportsN, concurrency, timeout, r, apiKeyEnv);
    }

    public OpenAiConfig withApiKeyEnv(String env) {
        return new OpenAiConfig(preset, baseUrl, endpoint, model, supportsN, concurrency, timeout, maxRetries, env);
    }

    @Override
    public String kind() { return KIND; }

    @Override
    public String modelName() { return model; }

    /** The endpoint's full URL. */
    public URI endpointUri() {
        return URI.create(baseUrl + endpoint.path());
    }

    public URI modelsUri() {
        return URI.create(baseUrl + "/models");
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("kind", KIND);
        o.put("preset", preset.id());
        o.put("base_url", baseUrl);
        o.put("endpoint", endpoint.id());
        o.put("model", model);
        o.put("supports_n", supportsN);
        o.put("concurrency", concurrency);
        o.put("timeout_s", timeout.toMillis() / 1000.0);
        o.put("max_retries", maxRetries);
        if (apiKeyEnv != null) o.put("api_key_env", apiKeyEnv);
        return o;
    }

    public static OpenAiConfig fromJson(JsonNode o) {
        ServerPreset preset = ServerPreset.byId(o.path("preset").asText("custom"));
        return new OpenAiConfig(preset, o.path("base_url").asText(preset.baseUrl()),
                OpenAiEndpoint.byId(o.path("endpoint").asText(preset.endpoint().id())), o.path("model").asText(""),
                o.path("supports_n").asBoolean(preset.supportsN()), o.path("concurrency").asInt(preset.concurrency()),
                Duration.ofMillis(Math.round(1000 * o.path("timeout_s").asDouble(DEFAULT_TIMEOUT.toSeconds()))),
                o.path("max_retries").asInt(DEFAULT_RETRIES), o.path("api_key_env").isTextual() ? o.get("api_key_env").asText() : null);
    }

    /**
     * Checks the URL (http or https, a host, no user name or password in it: that is what the API key is for, and
     * a URL is shown and stored) and gives it {@code /v1} when it has no path; no trailing slash.
     */
    static String normalize(String url) {
        if (url == null || url.isBlank()) throw new InputException(null, 0, "base-url", "the server's base URL is empty");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InputException(null, 0, "base-url", "'" + url.strip() + "' is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InputException(null, 0, "base-url", "'" + url.strip() + "' must start with http:// or https://");
        }
        if (uri.getHost() == null) throw new InputException(null, 0, "base-url", "'" + url.strip() + "' names no host");
        if (uri.getRawUserInfo() != null) {
            throw new InputException(null, 0, "base-url", "the base URL may not contain a user name or password; use the API key setting");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InputException(null, 0, "base-url", "the base URL may not have a query (?…) or fragment (#…)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (path.isEmpty()) path = "/v1";
        return scheme + "://" + uri.getRawAuthority() + path;
    }
}
