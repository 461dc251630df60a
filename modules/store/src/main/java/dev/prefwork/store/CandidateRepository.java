package dev.prefwork.store;

import dev.prefwork.core.Candidate;

import java.util.List;

/** Candidates of a prompt, in position order. */
public final class CandidateRepository {

    private final Jdbc jdbc;

    CandidateRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<Candidate> forPrompt(long promptId) {
        return jdbc.list("SELECT id, prompt_id, position, text, model, metadata FROM candidate WHERE prompt_id = ? ORDER BY position",
                rs -> new Candidate(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6)),
                promptId);
    }

    /** Texts of the given candidates by id (those that exist). */
    public java.util.Map<Long, String> texts(java.util.Collection<Long> ids) {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        if (ids.isEmpty()) return out;
        jdbc.list("SELECT id, text FROM candidate WHERE id = ANY(?)", rs -> out.put(rs.getLong(1), rs.getString(2)),
                (Object) ids.toArray(new Long[0]));
        return out;
    }

    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM candidate");
    }
}
