package dev.prefwork.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The needs-review queue: prompts flagged for the expert's attention with a reason and a priority. The Rankings
 * step fills it (low-margin rankings, disagreement with gold or a high-accuracy LF); the Compare step walks it.
 * A flagged prompt counts as reviewed from the first gold judgment on it after it was flagged (flagging it again
 * starts over).
 */
public final class ReviewRepository {

    public record ReviewItem(long promptId, String reason, double priority, String source, Instant addedAt, Instant reviewedAt) {
        public boolean reviewed() {
            return reviewedAt != null;
        }
    }

    private static final String SELECT = "SELECT prompt_id, reason, priority, source, added_at, reviewed_at FROM review_item";

    private final Jdbc jdbc;

    ReviewRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Flags a prompt (again): higher {@code priority} comes first; {@code source} says who flagged it (e.g. "rankings"). */
    public void flag(long promptId, String reason, double priority, String source) {
        jdbc.inTransaction(c -> {
            if (Jdbc.list(c, "SELECT 1 FROM prompt WHERE id = ?", rs -> 1, promptId).isEmpty()) {
                throw new dev.prefwork.core.InputException("no prompt with id " + promptId);
            }
            Jdbc.update(c, """
                    MERGE INTO review_item r USING (VALUES (CAST(? AS BIGINT))) v(pid) ON r.prompt_id = v.pid
                    WHEN MATCHED THEN UPDATE SET reason = ?, priority = ?, source = ?, added_at = ?, reviewed_at = NULL
                    WHEN NOT MATCHED THEN INSERT (prompt_id, reason, priority, source, added_at) VALUES (?, ?, ?, ?, ?)""",
                    promptId, reason, priority, source, GoldRepository.now(), promptId, reason, priority, source, GoldRepository.now());
            return null;
        });
    }

    /** A flag to set with {@link #replace}. */
    public record Flag(long promptId, String reason, double priority) {
    }

    /**
     * Replaces every flag {@code source} set with {@code flags}, in one transaction (a new ranking's queue takes the
     * previous one's place at once, or not at all). Prompts that no longer exist are skipped.
     */
    public void replace(String source, java.util.List<Flag> flags) {
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM review_item WHERE source = ?", source);
            java.time.OffsetDateTime now = GoldRepository.now();
            java.util.Set<Long> existing = new java.util.HashSet<>(Jdbc.list(c, "SELECT id FROM prompt WHERE id = ANY(?)",
                    rs -> rs.getLong(1), (Object) flags.stream().map(Flag::promptId).toArray(Long[]::new)));
            try (java.sql.PreparedStatement ps = c.prepareStatement("""
                    MERGE INTO review_item r USING (VALUES (CAST(? AS BIGINT))) v(pid) ON r.prompt_id = v.pid
                    WHEN MATCHED THEN UPDATE SET reason = ?, priority = ?, source = ?, added_at = ?, reviewed_at = NULL
                    WHEN NOT MATCHED THEN INSERT (prompt_id, reason, priority, source, added_at) VALUES (?, ?, ?, ?, ?)""")) {
                for (Flag f : flags) {
                    if (!existing.contains(f.promptId())) continue;
                    Object[] values = {f.promptId(), f.reason(), f.priority(), source, now, f.promptId(), f.reason(), f.priority(), source, now};
                    for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    public void unflag(long promptId) {
        jdbc.update("DELETE FROM review_item WHERE prompt_id = ?", promptId);
    }

    /** Removes every flag set by {@code source} (a new ranking replaces the previous one's queue); null: all flags. */
    public int clear(String source) {
        return source == null ? jdbc.update("DELETE FROM review_item")
                : jdbc.update("DELETE FROM review_item WHERE source = ?", source);
    }

    public Optional<ReviewItem> get(long promptId) {
        return jdbc.one(SELECT + " WHERE prompt_id = ?", ReviewRepository::map, promptId);
    }

    /** Not yet reviewed first, each part by priority (highest first), then prompt order. */
    public List<ReviewItem> list() {
        return jdbc.list(SELECT + " ORDER BY CASE WHEN reviewed_at IS NULL THEN 0 ELSE 1 END, priority DESC, prompt_id",
                ReviewRepository::map);
    }

    public int count() {
        return (int) jdbc.count("SELECT COUNT(*) FROM review_item");
    }

    /** Flags not yet reviewed in the needs-review queue (the most-informative queue's are not counted). */
    public int pending() {
        return (int) jdbc.count("SELECT COUNT(*) FROM review_item WHERE reviewed_at IS NULL AND source <> ?", QueueRepository.INFORMATIVE);
    }

    private static ReviewItem map(ResultSet rs) throws SQLException {
        OffsetDateTime reviewed = rs.getObject("reviewed_at", OffsetDateTime.class);
        return new ReviewItem(rs.getLong("prompt_id"), rs.getString("reason"), rs.getDouble("priority"), rs.getString("source"),
                rs.getObject("added_at", OffsetDateTime.class).toInstant(), reviewed == null ? null : reviewed.toInstant());
    }
}
