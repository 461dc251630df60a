package dev.prefwork.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exports of a saved pair set. The JSONL checks are what `datasets.load_dataset("json", data_files=…)` relies on:
 * pyarrow's JSON reader infers one type per key from the values, so every line must have the same keys with the
 * same JSON types (strings as strings, scores always as floats with a decimal point, never null or NaN,
 * messages as lists of {role, content} string objects); anything else gives a different schema or a load error.
 */
class ExporterTest {

    @TempDir
    static Path dir;
    static Demo demo;
    static StoredPairSet pairs;
    static StoredPairSet sft;
    static Exporter exporter;

    @BeforeAll
    static void open() {
        demo = Demo.fitted(dir.resolve("demo"));
        pairs = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults(), Progress.NONE), "best vs worst");
        sft = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults().withStrategy(Strategy.SFT_TOP_K),
                Progress.NONE), "sft");
        exporter = new Exporter(demo.ws, demo.curation);
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) out.add(m.readTree(l));
        return out;
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) k.add(it.next());
        return k;
    }

    static void assertMessages(JsonNode list, String role) {
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isPositive();
        for (JsonNode m : list) {
            assertThat(keys(m)).containsExactly("role", "content");
            assertThat(m.get("role").isTextual()).isTrue();
            assertThat(m.get("content").isTextual()).isTrue();
        }
        if (role != null) assertThat(list.get(list.size() - 1).get("role").asText()).isEqualTo(role);
    }

    @Test
    void trlStandardHasExactlyTheKeysAndTypesTheJsonLoaderInfers() throws IOException {
        Path out = dir.resolve("trl.jsonl");
        Exporter.Result r = exporter.export(pairs, ExportFormat.TRL, out, Exporter.Options.defaults(), Progress.NONE);
        assertThat(r.rows()).isEqualTo(pairs.pairs());
        List<JsonNode> rows = lines(out);
        assertThat(rows).hasSize(pairs.pairs());
        for (JsonNode n : rows) {
            assertThat(keys(n)).containsExactly("prompt", "chosen", "rejected", "prompt_id", "chosen_score", "rejected_score", "margin");
            for (String s : List.of("prompt", "chosen", "rejected", "prompt_id")) assertThat(n.get(s).isTextual()).as(s).isTrue();
            for (String s : List.of("chosen_score", "rejected_score", "margin")) {
                assertThat(n.get(s).isDouble()).as(s + " is a float, written with a decimal point").isTrue();
            }
            assertThat(n.get("chosen").asText()).isNotEqualTo(n.get("rejected").asText());
            assertThat(n.get("margin").asDouble()).isCloseTo(n.get("chosen_score").asDouble() - n.get("rejected_score").asDouble(),
                    org.assertj.core.api.Assertions.within(1e-9));
        }
        String text = Files.readString(out);
        assertThat(text).doesNotContain(":NaN").doesNotContain(":null").endsWith("\n").doesNotContain("\r");
    }

    @Test
    void trlConversationalSftAndCsvHaveTheirShapes() throws IOException {
        Path chat = dir.resolve("chat.jsonl");
        exporter.export(pairs, ExportFormat.TRL_CHAT, chat, Exporter.Options.defaults(), Progress.NONE);
        for (JsonNode n : lines(chat)) {
            assertThat(keys(n)).containsExactly("prompt", "chosen", "rejected", "prompt_id", "chosen_score", "rejected_score", "margin");
            assertMessages(n.get("prompt"), "user");
            assertMessages(n.get("chosen"), "assistant");
            assertMessages(n.get("rejected"), "assistant");
        }
        Path s = dir.resolve("sft.jsonl");
        exporter.export(sft, ExportFormat.SFT, s, Exporter.Options.defaults(), Progress.NONE);
        for (JsonNode n : lines(s)) {
            assertThat(keys(n)).containsExactly("prompt", "completion", "prompt_id", "score");
            assertThat(n.get("score").isDouble()).isTrue();
        }
        Path sc = dir.resolve("sft-chat.jsonl");
        exporter.export(sft, ExportFormat.SFT_CHAT, sc, Exporter.Options.defaults(), Progress.NONE);
        for (JsonNode n : lines(sc)) {
            assertThat(keys(n)).containsExactly("messages", "prompt_id", "score");
            assertMessages(n.get("messages"), "assistant");
            assertThat(n.get("messages").get(0).get("role").asText()).isEqualTo("user");
        }
        Path csv = dir.resolve("pairs.csv");
        exporter.export(pairs, ExportFormat.CSV, csv, Exporter.Options.defaults(), Progress.NONE);
        try (var parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(Files.newBufferedReader(csv))) {
            assertThat(parser.getHeaderNames()).containsExactly("prompt_id", "prompt", "chosen", "rejected", "chosen_score",
                    "rejected_score", "margin", "reason");
            assertThat(parser.getRecords()).hasSize(pairs.pairs());
        }
        // an SFT set has no rejected side
        assertThatThrownBy(() -> exporter.export(sft, ExportFormat.TRL, dir.resolve("x.jsonl"), Exporter.Options.defaults(), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("is an SFT set");
        assertThat(dir.resolve("x.jsonl")).doesNotExist();
    }

    @Test
    void exportsAreReproducibleByteForByte() throws IOException {
        for (ExportFormat f : new ExportFormat[]{ExportFormat.TRL, ExportFormat.TRL_CHAT, ExportFormat.CSV}) {
            Path a = dir.resolve("a-" + f.cliName());
            Path b = dir.resolve("b-" + f.cliName());
            exporter.export(pairs, f, a, Exporter.Options.defaults(), Progress.NONE);
            exporter.export(pairs, f, b, Exporter.Options.defaults(), Progress.NONE);
            assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        }
        Path h1 = dir.resolve("hf1");
        Path h2 = dir.resolve("hf2");
        exporter.export(pairs, ExportFormat.HF, h1, Exporter.Options.defaults(), Progress.NONE);
        exporter.export(pairs, ExportFormat.HF, h2, Exporter.Options.defaults(), Progress.NONE);
        for (String f : List.of("README.md", "data/train.jsonl", "data/test.jsonl")) {
            assertThat(Files.readAllBytes(h1.resolve(f))).as(f).isEqualTo(Files.readAllBytes(h2.resolve(f)));
        }
        // a second export over the first replaces it whole; a folder that is not an export is never replaced
        exporter.export(pairs, ExportFormat.HF, h1, new Exporter.Options(0.2, 42, false), Progress.NONE);
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("README.md"), "# my project\n");
        Files.writeString(project.resolve("main.py"), "print(1)\n");
        assertThatThrownBy(() -> exporter.export(pairs, ExportFormat.HF, project, Exporter.Options.defaults(), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("is a folder with other files in it");
        assertThat(project.resolve("main.py")).exists();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).isEmpty();
        }
    }

    @Test
    void theHuggingFaceFolderSplitsByPromptWithASeedAndCardsHowItWasMade() throws IOException {
        Path hf = dir.resolve("hf");
        Exporter.Result r = exporter.export(pairs, ExportFormat.HF, hf, new Exporter.Options(0.25, 7, false), Progress.NONE);
        List<JsonNode> train = lines(hf.resolve("data/train.jsonl"));
        List<JsonNode> test = lines(hf.resolve("data/test.jsonl"));
        assertThat(train.size() + test.size()).isEqualTo(pairs.pairs());
        assertThat(r.trainRows()).isEqualTo(train.size());
        Set<String> trainPrompts = new HashSet<>();
        train.forEach(n -> trainPrompts.add(n.get("prompt_id").asText()));
        Set<String> testPrompts = new HashSet<>();
        test.forEach(n -> testPrompts.add(n.get("prompt_id").asText()));
        assertThat(trainPrompts).doesNotContainAnyElementsOf(testPrompts);
        assertThat(testPrompts.size()).isEqualTo((int) Math.round(0.25 * pairs.prompts()));
        for (JsonNode n : test) assertThat(keys(n)).containsExactly("prompt", "chosen", "rejected", "prompt_id", "chosen_score", "rejected_score", "margin");

        String card = Files.readString(hf.resolve("README.md"));
        assertThat(card).startsWith("---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/train.jsonl\n"
                + "  - split: test\n    path: data/test.jsonl\ndataset_info:\n  features:\n  - name: prompt\n    dtype: string\n");
        assertThat(card).contains("  - name: train\n    num_bytes: " + Files.size(hf.resolve("data/train.jsonl"))
                + "\n    num_examples: " + train.size() + "\n");
        assertThat(card).contains("  - name: test\n    num_bytes: " + Files.size(hf.resolve("data/test.jsonl"))
                + "\n    num_examples: " + test.size() + "\n");
        assertThat(card).contains("  - name: margin\n    dtype: float64\n");
        assertThat(card).contains("## How this data was made", "### Labeling functions", "| Refusal or deflection |", "### Label model",
                "snorkel", "### Ranking", "label model run #", "### Pair strategy and filters", "best-worst", "Best vs worst");
        // another seed draws other test prompts
        Exporter.Result other = exporter.export(pairs, ExportFormat.HF, dir.resolve("hf-other"), new Exporter.Options(0.25, 8, false), Progress.NONE);
        Set<String> otherTest = new HashSet<>();
        lines(dir.resolve("hf-other/data/test.jsonl")).forEach(n -> otherTest.add(n.get("prompt_id").asText()));
        assertThat(otherTest).isNotEqualTo(testPrompts);
        assertThat(other.testRows()).isPositive();
    }
}
