package dev.prefwork.app.ui.compare;

import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.compare.PromptBundle.CandidateView;
import dev.prefwork.app.ui.markdown.Markdown;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.SerialTaskQueue;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.LabelQueue;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.GoldRepository;
import dev.prefwork.store.QueueRepository.QueueIds;
import dev.prefwork.store.SessionRepository;
import dev.prefwork.store.SessionRepository.LabelingSession;
import dev.prefwork.store.Workspace;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Compare & label step's state and actions: the queue being walked and the position in it, the prompt shown with
 * its candidates (loaded, parsed, cached and prefetched in the background), the expert's judgments (saved one by one
 * as they are made, in order, through a {@link SerialTaskQueue}, with undo), the labelling session (started by the
 * first navigation or judgment, ended after an idle spell or on close, with time per prompt), the progress line and
 * the session summary for the status bar.
 *
 * <p>Judgments are shown at once (optimistically); the view model's copy of a prompt's judgments is the truth for the
 * screen and the queued writes bring the database to it. A write that fails is reported and the prompt's judgments are
 * read back from the database. All methods are called on the UI thread; nothing here touches a {@code Node}.
 */
public final class CompareViewModel {

    public enum ViewState {
        /** no workspace is open */
        NO_WORKSPACE,
        /** the workspace or a queue is being loaded */
        LOADING,
        /** the workspace holds no prompts */
        EMPTY,
        /** the chosen queue holds no prompts (no category members, nothing flagged for review) */
        EMPTY_QUEUE,
        READY
    }

    public enum SaveState { SAVED, SAVING, FAILED }

    static final int CACHE_SIZE = 24;
    static final int PREFETCH_AHEAD = 2;
    static final int PREFETCH_BEHIND = 1;
    static final int MAX_UNDO = 200;
    public static final int DEFAULT_IDLE_MINUTES = 5;
    public static final long DEFAULT_SEED = 42;
    static final String KEY_RAW = "compare.raw";
    static final String KEY_REVEAL = "compare.revealModels";
    static final String KEY_SYNC = "compare.syncScroll";
    static final String KEY_IDLE = "compare.idleMinutes";
    static final String KEY_SEED = "compare.randomSeed";
    /** How long closing waits for the write in flight before writing the rest itself. */
    static final long DRAIN_TIMEOUT_MS = 5_000;

    /** The session a judgment belongs to; its id is filled in by the write that starts it (writes run in order). */
    static final class SessionRef {
        volatile Long id;
    }

    /** One undoable judgment: the prompt, what the screen showed before, and the database rows before (set by the write). */
    private static final class UndoEntry {
        final long promptId;
        final String description;
        final Judgments before;
        final SessionRef session;
        volatile GoldRepository.Snapshot snapshot;

        UndoEntry(long promptId, String description, Judgments before, SessionRef session) {
            this.promptId = promptId;
            this.description = description;
            this.before = before;
            this.session = session;
        }
    }

    /** Everything tied to one open workspace: its write queue, its session, the time on the prompt shown. */
    private static final class Ctx {
        final Workspace ws;
        final SerialTaskQueue writer;
        SessionRef session;
        Instant sessionStart;
        int sessionJudgments;
        Instant lastActivity;
        long promptId = -1;
        long promptActiveMs;
        Instant promptLastEvent;
        boolean closed;

        Ctx(Workspace ws, SerialTaskQueue writer) {
            this.ws = ws;
            this.writer = writer;
        }
    }

    /** What the start of a workspace finds: where to resume. */
    private record Start(LabelQueue queue, QueueIds ids, int position, List<String> categories, int reviewPending,
                         PromptBundle bundle, boolean resumed) {
    }

    @FunctionalInterface
    private interface GoldWrite {
        void write(GoldRepository gold, Long sessionId);
    }

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final SettingsStore settings;
    private final Clock clock;
    private final List<BadgeProvider> badgeProviders = new CopyOnWriteArrayList<>();

    private final ReadOnlyObjectWrapper<ViewState> state = new ReadOnlyObjectWrapper<>(this, "state", ViewState.NO_WORKSPACE);
    private final ReadOnlyObjectWrapper<PromptBundle> current = new ReadOnlyObjectWrapper<>(this, "current");
    private final ReadOnlyObjectWrapper<Judgments> judgments = new ReadOnlyObjectWrapper<>(this, "judgments", Judgments.NONE);
    private final ReadOnlyIntegerWrapper position = new ReadOnlyIntegerWrapper(this, "position", -1);
    private final ReadOnlyIntegerWrapper queueSize = new ReadOnlyIntegerWrapper(this, "queueSize");
    private final ReadOnlyIntegerWrapper done = new ReadOnlyIntegerWrapper(this, "done");
    private final ReadOnlyObjectWrapper<LabelQueue> queue = new ReadOnlyObjectWrapper<>(this, "queue", LabelQueue.DEFAULT);
    private final ObservableList<String> categories = FXCollections.observableArrayList();
    private final ReadOnlyIntegerWrapper reviewPending = new ReadOnlyIntegerWrapper(this, "reviewPending");
    private final IntegerProperty focused = new SimpleIntegerProperty(this, "focused");
    private final BooleanProperty raw = new SimpleBooleanProperty(this, "raw");
    private final BooleanProperty revealModels = new SimpleBooleanProperty(this, "revealModels");
    private final BooleanProperty syncScroll = new SimpleBooleanProperty(this, "syncScroll");
    private final IntegerProperty idleMinutes = new SimpleIntegerProperty(this, "idleMinutes", DEFAULT_IDLE_MINUTES);
    private final LongProperty randomSeed = new SimpleLongProperty(this, "randomSeed", DEFAULT_SEED);
    private final ReadOnlyObjectWrapper<SaveState> saveState = new ReadOnlyObjectWrapper<>(this, "saveState", SaveState.SAVED);
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyStringWrapper undoText = new ReadOnlyStringWrapper(this, "undoText", "Nothing to undo");
    private final ReadOnlyStringWrapper lastAction = new ReadOnlyStringWrapper(this, "lastAction", "");
    private final ReadOnlyStringWrapper searchStatus = new ReadOnlyStringWrapper(this, "searchStatus", "");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper positionText = new ReadOnlyStringWrapper(this, "positionText", "");
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyStringWrapper rateText = new ReadOnlyStringWrapper(this, "rateText", "");
    private final ReadOnlyBooleanWrapper sessionActive = new ReadOnlyBooleanWrapper(this, "sessionActive");
    private final ReadOnlyStringWrapper sessionSummary = new ReadOnlyStringWrapper(this, "sessionSummary", "");
    private final ReadOnlyStringWrapper emptyText = new ReadOnlyStringWrapper(this, "emptyText", "");

    private Ctx ctx;
    private final Map<Workspace, Ctx> closing = new HashMap<>();
    private QueueIds queueIds;
    private final LinkedHashMap<Long, PromptBundle> cache = new LinkedHashMap<>(32, 0.75f, true);
    private final Map<Long, Judgments> known = new HashMap<>();
    private final Set<Long> prefetching = new HashSet<>();
    private final Deque<UndoEntry> undo = new ArrayDeque<>();
    private int pendingSaves;
    private int showGeneration;
    private int queueGeneration;
    private Long pendingOpen;
    /** The queue {@link #review} asked for before the first queue was loaded. */
    private LabelQueue pendingQueue;
    private boolean goldDirty;
    private boolean countsInFlight;
    private boolean countsAgain;
    private String lastSearch;
    private int[] searchPositions;

    public CompareViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier, SettingsStore settings, Clock clock) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.settings = settings;
        this.clock = clock;
        raw.set(Boolean.parseBoolean(settings.get(KEY_RAW)));
        revealModels.set(Boolean.parseBoolean(settings.get(KEY_REVEAL)));
        syncScroll.set(Boolean.parseBoolean(settings.get(KEY_SYNC)));
        idleMinutes.set(parseInt(settings.get(KEY_IDLE), DEFAULT_IDLE_MINUTES));
        randomSeed.set(parseLong(settings.get(KEY_SEED), DEFAULT_SEED));
        raw.addListener((o, a, b) -> settings.put(KEY_RAW, String.valueOf(b)));
        revealModels.addListener((o, a, b) -> settings.put(KEY_REVEAL, String.valueOf(b)));
        syncScroll.addListener((o, a, b) -> settings.put(KEY_SYNC, String.valueOf(b)));
        idleMinutes.addListener((o, a, b) -> settings.put(KEY_IDLE, String.valueOf(b)));
        randomSeed.addListener((o, a, b) -> {
            settings.put(KEY_SEED, String.valueOf(b));
            if (queue.get() instanceof LabelQueue.Random r && r.seed() != b.longValue()) setQueue(new LabelQueue.Random(b.longValue()));
        });
        workspaces.workspaceProperty().addListener((o, a, b) -> workspaceChanged(b));
        workspaces.stateProperty().addListener((o, a, b) -> {
            if (workspaces.workspace() == null) state.set(b == WorkspaceService.State.OPENING ? ViewState.LOADING : ViewState.NO_WORKSPACE);
        });
        workspaces.dataVersionProperty().addListener((o, a, b) -> dataChanged());
        workspaces.addBeforeClose(this::beforeClose);
        workspaceChanged(workspaces.workspace());
    }

    private static int parseInt(String s, int fallback) {
        try {
            return s == null ? fallback : Math.max(1, Integer.parseInt(s.strip()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    // ---- properties -------------------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<ViewState> stateProperty() { return state.getReadOnlyProperty(); }

    /** The prompt shown, or null. */
    public ReadOnlyObjectProperty<PromptBundle> currentProperty() { return current.getReadOnlyProperty(); }

    /** The shown prompt's judgments as the expert has made them (saved, or being saved). */
    public ReadOnlyObjectProperty<Judgments> judgmentsProperty() { return judgments.getReadOnlyProperty(); }

    /** 0-based position of the shown prompt in the queue, -1 when none. */
    public ReadOnlyIntegerProperty positionProperty() { return position.getReadOnlyProperty(); }

    public ReadOnlyIntegerProperty queueSizeProperty() { return queueSize.getReadOnlyProperty(); }

    /** Prompts of the queue that are labelled (reviewed, in the review queue). */
    public ReadOnlyIntegerProperty doneProperty() { return done.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<LabelQueue> queueProperty() { return queue.getReadOnlyProperty(); }

    /** The workspace's categories, for the "by category" queues ("" is prompts without one). */
    public ObservableList<String> categories() { return categories; }

    /** Flagged prompts not yet reviewed. */
    public ReadOnlyIntegerProperty reviewPendingProperty() { return reviewPending.getReadOnlyProperty(); }

    /** The candidate (0-based index) that g, b, r and p apply to; Tab moves it. */
    public IntegerProperty focusedProperty() { return focused; }

    /** Show the raw text instead of rendered markdown. Remembered. */
    public BooleanProperty rawProperty() { return raw; }

    /** Show which model wrote each candidate (hidden by default: blind labelling). Remembered. */
    public BooleanProperty revealModelsProperty() { return revealModels; }

    /** Scroll every candidate together. Remembered. */
    public BooleanProperty syncScrollProperty() { return syncScroll; }

    /** Minutes without input after which the labelling session ends. Remembered. */
    public IntegerProperty idleMinutesProperty() { return idleMinutes; }

    /** The seed of the random queue. Remembered. */
    public LongProperty randomSeedProperty() { return randomSeed; }

    public ReadOnlyObjectProperty<SaveState> saveStateProperty() { return saveState.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty canUndoProperty() { return canUndo.getReadOnlyProperty(); }

    /** "Undo: candidate 3 is the best". */
    public ReadOnlyStringProperty undoTextProperty() { return undoText.getReadOnlyProperty(); }

    /** The last thing done, for the expert's eyes ("Candidate 2: GOOD", "Undone: …", "Resumed where you left off"). */
    public ReadOnlyStringProperty lastActionProperty() { return lastAction.getReadOnlyProperty(); }

    /** "Match 2 of 5 in this queue", "No prompt in this queue matches …". */
    public ReadOnlyStringProperty searchStatusProperty() { return searchStatus.getReadOnlyProperty(); }

    /** True while the prompt to show is being read (not prefetched). */
    public ReadOnlyBooleanProperty loadingProperty() { return loading.getReadOnlyProperty(); }

    /** "Prompt 13 of 66". */
    public ReadOnlyStringProperty positionTextProperty() { return positionText.getReadOnlyProperty(); }

    /** "12 of 66 labelled". */
    public ReadOnlyStringProperty progressTextProperty() { return progressText.getReadOnlyProperty(); }

    /** Done / size, 0..1. */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }

    /** "4.2 labels/min" during a session, else empty. */
    public ReadOnlyStringProperty rateTextProperty() { return rateText.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty sessionActiveProperty() { return sessionActive.getReadOnlyProperty(); }

    /** "Today: 37 labels in 24 min · All time: 412 labels in 5 h 10 min" for the status bar. */
    public ReadOnlyStringProperty sessionSummaryProperty() { return sessionSummary.getReadOnlyProperty(); }

    /** What an empty state says (which queue is empty, and why). */
    public ReadOnlyStringProperty emptyTextProperty() { return emptyText.getReadOnlyProperty(); }

    /** The queues the chooser offers: unlabelled first, random, needs review, most informative, then one per category. */
    public List<LabelQueue> queueChoices() {
        List<LabelQueue> out = new ArrayList<>();
        out.add(LabelQueue.DEFAULT);
        out.add(new LabelQueue.Random(randomSeed.get()));
        out.add(new LabelQueue.NeedsReview());
        out.add(new LabelQueue.MostInformative());
        for (String c : categories) out.add(new LabelQueue.Category(c));
        return out;
    }

    /** Adds a source of candidate badges (LF votes, scores); the shown prompts are reloaded with them. */
    public void addBadgeProvider(BadgeProvider provider) {
        badgeProviders.add(Objects.requireNonNull(provider));
        refreshBadges();
    }

    /** Reloads the shown and cached prompts so that badges reflect new votes or scores. */
    public void refreshBadges() {
        cache.clear();
        PromptBundle b = current.get();
        if (b != null && ctx != null && queueIds != null && position.get() >= 0) reshow();
    }

    // ---- workspace lifecycle ----------------------------------------------------------------------------------

    private void workspaceChanged(Workspace ws) {
        Ctx old = ctx;
        if (old != null && old.ws != ws) retire(old, SessionRepository.END_CLOSE);
        resetState();
        if (ws == null) {
            ctx = null;
            state.set(workspaces.stateProperty().get() == WorkspaceService.State.OPENING ? ViewState.LOADING : ViewState.NO_WORKSPACE);
            return;
        }
        Ctx c = new Ctx(ws, new SerialTaskQueue(executor, (title, e) -> notifier.error(title + " failed", e)));
        ctx = c;
        state.set(ViewState.LOADING);
        start(c);
    }

    private void resetState() {
        cache.clear();
        known.clear();
        prefetching.clear();
        undo.clear();
        updateUndo();
        queueIds = null;
        pendingSaves = 0;
        saveState.set(SaveState.SAVED);
        current.set(null);
        judgments.set(Judgments.NONE);
        position.set(-1);
        queueSize.set(0);
        done.set(0);
        categories.clear();
        reviewPending.set(0);
        lastAction.set("");
        searchStatus.set("");
        lastSearch = null;
        searchPositions = null;
        sessionActive.set(false);
        rateText.set("");
        sessionSummary.set("");
        loading.set(false);
        showGeneration++;
        queueGeneration++;
        updateProgressText();
    }

    private void start(Ctx c) {
        int gen = ++queueGeneration;
        List<BadgeProvider> providers = List.copyOf(badgeProviders);
        executor.execute(BackgroundTask.of("Opening Compare & label", p -> {
                    c.ws.sessions().endUnclean();
                    Optional<LabelingSession> last = c.ws.sessions().latestWithPrompt();
                    LabelQueue q = last.map(s -> LabelQueue.parse(s.queue())).orElse(LabelQueue.DEFAULT);
                    QueueIds ids = c.ws.queues().load(q);
                    if (ids.size() == 0 && !(q instanceof LabelQueue.UnlabelledFirst)) {
                        q = LabelQueue.DEFAULT;
                        ids = c.ws.queues().load(q);
                    }
                    int pos = last.isPresent() ? ids.indexOf(last.get().lastPromptId()) : -1;
                    boolean resumed = pos >= 0;
                    if (pos < 0) pos = 0;
                    List<String> cats = new ArrayList<>(c.ws.prompts().categories().keySet());
                    int pending = c.ws.reviews().pending();
                    PromptBundle bundle = ids.size() > 0 ? load(c.ws, ids.ids()[pos], providers) : null;
                    return new Start(q, ids, pos, cats, pending, bundle, resumed);
                })
                .quiet()
                .onSuccess(s -> {
                    if (gen != queueGeneration || ctx != c) return;
                    categories.setAll(s.categories());
                    reviewPending.set(s.reviewPending());
                    if (s.queue() instanceof LabelQueue.Random r) randomSeed.set(r.seed());
                    applyQueue(s.queue(), s.ids());
                    if (s.bundle() != null) cache.put(s.bundle().id(), s.bundle());
                    Long open = pendingOpen;
                    pendingOpen = null;
                    LabelQueue wanted = pendingQueue;
                    pendingQueue = null;
                    if (wanted != null) {
                        loadQueue(c, wanted, open);
                    } else if (open != null && s.ids().indexOf(open) < 0) {
                        loadQueue(c, LabelQueue.DEFAULT, open);
                    } else if (open != null) {
                        goTo(c, s.ids().indexOf(open));
                    } else if (s.ids().size() > 0) {
                        goTo(c, s.position());
                        if (s.resumed()) lastAction.set("Resumed where you left off");
                    }
                    refreshCounts(c);
                })
                .onFailure(e -> {
                    if (ctx != c) return;
                    state.set(ViewState.EMPTY);
                    emptyText.set("The prompts could not be loaded.");
                    notifier.error("Could not open Compare & label", e);
                }));
    }

    private void dataChanged() {
        Ctx c = ctx;
        if (c == null || queueIds == null) return;
        // an import (or another bulk change): re-read everything, stay on the prompt shown when it still exists
        cache.clear();
        known.clear();
        Long keep = current.get() == null ? null : current.get().id();
        executor.execute(BackgroundTask.of("Reading categories", p -> List.copyOf(c.ws.prompts().categories().keySet()))
                .quiet()
                .onSuccess(list -> {
                    if (ctx == c) categories.setAll(list);
                })
                .onFailure(e -> { }));
        loadQueue(c, queue.get(), keep);
    }

    /** Ends the session and writes what is pending, then forgets the workspace's state (the workspace is switching). */
    private void retire(Ctx c, String reason) {
        if (c.closed) return;
        flushPromptTime(c);
        if (c.session != null) endSession(c, reason);
        c.closed = true;
        synchronized (closing) {
            closing.put(c.ws, c);
        }
        goldDirty = false;
    }

    /** On the thread that closes {@code ws}: let the queued writes reach it before it closes. */
    private void beforeClose(Workspace ws) {
        Ctx c;
        synchronized (closing) {
            c = closing.remove(ws);
        }
        if (c == null) return;
        Throwable e = c.writer.drain(DRAIN_TIMEOUT_MS);
        if (e != null) System.err.println("prefwork: a judgment could not be saved while closing " + ws.dir() + ": " + e);
    }

    /**
     * The workbench is closing: ends the session, writes every pending judgment on this thread (waiting for the one in
     * flight), so that the workspace can close right after.
     */
    public void close() {
        Ctx c = ctx;
        if (c == null || c.closed) return;
        retire(c, SessionRepository.END_CLOSE);
        synchronized (closing) {
            closing.remove(c.ws);
        }
        Throwable e = c.writer.drain(DRAIN_TIMEOUT_MS);
        if (e != null) System.err.println("prefwork: a judgment could not be saved while closing: " + e);
    }

    // ---- loading ----------------------------------------------------------------------------------------------

    /** Reads a prompt with its candidates, gold, review reason and badges, and parses the markdown (off the UI thread). */
    static PromptBundle load(Workspace ws, long promptId, List<BadgeProvider> providers) {
        Prompt prompt = ws.prompts().get(promptId)
                .orElseThrow(() -> new InputException("prompt " + promptId + " is no longer in the workspace"));
        List<Candidate> candidates = ws.candidates().forPrompt(promptId);
        Judgments j = Judgments.of(ws.gold().forPrompt(promptId));
        String review = ws.reviews().get(promptId).filter(r -> !r.reviewed()).map(r -> r.reason() == null ? "" : r.reason()).orElse(null);
        Map<Long, List<Badge>> badges = new HashMap<>();
        for (BadgeProvider provider : providers) {
            try {
                Map<Long, List<Badge>> m = provider.badges(ws, prompt, candidates);
                if (m != null) m.forEach((id, list) -> badges.computeIfAbsent(id, k -> new ArrayList<>()).addAll(list));
            } catch (Exception e) {
                System.err.println("prefwork: a badge provider failed on prompt " + prompt.sourceId() + ": " + e);
            }
        }
        List<CandidateView> views = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            views.add(new CandidateView(c.id(), c.position(), c.model(), c.text(), c.lengthChars(), Fmt.words(c.text()),
                    Markdown.parse(c.text()), Markdown.raw(c.text()), List.copyOf(badges.getOrDefault(c.id(), List.of()))));
        }
        return new PromptBundle(prompt, Markdown.parse(prompt.text()), List.copyOf(views), j, review);
    }

    private void applyQueue(LabelQueue q, QueueIds ids) {
        queue.set(q);
        queueIds = ids;
        queueSize.set(ids.size());
        done.set(ids.done());
        lastSearch = null;
        searchPositions = null;
        searchStatus.set("");
        if (ids.size() == 0) {
            if (ctx != null) leavePrompt(ctx);
            current.set(null);
            judgments.set(Judgments.NONE);
            position.set(-1);
            boolean noPrompts = q instanceof LabelQueue.UnlabelledFirst;
            state.set(noPrompts ? ViewState.EMPTY : ViewState.EMPTY_QUEUE);
            emptyText.set(noPrompts ? "This workspace has no prompts yet. Import a file to start labelling."
                    : q instanceof LabelQueue.NeedsReview
                    ? "Nothing needs review. The Rankings step flags prompts where the model is unsure or disagrees with your labels."
                    : q instanceof LabelQueue.MostInformative
                    ? "No prompts picked yet. Fitting the reward model picks the unlabelled prompts whose labels would teach it most."
                    : "No prompts in this queue.");
        }
        updateProgressText();
    }

    private void loadQueue(Ctx c, LabelQueue q, Long preferId) {
        int gen = ++queueGeneration;
        state.set(current.get() == null ? ViewState.LOADING : state.get());
        executor.execute(BackgroundTask.of("Loading the queue", p -> c.ws.queues().load(q))
                .quiet()
                .onSuccess(ids -> {
                    if (gen != queueGeneration || ctx != c) return;
                    applyQueue(q, ids);
                    if (ids.size() == 0) return;
                    int pos = preferId == null ? 0 : Math.max(0, ids.indexOf(preferId));
                    goTo(c, pos);
                    if (c.session != null && current.get() != null) visit(c, current.get().id(), q.key());
                })
                .onFailure(e -> {
                    if (ctx == c) notifier.error("Could not load the queue " + q.title(), e);
                }));
    }

    private void goTo(Ctx c, int pos) {
        if (queueIds == null || pos < 0 || pos >= queueIds.size()) return;
        leavePrompt(c);
        long id = queueIds.ids()[pos];
        position.set(pos);
        updateProgressText();
        int gen = ++showGeneration;
        PromptBundle cached = cache.get(id);
        if (cached != null) {
            show(c, cached);
        } else {
            loading.set(true);
            List<BadgeProvider> providers = List.copyOf(badgeProviders);
            executor.execute(BackgroundTask.of("Loading prompt", p -> load(c.ws, id, providers))
                    .quiet()
                    .onSuccess(b -> {
                        if (ctx != c) return;
                        cache.putIfAbsent(b.id(), b);
                        trimCache();
                        if (gen == showGeneration) show(c, cache.get(b.id()));
                    })
                    .onFailure(e -> {
                        if (ctx != c || gen != showGeneration) return;
                        loading.set(false);
                        notifier.error("Could not load the prompt", e);
                    }));
        }
        if (c.session != null) visit(c, id, null);
        prefetch(c, pos);
    }

    private void show(Ctx c, PromptBundle b) {
        loading.set(false);
        judgments.set(known.getOrDefault(b.id(), b.judgments()));
        current.set(b);
        focused.set(0);
        state.set(ViewState.READY);
        c.promptId = b.id();
        c.promptActiveMs = 0;
        c.promptLastEvent = clock.instant();
    }

    /** Shows the current position again from the database (badges changed). */
    private void reshow() {
        Ctx c = ctx;
        int pos = position.get();
        current.set(null);
        goTo(c, pos);
    }

    private void prefetch(Ctx c, int pos) {
        List<Long> ids = new ArrayList<>();
        for (int d = 1; d <= PREFETCH_AHEAD; d++) addPrefetch(ids, pos + d);
        for (int d = 1; d <= PREFETCH_BEHIND; d++) addPrefetch(ids, pos - d);
        if (ids.isEmpty()) return;
        prefetching.addAll(ids);
        List<BadgeProvider> providers = List.copyOf(badgeProviders);
        executor.execute(BackgroundTask.of("Prefetching prompts", p -> {
                    List<PromptBundle> out = new ArrayList<>();
                    for (long id : ids) out.add(load(c.ws, id, providers));
                    return out;
                })
                .quiet()
                .onSuccess(list -> {
                    if (ctx != c) return;
                    for (PromptBundle b : list) cache.putIfAbsent(b.id(), b);
                    trimCache();
                })
                .onFailure(e -> { /* a prefetch miss is loaded again when shown, and reported then */ })
                .onFinished(() -> ids.forEach(prefetching::remove)));
    }

    private void addPrefetch(List<Long> out, int pos) {
        if (queueIds == null || pos < 0 || pos >= queueIds.size()) return;
        long id = queueIds.ids()[pos];
        if (!cache.containsKey(id) && !prefetching.contains(id)) out.add(id);
    }

    private void trimCache() {
        var it = cache.entrySet().iterator();
        PromptBundle shown = current.get();
        while (cache.size() > CACHE_SIZE && it.hasNext()) {
            var e = it.next();
            if (shown == null || e.getKey() != shown.id()) it.remove();
        }
    }

    private java.util.function.Consumer<String> makeLfHandler = text -> { };

    /** What "make an LF from this" does with text the expert selected in a candidate (the composition root: the LF studio). */
    public void setOnMakeLf(java.util.function.Consumer<String> handler) {
        makeLfHandler = Objects.requireNonNull(handler);
    }

    /** "Make an LF from this": a keyword LF for {@code selectedText} opens in the LF studio's builder. */
    public void makeLfFrom(String selectedText) {
        if (selectedText == null || selectedText.isBlank()) {
            lastAction.set("Select a phrase in a candidate first (drag across it, or double-click a word)");
            return;
        }
        makeLfHandler.accept(selectedText.strip());
    }

    /** Whether the prompt with this id is cached (the next and previous prompts are, after a moment). */
    public boolean isCached(long promptId) {
        return cache.containsKey(promptId);
    }

    // ---- navigation -------------------------------------------------------------------------------------------

    public void next() {
        navigate(position.get() + 1, "This is the last prompt in the queue");
    }

    public void previous() {
        navigate(position.get() - 1, "This is the first prompt in the queue");
    }

    public void first() {
        navigate(0, "");
    }

    public void last() {
        navigate(queueIds == null ? -1 : queueIds.size() - 1, "");
    }

    private void navigate(int pos, String atEdge) {
        Ctx c = ctx;
        if (c == null || queueIds == null || queueIds.size() == 0) return;
        if (pos < 0 || pos >= queueIds.size()) {
            if (!atEdge.isEmpty()) lastAction.set(atEdge);
            return;
        }
        touch(c, true);
        goTo(c, pos);
    }

    /** Opens a prompt (from the Prompts step): in the current queue when it is there, else in the default queue. */
    public void open(long promptId) {
        Ctx c = ctx;
        if (c == null) return;
        if (queueIds == null) {
            pendingOpen = promptId;
            return;
        }
        int pos = queueIds.indexOf(promptId);
        if (pos >= 0) goTo(c, pos);
        else loadQueue(c, LabelQueue.DEFAULT, promptId);
    }

    /**
     * Walks the needs-review queue from {@code promptId} (the Rankings step opens its flagged prompts here). The queue
     * is read again: a new ranking may have just refilled it.
     */
    public void review(long promptId) {
        Ctx c = ctx;
        if (c == null) return;
        LabelQueue q = new LabelQueue.NeedsReview();
        if (queueIds == null) {
            pendingOpen = promptId;
            pendingQueue = q;
            return;
        }
        cache.clear(); // the review reasons shown with the prompts may have changed
        touch(c, false);
        loadQueue(c, q, promptId);
    }

    /** Walks another queue, from its first prompt (the first one still to do). */
    public void setQueue(LabelQueue q) {
        Ctx c = ctx;
        if (c == null || q == null) return;
        if (q instanceof LabelQueue.Random r && r.seed() != randomSeed.get()) randomSeed.set(r.seed());
        touch(c, false);
        loadQueue(c, q, null);
    }

    public void focusNext() {
        int n = candidateCount();
        if (n > 0) focused.set((focused.get() + 1) % n);
        userActive();
    }

    public void focusPrevious() {
        int n = candidateCount();
        if (n > 0) focused.set((focused.get() - 1 + n) % n);
        userActive();
    }

    public void focus(int index) {
        if (index >= 0 && index < candidateCount()) focused.set(index);
    }

    private int candidateCount() {
        PromptBundle b = current.get();
        return b == null ? 0 : b.candidates().size();
    }

    /**
     * Finds the next prompt in the queue whose text or id contains {@code text} (ignoring case) and goes there. The
     * same text again goes to the match after it.
     */
    public void search(String text) {
        Ctx c = ctx;
        String t = text == null ? "" : text.strip();
        if (c == null || queueIds == null) return;
        if (t.isEmpty()) {
            searchStatus.set("");
            lastSearch = null;
            searchPositions = null;
            return;
        }
        if (t.equals(lastSearch) && searchPositions != null) {
            jumpToMatch(c, false);
            return;
        }
        QueueIds ids = queueIds;
        executor.execute(BackgroundTask.of("Searching prompts", p -> {
                    long[] matches = c.ws.prompts().ids(PromptFilter.ALL.withSearch(t)); // sorted by id
                    int[] positions = new int[Math.min(matches.length, ids.size())];
                    int n = 0;
                    for (int i = 0; i < ids.size() && n < positions.length; i++) {
                        if (Arrays.binarySearch(matches, ids.ids()[i]) >= 0) positions[n++] = i;
                    }
                    return Arrays.copyOf(positions, n);
                })
                .quiet()
                .onSuccess(positions -> {
                    if (ctx != c || queueIds != ids) return;
                    lastSearch = t;
                    searchPositions = positions;
                    jumpToMatch(c, true);
                })
                .onFailure(e -> {
                    if (ctx == c) notifier.error("Could not search the prompts", e);
                }));
    }

    private void jumpToMatch(Ctx c, boolean includeCurrent) {
        int[] m = searchPositions;
        if (m.length == 0) {
            searchStatus.set("No prompt in this queue matches \u201c" + lastSearch + "\u201d");
            return;
        }
        int pos = position.get();
        int k = -1;
        for (int i = 0; i < m.length; i++) {
            if (includeCurrent ? m[i] >= pos : m[i] > pos) {
                k = i;
                break;
            }
        }
        if (k < 0) k = 0; // wrap around
        searchStatus.set("Match " + (k + 1) + " of " + m.length + " in this queue");
        if (m[k] != pos) {
            touch(c, true);
            goTo(c, m[k]);
        }
    }

    // ---- judgments --------------------------------------------------------------------------------------------

    private CandidateView candidate(int index) {
        PromptBundle b = current.get();
        if (b == null || index < 0 || index >= b.candidates().size()) return null;
        return b.candidates().get(index);
    }

    /** Marks candidate {@code index} (0-based) as the best; again clears it. */
    public void toggleBest(int index) {
        CandidateView cv = candidate(index);
        if (cv == null) return;
        Judgments now = judgments.get();
        boolean clear = now.isBest(cv.id());
        Judgments after = now.withBest(clear ? null : cv.id());
        String what = clear ? "Best cleared" : "Candidate " + (index + 1) + " is the best";
        judge(what, after, promptGoldWrite(after));
    }

    /** Marks candidate {@code index} as the worst; again clears it. */
    public void toggleWorst(int index) {
        CandidateView cv = candidate(index);
        if (cv == null) return;
        Judgments now = judgments.get();
        boolean clear = now.isWorst(cv.id());
        Judgments after = now.withWorst(clear ? null : cv.id());
        String what = clear ? "Worst cleared" : "Candidate " + (index + 1) + " is the worst";
        judge(what, after, promptGoldWrite(after));
    }

    /** GOOD or BAD on candidate {@code index}; the same verdict again clears it. */
    public void toggleLabel(int index, Verdict verdict) {
        CandidateView cv = candidate(index);
        if (cv == null || verdict == null) return;
        Verdict v = judgments.get().label(cv.id()) == verdict ? null : verdict;
        String what = "Candidate " + (index + 1) + (v == null ? ": label cleared" : ": " + v);
        long id = cv.id();
        judge(what, judgments.get().withLabel(id, v), (gold, session) -> gold.setLabel(id, v, session));
    }

    /** Rates candidate {@code index} 1–5; null (or the same rating again) clears it. */
    public void rate(int index, Integer rating) {
        CandidateView cv = candidate(index);
        if (cv == null) return;
        if (rating != null && (rating < 1 || rating > 5)) return;
        Integer r = Objects.equals(judgments.get().rating(cv.id()), rating) ? null : rating;
        String what = "Candidate " + (index + 1) + (r == null ? ": rating cleared" : " rated " + r + " of 5");
        long id = cv.id();
        judge(what, judgments.get().withRating(id, r), (gold, session) -> gold.setRating(id, r, session));
    }

    /** Records that candidate {@code winner} beats {@code loser}; the same preference again removes it. */
    public void prefer(int winner, int loser) {
        CandidateView w = candidate(winner);
        CandidateView l = candidate(loser);
        if (w == null || l == null || winner == loser) return;
        Judgments now = judgments.get();
        Long pref = Objects.equals(now.preferred(w.id(), l.id()), w.id()) ? null : w.id();
        String what = pref == null ? "Preference between " + (winner + 1) + " and " + (loser + 1) + " cleared"
                : "Candidate " + (winner + 1) + " preferred over " + (loser + 1);
        long a = w.id();
        long b = l.id();
        long pid = current.get().id();
        judge(what, now.withPreference(pid, a, b, pref), (gold, session) -> gold.setPreference(a, b, pref, session));
    }

    /** Removes the preference between two candidates (by index). */
    public void clearPreference(int first, int second) {
        CandidateView a = candidate(first);
        CandidateView b = candidate(second);
        if (a == null || b == null) return;
        Judgments now = judgments.get();
        if (now.preferred(a.id(), b.id()) == null) return;
        long ia = a.id();
        long ib = b.id();
        judge("Preference between " + (first + 1) + " and " + (second + 1) + " cleared",
                now.withPreference(current.get().id(), ia, ib, null), (gold, session) -> gold.setPreference(ia, ib, null, session));
    }

    /** Saves the prompt's note when it changed (blank clears it). */
    public void setNote(String text) {
        if (current.get() == null) return;
        String note = text == null || text.isBlank() ? null : text.strip();
        Judgments now = judgments.get();
        if (Objects.equals(now.note(), note)) return;
        Judgments after = now.withNote(note);
        judge(note == null ? "Note cleared" : "Note saved", after, promptGoldWrite(after));
    }

    private GoldWrite promptGoldWrite(Judgments after) {
        long pid = current.get().id();
        Long best = after.best();
        Long worst = after.worst();
        String note = after.note();
        return (gold, session) -> gold.setPromptGold(new PromptGold(pid, best, worst, note), session);
    }

    private void judge(String description, Judgments after, GoldWrite write) {
        Ctx c = ctx;
        PromptBundle b = current.get();
        if (c == null || c.closed || b == null || loading.get()) return;
        Judgments before = judgments.get();
        if (after.equals(before)) return;
        touch(c, true);
        long pid = b.id();
        UndoEntry u = new UndoEntry(pid, description, before, c.session);
        apply(pid, after);
        undo.addFirst(u);
        while (undo.size() > MAX_UNDO) undo.removeLast();
        updateUndo();
        c.sessionJudgments++;
        goldDirty = true;
        lastAction.set(description);
        saving();
        SessionRef ref = c.session;
        c.writer.submit(BackgroundTask.<Void>of("Saving your judgment", p -> {
                    u.snapshot = c.ws.gold().snapshot(pid);
                    write.write(c.ws.gold(), ref == null ? null : ref.id);
                    return null;
                })
                .quiet()
                .onSuccess(v -> {
                    saved();
                    refreshCounts(c);
                })
                .onFailure(e -> {
                    failed();
                    undo.remove(u);
                    updateUndo();
                    if (c.session == ref && c.sessionJudgments > 0) c.sessionJudgments--;
                    notifier.error("Could not save \u201c" + description + "\u201d", e);
                    reloadJudgments(c, pid);
                }));
        updateRate();
    }

    /** Takes back the last judgment (on whichever prompt it was made; the view goes there). */
    public void undo() {
        Ctx c = ctx;
        if (c == null || c.closed) return;
        UndoEntry u = undo.pollFirst();
        updateUndo();
        if (u == null) {
            lastAction.set("Nothing to undo");
            return;
        }
        touch(c, true);
        apply(u.promptId, u.before);
        PromptBundle b = current.get();
        if (b == null || b.id() != u.promptId) open(u.promptId);
        if (u.session == c.session && c.sessionJudgments > 0) c.sessionJudgments--;
        lastAction.set("Undone: " + u.description);
        saving();
        c.writer.submit(BackgroundTask.of("Undoing your judgment", p -> {
                    GoldRepository.Snapshot s = u.snapshot;
                    if (s == null) throw new IllegalStateException("the judgment to undo was never saved");
                    c.ws.gold().restore(s, u.session == null ? null : u.session.id);
                    return Judgments.of(c.ws.gold().forPrompt(u.promptId));
                })
                .quiet()
                .onSuccess(j -> {
                    saved();
                    apply(u.promptId, j);
                    refreshCounts(c);
                })
                .onFailure(e -> {
                    failed();
                    notifier.error("Could not undo \u201c" + u.description + "\u201d", e);
                    reloadJudgments(c, u.promptId);
                }));
        updateRate();
    }

    private void apply(long promptId, Judgments j) {
        known.put(promptId, j);
        PromptBundle b = current.get();
        if (b != null && b.id() == promptId) judgments.set(j);
    }

    private void reloadJudgments(Ctx c, long promptId) {
        c.writer.submit(BackgroundTask.of("Reading the saved judgments", p -> Judgments.of(c.ws.gold().forPrompt(promptId)))
                .quiet()
                .onSuccess(j -> {
                    if (ctx == c) apply(promptId, j);
                })
                .onFailure(e -> {
                    if (ctx == c) notifier.error("Could not read the saved judgments", e);
                }));
    }

    private void updateUndo() {
        UndoEntry u = undo.peekFirst();
        canUndo.set(u != null);
        undoText.set(u == null ? "Nothing to undo" : "Undo: " + u.description);
    }

    private void saving() {
        pendingSaves++;
        saveState.set(SaveState.SAVING);
    }

    private void saved() {
        pendingSaves = Math.max(0, pendingSaves - 1);
        if (pendingSaves == 0 && saveState.get() != SaveState.FAILED) saveState.set(SaveState.SAVED);
    }

    private void failed() {
        pendingSaves = Math.max(0, pendingSaves - 1);
        saveState.set(SaveState.FAILED);
    }

    // ---- sessions ---------------------------------------------------------------------------------------------

    /** Any input in the view (scrolling, focus, toggles): keeps the session alive and counts as time on the prompt. */
    public void userActive() {
        Ctx c = ctx;
        if (c != null) touch(c, false);
    }

    /**
     * Called every few seconds by the view: ends the session after {@link #idleMinutesProperty()} minutes without input
     * and keeps the rate current.
     */
    public void tick() {
        Ctx c = ctx;
        if (c == null || c.closed) return;
        if (c.session != null && c.lastActivity != null && idleFor(c, clock.instant())) endSession(c, SessionRepository.END_IDLE);
        updateRate();
    }

    /** The view was left (another step is shown): lists elsewhere catch up with the labels made here. */
    public void viewHidden() {
        if (goldDirty) {
            goldDirty = false;
            workspaces.goldChanged();
        }
    }

    private Duration idleLimit() {
        return Duration.ofMinutes(Math.max(1, idleMinutes.get()));
    }

    private boolean idleFor(Ctx c, Instant now) {
        return Duration.between(c.lastActivity, now).compareTo(idleLimit()) > 0;
    }

    /** Input: time on the prompt (gaps longer than the idle limit do not count), and a session when working. */
    private void touch(Ctx c, boolean working) {
        if (c.closed) return;
        Instant now = clock.instant();
        if (c.session != null && c.lastActivity != null && idleFor(c, now)) endSession(c, SessionRepository.END_IDLE);
        if (c.promptLastEvent != null) {
            long gap = Math.max(0, Duration.between(c.promptLastEvent, now).toMillis());
            if (gap <= idleLimit().toMillis()) c.promptActiveMs += gap;
        }
        c.promptLastEvent = now;
        c.lastActivity = now;
        if (working && c.session == null) startSession(c);
    }

    private void startSession(Ctx c) {
        SessionRef ref = new SessionRef();
        c.session = ref;
        c.sessionStart = clock.instant();
        c.sessionJudgments = 0;
        sessionActive.set(true);
        String q = queue.get().key();
        Long at = current.get() == null ? null : current.get().id();
        c.writer.submit(BackgroundTask.of("Starting a labelling session", p -> {
                    ref.id = c.ws.sessions().start(q, at).id();
                    return null;
                })
                .quiet()
                .onSuccess(v -> refreshCounts(c))
                .onFailure(e -> {
                    if (ctx == c) notifier.error("Could not start a labelling session", e);
                }));
        updateRate();
    }

    private void endSession(Ctx c, String reason) {
        flushPromptTime(c);
        SessionRef ref = c.session;
        c.session = null;
        sessionActive.set(false);
        c.writer.submit(BackgroundTask.of("Ending the labelling session", p -> {
                    if (ref.id != null) c.ws.sessions().end(ref.id, reason);
                    return null;
                })
                .quiet()
                .onSuccess(v -> {
                    if (ctx == c) refreshCounts(c);
                })
                .onFailure(e -> {
                    if (ctx == c) notifier.error("Could not end the labelling session", e);
                }));
        if (SessionRepository.END_IDLE.equals(reason) && ctx == c) lastAction.set("Session ended after " + idleMinutes.get() + " idle minutes");
        if (ctx == c && !SessionRepository.END_CLOSE.equals(reason)) viewHidden();
        updateRate();
    }

    /** Leaving the prompt shown: its time goes to the session. */
    private void leavePrompt(Ctx c) {
        flushPromptTime(c);
        c.promptId = -1;
        c.promptLastEvent = null;
    }

    private void flushPromptTime(Ctx c) {
        // time counts up to the last input on the prompt (after it, the expert may have walked away)
        if (c.promptId < 0) return;
        long ms = c.promptActiveMs;
        c.promptActiveMs = 0;
        SessionRef ref = c.session;
        if (ref == null || ms <= 0) return;
        long pid = c.promptId;
        c.writer.submit(BackgroundTask.of("Recording time on the prompt", p -> {
                    if (ref.id != null) c.ws.sessions().addTime(ref.id, pid, ms);
                    return null;
                })
                .quiet()
                .onFailure(e -> { /* time is a convenience; a failed write must not interrupt labelling */ }));
    }

    private void visit(Ctx c, long promptId, String queueKey) {
        SessionRef ref = c.session;
        if (ref == null) return;
        c.writer.submit(BackgroundTask.of("Recording the position", p -> {
                    if (ref.id != null) c.ws.sessions().visit(ref.id, promptId, queueKey);
                    return null;
                })
                .quiet()
                .onFailure(e -> { }));
    }

    private void updateRate() {
        Ctx c = ctx;
        if (c == null || c.session == null || c.sessionStart == null) {
            rateText.set("");
            return;
        }
        double minutes = Math.max(0.5, Duration.between(c.sessionStart, clock.instant()).toMillis() / 60_000.0);
        rateText.set(String.format(Locale.ROOT, "%.1f labels/min", c.sessionJudgments / minutes));
    }

    /** Recounts the queue's progress and the session summary in the background (coalesced). */
    private void refreshCounts(Ctx c) {
        if (countsInFlight) {
            countsAgain = true;
            return;
        }
        countsInFlight = true;
        LabelQueue q = queue.get();
        QueueIds ids = queueIds;
        ZoneId zone = clock.getZone();
        Instant midnight = LocalDate.now(clock).atStartOfDay(zone).toInstant();
        executor.execute(BackgroundTask.of("Counting labels", p -> new Object[]{
                        c.ws.queues().done(q), c.ws.reviews().pending(),
                        c.ws.sessions().summary(midnight), c.ws.sessions().allTime()})
                .quiet()
                .onSuccess(r -> {
                    if (ctx != c) return;
                    if (queueIds == ids && queue.get().equals(q)) {
                        int before = done.get();
                        done.set((Integer) r[0]);
                        // a prompt became labelled (or not): the status bar's "labelled" count follows
                        if (before != done.get()) workspaces.refreshCounts();
                    }
                    reviewPending.set((Integer) r[1]);
                    sessionSummary.set(summaryText((SessionRepository.Summary) r[2], (SessionRepository.Summary) r[3]));
                    updateProgressText();
                })
                .onFailure(e -> { /* counts refresh on the next judgment */ })
                .onFinished(() -> {
                    countsInFlight = false;
                    if (countsAgain && ctx == c) {
                        countsAgain = false;
                        refreshCounts(c);
                    }
                }));
    }

    static String summaryText(SessionRepository.Summary today, SessionRepository.Summary all) {
        if (all.sessions() == 0) return "No labelling sessions yet";
        return "Today: " + Fmt.count(today.judgments(), "label") + " in " + duration(today.activeMillis())
                + "  \u00b7  All time: " + Fmt.count(all.judgments(), "label") + " in " + duration(all.activeMillis());
    }

    /** "< 1 min", "24 min", "5 h 10 min". */
    static String duration(long millis) {
        if (millis < 60_000) return "< 1 min";
        long min = Math.round(millis / 60_000.0);
        if (min < 60) return min + " min";
        return (min / 60) + " h " + (min % 60) + " min";
    }

    private void updateProgressText() {
        int size = queueSize.get();
        int pos = position.get();
        positionText.set(size == 0 || pos < 0 ? "" : "Prompt " + Fmt.count(pos + 1) + " of " + Fmt.count(size));
        String doneWord = queue.get().flagged() ? "reviewed" : "labelled";
        progressText.set(size == 0 ? "" : Fmt.count(done.get()) + " of " + Fmt.count(size) + " " + doneWord);
        progress.set(size == 0 ? 0 : Math.min(1.0, (double) done.get() / size));
    }
}
