package dev.prefwork.app.reliability;

import dev.prefwork.app.cli.PrefworkCli;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.store.StorageProblems;
import dev.prefwork.testkit.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the command line says when the disk is full, when the workspace is read-only, and when another process
 * has it open — and that nothing saved before is lost. The disk is a small tmpfs the test mounts (skipped with the
 * reason where mounting is not allowed); the other process is a real second JVM.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang in H2 spins, deaf to interrupts
class StorageCliTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PrefworkCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Tmpfs mountOrSkip(Path dir, long bytes) {
        Tmpfs.Attempt a = Tmpfs.mount(dir, bytes);
        assumeTrue(a.mount().isPresent(), "skipped: " + a.why());
        return a.mount().get();
    }

    @Test
    void aFullDiskIsReportedAndWhatWasSavedIsKept() throws Exception {
        Path baseline = TestData.writeJsonl(tmp.resolve("baseline.jsonl"), 40, "base-");
        Path big = TestData.writeJsonl(tmp.resolve("big.jsonl"), 6000, "big-");
        try (Tmpfs disk = mountOrSkip(tmp.resolve("disk"), 8 << 20)) {
            String ws = disk.dir().resolve("ws").toString();
            assertThat(cli("init", ws).exit()).isZero();
            assertThat(cli("import", ws, baseline.toString()).exit()).isZero();
            // Long notes: reopening the workspace after the failed import frees what it wrote (H2 truncates to the
            // last commit), so the export must need more than that: 40 × 6 KB.
            String note = "careful reasoning ".repeat(350);
            StringBuilder goldLines = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                goldLines.append(String.format("{\"prompt_id\":\"base-%05d\",\"best\":1,\"worst\":0,"
                        + "\"labels\":[{\"candidate\":1,\"label\":\"GOOD\"}],\"note\":\"%s\"}%n", i, note));
            }
            Path goldIn = Files.writeString(tmp.resolve("gold-in.jsonl"), goldLines);
            Run goldImport = cli("gold", "import", ws, goldIn.toString());
            assertThat(goldImport.exit()).as(goldImport.err()).isZero();
            Path filler = disk.fill(128 << 10);

            Run failed = cli("import", ws, big.toString());
            assertThat(failed.exit()).isEqualTo(1);
            assertThat(failed.err()).startsWith("prefwork: import of " + big + " failed and was rolled back: " + StorageProblems.DISK_FULL);
            // What the failed import left free is filled too.
            Path rest = disk.fill(0, "rest.bin");
            Path gold = disk.dir().resolve("gold.jsonl");
            Run export = cli("gold", "export", ws, "--out", gold.toString());
            assertThat(export.exit()).isEqualTo(1);
            assertThat(export.err()).contains(StorageProblems.DISK_FULL);
            assertThat(gold).as("no gold file, whole or half").doesNotExist();
            assertThat(disk.dir().resolve("gold.jsonl.part")).doesNotExist();

            Files.delete(filler);
            Files.delete(rest);
            Run stats = cli("stats", ws, "--json");
            assertThat(stats.exit()).as(stats.err()).isZero();
            assertThat(stats.out()).contains("\"prompts\" : 40");
            Run export2 = cli("gold", "export", ws, "--out", gold.toString());
            assertThat(export2.exit()).as(export2.err()).isZero();
            assertThat(Files.readAllLines(gold)).as("every judgment saved before the disk filled").hasSize(40);
            assertThat(cli("import", ws, big.toString()).exit()).as("with room again the import works").isZero();
        }
    }

    @Test
    void aReadOnlyWorkspaceIsRefusedWithExitCode2() throws Exception {
        try (Tmpfs disk = mountOrSkip(tmp.resolve("disk"), 8 << 20)) {
            String ws = disk.dir().resolve("ws").toString();
            assertThat(cli("init", ws).exit()).isZero();
            disk.readOnly(true);
            try {
                Run stats = cli("stats", ws);
                assertThat(stats.exit()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
                assertThat(stats.err()).contains("is read-only here").contains("copy the folder to a place you can write to");
            } finally {
                disk.readOnly(false);
            }
            assertThat(cli("stats", ws).exit()).isZero();
        }
    }

    @Test
    void aWorkspaceOpenInAnotherProcessIsRefusedAndUntouched() throws Exception {
        Path ws = tmp.resolve("ws");
        assertThat(cli("init", ws.toString()).exit()).isZero();
        assertThat(cli("import", ws.toString(), TestData.writeJsonl(tmp.resolve("a.jsonl"), 10).toString()).exit()).isZero();
        Process holder = HoldWorkspaceChild.hold(ws);
        try {
            Run stats = cli("stats", ws.toString());
            assertThat(stats.exit()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
            assertThat(stats.err().strip()).isEqualTo("prefwork: the workspace " + ws.toAbsolutePath().normalize()
                    + " is already open in another Prefwork window or process; close it there first");
            Run imp = cli("import", ws.toString(), TestData.writeJsonl(tmp.resolve("b.jsonl"), 5, "b-").toString());
            assertThat(imp.exit()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Run stats = cli("stats", ws.toString(), "--json");
        assertThat(stats.exit()).isZero();
        assertThat(stats.out()).contains("\"prompts\" : 10");
    }
}
