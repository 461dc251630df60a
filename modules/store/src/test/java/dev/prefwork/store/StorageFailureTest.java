package dev.prefwork.store;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk and a read-only workspace, for real: the workspace lives on a small tmpfs the test mounts (skipped,
 * with the reason, where mounting is not allowed), or its file is made immutable with {@code chattr +i}. Each
 * failure is reported in words the expert can act on, and nothing committed before it is lost.
 */
class StorageFailureTest {

    @TempDir
    Path tmp;

    private static Tmpfs mountOrSkip(Path dir, long bytes) {
        Tmpfs.Attempt a = Tmpfs.mount(dir, bytes);
        assumeTrue(a.mount().isPresent(), "skipped: " + a.why());
        return a.mount().get();
    }

    @Test
    void aFullDiskIsReportedAndLosesNothingAlreadySaved() throws IOException {
        Path baseline = Fixtures.candidatesFile(tmp, "baseline.jsonl", 50, 3);
        Path big = Fixtures.candidatesFile(tmp, "big.jsonl", 1500, 4);
        try (Tmpfs disk = mountOrSkip(tmp.resolve("disk"), 8 << 20)) {
            Path dir = disk.dir().resolve("ws");
            Workspace ws = Workspace.open(dir);
            new Importer(ws).importFile(baseline, Importer.Options.DETECT, Progress.NONE);
            List<Long> labelled = ws.jdbc().list("SELECT id FROM candidate ORDER BY id LIMIT 10", rs -> rs.getLong(1));
            for (long id : labelled) ws.gold().setLabel(id, Verdict.GOOD, null);

            long another = ws.jdbc().list("SELECT MAX(id) FROM candidate", rs -> rs.getLong(1)).get(0);
            Path filler = disk.fill(256 << 10);
            assertThatThrownBy(() -> new Importer(ws).importFile(big, Importer.Options.DETECT, Progress.NONE))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("import of " + big + " failed and was rolled back: ")
                    .hasMessageContaining(StorageProblems.DISK_FULL);
            // H2 closes the database after a failed write: later calls say so, in the same plain words
            assertThatThrownBy(() -> ws.gold().setLabel(another, Verdict.BAD, null))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf(StorageProblems.DISK_FULL, StorageProblems.CLOSED));
            closeQuietly(ws);

            Files.delete(filler);
            try (Workspace again = Workspace.open(dir)) {
                assertThat(again.datasets().list()).extracting(d -> d.name()).containsExactly("baseline");
                assertThat(again.stats().compute().total().prompts()).isEqualTo(50);
                assertThat(again.jdbc().list("SELECT candidate_id FROM gold_candidate WHERE label = 'GOOD' ORDER BY candidate_id",
                        rs -> rs.getLong(1))).as("the labels made before the disk filled up").isEqualTo(labelled);
                again.gold().setLabel(another, Verdict.BAD, null); // and it works again
            }
        }
    }

    @Test
    void aReadOnlyDiskIsRefusedAtOpenAndTheWorkspaceOpensOnceWritable() throws IOException {
        Path baseline = Fixtures.candidatesFile(tmp, "baseline.jsonl", 20, 2);
        try (Tmpfs disk = mountOrSkip(tmp.resolve("disk"), 8 << 20)) {
            Path dir = disk.dir().resolve("ws");
            try (Workspace ws = Workspace.open(dir)) {
                new Importer(ws).importFile(baseline, Importer.Options.DETECT, Progress.NONE);
            }
            disk.readOnly(true);
            try {
                assertThatThrownBy(() -> Workspace.open(dir))
                        .isInstanceOf(InputException.class)
                        .hasMessage("the workspace " + dir + " is read-only here (a read-only disk, folder or file); Prefwork saves every"
                                + " change as you make it, so copy the folder to a place you can write to and open the copy");
            } finally {
                disk.readOnly(false);
            }
            try (Workspace ws = Workspace.open(dir)) {
                assertThat(ws.stats().compute().total().prompts()).isEqualTo(20);
            }
        }
    }

    @Test
    void anImmutableDatabaseFileIsRefusedAtOpen() throws Exception {
        Path dir = tmp.resolve("ws");
        Workspace.open(dir).close();
        Path db = dir.resolve("workspace.mv.db");
        assumeTrue(run("chattr", "+i", db.toString()), "skipped: chattr +i is not available or not allowed here");
        try {
            assertThatThrownBy(() -> Workspace.open(dir)).isInstanceOf(InputException.class).hasMessageContaining("is read-only here");
        } finally {
            run("chattr", "-i", db.toString());
        }
        Workspace.open(dir).close();
    }

    private static void closeQuietly(Workspace ws) {
        try {
            ws.close();
        } catch (RuntimeException e) {
            // the database is already closed after the failed write
        }
    }

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
