package dev.prefwork.store.importer;

import dev.prefwork.core.InputException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.prefwork.store.Jdbc;

/**
 * Writes one import's rows on the import's connection (one transaction, committed by the caller). Prompts are
 * inserted one by one for their generated ids; candidates and pair preferences go in batches.
 */
final class ImportWriter implements AutoCloseable {

    private static final int BATCH = 1000;
    /** H2's error code for a unique-constraint violation. */
    private static final int DUPLICATE_KEY = 23505;

    private final Connection c;
    private final String file;
    private final PreparedStatement insertPrompt;
    private final PreparedStatement insertCandidate;
    private final PreparedStatement insertPair;
    /** Source id → line it was first seen on: duplicates inside one file are named with both lines. */
    private final Map<String, Long> idsInFile = new HashMap<>();
    private long datasetId;
    private int prompts;
    private int candidates;
    private int pairs;
    private int pendingCandidates;
    private int pendingPairs;

    ImportWriter(Connection c, String file) throws SQLException {
        this.c = c;
        this.file = file;
        this.insertPrompt = c.prepareStatement(
                "INSERT INTO prompt (dataset_id, source_id, text, category, metadata) VALUES (?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS);
        this.insertCandidate = c.prepareStatement(
                "INSERT INTO candidate (prompt_id, position, text, model, metadata) VALUES (?, ?, ?, ?, ?)");
        this.insertPair = c.prepareStatement("""
                INSERT INTO imported_preference (dataset_id, prompt_id, chosen_id, rejected_id, line, metadata)
                SELECT ?, ?, ch.id, re.id, ?, ? FROM candidate ch, candidate re
                WHERE ch.prompt_id = ? AND ch.position = ? AND re.prompt_id = ? AND re.position = ?""");
    }

    String uniqueDatasetName(String base) throws SQLException {
        String b = base.isBlank() ? "dataset" : base.length() > 180 ? base.substring(0, 180) : base;
        String name = b;
        for (int i = 2; !Jdbc.list(c, "SELECT id FROM dataset WHERE name = ?", rs -> rs.getLong(1), name).isEmpty(); i++) {
            name = b + " (" + i + ")";
        }
        return name;
    }

    long createDataset(String name, String sourceFile, String sha256, ImportFormat format) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dataset (name, source_file, source_sha256, format, imported_at) VALUES (?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.setString(2, sourceFile);
            ps.setString(3, sha256);
            ps.setString(4, format.cliName());
            ps.setObject(5, OffsetDateTime.now());
            ps.executeUpdate();
            datasetId = generatedKey(ps);
            return datasetId;
        }
    }

    /** Inserts a prompt and returns its id; a duplicate id (in this file or the workspace) is an input error. */
    long prompt(long line, String sourceId, String text, String category, String metadata) throws SQLException {
        if (sourceId.length() > ImportLimits.MAX_NAME_CHARS) {
            throw new InputException(file, line, "id", "is longer than " + ImportLimits.MAX_NAME_CHARS + " characters");
        }
        Long first = idsInFile.putIfAbsent(sourceId, line);
        if (first != null) {
            throw new InputException(file, line, "id", "duplicate id '" + sourceId + "' (first used on line " + first + ")");
        }
        insertPrompt.setLong(1, datasetId);
        insertPrompt.setString(2, sourceId);
        insertPrompt.setString(3, text);
        insertPrompt.setString(4, category);
        insertPrompt.setString(5, metadata);
        try {
            insertPrompt.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() != DUPLICATE_KEY) throw e;
            List<String> owner = Jdbc.list(c, "SELECT d.name FROM prompt p JOIN dataset d ON d.id = p.dataset_id WHERE p.source_id = ?",
                    rs -> rs.getString(1), sourceId);
            throw new InputException(file, line, "id", "id '" + sourceId + "' already exists in the workspace"
                    + (owner.isEmpty() ? "" : " (dataset '" + owner.get(0) + "')"));
        }
        prompts++;
        return generatedKey(insertPrompt);
    }

    void candidate(long promptId, int position, String text, String model, String metadata) throws SQLException {
        insertCandidate.setLong(1, promptId);
        insertCandidate.setInt(2, position);
        insertCandidate.setString(3, text);
        insertCandidate.setString(4, model);
        insertCandidate.setString(5, metadata);
        insertCandidate.addBatch();
        candidates++;
        if (++pendingCandidates >= BATCH) flushCandidates();
    }

    /** Records a pair from a preference file; resolved to candidate ids once the candidates are written. */
    void pair(long promptId, int chosenPosition, int rejectedPosition, long line, String metadata) throws SQLException {
        insertPair.setLong(1, datasetId);
        insertPair.setLong(2, promptId);
        insertPair.setLong(3, line);
        insertPair.setString(4, metadata);
        insertPair.setLong(5, promptId);
        insertPair.setInt(6, chosenPosition);
        insertPair.setLong(7, promptId);
        insertPair.setInt(8, rejectedPosition);
        insertPair.addBatch();
        pairs++;
        if (++pendingPairs >= BATCH) flushPairs();
    }

    private void flushCandidates() throws SQLException {
        if (pendingCandidates > 0) {
            insertCandidate.executeBatch();
            pendingCandidates = 0;
        }
    }

    private void flushPairs() throws SQLException {
        flushCandidates();
        if (pendingPairs > 0) {
            insertPair.executeBatch();
            pendingPairs = 0;
        }
    }

    void finish() throws SQLException {
        flushPairs();
        close();
    }

    int prompts() { return prompts; }
    int candidates() { return candidates; }
    int pairs() { return pairs; }

    private static long generatedKey(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) throw new SQLException("no generated key");
            return keys.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        insertPrompt.close();
        insertCandidate.close();
        insertPair.close();
    }
}
