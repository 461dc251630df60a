package dev.prefwork.inference;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bundled model fills the demo workspace's cache once; lookups then serve the LFs and the reward model. */
class DemoWorkspaceEmbeddingTest {

    @TempDir Path dir;

    @Test
    void theDemoWorkspaceIsEmbeddedOnceWithTheBundledModel() throws Exception {
        // The first 12 demo prompts (72 texts) keep the test short on two shared cores; the CLI embeds all 66.
        Path subset = dir.resolve("demo-subset.jsonl");
        Files.write(subset, Files.readAllLines(Path.of("../../assets/demo/prompts.jsonl")).subList(0, 12));
        try (Workspace ws = Workspace.open(dir.resolve("demo"));
             OnnxEmbeddingModel model = OnnxEmbeddingModel.bundledMiniLm(InferenceSettings.defaults(dir))) {
            new Importer(ws).importFile(subset, Importer.Options.DETECT, Progress.NONE);
            EmbeddingService service = new EmbeddingService(ws);
            EmbeddingService.Report first = service.embedMissing(model, Progress.NONE);
            assertThat(first.computed()).isEqualTo(first.pending()).isEqualTo(12 + 12 * 5);
            EmbeddingLookup lookup = new EmbeddingLookup(ws);
            assertThat(lookup.coverage(model.id()).complete()).isTrue();

            long windows = model.windowsRun();
            assertThat(service.embedMissing(model, Progress.NONE).computed()).isZero();
            assertThat(model.windowsRun()).isEqualTo(windows);

            // A response is closer to its own prompt than to an unrelated prompt, on average over the demo.
            List<Candidate> candidates = ws.candidates().forPrompt(1);
            Map<Long, Double> own = lookup.promptResponseCosine(model.id(), candidates.stream().map(Candidate::id).toList());
            assertThat(own).hasSize(candidates.size());
            float[] otherPrompt = lookup.promptVectors(model.id(), List.of(2L)).get(2L);
            Map<Long, float[]> vectors = lookup.candidateVectors(model.id(), own.keySet());
            double ownMean = own.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double otherMean = vectors.values().stream().mapToDouble(v -> Vectors.dot(v, otherPrompt)).average().orElseThrow();
            assertThat(ownMean).isGreaterThan(otherMean);

            // Exemplar similarity: a candidate's own text as exemplar scores 1 for it (same cached vector).
            float[][] exemplars = service.embedCached(model, List.of(candidates.get(0).text()));
            assertThat(lookup.maxCosineToExemplars(model.id(), List.of(candidates.get(0).id()), exemplars).get(candidates.get(0).id()))
                    .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        }
    }
}
