package dev.prefwork.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading the trainer's stdout: one JSON object per line. A line with an {@code event} key is an event
 * ({@code start}, {@code reference}, {@code checkpoint}, {@code warning}, {@code error}, {@code end}); any other
 * object with a {@code step} is a metric point; everything else (a library's warning printed to stdout) is text.
 */
public final class MetricStream {

    /** TRL's train metric names, as the trainer prints them; eval metrics are these with the {@code eval_} prefix. */
    public static final List<String> TRAIN_METRICS = List.of("loss", "rewards/chosen", "rewards/rejected",
            "rewards/margins", "rewards/accuracies", "logps/chosen", "logps/rejected", "learning_rate", "grad_norm",
            "tokens_per_second", "gpu_memory_gb", "memory_gb");

    public sealed interface Line permits Metric, Event, Text {
    }

    /** A metric line: the point and the object's JSON (stored as printed). */
    public record Metric(MetricPoint point, String json) implements Line {
    }

    public record Event(String name, ObjectNode fields) implements Line {
        public String text(String field) {
            JsonNode v = fields.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    public record Text(String text) implements Line {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricStream() {
    }

    /** Parses one stdout line; {@code seq} is given to a metric point. */
    public static Line parse(String line, int seq) {
        String s = line.strip();
        if (!s.startsWith("{")) return new Text(line);
        JsonNode n;
        try {
            n = JSON.readTree(s);
        } catch (JsonProcessingException e) {
            return new Text(line);
        }
        if (!(n instanceof ObjectNode o)) return new Text(line);
        if (o.hasNonNull("event")) return new Event(o.get("event").asText(), o);
        if (!o.path("step").canConvertToInt()) return new Text(line);
        return new Metric(point(o, seq), s);
    }

    /** A stored metric line back as a point. */
    public static MetricPoint point(int seq, String json) {
        try {
            return point((ObjectNode) JSON.readTree(json), seq);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("a stored metric line is not a JSON object: " + json, e);
        }
    }

    private static MetricPoint point(ObjectNode o, int seq) {
        Map<String, Double> values = new LinkedHashMap<>();
        boolean eval = false;
        for (var it = o.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().isNumber()) {
                values.put(e.getKey(), e.getValue().asDouble());
                if (e.getKey().startsWith("eval_")) eval = true;
            }
        }
        JsonNode epoch = o.get("epoch");
        return new MetricPoint(seq, o.get("step").asInt(), epoch != null && epoch.isNumber() ? epoch.asDouble() : null, eval, values);
    }

    /** A JSON object's numeric fields as a map (final metrics). */
    public static Map<String, Double> numbers(JsonNode o) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (o != null) {
            for (var it = o.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isNumber()) out.put(e.getKey(), e.getValue().asDouble());
            }
        }
        return out;
    }
}
