package dev.prefwork.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Training runs and their metric streams (V9). JSON columns (config, final metrics, artifacts, each metric
 * line) are opaque text here; modules/training owns their meaning. New metric lines and the log offset they
 * were read up to are written in one transaction, so a re-attached reader neither loses nor repeats a line.
 */
public final class TrainingRunRepository {

    public static final String PREPARED = "prepared";
    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    /** A run as stored. */
    public record Row(long id, String name, String status, String configJson, String pairSource, int pairCount,
                      String model, String runDir, String python, Long pid, Instant pidStartedAt, Instant createdAt,
                      Instant startedAt, Instant endedAt, Integer totalSteps, int lastStep, String finalMetricsJson,
                      String artifactsJson, String error, Integer exitCode, long logOffset, double runSeconds) {
    }

    /** One metric line of a run: {@code json} is the object the trainer printed. */
    public record Metric(int seq, int step, Double epoch, boolean eval, String json) {
    }

    private static final String COLUMNS = "id, name, status, config, pair_source, pair_count, model, run_dir, python, pid, "
            + "pid_started_at, created_at, started_at, ended_at, total_steps, last_step, final_metrics, artifacts, error, "
            + "exit_code, log_offset, run_seconds";

    private final Jdbc jdbc;

    TrainingRunRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a prepared run; {@code runDirFor} gives its folder from its id. Returns the id. */
    public long create(String name, String configJson, String pairSource, int pairCount, String model,
                       java.util.function.LongFunction<String> runDirFor) {
        return jdbc.inTransaction(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO training_run (name, status, config, pair_source, "
                    + "pair_count, model, run_dir, created_at) VALUES (?, ?, ?, ?, ?, ?, '', ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, PREPARED);
                ps.setString(3, configJson);
                ps.setString(4, pairSource);
                ps.setInt(5, pairCount);
                ps.setString(6, model);
                ps.setObject(7, OffsetDateTime.now());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            Jdbc.update(c, "UPDATE training_run SET run_dir = ? WHERE id = ?", runDirFor.apply(id), id);
            return id;
        });
    }

    /** Rewrites the config (the run folder's config.json changed, e.g. a cache list filled in). */
    public void setConfig(long id, String configJson) {
        jdbc.update("UPDATE training_run SET config = ? WHERE id = ?", configJson, id);
    }

    public Optional<Row> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM training_run WHERE id = ?", TrainingRunRepository::row, id);
    }

    /** All runs, newest first. */
    public List<Row> list() {
        return jdbc.list("SELECT " + COLUMNS + " FROM training_run ORDER BY id DESC", TrainingRunRepository::row);
    }

    public List<Row> withStatus(String status) {
        return jdbc.list("SELECT " + COLUMNS + " FROM training_run WHERE status = ? ORDER BY id", TrainingRunRepository::row, status);
    }

    /**
     * The trainer process started: status running, its pid and start time, the interpreter. On a resume the
     * metric lines after {@code keepUpToStep} (logged after the checkpoint, to be computed again) are deleted.
     */
    public void markStarted(long id, long pid, Instant pidStartedAt, String python, Integer keepUpToStep) {
        jdbc.inTransaction(c -> {
            if (keepUpToStep != null) {
                Jdbc.update(c, "DELETE FROM training_metric WHERE run_id = ? AND step > ?", id, keepUpToStep);
            }
            return Jdbc.update(c, "UPDATE training_run SET status = ?, pid = ?, pid_started_at = ?, python = ?, "
                            + "started_at = COALESCE(started_at, ?), ended_at = NULL, error = NULL, exit_code = NULL, "
                            + "last_step = COALESCE(?, last_step) WHERE id = ?",
                    RUNNING, pid, pidStartedAt == null ? null : pidStartedAt.atOffset(ZoneOffset.UTC), python,
                    OffsetDateTime.now(), keepUpToStep, id);
        });
    }

    /**
     * Appends metric lines read from the log and records how far the log has been read, in one transaction.
     * {@code totalSteps} null leaves it unchanged.
     */
    public void append(long id, List<Metric> metrics, long logOffset, int lastStep, Integer totalSteps) {
        jdbc.inTransaction(c -> {
            if (!metrics.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO training_metric (run_id, seq, step, epoch, is_eval, metrics) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (Metric m : metrics) {
                        ps.setLong(1, id);
                        ps.setInt(2, m.seq());
                        ps.setInt(3, m.step());
                        ps.setObject(4, m.epoch());
                        ps.setBoolean(5, m.eval());
                        ps.setString(6, m.json());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return Jdbc.update(c, "UPDATE training_run SET log_offset = ?, last_step = GREATEST(last_step, ?), "
                    + "total_steps = COALESCE(?, total_steps) WHERE id = ?", logOffset, lastStep, totalSteps, id);
        });
    }

    /**
     * The run ended at {@code endedAt}: its status, final metrics, artifacts, error and exit code; the time since
     * this start of its trainer is added to its run time.
     */
    public void finish(long id, String status, Instant endedAt, String finalMetricsJson, String artifactsJson, String error,
                       Integer exitCode) {
        OffsetDateTime end = (endedAt == null ? Instant.now() : endedAt).atOffset(ZoneOffset.UTC);
        jdbc.update("UPDATE training_run SET status = ?, ended_at = ?, final_metrics = COALESCE(?, final_metrics), "
                        + "artifacts = COALESCE(?, artifacts), error = ?, exit_code = ?, pid = NULL, "
                        + "run_seconds = run_seconds + GREATEST(0, COALESCE(DATEDIFF('MILLISECOND', COALESCE(pid_started_at, started_at), ?), 0)) / 1000.0 "
                        + "WHERE id = ?",
                status, end, finalMetricsJson, artifactsJson, error, exitCode, end, id);
    }

    public List<Metric> metrics(long id) {
        return jdbc.list("SELECT seq, step, epoch, is_eval, metrics FROM training_metric WHERE run_id = ? ORDER BY seq",
                rs -> new Metric(rs.getInt(1), rs.getInt(2), (Double) rs.getObject(3), rs.getBoolean(4), rs.getString(5)), id);
    }

    /** The next free seq of a run's metric lines. */
    public int nextSeq(long id) {
        return (int) jdbc.count("SELECT COALESCE(MAX(seq) + 1, 0) FROM training_metric WHERE run_id = ?", id);
    }

    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM training_run");
    }

    /** Deletes a run's row and metrics (not its folder). */
    public void delete(long id) {
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM training_metric WHERE run_id = ?", id);
            return Jdbc.update(c, "DELETE FROM training_run WHERE id = ?", id);
        });
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                rs.getString(7), rs.getString(8), rs.getString(9), Jdbc.getLong(rs, "pid"), instant(rs, 11), instant(rs, 12),
                instant(rs, 13), instant(rs, 14), (Integer) rs.getObject(15), rs.getInt(16), rs.getString(17),
                rs.getString(18), rs.getString(19), (Integer) rs.getObject(20), rs.getLong(21), rs.getDouble(22));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
