package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.inference.DeviceChoice;
import dev.prefwork.store.GenerationJobRepository;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A generation job with the in-process backend on the tiny ONNX causal LM (modules/inference's test fixture). */
class OnnxBackendTest {

    /** The fixture make_tiny_lm.py writes; tests run in modules/generation. */
    static final Path TINY_LM = Path.of("../inference/src/test/resources/tiny-lm/with-past");

    @TempDir
    Path dir;

    @Test
    void greedyCandidatesAreTheModelsOwnAndCarryTheirSettings() throws Exception {
        JsonNode expected = Json.MAPPER.readTree(TINY_LM.resolveSibling("expected.json").toFile());
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            StringBuilder jsonl = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                jsonl.append("{\"id\":\"p-").append(i).append("\",\"prompt\":\"").append(expected.get("cases").get(i).get("prompt").asText())
                        .append("\"}\n");
            }
            new dev.prefwork.store.importer.Importer(ws).importFile(Files.writeString(dir.resolve("p.jsonl"), jsonl),
                    dev.prefwork.store.importer.Importer.Options.DETECT, Progress.NONE);
            OnnxConfig config = new OnnxConfig(TINY_LM, "tiny-gpt", DeviceChoice.CPU, true, 1);
            GenerationParams greedy = new GenerationParams(2, 0, 1, 12, List.of(), null);
            GenerationService.JobReport r;
            try (OnnxBackend backend = OnnxBackend.open(config, dir.resolve("home"))) {
                assertThat(backend.usesKvCache()).isTrue();
                assertThat(backend.concurrency()).isEqualTo(1);
                r = new GenerationService(ws).generate(new GenerationRequest(null, PromptSelection.missingCandidates(), greedy, config),
                        backend, null, Progress.NONE);
            }
            assertThat(r.status()).isEqualTo(GenerationJobRepository.COMPLETE);
            assertThat(r.stats().tokensCounted()).isTrue();
            long tokens = 0;
            long[] ids = ws.prompts().ids(PromptFilter.ALL);
            for (int i = 0; i < 3; i++) {
                Prompt p = ws.prompts().get(ids[i]).orElseThrow();
                JsonNode c = expected.get("cases").get(Integer.parseInt(p.sourceId().substring(2)));
                List<Candidate> cands = ws.candidates().forPrompt(p.id());
                assertThat(cands).extracting(Candidate::text).containsOnly(c.get("greedy_text").asText());
                assertThat(cands).extracting(Candidate::model).containsOnly("tiny-gpt");
                JsonNode g = Json.read(cands.get(1).metadataJson()).path("generation");
                assertThat(g.path("backend").asText()).isEqualTo("onnx");
                assertThat(g.path("model_dir").asText()).endsWith("tiny-lm/with-past");
                assertThat(g.path("onnx_sha256_prefix").asText()).hasSize(12);
                assertThat(g.path("device").asText()).isEqualTo("cpu");
                assertThat(g.path("kv_cache").asBoolean()).isTrue();
                assertThat(g.path("temperature").asDouble()).isZero();
                assertThat(g.path("index").asInt()).isEqualTo(1);
                assertThat(g.path("seed").isNumber()).as("a drawn seed is recorded").isTrue();
                assertThat(g.path("finish_reason").asText()).isEqualTo(c.get("ended_with_eos").asBoolean() ? "stop" : "length");
                assertThat(g.path("completion_tokens").asInt()).isEqualTo(c.get("greedy_tokens").size());
                tokens += 2L * c.get("greedy_tokens").size();
            }
            assertThat(r.stats().tokens()).isEqualTo(tokens);
        }
    }

    @Test
    void aFolderThatIsNotAModelIsAClearError() {
        assertThatThrownBy(() -> OnnxBackend.open(OnnxConfig.of(dir.resolve("nothing")), dir.resolve("home")))
                .isInstanceOfSatisfying(GenerationException.class, e -> assertThat(e.kind()).isEqualTo(GenerationException.Kind.MODEL))
                .hasMessageContaining("no model folder at");
        OnnxConfig c = new OnnxConfig(TINY_LM, null, DeviceChoice.GPU, false, 2);
        assertThat(c.modelName()).isEqualTo("with-past");
        assertThat(OnnxConfig.fromJson(c.toJson())).isEqualTo(c);
        assertThat(BackendConfig.fromJson(c.toJson())).isEqualTo(c);
    }
}
