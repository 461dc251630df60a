package dev.prefwork.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stored label-model runs (V3): the run's metadata as JSON text (modules/labeling owns its meaning) and its
 * P(GOOD) per candidate as two BLOBs (ids int64, probabilities float32, same order). A run and its predictions
 * are written in one transaction: a failure or a killed process leaves no half run.
 */
public final class LabelModelRunRepository {

    public static final String COMPLETE = "COMPLETE";

    /** A run to save; JSON fields are opaque text here. {@code lfVersionIds} in any order (stored ascending). */
    public record RunToSave(String kind, double classBalance, String parametersJson, String aspectWeightsJson,
                            String aspectsJson, String lfsJson, String summaryJson, long[] lfVersionIds,
                            String candidateSet, long elapsedMs, long[] candidateIds, float[] pGood) {
    }

    /** A stored run without its predictions. */
    public record StoredRun(long id, String kind, String status, double classBalance, String parametersJson,
                            String aspectWeightsJson, String aspectsJson, String lfsJson, String summaryJson,
                            long[] lfVersionIds, String candidateSet, int rows, long elapsedMs, Instant createdAt) {
    }

    /** P(GOOD) per candidate of a run: {@code candidateIds} ascending, {@code pGood} in the same order. */
    public record Predictions(long runId, long[] candidateIds, float[] pGood) {

        /** P(GOOD) of one candidate, or NaN when the run did not cover it. */
        public float pGood(long candidateId) {
            int i = Arrays.binarySearch(candidateIds, candidateId);
            return i < 0 ? Float.NaN : pGood[i];
        }
    }

    private static final String COLUMNS = "id, kind, status, class_balance, parameters, aspect_weights, aspects, lfs, summary, "
            + "lf_version_ids, candidate_set, rows_count, elapsed_ms, created_at";

    private final Jdbc jdbc;

    LabelModelRunRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves a run with its predictions in one transaction and returns its id. */
    public long save(RunToSave run) {
        return jdbc.inTransaction(c -> save(c, run));
    }

    static long save(Connection c, RunToSave run) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO label_model_run (kind, status, class_balance, parameters, "
                + "aspect_weights, aspects, lfs, summary, lf_version_ids, candidate_set, rows_count, elapsed_ms, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, run.kind());
            ps.setString(2, COMPLETE);
            ps.setDouble(3, run.classBalance());
            ps.setString(4, run.parametersJson());
            ps.setString(5, run.aspectWeightsJson());
            ps.setString(6, run.aspectsJson());
            ps.setString(7, run.lfsJson());
            ps.setString(8, run.summaryJson());
            ps.setString(9, versionIds(run.lfVersionIds()));
            ps.setString(10, run.candidateSet());
            ps.setInt(11, run.candidateIds() == null ? 0 : run.candidateIds().length);
            ps.setLong(12, run.elapsedMs());
            ps.setObject(13, OffsetDateTime.now());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO label_model_prediction (run_id, rows_count, candidate_ids, p_good) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setInt(2, run.candidateIds() == null ? 0 : run.candidateIds().length);
            ps.setBytes(3, encode(run.candidateIds()));
            ps.setBytes(4, encode(run.pGood()));
            if (run.candidateIds() != null && run.pGood() != null && run.candidateIds().length != run.pGood().length) {
                throw new SQLException(run.candidateIds().length + " candidate ids for " + run.pGood().length + " probabilities");
            }
            ps.executeUpdate();
        }
        return id;
    }

    public Optional<StoredRun> latest() {
        return jdbc.one("SELECT " + COLUMNS + " FROM label_model_run ORDER BY id DESC LIMIT 1", LabelModelRunRepository::run);
    }

    public Optional<StoredRun> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM label_model_run WHERE id = ?", LabelModelRunRepository::run, id);
    }

    /** All runs, newest first. */
    public List<StoredRun> list() {
        return jdbc.list("SELECT " + COLUMNS + " FROM label_model_run ORDER BY id DESC", LabelModelRunRepository::run);
    }

    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM label_model_run");
    }

    public Optional<Predictions> predictions(long runId) {
        return jdbc.one("SELECT candidate_ids, p_good FROM label_model_prediction WHERE run_id = ?",
                rs -> new Predictions(runId, decodeLongs(rs.getBytes(1)), decodeFloats(rs.getBytes(2))), runId);
    }

    /** Deletes a run and its predictions. */
    public void delete(long runId) {
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM label_model_prediction WHERE run_id = ?", runId);
            return Jdbc.update(c, "DELETE FROM label_model_run WHERE id = ?", runId);
        });
    }

    private static StoredRun run(ResultSet rs) throws SQLException {
        return new StoredRun(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), parseVersionIds(rs.getString(10)), rs.getString(11),
                rs.getInt(12), rs.getLong(13), rs.getObject(14, OffsetDateTime.class).toInstant());
    }

    /** Ascending, comma-separated: the form the run is compared with the current LF versions in. */
    public static String versionIds(long[] ids) {
        return Arrays.stream(ids).sorted().mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    static long[] parseVersionIds(String s) {
        if (s == null || s.isBlank()) return new long[0];
        return Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
    }

    static byte[] encode(long[] values) {
        if (values == null) return null;
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        b.asLongBuffer().put(values);
        return b.array();
    }

    static byte[] encode(float[] values) {
        if (values == null) return null;
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static long[] decodeLongs(byte[] bytes) {
        long[] out = new long[bytes.length / 8];
        ByteBuffer.wrap(bytes).asLongBuffer().get(out);
        return out;
    }

    static float[] decodeFloats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(out);
        return out;
    }
}
