package dev.prefwork.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MemoryEstimateTest {

    @TempDir
    Path tmp;

    /** Llama-2-7B's config.json (the fields that matter). */
    private ModelShape llama7b() throws Exception {
        Path dir = tmp.resolve("llama-2-7b");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32,"
                + " \"intermediate_size\": 11008, \"vocab_size\": 32000, \"num_attention_heads\": 32, \"num_key_value_heads\": 32,"
                + " \"tie_word_embeddings\": false}");
        return ModelShape.read(dir);
    }

    @Test
    void llama2SevenBHasItsKnownParameterCount() throws Exception {
        assertThat(llama7b().parameters()).isEqualTo(6_738_415_616L);
    }

    @Test
    void theTinyModelsCountMatchesTorchs() throws Exception {
        Path dir = tmp.resolve("tiny");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("prefwork-tiny.json"), "{\"kind\": \"prefwork-tiny\", \"vocab_size\": 259, \"d_model\": 48,"
                + " \"n_layers\": 2, \"n_heads\": 4, \"d_ff\": 128, \"max_positions\": 1024}");
        // the tiny model of these dimensions has 118,240 parameters (prefwork_trainer --make-tiny-model reports it)
        assertThat(ModelShape.read(dir).parameters()).isEqualTo(118_240L);
    }

    @Test
    void loraKeepsTheBaseIn16BitAndAddsNoReference() throws Exception {
        MemoryEstimate m = MemoryEstimate.of(llama7b(), TrainingConfig.defaults());
        assertThat(m.weightsGb()).isCloseTo(13.48, within(0.01));      // 6.74e9 x 2 bytes
        assertThat(m.referenceGb()).isZero();                           // the adapter switched off
        // r 16 on q and v of 32 layers: 32 x 2 x 16 x 8192 = 8.4M parameters x 16 bytes
        assertThat(m.trainableGb()).isCloseTo(0.134, within(0.001));
        // 2 x 4 sequences x 1024 tokens x 34 x 4096 bytes x 32 layers
        assertThat(m.activationsGb()).isCloseTo(36.5, within(0.1));
        assertThat(m.totalGb()).isGreaterThan(m.weightsGb());
        assertThat(m.summary()).startsWith("≈ ");
    }

    @Test
    void fullFineTuningCosts16BytesAParameterAndCheckpointingCutsActivations() throws Exception {
        TrainingConfig.Builder b = TrainingConfig.defaults().toBuilder();
        b.method = "full";
        b.precomputeReference = false;
        MemoryEstimate full = MemoryEstimate.of(llama7b(), b.build());
        assertThat(full.trainableGb()).isCloseTo(107.8, within(0.1));    // 6.74e9 x 16
        assertThat(full.referenceGb()).isCloseTo(13.48, within(0.01));   // a 16-bit frozen copy
        b.precomputeReference = true;
        b.gradientCheckpointing = true;
        MemoryEstimate lean = MemoryEstimate.of(llama7b(), b.build());
        assertThat(lean.referenceGb()).isZero();
        assertThat(lean.activationsGb()).isLessThan(full.activationsGb() / 10);
        assertThat(lean.fit(80)).startsWith("More than");
        assertThat(MemoryEstimate.of(llama7b(), TrainingConfig.defaults().toBuilder().build()).fit(0)).startsWith("No GPU");
    }

    @Test
    void aSizeGivenInBillionsIsShapedLikeALlama() {
        ModelShape s = ModelShape.ofSize(7);
        assertThat(s.parameters()).isEqualTo(7_000_000_000L);
        assertThat(s.hidden()).isBetween(3584, 4608);
        assertThat(s.layers()).isBetween(28, 40);
    }
}
