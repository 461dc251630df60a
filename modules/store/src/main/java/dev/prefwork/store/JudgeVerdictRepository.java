package dev.prefwork.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

/**
 * A judge model's answers, cached per (judge key, candidate, other candidate) so that applying a judge LF again
 * sends no request. The judge key is a hash of what decides the answer (labeling computes it); no API key is
 * stored.
 *
 * @see "V12__pair_votes_and_judge.sql"
 */
public final class JudgeVerdictRepository {

    /** @param value the parsed answer, or null when it could not be read; otherId 0 for a pointwise question */
    public record Verdict(String judgeKey, long candidateId, long otherId, String answer, Double value, Integer promptTokens,
                          Integer completionTokens, long latencyMs) {
    }

    private final Jdbc jdbc;

    JudgeVerdictRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves answers in one transaction (an answer already stored is replaced). */
    public void saveAll(Collection<Verdict> verdicts) {
        if (verdicts.isEmpty()) return;
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    MERGE INTO judge_verdict (judge_key, candidate_id, other_id, answer, answer_value, prompt_tokens,
                        completion_tokens, latency_ms, created_at) KEY (judge_key, candidate_id, other_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (Verdict v : verdicts) {
                    ps.setString(1, v.judgeKey());
                    ps.setLong(2, v.candidateId());
                    ps.setLong(3, v.otherId());
                    String a = v.answer() == null ? "" : v.answer();
                    ps.setString(4, a.length() <= 2000 ? a : a.substring(0, 1999) + "…");
                    ps.setObject(5, v.value());
                    ps.setObject(6, v.promptTokens());
                    ps.setObject(7, v.completionTokens());
                    ps.setLong(8, v.latencyMs());
                    ps.setObject(9, OffsetDateTime.now());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Every cached answer of one judge key. */
    public List<Verdict> all(String judgeKey) {
        return jdbc.list("""
                        SELECT judge_key, candidate_id, other_id, answer, answer_value, prompt_tokens, completion_tokens, latency_ms
                        FROM judge_verdict WHERE judge_key = ? ORDER BY candidate_id, other_id""",
                rs -> new Verdict(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getObject(5) == null ? null : rs.getDouble(5), (Integer) rs.getObject(6), (Integer) rs.getObject(7),
                        rs.getLong(8)), judgeKey);
    }

    /** "count:highest id" of one judge key's answers: changes whenever an answer is added (stale votes then recompute). */
    public String signature(String judgeKey) {
        return jdbc.one("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM judge_verdict WHERE judge_key = ?",
                rs -> rs.getLong(1) + ":" + rs.getLong(2), judgeKey).orElse("0:0");
    }

    /** "count:highest id" of all answers. */
    public String signature() {
        return jdbc.one("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM judge_verdict", rs -> rs.getLong(1) + ":" + rs.getLong(2)).orElse("0:0");
    }

}
