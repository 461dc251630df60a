package dev.prefwork.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticDatasetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** 2,000 prompts × 5 = 10,000 candidates, generated once for the distribution checks. */
    private static List<JsonNode> sample;

    @TempDir
    static Path shared;

    @BeforeAll
    static void generateSample() {
        Path file = shared.resolve("sample.jsonl");
        SyntheticDataset.Written w = SyntheticDataset.builder().prompts(2_000).seed(11).build().writeJsonl(file);
        assertThat(w.candidates()).isEqualTo(10_000);
        sample = readLines(file);
    }

    @Test
    void sameSeedGivesIdenticalBytes(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        SyntheticDataset.builder().prompts(300).seed(7).build().writeJsonl(a);
        SyntheticDataset.builder().prompts(300).seed(7).build().writeJsonl(b);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);

        Path c = dir.resolve("c.jsonl");
        SyntheticDataset.builder().prompts(300).seed(8).build().writeJsonl(c);
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1L);
    }

    @Test
    void aSmallFileIsAPrefixOfALargeOneWithTheSameSeed(@TempDir Path dir) throws IOException {
        // Ids are zero-padded to the same width (6 digits) for both sizes.
        Path small = dir.resolve("small.jsonl");
        Path large = dir.resolve("large.jsonl");
        SyntheticDataset.writeJsonl(small, 50, 3);
        SyntheticDataset.writeJsonl(large, 120, 3);
        List<String> s = Files.readAllLines(small, StandardCharsets.UTF_8);
        List<String> l = Files.readAllLines(large, StandardCharsets.UTF_8);
        assertThat(l.subList(0, 50)).isEqualTo(s);
    }

    @Test
    void everyLineIsOneValidRecordAndTheCountsAddUp(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("n.jsonl");
        SyntheticDataset.Written w = SyntheticDataset.builder().prompts(400).candidatesPerPrompt(3).seed(5)
                .idPrefix("t-").build().writeJsonl(file);
        assertThat(w.prompts()).isEqualTo(400);
        assertThat(w.candidates()).isEqualTo(1_200);
        assertThat(w.bytes()).isEqualTo(Files.size(file));
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).endsWith("}\n");

        List<JsonNode> lines = readLines(file);
        assertThat(lines).hasSize(400);
        Set<String> ids = new HashSet<>();
        for (JsonNode o : lines) {
            assertThat(o.isObject()).isTrue();
            assertThat(fieldNames(o)).containsExactly("id", "prompt", "category", "candidates");
            assertThat(ids.add(o.get("id").textValue())).as("unique id").isTrue();
            assertThat(o.get("id").textValue()).startsWith("t-");
            assertThat(o.get("prompt").textValue().length()).isBetween(SyntheticDataset.MIN_PROMPT_CHARS, SyntheticDataset.MAX_PROMPT_CHARS);
            assertThat(SyntheticDataset.CATEGORIES).contains(o.get("category").textValue());
            JsonNode cands = o.get("candidates");
            assertThat(cands.size()).isEqualTo(3);
            Set<String> models = new HashSet<>();
            for (JsonNode c : cands) {
                assertThat(fieldNames(c)).containsExactly("text", "model");
                assertThat(c.get("text").textValue()).isNotBlank();
                assertThat(SyntheticDataset.MODELS).contains(c.get("model").textValue());
                models.add(c.get("model").textValue());
            }
            assertThat(models).as("each prompt sees distinct models when there are enough").hasSize(3);
        }
    }

    @Test
    void recordsMatchWhatIsWritten(@TempDir Path dir) {
        SyntheticDataset ds = SyntheticDataset.builder().prompts(20).seed(9).build();
        Path file = dir.resolve("r.jsonl");
        ds.writeJsonl(file);
        List<JsonNode> lines = readLines(file);
        int i = 0;
        for (SyntheticDataset.Prompt p : ds.records()) {
            JsonNode o = lines.get(i++);
            assertThat(p.id()).isEqualTo(o.get("id").textValue());
            assertThat(p.prompt()).isEqualTo(o.get("prompt").textValue());
            assertThat(p.candidates().get(4).text()).isEqualTo(o.get("candidates").get(4).get("text").textValue());
        }
        assertThat(i).isEqualTo(20);
        assertThat(ds.prompt(0)).isEqualTo(ds.prompt(0));
    }

    @Test
    void moreCandidatesThanModelsStillWork() {
        SyntheticDataset.Prompt p = SyntheticDataset.builder().prompts(1).candidatesPerPrompt(12).build().prompt(0);
        assertThat(p.candidates()).hasSize(12);
    }

    @Test
    void candidateLengthsAreSkewedLikeRealModelOutput() {
        List<Integer> lengths = new ArrayList<>();
        for (JsonNode o : sample) for (JsonNode c : o.get("candidates")) lengths.add(c.get("text").textValue().length());
        Collections.sort(lengths);
        int n = lengths.size();
        int median = lengths.get(n / 2);
        double mean = lengths.stream().mapToInt(Integer::intValue).average().orElseThrow();
        long veryShort = lengths.stream().filter(l -> l < 60).count();
        long long3k = lengths.stream().filter(l -> l >= 3_000).count();

        assertThat(median).isBetween(550, 900);
        assertThat(mean).as("right-skewed: mean above median").isGreaterThan(median * 1.15);
        assertThat(long3k).as("some of 3–6 KB").isBetween(n / 200L, n / 10L);
        assertThat(lengths.get(n - 1)).isLessThanOrEqualTo(SyntheticDataset.MAX_CANDIDATE_CHARS);
        assertThat(veryShort).as("a few very short").isBetween(n / 200L, n / 20L);
        assertThat(lengths.get(0)).isGreaterThan(0);
    }

    @Test
    void promptsAndCandidatesCoverCategoriesModelsAndMarkdown() {
        Set<String> cats = new HashSet<>();
        Set<String> models = new HashSet<>();
        int fences = 0, bullets = 0, numbered = 0, headings = 0, nonAscii = 0, refusals = 0;
        List<Integer> promptLengths = new ArrayList<>();
        for (JsonNode o : sample) {
            cats.add(o.get("category").textValue());
            promptLengths.add(o.get("prompt").textValue().length());
            for (JsonNode c : o.get("candidates")) {
                models.add(c.get("model").textValue());
                String t = c.get("text").textValue();
                if (t.contains("```")) fences++;
                if (t.contains("\n- ")) bullets++;
                if (t.contains("\n1. ")) numbered++;
                if (t.contains("## ")) headings++;
                if (t.chars().anyMatch(ch -> ch > 127)) nonAscii++;
                if (t.startsWith("I'm sorry") || t.startsWith("As an AI") || t.startsWith("I apologize")) refusals++;
            }
        }
        assertThat(cats).containsExactlyInAnyOrderElementsOf(SyntheticDataset.CATEGORIES);
        assertThat(models).containsExactlyInAnyOrderElementsOf(SyntheticDataset.MODELS);
        int n = sample.size() * 5;
        assertThat(fences).isGreaterThan(n / 50);
        assertThat(bullets).isGreaterThan(n / 20);
        assertThat(numbered).isGreaterThan(n / 20);
        assertThat(headings).isGreaterThan(n / 50);
        assertThat(nonAscii).isGreaterThan(n / 20);
        assertThat(refusals).isBetween(n / 200, n / 10);
        Collections.sort(promptLengths);
        assertThat(promptLengths.get(0)).isGreaterThanOrEqualTo(50);
        assertThat(promptLengths.get(promptLengths.size() - 1)).isLessThanOrEqualTo(600);
        assertThat(promptLengths.get(promptLengths.size() / 2)).isBetween(100, 350);
    }

    @Test
    void builderRefusesNonsense() {
        assertThatThrownBy(() -> SyntheticDataset.builder().prompts(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyntheticDataset.builder().candidatesPerPrompt(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyntheticDataset.builder().candidatesPerPrompt(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesHumanCounts() {
        assertThat(SyntheticDataset.parseCount("50k")).isEqualTo(50_000);
        assertThat(SyntheticDataset.parseCount("1M")).isEqualTo(1_000_000);
        assertThat(SyntheticDataset.parseCount("200_000")).isEqualTo(200_000);
        assertThat(SyntheticDataset.parseCount("1.5m")).isEqualTo(1_500_000);
        assertThatThrownBy(() -> SyntheticDataset.parseCount("1.5")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<JsonNode> readLines(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) out.add(JSON.readTree(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
