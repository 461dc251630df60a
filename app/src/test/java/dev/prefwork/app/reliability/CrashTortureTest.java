package dev.prefwork.app.reliability;

import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash torture: each {@link Operation} runs in a child JVM on the real services and is killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) at a seeded random moment: 15 % of the kills during the child's
 * start (JVM start, H2 opening and recovering the previous kill's file, the services starting), the others after
 * a random number of acknowledged steps — a third of those 0–3 ms after an acknowledgement (the moment a commit
 * not yet in the file would be lost), the rest at a random point of the next step. After every kill the
 * workspace is reopened and must pass {@link WorkspaceInvariants} (H2 opens, the schema is a fresh workspace's,
 * every row reads back, cross-table facts hold) and the operation's own check against what the children
 * journaled: every acknowledged step is there, the step in flight is complete or absent, derived results are
 * complete or detectably stale.
 *
 * <p>The schedule (the operations' shares, each kill's moment, each child's seed) comes from
 * {@code -Dprefwork.torture.seed}; how far a child gets within a step still depends on the machine, so a failure
 * prints the seed, the kill's number and moment, and the child's journal and output. {@code -Dprefwork.torture.kills}
 * sets the number of kills (50 by default, shared by {@link Operation}'s weights), {@code -Dprefwork.torture.ops=IMPORT,EMBED}
 * a subset, {@code -Dprefwork.torture.lanes} how many operations run at once (2). The summary goes to stdout and
 * {@code target/reliability/torture-summary.txt}.
 */
class CrashTortureTest {

    static final long SEED = Long.getLong("prefwork.torture.seed", 20_261_202L);
    static final int KILLS = Integer.getInteger("prefwork.torture.kills", 50);
    /** Operations tortured at the same time (each in its own workspace), to use both cores while children start. */
    static final int LANES = Integer.getInteger("prefwork.torture.lanes", 2);
    /** Share of the kills aimed at the child's start instead of its work. */
    static final int EARLY_PERCENT = 15;

    @TempDir
    Path tmp;

    /** Typical time of one acknowledged step, per operation (measured as the kills go). */
    private final Map<Operation, Long> stepEstimate = new java.util.concurrent.ConcurrentHashMap<>();

    /** What happened to one operation. */
    static final class Tally {
        final Operation op;
        int kills;
        int early;
        int inFlight;
        int acks;
        long checkMillis;
        long startMillis;
        long childCpuMillis;
        final long began = System.nanoTime();
        long millis;

        Tally(Operation op) {
            this.op = op;
        }
    }

    @Test
    void everyOperationSurvivesKill9AtRandomMoments() throws Exception {
        WorkspaceInvariants.Schema reference = WorkspaceInvariants.reference(tmp.resolve("reference"));
        String only = System.getProperty("prefwork.torture.ops", "");
        List<Operation> ops = Arrays.stream(Operation.values())
                .filter(op -> only.isBlank() || Arrays.stream(only.split(",")).anyMatch(s -> s.strip().equalsIgnoreCase(op.name())))
                .toList();
        Map<Operation, Integer> quota = Operation.quota(KILLS, ops);
        List<Future<Tally>> running = new ArrayList<>();
        ExecutorService lanes = Executors.newFixedThreadPool(Math.max(1, LANES));
        try {
            for (Operation op : ops) {
                running.add(lanes.submit(() -> torture(op, quota.get(op), reference)));
            }
            List<Tally> tallies = new ArrayList<>();
            for (Future<Tally> f : running) {
                try {
                    tallies.add(f.get());
                } catch (ExecutionException e) {
                    lanes.shutdownNow();
                    if (e.getCause() instanceof Error err) throw err;
                    throw e;
                }
            }
            report(tallies);
        } finally {
            lanes.shutdownNow();
        }
    }

    private void report(List<Tally> tallies) throws IOException {
        String summary = summary(tallies);
        System.out.println(summary);
        Path out = Path.of("target", "reliability");
        Files.createDirectories(out);
        Files.writeString(out.resolve("torture-summary.txt"), summary);
        int kills = tallies.stream().mapToInt(t -> t.kills).sum();
        assertThat(kills).isGreaterThanOrEqualTo(KILLS);
    }

    private Tally torture(Operation op, int kills, WorkspaceInvariants.Schema reference) throws Exception {
        TortureOperation impl = op.create();
        Path base = tmp.resolve(op.name().toLowerCase(Locale.ROOT));
        Path dir = base.resolve("ws");
        Path scratch = Files.createDirectories(base.resolve("scratch"));
        Path home = Files.createDirectories(base.resolve("home"));
        Path journals = Files.createDirectories(base.resolve("journals"));
        impl.prepare(dir, scratch);
        SplittableRandom rng = new SplittableRandom(SEED * 1_000_003L + op.name().hashCode());
        List<List<Journal.Entry>> runs = new ArrayList<>();
        Tally t = new Tally(op);
        long startEstimate = 700;
        for (int k = 0; k < kills; k++) {
            boolean early = rng.nextInt(100) < EARLY_PERCENT;
            long startDelay = rng.nextLong(startEstimate * 3 / 2 + 1);
            int steps = rng.nextInt(impl.maxStepsBeforeKill() + 1);
            boolean afterAck = rng.nextInt(3) == 0;
            double within = rng.nextDouble();
            long childSeed = rng.nextLong();
            Path journal = journals.resolve("run-" + k + ".log");
            String where = op + " kill " + (k + 1) + "/" + kills + " (seed " + SEED + ", child seed " + childSeed + ", "
                    + (early ? startDelay + " ms after launch" : "after " + steps + " acknowledged steps"
                    + (afterAck ? ", just after the last" : String.format(Locale.ROOT, ", %.0f %% into the next", within * 120))) + ")";
            Child child = Child.start(op, dir, scratch, journal, childSeed, home, "r" + k, impl.childEnvironment());
            long launched = System.nanoTime();
            if (early) {
                Thread.sleep(startDelay);
            } else {
                if (!child.awaitReady(90)) throw new AssertionError(where + ": the child never became ready\n" + child.describe(journal));
                long ready = System.nanoTime();
                long started = (ready - launched) / 1_000_000;
                t.startMillis += started;
                startEstimate = (startEstimate + started) / 2;
                if (!awaitAcks(child, journal, steps, 120)) {
                    throw new AssertionError(where + ": the child acknowledged fewer steps than that in 120 s\n" + child.describe(journal));
                }
                long perStep = (System.nanoTime() - ready) / 1_000_000 / Math.max(1, steps);
                if (steps == 0) perStep = stepEstimate.getOrDefault(op, 300L);
                else stepEstimate.merge(op, perStep, (a, b) -> (a + b) / 2);
                Thread.sleep(afterAck ? rng.nextLong(4) : (long) (within * 1.2 * perStep));
            }
            if (!child.process.isAlive()) {
                throw new AssertionError(where + ": the child stopped on its own before the kill\n" + child.describe(journal));
            }
            t.childCpuMillis += child.process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(0L);
            child.kill();
            List<Journal.Entry> entries = Journal.read(journal);
            runs.add(entries);
            t.kills++;
            if (early) t.early++;
            TortureOperation.CheckContext probe = new TortureOperation.CheckContext(null, dir, scratch, List.copyOf(runs), reference);
            if (probe.inFlight() != null) t.inFlight++;
            t.acks += (int) entries.stream().filter(e -> e.kind().equals("ack")).count();
            long c0 = System.nanoTime();
            try {
                if (impl.singleWorkspace()) {
                    try (Workspace ws = Workspace.open(dir)) {
                        WorkspaceInvariants.check(ws, reference);
                        impl.check(new TortureOperation.CheckContext(ws, dir, scratch, List.copyOf(runs), reference));
                    }
                } else {
                    impl.check(probe);
                }
                for (String secret : impl.secrets()) {
                    assertThat(LeakScan.find(secret, base)).as("files holding a secret").isEmpty();
                    assertThat(child.output()).as("the child's output").doesNotContain(secret);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(where + ": " + e.getMessage() + "\n" + child.describe(journal), e);
            }
            t.checkMillis += (System.nanoTime() - c0) / 1_000_000;
        }
        if (impl.singleWorkspace()) {
            try (Workspace ws = Workspace.open(dir)) {
                WorkspaceInvariants.flywayValidate(ws);
            }
        }
        t.millis = (System.nanoTime() - t.began) / 1_000_000;
        return t;
    }

    /** Waits until the journal holds {@code n} acks (polling every millisecond), false if the child died or time ran out. */
    private static boolean awaitAcks(Child child, Path journal, int n, int seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        byte[] ack = "\nack\t".getBytes(StandardCharsets.UTF_8);
        while (System.nanoTime() < end) {
            if (n == 0) return true;
            byte[] text = Files.readAllBytes(journal);
            int count = 0;
            for (int i = 0; i + ack.length <= text.length; i++) {
                if (text[i] == '\n' && Arrays.equals(text, i, i + ack.length, ack, 0, ack.length)) count++;
            }
            if (count >= n) return true;
            if (!child.process.isAlive()) return false;
            Thread.sleep(1);
        }
        return false;
    }

    static String summary(List<Tally> tallies) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Crash torture: seed %d, %d kills requested, %d operations at a time%n", SEED, KILLS, LANES));
        String fmt = "%-18s %6s %8s %10s %8s %10s %10s %10s %9s%n";
        sb.append(String.format(Locale.ROOT, fmt, "operation", "kills", "at start", "mid-write", "acks", "avg start", "avg check", "child cpu", "time"));
        int kills = 0, early = 0, inFlight = 0, acks = 0;
        long millis = 0;
        for (Tally t : tallies) {
            int late = t.kills - t.early;
            sb.append(String.format(Locale.ROOT, fmt, t.op, t.kills, t.early, t.inFlight, t.acks,
                    late == 0 ? "-" : (t.startMillis / late) + " ms", (t.checkMillis / Math.max(1, t.kills)) + " ms",
                    String.format(Locale.ROOT, "%.1f s", t.childCpuMillis / 1000.0), String.format(Locale.ROOT, "%.1f s", t.millis / 1000.0)));
            kills += t.kills;
            early += t.early;
            inFlight += t.inFlight;
            acks += t.acks;
            millis += t.millis;
        }
        sb.append(String.format(Locale.ROOT, fmt, "total", kills, early, inFlight, acks, "", "", "", String.format(Locale.ROOT, "%.1f s", millis / 1000.0)));
        sb.append("time: per operation, including its checks; operations ran ").append(LANES).append(" at a time.\n");
        sb.append("mid-write: the kill landed between a step's begin and its ack (the step's write may or may not have committed).\n");
        sb.append(String.format(Locale.ROOT, "Every kill: workspace reopened, schema and every row checked, every acknowledged step found.%n"
                + "Again: mvn -B -pl app -am test -Dtest=CrashTortureTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dprefwork.torture.seed=%d -Dprefwork.torture.kills=%d%s%n", SEED, KILLS,
                System.getProperty("prefwork.torture.ops", "").isBlank() ? "" : " -Dprefwork.torture.ops=" + System.getProperty("prefwork.torture.ops")));
        return sb.toString();
    }

    /** A child JVM running {@link TortureChild}, its output kept (the last lines) for failure messages. */
    static final class Child {
        final Process process;
        private final CountDownLatch ready = new CountDownLatch(1);
        private final Deque<String> tail = new ArrayDeque<>();
        private final StringBuilder all = new StringBuilder();
        private final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::pump, "torture-child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Operation op, Path dir, Path scratch, Path journal, long seed, Path home, String token,
                           Map<String, String> env) throws IOException {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                    "-Dprefwork.home=" + home, "-cp", System.getProperty("java.class.path"),
                    TortureChild.class.getName(), op.name(), dir.toString(), scratch.toString(), journal.toString(),
                    Long.toString(seed), home.toString(), token);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            return new Child(pb.start());
        }

        private void pump() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals(TortureChild.READY)) ready.countDown();
                    synchronized (this) {
                        tail.addLast(line);
                        if (tail.size() > 60) tail.removeFirst();
                        if (all.length() < 1 << 20) all.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
        }

        boolean awaitReady(int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                if (ready.await(20, TimeUnit.MILLISECONDS)) return true;
                if (!process.isAlive()) return ready.getCount() == 0;
            }
            return false;
        }

        /** SIGKILL: no shutdown hooks, no finally blocks, no H2 close. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the child did not die");
            reader.join(5_000);
        }

        synchronized String output() {
            return all.toString();
        }

        synchronized String describe(Path journal) {
            List<Journal.Entry> entries = Journal.read(journal);
            List<Journal.Entry> last = entries.subList(Math.max(0, entries.size() - 12), entries.size());
            StringBuilder sb = new StringBuilder();
            sb.append("exit ").append(process.isAlive() ? "(running)" : process.exitValue()).append("; last journal lines:\n");
            for (Journal.Entry e : last) sb.append("  ").append(e).append('\n');
            sb.append("last output lines:\n");
            for (String l : tail) sb.append("  ").append(l).append('\n');
            return sb.toString();
        }
    }
}
