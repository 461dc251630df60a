package dev.prefwork.app.ui.lfstudio;

import atlantafx.base.controls.CustomTextField;
import atlantafx.base.controls.Spacer;
import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.lfstudio.ConditionNode.Field;
import dev.prefwork.app.ui.lfstudio.ConditionNode.Template;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.LfRow;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.ViewState;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.app.ui.shell.WorkbenchActions;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.engine.LfPreview;
import dev.prefwork.labeling.engine.LfPreview.Example;
import dev.prefwork.labeling.engine.Span;
import dev.prefwork.labeling.service.LabelingFunction;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The LF studio: the library (sortable, searchable, enable/disable, coverage, conflicts, accuracy and a bar of
 * the LF's gold hits) on the left; on the right the visual builder (template, fields with errors beside them,
 * AND/OR/NOT tree, vote, aspect, prompt scope, history) above the live preview (stats and example hits with the
 * matched spans highlighted, near misses, gold-labelled hits that disagree).
 */
public final class LfStudioView implements Step.StepView {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final LfStudioViewModel vm;
    private final WorkbenchActions actions;
    private final BorderPane root = new BorderPane();
    private final CustomTextField search = new CustomTextField();
    private final TableView<LfRow> table = new TableView<>();
    private final VBox whenBox = new VBox();
    private final VBox scopeBox = new VBox();
    private final List<Runnable> errorUpdaters = new ArrayList<>();

    public LfStudioView(LfStudioViewModel vm, WorkbenchActions actions) {
        this.vm = vm;
        this.actions = actions;
        root.getStyleClass().add("lf-studio");
        root.setId("lf-studio");
        root.setTop(header());
        SplitPane right = new SplitPane(builder(), previewPane());
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.6);
        right.getStyleClass().add("lf-right");
        SplitPane main = new SplitPane(tablePane(), right);
        main.setDividerPositions(0.5);
        main.getStyleClass().add("lf-split");

        Label none = new Label("Open a workspace to write labeling functions.");
        none.getStyleClass().add(Styles.TEXT_MUTED);
        StackPane noWorkspace = new StackPane(none);
        noWorkspace.getStyleClass().add("empty-state");
        noWorkspace.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE));
        ProgressIndicator spinner = new ProgressIndicator(-1);
        Label loadingText = new Label("Applying the labeling functions…");
        VBox loading = new VBox(12, spinner, loadingText);
        loading.setAlignment(Pos.CENTER);
        loading.getStyleClass().add("empty-state");
        loading.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.LOADING));
        main.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.READY));
        root.setCenter(new StackPane(main, noWorkspace, loading));

        root.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN).match(e)) {
                vm.save();
                e.consume();
            } else if (new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN).match(e)) {
                keywordFromText();
                e.consume();
            }
        });
        vm.structureProperty().addListener((o, a, b) -> Platform.runLater(this::rebuildTree));
        vm.errors().addListener((ListChangeListener<Object>) c -> errorUpdaters.forEach(Runnable::run));
        rebuildTree();
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void shown() {
        vm.activate();
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

    // ---- header -----------------------------------------------------------------------------------------------

    private VBox header() {
        Label title = new Label("LF studio");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Write labeling functions from templates; coverage, conflicts and accuracy against your labels update as you type.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        VBox titles = new VBox(title, subtitle);
        titles.getStyleClass().add("page-titles");

        search.setId("lf-search");
        search.setPromptText("Search LFs by name or aspect");
        search.setLeft(Icons.of(Icons.SEARCH));
        search.getStyleClass().add("prompt-search");
        search.textProperty().bindBidirectional(vm.searchProperty());

        Button newLf = new Button("New LF", Icons.of(Icons.PLUS));
        newLf.setId("new-lf");
        newLf.setOnAction(e -> vm.newLf());
        Button fromText = new Button("Keyword LF from text…");
        fromText.setId("lf-from-text");
        fromText.setTooltip(new Tooltip("Paste text from a response to start a keyword LF (Ctrl+Shift+K)"));
        fromText.setOnAction(e -> keywordFromText());
        Button pairJudge = new Button("Compare or ask a model…");
        pairJudge.setId("new-pair-judge-lf");
        pairJudge.setTooltip(new Tooltip("A comparative LF (prefer one of two responses) or a model-judge LF (ask a model)"));
        pairJudge.setOnAction(e -> PairJudgeLfDialog.show(vm.pairJudge(), pairJudge.getScene().getWindow()));
        Button apply = new Button("Apply all", Icons.of(Icons.TRAINING));
        apply.setId("apply-all");
        apply.getStyleClass().add(Styles.ACCENT);
        apply.disableProperty().bind(vm.applyingProperty());
        apply.setOnAction(e -> vm.applyAll());
        Button imp = new Button("Import…", Icons.of(Icons.IMPORT));
        imp.setId("lf-import");
        imp.setOnAction(e -> importLibrary());
        Button exp = new Button("Export…", Icons.of(Icons.EXPORT));
        exp.setId("lf-export");
        exp.setOnAction(e -> exportLibrary());

        Button corr = new Button("Correlations…");
        corr.setId("lf-correlations");
        corr.setTooltip(new Tooltip("Which LFs vote alike, which follow response length, and how much of the label model they decide"));
        corr.setOnAction(e -> showCorrelations());
        corr.setVisible(vm.correlations() != null);
        corr.setManaged(corr.isVisible());
        HBox bar = new HBox(search, newLf, fromText, pairJudge, corr, new Spacer(), imp, exp, apply);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("filter-bar");
        HBox.setHgrow(search, Priority.SOMETIMES);
        bar.disableProperty().bind(vm.stateProperty().isNotEqualTo(ViewState.READY));
        VBox header = new VBox(titles, bar);
        header.getStyleClass().add("page-header");
        return header;
    }

    private javafx.stage.Stage correlationsWindow;

    /** The Correlations panel (the same one as in the Label model view) in its own window. */
    private void showCorrelations() {
        if (correlationsWindow == null) {
            javafx.stage.Stage w = new javafx.stage.Stage();
            w.setTitle("Correlations between labeling functions");
            w.initOwner(window());
            ScrollPane scroll = new ScrollPane(new dev.prefwork.app.ui.correlations.CorrelationsPanel(vm.correlations()).node());
            scroll.setFitToWidth(true);
            scroll.setPadding(new javafx.geometry.Insets(12));
            javafx.scene.Scene scene = new javafx.scene.Scene(scroll, 1180, 760);
            if (root.getScene() != null) scene.getStylesheets().setAll(root.getScene().getStylesheets());
            w.setScene(scene);
            correlationsWindow = w;
        }
        correlationsWindow.show();
        correlationsWindow.toFront();
    }

    private void keywordFromText() {
        TextInputDialog d = new TextInputDialog();
        d.setTitle("Keyword LF from text");
        d.setHeaderText("Paste the words or phrase the LF should look for");
        d.getEditor().setId("from-text-input");
        d.initOwner(window());
        d.showAndWait().filter(s -> !s.isBlank()).ifPresent(vm::newKeywordLfFrom);
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    private FileChooser chooser(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("LF library (*.json)", "*.json"));
        return fc;
    }

    private void importLibrary() {
        File f = chooser("Import an LF library").showOpenDialog(window());
        if (f != null) vm.importLibrary(f.toPath());
    }

    private void exportLibrary() {
        FileChooser fc = chooser("Export the LF library");
        fc.setInitialFileName("lfs.json");
        File f = fc.showSaveDialog(window());
        if (f != null) vm.exportLibrary(f.toPath());
    }

    // ---- the list ---------------------------------------------------------------------------------------------

    private Node tablePane() {
        table.setId("lf-table");
        table.getStyleClass().addAll("lf-table", Styles.DENSE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        SortedListHolder.bind(table, vm.visibleRows());

        TableColumn<LfRow, Boolean> on = new TableColumn<>("On");
        on.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().lf().enabled()));
        on.setCellFactory(c -> new TableCell<>() {
            private final CheckBox box = new CheckBox();
            {
                box.setOnAction(e -> {
                    LfRow row = getTableRow() == null ? null : getTableRow().getItem();
                    if (row != null) vm.setEnabled(row, box.isSelected());
                });
                box.getStyleClass().add("lf-enabled");
            }

            @Override
            protected void updateItem(Boolean item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) setGraphic(null);
                else {
                    box.setSelected(item);
                    setGraphic(box);
                }
            }
        });
        on.setPrefWidth(40);
        on.setMinWidth(40);
        on.setMaxWidth(46);
        on.getStyleClass().add("mark-column");

        TableColumn<LfRow, String> name = new TableColumn<>("Name");
        name.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().lf().name()));
        name.setPrefWidth(230);
        name.setMinWidth(120);
        name.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                LfRow row = empty || getTableRow() == null ? null : getTableRow().getItem();
                setTooltip(row == null ? null : new Tooltip(row.lf().name() + " — " + row.lf().aspect() + ", v" + row.lf().version()
                        + (row.lf().spec() != null && row.lf().spec().description() != null ? "\n" + row.lf().spec().description() : "")
                        + (row.error() != null ? "\n⚠ " + row.error() : "")));
                pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("failed"), row != null && row.error() != null);
            }
        });

        TableColumn<LfRow, String> aspect = new TableColumn<>("Aspect");
        aspect.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().lf().aspect()));
        aspect.setPrefWidth(100);
        aspect.setMinWidth(92);

        TableColumn<LfRow, Verdict> vote = new TableColumn<>("Vote");
        vote.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().lf().vote()));
        vote.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Verdict item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setGraphic(null);
                    return;
                }
                Label badge = new Label(item.name());
                badge.getStyleClass().addAll("vote-badge", item == Verdict.GOOD ? "good" : "bad");
                setGraphic(badge);
            }
        });
        vote.setPrefWidth(72);
        vote.setMinWidth(70);
        vote.setMaxWidth(72);

        TableColumn<LfRow, Double> coverage = number("Cov.", LfRow::coverage, v -> shortPct(v));
        TableColumn<LfRow, Double> conflicts = number("Confl.", LfRow::conflicts, v -> shortPct(v));
        TableColumn<LfRow, Double> accuracy = number("Acc.", LfRow::accuracy, v -> v < 0 ? "–" : shortPct(v));
        accuracy.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double item, boolean empty) {
                super.updateItem(item, empty);
                LfRow row = empty || getTableRow() == null ? null : getTableRow().getItem();
                if (row == null || item == null) {
                    setText(null);
                    setTooltip(null);
                    return;
                }
                setText(item < 0 ? "–" : shortPct(item));
                LfStats s = row.stats();
                setTooltip(new Tooltip(s == null || s.goldHits() == 0 ? "No gold-labelled candidate among its hits"
                        : s.correct() + " correct, " + s.incorrect() + " incorrect against gold"));
            }
        });
        accuracy.getStyleClass().add("number-column");
        accuracy.setMinWidth(68);

        TableColumn<LfRow, LfRow> bar = new TableColumn<>("Gold");
        bar.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        bar.setSortable(false);
        bar.setCellFactory(c -> new HitBarCell());
        bar.setPrefWidth(86);
        bar.setMinWidth(80);

        table.getColumns().setAll(List.of(on, name, aspect, vote, coverage, conflicts, accuracy, bar));
        // narrow windows (1366×768): the aspect goes to the name's tooltip rather than squeezing the numbers
        table.widthProperty().addListener((o, a, b) -> aspect.setVisible(b.doubleValue() >= 700));
        Label empty = new Label("No labeling functions yet. Build one on the right, or import a library.");
        empty.setWrapText(true);
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        table.setPlaceholder(empty);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && (vm.editingIdProperty().get() == null || vm.editingIdProperty().get() != b.lf().id())) vm.edit(b);
        });

        Label summary = new Label();
        summary.setId("lf-summary");
        summary.getStyleClass().add("count-line");
        summary.textProperty().bind(vm.summaryProperty());
        summary.setWrapText(true);
        ProgressIndicator busy = new ProgressIndicator(-1);
        busy.getStyleClass().add("busy-indicator");
        busy.visibleProperty().bind(vm.applyingProperty());
        HBox foot = new HBox(8, busy, summary);
        foot.setAlignment(Pos.CENTER_LEFT);
        foot.getStyleClass().add("lf-summary-bar");
        VBox box = new VBox(table, foot);
        VBox.setVgrow(table, Priority.ALWAYS);
        box.getStyleClass().add("lf-table-pane");
        box.setMinWidth(560);
        return box;
    }

    private TableColumn<LfRow, Double> number(String title, java.util.function.ToDoubleFunction<LfRow> value, Function<Double, String> fmt) {
        TableColumn<LfRow, Double> col = new TableColumn<>(title);
        col.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.applyAsDouble(c.getValue())));
        col.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : fmt.apply(item));
            }
        });
        col.getStyleClass().add("number-column");
        col.setPrefWidth(66);
        col.setMinWidth(58);
        return col;
    }

    /** A tiny bar of the LF's hits on gold-labelled candidates: agreeing (green) and disagreeing (red) with the gold. */
    private static final class HitBarCell extends TableCell<LfRow, LfRow> {
        private final Region right = new Region();
        private final Region wrong = new Region();
        private final Region rest = new Region();
        private final HBox bar = new HBox(right, wrong, rest);

        HitBarCell() {
            right.getStyleClass().add("hit-bar-good");
            wrong.getStyleClass().add("hit-bar-bad");
            rest.getStyleClass().add("hit-bar-rest");
            bar.getStyleClass().add("hit-bar");
            bar.setMaxHeight(10);
            bar.setPrefHeight(10);
            HBox.setHgrow(rest, Priority.ALWAYS);
        }

        @Override
        protected void updateItem(LfRow item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null || item.stats() == null) {
                setGraphic(null);
                setTooltip(null);
                return;
            }
            LfStats s = item.stats();
            double total = Math.max(1, s.goldHits());
            double w = 70;
            right.setPrefWidth(w * s.correct() / total);
            right.setMinWidth(Region.USE_PREF_SIZE);
            wrong.setPrefWidth(w * s.incorrect() / total);
            wrong.setMinWidth(Region.USE_PREF_SIZE);
            rest.setVisible(s.goldHits() == 0);
            setGraphic(bar);
            setTooltip(new Tooltip(String.format(Locale.ROOT, "%,d hits (%,d GOOD votes, %,d BAD votes); on gold: %d agree, %d disagree",
                    s.hits(), s.goodVotes(), s.badVotes(), s.correct(), s.incorrect())));
        }
    }

    // ---- the builder ------------------------------------------------------------------------------------------

    private Node builder() {
        Label heading = new Label();
        heading.getStyleClass().add(Styles.TITLE_4);
        heading.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> vm.editingIdProperty().get() == null ? "New labeling function" : "Edit labeling function", vm.editingIdProperty()));

        TextField name = new TextField();
        name.setId("lf-name");
        name.setPromptText("e.g. Refuses a harmless request");
        name.textProperty().bindBidirectional(vm.nameProperty());

        ComboBox<String> aspect = new ComboBox<>(vm.aspects());
        aspect.setId("lf-aspect");
        aspect.setEditable(true);
        aspect.valueProperty().bindBidirectional(vm.aspectProperty());
        aspect.setPrefWidth(150);

        ToggleGroup voteGroup = new ToggleGroup();
        ToggleButton good = new ToggleButton("GOOD");
        good.setId("vote-good");
        good.getStyleClass().addAll(Styles.LEFT_PILL, "vote-good");
        ToggleButton bad = new ToggleButton("BAD");
        bad.setId("vote-bad");
        bad.getStyleClass().addAll(Styles.RIGHT_PILL, "vote-bad");
        good.setToggleGroup(voteGroup);
        bad.setToggleGroup(voteGroup);
        good.setUserData(Verdict.GOOD);
        bad.setUserData(Verdict.BAD);
        Runnable syncVote = () -> voteGroup.getToggles().forEach(t -> t.setSelected(t.getUserData() == vm.voteProperty().get()));
        syncVote.run();
        vm.voteProperty().addListener((o, a, b) -> syncVote.run());
        voteGroup.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) syncVote.run();
            else vm.voteProperty().set((Verdict) b.getUserData());
        });
        HBox voteBox = new HBox(good, bad);

        TextField description = new TextField();
        description.setId("lf-description");
        description.setPromptText("Why this rule (optional, for colleagues)");
        description.textProperty().bindBidirectional(vm.descriptionProperty());

        GridPane head = new GridPane();
        head.getStyleClass().add("lf-form");
        head.setHgap(10);
        head.setVgap(4);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        head.getColumnConstraints().addAll(c0, c1);
        int r = 0;
        head.addRow(r++, formLabel("Name"), withError(name, "name"));
        HBox aspectVote = new HBox(16, aspect, new Label("casts"), voteBox);
        aspectVote.setAlignment(Pos.CENTER_LEFT);
        head.addRow(r++, formLabel("Aspect"), withError(aspectVote, "aspect"));
        head.addRow(r++, formLabel("Note"), description);

        Label whenLabel = new Label("Votes when the response…");
        whenLabel.getStyleClass().add("section-label");
        whenBox.setId("condition-tree");
        whenBox.getStyleClass().add("condition-tree");

        CheckBox scoped = new CheckBox("Only for prompts where…");
        scoped.setId("lf-scoped");
        scoped.selectedProperty().bindBidirectional(vm.scopedProperty());
        scopeBox.getStyleClass().add("condition-tree");
        scopeBox.visibleProperty().bind(vm.scopedProperty());
        scopeBox.managedProperty().bind(scopeBox.visibleProperty());

        Button save = new Button("Save");
        save.setId("save-lf");
        save.getStyleClass().add(Styles.ACCENT);
        save.setDefaultButton(false);
        save.setOnAction(e -> vm.save());
        save.setTooltip(new Tooltip("Save (Ctrl+S): a new LF, or the next version of this one"));
        Label dirty = new Label("unsaved changes");
        dirty.getStyleClass().addAll(Styles.TEXT_MUTED, "dirty-mark");
        dirty.visibleProperty().bind(vm.dirtyProperty());
        Label history = new Label();
        history.setId("lf-history");
        history.getStyleClass().add(Styles.TEXT_MUTED);
        history.setWrapText(true);
        history.managedProperty().bind(history.textProperty().isNotEmpty());
        vm.history().addListener((ListChangeListener<LabelingFunction>) c -> history.setText(historyText(vm.history())));
        HBox actionsRow = new HBox(12, heading, dirty, new Spacer(), save);
        actionsRow.setAlignment(Pos.CENTER_LEFT);

        VBox form = new VBox(10, actionsRow, history, head, whenLabel, whenBox, scoped, scopeBox);
        form.getStyleClass().add("lf-builder");
        ScrollPane scroll = new ScrollPane(form);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("lf-builder-scroll");
        scroll.setMinHeight(180);
        return scroll;
    }

    private static String historyText(List<LabelingFunction> h) {
        if (h.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("History: ");
        int from = Math.max(0, h.size() - 4);
        if (from > 0) sb.append("… ");
        for (int i = from; i < h.size(); i++) {
            if (i > from) sb.append(" · ");
            sb.append('v').append(h.get(i).version()).append(' ').append(WHEN.format(h.get(i).versionCreatedAt()));
        }
        return sb.toString();
    }

    private static Label formLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("form-label");
        return l;
    }

    /** The control with its error label beneath (shown when the validator names this path). */
    private VBox withError(Node control, String path) {
        Label error = new Label();
        error.getStyleClass().add("field-error");
        error.setWrapText(true);
        error.managedProperty().bind(error.visibleProperty());
        Runnable update = () -> {
            List<String> msgs = vm.errorsAt(path, false);
            error.setText(String.join("\n", msgs));
            error.setVisible(!msgs.isEmpty());
            control.pseudoClassStateChanged(Styles.STATE_DANGER, !msgs.isEmpty());
        };
        update.run();
        errorUpdaters.add(update);
        return new VBox(2, control, error);
    }

    private void rebuildTree() {
        // the header's two fields keep their updaters; the tree's are rebuilt
        while (errorUpdaters.size() > 2) errorUpdaters.remove(errorUpdaters.size() - 1);
        ConditionNode w = vm.whenProperty().get();
        whenBox.getChildren().setAll(w == null ? List.of() : List.of(nodeEditor(w, "when", null, false)));
        if (w != null) {
            Hyperlink and = new Hyperlink("+ and another condition");
            and.setId("combine-and");
            and.setOnAction(e -> vm.combineRoot("and"));
            Hyperlink or = new Hyperlink("+ or another condition");
            or.setId("combine-or");
            or.setOnAction(e -> vm.combineRoot("or"));
            Hyperlink not = new Hyperlink("negate (NOT)");
            not.setOnAction(e -> vm.combineRoot("not"));
            HBox links = new HBox(6, and, or, not);
            links.getStyleClass().add("combine-links");
            if (!w.isCombinator()) whenBox.getChildren().add(links);
        }
        ConditionNode s = vm.scopeProperty().get();
        scopeBox.getChildren().setAll(s == null ? List.of() : List.of(nodeEditor(s, "prompt_scope", null, true)));
        errorUpdaters.forEach(Runnable::run);
    }

    private Node nodeEditor(ConditionNode node, String path, ConditionNode parent, boolean prompt) {
        ObservableList<String> types = FXCollections.observableArrayList();
        for (Template t : ConditionNode.TEMPLATES) {
            if (prompt ? t.promptOk() : !t.type().equals("category")) types.add(t.type());
        }
        types.addAll(ConditionNode.COMBINATORS);
        if (node.isOpaque()) types.add(node.type());
        ComboBox<String> type = new ComboBox<>(types);
        type.setId(idOf(path) + "-type");
        type.getStyleClass().add("condition-type");
        type.setCellFactory(lv -> new TypeCell());
        type.setButtonCell(new TypeCell());
        type.setValue(node.type());
        type.setVisibleRowCount(16);
        type.valueProperty().addListener((o, a, b) -> {
            if (b != null && !b.equals(node.type())) node.setType(b);
        });
        HBox head = new HBox(8, type);
        head.setAlignment(Pos.CENTER_LEFT);
        if (parent != null) {
            Button remove = new Button(null, Icons.of(Icons.CLOSE, "icon-sm"));
            remove.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT, Styles.SMALL);
            remove.setTooltip(new Tooltip("Remove this condition"));
            remove.setOnAction(e -> vm.remove(node));
            head.getChildren().addAll(new Spacer(), remove);
        }
        VBox card = new VBox(6, head);
        card.getStyleClass().add(node.isCombinator() ? "condition-group" : "condition-card");
        Label nodeError = new Label();
        nodeError.getStyleClass().add("field-error");
        nodeError.setWrapText(true);
        nodeError.managedProperty().bind(nodeError.visibleProperty());
        errorUpdaters.add(() -> {
            List<String> msgs = new ArrayList<>(vm.errorsAt(path, false));
            msgs.addAll(vm.errorsAt(path + ".conditions", false));
            nodeError.setText(String.join("\n", msgs));
            nodeError.setVisible(!msgs.isEmpty());
        });
        if (node.isCombinator()) {
            VBox kids = new VBox(6);
            kids.getStyleClass().add("condition-children");
            for (int i = 0; i < node.children().size(); i++) {
                String childPath = node.type().equals("not") ? path + ".condition" : path + ".conditions[" + i + "]";
                kids.getChildren().add(nodeEditor(node.children().get(i), childPath, node, prompt));
            }
            card.getChildren().add(kids);
            if (!node.type().equals("not") || node.children().isEmpty()) {
                Hyperlink add = new Hyperlink("+ add condition");
                add.setId(idOf(path) + "-add");
                add.setOnAction(e -> vm.addChild(node));
                card.getChildren().add(add);
            }
        } else if (node.isOpaque()) {
            Label l = new Label("A model-based condition: kept as it is (edit it in the LF library file).");
            l.getStyleClass().add(Styles.TEXT_MUTED);
            card.getChildren().add(l);
        } else {
            Template t = ConditionNode.template(node.type());
            if (t != null) card.getChildren().add(fields(node, t, path));
        }
        card.getChildren().add(nodeError);
        return card;
    }

    private Node fields(ConditionNode node, Template t, String path) {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(6);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(c0, c1);
        int row = 0;
        List<Node> checks = new ArrayList<>();
        for (Field f : t.fields()) {
            String id = idOf(path) + "-" + f.key().replace('_', '-');
            Node control;
            switch (f.kind()) {
                case BOOLEAN -> {
                    CheckBox box = new CheckBox(f.label());
                    box.setId(id);
                    box.setSelected(Boolean.parseBoolean(node.get(f.key())));
                    box.selectedProperty().addListener((o, a, b) -> node.set(f.key(), String.valueOf(b)));
                    checks.add(withError(box, path + "." + f.key()));
                    continue;
                }
                case CHOICE -> {
                    ObservableList<String> items = f.key().equals("list") && node.type().equals("phrase_list")
                            ? vm.phraseLists() : FXCollections.observableArrayList(f.choices());
                    ComboBox<String> combo = new ComboBox<>(items);
                    combo.setId(id);
                    combo.setValue(node.get(f.key()));
                    combo.valueProperty().addListener((o, a, b) -> node.set(f.key(), b));
                    control = combo;
                }
                case LINES -> {
                    TextArea area = new TextArea(node.get(f.key()));
                    area.setId(id);
                    area.setPrefRowCount(3);
                    area.setWrapText(true);
                    area.setPromptText("one per line");
                    area.textProperty().addListener((o, a, b) -> node.set(f.key(), b));
                    control = area;
                }
                default -> {
                    TextField field = new TextField(node.get(f.key()));
                    field.setId(id);
                    if (f.kind() == ConditionNode.Kind.NUMBER || f.kind() == ConditionNode.Kind.INTEGER) {
                        field.setPrefColumnCount(7);
                        field.setMaxWidth(Region.USE_PREF_SIZE);
                    }
                    field.textProperty().addListener((o, a, b) -> node.set(f.key(), b));
                    control = field;
                }
            }
            if (f.help() != null) ((javafx.scene.control.Control) control).setTooltip(new Tooltip(f.help()));
            Label label = formLabel(f.label());
            GridPane.setValignment(label, javafx.geometry.VPos.TOP);
            grid.addRow(row++, label, withErrorNested(control, path + "." + f.key()));
        }
        if (!checks.isEmpty()) {
            HBox flags = new HBox(16);
            flags.getChildren().addAll(checks);
            grid.add(flags, 1, row);
        }
        return grid;
    }

    /** As {@link #withError} but also errors of list items under the path ({@code terms[2]}). */
    private VBox withErrorNested(Node control, String path) {
        Label error = new Label();
        error.getStyleClass().add("field-error");
        error.setWrapText(true);
        error.managedProperty().bind(error.visibleProperty());
        errorUpdaters.add(() -> {
            List<String> msgs = vm.errorsAt(path, true);
            error.setText(String.join("\n", msgs));
            error.setVisible(!msgs.isEmpty());
            control.pseudoClassStateChanged(Styles.STATE_DANGER, !msgs.isEmpty());
        });
        return new VBox(2, control, error);
    }

    private static String idOf(String path) {
        return path.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", "").replace('_', '-');
    }

    private static final class TypeCell extends ListCell<String> {
        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : ConditionNode.label(item));
        }
    }

    // ---- the preview ------------------------------------------------------------------------------------------

    private Node previewPane() {
        Label coverage = statValue("preview-coverage");
        Label coverageSub = statSub();
        Label split = statValue("preview-gold");
        Label splitSub = statSub();
        Label conflicts = statValue("preview-conflicts");
        Label conflictsSub = statSub();
        Label accuracy = statValue("preview-accuracy");
        Label accuracySub = statSub();
        HBox tiles = new HBox(10, tile("Coverage", coverage, coverageSub), tile("Gold of the hits", split, splitSub),
                tile("Conflicts", conflicts, conflictsSub), tile("Accuracy vs gold", accuracy, accuracySub));
        tiles.getStyleClass().add("stat-tiles");
        ProgressIndicator busy = new ProgressIndicator(-1);
        busy.getStyleClass().add("busy-indicator");
        busy.visibleProperty().bind(vm.previewingProperty());
        Label message = new Label();
        message.setId("preview-message");
        message.getStyleClass().add(Styles.TEXT_MUTED);
        message.setWrapText(true);
        HBox status = new HBox(8, busy, message);
        status.setAlignment(Pos.CENTER_LEFT);

        ListView<Example> hits = examples("preview-hits", "The LF votes on nothing yet.");
        ListView<Example> misses = examples("preview-misses", "No near misses: this template has no threshold, or nothing is close.");
        ListView<Example> disagree = examples("preview-disagreements", "No gold-labelled hit disagrees with the LF.");
        Tab hitsTab = new Tab("Hits", hits);
        Tab missTab = new Tab("Near misses", misses);
        Tab disTab = new Tab("Gold disagrees", disagree);
        TabPane tabs = new TabPane(hitsTab, missTab, disTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("preview-tabs");
        VBox.setVgrow(tabs, Priority.ALWAYS);

        Runnable update = () -> {
            LfPreview p = vm.previewProperty().get();
            LfStats s = p == null ? null : p.stats();
            if (p == null || s == null) {
                for (Label l : List.of(coverage, split, conflicts, accuracy)) l.setText("–");
                for (Label l : List.of(coverageSub, splitSub, conflictsSub, accuracySub)) l.setText("");
                hits.getItems().clear();
                misses.getItems().clear();
                disagree.getItems().clear();
                message.setText(p == null || vm.errors().isEmpty() && !vm.dirtyProperty().get() ? "Choose a template and fill in its fields: the preview appears as you type."
                        : p.error() != null ? "⚠ " + p.error() : "Fix the fields marked in red to see the preview.");
                hitsTab.setText("Hits");
                missTab.setText("Near misses");
                disTab.setText("Gold disagrees");
                return;
            }
            coverage.setText(pct(s.coverage()));
            coverageSub.setText(String.format(Locale.ROOT, "%,d of %,d responses", s.hits(), p.rows()));
            split.setText(p.goldGood() + " / " + p.goldBad());
            splitSub.setText("hits labelled GOOD / BAD");
            conflicts.setText(pct(s.conflicts()));
            conflictsSub.setText(String.format(Locale.ROOT, "%,d rows vs the enabled LFs", s.conflictRows()));
            accuracy.setText(Double.isNaN(s.empiricalAccuracy()) ? "–" : pct(s.empiricalAccuracy()));
            accuracySub.setText(s.goldHits() == 0 ? "no gold among the hits" : s.correct() + " right, " + s.incorrect() + " wrong");
            hits.getItems().setAll(p.hits());
            misses.getItems().setAll(p.nearMisses());
            disagree.getItems().setAll(p.goldDisagreements());
            hitsTab.setText("Hits (" + String.format(Locale.ROOT, "%,d", s.hits()) + ")");
            missTab.setText("Near misses (" + p.nearMisses().size() + ")");
            disTab.setText("Gold disagrees (" + s.incorrect() + ")");
            message.setText(String.format(Locale.ROOT, "Live preview over %,d responses%s, %.1f ms", p.rows(),
                    p.inScope() < p.rows() ? " (" + String.format(Locale.ROOT, "%,d", p.inScope()) + " in scope)" : "", p.elapsedNanos() / 1e6));
        };
        vm.previewProperty().addListener((o, a, b) -> update.run());
        update.run();

        VBox box = new VBox(8, tiles, status, tabs);
        box.getStyleClass().add("lf-preview");
        box.setMinHeight(200);
        return box;
    }

    private static VBox tile(String title, Label value, Label sub) {
        Label t = new Label(title);
        t.getStyleClass().add("stat-title");
        VBox v = new VBox(2, t, value, sub);
        v.getStyleClass().add("stat-tile");
        HBox.setHgrow(v, Priority.ALWAYS);
        v.setMaxWidth(Double.MAX_VALUE);
        return v;
    }

    private static Label statValue(String id) {
        Label l = new Label("–");
        l.setId(id);
        l.getStyleClass().add("stat-value");
        return l;
    }

    private static Label statSub() {
        Label l = new Label();
        l.setWrapText(true);
        l.getStyleClass().add("stat-sub");
        return l;
    }

    private ListView<Example> examples(String id, String emptyText) {
        ListView<Example> list = new ListView<>();
        list.setId(id);
        list.getStyleClass().add("example-list");
        Label empty = new Label(emptyText);
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        list.setPlaceholder(empty);
        list.setCellFactory(lv -> new ExampleCell(lv));
        return list;
    }

    /** A candidate: its prompt (one muted line) and the response with the matched spans highlighted. */
    private static final class ExampleCell extends ListCell<Example> {
        private final ListView<Example> list;

        ExampleCell(ListView<Example> list) {
            this.list = list;
            setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(Example item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            Label prompt = new Label("Prompt: " + oneLine(item.promptText(), 220));
            prompt.getStyleClass().add("example-prompt");
            prompt.setMaxWidth(Double.MAX_VALUE);
            prompt.setMinWidth(0);
            prompt.setPrefWidth(1);
            HBox top = new HBox(8, prompt);
            HBox.setHgrow(prompt, Priority.ALWAYS);
            if (item.gold() != 0) {
                Label gold = new Label("gold " + (item.gold() > 0 ? "GOOD" : "BAD"));
                gold.getStyleClass().addAll("vote-badge", item.gold() > 0 ? "good" : "bad");
                gold.setMinWidth(Region.USE_PREF_SIZE);
                top.getChildren().add(gold);
            }
            if (item.miss() > 0) {
                Label miss = new Label(String.format(Locale.ROOT, "%.0f %% off", item.miss() * 100));
                miss.getStyleClass().add("miss-badge");
                miss.setMinWidth(Region.USE_PREF_SIZE);
                top.getChildren().add(miss);
            }
            TextFlow flow = highlighted(item.text(), item.spans());
            flow.getStyleClass().add("example-text");
            flow.prefWidthProperty().bind(list.widthProperty().subtract(40));
            flow.maxWidthProperty().bind(list.widthProperty().subtract(40));
            VBox box = new VBox(3, top, flow);
            box.maxWidthProperty().bind(list.widthProperty().subtract(36));
            box.prefWidthProperty().bind(list.widthProperty().subtract(36));
            box.getStyleClass().add("example");
            setGraphic(box);
        }
    }

    /** The text (shortened around the first span when long) with the spans in highlighted runs. */
    static TextFlow highlighted(String text, List<Span> spans) {
        int max = 700;
        int from = 0;
        int to = text.length();
        if (text.length() > max) {
            int first = spans.isEmpty() ? 0 : spans.get(0).start();
            from = Math.max(0, first - 200);
            to = Math.min(text.length(), from + max);
        }
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingInt(Span::start));
        TextFlow flow = new TextFlow();
        if (from > 0) flow.getChildren().add(text("…", false));
        int pos = from;
        for (Span s : sorted) {
            int a = Math.max(s.start(), pos);
            int b = Math.min(s.end(), to);
            if (b <= a) continue;
            if (a > pos) flow.getChildren().add(text(text.substring(pos, a), false));
            flow.getChildren().add(text(text.substring(a, b), true));
            pos = b;
        }
        if (pos < to) flow.getChildren().add(text(text.substring(pos, to), false));
        if (to < text.length()) flow.getChildren().add(text("…", false));
        return flow;
    }

    private static Node text(String s, boolean hit) {
        if (hit && s.length() <= 80) {
            Label l = new Label(s);
            l.getStyleClass().add("span-hit");
            return l;
        }
        Text t = new Text(s);
        t.getStyleClass().add(hit ? "span-hit" : "span-text");
        return t;
    }

    private static String oneLine(String s, int max) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > max ? one.substring(0, max - 1) + "…" : one;
    }

    /** Whole percents in the table; one decimal below 10 %. */
    static String shortPct(double f) {
        double p = f * 100;
        return p == 0 ? "0 %" : p < 10 ? String.format(Locale.ROOT, "%.1f %%", p) : String.format(Locale.ROOT, "%.0f %%", p);
    }

    static String pct(double f) {
        return String.format(Locale.ROOT, "%.1f %%", f * 100);
    }

    /** The table over a sorted view of the filtered rows, with the table's sort order bound to it. */
    private static final class SortedListHolder {
        static void bind(TableView<LfRow> table, javafx.collections.transformation.FilteredList<LfRow> rows) {
            javafx.collections.transformation.SortedList<LfRow> sorted = new javafx.collections.transformation.SortedList<>(rows);
            sorted.comparatorProperty().bind(table.comparatorProperty());
            table.setItems(sorted);
        }
    }

}
