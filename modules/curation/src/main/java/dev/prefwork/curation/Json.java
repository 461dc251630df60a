package dev.prefwork.curation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.prefwork.core.InputException;

/**
 * The one JSON mapper of curation: strict on input (duplicate keys, trailing tokens, depth and string caps,
 * since bundles are untrusted) and deterministic on output (insertion order, no timestamps of its own).
 */
public final class Json {

    /** Deepest nesting a bundle's JSON may have. */
    public static final int MAX_DEPTH = 64;
    /** Longest string in a bundle's JSON, in characters (a prompt or response text). */
    public static final int MAX_STRING = 2_000_000;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    public static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String writePretty(Object o) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses stored JSON (written by this module). */
    public static JsonNode read(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses untrusted JSON; an error names the file (and line, when given) with Jackson's reason. */
    public static JsonNode parse(String s, String file, long line) {
        try {
            JsonNode n = MAPPER.readTree(s);
            if (n == null) throw new InputException(file, line, null, "is empty");
            return n;
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg.contains("nesting depth")) msg = "JSON is nested deeper than " + MAX_DEPTH + " levels";
            if (msg.contains("String value length")) msg = "a string is longer than " + MAX_STRING + " characters";
            throw new InputException(file, line, null, "invalid JSON: " + msg.lines().findFirst().orElse(msg));
        }
    }
}
