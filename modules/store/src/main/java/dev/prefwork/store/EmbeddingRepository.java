package dev.prefwork.store;

import dev.prefwork.core.InputException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The embedding cache: vectors per (model, SHA-256 of the text), and each prompt's and candidate's text hash.
 * Vectors are opaque bytes here (float32 little-endian); the inference module encodes and decodes them.
 */
public final class EmbeddingRepository {

    /** A cached model: its key in this workspace, its id, dimension and number of stored vectors. */
    public record ModelInfo(int key, String name, int dimension, long vectors) { }

    /** A prompt's or candidate's text that has no vector yet for some model, with the hash it will be stored under. */
    public record PendingText(long ownerId, byte[] sha256, String text) { }

    /** A stored vector for a prompt or candidate id. */
    public record OwnedVector(long ownerId, byte[] vector) { }

    /** A candidate's vector next to its prompt's. */
    public record PairVectors(long candidateId, long promptId, byte[] candidateVector, byte[] promptVector) { }

    private final Jdbc jdbc;

    public EmbeddingRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The model's key, registering it on first use; a known name with another dimension is an error. */
    public int modelKey(String name, int dimension) {
        return jdbc.inTransaction(c -> {
            List<int[]> rows = Jdbc.list(c, "SELECT id, dimension FROM embedding_model WHERE name = ?",
                    rs -> new int[]{rs.getInt(1), rs.getInt(2)}, name);
            if (!rows.isEmpty()) {
                if (rows.get(0)[1] != dimension) {
                    throw new InputException("the embedding model '" + name + "' was cached with " + rows.get(0)[1]
                            + " dimensions, not " + dimension + "; it is not the same model");
                }
                return rows.get(0)[0];
            }
            Jdbc.update(c, "INSERT INTO embedding_model (name, dimension, created_at) VALUES (?, ?, ?)",
                    name, dimension, OffsetDateTime.now());
            return Jdbc.list(c, "SELECT id FROM embedding_model WHERE name = ?", rs -> rs.getInt(1), name).get(0);
        });
    }

    /** The model's key, if it was ever registered; cheap (no counting). */
    public Optional<Integer> findModelKey(String name) {
        return jdbc.one("SELECT id FROM embedding_model WHERE name = ?", rs -> rs.getInt(1), name);
    }

    public Optional<ModelInfo> model(String name) {
        return jdbc.one("SELECT m.id, m.name, m.dimension, (SELECT COUNT(*) FROM embedding e WHERE e.model_id = m.id)"
                + " FROM embedding_model m WHERE m.name = ?", EmbeddingRepository::modelInfo, name);
    }

    public List<ModelInfo> models() {
        return jdbc.list("SELECT m.id, m.name, m.dimension, (SELECT COUNT(*) FROM embedding e WHERE e.model_id = m.id)"
                + " FROM embedding_model m ORDER BY m.id", EmbeddingRepository::modelInfo);
    }

    /**
     * Hashes the texts of prompts and candidates that have no hash yet, {@code pageSize} rows per transaction.
     * Returns how many rows were hashed.
     */
    public long hashNewTexts(int pageSize) {
        return hashNew("SELECT c.id, c.text FROM candidate c LEFT JOIN candidate_text_hash h ON h.candidate_id = c.id"
                        + " WHERE h.candidate_id IS NULL AND c.id > ? ORDER BY c.id LIMIT ?",
                "INSERT INTO candidate_text_hash (candidate_id, text_sha256) VALUES (?, ?)", pageSize)
                + hashNew("SELECT p.id, p.text FROM prompt p LEFT JOIN prompt_text_hash h ON h.prompt_id = p.id"
                        + " WHERE h.prompt_id IS NULL AND p.id > ? ORDER BY p.id LIMIT ?",
                "INSERT INTO prompt_text_hash (prompt_id, text_sha256) VALUES (?, ?)", pageSize);
    }

    private long hashNew(String select, String insert, int pageSize) {
        long after = -1, total = 0;
        while (true) {
            long from = after;
            List<Object[]> rows = jdbc.list(select, rs -> new Object[]{rs.getLong(1), rs.getString(2)}, from, pageSize);
            if (rows.isEmpty()) return total;
            jdbc.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    for (Object[] r : rows) {
                        ps.setLong(1, (Long) r[0]);
                        ps.setBytes(2, sha256((String) r[1]));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            total += rows.size();
            after = (Long) rows.get(rows.size() - 1)[0];
        }
    }

    /** Distinct prompt and candidate texts that have no vector for the model. */
    public long countPending(int modelKey) {
        return jdbc.count("SELECT COUNT(*) FROM (SELECT text_sha256 FROM candidate_text_hash UNION SELECT text_sha256 FROM prompt_text_hash) h"
                + " WHERE NOT EXISTS (SELECT 1 FROM embedding e WHERE e.model_id = ? AND e.text_sha256 = h.text_sha256)", modelKey);
    }

    /**
     * Candidates after {@code afterId} (in id order, at most {@code limit}) whose text has no vector for the
     * model. Identical texts may appear more than once in one page; once their vector is stored they no
     * longer appear, so pages fetched after storing never repeat a text.
     */
    public List<PendingText> pendingCandidateTexts(int modelKey, long afterId, int limit) {
        return jdbc.list("SELECT c.id, h.text_sha256, c.text FROM candidate c JOIN candidate_text_hash h ON h.candidate_id = c.id"
                        + " WHERE c.id > ? AND NOT EXISTS (SELECT 1 FROM embedding e WHERE e.model_id = ? AND e.text_sha256 = h.text_sha256)"
                        + " ORDER BY c.id LIMIT ?",
                rs -> new PendingText(rs.getLong(1), rs.getBytes(2), rs.getString(3)), afterId, modelKey, limit);
    }

    /** As {@link #pendingCandidateTexts} for prompts. */
    public List<PendingText> pendingPromptTexts(int modelKey, long afterId, int limit) {
        return jdbc.list("SELECT p.id, h.text_sha256, p.text FROM prompt p JOIN prompt_text_hash h ON h.prompt_id = p.id"
                        + " WHERE p.id > ? AND NOT EXISTS (SELECT 1 FROM embedding e WHERE e.model_id = ? AND e.text_sha256 = h.text_sha256)"
                        + " ORDER BY p.id LIMIT ?",
                rs -> new PendingText(rs.getLong(1), rs.getBytes(2), rs.getString(3)), afterId, modelKey, limit);
    }

    /** Stores vectors in one transaction; a vector already stored for the same hash is kept as it is. */
    public void putVectors(int modelKey, List<byte[]> sha256s, List<byte[]> vectors) {
        if (sha256s.size() != vectors.size()) throw new IllegalArgumentException("hashes and vectors differ in number");
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO embedding (model_id, text_sha256, vector)"
                    + " SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM embedding WHERE model_id = ? AND text_sha256 = ?)")) {
                for (int i = 0; i < sha256s.size(); i++) {
                    ps.setInt(1, modelKey);
                    ps.setBytes(2, sha256s.get(i));
                    ps.setBytes(3, vectors.get(i));
                    ps.setInt(4, modelKey);
                    ps.setBytes(5, sha256s.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** The stored vector of each given text hash, in the same order; null where there is none. */
    public List<byte[]> vectorsByHash(int modelKey, List<byte[]> sha256s) {
        List<byte[]> out = new ArrayList<>(sha256s.size());
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT vector FROM embedding WHERE model_id = ? AND text_sha256 = ?")) {
                for (byte[] h : sha256s) {
                    ps.setInt(1, modelKey);
                    ps.setBytes(2, h);
                    try (ResultSet rs = ps.executeQuery()) {
                        out.add(rs.next() ? rs.getBytes(1) : null);
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** Vectors of the given candidates that have one (hash computed and vector stored). */
    public List<OwnedVector> candidateVectors(int modelKey, Collection<Long> candidateIds) {
        return jdbc.list("SELECT h.candidate_id, e.vector FROM candidate_text_hash h"
                        + " JOIN embedding e ON e.model_id = ? AND e.text_sha256 = h.text_sha256"
                        + " WHERE h.candidate_id = ANY(?) ORDER BY h.candidate_id",
                rs -> new OwnedVector(rs.getLong(1), rs.getBytes(2)), modelKey, candidateIds.toArray(new Long[0]));
    }

    public List<OwnedVector> promptVectors(int modelKey, Collection<Long> promptIds) {
        return jdbc.list("SELECT h.prompt_id, e.vector FROM prompt_text_hash h"
                        + " JOIN embedding e ON e.model_id = ? AND e.text_sha256 = h.text_sha256"
                        + " WHERE h.prompt_id = ANY(?) ORDER BY h.prompt_id",
                rs -> new OwnedVector(rs.getLong(1), rs.getBytes(2)), modelKey, promptIds.toArray(new Long[0]));
    }

    /** Each given candidate's vector with its prompt's, for those where both are stored. */
    public List<PairVectors> candidateAndPromptVectors(int modelKey, Collection<Long> candidateIds) {
        return jdbc.list("SELECT c.id, c.prompt_id, ec.vector, ep.vector FROM candidate c"
                        + " JOIN candidate_text_hash hc ON hc.candidate_id = c.id"
                        + " JOIN embedding ec ON ec.model_id = ? AND ec.text_sha256 = hc.text_sha256"
                        + " JOIN prompt_text_hash hp ON hp.prompt_id = c.prompt_id"
                        + " JOIN embedding ep ON ep.model_id = ? AND ep.text_sha256 = hp.text_sha256"
                        + " WHERE c.id = ANY(?) ORDER BY c.id",
                rs -> new PairVectors(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getBytes(4)),
                modelKey, modelKey, candidateIds.toArray(new Long[0]));
    }

    /** Candidate vectors in id order after {@code afterId}, {@code limit} at a time (for streaming all of them). */
    public List<OwnedVector> candidateVectorsAfter(int modelKey, long afterId, int limit) {
        return jdbc.list("SELECT h.candidate_id, e.vector FROM candidate_text_hash h"
                        + " JOIN embedding e ON e.model_id = ? AND e.text_sha256 = h.text_sha256"
                        + " WHERE h.candidate_id > ? ORDER BY h.candidate_id LIMIT ?",
                rs -> new OwnedVector(rs.getLong(1), rs.getBytes(2)), modelKey, afterId, limit);
    }

    /**
     * Vectors of the candidates whose id is a multiple of {@code step} (a deterministic sample spread over the whole
     * workspace), in id order; candidates without a hash or a vector are absent.
     */
    public List<OwnedVector> candidateVectorSample(int modelKey, int step) {
        return jdbc.list("SELECT h.candidate_id, e.vector FROM candidate_text_hash h"
                        + " JOIN embedding e ON e.model_id = ? AND e.text_sha256 = h.text_sha256"
                        + " WHERE MOD(h.candidate_id, ?) = 0 ORDER BY h.candidate_id",
                rs -> new OwnedVector(rs.getLong(1), rs.getBytes(2)), modelKey, step);
    }

    /** Prompt vectors in id order after {@code afterId}, {@code limit} at a time (for streaming all of them). */
    public List<OwnedVector> promptVectorsAfter(int modelKey, long afterId, int limit) {
        return jdbc.list("SELECT h.prompt_id, e.vector FROM prompt_text_hash h"
                        + " JOIN embedding e ON e.model_id = ? AND e.text_sha256 = h.text_sha256"
                        + " WHERE h.prompt_id > ? ORDER BY h.prompt_id LIMIT ?",
                rs -> new OwnedVector(rs.getLong(1), rs.getBytes(2)), modelKey, afterId, limit);
    }

    /** Candidates that have a stored vector for the model. */
    public long candidatesWithVector(int modelKey) {
        return jdbc.count("SELECT COUNT(*) FROM candidate_text_hash h WHERE EXISTS"
                + " (SELECT 1 FROM embedding e WHERE e.model_id = ? AND e.text_sha256 = h.text_sha256)", modelKey);
    }

    /** Removes a model and all its vectors. */
    public void deleteModel(String name) {
        jdbc.update("DELETE FROM embedding_model WHERE name = ?", name);
    }

    /** SHA-256 of the text's UTF-8 bytes: the cache key. */
    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelInfo modelInfo(ResultSet rs) throws SQLException {
        return new ModelInfo(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getLong(4));
    }

}
