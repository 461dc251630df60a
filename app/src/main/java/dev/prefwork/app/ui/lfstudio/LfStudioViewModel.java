package dev.prefwork.app.ui.lfstudio;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.analysis.MatrixStats;
import dev.prefwork.labeling.engine.LfPreview;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfDrafts;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.labeling.service.InvalidLfException;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfApplyReport;
import dev.prefwork.labeling.service.LibraryImport;
import dev.prefwork.store.Workspace;
import javafx.animation.PauseTransition;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.util.Duration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The LF studio's state: the library with each LF's analysis (from the last apply), the builder's draft (name,
 * aspect, vote, condition tree, optional prompt scope) with field-level errors, the live preview of the draft
 * (debounced, in the background, a newer edit cancels the running preview), saving as a new version with the
 * history, applying all, and the library files. {@link #newKeywordLfFrom(String)} is the "make an LF from this"
 * hook other steps call.
 */
public final class LfStudioViewModel {

    public enum ViewState { NO_WORKSPACE, LOADING, READY }

    /** One LF in the list: the LF, its analysis and where its votes came from (null stats before the first apply). */
    public record LfRow(LabelingFunction lf, LfStats stats, LfApplyReport.Source source, String error) {
        public String name() { return lf.name(); }

        public double coverage() { return stats == null ? 0 : stats.coverage(); }

        public double conflicts() { return stats == null ? 0 : stats.conflicts(); }

        /** Empirical accuracy, or -1 without gold hits (sorts last). */
        public double accuracy() { return stats == null || Double.isNaN(stats.empiricalAccuracy()) ? -1 : stats.empiricalAccuracy(); }
    }

    /** Runs an action after the expert stops typing for a moment (the workbench), or at once (tests). */
    public interface Debounce {
        void run(Runnable action);

        static Debounce immediate() {
            return Runnable::run;
        }

        /** Restarts a timer on every call; the action runs {@code delay} after the last call (FX thread). */
        static Debounce fx(Duration delay) {
            PauseTransition pause = new PauseTransition(delay);
            return action -> {
                pause.setOnFinished(e -> action.run());
                pause.playFromStart();
            };
        }
    }

    public static final Duration PREVIEW_DEBOUNCE = Duration.millis(250);

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final Debounce debounce;

    private final ReadOnlyObjectWrapper<ViewState> state = new ReadOnlyObjectWrapper<>(this, "state", ViewState.NO_WORKSPACE);
    private final ObservableList<LfRow> rows = FXCollections.observableArrayList();
    private final FilteredList<LfRow> visibleRows = new FilteredList<>(rows);
    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final ReadOnlyBooleanWrapper applying = new ReadOnlyBooleanWrapper(this, "applying");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ObservableList<String> aspects = FXCollections.observableArrayList(LfSpec.BUILT_IN_ASPECTS);
    private final ObservableList<String> phraseLists = FXCollections.observableArrayList("refusal", "hedging");

    // the draft
    private final ReadOnlyObjectWrapper<Long> editingId = new ReadOnlyObjectWrapper<>(this, "editingId");
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final StringProperty aspect = new SimpleStringProperty(this, "aspect", "helpfulness");
    private final ObjectProperty<Verdict> vote = new SimpleObjectProperty<>(this, "vote", Verdict.BAD);
    private final StringProperty description = new SimpleStringProperty(this, "description", "");
    private final ObjectProperty<ConditionNode> when = new SimpleObjectProperty<>(this, "when");
    private final ObjectProperty<ConditionNode> scope = new SimpleObjectProperty<>(this, "scope");
    private final BooleanProperty scoped = new SimpleBooleanProperty(this, "scoped");
    private final ReadOnlyIntegerWrapper structure = new ReadOnlyIntegerWrapper(this, "structure");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private final ObservableList<SpecError> errors = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<LfPreview> preview = new ReadOnlyObjectWrapper<>(this, "preview");
    private final ReadOnlyBooleanWrapper previewing = new ReadOnlyBooleanWrapper(this, "previewing");
    private final ObservableList<LabelingFunction> history = FXCollections.observableArrayList();

    private final Set<ConditionNode> watched = Collections.newSetFromMap(new IdentityHashMap<>());
    private LabelingService service;
    private Workspace serviceWorkspace;
    private TaskExecutor.TaskHandle previewTask;
    private int previewGeneration;
    private int loadGeneration;
    private boolean loadingDraft;
    private boolean active;

    public LfStudioViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier, Debounce debounce) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.debounce = debounce;
        search.addListener((o, a, b) -> {
            String q = b == null ? "" : b.strip().toLowerCase(Locale.ROOT);
            visibleRows.setPredicate(q.isEmpty() ? null : r -> r.lf().name().toLowerCase(Locale.ROOT).contains(q)
                    || r.lf().aspect().toLowerCase(Locale.ROOT).contains(q)
                    || r.lf().vote().name().toLowerCase(Locale.ROOT).equals(q));
        });
        name.addListener((o, a, b) -> draftChanged());
        aspect.addListener((o, a, b) -> draftChanged());
        vote.addListener((o, a, b) -> draftChanged());
        description.addListener((o, a, b) -> draftChanged());
        scoped.addListener((o, a, b) -> {
            if (b && scope.get() == null) scope.set(new ConditionNode("category"));
            structureChanged();
        });
        when.addListener((o, a, b) -> {
            if (b != null) watch(b);
            structureChanged();
        });
        scope.addListener((o, a, b) -> {
            if (b != null) watch(b);
            structureChanged();
        });
        workspaces.workspaceProperty().addListener((o, a, b) -> workspaceChanged(b));
        workspaces.dataVersionProperty().addListener((o, a, b) -> {
            if (service != null) applyAll(true);
        });
        newLf();
        workspaceChanged(workspaces.workspace());
    }

    // ---- properties -------------------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<ViewState> stateProperty() { return state.getReadOnlyProperty(); }

    /** Every LF with its analysis. */
    public ObservableList<LfRow> rows() { return rows; }

    /** The LFs matching the search. */
    public FilteredList<LfRow> visibleRows() { return visibleRows; }

    public StringProperty searchProperty() { return search; }

    public ReadOnlyBooleanProperty applyingProperty() { return applying.getReadOnlyProperty(); }

    /** The enabled LFs together: label coverage, overlap, conflict. */
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }

    public ObservableList<String> aspects() { return aspects; }

    public ObservableList<String> phraseLists() { return phraseLists; }

    /** The LF the builder edits; null for a new one. */
    public ReadOnlyObjectProperty<Long> editingIdProperty() { return editingId.getReadOnlyProperty(); }

    public StringProperty nameProperty() { return name; }

    public StringProperty aspectProperty() { return aspect; }

    public ObjectProperty<Verdict> voteProperty() { return vote; }

    public StringProperty descriptionProperty() { return description; }

    /** The root of the condition tree (when the LF votes). */
    public ObjectProperty<ConditionNode> whenProperty() { return when; }

    /** The prompt scope's condition, used while {@link #scopedProperty()} is on. */
    public ObjectProperty<ConditionNode> scopeProperty() { return scope; }

    public BooleanProperty scopedProperty() { return scoped; }

    /** Bumped when the tree's shape changed (a node added, removed or given another template): the view rebuilds it. */
    public ReadOnlyIntegerProperty structureProperty() { return structure.getReadOnlyProperty(); }

    /** The draft differs from what was loaded or saved. */
    public ReadOnlyBooleanProperty dirtyProperty() { return dirty.getReadOnlyProperty(); }

    /** Field-level problems with the draft, as of the last preview (and number fields that do not parse). */
    public ObservableList<SpecError> errors() { return errors; }

    public ReadOnlyObjectProperty<LfPreview> previewProperty() { return preview.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty previewingProperty() { return previewing.getReadOnlyProperty(); }

    /** Versions of the LF being edited, oldest first. */
    public ObservableList<LabelingFunction> history() { return history; }

    /** Errors for exactly this path (a field) and, with {@code nested}, under it. */
    public List<String> errorsAt(String path, boolean nested) {
        List<String> out = new ArrayList<>();
        for (SpecError e : errors) {
            if (e.path().equals(path) || nested && (e.path().startsWith(path + ".") || e.path().startsWith(path + "["))) out.add(e.message());
        }
        return out;
    }

    // ---- the draft --------------------------------------------------------------------------------------------

    /** An empty keywords LF in the builder. */
    public void newLf() {
        load(null, new LfSpec("", "helpfulness", Verdict.BAD, null, null, null));
        history.clear();
    }

    /** Opens an LF of the list in the builder, with its history. */
    public void edit(LfRow row) {
        if (row == null || row.lf().spec() == null) return;
        load(row.lf().id(), row.lf().spec());
        loadHistory(row.lf().id());
    }

    /**
     * "Make an LF from this": a new keyword LF for text selected in a candidate, opened in the builder (case
     * ignored, whole words when the selection ends on word characters), voting BAD.
     */
    public void newKeywordLfFrom(String selectedText) {
        newKeywordLfFrom(selectedText, Verdict.BAD);
    }

    public void newKeywordLfFrom(String selectedText, Verdict verdict) {
        load(null, LfDrafts.fromSelection(selectedText, verdict, aspect.get() == null || aspect.get().isBlank() ? "helpfulness" : aspect.get()));
        history.clear();
        dirty.set(true);
    }

    private void load(Long id, LfSpec spec) {
        loadingDraft = true;
        try {
            editingId.set(id);
            name.set(spec.name() == null ? "" : spec.name());
            aspect.set(spec.aspect() == null ? "helpfulness" : spec.aspect());
            if (spec.aspect() != null && !aspects.contains(spec.aspect())) aspects.add(spec.aspect());
            vote.set(spec.vote() == null ? Verdict.BAD : spec.vote());
            description.set(spec.description() == null ? "" : spec.description());
            watched.clear();
            scope.set(spec.promptScope() == null ? null : ConditionNode.of(spec.promptScope()));
            scoped.set(spec.promptScope() != null);
            when.set(ConditionNode.of(spec.when()));
        } finally {
            loadingDraft = false;
        }
        dirty.set(false);
        errors.clear();
        preview.set(null);
        structure.set(structure.get() + 1);
        schedulePreview();
    }

    private void watch(ConditionNode node) {
        if (!watched.add(node)) return;
        node.fields().addListener((MapChangeListener<String, String>) c -> draftChanged());
        node.typeProperty().addListener((o, a, b) -> structureChanged());
        node.children().addListener((ListChangeListener<ConditionNode>) c -> {
            node.children().forEach(this::watch);
            structureChanged();
        });
        node.children().forEach(this::watch);
    }

    /** Adds a condition to a combinator node (a keywords template). */
    public void addChild(ConditionNode parent) {
        if (parent.type().equals("not") && !parent.children().isEmpty()) return;
        parent.children().add(new ConditionNode("keywords"));
    }

    /** Removes {@code child} from wherever it is in the tree (the root cannot be removed; it can be given another template). */
    public void remove(ConditionNode child) {
        removeFrom(when.get(), child);
        if (scope.get() != null) removeFrom(scope.get(), child);
    }

    private static boolean removeFrom(ConditionNode parent, ConditionNode child) {
        if (parent.children().remove(child)) return true;
        for (ConditionNode c : parent.children()) if (removeFrom(c, child)) return true;
        return false;
    }

    /** Wraps the root condition in AND so another condition can be added next to it. */
    public void combineRoot(String combinator) {
        ConditionNode root = when.get();
        if (root.type().equals(combinator)) {
            addChild(root);
            return;
        }
        ConditionNode wrapper = new ConditionNode(combinator);
        wrapper.children().setAll(root);
        if (!combinator.equals("not")) wrapper.children().add(new ConditionNode("keywords"));
        when.set(wrapper);
    }

    private void structureChanged() {
        if (loadingDraft) return;
        structure.set(structure.get() + 1);
        draftChanged();
    }

    private void draftChanged() {
        if (loadingDraft) return;
        dirty.set(true);
        schedulePreview();
    }

    /** The draft as a spec; numbers that do not parse are added to {@code parseErrors}. */
    public LfSpec draft(List<SpecError> parseErrors) {
        Condition w = when.get() == null ? null : when.get().toCondition("when", parseErrors);
        Condition s = scoped.get() && scope.get() != null ? scope.get().toCondition("prompt_scope", parseErrors) : null;
        String a = aspect.get() == null ? "" : aspect.get().strip();
        return new LfSpec(name.get() == null ? "" : name.get(), a, vote.get(), description.get(), s, w);
    }

    // ---- the live preview -------------------------------------------------------------------------------------

    private void schedulePreview() {
        if (service == null) return;
        debounce.run(this::previewNow);
    }

    /** Previews the draft now (in the background), cancelling a preview still running. */
    public void previewNow() {
        LabelingService s = service;
        if (s == null) return;
        List<SpecError> parseErrors = new ArrayList<>();
        LfSpec spec = draft(parseErrors);
        // the name does not change what an LF votes: preview a named draft so a missing name is not all the builder says
        LfSpec forPreview = spec.name().isBlank() ? spec.withName("(unsaved)") : spec;
        Long editing = editingId.get();
        if (previewTask != null) previewTask.cancel();
        int gen = ++previewGeneration;
        previewing.set(true);
        previewTask = executor.execute(BackgroundTask.of("Previewing the LF", p -> s.preview(forPreview, editing, p))
                .quiet()
                .onSuccess(pv -> {
                    if (gen != previewGeneration) return;
                    List<SpecError> all = new ArrayList<>(parseErrors);
                    if (spec.name().isBlank()) all.add(new SpecError("name", "give the LF a name"));
                    all.addAll(pv.errors());
                    // a fresh, untouched draft is not an error yet
                    if (editing == null && !dirty.get()) all.clear();
                    errors.setAll(all);
                    preview.set(pv);
                })
                .onFailure(e -> {
                    if (gen == previewGeneration) notifier.error("The preview failed", e);
                })
                .onFinished(() -> {
                    if (gen == previewGeneration) previewing.set(false);
                }));
    }

    // ---- saving, applying, the library ------------------------------------------------------------------------

    /** Saves the draft: a new LF, or the next version of the LF being edited; then re-applies. False when it has errors. */
    public boolean save() {
        LabelingService s = service;
        if (s == null) return false;
        List<SpecError> parseErrors = new ArrayList<>();
        LfSpec spec = draft(parseErrors);
        if (!parseErrors.isEmpty()) {
            errors.setAll(parseErrors);
            return false;
        }
        Long editing = editingId.get();
        executor.execute(BackgroundTask.of("Saving LF " + spec.name().strip(), p -> {
                    LabelingFunction saved = editing == null ? s.create(spec) : s.update(editing, spec);
                    LfApplyReport report = s.apply(p);
                    return new Saved(saved, report, s.history(saved.id()));
                })
                .onSuccess(r -> {
                    if (s != service) return;
                    showReport(r.report());
                    editingId.set(r.lf().id());
                    history.setAll(r.history());
                    dirty.set(false);
                    notifier.success("Saved", r.lf().name() + " — version " + r.lf().version());
                    schedulePreview();
                })
                .onFailure(e -> {
                    if (e instanceof InvalidLfException ie) errors.setAll(ie.errors());
                    else notifier.error("Could not save the LF", e);
                }));
        return true;
    }

    private record Saved(LabelingFunction lf, LfApplyReport report, List<LabelingFunction> history) {
    }

    /** Applies every LF (only changed versions are computed) as a background task with progress. */
    public void applyAll() {
        applyAll(false);
    }

    private void applyAll(boolean quiet) {
        LabelingService s = service;
        if (s == null) return;
        applying.set(true);
        BackgroundTask<LfApplyReport> task = BackgroundTask.of("Applying labeling functions", s::apply)
                .onSuccess(r -> {
                    if (s != service) return;
                    showReport(r);
                    state.set(ViewState.READY);
                    if (!quiet) notifier.success("Applied", r.lfs().size() + " LFs over " + r.candidates() + " candidates in " + r.elapsedMillis() + " ms ("
                            + r.recomputed() + " recomputed)");
                })
                .onFailure(e -> {
                    if (s == service) state.set(ViewState.READY);
                    notifier.error("Could not apply the LFs", e);
                })
                .onFinished(() -> applying.set(false));
        executor.execute(task);
    }

    public void setEnabled(LfRow row, boolean enabled) {
        LabelingService s = service;
        if (s == null || row.lf().enabled() == enabled) return;
        executor.execute(BackgroundTask.of((enabled ? "Enabling " : "Disabling ") + row.lf().name(), p -> {
                    s.setEnabled(row.lf().id(), enabled);
                    return s.apply(p);
                })
                .quiet()
                .onSuccess(r -> {
                    if (s == service) showReport(r);
                    schedulePreview();
                }));
    }

    public void importLibrary(Path file) {
        LabelingService s = service;
        if (s == null) return;
        executor.execute(BackgroundTask.of("Importing LFs from " + file.getFileName(), p -> {
                    LibraryImport imp = s.importLibrary(file);
                    return new Imported(imp, s.apply(p));
                })
                .onSuccess(r -> {
                    if (s == service) showReport(r.report());
                    notifier.success("LFs imported", r.imp().created() + " new, " + r.imp().newVersions() + " new versions, "
                            + r.imp().unchanged() + " unchanged");
                })
                .onFailure(e -> notifier.error("Could not import " + file.getFileName(), e)));
    }

    private record Imported(LibraryImport imp, LfApplyReport report) {
    }

    public void exportLibrary(Path file) {
        LabelingService s = service;
        if (s == null) return;
        executor.execute(BackgroundTask.of("Exporting LFs to " + file.getFileName(), p -> {
                    s.exportLibrary(file);
                    return null;
                })
                .onSuccess(v -> notifier.success("LFs exported", file.toString()))
                .onFailure(e -> notifier.error("Could not export the LFs", e)));
    }

    private void loadHistory(long lfId) {
        LabelingService s = service;
        if (s == null) return;
        executor.execute(BackgroundTask.of("LF history", p -> s.history(lfId)).quiet()
                .onSuccess(h -> {
                    if (s == service && Long.valueOf(lfId).equals(editingId.get())) history.setAll(h);
                })
                .onFailure(e -> history.clear()));
    }

    private void showReport(LfApplyReport r) {
        List<LfRow> out = new ArrayList<>();
        for (LfApplyReport.Row row : r.lfs()) {
            out.add(new LfRow(row.lf(), row.stats(), row.source(), row.error()));
            if (!aspects.contains(row.lf().aspect())) aspects.add(row.lf().aspect());
        }
        rows.setAll(out);
        MatrixStats m = r.matrix();
        summary.set(String.format(Locale.ROOT, "%d LFs, %d enabled  ·  label coverage %.1f %%  ·  overlap %.1f %%  ·  conflict %.1f %%  ·  %,d gold rows",
                r.lfs().size(), m.lfs(), m.labelCoverage() * 100, m.labelOverlap() * 100, m.labelConflict() * 100, m.goldRows()));
    }

    // ---- the workspace ----------------------------------------------------------------------------------------

    /**
     * The LF studio is on screen: load the library and its analysis, now and whenever another workspace opens.
     * Until the expert first visits the studio nothing here reads the workspace: applying the LFs reads every
     * text (seconds of CPU and a gigabyte of heap at 500K candidates) that the other steps should not pay for.
     */
    public void activate() {
        if (active) return;
        active = true;
        workspaceChanged(workspaces.workspace());
    }

    private void workspaceChanged(Workspace ws) {
        LabelingService old = service;
        service = null;
        serviceWorkspace = ws;
        rows.clear();
        summary.set("");
        if (old != null) {
            executor.execute(BackgroundTask.of("Closing the LF engine", p -> {
                old.close();
                return null;
            }).quiet().onFailure(e -> { }));
        }
        if (!active) return;
        if (ws == null) {
            state.set(ViewState.NO_WORKSPACE);
            return;
        }
        state.set(ViewState.LOADING);
        int gen = ++loadGeneration;
        LabelingService s = AppLabeling.service(ws, workspaces.paths());
        service = s;
        executor.execute(BackgroundTask.of("Loading labeling functions", p -> new Loaded(s.apply(p), s.phraseLists().names()))
                .onSuccess(l -> {
                    if (gen != loadGeneration) return;
                    showReport(l.report());
                    List<String> names = new ArrayList<>(l.lists());
                    Collections.sort(names);
                    phraseLists.setAll(names);
                    state.set(ViewState.READY);
                    schedulePreview();
                })
                .onFailure(e -> {
                    if (gen != loadGeneration) return;
                    state.set(ViewState.READY);
                    notifier.error("Could not load the labeling functions", e);
                }));
    }

    private record Loaded(LfApplyReport report, Set<String> lists) {
    }

    private dev.prefwork.app.ui.correlations.CorrelationsViewModel correlations;

    /** The Correlations panel's view model (the Label model view's; set by the composition root). */
    public void setCorrelations(dev.prefwork.app.ui.correlations.CorrelationsViewModel c) {
        this.correlations = c;
    }

    public dev.prefwork.app.ui.correlations.CorrelationsViewModel correlations() {
        return correlations;
    }

    private PairJudgeLfViewModel pairJudge;

    /** The form for comparative and model-judge LFs (one per studio, so a typed API key lasts the session). */
    public PairJudgeLfViewModel pairJudge() {
        if (pairJudge == null) {
            pairJudge = new PairJudgeLfViewModel(() -> service, workspaces::workspace, executor, notifier, () -> applyAll(true),
                    dev.prefwork.app.OpenAiJudgeBackend.fromEnvironment());
        }
        return pairJudge;
    }

    /** Closes the LF engine (on exit). */
    public void close() {
        if (service != null) service.close();
        service = null;
    }
}
