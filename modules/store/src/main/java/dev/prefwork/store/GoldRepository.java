package dev.prefwork.store;

import dev.prefwork.core.CandidateGold;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Preference;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The expert's gold judgments. Each setter is its own transaction and is durable when it returns, so the UI
 * can save every keystroke without a save button. Setting a value to null clears it; a row left with
 * nothing in it is deleted, so "labelled" always means "has a judgment".
 */
public final class GoldRepository {

    /** Everything the expert said about one prompt. */
    public record PromptJudgments(PromptGold prompt, List<CandidateGold> candidates, List<Preference> preferences) {
    }

    private final Jdbc jdbc;

    GoldRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void setLabel(long candidateId, Verdict label, Long sessionId) {
        jdbc.inTransaction(c -> {
            long promptId = promptOf(c, candidateId);
            Jdbc.update(c, """
                    MERGE INTO gold_candidate g USING (VALUES (CAST(? AS BIGINT))) s(cid) ON g.candidate_id = s.cid
                    WHEN MATCHED THEN UPDATE SET label = ?, session_id = ?, updated_at = ?
                    WHEN NOT MATCHED THEN INSERT (candidate_id, prompt_id, label, session_id, updated_at) VALUES (?, ?, ?, ?, ?)""",
                    candidateId, name(label), sessionId, now(), candidateId, promptId, name(label), sessionId, now());
            deleteEmptyCandidateRow(c, candidateId);
            touchSession(c, sessionId, promptId);
            return null;
        });
    }

    public void setRating(long candidateId, Integer rating, Long sessionId) {
        if (rating != null && (rating < 1 || rating > 5)) throw new InputException("a rating is 1 to 5, not " + rating);
        jdbc.inTransaction(c -> {
            long promptId = promptOf(c, candidateId);
            Jdbc.update(c, """
                    MERGE INTO gold_candidate g USING (VALUES (CAST(? AS BIGINT))) s(cid) ON g.candidate_id = s.cid
                    WHEN MATCHED THEN UPDATE SET rating = ?, session_id = ?, updated_at = ?
                    WHEN NOT MATCHED THEN INSERT (candidate_id, prompt_id, rating, session_id, updated_at) VALUES (?, ?, ?, ?, ?)""",
                    candidateId, rating, sessionId, now(), candidateId, promptId, rating, sessionId, now());
            deleteEmptyCandidateRow(c, candidateId);
            touchSession(c, sessionId, promptId);
            return null;
        });
    }

    /** Sets best and/or worst and the note of a prompt in one write; picking as best what was worst clears worst. */
    public void setPromptGold(PromptGold gold, Long sessionId) {
        jdbc.inTransaction(c -> {
            checkBelongs(c, gold.promptId(), gold.bestCandidateId());
            checkBelongs(c, gold.promptId(), gold.worstCandidateId());
            Long worst = gold.worstCandidateId() != null && gold.worstCandidateId().equals(gold.bestCandidateId())
                    ? null : gold.worstCandidateId();
            Jdbc.update(c, "DELETE FROM gold_prompt WHERE prompt_id = ?", gold.promptId());
            if (gold.bestCandidateId() != null || worst != null || (gold.note() != null && !gold.note().isBlank())) {
                Jdbc.update(c, "INSERT INTO gold_prompt (prompt_id, best_candidate_id, worst_candidate_id, note, session_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        gold.promptId(), gold.bestCandidateId(), worst, blankToNull(gold.note()), sessionId, now());
            }
            touchSession(c, sessionId, gold.promptId());
            return null;
        });
    }

    /** Records that {@code preferred} beats {@code other}; null {@code preferred} removes the pair's preference. */
    public void setPreference(long candidateA, long candidateB, Long preferred, Long sessionId) {
        if (candidateA == candidateB) throw new InputException("a preference needs two different candidates");
        long a = Math.min(candidateA, candidateB);
        long b = Math.max(candidateA, candidateB);
        jdbc.inTransaction(c -> {
            long promptId = promptOf(c, a);
            if (promptOf(c, b) != promptId) throw new InputException("a preference compares two candidates of the same prompt");
            Jdbc.update(c, "DELETE FROM gold_preference WHERE candidate_a = ? AND candidate_b = ?", a, b);
            if (preferred != null) {
                if (preferred != a && preferred != b) throw new InputException("the preferred candidate must be one of the pair");
                Jdbc.update(c, "INSERT INTO gold_preference (candidate_a, candidate_b, prompt_id, preferred, session_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        a, b, promptId, preferred, sessionId, now());
            }
            touchSession(c, sessionId, promptId);
            return null;
        });
    }

    public PromptJudgments forPrompt(long promptId) {
        PromptGold pg = jdbc.one("SELECT best_candidate_id, worst_candidate_id, note FROM gold_prompt WHERE prompt_id = ?",
                        rs -> new PromptGold(promptId, Jdbc.getLong(rs, "best_candidate_id"), Jdbc.getLong(rs, "worst_candidate_id"), rs.getString("note")),
                        promptId)
                .orElse(new PromptGold(promptId, null, null, null));
        List<CandidateGold> cands = jdbc.list("SELECT candidate_id, label, rating FROM gold_candidate WHERE prompt_id = ? ORDER BY candidate_id",
                rs -> new CandidateGold(rs.getLong(1), promptId, verdict(rs.getString(2)), (Integer) rs.getObject(3, Integer.class)), promptId);
        List<Preference> prefs = jdbc.list("SELECT preferred, CASE WHEN preferred = candidate_a THEN candidate_b ELSE candidate_a END FROM gold_preference WHERE prompt_id = ? ORDER BY candidate_a, candidate_b",
                rs -> new Preference(promptId, rs.getLong(1), rs.getLong(2)), promptId);
        return new PromptJudgments(pg, cands, prefs);
    }

    /**
     * Everything stored about one prompt's gold, row by row with each row's session and time, and the prompt's
     * review flag: what {@link #restore} puts back to undo the judgment that followed.
     */
    public record Snapshot(long promptId, PromptRow prompt, List<CandidateRow> candidates, List<PreferenceRow> preferences,
                           boolean flagged, OffsetDateTime reviewedAt) {
    }

    public record PromptRow(Long best, Long worst, String note, Long sessionId, OffsetDateTime updatedAt) {
    }

    public record CandidateRow(long candidateId, String label, Integer rating, Long sessionId, OffsetDateTime updatedAt) {
    }

    public record PreferenceRow(long candidateA, long candidateB, long preferred, Long sessionId, OffsetDateTime updatedAt) {
    }

    /** The prompt's gold as stored now (see {@link Snapshot}). */
    public Snapshot snapshot(long promptId) {
        return jdbc.inTransaction(c -> {
            PromptRow p = Jdbc.list(c, "SELECT best_candidate_id, worst_candidate_id, note, session_id, updated_at FROM gold_prompt WHERE prompt_id = ?",
                    rs -> new PromptRow(Jdbc.getLong(rs, "best_candidate_id"), Jdbc.getLong(rs, "worst_candidate_id"), rs.getString("note"),
                            Jdbc.getLong(rs, "session_id"), rs.getObject("updated_at", OffsetDateTime.class)), promptId)
                    .stream().findFirst().orElse(null);
            List<CandidateRow> cands = Jdbc.list(c, "SELECT candidate_id, label, rating, session_id, updated_at FROM gold_candidate WHERE prompt_id = ? ORDER BY candidate_id",
                    rs -> new CandidateRow(rs.getLong(1), rs.getString(2), (Integer) rs.getObject(3, Integer.class), Jdbc.getLong(rs, "session_id"),
                            rs.getObject(5, OffsetDateTime.class)), promptId);
            List<PreferenceRow> prefs = Jdbc.list(c, "SELECT candidate_a, candidate_b, preferred, session_id, updated_at FROM gold_preference WHERE prompt_id = ? ORDER BY candidate_a, candidate_b",
                    rs -> new PreferenceRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), Jdbc.getLong(rs, "session_id"),
                            rs.getObject(5, OffsetDateTime.class)), promptId);
            List<OffsetDateTime[]> review = Jdbc.list(c, "SELECT reviewed_at FROM review_item WHERE prompt_id = ?",
                    rs -> new OffsetDateTime[]{rs.getObject(1, OffsetDateTime.class)}, promptId);
            return new Snapshot(promptId, p, cands, prefs, !review.isEmpty(), review.isEmpty() ? null : review.get(0)[0]);
        });
    }

    /**
     * Puts a prompt's gold back exactly as {@code snapshot} recorded it, in one transaction: the undo of the judgment
     * made after the snapshot. That judgment no longer counts in {@code sessionId} (when given).
     */
    public void restore(Snapshot snapshot, Long sessionId) {
        long pid = snapshot.promptId();
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM gold_prompt WHERE prompt_id = ?", pid);
            Jdbc.update(c, "DELETE FROM gold_candidate WHERE prompt_id = ?", pid);
            Jdbc.update(c, "DELETE FROM gold_preference WHERE prompt_id = ?", pid);
            PromptRow p = snapshot.prompt();
            if (p != null) {
                Jdbc.update(c, "INSERT INTO gold_prompt (prompt_id, best_candidate_id, worst_candidate_id, note, session_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        pid, p.best(), p.worst(), p.note(), p.sessionId(), p.updatedAt());
            }
            for (CandidateRow r : snapshot.candidates()) {
                Jdbc.update(c, "INSERT INTO gold_candidate (candidate_id, prompt_id, label, rating, session_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        r.candidateId(), pid, r.label(), r.rating(), r.sessionId(), r.updatedAt());
            }
            for (PreferenceRow r : snapshot.preferences()) {
                Jdbc.update(c, "INSERT INTO gold_preference (candidate_a, candidate_b, prompt_id, preferred, session_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        r.candidateA(), r.candidateB(), pid, r.preferred(), r.sessionId(), r.updatedAt());
            }
            if (snapshot.flagged()) {
                Jdbc.update(c, "UPDATE review_item SET reviewed_at = ? WHERE prompt_id = ?", snapshot.reviewedAt(), pid);
            }
            if (sessionId != null) {
                Jdbc.update(c, "UPDATE labeling_session SET judgments = GREATEST(judgments - 1, 0) WHERE id = ?", sessionId);
                Jdbc.update(c, "UPDATE session_prompt SET judgments = GREATEST(judgments - 1, 0) WHERE session_id = ? AND prompt_id = ?",
                        sessionId, pid);
            }
            return null;
        });
    }

    /** Prompt ids (workspace order) that have any gold. */
    public List<Long> labelledPromptIds() {
        return jdbc.list("SELECT prompt_id FROM labelled_prompt ORDER BY prompt_id", rs -> rs.getLong(1));
    }

    private static long promptOf(Connection c, long candidateId) throws SQLException {
        List<Long> p = Jdbc.list(c, "SELECT prompt_id FROM candidate WHERE id = ?", rs -> rs.getLong(1), candidateId);
        if (p.isEmpty()) throw new InputException("no candidate with id " + candidateId);
        return p.get(0);
    }

    private static void checkBelongs(Connection c, long promptId, Long candidateId) throws SQLException {
        if (candidateId != null && promptOf(c, candidateId) != promptId) {
            throw new InputException("candidate " + candidateId + " is not a candidate of prompt " + promptId);
        }
    }

    private static void deleteEmptyCandidateRow(Connection c, long candidateId) throws SQLException {
        Jdbc.update(c, "DELETE FROM gold_candidate WHERE candidate_id = ? AND label IS NULL AND rating IS NULL", candidateId);
    }

    /**
     * Every judgment counts once in its session (and in the session's row for the prompt), moves the session's
     * "last active" time and prompt, and marks a flagged prompt as reviewed.
     */
    private static void touchSession(Connection c, Long sessionId, long promptId) throws SQLException {
        OffsetDateTime now = now();
        Jdbc.update(c, "UPDATE review_item SET reviewed_at = ? WHERE prompt_id = ? AND reviewed_at IS NULL", now, promptId);
        if (sessionId == null) return;
        Jdbc.update(c, "UPDATE labeling_session SET judgments = judgments + 1, last_active_at = ?, last_prompt_id = ? WHERE id = ?",
                now, promptId, sessionId);
        SessionRepository.addToPrompt(c, sessionId, promptId, 0, 1, now);
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now();
    }

    private static String name(Verdict v) {
        return v == null ? null : v.name();
    }

    private static Verdict verdict(String s) {
        return s == null ? null : Verdict.valueOf(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
