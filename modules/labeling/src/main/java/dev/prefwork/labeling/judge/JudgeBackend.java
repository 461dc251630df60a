package dev.prefwork.labeling.judge;

import dev.prefwork.labeling.lf.LfSpec;

import java.util.function.BooleanSupplier;

/**
 * Sends one question to the model a judge LF names and returns its reply. The labeling module does not speak HTTP:
 * the composition root plugs in the generation module's OpenAI-compatible client. Implementations retry what is
 * worth retrying and throw (with a message the user can act on, never containing the API key) when a question
 * cannot be answered.
 */
public interface JudgeBackend {

    /** A reply; token counts are null when the server does not report them. */
    record Reply(String text, Integer promptTokens, Integer completionTokens) {
    }

    Reply ask(LfSpec.Judge judge, String question, BooleanSupplier cancelled);
}
