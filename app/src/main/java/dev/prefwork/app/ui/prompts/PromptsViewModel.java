package dev.prefwork.app.ui.prompts;

import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.common.LazyRow;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.common.PagedList;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.core.PromptFilter.GoldState;
import dev.prefwork.core.PromptSummary;
import dev.prefwork.store.Workspace;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The Prompts screen's state: the filter (search, category, labelled), the matching prompts as a
 * {@link PagedList} over their ids (fetched in the background, rows paged in as they are shown), the count line,
 * the selected prompt's detail, and the "open prompt" hook the Compare step listens to.
 */
public final class PromptsViewModel {

    /** A category filter choice; {@code category} null means all categories, "" prompts without one. */
    public record CategoryChoice(String category, int count) {
        public static final String NONE_LABEL = "(no category)";

        public boolean isAll() { return category == null; }

        public String label() {
            String name = category == null ? "All categories" : category.isEmpty() ? NONE_LABEL : category;
            return name + " (" + Fmt.count(count) + ")";
        }

        @Override
        public String toString() { return label(); }
    }

    /** One candidate of the selected prompt, as the detail pane lists it. */
    public record CandidateInfo(int position, String model, int chars, int words) {
    }

    /** The selected prompt in full, with its candidates. */
    public record PromptDetail(Prompt prompt, String dataset, List<CandidateInfo> candidates) {
    }

    public enum ViewState {
        /** no workspace is open */
        NO_WORKSPACE,
        /** a workspace is being opened */
        OPENING,
        /** the prompt list is being fetched for the first time */
        LOADING,
        /** the workspace holds no prompts: time to import */
        EMPTY,
        READY
    }

    static final int PAGE_SIZE = 100;
    static final int MAX_CACHED_PAGES = 40;

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;

    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final ObjectProperty<CategoryChoice> category = new SimpleObjectProperty<>(this, "category");
    private final ObjectProperty<GoldState> gold = new SimpleObjectProperty<>(this, "gold", GoldState.ANY);
    private final ObservableList<CategoryChoice> categories = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<PagedList<PromptSummary>> rows = new ReadOnlyObjectWrapper<>(this, "rows");
    private final ReadOnlyIntegerWrapper total = new ReadOnlyIntegerWrapper(this, "total", -1);
    private final ReadOnlyIntegerWrapper matching = new ReadOnlyIntegerWrapper(this, "matching", -1);
    private final ReadOnlyStringWrapper countText = new ReadOnlyStringWrapper(this, "countText", "");
    private final ReadOnlyBooleanWrapper filtering = new ReadOnlyBooleanWrapper(this, "filtering");
    private final ReadOnlyObjectWrapper<ViewState> state = new ReadOnlyObjectWrapper<>(this, "state", ViewState.NO_WORKSPACE);
    private final ObjectProperty<LazyRow<PromptSummary>> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<PromptDetail> detail = new ReadOnlyObjectWrapper<>(this, "detail");

    private LongConsumer openHandler = id -> { };
    private int loadGeneration;
    private int idsGeneration;
    private boolean restoringCategory;
    private PromptFilter lastFilter = PromptFilter.ALL;
    private ChangeListener<PromptSummary> pendingDetail;
    private LazyRow<PromptSummary> pendingDetailRow;

    public PromptsViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        rows.set(emptyList());
        workspaces.workspaceProperty().addListener((o, a, b) -> reload());
        workspaces.stateProperty().addListener((o, a, b) -> updateStateWithoutWorkspace());
        workspaces.dataVersionProperty().addListener((o, a, b) -> reload());
        workspaces.goldVersionProperty().addListener((o, a, b) -> reload());
        search.addListener((o, a, b) -> {
            if (!Objects.equals(normalise(a), normalise(b))) filterChanged();
        });
        category.addListener((o, a, b) -> {
            if (!restoringCategory) filterChanged();
        });
        gold.addListener((o, a, b) -> filterChanged());
        selected.addListener((o, a, b) -> selectionChanged(b));
        reload();
    }

    // ---- properties -------------------------------------------------------------------------------------------

    /** The search text as typed (the view debounces typing before it sets this). */
    public StringProperty searchProperty() { return search; }

    /** The selected category choice; null or {@link CategoryChoice#isAll()} means all. */
    public ObjectProperty<CategoryChoice> categoryProperty() { return category; }

    public ObjectProperty<GoldState> goldProperty() { return gold; }

    /** "All categories" first, then each category with its number of prompts. */
    public ObservableList<CategoryChoice> categories() { return categories; }

    /** The matching prompts; replaced by a new list whenever the filter or the data changes. */
    public ReadOnlyObjectProperty<PagedList<PromptSummary>> rowsProperty() { return rows.getReadOnlyProperty(); }

    public PagedList<PromptSummary> rows() { return rows.get(); }

    /** Prompts in the workspace; -1 until known. */
    public ReadOnlyIntegerProperty totalProperty() { return total.getReadOnlyProperty(); }

    /** Prompts matching the filter; -1 until known. */
    public ReadOnlyIntegerProperty matchingProperty() { return matching.getReadOnlyProperty(); }

    /** "80 prompts", or with a filter "12 of 80 prompts". */
    public ReadOnlyStringProperty countTextProperty() { return countText.getReadOnlyProperty(); }

    /** True while the matching ids are being fetched. */
    public ReadOnlyBooleanProperty filteringProperty() { return filtering.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<ViewState> stateProperty() { return state.getReadOnlyProperty(); }

    /** The row selected in the table (the view sets it). */
    public ObjectProperty<LazyRow<PromptSummary>> selectedProperty() { return selected; }

    /** The selected prompt in full; null while none is selected or it is loading. */
    public ReadOnlyObjectProperty<PromptDetail> detailProperty() { return detail.getReadOnlyProperty(); }

    /** The filter the list currently shows. */
    public PromptFilter filter() { return lastFilter; }

    /** True when any part of the filter narrows the list. */
    public boolean isFiltered() {
        PromptFilter f = lastFilter;
        return f.search() != null || f.category() != null || f.gold() != GoldState.ANY;
    }

    // ---- actions -----------------------------------------------------------------------------------------------

    /** Who is told when the user opens a prompt (double-click, Enter): the Compare step, later. */
    public void setOnOpenPrompt(LongConsumer handler) {
        this.openHandler = Objects.requireNonNull(handler);
    }

    /** Publishes "open this prompt" for a row (placeholder rows too: the id is known). */
    public void openPrompt(LazyRow<PromptSummary> row) {
        if (row != null) openHandler.accept(row.id());
    }

    /** Back to all prompts. */
    public void clearFilters() {
        search.set("");
        gold.set(GoldState.ANY);
        category.set(categories.isEmpty() ? null : categories.get(0));
    }

    /** Reloads categories, counts and the list from the workspace. */
    public void reload() {
        int gen = ++loadGeneration;
        Workspace ws = workspaces.workspace();
        selected.set(null);
        if (ws == null) {
            replaceRows(emptyList());
            categories.clear();
            total.set(-1);
            matching.set(-1);
            updateCountText();
            updateStateWithoutWorkspace();
            return;
        }
        if (state.get() != ViewState.READY) state.set(ViewState.LOADING);
        executor.execute(BackgroundTask.of("Loading prompt categories", p -> ws.prompts().categories())
                .quiet()
                .onSuccess(map -> {
                    if (gen != loadGeneration) return;
                    applyCategories(map);
                    if (total.get() == 0) {
                        replaceRows(emptyList());
                        matching.set(0);
                        updateCountText();
                        state.set(ViewState.EMPTY);
                    } else {
                        loadIds();
                    }
                })
                .onFailure(e -> {
                    if (gen == loadGeneration && workspaces.workspace() == ws) notifier.error("Could not list the prompts", e);
                }));
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private void updateStateWithoutWorkspace() {
        if (workspaces.workspace() != null) return;
        state.set(workspaces.stateProperty().get() == WorkspaceService.State.OPENING ? ViewState.OPENING : ViewState.NO_WORKSPACE);
    }

    private void applyCategories(Map<String, Integer> map) {
        int sum = map.values().stream().mapToInt(Integer::intValue).sum();
        total.set(sum);
        String previous = category.get() == null ? null : category.get().category();
        List<CategoryChoice> list = new ArrayList<>();
        list.add(new CategoryChoice(null, sum));
        map.forEach((name, n) -> list.add(new CategoryChoice(name, n)));
        restoringCategory = true;
        try {
            categories.setAll(list);
            CategoryChoice keep = list.get(0);
            for (CategoryChoice c : list) {
                if (Objects.equals(c.category(), previous)) keep = c;
            }
            category.set(keep);
        } finally {
            restoringCategory = false;
        }
    }

    private void filterChanged() {
        if (workspaces.workspace() == null || total.get() <= 0) return;
        loadIds();
    }

    private PromptFilter currentFilter() {
        CategoryChoice c = category.get();
        return new PromptFilter(normalise(search.get()), c == null ? null : c.category(), null, gold.get());
    }

    private static String normalise(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private void loadIds() {
        Workspace ws = workspaces.workspace();
        if (ws == null) return;
        int gen = ++idsGeneration;
        PromptFilter filter = currentFilter();
        filtering.set(true);
        executor.execute(BackgroundTask.of("Filtering prompts", p -> ws.prompts().ids(filter))
                .onSuccess(ids -> {
                    if (gen != idsGeneration || workspaces.workspace() != ws) return;
                    lastFilter = filter;
                    selected.set(null);
                    PagedList<PromptSummary> list = new PagedList<>(ids, PAGE_SIZE, MAX_CACHED_PAGES,
                            ws.prompts()::summaries, PromptSummary::id, executor, "Loading prompts");
                    list.setOnError(e -> {
                        if (workspaces.workspace() == ws) notifier.error("Could not load prompts", e);
                    });
                    replaceRows(list);
                    matching.set(ids.length);
                    updateCountText();
                    state.set(ViewState.READY);
                })
                .onFailure(e -> {
                    if (gen == idsGeneration && workspaces.workspace() == ws) notifier.error("Could not filter the prompts", e);
                })
                .onFinished(() -> {
                    if (gen == idsGeneration) filtering.set(false);
                }));
    }

    private void replaceRows(PagedList<PromptSummary> list) {
        PagedList<PromptSummary> old = rows.get();
        if (old != null) old.dispose();
        rows.set(list);
    }

    private PagedList<PromptSummary> emptyList() {
        return new PagedList<>(new long[0], PAGE_SIZE, MAX_CACHED_PAGES, ids -> List.of(), PromptSummary::id, executor, "");
    }

    private void updateCountText() {
        int t = total.get();
        int m = matching.get();
        if (t < 0 || m < 0) countText.set("");
        else if (m == t && !isFiltered()) countText.set(Fmt.count(t, "prompt"));
        else countText.set(Fmt.count(m) + " of " + Fmt.count(t, "prompt"));
    }

    private void selectionChanged(LazyRow<PromptSummary> row) {
        if (pendingDetail != null) {
            pendingDetailRow.valueProperty().removeListener(pendingDetail);
            pendingDetail = null;
            pendingDetailRow = null;
        }
        detail.set(null);
        if (row == null) return;
        if (row.isLoaded()) {
            loadDetail(row);
        } else {
            pendingDetailRow = row;
            pendingDetail = (o, a, b) -> {
                if (b != null && selected.get() == row) {
                    row.valueProperty().removeListener(pendingDetail);
                    pendingDetail = null;
                    pendingDetailRow = null;
                    loadDetail(row);
                }
            };
            row.valueProperty().addListener(pendingDetail);
        }
    }

    private void loadDetail(LazyRow<PromptSummary> row) {
        Workspace ws = workspaces.workspace();
        if (ws == null) return;
        long id = row.id();
        String dataset = row.value().dataset();
        executor.execute(BackgroundTask.of("Loading prompt", p -> {
                    Prompt prompt = ws.prompts().get(id).orElse(null);
                    if (prompt == null) return null;
                    List<CandidateInfo> cands = new ArrayList<>();
                    for (Candidate c : ws.candidates().forPrompt(id)) {
                        cands.add(new CandidateInfo(c.position(), c.model(), c.lengthChars(), Fmt.words(c.text())));
                    }
                    return new PromptDetail(prompt, dataset, List.copyOf(cands));
                })
                .quiet()
                .onSuccess(d -> {
                    if (selected.get() == row) detail.set(d);
                })
                .onFailure(e -> {
                    if (selected.get() == row && workspaces.workspace() == ws) notifier.error("Could not load the prompt", e);
                }));
    }
}
