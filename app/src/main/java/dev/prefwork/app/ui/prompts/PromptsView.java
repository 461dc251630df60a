package dev.prefwork.app.ui.prompts;

import atlantafx.base.controls.CustomTextField;
import atlantafx.base.controls.Spacer;
import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import dev.prefwork.app.ui.common.Em;
import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.common.LazyRow;
import dev.prefwork.app.ui.prompts.PromptsViewModel.CandidateInfo;
import dev.prefwork.app.ui.prompts.PromptsViewModel.CategoryChoice;
import dev.prefwork.app.ui.prompts.PromptsViewModel.PromptDetail;
import dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.app.ui.shell.WorkbenchActions;
import dev.prefwork.core.PromptFilter.GoldState;
import dev.prefwork.core.PromptSummary;
import dev.prefwork.store.PromptRepository;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.function.Function;

/**
 * The Prompts screen: filter bar (search, category, labelled), the virtualized table over every matching prompt
 * (rows page in as they scroll into view), the selected prompt's text and candidates below, and the empty states
 * (no workspace, no prompts yet, nothing matches).
 */
public final class PromptsView implements Step.StepView {

    static final Duration SEARCH_DEBOUNCE = Duration.millis(200);
    static final String LOADING = "Loading…";

    private final PromptsViewModel vm;
    private final WorkbenchActions actions;
    private final BorderPane root = new BorderPane();
    private final CustomTextField search = new CustomTextField();
    private final TableView<LazyRow<PromptSummary>> table = new TableView<>();

    public PromptsView(PromptsViewModel vm, WorkbenchActions actions) {
        this.vm = vm;
        this.actions = actions;
        root.getStyleClass().add("prompts-view");
        root.setId("prompts-view");
        root.setTop(header());
        StackPane body = new StackPane(mainPane(), emptyWorkspacePane(), noWorkspacePane(), loadingPane());
        body.getStyleClass().add("prompts-body");
        root.setCenter(body);
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public boolean hasSearch() {
        return true;
    }

    @Override
    public void focusSearch() {
        search.requestFocus();
        search.selectAll();
    }

    TableView<LazyRow<PromptSummary>> table() {
        return table;
    }

    // ---- header and filter bar --------------------------------------------------------------------------------

    private VBox header() {
        Label title = new Label("Prompts");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Every prompt in the workspace. Double-click a prompt (or press Enter) to open it.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        VBox titles = new VBox(title, subtitle);
        titles.getStyleClass().add("page-titles");

        search.setId("prompt-search");
        search.setPromptText("Search text or id");
        search.setLeft(Icons.of(Icons.SEARCH));
        Button clear = new Button(null, Icons.of(Icons.CLOSE, "icon-sm"));
        clear.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT, Styles.SMALL, "search-clear");
        clear.setFocusTraversable(false);
        clear.visibleProperty().bind(search.textProperty().isNotEmpty());
        clear.setOnAction(e -> {
            search.clear();
            vm.searchProperty().set("");
        });
        search.setRight(clear);
        search.getStyleClass().add("prompt-search");
        search.setTooltip(new Tooltip("Search prompt text and ids (Ctrl+F)"));
        PauseTransition debounce = new PauseTransition(SEARCH_DEBOUNCE);
        debounce.setOnFinished(e -> vm.searchProperty().set(search.getText()));
        search.textProperty().addListener((o, a, b) -> debounce.playFromStart());
        search.setOnAction(e -> {
            debounce.stop();
            vm.searchProperty().set(search.getText());
        });
        vm.searchProperty().addListener((o, a, b) -> {
            String text = b == null ? "" : b;
            if (!text.equals(search.getText())) {
                search.setText(text);
                debounce.stop();
            }
        });

        ComboBox<CategoryChoice> category = new ComboBox<>(vm.categories());
        category.setId("category-filter");
        category.getStyleClass().add("category-filter");
        category.valueProperty().bindBidirectional(vm.categoryProperty());
        category.setCellFactory(lv -> new CategoryCell());
        category.setButtonCell(new CategoryCell());
        category.setTooltip(new Tooltip("Show one category"));

        ToggleGroup goldGroup = new ToggleGroup();
        ToggleButton all = goldToggle("All", GoldState.ANY, goldGroup, Styles.LEFT_PILL);
        ToggleButton labelled = goldToggle("Labelled", GoldState.LABELLED, goldGroup, Styles.CENTER_PILL);
        ToggleButton unlabelled = goldToggle("Unlabelled", GoldState.UNLABELLED, goldGroup, Styles.RIGHT_PILL);
        goldGroup.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) a.setSelected(true);
            else vm.goldProperty().set((GoldState) b.getUserData());
        });
        vm.goldProperty().addListener((o, a, b) -> goldGroup.getToggles().forEach(t -> t.setSelected(t.getUserData() == b)));
        all.setSelected(true);
        HBox goldBox = new HBox(all, labelled, unlabelled);
        goldBox.setId("labelled-filter");

        ProgressIndicator filtering = new ProgressIndicator(-1);
        filtering.getStyleClass().add("busy-indicator");
        filtering.visibleProperty().bind(vm.filteringProperty());
        Label count = new Label();
        count.setId("prompt-count");
        count.getStyleClass().add("count-line");
        count.setMinWidth(Region.USE_PREF_SIZE);
        count.textProperty().bind(vm.countTextProperty());

        HBox filters = new HBox(search, category, goldBox, new Spacer(), filtering, count);
        filters.setAlignment(Pos.CENTER_LEFT);
        filters.getStyleClass().add("filter-bar");
        HBox.setHgrow(search, Priority.SOMETIMES);

        VBox header = new VBox(titles, filters);
        header.getStyleClass().add("page-header");
        filters.disableProperty().bind(vm.stateProperty().isNotEqualTo(ViewState.READY));
        // nothing to filter in an empty workspace or without one
        filters.visibleProperty().bind(vm.stateProperty().isNotEqualTo(ViewState.EMPTY)
                .and(vm.stateProperty().isNotEqualTo(ViewState.NO_WORKSPACE)));
        filters.managedProperty().bind(filters.visibleProperty());
        return header;
    }

    private static ToggleButton goldToggle(String text, GoldState state, ToggleGroup group, String pill) {
        ToggleButton b = new ToggleButton(text);
        b.setUserData(state);
        b.setToggleGroup(group);
        b.getStyleClass().add(pill);
        b.setId("gold-" + state.name().toLowerCase());
        return b;
    }

    private static final class CategoryCell extends ListCell<CategoryChoice> {
        @Override
        protected void updateItem(CategoryChoice item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? "All categories" : item.label());
        }
    }

    // ---- table and detail -------------------------------------------------------------------------------------

    private Node mainPane() {
        table.setId("prompts-table");
        table.getStyleClass().addAll("prompts-table", Styles.STRIPED, Tweaks.EDGE_TO_EDGE);
        table.getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
        table.setTableMenuButtonVisible(false);

        TableColumn<LazyRow<PromptSummary>, String> id = textColumn("ID", PromptSummary::sourceId, 9);
        TableColumn<LazyRow<PromptSummary>, String> category = textColumn("Category", s -> s.category() == null ? "" : s.category(), 9);
        TableColumn<LazyRow<PromptSummary>, String> prompt = new TableColumn<>("Prompt");
        prompt.setCellValueFactory(c -> c.getValue().valueProperty().map(s -> s.text()).orElse(LOADING));
        prompt.setCellFactory(c -> new PromptTextCell());
        prompt.getStyleClass().add("prompt-column");
        TableColumn<LazyRow<PromptSummary>, Integer> candidates = new TableColumn<>("Candidates");
        candidates.setCellValueFactory(c -> c.getValue().valueProperty().map(PromptSummary::candidates));
        candidates.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Integer n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : Fmt.count(n));
            }
        });
        candidates.getStyleClass().add("number-column");
        TableColumn<LazyRow<PromptSummary>, Boolean> labelled = new TableColumn<>("Labelled");
        labelled.setCellValueFactory(c -> c.getValue().valueProperty().map(PromptSummary::labelled));
        labelled.setCellFactory(c -> new LabelledCell());
        labelled.getStyleClass().add("mark-column");
        TableColumn<LazyRow<PromptSummary>, String> dataset = textColumn("Dataset", PromptSummary::dataset, 9);

        // only the prompt text gives way when the window is narrow (min = pref elsewhere)
        sizeColumn(id, 9, 9, 13);
        sizeColumn(category, 8, 8, 12);
        sizeColumn(candidates, 8, 8, 8);
        sizeColumn(labelled, 6.5, 6.5, 6.5);
        sizeColumn(dataset, 8.5, 8.5, 16);
        prompt.setMinWidth(em(16));
        prompt.setPrefWidth(em(40));
        table.getColumns().setAll(java.util.List.of(id, category, prompt, candidates, labelled, dataset));
        table.getColumns().forEach(col -> {
            col.setSortable(false);
            col.setReorderable(false);
        });
        // the other columns have narrow min/max widths, so the prompt text takes what the window gives
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);

        table.setRowFactory(tv -> {
            TableRow<LazyRow<PromptSummary>> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) vm.openPrompt(row.getItem());
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                vm.openPrompt(table.getSelectionModel().getSelectedItem());
                e.consume();
            }
        });
        table.setItems(vm.rows());
        vm.rowsProperty().addListener((o, a, b) -> {
            table.getSelectionModel().clearSelection();
            table.setItems(b);
            if (!b.isEmpty()) table.scrollTo(0);
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.selectedProperty().set(b));
        vm.selectedProperty().addListener((o, a, b) -> {
            if (b == null && table.getSelectionModel().getSelectedItem() != null) table.getSelectionModel().clearSelection();
        });

        Label none = new Label("No prompts match these filters.");
        none.getStyleClass().add(Styles.TEXT_MUTED);
        Hyperlink clear = new Hyperlink("Clear filters");
        clear.setOnAction(e -> vm.clearFilters());
        VBox placeholder = new VBox(6, none, clear);
        placeholder.setAlignment(Pos.CENTER);
        table.setPlaceholder(placeholder);

        SplitPane split = new SplitPane(table, detailPane());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.57);
        split.getStyleClass().add("prompts-split");
        SplitPane.setResizableWithParent(split.getItems().get(1), false);
        split.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.READY));
        return split;
    }

    private static double em(double n) {
        return Em.px(n);
    }

    private static void sizeColumn(TableColumn<?, ?> col, double min, double pref, double max) {
        col.setMinWidth(em(min));
        col.setPrefWidth(em(pref));
        col.setMaxWidth(em(max));
    }

    private static TableColumn<LazyRow<PromptSummary>, String> textColumn(String title, Function<PromptSummary, String> f, double width) {
        TableColumn<LazyRow<PromptSummary>, String> col = new TableColumn<>(title);
        col.setCellValueFactory(c -> c.getValue().valueProperty().map(f));
        col.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                setTextOverrun(OverrunStyle.ELLIPSIS);
            }
        });
        col.setPrefWidth(em(width));
        return col;
    }

    /** The prompt on one line with an ellipsis; the tooltip shows more (a summary carries 400 characters). */
    private static final class PromptTextCell extends TableCell<LazyRow<PromptSummary>, String> {
        private final Tooltip tip = new Tooltip();

        PromptTextCell() {
            tip.setWrapText(true);
            tip.getStyleClass().add("wide-tooltip");
            tip.setShowDelay(Duration.millis(500));
            setTextOverrun(OverrunStyle.ELLIPSIS);
        }

        @Override
        protected void updateItem(String text, boolean empty) {
            super.updateItem(text, empty);
            pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("loading"), !empty && LOADING.equals(text) && !isLoaded());
            if (empty || text == null) {
                setText(null);
                setTooltip(null);
                return;
            }
            setText(Fmt.oneLine(text));
            if (isLoaded()) {
                tip.setText(text.length() >= PromptRepository.SUMMARY_CHARS ? text.strip() + " …" : text.strip());
                setTooltip(tip);
            } else {
                setTooltip(null);
            }
        }

        private boolean isLoaded() {
            TableRow<LazyRow<PromptSummary>> row = getTableRow();
            return row != null && row.getItem() != null && row.getItem().isLoaded();
        }
    }

    /** A check mark for prompts with gold labels; nothing otherwise. */
    private static final class LabelledCell extends TableCell<LazyRow<PromptSummary>, Boolean> {
        private final StackPane mark = new StackPane(Icons.of(Icons.CHECK, "icon-sm"));
        private final Tooltip tip = new Tooltip("Has your labels (gold)");

        LabelledCell() {
            mark.getStyleClass().add("labelled-mark");
            mark.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
            setAlignment(Pos.CENTER);
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(Boolean labelled, boolean empty) {
            super.updateItem(labelled, empty);
            boolean yes = !empty && Boolean.TRUE.equals(labelled);
            setGraphic(yes ? mark : null);
            setTooltip(yes ? tip : null);
            setAccessibleText(yes ? "labelled" : null);
        }
    }

    private Node detailPane() {
        Label heading = new Label();
        heading.getStyleClass().add("detail-heading");
        heading.setId("detail-heading");
        Label meta = new Label();
        meta.getStyleClass().add(Styles.TEXT_MUTED);
        TextArea text = new TextArea();
        text.setId("detail-text");
        text.setEditable(false);
        text.setWrapText(true);
        text.getStyleClass().add("detail-text");
        VBox.setVgrow(text, Priority.ALWAYS);
        VBox promptBox = new VBox(new HBox(10, heading, meta), text);
        promptBox.getStyleClass().add("detail-prompt");
        HBox.setHgrow(promptBox, Priority.ALWAYS);

        Label candHeading = new Label("Candidates");
        candHeading.getStyleClass().add("detail-heading");
        TableView<CandidateInfo> cands = new TableView<>();
        cands.setId("detail-candidates");
        cands.getStyleClass().addAll(Styles.DENSE, "detail-candidates");
        cands.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        TableColumn<CandidateInfo, String> pos = new TableColumn<>("#");
        pos.setCellValueFactory(c -> constant(String.valueOf(c.getValue().position() + 1)));
        pos.setPrefWidth(em(2.5));
        pos.setMaxWidth(em(3.5));
        TableColumn<CandidateInfo, String> model = new TableColumn<>("Model");
        model.setCellValueFactory(c -> constant(c.getValue().model() == null ? "—" : c.getValue().model()));
        model.setPrefWidth(em(10));
        TableColumn<CandidateInfo, String> chars = new TableColumn<>("Characters");
        chars.setCellValueFactory(c -> constant(Fmt.count(c.getValue().chars())));
        chars.getStyleClass().add("number-column");
        sizeColumn(chars, 6.5, 7, 9);
        TableColumn<CandidateInfo, String> words = new TableColumn<>("Words");
        words.setCellValueFactory(c -> constant(Fmt.count(c.getValue().words())));
        words.getStyleClass().add("number-column");
        sizeColumn(words, 5, 5.5, 8);
        cands.getColumns().setAll(java.util.List.of(pos, model, chars, words));
        cands.getColumns().forEach(c -> c.setSortable(false));
        Label noCands = new Label("No candidates yet (a prompt-only import).");
        noCands.getStyleClass().add(Styles.TEXT_MUTED);
        noCands.setWrapText(true);
        cands.setPlaceholder(noCands);
        VBox.setVgrow(cands, Priority.ALWAYS);
        VBox candBox = new VBox(candHeading, cands);
        candBox.getStyleClass().add("detail-candidates-box");

        HBox detail = new HBox(promptBox, candBox);
        detail.getStyleClass().add("detail-pane");

        Label hint = new Label("Select a prompt to see its full text and its candidates.");
        hint.getStyleClass().add(Styles.TEXT_MUTED);
        StackPane hintPane = new StackPane(hint);
        hintPane.getStyleClass().add("detail-hint");

        vm.detailProperty().addListener((o, a, d) -> showDetail(d, heading, meta, text, cands, candHeading));
        detail.visibleProperty().bind(vm.detailProperty().isNotNull());
        hintPane.visibleProperty().bind(vm.detailProperty().isNull());
        StackPane box = new StackPane(hintPane, detail);
        box.setId("detail-pane");
        box.setMinHeight(0);
        return box;
    }

    private static void showDetail(PromptDetail d, Label heading, Label meta, TextArea text, TableView<CandidateInfo> cands,
                                   Label candHeading) {
        if (d == null) {
            heading.setText("");
            meta.setText("");
            text.clear();
            cands.getItems().clear();
            return;
        }
        heading.setText(d.prompt().sourceId());
        String category = d.prompt().category() == null ? "no category" : d.prompt().category();
        meta.setText(category + "  ·  dataset " + d.dataset() + "  ·  " + Fmt.count(d.prompt().text().length()) + " chars");
        text.setText(d.prompt().text());
        text.positionCaret(0);
        text.setScrollTop(0);
        cands.getItems().setAll(d.candidates());
        candHeading.setText("Candidates (" + d.candidates().size() + ")");
    }

    private static <T> ObservableValue<T> constant(T value) {
        return new javafx.beans.property.ReadOnlyObjectWrapper<>(value);
    }

    // ---- states -----------------------------------------------------------------------------------------------

    private Node emptyWorkspacePane() {
        Button importButton = new Button("Import…", Icons.of(Icons.IMPORT));
        importButton.getStyleClass().addAll(Styles.ACCENT, Styles.LARGE);
        importButton.setId("empty-import-button");
        importButton.setOnAction(e -> actions.importFile());
        importButton.disableProperty().bind(actions.canImport().not());
        Node pane = statePane(Icons.STACK, "This workspace has no prompts yet",
                "Import a file of prompts with their candidates: JSONL (one prompt per line), CSV (one row per candidate), "
                        + "TRL preference pairs, or prompts alone. Errors name the file, line and field.",
                importButton);
        pane.setId("empty-state");
        pane.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.EMPTY));
        return pane;
    }

    private Node noWorkspacePane() {
        Button demo = new Button("Open the demo workspace");
        demo.getStyleClass().add(Styles.ACCENT);
        demo.setOnAction(e -> actions.openDemoWorkspace());
        Button open = new Button("Open workspace…");
        open.setOnAction(e -> actions.openWorkspace());
        Button create = new Button("New workspace…");
        create.setOnAction(e -> actions.newWorkspace());
        HBox buttons = new HBox(8, demo, open, create);
        buttons.setAlignment(Pos.CENTER);
        Node pane = statePane(Icons.FOLDER, "No workspace is open",
                "A workspace is a folder holding your prompts, candidates and labels. Start with the demo, or open or create one.",
                buttons);
        pane.setId("no-workspace-state");
        pane.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE));
        return pane;
    }

    private Node loadingPane() {
        ProgressIndicator spinner = new ProgressIndicator(-1);
        spinner.getStyleClass().add("loading-spinner");
        Label text = new Label();
        text.textProperty().bind(Bindings.createStringBinding(
                () -> vm.stateProperty().get() == ViewState.OPENING ? "Opening the workspace…" : "Loading prompts…",
                vm.stateProperty()));
        text.getStyleClass().add(Styles.TEXT_MUTED);
        VBox box = new VBox(12, spinner, text);
        box.setAlignment(Pos.CENTER);
        box.setId("loading-state");
        box.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.OPENING).or(vm.stateProperty().isEqualTo(ViewState.LOADING)));
        return box;
    }

    private static Node statePane(String icon, String title, String text, Node action) {
        StackPane iconBox = new StackPane(Icons.of(icon, "icon-xl"));
        iconBox.getStyleClass().add("state-icon");
        Label t = new Label(title);
        t.getStyleClass().add(Styles.TITLE_3);
        Label d = new Label(text);
        d.setWrapText(true);
        d.getStyleClass().add("state-text");
        VBox box = new VBox(iconBox, t, d, action);
        box.setAlignment(Pos.CENTER);
        box.getStyleClass().add("state-pane");
        box.setMaxHeight(Region.USE_PREF_SIZE);
        return box;
    }
}
