package dev.prefwork.inference;

import java.util.List;
import java.util.Objects;

/**
 * How {@link OnnxCausalLm} continues a prompt.
 *
 * @param maxNewTokens tokens to generate at most per sequence (the end-of-sequence token not counted)
 * @param temperature  0 for greedy decoding (argmax); otherwise logits are divided by it before sampling
 * @param topP         nucleus sampling: sample from the smallest set of tokens whose probability reaches it (1 = all)
 * @param stop         strings that end a sequence; the text returned stops before the first one
 * @param seed         the sampling seed; sequence {@code i} of a call draws from its own generator seeded from (seed, i)
 * @param useCache     feed past keys and values back (one token per step) when the model has them; false
 *                     recomputes the whole sequence at every step (the reference the cached path must equal)
 */
public record CausalLmOptions(int maxNewTokens, double temperature, double topP, List<String> stop, long seed, boolean useCache) {

    public CausalLmOptions {
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1, was " + maxNewTokens);
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        stop = List.copyOf(Objects.requireNonNullElse(stop, List.<String>of()).stream().filter(s -> !s.isEmpty()).toList());
    }

    public static CausalLmOptions greedy(int maxNewTokens) {
        return new CausalLmOptions(maxNewTokens, 0, 1, List.of(), 0, true);
    }

    public CausalLmOptions withCache(boolean cache) {
        return new CausalLmOptions(maxNewTokens, temperature, topP, stop, seed, cache);
    }

    public CausalLmOptions withSeed(long s) {
        return new CausalLmOptions(maxNewTokens, temperature, topP, stop, s, useCache);
    }

    public boolean greedyDecoding() {
        return temperature < 1e-6;
    }
}
