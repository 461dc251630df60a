package dev.prefwork.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tiny causal LM of src/test/python/make_tiny_lm.py through DJL + ONNX Runtime: greedy decoding gives the
 * tokens and logits torch computed, the KV-cache path equals the no-cache path (and the export without past key
 * values), sampling is reproducible with a seed, stop strings and length limits end sequences.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxCausalLmTest {

    @TempDir
    static Path data;

    private OnnxCausalLm withPast;
    private OnnxCausalLm noPast;
    private JsonNode expected;

    static Path folder(String name) throws Exception {
        return Path.of(OnnxCausalLmTest.class.getResource("/tiny-lm/" + name + "/model.onnx").toURI()).getParent();
    }

    @BeforeAll
    void load() throws Exception {
        InferenceSettings settings = InferenceSettings.defaults(data).withThreads(1);
        withPast = OnnxCausalLm.fromFolder(folder("with-past"), settings);
        noPast = OnnxCausalLm.fromFolder(folder("no-past"), settings);
        expected = new ObjectMapper().readTree(folder("with-past").getParent().resolve("expected.json").toFile());
    }

    @AfterAll
    void close() {
        withPast.close();
        noPast.close();
    }

    private record Run(List<CausalLmOutput> outputs, List<float[]> logitsRow0) {
    }

    private static Run run(OnnxCausalLm lm, long[] prompt, CausalLmOptions options, int n) {
        List<float[]> logits = new ArrayList<>();
        List<CausalLmOutput> out = lm.generate(prompt, options, n, () -> false, (step, row, l) -> {
            if (row == 0) logits.add(l);
        });
        return new Run(out, logits);
    }

    private static long[] ids(JsonNode array) {
        long[] a = new long[array.size()];
        for (int i = 0; i < a.length; i++) a[i] = array.get(i).asLong();
        return a;
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void signatureAndDefaultsAreReadFromTheFolder() {
        assertThat(withPast.hasKvCache()).isTrue();
        assertThat(noPast.hasKvCache()).isFalse();
        assertThat(withPast.defaults().eosTokenIds()).containsExactly(2L);
        assertThat(withPast.defaults().maxNewTokens()).isEqualTo(12);
        assertThat(withPast.defaults().temperature()).isEqualTo(0.9);
        assertThat(withPast.id()).startsWith("onnx-lm:with-past@").hasSize("onnx-lm:with-past@".length() + 12);
        assertThat(withPast.deviceStatus().fellBack()).isFalse();
    }

    @Test
    void greedyDecodingMatchesTheTokensAndLogitsTorchComputed() {
        int maxNew = expected.get("max_new_tokens").asInt();
        int eosEndings = 0;
        for (JsonNode c : expected.get("cases")) {
            long[] prompt = withPast.encode(c.get("prompt").asText());
            assertThat(prompt).as("tokenizer.json gives the script's ids").containsExactly(ids(c.get("prompt_ids")));
            Run r = run(withPast, prompt, CausalLmOptions.greedy(maxNew), 1);
            CausalLmOutput out = r.outputs().get(0);
            assertThat(out.tokenIds()).as(c.get("prompt").asText()).containsExactly(ids(c.get("greedy_tokens")));
            assertThat(out.text()).isEqualTo(c.get("greedy_text").asText());
            assertThat(out.finishReason()).isEqualTo(c.get("ended_with_eos").asBoolean() ? "stop" : "length");
            assertThat(out.promptTokens()).isEqualTo(prompt.length);
            JsonNode steps = c.get("step_logits");
            assertThat(r.logitsRow0()).hasSize(steps.size());
            for (int s = 0; s < steps.size(); s++) {
                float[] want = new float[steps.get(s).size()];
                for (int i = 0; i < want.length; i++) want[i] = (float) steps.get(s).get(i).asDouble();
                assertThat(maxAbsDiff(r.logitsRow0().get(s), want)).as("step %d logits", s).isLessThan(1e-4f);
            }
            if (c.get("ended_with_eos").asBoolean()) eosEndings++;
        }
        assertThat(eosEndings).as("the fixture covers both endings").isBetween(1, expected.get("cases").size() - 1);
    }

    @Test
    void kvCachePathEqualsNoCachePathAndTheExportWithoutPast() {
        for (JsonNode c : expected.get("cases")) {
            long[] prompt = ids(c.get("prompt_ids"));
            CausalLmOptions greedy = CausalLmOptions.greedy(12);
            Run cached = run(withPast, prompt, greedy, 2);
            Run recomputed = run(withPast, prompt, greedy.withCache(false), 2);
            Run plain = run(noPast, prompt, greedy, 2);
            for (Run other : List.of(recomputed, plain)) {
                for (int row = 0; row < 2; row++) {
                    assertThat(other.outputs().get(row).tokenIds()).containsExactly(cached.outputs().get(row).tokenIds());
                }
                assertThat(other.logitsRow0()).hasSameSizeAs(cached.logitsRow0());
                for (int s = 0; s < cached.logitsRow0().size(); s++) {
                    assertThat(maxAbsDiff(other.logitsRow0().get(s), cached.logitsRow0().get(s))).isLessThan(1e-5f);
                }
            }
        }
    }

    @Test
    void samplingIsReproducibleWithASeedAndTheSameWithOrWithoutTheCache() {
        CausalLmOptions sampling = new CausalLmOptions(12, 1.0, 0.9, List.of(), 42, true);
        List<CausalLmOutput> a = withPast.generate("Tell me a story about the code.", sampling, 5, () -> false);
        List<CausalLmOutput> b = withPast.generate("Tell me a story about the code.", sampling, 5, () -> false);
        List<CausalLmOutput> noCache = withPast.generate("Tell me a story about the code.", sampling.withCache(false), 5, () -> false);
        List<CausalLmOutput> otherSeed = withPast.generate("Tell me a story about the code.", sampling.withSeed(43), 5, () -> false);
        assertThat(texts(b)).isEqualTo(texts(a));
        assertThat(texts(noCache)).isEqualTo(texts(a));
        assertThat(texts(otherSeed)).isNotEqualTo(texts(a));
        assertThat(texts(a).stream().distinct().count()).as("five different samples").isGreaterThan(1);
        // row r of a batch of 5 draws what it draws as row r alone would not be required, but a seed fixes every row
        assertThat(texts(withPast.generate("Tell me a story about the code.", sampling, 5, () -> false))).isEqualTo(texts(a));
    }

    @Test
    void aNarrowNucleusIsGreedy() {
        CausalLmOptions nucleus = new CausalLmOptions(12, 1.0, 1e-6, List.of(), 7, true);
        JsonNode c = expected.get("cases").get(0);
        CausalLmOutput out = withPast.generate(ids(c.get("prompt_ids")), nucleus, 1, () -> false, null).get(0);
        assertThat(out.tokenIds()).containsExactly(ids(c.get("greedy_tokens")));
    }

    @Test
    void stopStringsAndLengthEndSequences() {
        JsonNode c = expected.get("cases").get(0); // "first . ! list question function …", runs to the length limit
        assertThat(c.get("greedy_text").asText()).startsWith("first . ! list");
        CausalLmOutput stopped = withPast.generate(c.get("prompt").asText(),
                new CausalLmOptions(12, 0, 1, List.of("list"), 0, true), 1, () -> false).get(0);
        assertThat(stopped.text()).isEqualTo("first . ! ");
        assertThat(stopped.finishReason()).isEqualTo("stop");
        CausalLmOutput shortOne = withPast.generate(c.get("prompt").asText(), CausalLmOptions.greedy(3), 1, () -> false).get(0);
        assertThat(shortOne.tokenIds()).hasSize(3);
        assertThat(shortOne.finishReason()).isEqualTo("length");
        assertThat(shortOne.text()).isEqualTo("first . !");
    }

    @Test
    void thePositionLimitOfConfigJsonCapsTheResponseAndRefusesTooLongAPrompt() {
        assertThat(withPast.defaults().maxPositions()).isEqualTo(64);
        long[] sixty = new long[60];
        java.util.Arrays.fill(sixty, 4); // "the"
        sixty[0] = 1;
        CausalLmOutput capped = withPast.generate(sixty, CausalLmOptions.greedy(12), 1, () -> false, null).get(0);
        assertThat(capped.tokenIds().length).isLessThanOrEqualTo(4);
        long[] tooLong = new long[64];
        java.util.Arrays.fill(tooLong, 4);
        assertThatThrownBy(() -> withPast.generate(tooLong, CausalLmOptions.greedy(12), 1, () -> false, null))
                .isInstanceOf(PromptTooLongException.class).hasMessageContaining("the prompt has 64 tokens").hasMessageContaining("at most 64");
    }

    @Test
    void cancellingStopsBeforeTheNextStep() {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> withPast.generate("What is the answer?", CausalLmOptions.greedy(12), 2, () -> polls.incrementAndGet() > 3))
                .isInstanceOf(Progress.Cancelled.class);
        assertThat(polls.get()).isEqualTo(4);
    }

    @Test
    void foldersThatAreNotACausalLmGetAClearError(@TempDir Path tmp) throws Exception {
        InferenceSettings settings = InferenceSettings.defaults(data);
        assertThatThrownBy(() -> OnnxCausalLm.fromFolder(tmp.resolve("missing"), settings))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no model folder");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> OnnxCausalLm.fromFolder(tmp.resolve("empty"), settings))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("has no model.onnx");
        // an embedder: input_ids and attention_mask, but last_hidden_state instead of logits
        assertThatThrownBy(() -> OnnxCausalLm.fromFolder(TinyModels.folder("embedder"), settings))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no 'logits' output");
        // a scorer takes token_type_ids, which no causal LM export has
        assertThatThrownBy(() -> OnnxCausalLm.fromFolder(TinyModels.folder("scorer-two-class"), settings))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("token_type_ids");
        Path garbage = Files.createDirectories(tmp.resolve("garbage"));
        Files.writeString(garbage.resolve("model.onnx"), "not a protobuf at all, just text");
        Files.copy(folder("with-past").resolve("tokenizer.json"), garbage.resolve("tokenizer.json"));
        assertThatThrownBy(() -> OnnxCausalLm.fromFolder(garbage, settings))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("model.onnx");
    }

    @Test
    void gpuRequestedWithoutCudaFallsBackToTheCpuWithAMessage() throws Exception {
        try (OnnxCausalLm lm = OnnxCausalLm.fromFolder(folder("with-past"), InferenceSettings.defaults(data).withDevice(DeviceChoice.GPU))) {
            assertThat(lm.deviceStatus().fellBack()).isTrue();
            assertThat(lm.deviceStatus().message()).contains("GPU requested", "Running on the CPU");
            assertThat(lm.generate("yes", CausalLmOptions.greedy(2), 1, () -> false)).hasSize(1);
        }
    }

    private static List<String> texts(List<CausalLmOutput> outs) {
        return outs.stream().map(CausalLmOutput::text).toList();
    }
}
