package dev.prefwork.store;

import dev.prefwork.core.Dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Imported datasets with their prompt and candidate counts. */
public final class DatasetRepository {

    private static final String SELECT = """
            SELECT d.id, d.name, d.source_file, d.source_sha256, d.format, d.imported_at,
                   (SELECT COUNT(*) FROM prompt p WHERE p.dataset_id = d.id) AS prompts,
                   (SELECT COUNT(*) FROM candidate c JOIN prompt p ON p.id = c.prompt_id WHERE p.dataset_id = d.id) AS candidates
            FROM dataset d""";

    private final Jdbc jdbc;

    DatasetRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<Dataset> list() {
        return jdbc.list(SELECT + " ORDER BY d.id", DatasetRepository::map);
    }

    public Optional<Dataset> get(long id) {
        return jdbc.one(SELECT + " WHERE d.id = ?", DatasetRepository::map, id);
    }

    public Optional<Dataset> bySha256(String sha256) {
        return jdbc.one(SELECT + " WHERE d.source_sha256 = ?", DatasetRepository::map, sha256);
    }

    static Dataset map(ResultSet rs) throws SQLException {
        return new Dataset(rs.getLong("id"), rs.getString("name"), rs.getString("source_file"),
                rs.getString("source_sha256"), rs.getString("format"),
                rs.getObject("imported_at", OffsetDateTime.class).toInstant(),
                rs.getInt("prompts"), rs.getInt("candidates"));
    }
}
