package dev.prefwork.labeling.lf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reading and writing LF specs and libraries as JSON (docs/LF-SPEC.md). Field names are snake_case; unknown
 * fields are errors (a typo in a hand-edited file should not silently change what an LF does). Parsing never
 * throws on bad input: it returns the errors with the JSON path where Jackson found them.
 */
public final class LfJson {

    /** Nesting of a spec is shallow; the cap keeps a hostile bundle from exhausting the stack. */
    static final int MAX_DEPTH = 64;
    static final int MAX_CHARS = 10_000_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_CHARS).build())
                    .build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // absent bounds stay absent ("max": 20, not "min": null, "max": 20)
            .defaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL, com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL))
            .build();

    /** The parsed value, or null with the errors that prevented it. */
    public record Parsed<T>(T value, List<SpecError> errors) {
        public boolean ok() {
            return value != null && errors.isEmpty();
        }
    }

    private LfJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static Parsed<LfSpec> parseSpec(String json) {
        return parse(json, LfSpec.class);
    }

    public static Parsed<Condition> parseCondition(String json) {
        return parse(json, Condition.class);
    }

    /** A library file; a bare JSON array of LFs is accepted too. */
    public static Parsed<LfLibrary> parseLibrary(String json) {
        String t = json == null ? "" : json.stripLeading();
        if (t.startsWith("[")) {
            Parsed<LfLibrary.Entry[]> p = parse(json, LfLibrary.Entry[].class);
            return p.value() == null ? new Parsed<>(null, prefixed(p.errors(), "lfs"))
                    : new Parsed<>(LfLibrary.of(Arrays.asList(p.value())), p.errors());
        }
        Parsed<LfLibrary> p = parse(json, LfLibrary.class);
        if (p.value() == null) return p;
        LfLibrary lib = p.value();
        if (lib.format() != null && !LfLibrary.FORMAT.equals(lib.format())) {
            return new Parsed<>(null, List.of(new SpecError("format", "expected \"" + LfLibrary.FORMAT + "\", found \"" + lib.format() + "\"")));
        }
        if (lib.version() != null && lib.version() > LfLibrary.VERSION) {
            return new Parsed<>(null, List.of(new SpecError("version", "this file uses LF format version " + lib.version()
                    + "; this Prefwork reads up to version " + LfLibrary.VERSION)));
        }
        if (lib.lfs() == null) {
            return new Parsed<>(null, List.of(new SpecError("lfs", "missing: the list of labeling functions")));
        }
        return p;
    }

    private static List<SpecError> prefixed(List<SpecError> errors, String prefix) {
        return errors.stream().map(e -> e.path().startsWith("[") ? e.under(prefix) : e).collect(Collectors.toList());
    }

    static <T> Parsed<T> parse(String json, Class<T> type) {
        if (json == null || json.isBlank()) return new Parsed<>(null, List.of(new SpecError("", "the JSON is empty")));
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) return new Parsed<>(null, List.of(new SpecError("", "the JSON is null")));
            return new Parsed<>(value, List.of());
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
                return new Parsed<>(null, List.of(syntaxError(syntax)));
            }
            return new Parsed<>(null, List.of(new SpecError(path(e), mappingMessage(e))));
        } catch (JsonProcessingException e) {
            return new Parsed<>(null, List.of(syntaxError(e)));
        }
    }

    private static SpecError syntaxError(JsonProcessingException e) {
        {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String msg = firstLine(e.getOriginalMessage());
            if (msg.contains("nesting depth")) msg = "nested deeper than " + MAX_DEPTH + " levels";
            return new SpecError("", "invalid JSON" + where + ": " + msg);
        }
    }

    private static String mappingMessage(JsonMappingException e) {
        if (e instanceof InvalidTypeIdException t) {
            String id = t.getTypeId();
            if (id == null || id.isEmpty()) return "missing \"type\" (one of: " + String.join(", ", Condition.TYPES) + ")";
            return "unknown template \"" + id + "\" (known: " + String.join(", ", Condition.TYPES) + ")";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds().stream()
                    .map(Object::toString).filter(s -> !s.equals("type")).sorted().collect(Collectors.joining(", ")) + ")";
            return "unknown field \"" + u.getPropertyName() + "\"" + known;
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            String values = Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(c -> enumJsonName((Enum<?>) c)).collect(Collectors.joining(", "));
            return "\"" + f.getValue() + "\" is not one of: " + values;
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> t = m.getTargetType();
            String expected = Number.class.isAssignableFrom(t) || t == double.class || t == int.class ? "a number"
                    : t == Boolean.class || t == boolean.class ? "true or false"
                    : t == String.class ? "a text"
                    : List.class.isAssignableFrom(t) || t.isArray() ? "a list [...]"
                    : t.isEnum() ? "one of: " + Arrays.stream(t.getEnumConstants()).map(c -> enumJsonName((Enum<?>) c)).collect(Collectors.joining(", "))
                    : "an object {...}";
            return "expected " + expected;
        }
        return firstLine(e.getOriginalMessage());
    }

    static String enumJsonName(Enum<?> c) {
        try {
            com.fasterxml.jackson.annotation.JsonProperty p = c.getDeclaringClass().getField(c.name())
                    .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            return p != null ? p.value() : c.name();
        } catch (NoSuchFieldException ex) {
            return c.name();
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        if (e instanceof UnrecognizedPropertyException u && sb.toString().endsWith(u.getPropertyName())) {
            // the path ends at the unknown field itself; the error belongs to the object holding it
            int cut = sb.length() - u.getPropertyName().length();
            sb.setLength(Math.max(0, cut > 0 && sb.charAt(cut - 1) == '.' ? cut - 1 : cut));
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Compact JSON of a spec: its identity for caching and comparison (component order is fixed). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Indented JSON, for files people read and diff. */
    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
