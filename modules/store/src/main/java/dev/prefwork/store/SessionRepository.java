package dev.prefwork.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Labelling sessions: when the expert labelled, how much, in which queue, how long on each prompt, and where
 * they stopped. A session is open until {@link #end} (idle, close); one found open when the workspace is opened
 * again (the app was killed) is closed at its last activity by {@link #endUnclean()}, so idle time never counts.
 */
public final class SessionRepository {

    public record LabelingSession(long id, Instant startedAt, Instant lastActiveAt, Instant endedAt, int judgments,
                                  Long lastPromptId, String queue, String endReason) {

        /** From start to end, or to the last activity while the session is open. */
        public long durationMillis() {
            Instant end = endedAt != null ? endedAt : lastActiveAt;
            return Math.max(0, end.toEpochMilli() - startedAt.toEpochMilli());
        }
    }

    /** One session's time and judgments on one prompt. */
    public record PromptTime(long sessionId, long promptId, Instant firstSeenAt, Instant lastSeenAt, long activeMillis,
                             int judgments) {
    }

    /**
     * Totals over the sessions that started in a period.
     *
     * @param activeMillis the sessions' durations (each from its start to its end or last activity: idle time is
     *                     not in it)
     * @param prompts      distinct prompts judged in them
     */
    public record Summary(int sessions, int judgments, long activeMillis, int prompts) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0);
    }

    public static final String END_IDLE = "idle";
    public static final String END_CLOSE = "close";
    public static final String END_UNCLEAN = "unclean";

    private static final String SELECT = "SELECT id, started_at, last_active_at, ended_at, judgments, last_prompt_id, queue, end_reason FROM labeling_session";

    private final Jdbc jdbc;

    SessionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public LabelingSession start() {
        return start(null, null);
    }

    /** Opens a session in {@code queue} (a {@code LabelQueue.key()}), at {@code promptId} when given. */
    public LabelingSession start(String queue, Long promptId) {
        OffsetDateTime now = GoldRepository.now();
        long id = jdbc.inTransaction(c -> {
            Jdbc.update(c, "INSERT INTO labeling_session (started_at, last_active_at, queue, last_prompt_id) VALUES (?, ?, ?, ?)",
                    now, now, queue, promptId);
            return Jdbc.list(c, "SELECT MAX(id) FROM labeling_session", rs -> rs.getLong(1)).get(0);
        });
        return get(id).orElseThrow();
    }

    /** Ends the session at its last activity (idle time after it does not count). Ending twice keeps the first end. */
    public void end(long id) {
        end(id, END_CLOSE);
    }

    public void end(long id, String reason) {
        jdbc.update("UPDATE labeling_session SET ended_at = COALESCE(ended_at, last_active_at), end_reason = COALESCE(end_reason, ?) WHERE id = ?",
                reason, id);
    }

    /** Closes sessions left open by a process that did not end them (killed); returns how many. */
    public int endUnclean() {
        return jdbc.update("UPDATE labeling_session SET ended_at = last_active_at, end_reason = ? WHERE ended_at IS NULL", END_UNCLEAN);
    }

    /**
     * The expert is at {@code promptId} in session {@code id}: the session's last activity and prompt move there (where a
     * reopened workspace resumes), the queue too when given.
     */
    public void visit(long id, long promptId, String queue) {
        jdbc.update("UPDATE labeling_session SET last_active_at = ?, last_prompt_id = ?, queue = COALESCE(?, queue) WHERE id = ? AND ended_at IS NULL",
                GoldRepository.now(), promptId, queue, id);
    }

    /** Adds active time spent on a prompt (idle gaps already taken out by the caller). */
    public void addTime(long sessionId, long promptId, long activeMillis) {
        if (activeMillis < 0) throw new IllegalArgumentException("negative time " + activeMillis);
        jdbc.inTransaction(c -> {
            addToPrompt(c, sessionId, promptId, activeMillis, 0, GoldRepository.now());
            return null;
        });
    }

    static void addToPrompt(Connection c, long sessionId, long promptId, long activeMillis, int judgments, OffsetDateTime now)
            throws SQLException {
        Jdbc.update(c, """
                MERGE INTO session_prompt s USING (VALUES (CAST(? AS BIGINT), CAST(? AS BIGINT))) v(sid, pid)
                  ON s.session_id = v.sid AND s.prompt_id = v.pid
                WHEN MATCHED THEN UPDATE SET active_ms = active_ms + ?, judgments = judgments + ?, last_seen_at = ?
                WHEN NOT MATCHED THEN INSERT (session_id, prompt_id, first_seen_at, last_seen_at, active_ms, judgments)
                  VALUES (?, ?, ?, ?, ?, ?)""",
                sessionId, promptId, activeMillis, judgments, now, sessionId, promptId, now, now, activeMillis, judgments);
    }

    public Optional<LabelingSession> get(long id) {
        return jdbc.one(SELECT + " WHERE id = ?", SessionRepository::map, id);
    }

    /** The most recent session, open or ended: where a reopened workspace resumes. */
    public Optional<LabelingSession> latest() {
        return jdbc.one(SELECT + " ORDER BY id DESC LIMIT 1", SessionRepository::map);
    }

    /** The most recent session that got as far as a prompt (its queue and last prompt are where to resume). */
    public Optional<LabelingSession> latestWithPrompt() {
        return jdbc.one(SELECT + " WHERE last_prompt_id IS NOT NULL ORDER BY id DESC LIMIT 1", SessionRepository::map);
    }

    public List<LabelingSession> list() {
        return jdbc.list(SELECT + " ORDER BY id", SessionRepository::map);
    }

    /** Time and judgments per prompt in one session, in prompt order. */
    public List<PromptTime> promptTimes(long sessionId) {
        return jdbc.list("SELECT session_id, prompt_id, first_seen_at, last_seen_at, active_ms, judgments FROM session_prompt WHERE session_id = ? ORDER BY prompt_id",
                SessionRepository::mapTime, sessionId);
    }

    /** Active time on a prompt over every session, in milliseconds. */
    public long timeOnPrompt(long promptId) {
        return jdbc.count("SELECT COALESCE(SUM(active_ms), 0) FROM session_prompt WHERE prompt_id = ?", promptId);
    }

    /** Totals over the sessions that started at or after {@code since}. */
    public Summary summary(Instant since) {
        OffsetDateTime from = OffsetDateTime.ofInstant(since, ZoneId.systemDefault());
        Summary totals = jdbc.one("""
                SELECT COUNT(*), COALESCE(SUM(judgments), 0),
                       COALESCE(SUM(DATEDIFF('MILLISECOND', started_at, COALESCE(ended_at, last_active_at))), 0)
                FROM labeling_session WHERE started_at >= ?""",
                rs -> new Summary(rs.getInt(1), rs.getInt(2), rs.getLong(3), 0), from).orElse(Summary.EMPTY);
        long prompts = jdbc.count("""
                SELECT COUNT(DISTINCT sp.prompt_id) FROM session_prompt sp JOIN labeling_session s ON s.id = sp.session_id
                WHERE s.started_at >= ? AND sp.judgments > 0""", from);
        return new Summary(totals.sessions(), totals.judgments(), totals.activeMillis(), (int) prompts);
    }

    /** Totals over every session. */
    public Summary allTime() {
        return summary(Instant.EPOCH);
    }

    private static LabelingSession map(ResultSet rs) throws SQLException {
        OffsetDateTime ended = rs.getObject("ended_at", OffsetDateTime.class);
        return new LabelingSession(rs.getLong("id"), rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                rs.getObject("last_active_at", OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant(),
                rs.getInt("judgments"), Jdbc.getLong(rs, "last_prompt_id"), rs.getString("queue"), rs.getString("end_reason"));
    }

    private static PromptTime mapTime(ResultSet rs) throws SQLException {
        return new PromptTime(rs.getLong(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getLong(5), rs.getInt(6));
    }
}
