package dev.prefwork.store.importer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;

/**
 * One JSON object per line, parsed strictly (nesting at most {@link ImportLimits#MAX_JSON_DEPTH}, no duplicate
 * keys, nothing after the object), every problem an {@link InputException} naming the file, the line and, where
 * Jackson knows it, the column. Shared by every JSONL reader: imports and gold files.
 */
public final class JsonLines {

    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(ImportLimits.MAX_JSON_DEPTH)
                            .maxStringLength(ImportLimits.MAX_LINE_BYTES)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonLines() {
    }

    /** The object on line {@code lineNumber} of {@code file}. */
    public static ObjectNode parse(String line, String file, long lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            String msg = firstLine(e.getOriginalMessage());
            int marker = msg.indexOf(" (start marker at");
            if (marker > 0) msg = msg.substring(0, marker); // Jackson's pointer into a source it does not show
            if (msg.contains("nesting depth")) {
                msg = "JSON is nested deeper than " + ImportLimits.MAX_JSON_DEPTH + " levels";
            } else if (msg.startsWith("Trailing token")) {
                msg = "more follows the record's closing '}'; JSONL holds one record per line";
            } else if (msg.startsWith("Unexpected end-of-input")) {
                msg = msg + " (the record ends early: the file may be cut short, or a record split over several lines)";
            }
            String where = e.getLocation() != null && e.getLocation().getColumnNr() > 0 ? " at column " + e.getLocation().getColumnNr() : "";
            throw new InputException(file, lineNumber, null, "invalid JSON" + where + ": " + msg);
        }
        if (node == null || !node.isObject()) {
            String hint = node != null && node.isArray() && lineNumber == 1
                    ? " (a JSON array: write one object per line instead, as JSONL)" : "";
            throw new InputException(file, lineNumber, null, "expected one JSON object per line, found " + JsonFields.describe(node) + hint);
        }
        return (ObjectNode) node;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
