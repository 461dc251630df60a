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

class ExternalScorerTest {

    @TempDir Path data;

    @Test
    void twoClassScorerReturnsSoftmaxOfTheReferenceLogitsAndPicksThePositiveClass() {
        JsonNode pairs = TinyModels.expected().get("pairs");
        List<String> prompts = new ArrayList<>(), responses = new ArrayList<>();
        pairs.forEach(p -> { prompts.add(p.get("prompt").asText()); responses.add(p.get("response").asText()); });
        try (ExternalScorer scorer = ExternalScorer.fromFolder(TinyModels.folder("scorer-two-class"),
                InferenceSettings.defaults(data), new ExternalScorer.Config(1, 512))) {
            assertThat(scorer.classes()).isEqualTo(2);
            List<ExternalScorer.Score> scores = scorer.score(prompts, responses);
            for (int i = 0; i < pairs.size(); i++) {
                double l0 = pairs.get(i).get("two_class_logits").get(0).asDouble();
                double l1 = pairs.get(i).get("two_class_logits").get(1).asDouble();
                double pGood = 1 / (1 + Math.exp(l0 - l1));
                assertThat(scores.get(i).score()).as("pair %d", i).isCloseTo(pGood, within(1e-5));
                assertThat(scores.get(i).probabilities()).hasSize(2);
                assertThat(scores.get(i).probabilities()[0] + scores.get(i).probabilities()[1]).isCloseTo(1f, within(1e-6f));
            }
            // The weights make positive words push GOOD up: a sanity check that is readable without numpy.
            assertThat(scores.get(0).score()).isGreaterThan(0.5);
            assertThat(scores.get(1).score()).isLessThan(0.5);
        }
        try (ExternalScorer negative = ExternalScorer.fromFolder(TinyModels.folder("scorer-two-class"),
                InferenceSettings.defaults(data), new ExternalScorer.Config(0, 512))) {
            assertThat(negative.score(prompts, responses).get(0).score()).isLessThan(0.5);
        }
    }

    @Test
    void singleLogitScorerReturnsTheLogitUsingPairTypeIds() {
        JsonNode pairs = TinyModels.expected().get("pairs");
        try (ExternalScorer scorer = ExternalScorer.fromFolder(TinyModels.folder("scorer-one-logit"),
                InferenceSettings.defaults(data).withBatchSize(3), ExternalScorer.Config.defaults())) {
            assertThat(scorer.classes()).isEqualTo(1);
            List<String> prompts = new ArrayList<>(), responses = new ArrayList<>();
            pairs.forEach(p -> { prompts.add(p.get("prompt").asText()); responses.add(p.get("response").asText()); });
            List<ExternalScorer.Score> scores = scorer.score(prompts, responses);
            for (int i = 0; i < pairs.size(); i++) {
                // The reference gives response tokens (type id 1) a nudge; wrong type ids or a missing [SEP] miss it.
                assertThat(scores.get(i).score()).as("pair %d", i).isCloseTo(pairs.get(i).get("one_logit").asDouble(), within(1e-5));
                assertThat(scores.get(i).probabilities()).isEmpty();
            }
            // Swapping prompt and response changes the score: the pair is encoded as a pair, not concatenated.
            double swapped = scorer.score(List.of(responses.get(3)), List.of(prompts.get(3))).get(0).score();
            assertThat(swapped).isNotCloseTo(scores.get(3).score(), within(1e-3));
        }
    }

    @Test
    void longPairsAreTruncatedToTheTokenLimit() {
        try (ExternalScorer scorer = ExternalScorer.fromFolder(TinyModels.folder("scorer-one-logit"),
                InferenceSettings.defaults(data), new ExternalScorer.Config(1, 16))) {
            String longResponse = "good ".repeat(5000);
            double score = scorer.score(List.of("bad bad"), List.of(longResponse)).get(0).score();
            // 16 tokens: [CLS] bad bad [SEP] + 11 × good + [SEP]; longest-first truncation keeps the prompt whole.
            double pos = 11 + 12 * 0.25, neg = 2;
            assertThat(score).isCloseTo(2 * (pos - neg) / 16 + 0.05, within(1e-5));
        }
    }

    @Test
    void aPositiveIndexBeyondTheClassesIsAnError(@TempDir Path other) {
        assertThatThrownBy(() -> ExternalScorer.fromFolder(TinyModels.folder("scorer-two-class"),
                InferenceSettings.defaults(data), new ExternalScorer.Config(2, 512)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("2 classes");
        assertThatThrownBy(() -> ExternalScorer.fromFolder(other, InferenceSettings.defaults(data), ExternalScorer.Config.defaults()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no model.onnx");
    }

    @Test
    void aCorruptModelFileIsReportedAsSuch(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("model.onnx"), "not a model");
        Files.copy(TinyModels.folder("scorer-two-class").resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ExternalScorer.fromFolder(folder, InferenceSettings.defaults(data), ExternalScorer.Config.defaults()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("cannot load the model");
    }
}
