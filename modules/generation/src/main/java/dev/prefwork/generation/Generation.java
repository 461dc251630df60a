package dev.prefwork.generation;

import java.util.List;

/**
 * A prompt's candidates as a backend returned them.
 *
 * @param candidates       in the order they were made
 * @param completionTokens the tokens they took together as the server or model counted them; null when not said
 */
public record Generation(List<GeneratedText> candidates, Long completionTokens) {

    public Generation {
        candidates = List.copyOf(candidates);
    }
}
