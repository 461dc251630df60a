package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixture builder: the demo data's gold picks (assets/demo: each judged prompt's best candidate as chosen, its
 * worst as rejected) written as a TRL standard pair file, the kind curation exports.
 */
final class DemoPairs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoPairs() {
    }

    static Path write(Path target) throws IOException {
        Path demo = TestPython.assets().resolve("demo");
        Map<String, JsonNode> prompts = new HashMap<>();
        for (String line : Files.readAllLines(demo.resolve("prompts.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode p = JSON.readTree(line);
            prompts.put(p.get("id").asText(), p);
        }
        List<String> gold = Files.readAllLines(demo.resolve("gold.jsonl"));
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (String line : gold) {
                if (line.isBlank()) continue;
                JsonNode g = JSON.readTree(line);
                if (!g.has("best") || !g.has("worst")) continue;
                JsonNode p = prompts.get(g.get("prompt_id").asText());
                ObjectNode pair = JSON.createObjectNode();
                pair.put("prompt", p.get("prompt").asText());
                pair.put("chosen", p.get("candidates").get(g.get("best").asInt()).get("text").asText());
                pair.put("rejected", p.get("candidates").get(g.get("worst").asInt()).get("text").asText());
                pair.put("prompt_id", g.get("prompt_id").asText());
                out.write(JSON.writeValueAsString(pair));
                out.newLine();
            }
        }
        return target;
    }
}
