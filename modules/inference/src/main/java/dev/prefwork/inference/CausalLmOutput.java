package dev.prefwork.inference;

/**
 * One generated continuation.
 *
 * @param text         the decoded new tokens (special tokens skipped), cut before a stop string
 * @param tokenIds     the new token ids, without the end-of-sequence token
 * @param finishReason {@code "stop"} (end-of-sequence token or a stop string) or {@code "length"} (maxNewTokens reached),
 *                     the names OpenAI-compatible servers use
 * @param promptTokens tokens of the prompt, special tokens included
 */
public record CausalLmOutput(String text, long[] tokenIds, String finishReason, int promptTokens) {
}
