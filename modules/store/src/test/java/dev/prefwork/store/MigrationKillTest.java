package dev.prefwork.store;

import dev.prefwork.core.Progress;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 during a schema upgrade: a child JVM opens a workspace whose schema is one migration behind (a slow
 * test migration with several DDL statements and data, {@code db/slowmigration}) and is killed at a random moment
 * while it backs up, copies, migrates or renames. Reopening must always work and find either the old schema
 * (then it upgrades) or the new one, with every prompt of before — never half a migration, which no start could
 * get past. The seed is {@code -Dprefwork.torture.seed}; kills {@code -Dprefwork.migration.kills} (4).
 */
class MigrationKillTest {

    static final String SLOW = "classpath:db/slowmigration";
    static final long SEED = Long.getLong("prefwork.torture.seed", 20_261_202L);
    static final int KILLS = Integer.getInteger("prefwork.migration.kills", 4);

    @TempDir
    Path tmp;

    @Test
    void aKillDuringAnUpgradeLeavesTheOldSchemaOrTheNewOneNeverAMix() throws Exception {
        Path template = tmp.resolve("template");
        try (Workspace ws = Workspace.open(template)) {
            new Importer(ws).importFile(Fixtures.candidatesFile(tmp, "data.jsonl", 200, 3), Importer.Options.DETECT, Progress.NONE);
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        // one upgrade without a kill: how long it takes from the backup to the end, here and now
        long upgradeMillis = Math.max(50, upgrade(template, tmp.resolve("calibration"), -1));
        int midMigration = 0;
        for (int k = 0; k < KILLS; k++) {
            Path dir = tmp.resolve("ws-" + k);
            upgrade(template, dir, rng.nextLong(upgradeMillis));
            if (Files.exists(dir.resolve(Workspace.STAGING))) midMigration++;
            try (Workspace ws = Workspace.open(dir, SLOW)) {
                assertThat(ws.stats().compute().total().prompts()).as("kill %d: the prompts of before", k).isEqualTo(200);
                assertThat(ws.jdbc().count("SELECT COUNT(*) FROM slow_a")).isEqualTo(8_000);
                assertThat(ws.jdbc().count("SELECT COUNT(*) FROM slow_b")).isEqualTo(8_000);
                assertThat(ws.jdbc().count("SELECT COUNT(*) FROM prompt WHERE slow_flag")).isEqualTo(200);
                assertThat(ws.jdbc().count("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '999' AND \"success\""))
                        .isEqualTo(1);
            }
            assertThat(dir.resolve(Workspace.STAGING)).as("the staging folder is cleared").doesNotExist();
        }
        System.out.printf("Migration kills: %d, %d of them while the upgrade was staged (an upgrade took %d ms; seed %d)%n",
                KILLS, midMigration, upgradeMillis, SEED);
        assertThat(midMigration).as("kills that landed inside the upgrade").isPositive();
    }

    /**
     * Copies the template to {@code dir} and opens it with the slow migration in a child JVM; kills the child
     * {@code killAfterMillis} after the backup appears (negative: lets it finish). Returns the milliseconds from the
     * backup to the child's end or kill.
     */
    private long upgrade(Path template, Path dir, long killAfterMillis) throws Exception {
        copyTree(template, dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), OpenWorkspace.class.getName(), dir.toString(), SLOW)
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
        // the upgrade starts with the backup (any way of upgrading takes one first)
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (isEmpty(dir.resolve("backups")) && child.isAlive() && System.nanoTime() < end) Thread.sleep(1);
        long from = System.nanoTime();
        if (killAfterMillis < 0) {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the calibration upgrade").isZero();
        } else {
            Thread.sleep(killAfterMillis);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return (System.nanoTime() - from) / 1_000_000;
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.findAny().isEmpty();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
