package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to ask for, whatever serves the model (OpenAI's names and meanings).
 *
 * @param n           candidates per prompt
 * @param temperature 0 is greedy; higher is more varied
 * @param topP        nucleus sampling mass, (0, 1]
 * @param maxTokens   new tokens per candidate at most
 * @param stop        up to {@value #MAX_STOP} strings that end a candidate (not included in it)
 * @param seed        sampling seed, or null for none; each of the n candidates of a prompt gets its own
 *                    stream (a server that takes n with one seed, or seed + i for the i-th separate request)
 */
public record GenerationParams(int n, double temperature, double topP, int maxTokens, List<String> stop, Long seed) {

    public static final int MAX_N = 64;
    public static final int MAX_STOP = 4;
    public static final int MAX_TOKENS = 32_768;

    public GenerationParams {
        stop = List.copyOf(Objects.requireNonNullElse(stop, List.<String>of()).stream().filter(s -> s != null && !s.isEmpty()).toList());
        if (n < 1 || n > MAX_N) throw new InputException(null, 0, "n", "must be between 1 and " + MAX_N + ", was " + n);
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new InputException(null, 0, "temperature", "must be between 0 and 2, was " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new InputException(null, 0, "top_p", "must be above 0 and at most 1, was " + topP);
        if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
            throw new InputException(null, 0, "max_tokens", "must be between 1 and " + MAX_TOKENS + ", was " + maxTokens);
        }
        if (stop.size() > MAX_STOP) throw new InputException(null, 0, "stop", "at most " + MAX_STOP + " stop strings, got " + stop.size());
    }

    /** Five candidates, temperature 0.8, top_p 0.95, up to 512 tokens, no stop strings, no seed. */
    public static GenerationParams defaults() {
        return new GenerationParams(5, 0.8, 0.95, 512, List.of(), null);
    }

    public GenerationParams withN(int v) { return new GenerationParams(v, temperature, topP, maxTokens, stop, seed); }

    public GenerationParams withMaxTokens(int v) { return new GenerationParams(n, temperature, topP, v, stop, seed); }

    public GenerationParams withSeed(Long v) { return new GenerationParams(n, temperature, topP, maxTokens, stop, v); }

    /** The seed of the {@code index}-th candidate when each is asked for separately; null without a seed. */
    public Long seedFor(int index) {
        return seed == null ? null : seed + index;
    }

    /** Fields named as in OpenAI's API: n, temperature, top_p, max_tokens, stop, seed (null when unset). */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("n", n);
        o.put("temperature", temperature);
        o.put("top_p", topP);
        o.put("max_tokens", maxTokens);
        ArrayNode s = o.putArray("stop");
        stop.forEach(s::add);
        if (seed == null) o.putNull("seed");
        else o.put("seed", seed);
        return o;
    }

    public static GenerationParams fromJson(JsonNode o) {
        GenerationParams d = defaults();
        List<String> stop = new ArrayList<>();
        o.path("stop").forEach(s -> stop.add(s.asText()));
        return new GenerationParams(o.path("n").asInt(d.n()), o.path("temperature").asDouble(d.temperature()),
                o.path("top_p").asDouble(d.topP()), o.path("max_tokens").asInt(d.maxTokens()), stop,
                o.path("seed").isNumber() ? o.get("seed").asLong() : null);
    }
}
