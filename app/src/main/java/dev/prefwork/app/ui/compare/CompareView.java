package dev.prefwork.app.ui.compare;

import atlantafx.base.controls.Spacer;
import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Em;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.compare.CompareViewModel.SaveState;
import dev.prefwork.app.ui.compare.CompareViewModel.ViewState;
import dev.prefwork.app.ui.markdown.MarkdownPane;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.app.ui.shell.WorkbenchActions;
import dev.prefwork.core.LabelQueue;
import dev.prefwork.core.Verdict;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.ArrayList;
import java.util.List;

/**
 * The Compare & label screen: the queue and progress bar on top, the prompt, the candidates side by side (see
 * {@link ColumnsPane}), the note at the bottom, and the keys of {@link Shortcuts} (the ? overlay lists them). The
 * keyboard focus stays on the candidates area, so every key works after a click; text fields take keys only while
 * they are being typed in (Esc leaves them).
 */
public final class CompareView implements Step.StepView {

    static final Duration TICK = Duration.seconds(10);

    private final CompareViewModel vm;
    private final WorkbenchActions actions;
    private final StackPane root = new StackPane();
    private final ColumnsPane columns = new ColumnsPane();
    private final ScrollPane columnsScroll = new ScrollPane(columns);
    private final List<CandidateCard> cards = new ArrayList<>();
    private final MarkdownPane promptText = new MarkdownPane();
    private final ScrollPane promptScroll = new ScrollPane(promptText);
    private final Label promptId = new Label();
    private final Label promptCategory = new Label();
    private final Label reviewReason = new Label();
    private final ComboBox<LabelQueue> queueBox = new ComboBox<>();
    private final TextField seedField = new TextField();
    private final TextField searchField = new TextField();
    private final TextArea noteField = new TextArea();
    private final Label hint = new Label();
    private final StackPane overlay = new StackPane();
    private final Timeline ticker = new Timeline();
    private String pendingPrefix;
    private boolean swallowTyped;
    /** The step is the one shown (between shown() and hidden()). */
    private boolean onScreen;
    private boolean syncing;
    private boolean updatingQueueBox;

    public CompareView(CompareViewModel vm, WorkbenchActions actions) {
        this.vm = vm;
        this.actions = actions;
        root.getStyleClass().add("compare-view");
        root.setId("compare-view");

        BorderPane main = new BorderPane();
        main.setTop(new VBox(toolbar(), promptPanel()));
        main.setCenter(candidatesArea());
        main.setBottom(bottomBar());
        main.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.READY));
        main.getStyleClass().add("compare-main");

        root.getChildren().addAll(main, emptyPane(), noWorkspacePane(), loadingPane(), overlay());

        vm.currentProperty().addListener((o, a, b) -> showBundle());
        // the candidates can only take the focus once they are visible (the workspace may still be loading when shown)
        vm.stateProperty().addListener((o, a, b) -> {
            if (b == ViewState.READY && onScreen) javafx.application.Platform.runLater(() -> {
                Node owner = root.getScene() == null ? null : root.getScene().getFocusOwner();
                if (!(owner instanceof TextInputControl)) focusCandidates();
            });
        });
        vm.judgmentsProperty().addListener((o, a, b) -> updateMarks());
        vm.focusedProperty().addListener((o, a, b) -> updateFocus());
        vm.rawProperty().addListener((o, a, b) -> cards.forEach(c -> c.setRaw(b)));
        vm.revealModelsProperty().addListener((o, a, b) -> cards.forEach(c -> c.updateModel(b)));
        root.addEventFilter(KeyEvent.KEY_PRESSED, this::filterKey);
        root.addEventHandler(KeyEvent.KEY_PRESSED, this::onKey);
        // the character of a key handled here (n, /) must not land in the field that key just focused
        root.addEventFilter(KeyEvent.KEY_TYPED, e -> {
            if (swallowTyped) {
                swallowTyped = false;
                e.consume();
            }
        });
        root.addEventFilter(KeyEvent.KEY_RELEASED, e -> swallowTyped = false);
        root.addEventFilter(MouseEvent.MOUSE_PRESSED, e -> vm.userActive());
        root.addEventFilter(ScrollEvent.SCROLL, e -> vm.userActive());
        ticker.getKeyFrames().add(new KeyFrame(TICK, e -> vm.tick()));
        ticker.setCycleCount(Timeline.INDEFINITE);
        ticker.play(); // the idle end of a session must happen while another step is shown too
        showBundle();
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
        openSearch();
    }

    @Override
    public void shown() {
        onScreen = true;
        if (root.getScene() == null) {
            // the first step shown at start is built before the window's scene: take the focus once it is there
            javafx.beans.value.ChangeListener<javafx.scene.Scene> once = new javafx.beans.value.ChangeListener<>() {
                @Override
                public void changed(javafx.beans.value.ObservableValue<? extends javafx.scene.Scene> o, javafx.scene.Scene a, javafx.scene.Scene b) {
                    if (b == null) return;
                    root.sceneProperty().removeListener(this);
                    javafx.application.Platform.runLater(CompareView.this::focusCandidates);
                }
            };
            root.sceneProperty().addListener(once);
        } else {
            focusCandidates();
        }
    }

    @Override
    public void hidden() {
        onScreen = false;
        vm.viewHidden();
    }

    /** Gives the keyboard to the candidates (where the keys of the step work). */
    void focusCandidates() {
        columns.requestFocus();
    }

    ColumnsPane columns() {
        return columns;
    }

    ScrollPane columnsScroll() {
        return columnsScroll;
    }

    List<CandidateCard> cards() {
        return cards;
    }

    // ---- toolbar ----------------------------------------------------------------------------------------------

    private Node toolbar() {
        queueBox.setId("queue-box");
        queueBox.getStyleClass().add("queue-box");
        queueBox.setMinWidth(Region.USE_PREF_SIZE);
        queueBox.setCellFactory(lv -> new QueueCell());
        queueBox.setButtonCell(new QueueCell());
        queueBox.setTooltip(new Tooltip("Which prompts to walk through, in which order (q)"));
        queueBox.setOnShowing(e -> refreshQueueChoices());
        queueBox.valueProperty().addListener((o, a, b) -> {
            if (!updatingQueueBox && b != null && !b.equals(vm.queueProperty().get())) vm.setQueue(b);
        });
        queueBox.setOnHidden(e -> focusCandidates());
        vm.queueProperty().addListener((o, a, b) -> syncQueueBox());
        vm.categories().addListener((javafx.collections.ListChangeListener<String>) c -> syncQueueBox());
        vm.reviewPendingProperty().addListener((o, a, b) -> syncQueueBox());
        syncQueueBox();

        seedField.setId("seed-field");
        seedField.getStyleClass().add("seed-field");
        seedField.setPromptText("seed");
        seedField.setTooltip(new Tooltip("The random queue's seed: the same seed gives the same order (Enter applies)"));
        seedField.setText(String.valueOf(vm.randomSeedProperty().get()));
        vm.randomSeedProperty().addListener((o, a, b) -> seedField.setText(String.valueOf(b)));
        seedField.setOnAction(e -> {
            try {
                vm.randomSeedProperty().set(Long.parseLong(seedField.getText().strip()));
            } catch (NumberFormatException ex) {
                seedField.setText(String.valueOf(vm.randomSeedProperty().get()));
            }
            focusCandidates();
        });
        seedField.visibleProperty().bind(Bindings.createBooleanBinding(() -> vm.queueProperty().get() instanceof LabelQueue.Random,
                vm.queueProperty()));
        seedField.managedProperty().bind(seedField.visibleProperty());

        ProgressBar bar = new ProgressBar();
        bar.setId("queue-progress");
        bar.getStyleClass().add("queue-progress");
        bar.progressProperty().bind(vm.progressProperty());
        Label progress = new Label();
        progress.setId("progress-text");
        progress.getStyleClass().add("progress-text");
        progress.textProperty().bind(vm.progressTextProperty());
        Label rate = new Label();
        rate.setId("rate-text");
        rate.getStyleClass().add("rate-text");
        rate.textProperty().bind(vm.rateTextProperty().map(t -> t.isEmpty() ? "" : "\u00b7  " + t));
        HBox progressBox = new HBox(8, bar, progress, rate);
        progressBox.setAlignment(Pos.CENTER_LEFT);
        progressBox.setMinWidth(Region.USE_PREF_SIZE);

        searchField.setId("compare-search");
        searchField.setPromptText("Search the queue");
        searchField.getStyleClass().add("compare-search");
        searchField.setOnAction(e -> vm.search(searchField.getText()));
        searchField.setVisible(false);
        searchField.managedProperty().bind(searchField.visibleProperty());
        searchField.focusedProperty().addListener((o, a, b) -> {
            if (!b && searchField.getText().isBlank()) searchField.setVisible(false);
        });
        Label searchStatus = new Label();
        searchStatus.getStyleClass().add("search-status");
        searchStatus.textProperty().bind(vm.searchStatusProperty());
        searchStatus.visibleProperty().bind(searchField.visibleProperty());
        searchStatus.managedProperty().bind(searchStatus.visibleProperty());
        Button searchButton = iconButton(Icons.SEARCH, "Search the prompts of this queue (/)", "search-button");
        searchButton.setOnAction(e -> openSearch());

        ToggleButton raw = viewToggle("Raw", Icons.CODE, "Show the raw text instead of rendered markdown (m)", "raw-toggle");
        raw.selectedProperty().bindBidirectional(vm.rawProperty());
        ToggleButton reveal = viewToggle("Models", Icons.EYE, "Show which model wrote each response; hidden by default for blind labelling (v)",
                "reveal-toggle");
        reveal.selectedProperty().bindBidirectional(vm.revealModelsProperty());
        ToggleButton sync = viewToggle("Sync", Icons.LINK, "Scroll all candidates together (s)", "sync-toggle");
        sync.selectedProperty().bindBidirectional(vm.syncScrollProperty());
        HBox toggles = new HBox(raw, reveal, sync);
        toggles.getStyleClass().add("view-toggles");
        raw.getStyleClass().add(Styles.LEFT_PILL);
        reveal.getStyleClass().add(Styles.CENTER_PILL);
        sync.getStyleClass().add(Styles.RIGHT_PILL);

        Button undo = iconButton(Icons.UNDO, null, "undo-button");
        undo.disableProperty().bind(vm.canUndoProperty().not());
        Tooltip undoTip = new Tooltip();
        undoTip.textProperty().bind(vm.undoTextProperty().map(t -> t + "  (u)"));
        undo.setTooltip(undoTip);
        undo.setOnAction(e -> vm.undo());

        Button help = iconButton(Icons.KEYBOARD, "Keyboard shortcuts (?)", "shortcuts-button");
        help.setOnAction(e -> toggleOverlay());

        MenuButton more = new MenuButton(null, Icons.of(Icons.MORE));
        more.setId("compare-more");
        more.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT, "no-arrow");
        more.setFocusTraversable(false);
        more.setTooltip(new Tooltip("Session settings"));
        ToggleGroup idle = new ToggleGroup();
        MenuItem idleCaption = new MenuItem("End the labelling session after");
        idleCaption.setDisable(true);
        more.getItems().add(idleCaption);
        for (int minutes : new int[]{2, 5, 10, 15, 30}) {
            RadioMenuItem item = new RadioMenuItem(minutes + " idle minutes");
            item.setToggleGroup(idle);
            item.setSelected(vm.idleMinutesProperty().get() == minutes);
            item.setOnAction(e -> vm.idleMinutesProperty().set(minutes));
            more.getItems().add(item);
        }
        MenuItem keys = new MenuItem("Keyboard shortcuts");
        keys.setOnAction(e -> toggleOverlay());
        more.getItems().addAll(new SeparatorMenuItem(), keys);
        more.setOnHidden(e -> focusCandidates());

        Label save = new Label();
        save.setId("save-status");
        save.getStyleClass().add("save-status");
        save.textProperty().bind(vm.saveStateProperty().map(s -> switch (s) {
            case SAVED -> "Saved";
            case SAVING -> "Saving\u2026";
            case FAILED -> "Not saved";
        }));
        save.graphicProperty().bind(vm.saveStateProperty().map(s -> s == SaveState.FAILED ? Icons.of(Icons.CLOSE, "icon-sm")
                : s == SaveState.SAVED ? Icons.of(Icons.CHECK, "icon-sm") : null));
        vm.saveStateProperty().addListener((o, a, b) -> {
            save.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("failed"), b == SaveState.FAILED);
        });
        save.setTooltip(new Tooltip("Every judgment is written to the workspace the moment you make it."));
        save.setMinWidth(Region.USE_PREF_SIZE);

        ProgressIndicator busy = new ProgressIndicator(-1);
        busy.getStyleClass().add("busy-indicator");
        busy.visibleProperty().bind(vm.loadingProperty());

        HBox leftTools = new HBox(queueBox, seedField, progressBox);
        leftTools.setAlignment(Pos.CENTER_LEFT);
        leftTools.getStyleClass().add("tool-group");
        leftTools.setMinWidth(0);
        HBox rightTools = new HBox(busy, searchField, searchStatus, searchButton, toggles, undo, help, more, save);
        rightTools.setAlignment(Pos.CENTER_RIGHT);
        rightTools.getStyleClass().add("tool-group");
        rightTools.setMinWidth(0);
        ToolbarPane toolbar = new ToolbarPane(leftTools, rightTools, Em.px(0.4));
        toolbar.getStyleClass().add("compare-toolbar");
        return toolbar;
    }

    private static Button iconButton(String icon, String tooltip, String id) {
        Button b = new Button(null, Icons.of(icon));
        b.getStyleClass().addAll(Styles.FLAT, "toolbar-button");
        b.setFocusTraversable(false);
        b.setId(id);
        if (tooltip != null) b.setTooltip(new Tooltip(tooltip));
        return b;
    }

    private static ToggleButton viewToggle(String text, String icon, String tooltip, String id) {
        ToggleButton t = new ToggleButton(text, Icons.of(icon, "icon-sm"));
        t.setId(id);
        t.getStyleClass().addAll(Styles.SMALL, "view-toggle");
        t.setFocusTraversable(false);
        t.setTooltip(new Tooltip(tooltip));
        t.setMinWidth(Region.USE_PREF_SIZE);
        return t;
    }

    private final class QueueCell extends ListCell<LabelQueue> {
        @Override
        protected void updateItem(LabelQueue q, boolean empty) {
            super.updateItem(q, empty);
            if (empty || q == null) {
                setText(null);
                return;
            }
            String text = q instanceof LabelQueue.Random ? "Random" : q.title();
            if (q instanceof LabelQueue.NeedsReview) text += " (" + vm.reviewPendingProperty().get() + ")";
            setText(text);
        }
    }

    private void refreshQueueChoices() {
        updatingQueueBox = true;
        try {
            LabelQueue current = vm.queueProperty().get();
            queueBox.getItems().setAll(vm.queueChoices());
            if (!queueBox.getItems().contains(current)) queueBox.getItems().add(current);
            queueBox.setValue(current);
        } finally {
            updatingQueueBox = false;
        }
    }

    private void syncQueueBox() {
        refreshQueueChoices();
        // the button cell caches its text: make it show the review count again
        queueBox.setButtonCell(new QueueCell());
    }

    // ---- prompt -----------------------------------------------------------------------------------------------

    private Node promptPanel() {
        promptId.setId("prompt-id");
        promptId.getStyleClass().add("prompt-id");
        promptCategory.getStyleClass().add("prompt-category");
        promptCategory.managedProperty().bind(promptCategory.visibleProperty());
        reviewReason.setId("review-reason");
        reviewReason.getStyleClass().add("review-reason");
        reviewReason.setGraphic(Icons.of(Icons.INFO, "icon-sm"));
        reviewReason.managedProperty().bind(reviewReason.visibleProperty());
        reviewReason.setMinWidth(0);

        Label position = new Label();
        position.setId("position-text");
        position.getStyleClass().add("position-text");
        position.textProperty().bind(vm.positionTextProperty());
        position.setMinWidth(Region.USE_PREF_SIZE);
        Button prev = iconButton(Icons.CHEVRON_LEFT, "Previous prompt (k or \u2190)", "previous-button");
        prev.setOnAction(e -> vm.previous());
        prev.disableProperty().bind(vm.positionProperty().lessThanOrEqualTo(0));
        Button next = iconButton(Icons.CHEVRON_RIGHT, "Next prompt (j or \u2192)", "next-button");
        next.setOnAction(e -> vm.next());
        next.disableProperty().bind(vm.positionProperty().greaterThanOrEqualTo(vm.queueSizeProperty().subtract(1)));

        HBox head = new HBox(8, promptId, promptCategory, reviewReason, new Spacer(), prev, position, next);
        head.setAlignment(Pos.CENTER_LEFT);
        head.getStyleClass().add("prompt-head");

        promptText.setId("prompt-text");
        promptText.getStyleClass().add("prompt-text");
        promptScroll.getStyleClass().add("prompt-scroll");
        promptScroll.setFitToWidth(true);
        promptScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        promptScroll.setFocusTraversable(false);
        // as tall as the prompt, up to about five lines; longer prompts scroll
        promptScroll.widthProperty().addListener((o, a, b) -> fitPromptHeight());
        promptScroll.setMinViewportHeight(Em.px(1.6));

        VBox box = new VBox(head, promptScroll);
        box.getStyleClass().add("prompt-panel");
        return box;
    }

    /** The prompt box is as tall as the prompt at the current width, up to {@link #PROMPT_MAX_EM} em (then it scrolls). */
    private void fitPromptHeight() {
        double width = promptScroll.getWidth() - promptScroll.snappedLeftInset() - promptScroll.snappedRightInset();
        if (width <= 0) return;
        promptText.applyCss();
        double h = promptText.prefHeight(width);
        double max = Em.px(PROMPT_MAX_EM);
        if (h > max) h = promptText.prefHeight(width - Em.px(1.2)); // room for the scroll bar
        promptScroll.setPrefViewportHeight(Math.min(h, max));
    }

    static final double PROMPT_MAX_EM = 7.5;

    // ---- candidates -------------------------------------------------------------------------------------------

    private Node candidatesArea() {
        columns.setId("candidates");
        columns.setFocusTraversable(true);
        columns.setAccessibleText("Candidates: Tab moves between them; 1 to 5 pick the best, Shift+1 to 5 the worst");
        columnsScroll.getStyleClass().add("columns-scroll");
        columnsScroll.setFitToWidth(true);
        columnsScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        columnsScroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
        columnsScroll.setFocusTraversable(false);
        columnsScroll.viewportBoundsProperty().addListener((o, a, b) -> columns.viewportHeightProperty().set(b.getHeight()));
        columns.focusedProperty().addListener((o, a, b) -> updateFocus());
        return columnsScroll;
    }

    private CandidateCard card(int i) {
        while (cards.size() <= i) {
            CandidateCard c = new CandidateCard(vm);
            int index = cards.size();
            c.addEventFilter(MouseEvent.MOUSE_PRESSED, e -> {
                vm.focus(index);
                focusCandidates();
            });
            c.scrollPane().vvalueProperty().addListener((o, a, b) -> scrolled(c));
            cards.add(c);
        }
        return cards.get(i);
    }

    private void showBundle() {
        PromptBundle b = vm.currentProperty().get();
        if (b == null) {
            columns.getChildren().clear();
            promptText.setDocument(null);
            return;
        }
        promptId.setText(b.prompt().sourceId());
        String cat = b.prompt().category();
        promptCategory.setText(cat == null ? "" : cat);
        promptCategory.setVisible(cat != null && !cat.isBlank());
        reviewReason.setText(b.reviewReason() == null ? "" : "Needs review" + (b.reviewReason().isBlank() ? "" : ": " + b.reviewReason()));
        reviewReason.setVisible(b.reviewReason() != null);
        promptText.setDocument(b.promptDoc());
        promptScroll.setVvalue(0);
        fitPromptHeight();
        List<Node> shown = new ArrayList<>();
        for (int i = 0; i < b.candidates().size(); i++) {
            CandidateCard c = card(i);
            c.show(i, b.candidates().get(i), vm.rawProperty().get(), vm.revealModelsProperty().get());
            shown.add(c);
        }
        columns.getChildren().setAll(shown);
        updateMarks();
        updateFocus();
        if (!noteField.isFocused()) noteField.setText(vm.judgmentsProperty().get().note());
        cancelPrefix();
    }

    private void updateMarks() {
        PromptBundle b = vm.currentProperty().get();
        if (b == null) return;
        Judgments j = vm.judgmentsProperty().get();
        for (int i = 0; i < b.candidates().size() && i < cards.size(); i++) cards.get(i).updateMarks(j, b);
        if (!noteField.isFocused()) noteField.setText(j.note() == null ? "" : j.note());
    }

    private void updateFocus() {
        int f = vm.focusedProperty().get();
        for (int i = 0; i < cards.size(); i++) cards.get(i).setFocusedCard(i == f);
    }

    private CandidateCard focusedCard() {
        int f = vm.focusedProperty().get();
        return f >= 0 && f < columns.getChildren().size() ? cards.get(f) : null;
    }

    /** One card scrolled: with sync on, the others follow by the same distance (not the same fraction). */
    private void scrolled(CandidateCard source) {
        if (syncing || !vm.syncScrollProperty().get()) return;
        double offset = offset(source.scrollPane());
        syncing = true;
        try {
            for (Node n : columns.getChildren()) {
                if (n != source && n instanceof CandidateCard c) setOffset(c.scrollPane(), offset);
            }
        } finally {
            syncing = false;
        }
    }

    private static double offset(ScrollPane s) {
        double range = s.getContent().getBoundsInLocal().getHeight() - s.getViewportBounds().getHeight();
        return range <= 0 ? 0 : s.getVvalue() * range;
    }

    private static void setOffset(ScrollPane s, double offset) {
        double range = s.getContent().getBoundsInLocal().getHeight() - s.getViewportBounds().getHeight();
        s.setVvalue(range <= 0 ? 0 : Math.min(1, offset / range));
    }

    private void scrollFocused(double pages, double pixels) {
        CandidateCard c = focusedCard();
        if (c == null) return;
        ScrollPane s = c.scrollPane();
        double viewport = s.getViewportBounds().getHeight();
        setOffset(s, Math.max(0, offset(s) + pages * viewport * 0.9 + pixels));
    }

    // ---- bottom bar -------------------------------------------------------------------------------------------

    private Node bottomBar() {
        Label noteLabel = new Label("Note", Icons.of(Icons.NOTE, "icon-sm"));
        noteLabel.getStyleClass().add("note-label");
        noteLabel.setMinWidth(Region.USE_PREF_SIZE);
        noteField.setId("note-field");
        noteField.getStyleClass().add("note-field");
        noteField.setPromptText("A note on this prompt (n): why the best is best, what the others got wrong\u2026  Enter saves, Esc cancels");
        noteField.setWrapText(true);
        noteField.setPrefRowCount(1);
        noteField.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER && !e.isShiftDown()) {
                e.consume();
                vm.setNote(noteField.getText());
                focusCandidates();
            } else if (e.getCode() == KeyCode.ENTER) {
                e.consume();
                noteField.insertText(noteField.getCaretPosition(), "\n");
            } else if (e.getCode() == KeyCode.ESCAPE) {
                e.consume();
                String saved = vm.judgmentsProperty().get().note();
                noteField.setText(saved == null ? "" : saved);
                focusCandidates();
            }
        });
        noteField.focusedProperty().addListener((o, a, b) -> {
            if (!b) vm.setNote(noteField.getText());
        });
        noteField.focusedProperty().addListener((o, a, b) -> noteField.setPrefRowCount(b ? 3 : 1));
        HBox.setHgrow(noteField, Priority.ALWAYS);

        hint.setId("compare-hint");
        hint.getStyleClass().add("compare-hint");
        hint.setMinWidth(0);
        hint.setMaxWidth(Em.px(30));
        vm.lastActionProperty().addListener((o, a, b) -> {
            if (pendingPrefix == null) hint.setText(b);
        });
        Label keysHint = new Label("?  shortcuts");
        keysHint.getStyleClass().add("keys-hint");
        keysHint.setMinWidth(Region.USE_PREF_SIZE);

        HBox bar = new HBox(10, noteLabel, noteField, hint, keysHint);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("compare-bottom");
        return bar;
    }

    // ---- states -----------------------------------------------------------------------------------------------

    private Node emptyPane() {
        Label title = new Label();
        title.getStyleClass().add(Styles.TITLE_3);
        title.textProperty().bind(vm.stateProperty().map(s -> s == ViewState.EMPTY ? "Nothing to label yet" : "This queue is empty"));
        Label text = new Label();
        text.setWrapText(true);
        text.getStyleClass().add("state-text");
        text.textProperty().bind(vm.emptyTextProperty());
        Button importButton = new Button("Import\u2026", Icons.of(Icons.IMPORT));
        importButton.getStyleClass().add(Styles.ACCENT);
        importButton.setOnAction(e -> actions.importFile());
        importButton.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.EMPTY));
        importButton.managedProperty().bind(importButton.visibleProperty());
        Button back = new Button("Back to unlabelled first");
        back.setOnAction(e -> vm.setQueue(LabelQueue.DEFAULT));
        back.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.EMPTY_QUEUE));
        back.managedProperty().bind(back.visibleProperty());
        StackPane icon = new StackPane(Icons.of(Icons.COMPARE, "icon-xl"));
        icon.getStyleClass().add("state-icon");
        VBox box = new VBox(icon, title, text, new HBox(8, importButton, back));
        ((HBox) box.getChildren().get(3)).setAlignment(Pos.CENTER);
        box.setAlignment(Pos.CENTER);
        box.getStyleClass().add("state-pane");
        box.setMaxHeight(Region.USE_PREF_SIZE);
        box.setId("compare-empty");
        box.setMinWidth(0);
        box.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.EMPTY).or(vm.stateProperty().isEqualTo(ViewState.EMPTY_QUEUE)));
        return box;
    }

    private Node noWorkspacePane() {
        Button demo = new Button("Open the demo workspace");
        demo.getStyleClass().add(Styles.ACCENT);
        demo.setOnAction(e -> actions.openDemoWorkspace());
        Button open = new Button("Open workspace\u2026");
        open.setOnAction(e -> actions.openWorkspace());
        StackPane icon = new StackPane(Icons.of(Icons.FOLDER, "icon-xl"));
        icon.getStyleClass().add("state-icon");
        Label title = new Label("No workspace is open");
        title.getStyleClass().add(Styles.TITLE_3);
        HBox buttons = new HBox(8, demo, open);
        buttons.setAlignment(Pos.CENTER);
        VBox box = new VBox(icon, title, buttons);
        box.setAlignment(Pos.CENTER);
        box.getStyleClass().add("state-pane");
        box.setMaxHeight(Region.USE_PREF_SIZE);
        box.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE));
        return box;
    }

    private Node loadingPane() {
        ProgressIndicator spinner = new ProgressIndicator(-1);
        spinner.getStyleClass().add("loading-spinner");
        Label text = new Label("Loading prompts\u2026");
        text.getStyleClass().add(Styles.TEXT_MUTED);
        VBox box = new VBox(12, spinner, text);
        box.setAlignment(Pos.CENTER);
        box.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.LOADING));
        return box;
    }

    // ---- shortcuts overlay ------------------------------------------------------------------------------------

    private Node overlay() {
        Label title = new Label("Keyboard shortcuts");
        title.getStyleClass().add(Styles.TITLE_3);
        HBox groups = new HBox(28);
        for (Shortcuts.Group g : Shortcuts.GROUPS) {
            GridPane grid = new GridPane();
            grid.getStyleClass().add("shortcut-grid");
            Label gt = new Label(g.title());
            gt.getStyleClass().add("shortcut-group");
            grid.add(gt, 0, 0, 2, 1);
            int r = 1;
            for (Shortcuts.Shortcut s : g.shortcuts()) {
                Label k = new Label(s.keys());
                k.getStyleClass().add("shortcut-keys");
                k.setMinWidth(Region.USE_PREF_SIZE);
                Label w = new Label(s.what());
                w.getStyleClass().add("shortcut-what");
                w.setWrapText(true);
                grid.add(k, 0, r);
                grid.add(w, 1, r);
                r++;
            }
            groups.getChildren().add(grid);
        }
        Label foot = new Label("Every button does the same with the mouse. Judgments are saved the moment you make them.  Esc closes.");
        foot.getStyleClass().add(Styles.TEXT_MUTED);
        foot.setWrapText(true);
        VBox card = new VBox(14, title, groups, foot);
        card.getStyleClass().add("shortcuts-card");
        card.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        Region backdrop = new Region();
        backdrop.getStyleClass().add("overlay-backdrop");
        backdrop.setOnMouseClicked(e -> toggleOverlay());
        overlay.getChildren().setAll(backdrop, card);
        overlay.setId("shortcuts-overlay");
        overlay.setVisible(false);
        overlay.setMinSize(0, 0); // a narrow window must not be widened by the (hidden) list
        return overlay;
    }

    private void toggleOverlay() {
        overlay.setVisible(!overlay.isVisible());
        if (!overlay.isVisible()) focusCandidates();
    }

    boolean overlayShown() {
        return overlay.isVisible();
    }

    // ---- keys -------------------------------------------------------------------------------------------------

    private void openSearch() {
        searchField.setVisible(true);
        searchField.requestFocus();
        searchField.selectAll();
    }

    private void filterKey(KeyEvent e) {
        if (overlay.isVisible()) {
            if (e.getCode() == KeyCode.ESCAPE || isQuestionMark(e)) toggleOverlay();
            e.consume();
            return;
        }
        Node owner = root.getScene() == null ? null : root.getScene().getFocusOwner();
        if (owner instanceof TextInputControl) {
            if (e.getCode() == KeyCode.ESCAPE && owner == searchField) {
                searchField.clear();
                searchField.setVisible(false);
                focusCandidates();
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE && owner == seedField) {
                seedField.setText(String.valueOf(vm.randomSeedProperty().get()));
                focusCandidates();
                e.consume();
            }
            return;
        }
        if (e.getCode() == KeyCode.TAB && !e.isControlDown() && !e.isAltDown()) {
            if (e.isShiftDown()) vm.focusPrevious();
            else vm.focusNext();
            focusCandidates();
            e.consume();
        }
    }

    private static boolean isQuestionMark(KeyEvent e) {
        return "?".equals(e.getText()) || (e.getCode() == KeyCode.SLASH && e.isShiftDown());
    }

    private static int digit(KeyCode code) {
        if (code.isDigitKey()) {
            String n = code.getName(); // "1", "Numpad 1"
            char c = n.charAt(n.length() - 1);
            return Character.isDigit(c) ? c - '0' : -1;
        }
        return -1;
    }

    private void onKey(KeyEvent e) {
        if (e.isConsumed()) return;
        if (e.getTarget() instanceof TextInputControl) return;
        if (e.isAltDown() || e.isMetaDown()) return;
        KeyCode code = e.getCode();
        if (e.isShortcutDown()) {
            if (code == KeyCode.Z) {
                vm.undo();
                e.consume();
            } else if (code == KeyCode.C && focusedCard() != null && !focusedCard().selection().selected().isEmpty()) {
                focusedCard().copySelection();
                e.consume();
            }
            return;
        }
        if (pendingPrefix != null) {
            String prefix = pendingPrefix;
            int d = digit(code);
            if (code == KeyCode.ESCAPE) {
                cancelPrefix();
                e.consume();
                return;
            }
            if (d >= 0) {
                cancelPrefix();
                int f = vm.focusedProperty().get();
                if (prefix.equals("r")) vm.rate(f, d == 0 ? null : Integer.valueOf(d));
                else if (d >= 1) vm.prefer(f, d - 1);
                e.consume();
                swallowTyped = true;
                return;
            }
            if (!code.isModifierKey()) cancelPrefix();
        }
        int d = digit(code);
        boolean handled = true;
        if (d >= 1) {
            if (e.isShiftDown()) vm.toggleWorst(d - 1);
            else vm.toggleBest(d - 1);
        } else if (isQuestionMark(e)) {
            toggleOverlay();
        } else {
            switch (code) {
                case J, RIGHT -> vm.next();
                case K, LEFT -> vm.previous();
                case HOME -> vm.first();
                case END -> vm.last();
                case G -> vm.toggleLabel(vm.focusedProperty().get(), Verdict.GOOD);
                case B -> vm.toggleLabel(vm.focusedProperty().get(), Verdict.BAD);
                case R -> startPrefix("r", "Rate candidate " + (vm.focusedProperty().get() + 1) + ": press 1\u20135 (0 clears, Esc cancels)");
                case P -> startPrefix("p", "Candidate " + (vm.focusedProperty().get() + 1) + " is better than\u2026 press its number (Esc cancels)");
                case N -> {
                    noteField.requestFocus();
                    noteField.end();
                }
                case U -> vm.undo();
                case L -> vm.makeLfFrom(selectedText());
                case SLASH, DIVIDE -> openSearch();
                case M -> vm.rawProperty().set(!vm.rawProperty().get());
                case V -> vm.revealModelsProperty().set(!vm.revealModelsProperty().get());
                case S -> vm.syncScrollProperty().set(!vm.syncScrollProperty().get());
                case Q -> {
                    queueBox.requestFocus();
                    queueBox.show();
                }
                case SPACE -> scrollFocused(e.isShiftDown() ? -1 : 1, 0);
                case PAGE_DOWN -> scrollFocused(1, 0);
                case PAGE_UP -> scrollFocused(-1, 0);
                case DOWN -> scrollFocused(0, Em.px(3));
                case UP -> scrollFocused(0, -Em.px(3));
                case ESCAPE -> cancelPrefix();
                default -> handled = false;
            }
        }
        if (handled) {
            e.consume();
            swallowTyped = true;
        }
    }

    /** The selection the expert made last: in the focused candidate, else in any candidate. */
    private String selectedText() {
        CandidateCard f = focusedCard();
        if (f != null && !f.selection().selected().isEmpty()) return f.selection().selected();
        return cards.stream().map(c -> c.selection().selected()).filter(t -> !t.isEmpty()).findFirst().orElse("");
    }

    private void startPrefix(String prefix, String text) {
        pendingPrefix = prefix;
        hint.setText(text);
        hint.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("pending"), true);
    }

    private void cancelPrefix() {
        if (pendingPrefix == null) return;
        pendingPrefix = null;
        hint.setText(vm.lastActionProperty().get());
        hint.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("pending"), false);
    }
}
