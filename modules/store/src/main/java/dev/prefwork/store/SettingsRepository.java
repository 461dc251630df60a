package dev.prefwork.store;

import java.time.OffsetDateTime;
import java.util.Optional;

/** Small named workspace settings; values are text (JSON where structured). */
public final class SettingsRepository {

    private final Jdbc jdbc;

    SettingsRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> get(String name) {
        return jdbc.one("SELECT content FROM workspace_setting WHERE name = ?", rs -> rs.getString(1), name);
    }

    public void put(String name, String value) {
        jdbc.update("MERGE INTO workspace_setting (name, content, updated_at) KEY (name) VALUES (?, ?, ?)", name, value, OffsetDateTime.now());
    }

    public void remove(String name) {
        jdbc.update("DELETE FROM workspace_setting WHERE name = ?", name);
    }
}
