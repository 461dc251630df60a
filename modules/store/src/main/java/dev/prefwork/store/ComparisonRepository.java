package dev.prefwork.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Before/after comparisons of a training run (V11). Both models' responses are candidates of their prompts; a
 * prompt's two candidates and its result row are written in one transaction ({@link #addResult}), so a comparison
 * stopped at any point holds whole prompts only. The JSON columns are opaque here (modules/training owns them).
 */
public final class ComparisonRepository {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETE = "COMPLETE";
    public static final String FAILED = "FAILED";
    public static final String CANCELLED = "CANCELLED";

    public record Stored(long id, long runId, String status, int promptCount, String settingsJson, String summaryJson,
                         Long rewardModelId, String error, Instant createdAt, Instant finishedAt) {
    }

    /** One prompt's pair; scores are null until scored, judge null when no judge ran. */
    public record Result(int ordinal, long promptId, Long baseCandidateId, Long tunedCandidateId, Double baseScore,
                         Double tunedScore, String judge, String judgeDetailJson) {
    }

    private static final String COLUMNS = "id, run_id, status, prompt_count, settings, summary, reward_model_id, error, "
            + "created_at, finished_at";

    private final Jdbc jdbc;

    ComparisonRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public long create(long runId, int promptCount, String settingsJson) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO comparison (run_id, status, prompt_count, settings, created_at) "
                    + "VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, runId);
                ps.setString(2, RUNNING);
                ps.setInt(3, promptCount);
                ps.setString(4, settingsJson);
                ps.setObject(5, OffsetDateTime.now());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Writes a prompt's base and tuned responses as candidates ({@code model} each, appended after the prompt's
     * others) and its result row, together. Returns the two candidate ids (base, tuned).
     */
    public long[] addResult(long comparisonId, int ordinal, long promptId, String baseModel, String baseText, String tunedModel,
                            String tunedText, String baseMetadataJson, String tunedMetadataJson) {
        return jdbc.inTransaction(c -> {
            int next = Jdbc.list(c, "SELECT COALESCE(MAX(position), -1) + 1 FROM candidate WHERE prompt_id = ?",
                    rs -> rs.getInt(1), promptId).get(0);
            long[] ids = new long[2];
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO candidate (prompt_id, position, text, model, metadata) "
                    + "VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                String[][] rows = {{baseText, baseModel, baseMetadataJson}, {tunedText, tunedModel, tunedMetadataJson}};
                for (int i = 0; i < 2; i++) {
                    ps.setLong(1, promptId);
                    ps.setInt(2, next + i);
                    ps.setString(3, rows[i][0]);
                    ps.setString(4, rows[i][1]);
                    ps.setString(5, rows[i][2]);
                    ps.executeUpdate();
                    try (ResultSet rs = ps.getGeneratedKeys()) {
                        rs.next();
                        ids[i] = rs.getLong(1);
                    }
                }
            }
            Jdbc.update(c, "INSERT INTO comparison_result (comparison_id, ordinal, prompt_id, base_candidate_id, tuned_candidate_id) "
                    + "VALUES (?, ?, ?, ?, ?)", comparisonId, ordinal, promptId, ids[0], ids[1]);
            return ids;
        });
    }

    /** Stores every result's scores (and judge verdict when {@code judges} is not null), in one transaction. */
    public void saveScores(long comparisonId, List<Result> results) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE comparison_result SET base_score = ?, tuned_score = ?, judge = ?, "
                    + "judge_detail = ? WHERE comparison_id = ? AND prompt_id = ?")) {
                for (Result r : results) {
                    setDouble(ps, 1, r.baseScore());
                    setDouble(ps, 2, r.tunedScore());
                    ps.setString(3, r.judge());
                    ps.setString(4, r.judgeDetailJson());
                    ps.setLong(5, comparisonId);
                    ps.setLong(6, r.promptId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    public void finish(long id, String status, String summaryJson, Long rewardModelId, String error) {
        jdbc.update("UPDATE comparison SET status = ?, summary = ?, reward_model_id = ?, error = ?, finished_at = ? WHERE id = ?",
                status, summaryJson, rewardModelId, error == null ? null : error.length() > 4000 ? error.substring(0, 4000) : error,
                OffsetDateTime.now(), id);
    }

    public Optional<Stored> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM comparison WHERE id = ?", ComparisonRepository::row, id);
    }

    /** Newest first; of one run when {@code runId} is not null. */
    public List<Stored> list(Long runId) {
        return runId == null
                ? jdbc.list("SELECT " + COLUMNS + " FROM comparison ORDER BY id DESC", ComparisonRepository::row)
                : jdbc.list("SELECT " + COLUMNS + " FROM comparison WHERE run_id = ? ORDER BY id DESC", ComparisonRepository::row, runId);
    }

    public List<Result> results(long comparisonId) {
        return jdbc.list("SELECT ordinal, prompt_id, base_candidate_id, tuned_candidate_id, base_score, tuned_score, judge, judge_detail "
                + "FROM comparison_result WHERE comparison_id = ? ORDER BY ordinal", rs -> new Result(rs.getInt(1), rs.getLong(2),
                Jdbc.getLong(rs, "base_candidate_id"), Jdbc.getLong(rs, "tuned_candidate_id"), getDouble(rs, 5), getDouble(rs, 6),
                rs.getString(7), rs.getString(8)), comparisonId);
    }

    /**
     * The candidates that are a model's answer in a before/after comparison, ascending, with how many comparisons
     * they come from. Curation leaves them out unless asked (a tuned model's own answers should not feed its next
     * training set unnoticed). Read from the result rows and from the tag {@code addResult}'s callers write (model
     * {@code run-<id>:base|tuned} with {@code "comparison"} in the metadata), so answers whose comparison went with
     * its run are still known.
     */
    public Answers answers() {
        java.util.TreeMap<Long, Long> byCandidate = new java.util.TreeMap<>();
        jdbc.list("SELECT base_candidate_id, comparison_id FROM comparison_result WHERE base_candidate_id IS NOT NULL "
                + "UNION SELECT tuned_candidate_id, comparison_id FROM comparison_result WHERE tuned_candidate_id IS NOT NULL",
                rs -> byCandidate.put(rs.getLong(1), rs.getLong(2)));
        jdbc.list("SELECT id, metadata FROM candidate WHERE (model LIKE 'run-%:base' OR model LIKE 'run-%:tuned') "
                + "AND metadata LIKE '%\"comparison\"%'", rs -> {
            java.util.regex.Matcher m = COMPARISON_TAG.matcher(rs.getString(2));
            return byCandidate.putIfAbsent(rs.getLong(1), m.find() ? Long.parseLong(m.group(1)) : -1L);
        });
        long[] ids = byCandidate.keySet().stream().mapToLong(Long::longValue).toArray();
        int comparisons = (int) byCandidate.values().stream().distinct().count();
        return new Answers(ids, comparisons);
    }

    private static final java.util.regex.Pattern COMPARISON_TAG = java.util.regex.Pattern.compile("\"comparison\"\\s*:\\s*(\\d+)");

    /** @param candidateIds ascending; @param comparisons how many comparisons they come from */
    public record Answers(long[] candidateIds, int comparisons) {
        public int size() {
            return candidateIds.length;
        }

        public boolean contains(long candidateId) {
            return java.util.Arrays.binarySearch(candidateIds, candidateId) >= 0;
        }
    }

    private static Stored row(ResultSet rs) throws SQLException {
        return new Stored(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getString(6),
                Jdbc.getLong(rs, "reward_model_id"), rs.getString(8), instant(rs, 9), instant(rs, 10));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Double getDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || v.isNaN()) ps.setNull(i, Types.DOUBLE);
        else ps.setDouble(i, v);
    }
}
