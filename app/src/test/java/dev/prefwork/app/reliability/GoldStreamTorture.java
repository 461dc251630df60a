package dev.prefwork.app.reliability;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.compare.CompareViewModel;
import dev.prefwork.app.ui.compare.Judgments;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An expert labelling in the Compare view, through its view model and the app's services (writes are synchronous
 * here, so a call returns once its judgment is committed): best and worst picks, GOOD/BAD, ratings, preferences,
 * notes, undo and moving between prompts, chosen at random. Each judgment is journaled with the state the prompt
 * must have once it is saved ({@code begin}) and again when the view model acknowledged it ({@code ack}).
 *
 * <p>After a kill, every prompt's gold in the database is its last acknowledged state — or, for the prompt of
 * the judgment in flight, that judgment's state — and prompts never judged have no gold. The killed run's
 * labelling session is still open and counts its acknowledged judgments less its undos; once a later run has
 * started, every earlier session is closed as unclean. (This replaces the single scripted kill of the former
 * KillDuringLabellingTest.)
 */
final class GoldStreamTorture implements TortureOperation {

    static final int PROMPTS = 30;
    /** CompareViewModel.MAX_UNDO. */
    static final int MAX_UNDO = 200;

    /** Per prompt id: the states its gold may have now (one, unless a judgment on it was in flight at a kill). */
    private final Map<Long, Set<String>> allowed = new HashMap<>();
    private List<Long> promptIds;
    /** Sessions up to this id belong to runs checked before. */
    private long lastSessionId;

    @Override
    public void prepare(Path dir, Path scratch) {
        try (Workspace ws = Workspace.open(dir)) {
            Path file = TestData.writeJsonl(scratch.resolve("gold-prompts.jsonl"), PROMPTS);
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
        }
    }

    @Override
    public int maxStepsBeforeKill() {
        return 16;
    }

    @Override
    public void work(ChildContext ctx) {
        CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
        RecordingNotifier notifier = new RecordingNotifier();
        WorkspaceService workspaces = new WorkspaceService(new AppPaths(ctx.home()), new SettingsStore(ctx.home().resolve("settings.json")),
                executor, notifier);
        CompareViewModel vm = new CompareViewModel(workspaces, executor, notifier, new SettingsStore(ctx.home().resolve("compare.json")),
                Clock.systemDefaultZone());
        workspaces.openExisting(ctx.dir());
        require(vm.stateProperty().get() == CompareViewModel.ViewState.READY, "the Compare view did not open: " + notifier.errors);
        ctx.ready();
        SplittableRandom rnd = ctx.random();
        Deque<Object[]> undo = new ArrayDeque<>(); // what the view model's undo will restore: {prompt id, state before}
        for (int step = 0; ; step++) {
            int r = rnd.nextInt(100);
            if (r < 10) {
                if (rnd.nextBoolean()) vm.next();
                else vm.previous();
                if (vm.positionProperty().get() == vm.queueSizeProperty().get() - 1) vm.first();
                continue;
            }
            if (r < 18 && !undo.isEmpty()) {
                Object[] u = undo.pop();
                long pid = (Long) u[0];
                Judgments before = (Judgments) u[1];
                ctx.journal().begin("undo", pid, canon(before));
                vm.undo();
                require(vm.currentProperty().get().id() == pid && vm.judgmentsProperty().get().equals(before),
                        "undo did not restore " + canon(before) + " on prompt " + pid + ": " + canon(vm.judgmentsProperty().get()));
                ctx.journal().ack("undo", pid, canon(before));
                continue;
            }
            long pid = vm.currentProperty().get().id();
            List<Long> ids = vm.currentProperty().get().candidates().stream().map(c -> c.id()).toList();
            Judgments now = vm.judgmentsProperty().get();
            int i = rnd.nextInt(ids.size());
            long id = ids.get(i);
            Judgments after;
            Runnable action;
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    after = now.isBest(id) ? now.withBest(null) : now.withBest(id);
                    action = () -> vm.toggleBest(i);
                }
                case 1 -> {
                    after = now.isWorst(id) ? now.withWorst(null) : now.withWorst(id);
                    action = () -> vm.toggleWorst(i);
                }
                case 2 -> {
                    Verdict v = rnd.nextBoolean() ? Verdict.GOOD : Verdict.BAD;
                    after = now.withLabel(id, now.label(id) == v ? null : v);
                    action = () -> vm.toggleLabel(i, v);
                }
                case 3 -> {
                    int rating = 1 + rnd.nextInt(5);
                    after = now.withRating(id, Objects.equals(now.rating(id), rating) ? null : rating);
                    action = () -> vm.rate(i, rating);
                }
                case 4 -> {
                    int j = (i + 1 + rnd.nextInt(ids.size() - 1)) % ids.size();
                    long other = ids.get(j);
                    after = now.withPreference(pid, id, other, Objects.equals(now.preferred(id, other), id) ? null : id);
                    action = () -> vm.prefer(i, j);
                }
                default -> {
                    String note = rnd.nextInt(4) == 0 ? "" : "note " + ctx.token() + "-" + step;
                    after = now.withNote(note);
                    action = () -> vm.setNote(note);
                }
            }
            if (after.equals(now)) continue;
            ctx.journal().begin("judgment", pid, canon(after));
            action.run();
            require(vm.judgmentsProperty().get().equals(after) && notifier.errors.isEmpty(),
                    "the view model shows " + canon(vm.judgmentsProperty().get()) + " instead of " + canon(after) + "; errors " + notifier.errors);
            ctx.journal().ack("judgment", pid, canon(after));
            undo.push(new Object[]{pid, now});
            if (undo.size() > MAX_UNDO) undo.removeLast(); // the view model keeps as many
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) throw new IllegalStateException(problem);
    }

    /** A judgment state as one comparable line: best, worst, note, labels, ratings, preferences. */
    static String canon(Judgments j) {
        StringBuilder sb = new StringBuilder();
        sb.append("best=").append(j.best()).append(" worst=").append(j.worst()).append(" note=").append(j.note());
        sb.append(" labels=").append(new TreeMap<>(j.labels())).append(" ratings=").append(new TreeMap<>(j.ratings()));
        sb.append(" prefs=");
        j.preferences().stream().map(p -> p.preferred() + ">" + p.other()).sorted().forEach(s -> sb.append(s).append(','));
        return sb.toString();
    }

    @Override
    public void check(CheckContext ctx) {
        Workspace ws = ctx.workspace();
        if (promptIds == null) promptIds = ws.jdbc().list("SELECT id FROM prompt ORDER BY id", rs -> rs.getLong(1));
        String empty = canon(Judgments.NONE);
        List<Journal.Entry> run = ctx.lastRun();
        Journal.Entry inFlight = ctx.inFlight();
        for (Journal.Entry e : run) {
            if (e.kind().equals("ack")) allowed.put(e.longField(1), new HashSet<>(Set.of(e.field(2))));
        }
        if (inFlight != null) {
            allowed.computeIfAbsent(inFlight.longField(1), k -> new HashSet<>(Set.of(empty))).add(inFlight.field(2));
        }
        for (long pid : promptIds) {
            String stored = canon(Judgments.of(ws.gold().forPrompt(pid)));
            Set<String> ok = allowed.getOrDefault(pid, Set.of(empty));
            assertThat(ok).as("the gold of prompt %d after the kill (last acknowledged%s)", pid,
                    inFlight != null && inFlight.longField(1) == pid ? ", or the judgment in flight" : "").contains(stored);
            allowed.put(pid, new HashSet<>(Set.of(stored))); // what it is now is what later runs start from
        }
        checkSessions(ws, run, inFlight);
    }

    private void checkSessions(Workspace ws, List<Journal.Entry> run, Journal.Entry inFlight) {
        long judged = run.stream().filter(e -> e.kind().equals("ack") && e.field(0).equals("judgment")).count();
        long undone = run.stream().filter(e -> e.kind().equals("ack") && e.field(0).equals("undo")).count();
        List<long[]> sessions = ws.jdbc().list("SELECT id, judgments, CASE WHEN ended_at IS NULL THEN 0 ELSE 1 END FROM labeling_session WHERE id > ?",
                rs -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)}, lastSessionId);
        assertThat(sessions.size()).as("labelling sessions started by the killed run").isLessThanOrEqualTo(1);
        if (judged + undone > 0) assertThat(sessions).as("the killed run's session (it acknowledged judgments)").hasSize(1);
        if (!sessions.isEmpty()) {
            long[] s = sessions.get(0);
            long expected = judged - undone;
            long extra = inFlight == null ? 0 : inFlight.field(0).equals("judgment") ? 1 : -1;
            assertThat(s[1]).as("judgments counted in the killed run's session (acknowledged %d, undone %d)", judged, undone)
                    .isIn(expected, expected + extra);
            assertThat(s[2]).as("the killed run's session is still open (nothing ended it)").isZero();
        }
        if (run.stream().anyMatch(e -> e.kind().equals("ready"))) {
            assertThat(ws.jdbc().count("SELECT COUNT(*) FROM labeling_session WHERE id <= ? AND (ended_at IS NULL OR end_reason <> 'unclean')",
                    lastSessionId)).as("sessions of earlier killed runs, closed as unclean when this run started").isZero();
        }
        lastSessionId = Math.max(lastSessionId, sessions.stream().mapToLong(x -> x[0]).max().orElse(lastSessionId));
    }
}
