package dev.prefwork.store;

import java.sql.Connection;
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
 * Saved pair sets (V8): DPO pairs or SFT picks with the strategy, parameters, funnel and ranking provenance they
 * were made with (JSON text here; modules/curation owns its meaning). A set and its pairs are written in one
 * transaction. Pairs are read back in order with their prompt and candidate texts, a page at a time, so an
 * export of a million pairs streams in constant memory.
 */
public final class PairSetRepository {

    public static final String PAIRS = "PAIRS";
    public static final String SFT = "SFT";

    /** The pairs of a set as parallel arrays (ordinal = index); {@code rejectedIds[i] < 0} for an SFT pick. */
    public record PairRows(long[] promptIds, long[] chosenIds, long[] rejectedIds, double[] chosenScores,
                           double[] rejectedScores, double[] margins, String[] reasons) {
        public int size() {
            return promptIds.length;
        }
    }

    /** A set to save; {@code lfVersionIds} in any order (stored ascending). */
    public record PairSetToSave(String kind, String name, String strategy, String parametersJson, String funnelJson,
                                String provenanceJson, String rankingSource, Long rankingVersion, String rankingDescription,
                                boolean rankingStale, Long labelModelRunId, long[] lfVersionIds, String candidateSet,
                                String origin, int prompts, PairRows pairs) {
    }

    /** A stored set without its pairs. */
    public record StoredPairSet(long id, String kind, String name, String strategy, String parametersJson, String funnelJson,
                                String provenanceJson, String rankingSource, Long rankingVersion, String rankingDescription,
                                boolean rankingStale, Long labelModelRunId, long[] lfVersionIds, String candidateSet,
                                String origin, int pairs, int prompts, Instant createdAt) {
        public boolean sft() {
            return SFT.equals(kind);
        }
    }

    /**
     * One pair with its texts, as exports and bundles read it. {@code chosenIndex}/{@code rejectedIndex} are the
     * candidates' 0-based places among their prompt's candidates in position order (what gold files use).
     * The rejected fields are null for an SFT pick.
     */
    public record PairText(int ordinal, long promptId, String promptSourceId, String prompt, String promptMetadata,
                           long chosenId, String chosen, int chosenIndex, double chosenScore,
                           Long rejectedId, String rejected, Integer rejectedIndex, Double rejectedScore, Double margin,
                           String reason) {
    }

    @FunctionalInterface
    public interface PairSink {
        void pair(PairText pair);
    }

    private static final String COLUMNS = "id, kind, name, strategy, parameters, funnel, provenance, ranking_source, "
            + "ranking_version, ranking_description, ranking_stale, label_model_run_id, lf_version_ids, candidate_set, "
            + "origin, pairs_count, prompts_count, created_at";
    /** Rows per page when streaming pairs with their texts. */
    static final int PAGE = 1000;
    private static final int BATCH = 2000;

    private final Jdbc jdbc;

    PairSetRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Saves a set and its pairs in one transaction; returns its id. */
    public long save(PairSetToSave set) {
        return jdbc.inTransaction(c -> save(c, set));
    }

    /** As {@link #save(PairSetToSave)} on a caller's transaction (a bundle import writes everything in one). */
    public static long save(Connection c, PairSetToSave set) throws SQLException {
        long id;
        PairRows rows = set.pairs();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pair_set (kind, name, strategy, parameters, funnel, provenance, "
                + "ranking_source, ranking_version, ranking_description, ranking_stale, label_model_run_id, lf_version_ids, "
                + "candidate_set, origin, pairs_count, prompts_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, set.kind());
            ps.setString(2, set.name());
            ps.setString(3, set.strategy());
            ps.setString(4, set.parametersJson());
            ps.setString(5, set.funnelJson());
            ps.setString(6, set.provenanceJson());
            ps.setString(7, set.rankingSource());
            ps.setObject(8, set.rankingVersion(), Types.BIGINT);
            ps.setString(9, set.rankingDescription());
            ps.setBoolean(10, set.rankingStale());
            ps.setObject(11, set.labelModelRunId(), Types.BIGINT);
            ps.setString(12, LabelModelRunRepository.versionIds(set.lfVersionIds()));
            ps.setString(13, set.candidateSet());
            ps.setString(14, set.origin());
            ps.setInt(15, rows.size());
            ps.setInt(16, set.prompts());
            ps.setObject(17, OffsetDateTime.now());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pair_set_pair (pair_set_id, ordinal, prompt_id, chosen_id, "
                + "rejected_id, chosen_score, rejected_score, margin, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (int i = 0; i < rows.size(); i++) {
                boolean sft = rows.rejectedIds()[i] < 0;
                ps.setLong(1, id);
                ps.setInt(2, i);
                ps.setLong(3, rows.promptIds()[i]);
                ps.setLong(4, rows.chosenIds()[i]);
                ps.setObject(5, sft ? null : rows.rejectedIds()[i], Types.BIGINT);
                ps.setDouble(6, rows.chosenScores()[i]);
                ps.setObject(7, sft ? null : rows.rejectedScores()[i], Types.DOUBLE);
                ps.setObject(8, sft ? null : rows.margins()[i], Types.DOUBLE);
                ps.setString(9, rows.reasons()[i]);
                ps.addBatch();
                if (++pending == BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) ps.executeBatch();
        }
        return id;
    }

    /** All sets, newest first. */
    public List<StoredPairSet> list() {
        return jdbc.list("SELECT " + COLUMNS + " FROM pair_set ORDER BY id DESC", PairSetRepository::set);
    }

    public Optional<StoredPairSet> get(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM pair_set WHERE id = ?", PairSetRepository::set, id);
    }

    /** The newest set of a kind ({@link #PAIRS} or {@link #SFT}). */
    public Optional<StoredPairSet> latest(String kind) {
        return jdbc.one("SELECT " + COLUMNS + " FROM pair_set WHERE kind = ? ORDER BY id DESC LIMIT 1", PairSetRepository::set, kind);
    }

    /** The set imported from a bundle with this origin, if any (a bundle is imported once). */
    public Optional<StoredPairSet> byOrigin(String origin) {
        return jdbc.one("SELECT " + COLUMNS + " FROM pair_set WHERE origin = ? ORDER BY id LIMIT 1", PairSetRepository::set, origin);
    }

    public void delete(long id) {
        jdbc.update("DELETE FROM pair_set WHERE id = ?", id);
    }

    /**
     * Streams the pairs of a set in order, with their texts, in one read-only transaction. Pages are ordinal ranges
     * (ordinals are dense, 0..n-1): each page reads its own rows through the primary key, so a million pairs cost a
     * thousand small queries, not a re-sort of everything after the last row per page.
     */
    public void forEachPair(long setId, PairSink sink) {
        jdbc.inTransaction(c -> {
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT x.ordinal, x.prompt_id, p.source_id, p.text, p.metadata,
                           x.chosen_id, ch.text, (SELECT COUNT(*) FROM candidate z WHERE z.prompt_id = ch.prompt_id AND z.position < ch.position),
                           x.chosen_score, x.rejected_id, re.text,
                           CASE WHEN re.id IS NULL THEN NULL ELSE (SELECT COUNT(*) FROM candidate z WHERE z.prompt_id = re.prompt_id AND z.position < re.position) END,
                           x.rejected_score, x.margin, x.reason
                    FROM pair_set_pair x
                    JOIN prompt p ON p.id = x.prompt_id
                    JOIN candidate ch ON ch.id = x.chosen_id
                    LEFT JOIN candidate re ON re.id = x.rejected_id
                    WHERE x.pair_set_id = ? AND x.ordinal >= ? AND x.ordinal < ? ORDER BY x.ordinal""")) {
                List<Integer> count = Jdbc.list(c, "SELECT pairs_count FROM pair_set WHERE id = ?", rs -> rs.getInt(1), setId);
                int total = count.isEmpty() ? 0 : count.get(0);
                for (int from = 0; from < total; from += PAGE) {
                    ps.setLong(1, setId);
                    ps.setInt(2, from);
                    ps.setInt(3, from + PAGE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Long rejectedId = Jdbc.getLong(rs, "rejected_id");
                            sink.pair(new PairText(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                    rs.getLong(6), rs.getString(7), rs.getInt(8), rs.getDouble(9), rejectedId, rs.getString(11),
                                    rejectedId == null ? null : rs.getInt(12), (Double) rs.getObject(13, Double.class),
                                    (Double) rs.getObject(14, Double.class), rs.getString(15)));
                        }
                    }
                }
            } finally {
                c.rollback();
                c.setReadOnly(false);
            }
            return null;
        });
    }

    private static StoredPairSet set(ResultSet rs) throws SQLException {
        return new StoredPairSet(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), Jdbc.getLong(rs, "ranking_version"), rs.getString(10), rs.getBoolean(11),
                Jdbc.getLong(rs, "label_model_run_id"), LabelModelRunRepository.parseVersionIds(rs.getString(13)), rs.getString(14),
                rs.getString(15), rs.getInt(16), rs.getInt(17), rs.getObject(18, OffsetDateTime.class).toInstant());
    }
}
