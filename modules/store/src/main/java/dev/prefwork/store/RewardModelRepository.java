package dev.prefwork.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Stored reward models (V7): the model's metadata as JSON text (modules/reward owns its meaning), its weights as
 * float64, and its scores per candidate as BLOBs, the way {@link LabelModelRunRepository} keeps P(GOOD). A model
 * and its scores are written in one transaction: a failure or a killed process leaves no half model.
 */
public final class RewardModelRepository {

    public static final String COMPLETE = "COMPLETE";

    /** A model to save; JSON fields are opaque text here. {@code lfVersionIds} in any order (stored ascending). */
    public record ModelToSave(String kind, String featureSetJson, String featuresJson, String parametersJson, double[] weights,
                              String metricsJson, Long labelModelRunId, long[] lfVersionIds, String candidateSet, String goldKey,
                              long elapsedMs, Scores scores) {
    }

    /** A stored model without its scores. */
    public record StoredModel(long id, String kind, String featureSetJson, String featuresJson, String parametersJson,
                              double[] weights, String metricsJson, Long labelModelRunId, long[] lfVersionIds,
                              String candidateSet, String goldKey, int rows, long elapsedMs, Instant createdAt) {
    }

    /**
     * The fit's rows and scores: {@code candidateIds} ascending, the other per-row arrays in the same order;
     * {@code contributions} holds {@code groups} values per candidate (row-major). The {@code oof*} arrays are the
     * held-out scores of the labelled prompts' candidates in the same layout, with their gold (1 GOOD, −1 BAD, 0 none),
     * and {@code pair*} the gold pairs (candidate ids) the model was evaluated on. The held-out arrays are empty when
     * there were too few labelled prompts for k-fold.
     */
    public record Scores(long[] candidateIds, long[] promptIds, int[] chars, float[] score, float[] pGood, int groups,
                         float[] contributions, long[] oofCandidateIds, float[] oofScore, float[] oofContributions,
                         byte[] oofGold, long[] pairWinners, long[] pairLosers, float[] pairWeights) {

        public int rows() {
            return candidateIds.length;
        }

        /** The row of a candidate, or a negative number when the model did not score it. */
        public int rowOf(long candidateId) {
            return Arrays.binarySearch(candidateIds, candidateId);
        }

        void check() throws SQLException {
            int n = candidateIds.length;
            if (promptIds.length != n || chars.length != n || score.length != n || pGood.length != n
                    || contributions.length != (long) n * groups) {
                throw new SQLException(n + " candidate ids for " + promptIds.length + " prompt ids, " + chars.length + " lengths, "
                        + score.length + " scores, " + pGood.length + " P(GOOD) and " + contributions.length + " contributions of "
                        + groups + " groups");
            }
            int m = oofCandidateIds.length;
            if (oofScore.length != m || oofGold.length != m || oofContributions.length != (long) m * groups) {
                throw new SQLException(m + " held-out candidate ids for " + oofScore.length + " scores, " + oofGold.length
                        + " gold and " + oofContributions.length + " contributions");
            }
            if (pairLosers.length != pairWinners.length || pairWeights.length != pairWinners.length) {
                throw new SQLException("gold pair arrays differ in length");
            }
            for (int i = 1; i < n; i++) {
                if (candidateIds[i] <= candidateIds[i - 1]) throw new SQLException("candidate ids are not ascending at row " + i);
            }
            for (int i = 1; i < m; i++) {
                if (oofCandidateIds[i] <= oofCandidateIds[i - 1]) throw new SQLException("held-out ids are not ascending at row " + i);
            }
        }
    }

    private static final String COLUMNS = "id, kind, feature_set, features, parameters, weights, metrics, label_model_run_id, "
            + "lf_version_ids, candidate_set, gold_key, rows_count, elapsed_ms, created_at";

    private final Jdbc jdbc;

    RewardModelRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves a model with its scores in one transaction and returns its id. */
    public long save(ModelToSave model) {
        return jdbc.inTransaction(c -> save(c, model));
    }

    private static long save(Connection c, ModelToSave m) throws SQLException {
        Scores s = m.scores();
        s.check();
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO reward_model (kind, status, feature_set, features, parameters, "
                + "weights, metrics, label_model_run_id, lf_version_ids, candidate_set, gold_key, rows_count, elapsed_ms, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, m.kind());
            ps.setString(2, COMPLETE);
            ps.setString(3, m.featureSetJson());
            ps.setString(4, m.featuresJson());
            ps.setString(5, m.parametersJson());
            ps.setBytes(6, encode(m.weights()));
            ps.setString(7, m.metricsJson());
            if (m.labelModelRunId() == null) ps.setNull(8, Types.BIGINT);
            else ps.setLong(8, m.labelModelRunId());
            ps.setString(9, LabelModelRunRepository.versionIds(m.lfVersionIds()));
            ps.setString(10, m.candidateSet());
            ps.setString(11, m.goldKey());
            ps.setInt(12, s.rows());
            ps.setLong(13, m.elapsedMs());
            ps.setObject(14, OffsetDateTime.now());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO reward_model_score (model_id, rows_count, groups_count, candidate_ids, "
                + "prompt_ids, chars, score, p_good, contributions, oof_rows, oof_candidate_ids, oof_score, oof_contributions, oof_gold, "
                + "pairs_count, pair_winners, pair_losers, pair_weights) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            ps.setLong(i++, id);
            ps.setInt(i++, s.rows());
            ps.setInt(i++, s.groups());
            ps.setBytes(i++, LabelModelRunRepository.encode(s.candidateIds()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.promptIds()));
            ps.setBytes(i++, encode(s.chars()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.score()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.pGood()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.contributions()));
            ps.setInt(i++, s.oofCandidateIds().length);
            ps.setBytes(i++, LabelModelRunRepository.encode(s.oofCandidateIds()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.oofScore()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.oofContributions()));
            ps.setBytes(i++, s.oofGold());
            ps.setInt(i++, s.pairWinners().length);
            ps.setBytes(i++, LabelModelRunRepository.encode(s.pairWinners()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.pairLosers()));
            ps.setBytes(i++, LabelModelRunRepository.encode(s.pairWeights()));
            ps.executeUpdate();
        }
        return id;
    }

    public Optional<StoredModel> latest() {
        return jdbc.one("SELECT " + COLUMNS + " FROM reward_model ORDER BY id DESC LIMIT 1", RewardModelRepository::model);
    }

    public Optional<StoredModel> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM reward_model WHERE id = ?", RewardModelRepository::model, id);
    }

    /** All models, newest first. */
    public List<StoredModel> list() {
        return jdbc.list("SELECT " + COLUMNS + " FROM reward_model ORDER BY id DESC", RewardModelRepository::model);
    }

    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM reward_model");
    }

    public Optional<Scores> scores(long modelId) {
        return jdbc.one("SELECT candidate_ids, prompt_ids, chars, score, p_good, groups_count, contributions, oof_candidate_ids, oof_score,"
                        + " oof_contributions, oof_gold, pair_winners, pair_losers, pair_weights FROM reward_model_score WHERE model_id = ?",
                rs -> new Scores(longs(rs, 1), longs(rs, 2), decodeInts(rs.getBytes(3)), floats(rs, 4), floats(rs, 5), rs.getInt(6),
                        floats(rs, 7), longs(rs, 8), floats(rs, 9), floats(rs, 10), rs.getBytes(11), longs(rs, 12), longs(rs, 13),
                        floats(rs, 14)), modelId);
    }

    private static long[] longs(ResultSet rs, int column) throws SQLException {
        return LabelModelRunRepository.decodeLongs(rs.getBytes(column));
    }

    private static float[] floats(ResultSet rs, int column) throws SQLException {
        return LabelModelRunRepository.decodeFloats(rs.getBytes(column));
    }

    /** Deletes a model and its scores. */
    public void delete(long modelId) {
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM reward_model_score WHERE model_id = ?", modelId);
            return Jdbc.update(c, "DELETE FROM reward_model WHERE id = ?", modelId);
        });
    }

    private static StoredModel model(ResultSet rs) throws SQLException {
        return new StoredModel(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                decodeDoubles(rs.getBytes(6)), rs.getString(7), Jdbc.getLong(rs, "label_model_run_id"),
                LabelModelRunRepository.parseVersionIds(rs.getString(9)), rs.getString(10), rs.getString(11), rs.getInt(12),
                rs.getLong(13), rs.getObject(14, OffsetDateTime.class).toInstant());
    }

    static byte[] encode(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    static byte[] encode(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        b.asIntBuffer().put(values);
        return b.array();
    }

    static int[] decodeInts(byte[] bytes) {
        int[] out = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).asIntBuffer().get(out);
        return out;
    }

    static double[] decodeDoubles(byte[] bytes) {
        double[] out = new double[bytes.length / 8];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(out);
        return out;
    }
}
