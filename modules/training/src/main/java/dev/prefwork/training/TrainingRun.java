package dev.prefwork.training;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A training run as the history shows it: its settings, status, times, progress, final metrics and artifacts
 * (paths relative to its folder).
 *
 * @param runSeconds   time its trainer ran before this start (all starts, when it has ended)
 * @param legStartedAt when the trainer last started (its process start)
 */
public record TrainingRun(long id, String name, RunStatus status, TrainingConfig config, String configJson, String model,
                          String pairSource, int pairCount, Path dir, String python, Long pid, Instant createdAt,
                          Instant startedAt, Instant endedAt, Integer totalSteps, int lastStep,
                          Map<String, Double> finalMetrics, List<String> artifacts, String error, Integer exitCode,
                          double runSeconds, Instant legStartedAt) {

    public TrainingRun {
        finalMetrics = finalMetrics == null ? Map.of() : Map.copyOf(finalMetrics);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    public Path stdoutLog() {
        return dir.resolve(RunFolder.STDOUT);
    }

    public Path stderrLog() {
        return dir.resolve(RunFolder.STDERR);
    }

    /** The step of the run folder's checkpoint, or null when it has none. */
    public Integer checkpointStep() {
        return RunFolder.checkpointStep(dir);
    }

    /** Cancelled or failed with a checkpoint to continue from, or prepared and never started. */
    public boolean resumable() {
        return status == RunStatus.PREPARED
                || ((status == RunStatus.CANCELLED || status == RunStatus.FAILED) && checkpointStep() != null);
    }

    /** The time its trainer ran, summed over a cancel and a resume (up to {@code now} while running). */
    public Duration duration(Instant now) {
        Duration d = Duration.ofMillis(Math.round(runSeconds * 1000));
        if (status == RunStatus.RUNNING && legStartedAt != null) d = d.plus(Duration.between(legStartedAt, now));
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** A final metric, NaN when the run has none. */
    public double metric(String name) {
        Double v = finalMetrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
