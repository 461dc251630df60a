package dev.prefwork.store.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * TRL preference files: {@code prompt}/{@code chosen}/{@code rejected} as strings ("standard") or role/content
 * message lists ("conversational"), with the prompt explicit or implicit (the shared conversation before the
 * last message of chosen and rejected). Lines with the same prompt become one prompt whose candidates are the
 * distinct responses; each line's pair is kept as an imported preference.
 */
final class TrlReader implements Importer.RecordReader {

    private static final Set<String> PAIR_FIELDS = Set.of("prompt", "chosen", "rejected", "prompt_id");

    /** A prompt seen in this file: its row, and its responses by content hash (memory stays small). */
    private static final class PromptState {
        final long id;
        final long firstLine;
        final Map<Key, Integer> positions = new HashMap<>();

        PromptState(long id, long firstLine) {
            this.id = id;
            this.firstLine = firstLine;
        }
    }

    private record Key(long hi, long lo) {
    }

    private record Conversation(String text, ArrayNode messages) {
    }

    private final String datasetName;
    private final Map<Key, PromptState> prompts = new HashMap<>();
    private final MessageDigest sha;

    TrlReader(String datasetName) {
        this.datasetName = datasetName;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void read(InputStream in, String file, ImportWriter writer, Progress progress) throws IOException, SQLException {
        Utf8Lines lines = new Utf8Lines(in, file, ImportLimits.MAX_LINE_BYTES);
        String line;
        while ((line = lines.next()) != null) {
            if (line.isBlank()) continue;
            long n = lines.lineNumber();
            ObjectNode o = JsonLines.parse(line, file, n);
            JsonFields f = new JsonFields(file, n);
            JsonNode promptNode = o.get("prompt");
            JsonNode chosenNode = o.get("chosen");
            JsonNode rejectedNode = o.get("rejected");
            if (chosenNode == null || chosenNode.isNull()) throw f.error("chosen", "is missing");
            if (rejectedNode == null || rejectedNode.isNull()) throw f.error("rejected", "is missing");

            Conversation prompt;
            String chosen;
            String rejected;
            if (promptNode != null && !promptNode.isNull()) {
                prompt = promptNode.isArray() ? conversation(messages(f, promptNode, "prompt"), f, "prompt")
                        : new Conversation(f.text(o, "prompt", "prompt", false), null);
                chosen = completion(f, chosenNode, "chosen", o);
                rejected = completion(f, rejectedNode, "rejected", o);
            } else {
                // Implicit prompt: both sides are full conversations sharing everything before their last message.
                if (!chosenNode.isArray() || !rejectedNode.isArray()) {
                    throw f.error("prompt", "is missing; give a 'prompt' field, or 'chosen' and 'rejected' as message lists that share the prompt");
                }
                ArrayNode ch = messages(f, chosenNode, "chosen");
                ArrayNode re = messages(f, rejectedNode, "rejected");
                if (ch.size() < 2) throw f.error("chosen", "needs the prompt's messages and a final assistant message");
                if (re.size() < 2) throw f.error("rejected", "needs the prompt's messages and a final assistant message");
                ArrayNode prefix = ch.arrayNode();
                for (int i = 0; i < ch.size() - 1; i++) prefix.add(ch.get(i));
                ArrayNode rePrefix = re.arrayNode();
                for (int i = 0; i < re.size() - 1; i++) rePrefix.add(re.get(i));
                if (!prefix.equals(rePrefix)) {
                    throw f.error("rejected", "its messages before the last one differ from those of 'chosen'; both must share the same prompt");
                }
                prompt = conversation(prefix, f, "chosen");
                chosen = assistantText(f, ch.get(ch.size() - 1), "chosen[" + (ch.size() - 1) + "]");
                rejected = assistantText(f, re.get(re.size() - 1), "rejected[" + (re.size() - 1) + "]");
            }

            String promptIdField = f.name(o, "prompt_id", "prompt_id");
            Key key = promptIdField != null ? hash("id\0" + promptIdField)
                    : hash(prompt.messages != null ? "m\0" + prompt.messages : "t\0" + prompt.text);
            PromptState state = prompts.get(key);
            if (state == null) {
                String sourceId = promptIdField != null ? promptIdField : datasetName + ":p" + (prompts.size() + 1);
                String meta = prompt.messages == null ? null : o.objectNode().set("messages", prompt.messages).toString();
                state = new PromptState(writer.prompt(n, sourceId, prompt.text, null, meta), n);
                prompts.put(key, state);
            }
            int chosenPos = position(writer, state, chosen, f, "chosen");
            int rejectedPos = position(writer, state, rejected, f, "rejected");
            if (chosenPos == rejectedPos) throw f.error("rejected", "is the same text as 'chosen'");
            writer.pair(state.id, chosenPos, rejectedPos, n, JsonFields.unknownFields(o, PAIR_FIELDS));
        }
    }

    private int position(ImportWriter writer, PromptState state, String text, JsonFields f, String field) throws SQLException {
        Key k = hash(text);
        Integer pos = state.positions.get(k);
        if (pos != null) return pos;
        if (state.positions.size() >= ImportLimits.MAX_CANDIDATES) {
            throw f.error(field, "the prompt first seen on line " + state.firstLine + " has more than "
                    + ImportLimits.MAX_CANDIDATES + " distinct responses");
        }
        int p = state.positions.size();
        state.positions.put(k, p);
        writer.candidate(state.id, p, text, null, "{\"source\":\"trl-" + field + "\"}");
        return p;
    }

    private static ArrayNode messages(JsonFields f, JsonNode node, String field) {
        if (!node.isArray()) throw f.error(field, "expected a string or a list of {\"role\", \"content\"} messages, found " + JsonFields.describe(node));
        if (node.isEmpty()) throw f.error(field, "is an empty list");
        for (int i = 0; i < node.size(); i++) {
            ObjectNode m = f.object(node.get(i), field + "[" + i + "]");
            f.text(m, "role", field + "[" + i + "].role", false);
            f.text(m, "content", field + "[" + i + "].content", true);
        }
        return (ArrayNode) node;
    }

    /** The prompt's text as the expert reads it: a lone user message as is, a conversation with role headers. */
    private static Conversation conversation(ArrayNode messages, JsonFields f, String field) {
        if (messages.size() == 1 && "user".equals(messages.get(0).get("role").textValue())) {
            return new Conversation(messages.get(0).get("content").textValue(), messages);
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : messages) {
            if (sb.length() > 0) sb.append("\n\n");
            sb.append("**").append(m.get("role").textValue()).append(":** ").append(m.get("content").textValue());
        }
        if (sb.length() > ImportLimits.MAX_TEXT_CHARS) throw f.error(field, "is longer than the text limit");
        return new Conversation(sb.toString(), messages);
    }

    /** A response: a string, or a list of assistant messages (their contents joined). */
    private static String completion(JsonFields f, JsonNode node, String field, ObjectNode line) {
        if (node.isTextual()) return f.text(line, field, field, true);
        ArrayNode ms = messages(f, node, field);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ms.size(); i++) {
            if (sb.length() > 0) sb.append("\n\n");
            sb.append(assistantText(f, ms.get(i), field + "[" + i + "]"));
        }
        return sb.toString();
    }

    private static String assistantText(JsonFields f, JsonNode m, String path) {
        String role = m.get("role").textValue();
        if (!"assistant".equals(role)) throw f.error(path + ".role", "expected 'assistant', found '" + role + "'");
        return m.get("content").textValue();
    }

    private Key hash(String s) {
        byte[] d = sha.digest(s.getBytes(StandardCharsets.UTF_8));
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (d[i] & 0xFF);
            lo = (lo << 8) | (d[8 + i] & 0xFF);
        }
        return new Key(hi, lo);
    }
}
