package dev.prefwork.store.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static dev.prefwork.store.importer.ImportLimits.MAX_NAME_CHARS;
import static dev.prefwork.store.importer.ImportLimits.MAX_TEXT_CHARS;

/** Typed reads of one JSON record's fields, each failure an {@link InputException} naming file, line and field. */
final class JsonFields {

    private final String file;
    private final long line;

    JsonFields(String file, long line) {
        this.file = file;
        this.line = line;
    }

    InputException error(String field, String problem) {
        return new InputException(file, line, field, problem);
    }

    ObjectNode object(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw error(field, "expected a JSON object, found " + describe(node));
        }
        return (ObjectNode) node;
    }

    /** A required string; {@code allowEmpty} false also refuses blank text. */
    String text(ObjectNode obj, String field, String path, boolean allowEmpty) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) throw error(path, "is missing; expected a string");
        if (!v.isTextual()) throw error(path, "expected a string, found " + describe(v));
        String s = v.textValue();
        if (!allowEmpty && s.isBlank()) throw error(path, "is empty");
        if (s.length() > MAX_TEXT_CHARS) {
            throw error(path, "is " + String.format("%,d", s.length()) + " characters long; the limit is "
                    + String.format("%,d", MAX_TEXT_CHARS));
        }
        return s;
    }

    /** An optional short name (category, model): a string or null; numbers are accepted and kept as text. */
    String name(ObjectNode obj, String field, String path) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() && !v.isNumber()) throw error(path, "expected a string, found " + describe(v));
        String s = v.asText().strip();
        if (s.isEmpty()) return null;
        if (s.length() > MAX_NAME_CHARS) throw error(path, "is longer than " + MAX_NAME_CHARS + " characters");
        return s;
    }

    /** Every field not in {@code known}, kept so nothing the user had is lost; null when there is none. */
    static String unknownFields(ObjectNode obj, Set<String> known) {
        ObjectNode extra = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (known.contains(e.getKey())) continue;
            if (extra == null) extra = obj.objectNode();
            extra.set(e.getKey(), e.getValue());
        }
        return extra == null ? null : extra.toString();
    }

    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        if (v.isNull()) return "null";
        if (v.isTextual()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isArray()) return "a list";
        if (v.isObject()) return "an object";
        return v.getNodeType().toString().toLowerCase();
    }
}
