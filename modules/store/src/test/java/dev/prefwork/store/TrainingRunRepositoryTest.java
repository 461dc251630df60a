package dev.prefwork.store;

import dev.prefwork.store.TrainingRunRepository.Metric;
import dev.prefwork.store.TrainingRunRepository.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingRunRepositoryTest {

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

    @Test
    void aRunGoesFromPreparedToRunningToFinishedWithItsMetrics() {
        TrainingRunRepository runs = ws.trainingRuns();
        long id = runs.create("first", "{\"beta\":0.1}", "pairs.jsonl", 24, "/models/tiny", i -> "/ws/runs/run-" + i);
        Row r = runs.get(id).orElseThrow();
        assertThat(r.status()).isEqualTo(TrainingRunRepository.PREPARED);
        assertThat(r.runDir()).isEqualTo("/ws/runs/run-" + id);
        assertThat(r.pairCount()).isEqualTo(24);
        assertThat(r.logOffset()).isZero();

        Instant started = Instant.parse("2025-01-02T03:04:05Z");
        runs.markStarted(id, 4242, started, "/usr/bin/python3", null);
        r = runs.get(id).orElseThrow();
        assertThat(r.status()).isEqualTo(TrainingRunRepository.RUNNING);
        assertThat(r.pid()).isEqualTo(4242L);
        assertThat(r.pidStartedAt()).isEqualTo(started);
        assertThat(r.startedAt()).isNotNull();
        assertThat(runs.withStatus(TrainingRunRepository.RUNNING)).extracting(Row::id).containsExactly(id);

        assertThat(runs.nextSeq(id)).isZero();
        runs.append(id, List.of(new Metric(0, 1, 0.1, false, "{\"loss\":0.69,\"step\":1}"),
                new Metric(1, 1, 0.1, true, "{\"eval_loss\":0.7,\"step\":1}")), 120, 1, 10);
        runs.append(id, List.of(new Metric(2, 2, 0.2, false, "{\"loss\":0.6,\"step\":2}")), 180, 2, null);
        assertThat(runs.nextSeq(id)).isEqualTo(3);
        r = runs.get(id).orElseThrow();
        assertThat(r.logOffset()).isEqualTo(180);
        assertThat(r.lastStep()).isEqualTo(2);
        assertThat(r.totalSteps()).isEqualTo(10);
        List<Metric> m = runs.metrics(id);
        assertThat(m).extracting(Metric::step).containsExactly(1, 1, 2);
        assertThat(m.get(1).eval()).isTrue();
        assertThat(m.get(2).json()).contains("0.6");

        runs.finish(id, TrainingRunRepository.FINISHED, started.plusSeconds(90), "{\"loss\":0.6}", "[\"final/model.pt\"]", null, 0);
        r = runs.get(id).orElseThrow();
        assertThat(r.status()).isEqualTo(TrainingRunRepository.FINISHED);
        assertThat(r.endedAt()).isNotNull();
        assertThat(r.pid()).isNull();
        assertThat(r.finalMetricsJson()).isEqualTo("{\"loss\":0.6}");
        assertThat(r.exitCode()).isZero();
        assertThat(r.runSeconds()).isEqualTo(90.0);   // from the trainer's start to its end
    }

    @Test
    void aResumeDropsTheMetricsAfterTheCheckpoint() {
        TrainingRunRepository runs = ws.trainingRuns();
        long id = runs.create("r", "{}", "pairs", 4, "m", i -> "d" + i);
        runs.markStarted(id, 1, null, "py", null);
        runs.append(id, List.of(new Metric(0, 1, null, false, "{}"), new Metric(1, 2, null, false, "{}"),
                new Metric(2, 3, null, false, "{}")), 30, 3, 10);
        runs.finish(id, TrainingRunRepository.FAILED, null, null, null, "killed", 137);
        runs.markStarted(id, 2, null, "py", 2);
        assertThat(runs.metrics(id)).extracting(Metric::step).containsExactly(1, 2);
        Row r = runs.get(id).orElseThrow();
        assertThat(r.status()).isEqualTo(TrainingRunRepository.RUNNING);
        assertThat(r.error()).isNull();
        assertThat(r.endedAt()).isNull();
    }

    @Test
    void anUnknownStatusIsRefused() {
        TrainingRunRepository runs = ws.trainingRuns();
        long id = runs.create("r", "{}", "pairs", 4, "m", i -> "d" + i);
        assertThatThrownBy(() -> runs.finish(id, "exploded", null, null, null, null, null)).isInstanceOf(StoreException.class);
    }

    @Test
    void aDuplicateMetricLineRollsBackTheWholeAppend() {
        TrainingRunRepository runs = ws.trainingRuns();
        long id = runs.create("r", "{}", "pairs", 4, "m", i -> "d" + i);
        runs.append(id, List.of(new Metric(0, 1, null, false, "{}")), 10, 1, null);
        assertThatThrownBy(() -> runs.append(id, List.of(new Metric(1, 2, null, false, "{}"), new Metric(0, 2, null, false, "{}")), 20, 2, null))
                .isInstanceOf(StoreException.class);
        assertThat(runs.metrics(id)).hasSize(1);
        assertThat(runs.get(id).orElseThrow().logOffset()).isEqualTo(10);
    }
}
