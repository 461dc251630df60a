package dev.prefwork.app.ui.workspace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsStoreTest {

    @TempDir
    Path tmp;

    @Test
    void recentWorkspacesAreMostRecentFirstDistinctAndCapped() {
        SettingsStore s = new SettingsStore(tmp.resolve("settings.json"));
        for (int i = 0; i < 15; i++) s.addRecent(tmp.resolve("ws" + i));
        s.addRecent(tmp.resolve("ws10"));
        SettingsStore reread = new SettingsStore(tmp.resolve("settings.json"));
        assertThat(reread.recentWorkspaces()).hasSize(SettingsStore.MAX_RECENT);
        assertThat(reread.recentWorkspaces().get(0)).isEqualTo(tmp.resolve("ws10"));
        assertThat(reread.recentWorkspaces().get(1)).isEqualTo(tmp.resolve("ws14"));
        reread.removeRecent(tmp.resolve("ws10"));
        assertThat(reread.recentWorkspaces()).doesNotContain(tmp.resolve("ws10"));
    }

    @Test
    void themeAndWindowPersistAndOtherKeysSurvive() throws Exception {
        Path file = tmp.resolve("settings.json");
        Files.writeString(file, "{\"generation\": {\"url\": \"http://localhost:8000\"}, \"theme\": \"light\"}");
        SettingsStore s = new SettingsStore(file);
        s.setTheme("dark");
        s.setWindowSize(new SettingsStore.WindowSize(1200, 800, true));
        SettingsStore reread = new SettingsStore(file);
        assertThat(reread.theme()).isEqualTo("dark");
        assertThat(reread.windowSize()).contains(new SettingsStore.WindowSize(1200, 800, true));
        assertThat(Files.readString(file)).contains("\"url\" : \"http://localhost:8000\"");
    }

    @Test
    void aBrokenFileMeansDefaults() throws Exception {
        Path file = tmp.resolve("settings.json");
        Files.writeString(file, "{not json");
        SettingsStore s = new SettingsStore(file);
        assertThat(s.theme()).isEqualTo("light");
        assertThat(s.recentWorkspaces()).isEmpty();
        s.addRecent(tmp.resolve("x"));
        assertThat(new SettingsStore(file).recentWorkspaces()).containsExactly(tmp.resolve("x"));
    }
}
