package dev.prefwork.store;

import dev.prefwork.core.Preference;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands every prompt and candidate to an engine (the LF applier, label models) without building row objects:
 * keyset pages by id (no OFFSET scans, constant memory per page), in one read-only REPEATABLE READ
 * transaction so the prompts and candidates seen belong together even while a generation job adds more.
 * Only ids, texts and categories are read; model names and metadata stay in the database.
 */
public final class BulkReader {

    public interface PromptSink {
        void prompt(long id, String text, String category);
    }

    public interface CandidateSink {
        void candidate(long id, long promptId, String text);
    }

    /** Rows per page: big enough to amortise a query, small enough to keep a page of texts cheap. */
    static final int PAGE = 2000;

    private final Workspace workspace;
    private final Jdbc jdbc;

    BulkReader(Workspace workspace, Jdbc jdbc) {
        this.workspace = workspace;
        this.jdbc = jdbc;
    }

    /**
     * Streams all prompts (ascending id) and then all candidates (ascending id) and returns the candidate set
     * key of what was streamed (see {@link #candidateSetKey()}).
     */
    public String read(PromptSink prompts, CandidateSink candidates, Progress progress) {
        try (Connection c = workspace.connection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                long total = count(c, "SELECT COUNT(*) FROM candidate");
                long last = Long.MIN_VALUE;
                try (PreparedStatement ps = c.prepareStatement("SELECT id, text, category FROM prompt WHERE id > ? ORDER BY id LIMIT " + PAGE)) {
                    while (true) {
                        ps.setLong(1, last);
                        int n = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                last = rs.getLong(1);
                                prompts.prompt(last, rs.getString(2), rs.getString(3));
                                n++;
                            }
                        }
                        progress.checkCancelled();
                        if (n < PAGE) break;
                    }
                }
                KeyBuilder key = new KeyBuilder();
                last = Long.MIN_VALUE;
                try (PreparedStatement ps = c.prepareStatement("SELECT id, prompt_id, text FROM candidate WHERE id > ? ORDER BY id LIMIT " + PAGE)) {
                    while (true) {
                        ps.setLong(1, last);
                        int n = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                last = rs.getLong(1);
                                candidates.candidate(last, rs.getLong(2), rs.getString(3));
                                key.add(last);
                                n++;
                            }
                        }
                        progress.checkCancelled();
                        progress.update(key.count, total, String.format("Reading candidates: %,d of %,d", key.count, total));
                        if (n < PAGE) break;
                    }
                }
                return key.toString();
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw StorageProblems.translate("cannot read the candidates", e);
        }
    }

    /**
     * What identifies the workspace's candidate set: "count:min:max:sum" of the candidate ids. Ids are never
     * reused, so any added or removed candidate changes it; stored votes computed on another set are stale.
     */
    public String candidateSetKey() {
        return jdbc.one("SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM candidate",
                rs -> rs.getLong(1) + ":" + rs.getLong(2) + ":" + rs.getLong(3) + ":" + rs.getBigDecimal(4).toBigInteger()).orElseThrow();
    }

    /**
     * A cheap check for a changed candidate set ("count:max" from the primary key, no scan), for callers that
     * ask often (a live preview): candidate ids are never reused, so adding or removing candidates changes it.
     * {@link #candidateSetKey()} is the full key stored with votes.
     */
    public String quickSignature() {
        return jdbc.one("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM candidate", rs -> rs.getLong(1) + ":" + rs.getLong(2)).orElseThrow();
    }

    /** Every candidate id, ascending: the row order of stored votes and label-model predictions. */
    public long[] candidateIds() {
        try (Connection c = workspace.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM candidate ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            long[] ids = new long[1024];
            int n = 0;
            while (rs.next()) {
                if (n == ids.length) ids = java.util.Arrays.copyOf(ids, n * 2);
                ids[n++] = rs.getLong(1);
            }
            return java.util.Arrays.copyOf(ids, n);
        } catch (SQLException e) {
            throw new StoreException("cannot read the candidate ids: " + e.getMessage(), e);
        }
    }

    /** The key {@link #candidateSetKey()} gives for these ids (ascending). */
    public static String candidateSetKey(long[] ids) {
        KeyBuilder k = new KeyBuilder();
        for (long id : ids) k.add(id);
        return k.toString();
    }

    /**
     * Every candidate's id, prompt and length in characters, grouped by prompt (prompts ascending, candidates in
     * position order), without reading the texts out of the database: what pair curation needs of 500K candidates.
     */
    public record Shapes(long[] candidateIds, long[] promptIds, int[] lengths) {
        public int size() {
            return candidateIds.length;
        }
    }

    public Shapes shapes(Progress progress) {
        try (Connection c = workspace.connection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                int total = (int) count(c, "SELECT COUNT(*) FROM candidate");
                long[] ids = new long[total];
                long[] prompts = new long[total];
                int[] lengths = new int[total];
                int n = 0;
                long lastPrompt = Long.MIN_VALUE;
                int lastPosition = Integer.MIN_VALUE;
                // keyset pages over the (prompt_id, position) unique index
                try (PreparedStatement ps = c.prepareStatement("SELECT id, prompt_id, position, CHAR_LENGTH(text) FROM candidate"
                        + " WHERE prompt_id > ? OR (prompt_id = ? AND position > ?) ORDER BY prompt_id, position LIMIT " + PAGE)) {
                    while (true) {
                        ps.setLong(1, lastPrompt);
                        ps.setLong(2, lastPrompt);
                        ps.setInt(3, lastPosition);
                        int page = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next() && n < total) {
                                ids[n] = rs.getLong(1);
                                prompts[n] = lastPrompt = rs.getLong(2);
                                lastPosition = rs.getInt(3);
                                lengths[n] = rs.getInt(4);
                                n++;
                                page++;
                            }
                        }
                        progress.checkCancelled();
                        progress.update(n, total, String.format("Reading candidates: %,d of %,d", n, total));
                        if (page < PAGE || n >= total) break;
                    }
                }
                if (n < total) {
                    ids = java.util.Arrays.copyOf(ids, n);
                    prompts = java.util.Arrays.copyOf(prompts, n);
                    lengths = java.util.Arrays.copyOf(lengths, n);
                }
                return new Shapes(ids, prompts, lengths);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the candidates: " + e.getMessage(), e);
        }
    }

    /** The expert's GOOD/BAD labels by candidate id. */
    public Map<Long, Verdict> goldLabels() {
        Map<Long, Verdict> out = new HashMap<>();
        jdbc.list("SELECT candidate_id, label FROM gold_candidate WHERE label IS NOT NULL",
                rs -> out.put(rs.getLong(1), Verdict.valueOf(rs.getString(2))));
        return out;
    }

    /** Every prompt's best/worst picks (prompts with a pick only). */
    public List<PromptGold> goldPicks() {
        return jdbc.list("SELECT prompt_id, best_candidate_id, worst_candidate_id, note FROM gold_prompt"
                        + " WHERE best_candidate_id IS NOT NULL OR worst_candidate_id IS NOT NULL ORDER BY prompt_id",
                rs -> new PromptGold(rs.getLong(1), Jdbc.getLong(rs, "best_candidate_id"), Jdbc.getLong(rs, "worst_candidate_id"), rs.getString(4)));
    }

    /** Every pairwise preference the expert stated (ordered by prompt). */
    public List<Preference> goldPreferences() {
        return jdbc.list("SELECT prompt_id, preferred, CASE WHEN preferred = candidate_a THEN candidate_b ELSE candidate_a END"
                        + " FROM gold_preference ORDER BY prompt_id, candidate_a, candidate_b",
                rs -> new Preference(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
    }

    /** The expert's 1–5 ratings by candidate id. */
    public Map<Long, Integer> goldRatings() {
        Map<Long, Integer> out = new HashMap<>();
        jdbc.list("SELECT candidate_id, rating FROM gold_candidate WHERE rating IS NOT NULL",
                rs -> out.put(rs.getLong(1), rs.getInt(2)));
        return out;
    }

    /**
     * What identifies the gold as it is now: the row counts of the three gold tables and their last change. Any
     * judgment made, changed or cleared changes it (a cleared one lowers a count or, with an undo, the time).
     */
    public String goldKey() {
        return jdbc.one("SELECT (SELECT COUNT(*) FROM gold_candidate), (SELECT COUNT(*) FROM gold_prompt), (SELECT COUNT(*) FROM gold_preference),"
                        + " GREATEST(COALESCE((SELECT MAX(updated_at) FROM gold_candidate), TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00Z'),"
                        + " COALESCE((SELECT MAX(updated_at) FROM gold_prompt), TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00Z'),"
                        + " COALESCE((SELECT MAX(updated_at) FROM gold_preference), TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00Z'))",
                rs -> rs.getLong(1) + ":" + rs.getLong(2) + ":" + rs.getLong(3) + ":"
                        + rs.getObject(4, java.time.OffsetDateTime.class).toInstant()).orElseThrow();
    }

    public interface CandidateRefSink {
        void candidate(long id, String promptSourceId, int position, String model);
    }

    /** Every candidate (ascending id) with its prompt's source id, its position and its source model, for exports. */
    public void candidateRefs(CandidateRefSink sink) {
        long last = Long.MIN_VALUE;
        while (true) {
            long after = last;
            List<Object[]> page = jdbc.list("SELECT c.id, p.source_id, c.position, c.model FROM candidate c JOIN prompt p ON p.id = c.prompt_id"
                            + " WHERE c.id > ? ORDER BY c.id LIMIT " + PAGE,
                    rs -> new Object[]{rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4)}, after);
            for (Object[] r : page) sink.candidate((Long) r[0], (String) r[1], (Integer) r[2], (String) r[3]);
            if (page.size() < PAGE) return;
            last = (Long) page.get(page.size() - 1)[0];
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static final class KeyBuilder {
        long count;
        long min;
        long max;
        long sum;
        BigInteger big = BigInteger.ZERO;

        void add(long id) {
            if (count == 0 || id < min) min = id;
            if (count == 0 || id > max) max = id;
            count++;
            long s = sum + id;
            if (((sum ^ s) & (id ^ s)) < 0) { // overflow: carry into the BigInteger
                big = big.add(BigInteger.valueOf(sum)).add(BigInteger.valueOf(id));
                sum = 0;
            } else {
                sum = s;
            }
        }

        @Override
        public String toString() {
            return count + ":" + (count == 0 ? 0 : min) + ":" + (count == 0 ? 0 : max) + ":" + big.add(BigInteger.valueOf(sum));
        }
    }
}
