package dev.prefwork.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Labelling sessions: when the expert labelled, how much, and where they stopped. */
public final class SessionRepository {

    public record LabelingSession(long id, Instant startedAt, Instant lastActiveAt, Instant endedAt, int judgments,
                                  Long lastPromptId) {
    }

    private static final String SELECT = "SELECT id, started_at, last_active_at, ended_at, judgments, last_prompt_id FROM labeling_session";

    private final Jdbc jdbc;

    SessionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public LabelingSession start() {
        OffsetDateTime now = GoldRepository.now();
        long id = jdbc.inTransaction(c -> {
            Jdbc.update(c, "INSERT INTO labeling_session (started_at, last_active_at) VALUES (?, ?)", now, now);
            return Jdbc.list(c, "SELECT MAX(id) FROM labeling_session", rs -> rs.getLong(1)).get(0);
        });
        return get(id).orElseThrow();
    }

    public void end(long id) {
        jdbc.update("UPDATE labeling_session SET ended_at = COALESCE(ended_at, last_active_at) WHERE id = ?", id);
    }

    public Optional<LabelingSession> get(long id) {
        return jdbc.one(SELECT + " WHERE id = ?", SessionRepository::map, id);
    }

    /** The most recent session, open or ended: where a reopened workspace resumes. */
    public Optional<LabelingSession> latest() {
        return jdbc.one(SELECT + " ORDER BY id DESC LIMIT 1", SessionRepository::map);
    }

    public List<LabelingSession> list() {
        return jdbc.list(SELECT + " ORDER BY id", SessionRepository::map);
    }

    private static LabelingSession map(ResultSet rs) throws SQLException {
        OffsetDateTime ended = rs.getObject("ended_at", OffsetDateTime.class);
        return new LabelingSession(rs.getLong("id"), rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                rs.getObject("last_active_at", OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant(),
                rs.getInt("judgments"), Jdbc.getLong(rs, "last_prompt_id"));
    }
}
