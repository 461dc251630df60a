package dev.prefwork.curation.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prefwork.curation.Json;
import dev.prefwork.store.PairSetRepository.PairText;

import java.io.IOException;

/**
 * One exported line per pair, in a fixed key order so the same pair set always gives the same bytes. Scores are
 * JSON numbers with a decimal point (1.0, never 1), so a JSON reader infers one float type for the whole column.
 */
final class Rows {

    /** Keys of a TRL line, in order (standard and conversational share them). */
    static final String[] TRL_KEYS = {"prompt", "chosen", "rejected", "prompt_id", "chosen_score", "rejected_score", "margin"};
    /** Keys of an SFT prompt/completion line. */
    static final String[] SFT_KEYS = {"prompt", "completion", "prompt_id", "score"};
    /** Keys of an SFT conversational line. */
    static final String[] SFT_CHAT_KEYS = {"messages", "prompt_id", "score"};

    private Rows() {
    }

    static void trl(JsonGenerator g, PairText p, boolean chat) throws IOException {
        g.writeStartObject();
        if (chat) {
            g.writeFieldName("prompt");
            promptMessages(g, p);
            g.writeFieldName("chosen");
            message(g, "assistant", p.chosen());
            g.writeFieldName("rejected");
            message(g, "assistant", p.rejected());
        } else {
            g.writeStringField("prompt", p.prompt());
            g.writeStringField("chosen", p.chosen());
            g.writeStringField("rejected", p.rejected());
        }
        provenance(g, p);
        g.writeEndObject();
    }

    /** The provenance TRL ignores. */
    static void provenance(JsonGenerator g, PairText p) throws IOException {
        g.writeStringField("prompt_id", p.promptSourceId());
        g.writeNumberField("chosen_score", p.chosenScore());
        g.writeNumberField("rejected_score", p.rejectedScore());
        g.writeNumberField("margin", p.margin());
    }

    static void sft(JsonGenerator g, PairText p, boolean chat) throws IOException {
        g.writeStartObject();
        if (chat) {
            g.writeFieldName("messages");
            g.writeStartArray();
            writeMessages(g, p);
            writeMessage(g, "assistant", p.chosen());
            g.writeEndArray();
        } else {
            g.writeStringField("prompt", p.prompt());
            g.writeStringField("completion", p.chosen());
        }
        g.writeStringField("prompt_id", p.promptSourceId());
        g.writeNumberField("score", p.chosenScore());
        g.writeEndObject();
    }

    private static void promptMessages(JsonGenerator g, PairText p) throws IOException {
        g.writeStartArray();
        writeMessages(g, p);
        g.writeEndArray();
    }

    /**
     * The prompt as messages: the conversation it was imported as (a TRL conversational file keeps it in the
     * prompt's metadata), else one user message.
     */
    private static void writeMessages(JsonGenerator g, PairText p) throws IOException {
        JsonNode messages = null;
        if (p.promptMetadata() != null && p.promptMetadata().contains("\"messages\"")) {
            try {
                messages = Json.MAPPER.readTree(p.promptMetadata()).get("messages");
            } catch (IOException ignored) {
                messages = null;
            }
        }
        if (messages != null && messages.isArray() && !messages.isEmpty() && allMessages(messages)) {
            for (JsonNode m : messages) writeMessage(g, m.get("role").asText(), m.get("content").asText());
        } else {
            writeMessage(g, "user", p.prompt());
        }
    }

    private static boolean allMessages(JsonNode messages) {
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) return false;
        }
        return true;
    }

    private static void message(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartArray();
        writeMessage(g, role, content);
        g.writeEndArray();
    }

    private static void writeMessage(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }
}
