package dev.prefwork.generation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Candidates from an OpenAI-compatible server. A server that takes {@code n} gets one request per prompt; one that
 * does not (or that answers a request for n with fewer choices, which is how servers ignore it) gets one request
 * per missing candidate, each with its own seed ({@code seed + i}) so that the n samples differ.
 */
public final class OpenAiBackend implements GenerationBackend {

    private static final Logger log = LoggerFactory.getLogger(OpenAiBackend.class);

    private final OpenAiConfig config;
    private final OpenAiClient client;
    /** Set once the server answered a request for n choices with fewer: later prompts go one request per candidate. */
    private final AtomicBoolean ignoresN = new AtomicBoolean();
    private final boolean authenticated;

    private OpenAiBackend(OpenAiConfig config, ApiKey key, OpenAiClient.Backoff backoff) {
        this.config = config;
        this.authenticated = key != null;
        this.client = new OpenAiClient(config, key, backoff);
    }

    /** @param key the API key, or null for a server without one */
    public static OpenAiBackend open(OpenAiConfig config, ApiKey key) {
        return new OpenAiBackend(config, key, OpenAiClient.Backoff.DEFAULT);
    }

    /** As {@link #open(OpenAiConfig, ApiKey)} with backoff waits starting at {@code backoffBase} (tests use milliseconds). */
    public static OpenAiBackend open(OpenAiConfig config, ApiKey key, Duration backoffBase) {
        return new OpenAiBackend(config, key, new OpenAiClient.Backoff(backoffBase, OpenAiClient.Backoff.DEFAULT.cap(),
                OpenAiClient.Backoff.DEFAULT.maxRetryAfter()));
    }

    public OpenAiConfig config() { return config; }

    @Override
    public String kind() { return OpenAiConfig.KIND; }

    @Override
    public String modelName() { return config.model(); }

    @Override
    public int concurrency() { return config.concurrency(); }

    @Override
    public ObjectNode describe() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("backend", OpenAiConfig.KIND);
        o.put("preset", config.preset().id());
        o.put("base_url", config.baseUrl());
        o.put("endpoint", config.endpoint().id());
        o.put("supports_n", config.supportsN());
        if (authenticated) o.put("api_key", config.apiKeyEnv() == null ? "given" : "from $" + config.apiKeyEnv());
        return o;
    }

    /** The model ids the server lists ({@code GET /models}): what "Test connection" shows. */
    public List<String> models(BooleanSupplier cancelled) {
        return client.models(cancelled);
    }

    @Override
    public Generation generate(String prompt, GenerationParams params, BooleanSupplier cancelled) {
        int n = params.n();
        List<GeneratedText> out = new ArrayList<>(n);
        Long tokens = 0L;
        if (n > 1 && config.supportsN() && !ignoresN.get()) {
            OpenAiClient.Completion c = client.complete(prompt, params, n, params.seed(), cancelled);
            tokens = c.completionTokens() == null ? null : (long) c.completionTokens();
            for (OpenAiClient.Choice choice : c.choices().subList(0, Math.min(n, c.choices().size()))) {
                out.add(new GeneratedText(choice.text(), choice.finishReason(), null, params.seed(), extra(c)));
            }
            if (out.size() < n && ignoresN.compareAndSet(false, true)) {
                log.info("{} answered a request for n={} with {} choice(s); asking for one candidate per request from now on",
                        config.baseUrl(), n, out.size());
            }
        }
        for (int i = out.size(); i < n; i++) {
            Long seed = params.seedFor(i);
            OpenAiClient.Completion c = client.complete(prompt, params, 1, seed, cancelled);
            OpenAiClient.Choice choice = c.choices().get(0);
            out.add(new GeneratedText(choice.text(), choice.finishReason(), c.completionTokens(), seed, extra(c)));
            tokens = tokens == null || c.completionTokens() == null ? null : tokens + c.completionTokens();
        }
        return new Generation(out, tokens);
    }

    private static Map<String, String> extra(OpenAiClient.Completion c) {
        Map<String, String> m = new HashMap<>();
        if (c.serverModel() != null) m.put("server_model", c.serverModel());
        return m;
    }

    @Override
    public void close() {
        // HttpClient in JDK 17 has no close(); its threads end when it is unreachable
    }
}
