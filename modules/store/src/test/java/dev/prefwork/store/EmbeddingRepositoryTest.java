package dev.prefwork.store;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.store.EmbeddingRepository.PendingText;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingRepositoryTest {

    @TempDir Path dir;
    Workspace ws;
    EmbeddingRepository repo;

    @BeforeEach
    void open() throws IOException {
        ws = Workspace.open(dir.resolve("ws"));
        // Two prompts share a candidate text ("same"), and one candidate repeats its prompt's text.
        new Importer(ws).importFile(Fixtures.write(dir, "e.jsonl", """
                {"id":"e-1","prompt":"first question","candidates":[{"text":"same"},{"text":"alpha"},{"text":"first question"}]}
                {"id":"e-2","prompt":"second question","candidates":[{"text":"same"},{"text":"beta"}]}
                """), Importer.Options.DETECT, Progress.NONE);
        repo = ws.embeddings();
    }

    @AfterEach
    void close() {
        ws.close();
    }

    @Test
    void modelsAreRegisteredOnceAndKeepTheirDimension() {
        int key = repo.modelKey("m", 4);
        assertThat(repo.modelKey("m", 4)).isEqualTo(key);
        assertThat(repo.modelKey("other", 8)).isNotEqualTo(key);
        assertThatThrownBy(() -> repo.modelKey("m", 5)).isInstanceOf(InputException.class).hasMessageContaining("4 dimensions");
        assertThat(repo.models()).extracting(EmbeddingRepository.ModelInfo::name).containsExactly("m", "other");
    }

    @Test
    void pendingTextsShrinkAsVectorsAreStoredAndIdenticalTextsShareOneVector() {
        int key = repo.modelKey("m", 2);
        assertThat(repo.hashNewTexts(2)).isEqualTo(5 + 2);
        assertThat(repo.hashNewTexts(2)).isZero();
        // Distinct texts: same, alpha, first question, beta, second question.
        assertThat(repo.countPending(key)).isEqualTo(5);

        List<PendingText> page = repo.pendingCandidateTexts(key, -1, 100);
        assertThat(page).extracting(PendingText::text).containsExactly("same", "alpha", "first question", "same", "beta");
        List<byte[]> hashes = new ArrayList<>(), vectors = new ArrayList<>();
        for (PendingText p : page.subList(0, 3)) {
            hashes.add(p.sha256());
            vectors.add(new byte[]{(byte) p.text().length(), 0, 0, 0, 0, 0, 0, 0});
        }
        repo.putVectors(key, hashes, vectors);
        repo.putVectors(key, hashes, vectors); // storing again keeps the first and does not fail
        assertThat(repo.countPending(key)).isEqualTo(2);
        assertThat(repo.pendingCandidateTexts(key, -1, 100)).extracting(PendingText::text).containsExactly("beta");
        assertThat(repo.pendingPromptTexts(key, -1, 100)).extracting(PendingText::text).containsExactly("second question");
        assertThat(repo.model("m").orElseThrow().vectors()).isEqualTo(3);
        // Candidate 4 ("same") has a vector through candidate 1's text; the prompt "first question" through candidate 3.
        assertThat(repo.candidatesWithVector(key)).isEqualTo(4);
        assertThat(repo.promptVectors(key, List.of(1L, 2L))).extracting(EmbeddingRepository.OwnedVector::ownerId).containsExactly(1L);
        assertThat(repo.candidateVectors(key, List.of(1L, 4L, 5L))).extracting(EmbeddingRepository.OwnedVector::ownerId).containsExactly(1L, 4L);
        assertThat(repo.candidateAndPromptVectors(key, List.of(1L, 2L, 4L))).extracting(EmbeddingRepository.PairVectors::candidateId)
                .containsExactly(1L, 2L);
        assertThat(repo.candidateVectorsAfter(key, 1, 10)).extracting(EmbeddingRepository.OwnedVector::ownerId).containsExactly(2L, 3L, 4L);
        List<byte[]> found = repo.vectorsByHash(key, List.of(EmbeddingRepository.sha256("alpha"), EmbeddingRepository.sha256("nope")));
        assertThat(found.get(0)).startsWith((byte) 5);
        assertThat(found.get(1)).isNull();
        // Vectors belong to a model: another model has none, and deleting a model removes its vectors.
        assertThat(repo.countPending(repo.modelKey("m2", 2))).isEqualTo(5);
        repo.deleteModel("m");
        assertThat(repo.model("m")).isEmpty();
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM embedding")).isZero();
    }
}
