package dev.prefwork.inference;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FolderModelAndDeviceTest {

    @TempDir Path data;

    @Test
    void aFolderModelWithoutTokenTypeIdsGivesMeanPooledUnitVectorsOfTheDimensionItsOutputHas() {
        JsonNode cases = TinyModels.expected().get("embedder");
        List<String> texts = new ArrayList<>();
        cases.forEach(c -> texts.add(c.get("text").asText()));
        try (OnnxEmbeddingModel model = OnnxEmbeddingModel.fromFolder(TinyModels.folder("embedder"), InferenceSettings.defaults(data))) {
            assertThat(model.dimension()).isEqualTo(5);
            assertThat(model.id()).matches("onnx:embedder@[0-9a-f]{12}");
            float[][] v = model.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                for (int d = 0; d < 5; d++) {
                    assertThat(v[i][d]).as("text %d dim %d", i, d).isCloseTo((float) cases.get(i).get("vector").get(d).asDouble(), within(1e-5f));
                }
            }
        }
    }

    @Test
    void optionsThatChangeVectorsChangeTheModelId() {
        Path folder = TinyModels.folder("embedder");
        try (OnnxEmbeddingModel cls = OnnxEmbeddingModel.fromFolder(folder, InferenceSettings.defaults(data),
                new FolderModelOptions(Pooling.CLS, 128, "passage: "))) {
            assertThat(cls.id()).endsWith(":cls:w128:prefix=passage:");
            assertThat(cls.maxTokens()).isEqualTo(128);
        }
    }

    @Test
    void predictorsAreReusedAcrossCallsAndTheModelRefusesWorkOnceClosed() throws Exception {
        OnnxEmbeddingModel model = OnnxEmbeddingModel.fromFolder(TinyModels.folder("embedder"), InferenceSettings.defaults(data));
        for (int i = 0; i < 5; i++) model.embed(List.of("good", "bad answer"));
        assertThat(model.predictorsCreated()).isEqualTo(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> { for (int i = 0; i < 50; i++) model.embed(List.of("good", "bad answer")); });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertThat(model.predictorsCreated()).isBetween(1, 4);
        model.close();
        assertThatThrownBy(() -> model.embed(List.of("good"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void modelSettingsNameTheBundledModelOrAFolder(@TempDir Path notAModel) {
        try (EmbeddingModel m = EmbeddingModels.open(TinyModels.folder("embedder").toString(), InferenceSettings.defaults(data))) {
            assertThat(m.dimension()).isEqualTo(5);
        }
        assertThatThrownBy(() -> EmbeddingModels.open(notAModel.resolve("missing").toString(), InferenceSettings.defaults(data)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("neither 'bundled' nor a folder");
    }

    @Test
    void missingFilesAreNamed(@TempDir Path empty) throws Exception {
        assertThatThrownBy(() -> OnnxEmbeddingModel.fromFolder(empty, InferenceSettings.defaults(data)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("has no model.onnx");
        Files.copy(TinyModels.folder("embedder").resolve("model.onnx"), empty.resolve("model.onnx"));
        assertThatThrownBy(() -> OnnxEmbeddingModel.fromFolder(empty, InferenceSettings.defaults(data)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("has no tokenizer.json");
    }

    @Test
    void gpuRequestOnACpuOnlyBuildFallsBackToTheCpuWithAMessage() {
        assumeTrue(OnnxSession.cudaMissingReason() != null, "this ONNX Runtime offers CUDA; the fallback cannot be shown here");
        InferenceSettings gpu = InferenceSettings.defaults(data).withDevice(DeviceChoice.GPU);
        try (OnnxEmbeddingModel model = OnnxEmbeddingModel.fromFolder(TinyModels.folder("embedder"), gpu);
             OnnxEmbeddingModel cpu = OnnxEmbeddingModel.fromFolder(TinyModels.folder("embedder"), InferenceSettings.defaults(data))) {
            DeviceStatus status = model.deviceStatus();
            assertThat(status.fellBack()).isTrue();
            assertThat(status.requested()).isEqualTo(DeviceChoice.GPU);
            assertThat(status.used()).isEqualTo(DeviceChoice.CPU);
            assertThat(status.message()).contains("GPU requested", "no CUDA support", "Running on the CPU", "onnxruntime_gpu");
            assertThat(model.embed(List.of("good answer"))[0]).containsExactly(cpu.embed(List.of("good answer"))[0]);
        }
        try (ExternalScorer scorer = ExternalScorer.fromFolder(TinyModels.folder("scorer-one-logit"), gpu, ExternalScorer.Config.defaults())) {
            assertThat(scorer.deviceStatus().fellBack()).isTrue();
        }
    }

    @Test
    void cudaFailingAtSessionStartAlsoFallsBack() {
        // Skips the provider check, so DJL really asks ONNX Runtime for the CUDA provider and it fails to start.
        assumeTrue(OnnxSession.cudaMissingReason() != null, "this ONNX Runtime offers CUDA");
        InferenceSettings gpu = InferenceSettings.defaults(data).withDevice(DeviceChoice.GPU);
        try (ExternalScorer scorer = ExternalScorer.fromFolder(TinyModels.folder("scorer-one-logit"), gpu, ExternalScorer.Config.defaults(), false)) {
            DeviceStatus status = scorer.deviceStatus();
            assertThat(status.fellBack()).isTrue();
            assertThat(status.message()).startsWith("GPU requested, but CUDA could not be started (").contains("Running on the CPU");
            assertThat(scorer.score(List.of("q"), List.of("good")).get(0).score()).isFinite();
        }
    }

    @Test
    void cpuRequestReportsTheCpu() {
        try (ExternalScorer scorer = ExternalScorer.fromFolder(TinyModels.folder("scorer-one-logit"), InferenceSettings.defaults(data), ExternalScorer.Config.defaults())) {
            assertThat(scorer.deviceStatus()).isEqualTo(DeviceStatus.cpu());
            assertThat(scorer.deviceStatus().fellBack()).isFalse();
        }
    }
}
