package dev.prefwork.store;

import dev.prefwork.core.Candidate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Candidate-generation jobs (V10): what to ask which model, and how far each job got, prompt by prompt. The JSON
 * columns are opaque here (modules/generation owns their meaning).
 *
 * <p>{@link #commitPrompt} is the one write that matters: a prompt's candidates and its DONE mark in one
 * transaction, after checking under a lock on the prompt's row that it is still pending. A job that
 * is stopped or killed at any moment therefore resumes at its first prompt not DONE, and no prompt is written
 * twice, whichever thread or process gets there first.
 */
public final class GenerationJobRepository {

    public static final String RUNNING = "RUNNING";
    public static final String STOPPED = "STOPPED";
    public static final String FAILED = "FAILED";
    public static final String COMPLETE = "COMPLETE";
    public static final String DISCARDED = "DISCARDED";

    /** A job to create, over {@code promptIds} in that order. */
    public record JobToCreate(String label, String backend, String model, String backendConfigJson, String parametersJson,
                              String selectionJson, boolean onlyMissing, long[] promptIds) {
    }

    /** A stored job with its per-prompt counts. */
    public record StoredJob(long id, String label, String backend, String model, String backendConfigJson,
                            String parametersJson, String selectionJson, boolean onlyMissing, String status,
                            int promptsTotal, int done, int skipped, int failed, long candidates, long completionTokens,
                            long elapsedMs, String error, Instant createdAt, Instant updatedAt, Instant finishedAt) {

        /** Prompts still to do (pending or failed). */
        public int remaining() {
            return promptsTotal - done - skipped;
        }

        /** Not complete or discarded, with prompts left: {@code resume} has work to do. */
        public boolean resumable() {
            return !status.equals(COMPLETE) && !status.equals(DISCARDED) && remaining() > 0;
        }
    }

    /** One candidate to write; {@code model} and the job id come from the job. */
    public record CandidateToWrite(String text, String metadataJson) {
    }

    public enum CommitOutcome {
        /** the candidates were written and the prompt marked DONE */
        WRITTEN,
        /** the prompt was DONE or SKIPPED already: nothing was written */
        ALREADY_DONE,
        /** an only-missing job found candidates on the prompt: marked SKIPPED, nothing written */
        SKIPPED
    }

    private final Jdbc jdbc;

    GenerationJobRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Ids of the prompts a job would cover, in workspace order: those of {@code datasetId} and/or {@code category}
     * when given ("" = no category), only those without any candidate when {@code withoutCandidates}.
     */
    public long[] selectPromptIds(Long datasetId, String category, boolean withoutCandidates) {
        List<String> where = new java.util.ArrayList<>();
        List<Object> params = new java.util.ArrayList<>();
        if (datasetId != null) {
            where.add("p.dataset_id = ?");
            params.add(datasetId);
        }
        if (category != null) {
            if (category.isEmpty()) where.add("p.category IS NULL");
            else {
                where.add("p.category = ?");
                params.add(category);
            }
        }
        if (withoutCandidates) where.add("NOT EXISTS (SELECT 1 FROM candidate c WHERE c.prompt_id = p.id)");
        String sql = "SELECT p.id FROM prompt p" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY p.id";
        return jdbc.list(sql, rs -> rs.getLong(1), params.toArray()).stream().mapToLong(Long::longValue).toArray();
    }

    /** Creates a job (status STOPPED until a runner starts it) and its pending prompt rows, in one transaction. */
    public long create(JobToCreate job) {
        return jdbc.inTransaction(c -> {
            long id;
            OffsetDateTime now = OffsetDateTime.now();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO generation_job (label, backend, model, backend_config, "
                    + "parameters, selection, only_missing, status, prompts_total, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, job.label());
                ps.setString(2, job.backend());
                ps.setString(3, job.model());
                ps.setString(4, job.backendConfigJson());
                ps.setString(5, job.parametersJson());
                ps.setString(6, job.selectionJson());
                ps.setBoolean(7, job.onlyMissing());
                ps.setString(8, STOPPED);
                ps.setInt(9, job.promptIds().length);
                ps.setObject(10, now);
                ps.setObject(11, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO generation_job_prompt (job_id, ordinal, prompt_id, status) VALUES (?, ?, ?, 'PENDING')")) {
                long[] ids = job.promptIds();
                for (int i = 0; i < ids.length; i++) {
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setLong(3, ids[i]);
                    ps.addBatch();
                    if (i % 1000 == 999) ps.executeBatch();
                }
                ps.executeBatch();
            }
            return id;
        });
    }

    private static final String JOB_COLUMNS = "j.id, j.label, j.backend, j.model, j.backend_config, j.parameters, j.selection, "
            + "j.only_missing, j.status, j.prompts_total, "
            + "COALESCE(SUM(CASE WHEN p.status = 'DONE' THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN p.status = 'SKIPPED' THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN p.status = 'FAILED' THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(p.candidates), 0), COALESCE(SUM(p.completion_tokens), 0), COALESCE(SUM(p.elapsed_ms), 0), "
            + "j.error, j.created_at, GREATEST(j.updated_at, COALESCE(MAX(p.finished_at), j.updated_at)), j.finished_at";
    private static final String JOB_FROM = " FROM generation_job j LEFT JOIN generation_job_prompt p ON p.job_id = j.id";
    private static final String JOB_GROUP = " GROUP BY j.id, j.label, j.backend, j.model, j.backend_config, j.parameters, "
            + "j.selection, j.only_missing, j.status, j.prompts_total, j.error, j.created_at, j.updated_at, j.finished_at";

    public Optional<StoredJob> get(long id) {
        return jdbc.one("SELECT " + JOB_COLUMNS + JOB_FROM + " WHERE j.id = ?" + JOB_GROUP, GenerationJobRepository::job, id);
    }

    /** Every job, newest first. */
    public List<StoredJob> list() {
        return jdbc.list("SELECT " + JOB_COLUMNS + JOB_FROM + JOB_GROUP + " ORDER BY j.id DESC", GenerationJobRepository::job);
    }

    /** The newest job that {@link StoredJob#resumable()} says has work left. */
    public Optional<StoredJob> latestResumable() {
        return list().stream().filter(StoredJob::resumable).findFirst();
    }

    /** Ids of the job's prompts still to do (PENDING or FAILED), in the job's order. */
    public long[] remainingPromptIds(long jobId) {
        return jdbc.list("SELECT prompt_id FROM generation_job_prompt WHERE job_id = ? AND status IN ('PENDING', 'FAILED') "
                + "ORDER BY ordinal", rs -> rs.getLong(1), jobId).stream().mapToLong(Long::longValue).toArray();
    }

    /** The status of one prompt of a job, if it belongs to it. */
    public Optional<String> promptStatus(long jobId, long promptId) {
        return jdbc.one("SELECT status FROM generation_job_prompt WHERE job_id = ? AND prompt_id = ?", rs -> rs.getString(1),
                jobId, promptId);
    }

    public void setStatus(long jobId, String status, String error) {
        boolean finished = status.equals(COMPLETE) || status.equals(DISCARDED);
        jdbc.update("UPDATE generation_job SET status = ?, error = ?, updated_at = ?, finished_at = "
                + (finished ? "?" : "NULL") + " WHERE id = ?", finished
                ? new Object[]{status, error, OffsetDateTime.now(), OffsetDateTime.now(), jobId}
                : new Object[]{status, error, OffsetDateTime.now(), jobId});
    }

    /**
     * Writes a prompt's candidates (positions after its existing ones, the job's model name, the job id) and marks
     * the prompt DONE, in one transaction, if the prompt is still pending in the job; see {@link CommitOutcome}.
     */
    public CommitOutcome commitPrompt(long jobId, long promptId, List<CandidateToWrite> candidates, Long completionTokens,
                                      long elapsedMs) {
        // The job's own columns never change while it runs: read them without a lock. Locking (or updating) the job
        // row in every prompt's transaction made it a row that all workers queue for, and H2 found deadlocks there.
        List<Object[]> jobRow = jdbc.list("SELECT only_missing, model FROM generation_job WHERE id = ?",
                rs -> new Object[]{rs.getBoolean(1), rs.getString(2)}, jobId);
        if (jobRow.isEmpty()) throw new StoreException("no generation job " + jobId, null);
        boolean onlyMissing = (Boolean) jobRow.get(0)[0];
        String model = (String) jobRow.get(0)[1];
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbc.inTransaction(c -> commit(c, jobId, promptId, onlyMissing, model, candidates, completionTokens, elapsedMs));
            } catch (StoreException e) {
                // a deadlock or lock timeout rolled the transaction back: nothing of it was written, so try it again
                if (attempt >= 3 || !(e.getCause() instanceof SQLException sql) || !isLockConflict(sql)) throw e;
            }
        }
    }

    private static boolean isLockConflict(SQLException e) {
        return "40001".equals(e.getSQLState()) || e.getErrorCode() == 50200 || e.getErrorCode() == 40001;
    }

    private static CommitOutcome commit(Connection c, long jobId, long promptId, boolean onlyMissing, String model,
                                        List<CandidateToWrite> candidates, Long completionTokens, long elapsedMs) throws SQLException {
        List<String> status = Jdbc.list(c, "SELECT status FROM generation_job_prompt WHERE job_id = ? AND prompt_id = ? FOR UPDATE",
                rs -> rs.getString(1), jobId, promptId);
        if (status.isEmpty()) throw new StoreException("prompt " + promptId + " is not part of generation job " + jobId, null);
        if (status.get(0).equals("DONE") || status.get(0).equals("SKIPPED")) return CommitOutcome.ALREADY_DONE;
        OffsetDateTime now = OffsetDateTime.now();
        int next = Jdbc.list(c, "SELECT COALESCE(MAX(position), -1) + 1 FROM candidate WHERE prompt_id = ?",
                rs -> rs.getInt(1), promptId).get(0);
        if (onlyMissing && next > 0) {
            Jdbc.update(c, "UPDATE generation_job_prompt SET status = 'SKIPPED', finished_at = ? WHERE job_id = ? AND prompt_id = ?",
                    now, jobId, promptId);
            return CommitOutcome.SKIPPED;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO candidate (prompt_id, position, text, model, metadata, "
                + "generation_job_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (CandidateToWrite w : candidates) {
                ps.setLong(1, promptId);
                ps.setInt(2, next++);
                ps.setString(3, w.text());
                ps.setString(4, model);
                ps.setString(5, w.metadataJson());
                ps.setLong(6, jobId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Jdbc.update(c, "UPDATE generation_job_prompt SET status = 'DONE', candidates = ?, completion_tokens = ?, elapsed_ms = ?, "
                + "attempts = attempts + 1, error = NULL, finished_at = ? WHERE job_id = ? AND prompt_id = ?",
                candidates.size(), completionTokens, elapsedMs, now, jobId, promptId);
        return CommitOutcome.WRITTEN;
    }

    /** Marks a pending prompt FAILED with the error (resume tries it again). */
    public void markFailed(long jobId, long promptId, String error) {
        jdbc.update("UPDATE generation_job_prompt SET status = 'FAILED', attempts = attempts + 1, error = ? "
                + "WHERE job_id = ? AND prompt_id = ? AND status IN ('PENDING', 'FAILED')", cut(error, 4000), jobId, promptId);
    }

    /** The candidates a job wrote, by prompt then position (what a before/after comparison reads). */
    public List<Candidate> candidates(long jobId) {
        return jdbc.list("SELECT id, prompt_id, position, text, model, metadata FROM candidate WHERE generation_job_id = ? "
                        + "ORDER BY prompt_id, position",
                rs -> new Candidate(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6)),
                jobId);
    }

    /** Errors of the job's failed prompts, at most {@code limit}: (prompt id, error). */
    public List<PromptError> errors(long jobId, int limit) {
        return jdbc.list("SELECT prompt_id, error FROM generation_job_prompt WHERE job_id = ? AND status = 'FAILED' "
                + "ORDER BY ordinal LIMIT ?", rs -> new PromptError(rs.getLong(1), rs.getString(2)), jobId, limit);
    }

    public record PromptError(long promptId, String error) {
    }

    private static StoredJob job(ResultSet rs) throws SQLException {
        OffsetDateTime finished = rs.getObject(20, OffsetDateTime.class);
        return new StoredJob(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getBoolean(8), rs.getString(9), rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getInt(13),
                rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getString(17), rs.getObject(18, OffsetDateTime.class).toInstant(),
                rs.getObject(19, OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant());
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
