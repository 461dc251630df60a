package dev.prefwork.app.reliability;

import dev.prefwork.store.Workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One operation the crash-torture harness ({@link CrashTortureTest}) kills with SIGKILL at random moments, and
 * what must hold after each kill. The same object is used on both sides: in a child JVM ({@link TortureChild})
 * {@link #work} runs the real services until the process is killed, journaling each durable step; in the test
 * JVM {@link #prepare} fills the workspace once and {@link #check} runs after every kill on the reopened
 * workspace, against everything the children journaled so far. A check may keep state between kills (the
 * harness keeps one instance per operation for the whole test).
 *
 * <p>To add an operation (pair export, bundle import, a generation job, a reward fit): implement this
 * interface and add a constant to {@link Operation}. See docs/RELIABILITY.md.
 */
public interface TortureOperation {

    /** Fills the workspace folder the kills work on (test JVM, once, before the first kill). */
    void prepare(Path dir, Path scratch) throws Exception;

    /**
     * Child JVM: works until killed, calling {@link ChildContext#ready()} once set up, and journaling
     * {@code begin} before and {@code ack} after each step that writes. Must not return.
     */
    void work(ChildContext ctx) throws Exception;

    /** Test JVM, after each kill, with the workspace reopened: this operation's invariants; throws AssertionError. */
    void check(CheckContext ctx) throws Exception;

    /**
     * The kill comes after a random number (0 to this) of acknowledged steps, then within the next step: a
     * third of the time 0–3 ms after the last acknowledgement (when the expert moves on, and when a commit that
     * is not yet in the file would be lost), else at a random point of a step's typical length.
     */
    int maxStepsBeforeKill();

    /**
     * True (most operations) when the kills work on one workspace in the folder given to {@link #prepare}: the harness
     * reopens it after each kill, runs the {@link WorkspaceInvariants} and hands it to {@link #check}. False when the
     * operation makes workspaces of its own under that folder and checks them itself ({@link CheckContext#invariants}).
     */
    default boolean singleWorkspace() {
        return true;
    }

    /**
     * Strings that must never appear in the workspace folder (database, exports, bundles, runs) or in the child's
     * output, searched after every kill: the generation API key belongs here.
     */
    default List<String> secrets() {
        return List.of();
    }

    /** Environment variables for the child JVM (how a generation job gets its API key). */
    default Map<String, String> childEnvironment() {
        return Map.of();
    }

    /** What a child works with. */
    final class ChildContext {
        private final Path dir;
        private final Path scratch;
        private final Path home;
        private final Journal journal;
        private final SplittableRandom random;
        private final String token;

        ChildContext(Path dir, Path scratch, Path home, Journal journal, SplittableRandom random, String token) {
            this.dir = dir;
            this.scratch = scratch;
            this.home = home;
            this.journal = journal;
            this.random = random;
            this.token = token;
        }

        /** The workspace folder (opened by the operation itself: {@link #openWorkspace()} or through the app's services). */
        public Path dir() { return dir; }

        /** A folder of the test's for files the operation writes before importing them. */
        public Path scratch() { return scratch; }

        /** The user data folder (settings, DJL's cache). */
        public Path home() { return home; }

        public Journal journal() { return journal; }

        /** Seeded from the test's seed, the operation and the run's number. */
        public SplittableRandom random() { return random; }

        /** Unique to this child run: for names that must not clash with earlier runs'. */
        public String token() { return token; }

        public Workspace openWorkspace() {
            return Workspace.open(dir);
        }

        /** Says that set-up is over: the kill window starts now. */
        public void ready() {
            journal.write("ready");
            System.out.println(TortureChild.READY);
            System.out.flush();
        }
    }

    /** What a check works with: the reopened workspace and every child run's journal so far, oldest first. */
    record CheckContext(Workspace workspace, Path dir, Path scratch, List<List<Journal.Entry>> runs,
                        WorkspaceInvariants.Schema reference) {

        /** The checks every workspace must pass after a kill (the harness runs them on {@link #workspace()} itself). */
        public void invariants(Workspace ws) {
            WorkspaceInvariants.check(ws, reference);
        }

        /** The latest run's journal. */
        public List<Journal.Entry> lastRun() {
            return runs.get(runs.size() - 1);
        }

        /** Every ack of every run, in order. */
        public List<Journal.Entry> acks() {
            List<Journal.Entry> out = new ArrayList<>();
            for (List<Journal.Entry> r : runs) for (Journal.Entry e : r) if (e.kind().equals("ack")) out.add(e);
            return out;
        }

        /** The step the latest run had begun and not acknowledged when it was killed, or null. */
        public Journal.Entry inFlight() {
            List<Journal.Entry> r = lastRun();
            for (int i = r.size() - 1; i >= 0; i--) {
                String k = r.get(i).kind();
                if (k.equals("ack")) return null;
                if (k.equals("begin")) return r.get(i);
            }
            return null;
        }
    }
}
