package dev.prefwork.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored votes of LF versions: one BLOB of one byte per candidate (rows in ascending candidate id order)
 * with the candidate set and context they were computed on, so that reopening a workspace reads them back
 * instead of recomputing, and new candidates or an edited phrase list make them stale.
 */
public final class LfVoteRepository {

    /** @param error why the version abstains everywhere, or null */
    public record StoredVotes(long versionId, String candidateSet, String contextHash, byte[] votes, String error,
                              Instant computedAt, long elapsedMs) {

        /** True when these votes were computed on {@code candidateSet} in {@code contextHash}. */
        public boolean freshFor(String candidateSet, String contextHash) {
            return this.candidateSet.equals(candidateSet) && this.contextHash.equals(contextHash) && votes.length == rowsOf(candidateSet);
        }

        private static long rowsOf(String candidateSet) {
            int colon = candidateSet.indexOf(':');
            return Long.parseLong(colon < 0 ? candidateSet : candidateSet.substring(0, colon));
        }
    }

    /** A set of votes to save. */
    public record VotesToSave(long versionId, String candidateSet, String contextHash, byte[] votes, String error, long elapsedMs) {
    }

    private final Jdbc jdbc;

    LfVoteRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves (replacing) the votes of several versions in one transaction. */
    public void saveAll(Collection<VotesToSave> all) {
        if (all.isEmpty()) return;
        jdbc.inTransaction(c -> {
            for (VotesToSave v : all) save(c, v);
            return null;
        });
    }

    public void save(VotesToSave v) {
        jdbc.inTransaction(c -> {
            save(c, v);
            return null;
        });
    }

    private static void save(Connection c, VotesToSave v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                MERGE INTO lf_votes (lf_version_id, candidate_set, context_hash, rows_count, votes, error, computed_at, elapsed_ms)
                KEY (lf_version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, v.versionId());
            ps.setString(2, v.candidateSet());
            ps.setString(3, v.contextHash());
            ps.setInt(4, v.votes().length);
            ps.setBytes(5, v.votes());
            ps.setString(6, v.error() == null ? null : truncate(v.error(), 4000));
            ps.setObject(7, OffsetDateTime.now());
            ps.setLong(8, v.elapsedMs());
            ps.executeUpdate();
        }
    }

    public Optional<StoredVotes> load(long versionId) {
        return jdbc.one("SELECT lf_version_id, candidate_set, context_hash, votes, error, computed_at, elapsed_ms FROM lf_votes WHERE lf_version_id = ?",
                LfVoteRepository::votes, versionId);
    }

    /** The stored votes of the given versions (those that have any), by version id. */
    public Map<Long, StoredVotes> loadAll(Collection<Long> versionIds) {
        Map<Long, StoredVotes> out = new HashMap<>();
        if (versionIds.isEmpty()) return out;
        jdbc.list("SELECT lf_version_id, candidate_set, context_hash, votes, error, computed_at, elapsed_ms FROM lf_votes WHERE lf_version_id = ANY(?)",
                LfVoteRepository::votes, (Object) versionIds.toArray(new Long[0])).forEach(v -> out.put(v.versionId(), v));
        return out;
    }

    /** Version ids that have stored votes, whatever their freshness. */
    public List<Long> versionIds() {
        return jdbc.list("SELECT lf_version_id FROM lf_votes ORDER BY lf_version_id", rs -> rs.getLong(1));
    }

    private static StoredVotes votes(ResultSet rs) throws SQLException {
        return new StoredVotes(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getString(5),
                rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getLong(7));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
