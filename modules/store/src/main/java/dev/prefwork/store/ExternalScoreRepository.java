package dev.prefwork.store;

import dev.prefwork.core.InputException;

import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Scores of external ONNX scorers per candidate, computed once and kept (the inference module fills them). */
public final class ExternalScoreRepository {

    /** A candidate still to be scored, with its prompt's text. */
    public record PendingPair(long candidateId, String prompt, String response) { }

    /** A stored score; {@code probabilities} is float32 little-endian per class, or null for one logit. */
    public record StoredScore(long candidateId, double score, byte[] probabilities) { }

    private final Jdbc jdbc;

    public ExternalScoreRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The scorer's key, registering it on first use; a known name with another number of classes is an error. */
    public int scorerKey(String name, int classes) {
        return jdbc.inTransaction(c -> {
            List<int[]> rows = Jdbc.list(c, "SELECT id, classes FROM external_scorer WHERE name = ?",
                    rs -> new int[]{rs.getInt(1), rs.getInt(2)}, name);
            if (!rows.isEmpty()) {
                if (rows.get(0)[1] != classes) {
                    throw new InputException("the scorer '" + name + "' was stored with " + rows.get(0)[1]
                            + " classes, not " + classes + "; it is not the same model");
                }
                return rows.get(0)[0];
            }
            Jdbc.update(c, "INSERT INTO external_scorer (name, classes, created_at) VALUES (?, ?, ?)", name, classes, OffsetDateTime.now());
            return Jdbc.list(c, "SELECT id FROM external_scorer WHERE name = ?", rs -> rs.getInt(1), name).get(0);
        });
    }

    public Optional<Integer> findScorerKey(String name) {
        return jdbc.one("SELECT id FROM external_scorer WHERE name = ?", rs -> rs.getInt(1), name);
    }

    public long countPending(int scorerKey) {
        return jdbc.count("SELECT COUNT(*) FROM candidate c WHERE NOT EXISTS"
                + " (SELECT 1 FROM external_score s WHERE s.scorer_id = ? AND s.candidate_id = c.id)", scorerKey);
    }

    /** Candidates after {@code afterId} without a score, in id order, with their prompt's text. */
    public List<PendingPair> pendingPairs(int scorerKey, long afterId, int limit) {
        return jdbc.list("SELECT c.id, p.text, c.text FROM candidate c JOIN prompt p ON p.id = c.prompt_id"
                        + " WHERE c.id > ? AND NOT EXISTS (SELECT 1 FROM external_score s WHERE s.scorer_id = ? AND s.candidate_id = c.id)"
                        + " ORDER BY c.id LIMIT ?",
                rs -> new PendingPair(rs.getLong(1), rs.getString(2), rs.getString(3)), afterId, scorerKey, limit);
    }

    /** Stores scores in one transaction; a score already stored is replaced. */
    public void putScores(int scorerKey, List<StoredScore> scores) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO external_score (scorer_id, candidate_id, score, probabilities)"
                    + " KEY (scorer_id, candidate_id) VALUES (?, ?, ?, ?)")) {
                for (StoredScore s : scores) {
                    ps.setInt(1, scorerKey);
                    ps.setLong(2, s.candidateId());
                    ps.setDouble(3, s.score());
                    if (s.probabilities() == null) ps.setNull(4, Types.VARBINARY);
                    else ps.setBytes(4, s.probabilities());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    public Map<Long, StoredScore> scores(int scorerKey, Collection<Long> candidateIds) {
        Map<Long, StoredScore> out = new LinkedHashMap<>();
        for (StoredScore s : jdbc.list("SELECT candidate_id, score, probabilities FROM external_score"
                        + " WHERE scorer_id = ? AND candidate_id = ANY(?) ORDER BY candidate_id",
                rs -> new StoredScore(rs.getLong(1), rs.getDouble(2), rs.getBytes(3)), scorerKey, candidateIds.toArray(new Long[0]))) {
            out.put(s.candidateId(), s);
        }
        return out;
    }

    /** Scores in candidate id order after {@code afterId}, {@code limit} at a time. */
    public List<StoredScore> scoresAfter(int scorerKey, long afterId, int limit) {
        return jdbc.list("SELECT candidate_id, score, probabilities FROM external_score WHERE scorer_id = ? AND candidate_id > ?"
                        + " ORDER BY candidate_id LIMIT ?",
                rs -> new StoredScore(rs.getLong(1), rs.getDouble(2), rs.getBytes(3)), scorerKey, afterId, limit);
    }

    public void deleteScorer(String name) {
        jdbc.update("DELETE FROM external_scorer WHERE name = ?", name);
    }
}
