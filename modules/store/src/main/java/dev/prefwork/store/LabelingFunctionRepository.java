package dev.prefwork.store;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Verdict;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Labeling functions and their immutable versions. Saving a changed spec inserts the next version (nothing is
 * ever updated in {@code lf_version}), so whatever names a version id keeps meaning what it meant. Names are
 * unique case-insensitively. The spec is opaque JSON here; modules/labeling validates it before saving.
 */
public final class LabelingFunctionRepository {

    /** What to save: the LF's name, aspect and vote as in the spec, and the spec's JSON. */
    public record LfDraft(String name, String aspect, Verdict vote, String specJson) {
    }

    public enum Outcome { CREATED, NEW_VERSION, UNCHANGED }

    public record Saved(StoredLf lf, Outcome outcome) {
    }

    private static final String SELECT_LF = """
            SELECT f.id, f.name, f.aspect, f.enabled, f.created_at,
                   v.id AS vid, v.version, v.vote, v.spec, v.created_at AS v_created
            FROM labeling_function f
            JOIN lf_version v ON v.lf_id = f.id AND v.version = (SELECT MAX(x.version) FROM lf_version x WHERE x.lf_id = f.id)
            """;

    private final Jdbc jdbc;

    LabelingFunctionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Every LF with its current version, in creation order. */
    public List<StoredLf> list() {
        return jdbc.list(SELECT_LF + " ORDER BY f.id", LabelingFunctionRepository::lf);
    }

    public Optional<StoredLf> get(long lfId) {
        return jdbc.one(SELECT_LF + " WHERE f.id = ?", LabelingFunctionRepository::lf, lfId);
    }

    /** The LF named {@code name}, ignoring case. */
    public Optional<StoredLf> byName(String name) {
        return jdbc.one(SELECT_LF + " WHERE f.name_key = ?", LabelingFunctionRepository::lf, key(name));
    }

    /** All versions of an LF, oldest first. */
    public List<StoredLfVersion> versions(long lfId) {
        return jdbc.list("SELECT id, lf_id, version, vote, spec, created_at FROM lf_version WHERE lf_id = ? ORDER BY version",
                LabelingFunctionRepository::version, lfId);
    }

    public Optional<StoredLfVersion> version(long versionId) {
        return jdbc.one("SELECT id, lf_id, version, vote, spec, created_at FROM lf_version WHERE id = ?",
                LabelingFunctionRepository::version, versionId);
    }

    /** Creates an LF at version 1; a name in use (ignoring case) is an input error. */
    public StoredLf create(LfDraft draft, boolean enabled) {
        return jdbc.inTransaction(c -> {
            long id = insert(c, draft, enabled);
            return load(c, id);
        });
    }

    /**
     * Saves {@code draft} as the next version of LF {@code lfId} (renaming it if the name changed). When name,
     * aspect, vote and spec equal the current version's, nothing is written and UNCHANGED is returned.
     */
    public Saved update(long lfId, LfDraft draft) {
        return jdbc.inTransaction(c -> addVersion(c, lfId, draft));
    }

    /**
     * Saves several drafts in one transaction (a library import): a draft whose name matches an existing LF
     * (ignoring case) becomes that LF's next version unless unchanged; any other is created with {@code enabled}.
     */
    public List<Saved> saveAll(List<LfDraft> drafts, List<Boolean> enabled) {
        return jdbc.inTransaction(c -> saveAll(c, drafts, enabled));
    }

    /** As {@link #saveAll(List, List)} on a caller's transaction (a bundle import writes everything in one). */
    public static List<Saved> saveAll(Connection c, List<LfDraft> drafts, List<Boolean> enabled) throws SQLException {
        List<Saved> out = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            LfDraft d = drafts.get(i);
            List<Long> existing = Jdbc.list(c, "SELECT id FROM labeling_function WHERE name_key = ?", rs -> rs.getLong(1), key(d.name()));
            if (existing.isEmpty()) {
                long id = insert(c, d, enabled.get(i));
                out.add(new Saved(load(c, id), Outcome.CREATED));
            } else {
                out.add(addVersion(c, existing.get(0), d));
            }
        }
        return out;
    }

    public void setEnabled(long lfId, boolean enabled) {
        int n = jdbc.update("UPDATE labeling_function SET enabled = ? WHERE id = ?", enabled, lfId);
        if (n == 0) throw new InputException("no labeling function with id " + lfId);
    }

    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM labeling_function");
    }

    private static long insert(Connection c, LfDraft d, boolean enabled) throws SQLException {
        checkNameFree(c, d.name(), -1);
        OffsetDateTime now = OffsetDateTime.now();
        long id;
        try (var ps = c.prepareStatement("INSERT INTO labeling_function (name, name_key, aspect, enabled, created_at) VALUES (?, ?, ?, ?, ?)",
                java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, d.name().strip());
            ps.setString(2, key(d.name()));
            ps.setString(3, d.aspect());
            ps.setBoolean(4, enabled);
            ps.setObject(5, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        Jdbc.update(c, "INSERT INTO lf_version (lf_id, version, vote, spec, created_at) VALUES (?, 1, ?, ?, ?)",
                id, d.vote().name(), d.specJson(), now);
        return id;
    }

    private static Saved addVersion(Connection c, long lfId, LfDraft d) throws SQLException {
        StoredLf current = load(c, lfId);
        if (current.name().equals(d.name().strip()) && current.aspect().equals(d.aspect())
                && current.current().vote() == d.vote() && current.current().specJson().equals(d.specJson())) {
            return new Saved(current, Outcome.UNCHANGED);
        }
        checkNameFree(c, d.name(), lfId);
        Jdbc.update(c, "UPDATE labeling_function SET name = ?, name_key = ?, aspect = ? WHERE id = ?",
                d.name().strip(), key(d.name()), d.aspect(), lfId);
        Jdbc.update(c, "INSERT INTO lf_version (lf_id, version, vote, spec, created_at) VALUES (?, ?, ?, ?, ?)",
                lfId, current.current().version() + 1, d.vote().name(), d.specJson(), OffsetDateTime.now());
        return new Saved(load(c, lfId), Outcome.NEW_VERSION);
    }

    private static void checkNameFree(Connection c, String name, long exceptLfId) throws SQLException {
        List<String> other = Jdbc.list(c, "SELECT name FROM labeling_function WHERE name_key = ? AND id <> ?",
                rs -> rs.getString(1), key(name), exceptLfId);
        if (!other.isEmpty()) {
            throw new InputException(null, 0, "name", "a labeling function named \"" + other.get(0) + "\" already exists");
        }
    }

    private static StoredLf load(Connection c, long lfId) throws SQLException {
        List<StoredLf> l = Jdbc.list(c, SELECT_LF + " WHERE f.id = ?", LabelingFunctionRepository::lf, lfId);
        if (l.isEmpty()) throw new InputException("no labeling function with id " + lfId);
        return l.get(0);
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    private static StoredLf lf(ResultSet rs) throws SQLException {
        StoredLfVersion v = new StoredLfVersion(rs.getLong("vid"), rs.getLong("id"), rs.getInt("version"),
                Verdict.valueOf(rs.getString("vote")), rs.getString("spec"),
                rs.getObject("v_created", OffsetDateTime.class).toInstant());
        return new StoredLf(rs.getLong("id"), rs.getString("name"), rs.getString("aspect"), rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), v);
    }

    private static StoredLfVersion version(ResultSet rs) throws SQLException {
        return new StoredLfVersion(rs.getLong("id"), rs.getLong("lf_id"), rs.getInt("version"), Verdict.valueOf(rs.getString("vote")),
                rs.getString("spec"), rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
