package dev.prefwork.store;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceTest {

    @TempDir
    Path dir;

    @Test
    void openCreatesTheDatabaseAndFoldersAndMigrates() throws Exception {
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            assertThat(Workspace.exists(ws.dir())).isTrue();
            assertThat(ws.dir().resolve("exports")).isDirectory();
            assertThat(ws.dir().resolve("backups")).isDirectory();
            assertThat(ws.jdbc().list("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL",
                    rs -> rs.getString(1))).startsWith("1").contains("5"); // V2–V4 belong to other features
            assertThat(ws.datasets().list()).isEmpty();
        }
    }

    @Test
    void reopeningKeepsDataAndDoesNotBackUpWithoutPendingMigrations() throws Exception {
        Path file = Fixtures.candidatesFile(dir, "a.jsonl", 3, 5);
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
        }
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            assertThat(ws.stats().compute().total().candidates()).isEqualTo(15);
            try (var files = Files.list(ws.dir().resolve("backups"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aPendingMigrationBacksTheDatabaseUpFirstAndTheBackupHoldsTheOldData() throws Exception {
        Path wsDir = dir.resolve("ws");
        try (Workspace ws = Workspace.open(wsDir)) {
            new Importer(ws).importFile(Fixtures.candidatesFile(dir, "a.jsonl", 2, 3), Importer.Options.DETECT, Progress.NONE);
        }
        // A newer version of Prefwork brings migration V999: opening must back up before applying it.
        try (Workspace ws = Workspace.open(wsDir, "classpath:db/testmigration")) {
            assertThat(ws.jdbc().count("SELECT COUNT(*) FROM probe_v999")).isZero();
            assertThat(ws.stats().compute().total().prompts()).isEqualTo(2);
        }
        try (var files = Files.list(wsDir.resolve("backups"))) {
            var backups = files.toList();
            assertThat(backups).hasSize(1);
            assertThat(backups.get(0).getFileName().toString()).endsWith("-before-v999.zip");
            try (var zip = new java.util.zip.ZipFile(backups.get(0).toFile())) {
                assertThat(zip.getEntry("workspace.mv.db")).isNotNull();
            }
        }
    }

    @Test
    void aWorkspaceHeldByAnotherProcessIsRefusedWithAClearMessage() throws Exception {
        Path wsDir = dir.resolve("ws");
        Workspace.open(wsDir).close();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldWorkspace.class.getName(), wsDir.toString())
                .redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.equals("open")) {
                // skip the child's log lines
            }
            assertThat(line).isEqualTo("open");
            assertThatThrownBy(() -> Workspace.open(wsDir))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("already open in another Prefwork window");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        // Once the other process is gone (even killed), the workspace opens again.
        try (Workspace ws = Workspace.open(wsDir)) {
            assertThat(ws.datasets().list()).isEmpty();
        }
    }

    @Test
    void pathsThatCouldInjectUrlOptionsAreRefused() {
        assertThatThrownBy(() -> Workspace.open(dir.resolve("x;INIT=RUNSCRIPT FROM 'evil.sql'")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("may not contain ';'");
    }
}
