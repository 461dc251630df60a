package dev.prefwork.inference;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ScoringServiceTest {

    /** Delegates to the tiny ONNX scorer and counts the pairs it is asked to score. */
    static final class Counting implements PairScorer {
        final PairScorer inner;
        int pairs;
        int calls;

        Counting(PairScorer inner) { this.inner = inner; }

        @Override public String id() { return inner.id(); }
        @Override public int classes() { return inner.classes(); }
        @Override public DeviceStatus deviceStatus() { return inner.deviceStatus(); }
        @Override public void close() { inner.close(); }

        @Override public List<ExternalScorer.Score> score(List<String> prompts, List<String> responses) {
            calls++;
            pairs += prompts.size();
            return inner.score(prompts, responses);
        }
    }

    @TempDir Path dir;
    Workspace ws;

    @BeforeEach
    void open() throws Exception {
        ws = Workspace.open(dir.resolve("ws"));
        StringBuilder sb = new StringBuilder();
        String[] answers = {"good and helpful", "bad", "awful wrong answer", "it is great", "the answer"};
        for (int p = 0; p < 8; p++) {
            sb.append("{\"id\":\"s-").append(p).append("\",\"prompt\":\"what is the answer ").append(p).append(" ?\",\"candidates\":[");
            for (int c = 0; c < answers.length; c++) sb.append(c > 0 ? "," : "").append("{\"text\":\"").append(answers[(p + c) % answers.length]).append("\"}");
            sb.append("]}\n");
        }
        Files.writeString(dir.resolve("s.jsonl"), sb.toString());
        new Importer(ws).importFile(dir.resolve("s.jsonl"), Importer.Options.DETECT, Progress.NONE);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    @Test
    void everyCandidateIsScoredOnceAndTheStoredScoresAreTheModelsScores() {
        try (Counting scorer = new Counting(ExternalScorer.fromFolder(TinyModels.folder("scorer-two-class"),
                InferenceSettings.defaults(dir), ExternalScorer.Config.defaults()))) {
            ScoringService service = new ScoringService(ws.externalScores(), 4, 12);
            ScoringService.Report report = service.scoreMissing(scorer, Progress.NONE);
            assertThat(report.pending()).isEqualTo(40);
            assertThat(report.computed()).isEqualTo(40);
            assertThat(scorer.pairs).isEqualTo(40);

            assertThat(service.scoreMissing(scorer, Progress.NONE).computed()).isZero();
            assertThat(scorer.pairs).isEqualTo(40);

            List<Candidate> candidates = ws.candidates().forPrompt(3);
            List<Long> ids = candidates.stream().map(Candidate::id).toList();
            Map<Long, ExternalScorer.Score> stored = service.scores(scorer.id(), ids);
            List<ExternalScorer.Score> direct = scorer.inner.score(
                    candidates.stream().map(c -> "what is the answer 2 ?").toList(), candidates.stream().map(Candidate::text).toList());
            for (int i = 0; i < candidates.size(); i++) {
                ExternalScorer.Score s = stored.get(ids.get(i));
                assertThat(s.score()).isCloseTo(direct.get(i).score(), within(1e-6));
                assertThat(s.probabilities()).hasSize(2);
            }
            List<Long> all = new ArrayList<>();
            service.forEachScore(scorer.id(), (s, id) -> all.add(id));
            assertThat(all).hasSize(40).isSorted();
            assertThat(service.scores("no such scorer", ids)).isEmpty();
        }
    }

    @Test
    void cancellingKeepsWhatWasScored() {
        try (Counting scorer = new Counting(ExternalScorer.fromFolder(TinyModels.folder("scorer-one-logit"),
                InferenceSettings.defaults(dir), ExternalScorer.Config.defaults()))) {
            ScoringService service = new ScoringService(ws.externalScores(), 4, 12);
            Progress cancelAfterTwo = new Progress() {
                @Override public void update(long done, long total, String message) { }
                @Override public boolean isCancelled() { return scorer.calls >= 2; }
            };
            assertThatThrownBy(() -> service.scoreMissing(scorer, cancelAfterTwo)).isInstanceOf(Progress.Cancelled.class);
            assertThat(scorer.pairs).isEqualTo(8);
            assertThat(service.scoreMissing(scorer, Progress.NONE).computed()).isEqualTo(32);
            assertThat(scorer.pairs).isEqualTo(40);
            ExternalScorer.Score any = service.scores(scorer.id(), List.of(1L)).get(1L);
            assertThat(any.probabilities()).isEmpty();
        }
    }
}
