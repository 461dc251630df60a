package dev.prefwork.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The stored pair votes of pair-level LF versions (comparative LFs, A/B judges): whole or absent per version, with
 * the candidate set and context they were computed on, like {@link LfVoteRepository}.
 */
public final class LfPairVoteRepository {

    /** Parallel arrays: vote k prefers {@code preferred[k]} over {@code other[k]}. */
    public record StoredPairVotes(long versionId, String candidateSet, String contextHash, long[] preferred, long[] other,
                                  String error, long elapsedMs) {
        public boolean freshFor(String candidateSet, String contextHash) {
            return this.candidateSet.equals(candidateSet) && this.contextHash.equals(contextHash);
        }
    }

    private final Jdbc jdbc;

    LfPairVoteRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves (replacing) the pair votes of several versions in one transaction. */
    public void saveAll(Collection<StoredPairVotes> all) {
        if (all.isEmpty()) return;
        jdbc.inTransaction(c -> {
            for (StoredPairVotes v : all) save(c, v);
            return null;
        });
    }

    private static void save(Connection c, StoredPairVotes v) throws SQLException {
        if (v.preferred().length != v.other().length) throw new IllegalArgumentException("preferred and other differ in length");
        ByteBuffer b = ByteBuffer.allocate(v.preferred().length * 16);
        for (int k = 0; k < v.preferred().length; k++) b.putLong(v.preferred()[k]).putLong(v.other()[k]);
        try (PreparedStatement ps = c.prepareStatement("""
                MERGE INTO lf_pair_votes (lf_version_id, candidate_set, context_hash, pairs_count, votes, error, computed_at, elapsed_ms)
                KEY (lf_version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, v.versionId());
            ps.setString(2, v.candidateSet());
            ps.setString(3, v.contextHash());
            ps.setInt(4, v.preferred().length);
            ps.setBytes(5, b.array());
            ps.setString(6, v.error() == null ? null : v.error().length() <= 4000 ? v.error() : v.error().substring(0, 3999) + "…");
            ps.setObject(7, OffsetDateTime.now());
            ps.setLong(8, v.elapsedMs());
            ps.executeUpdate();
        }
    }

    /** The stored pair votes of the given versions (those that have any), by version id. */
    public Map<Long, StoredPairVotes> loadAll(Collection<Long> versionIds) {
        Map<Long, StoredPairVotes> out = new HashMap<>();
        if (versionIds.isEmpty()) return out;
        jdbc.list("SELECT lf_version_id, candidate_set, context_hash, pairs_count, votes, error, elapsed_ms FROM lf_pair_votes WHERE lf_version_id = ANY(?)",
                LfPairVoteRepository::read, (Object) versionIds.toArray(new Long[0])).forEach(v -> out.put(v.versionId(), v));
        return out;
    }

    private static StoredPairVotes read(ResultSet rs) throws SQLException {
        int n = rs.getInt(4);
        ByteBuffer b = ByteBuffer.wrap(rs.getBytes(5));
        long[] pref = new long[n], other = new long[n];
        for (int k = 0; k < n; k++) {
            pref[k] = b.getLong();
            other[k] = b.getLong();
        }
        return new StoredPairVotes(rs.getLong(1), rs.getString(2), rs.getString(3), pref, other, rs.getString(6), rs.getLong(7));
    }
}
