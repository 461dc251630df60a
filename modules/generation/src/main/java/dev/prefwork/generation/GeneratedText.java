package dev.prefwork.generation;

import java.util.Map;

/**
 * One candidate as a backend returned it.
 *
 * @param text             the response text
 * @param finishReason     "stop", "length" or what the server said; null when it said nothing
 * @param completionTokens tokens of this candidate as the server or model counted them; null when unknown
 * @param seed             the seed the candidate was sampled with, where one was sent; null otherwise
 * @param extra            backend facts worth keeping with the candidate (the server's own model name, …)
 */
public record GeneratedText(String text, String finishReason, Integer completionTokens, Long seed, Map<String, String> extra) {

    public GeneratedText {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
