package dev.prefwork.store;

import dev.prefwork.store.LabelModelRunRepository.Predictions;
import dev.prefwork.store.LabelModelRunRepository.RunToSave;
import dev.prefwork.store.LabelModelRunRepository.StoredRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelModelRunRepositoryTest {

    @TempDir
    Path dir;
    Workspace ws;

    @BeforeEach
    void open() {
        ws = Workspace.open(dir.resolve("ws"));
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private static RunToSave run(String kind, long[] ids, float[] p) {
        return new RunToSave(kind, 0.42, "{\"epochs\":300}", "{\"helpfulness\":1.0}", "[{\"aspect\":\"helpfulness\"}]",
                "[{\"versionId\":7}]", "{\"labelCoverage\":0.5}", new long[]{9, 7, 8}, "3:10:30:60", 12, ids, p);
    }

    @Test
    void aRunAndItsPredictionsRoundTrip() {
        LabelModelRunRepository runs = ws.labelModelRuns();
        assertThat(runs.latest()).isEmpty();
        long id = runs.save(run("snorkel", new long[]{10, 20, 30}, new float[]{0.1f, 0.5f, 0.9f}));
        long id2 = runs.save(run("majority", new long[]{10, 20, 30}, new float[]{0f, 0.5f, 1f}));

        StoredRun latest = runs.latest().orElseThrow();
        assertThat(latest.id()).isEqualTo(id2).isGreaterThan(id);
        StoredRun first = runs.get(id).orElseThrow();
        assertThat(first.kind()).isEqualTo("snorkel");
        assertThat(first.status()).isEqualTo(LabelModelRunRepository.COMPLETE);
        assertThat(first.classBalance()).isEqualTo(0.42);
        assertThat(first.parametersJson()).isEqualTo("{\"epochs\":300}");
        assertThat(first.aspectWeightsJson()).contains("helpfulness");
        assertThat(first.lfVersionIds()).containsExactly(7, 8, 9);
        assertThat(first.candidateSet()).isEqualTo("3:10:30:60");
        assertThat(first.rows()).isEqualTo(3);

        Predictions p = runs.predictions(id).orElseThrow();
        assertThat(p.candidateIds()).containsExactly(10, 20, 30);
        assertThat(p.pGood()).containsExactly(0.1f, 0.5f, 0.9f);
        assertThat(p.pGood(30)).isEqualTo(0.9f);
        assertThat(p.pGood(25)).isNaN();
        assertThat(runs.list()).extracting(StoredRun::id).containsExactly(id2, id);
    }

    @Test
    void aFailedPredictionWriteLeavesNoHalfRun() {
        LabelModelRunRepository runs = ws.labelModelRuns();
        // the run row is inserted first; the predictions insert then fails (lengths differ): all rolled back
        assertThatThrownBy(() -> runs.save(run("snorkel", new long[]{10, 20, 30}, new float[]{0.1f})))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> runs.save(run("snorkel", new long[]{10, 20, 30}, null)))
                .isInstanceOf(StoreException.class);
        assertThat(runs.count()).isZero();
        assertThat(runs.latest()).isEmpty();
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM label_model_prediction")).isZero();
    }

    @Test
    void predictionsOfAHalfMillionCandidatesStayCompact() {
        int n = 500_000;
        long[] ids = new long[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000L + 2L * i;
            p[i] = (i % 1000) / 1000f;
        }
        LabelModelRunRepository runs = ws.labelModelRuns();
        long id = runs.save(run("snorkel", ids, p));
        assertThat(ws.jdbc().count("SELECT OCTET_LENGTH(p_good) FROM label_model_prediction WHERE run_id = ?", id)).isEqualTo(4L * n);
        Predictions back = runs.predictions(id).orElseThrow();
        assertThat(back.pGood(1000L + 2L * 123_456)).isEqualTo(p[123_456]);
        runs.delete(id);
        assertThat(runs.count()).isZero();
    }
}
