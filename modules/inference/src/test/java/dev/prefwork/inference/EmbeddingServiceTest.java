package dev.prefwork.inference;

import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EmbeddingServiceTest {

    /** Deterministic vectors from the text; counts every text it is asked to embed, and can fail on cue. */
    static class CountingModel implements EmbeddingModel {
        final Map<String, Integer> embedded = new HashMap<>();
        int calls;
        int failOnCall = -1;
        int failedBatchSize;

        @Override public String id() { return "counting"; }
        @Override public int dimension() { return 8; }
        @Override public DeviceStatus deviceStatus() { return DeviceStatus.cpu(); }
        @Override public void close() { }

        @Override
        public synchronized float[][] embed(List<String> texts) {
            calls++;
            for (String t : texts) embedded.merge(t, 1, Integer::sum);
            if (calls == failOnCall) {
                failedBatchSize = texts.size();
                throw new IllegalStateException("simulated crash");
            }
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) out[i] = vectorOf(texts.get(i));
            return out;
        }

        static float[] vectorOf(String text) {
            float[] v = new float[8];
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < b.length; i++) v[i % 8] += (b[i] & 0xff) * (1 + i % 3);
            v[7] += 1;
            return Vectors.normalize(v);
        }
    }

    /** Records updates; cancels once it has seen {@code cancelAfter} updates with done > 0. */
    static final class RecordingProgress implements Progress {
        final List<long[]> updates = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        int cancelAfter = Integer.MAX_VALUE;

        @Override public void update(long done, long total, String message) {
            updates.add(new long[]{done, total});
            messages.add(message);
        }

        @Override public boolean isCancelled() {
            return updates.stream().filter(u -> u[0] > 0).count() >= cancelAfter;
        }
    }

    @TempDir Path dir;
    Workspace ws;
    int distinctTexts;

    @BeforeEach
    void open() throws Exception {
        ws = Workspace.open(dir.resolve("ws"));
        StringBuilder sb = new StringBuilder();
        List<String> distinct = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            String prompt = "Question " + p + "?";
            sb.append("{\"id\":\"q-").append(p).append("\",\"prompt\":\"").append(prompt).append("\",\"candidates\":[");
            distinct.add(prompt);
            for (int c = 0; c < 4; c++) {
                // Candidate 0 is the same in every prompt; candidate 3 repeats its prompt.
                String text = c == 0 ? "I cannot help with that." : c == 3 ? prompt : "Answer " + c + " to question " + p + " " + "x".repeat(p * c);
                if (!distinct.contains(text)) distinct.add(text);
                sb.append(c > 0 ? "," : "").append("{\"text\":\"").append(text).append("\"}");
            }
            sb.append("]}\n");
        }
        distinctTexts = distinct.size();
        Path file = dir.resolve("q.jsonl");
        Files.writeString(file, sb.toString());
        new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    @Test
    void everyDistinctTextIsEmbeddedExactlyOnceAndNeverAgain() {
        CountingModel model = new CountingModel();
        EmbeddingService service = new EmbeddingService(ws.embeddings(), 8, 40);
        RecordingProgress progress = new RecordingProgress();
        EmbeddingService.Report report = service.embedMissing(model, progress);

        assertThat(report.pending()).isEqualTo(distinctTexts);
        assertThat(report.computed()).isEqualTo(distinctTexts);
        assertThat(report.textsHashed()).isEqualTo(30 + 30 * 4);
        assertThat(model.embedded).hasSize(distinctTexts);
        assertThat(model.embedded.values()).allMatch(n -> n == 1);
        // Progress: totals known after hashing, done never decreasing, ends at the total, with a rate.
        List<long[]> known = progress.updates.stream().filter(u -> u[1] >= 0).toList();
        assertThat(known).allMatch(u -> u[1] == distinctTexts);
        for (int i = 1; i < known.size(); i++) assertThat(known.get(i)[0]).isGreaterThanOrEqualTo(known.get(i - 1)[0]);
        assertThat(known.get(known.size() - 1)[0]).isEqualTo(distinctTexts);
        assertThat(progress.messages.get(progress.messages.size() - 1)).contains("texts/s", "done");

        int calls = model.calls;
        EmbeddingService.Report again = service.embedMissing(model, Progress.NONE);
        assertThat(again.pending()).isZero();
        assertThat(again.computed()).isZero();
        assertThat(model.calls).isEqualTo(calls);
        assertThat(new EmbeddingLookup(ws).coverage("counting").complete()).isTrue();
    }

    @Test
    void cancellingStopsAfterTheBatchInFlightAndTheNextRunFinishesWithoutRecomputing() {
        CountingModel model = new CountingModel();
        EmbeddingService service = new EmbeddingService(ws.embeddings(), 8, 40);
        RecordingProgress progress = new RecordingProgress();
        progress.cancelAfter = 3;
        assertThatThrownBy(() -> service.embedMissing(model, progress)).isInstanceOf(Progress.Cancelled.class);
        assertThat(model.calls).isEqualTo(3);
        assertThat(ws.embeddings().model("counting").orElseThrow().vectors()).isEqualTo(3 * 8);

        EmbeddingService.Report rest = service.embedMissing(model, Progress.NONE);
        assertThat(rest.computed()).isEqualTo(distinctTexts - 24);
        assertThat(model.embedded).hasSize(distinctTexts);
        assertThat(model.embedded.values()).allMatch(n -> n == 1);
    }

    @Test
    void aCrashLosesOnlyTheBatchInFlight() {
        CountingModel model = new CountingModel();
        model.failOnCall = 4;
        EmbeddingService service = new EmbeddingService(ws.embeddings(), 8, 40);
        assertThatThrownBy(() -> service.embedMissing(model, Progress.NONE)).hasMessageContaining("simulated crash");
        assertThat(ws.embeddings().model("counting").orElseThrow().vectors()).isEqualTo(3 * 8);

        model.failOnCall = -1;
        service.embedMissing(model, Progress.NONE);
        assertThat(ws.embeddings().model("counting").orElseThrow().vectors()).isEqualTo(distinctTexts);
        // Only the texts of the failed batch were asked for twice.
        assertThat(model.failedBatchSize).isPositive();
        assertThat(model.embedded.values().stream().filter(n -> n == 2).count()).isEqualTo(model.failedBatchSize);
        assertThat(model.embedded.values()).allMatch(n -> n <= 2);
    }

    @Test
    void lookupsReturnCachedVectorsCosinesAndExemplarSimilarity() {
        CountingModel model = new CountingModel();
        EmbeddingService service = new EmbeddingService(ws);
        service.embedMissing(model, Progress.NONE);
        EmbeddingLookup lookup = new EmbeddingLookup(ws);

        var candidates = ws.candidates().forPrompt(1);
        List<Long> ids = candidates.stream().map(c -> c.id()).toList();
        Map<Long, float[]> vectors = lookup.candidateVectors("counting", ids);
        assertThat(vectors).hasSize(4);
        for (var c : candidates) assertThat(vectors.get(c.id())).containsExactly(CountingModel.vectorOf(c.text()));

        Map<Long, Double> cos = lookup.promptResponseCosine("counting", ids);
        float[] prompt = CountingModel.vectorOf("Question 0?");
        for (var c : candidates) assertThat(cos.get(c.id())).isCloseTo(Vectors.dot(CountingModel.vectorOf(c.text()), prompt), within(1e-6));
        assertThat(cos.get(candidates.get(3).id())).isCloseTo(1.0, within(1e-6)); // it repeats the prompt

        int callsBefore = model.calls;
        float[][] exemplars = service.embedCached(model, List.of("I cannot help with that.", "a brand new exemplar", "a brand new exemplar"));
        assertThat(model.calls).isEqualTo(callsBefore + 1);
        assertThat(model.embedded.get("a brand new exemplar")).isEqualTo(1);  // deduplicated
        assertThat(model.embedded.get("I cannot help with that.")).isEqualTo(1);  // taken from the cache
        service.embedCached(model, List.of("a brand new exemplar"));
        assertThat(model.calls).isEqualTo(callsBefore + 1);

        Map<Long, Double> similar = lookup.maxCosineToExemplars("counting", ids, exemplars);
        assertThat(similar.get(candidates.get(0).id())).isCloseTo(1.0, within(1e-6));
        assertThat(similar.get(candidates.get(1).id())).isLessThan(1.0);

        List<Long> streamed = new ArrayList<>();
        lookup.forEachCandidateVector("counting", (id, v) -> streamed.add(id));
        assertThat(streamed).hasSize(120).isSorted();
        assertThat(lookup.candidateVectors("unknown model", ids)).isEmpty();
    }

    @Test
    void aCachedModelIdWithAnotherDimensionIsRefused() {
        new EmbeddingService(ws).embedMissing(new CountingModel(), Progress.NONE);
        EmbeddingModel impostor = new CountingModel() {
            @Override public int dimension() { return 16; }
        };
        assertThatThrownBy(() -> new EmbeddingService(ws).embedMissing(impostor, Progress.NONE))
                .hasMessageContaining("8 dimensions");
    }

    @Test
    void etaReadsLikeATime() {
        assertThat(EmbeddingService.Eta.humanDuration(4.2)).isEqualTo("5 s");
        assertThat(EmbeddingService.Eta.humanDuration(125)).isEqualTo("2 min 5 s");
        assertThat(EmbeddingService.Eta.humanDuration(7300)).isEqualTo("2 h 1 min");
    }
}
