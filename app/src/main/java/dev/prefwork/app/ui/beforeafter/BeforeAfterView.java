package dev.prefwork.app.ui.beforeafter;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.beforeafter.BeforeAfterViewModel.CategoryRow;
import dev.prefwork.app.ui.beforeafter.BeforeAfterViewModel.PairRow;
import dev.prefwork.app.ui.common.Em;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.training.TrainingRun;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;
import static dev.prefwork.app.ui.common.Forms.converter;
import static dev.prefwork.app.ui.common.Forms.form;
import static dev.prefwork.app.ui.common.Forms.intSpinner;
import static dev.prefwork.app.ui.common.Forms.section;
import static dev.prefwork.app.ui.common.Forms.muted;

/**
 * The Before/after step: on the left which finished run, how many held-out prompts and an optional judge server,
 * with Compare / Cancel and the progress; on the right the tuned model's win rate over its base model with its
 * interval, the per-category table, and every prompt's two answers side by side (click one to read both in full).
 */
public final class BeforeAfterView implements Step.StepView {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d, HH:mm", Locale.ENGLISH).withZone(ZoneId.systemDefault());

    private final BeforeAfterViewModel vm;
    private final BorderPane root = new BorderPane();

    public BeforeAfterView(BeforeAfterViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("before-after-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        Node settings = settings();
        root.setLeft(settings);
        BorderPane.setMargin(settings, new Insets(0, 20, 0, 0));
        root.setCenter(results());
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void shown() {
        vm.refresh();
    }

    private Node header() {
        Label title = new Label("Before / after");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Did training help? The model a run started from and the model it trained both answer prompts "
                + "the run never saw; the reward model scores both answers, and the tuned model wins a prompt when its answer scores higher.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);
        VBox box = new VBox(4, title, subtitle);
        box.setPadding(new Insets(0, 0, 14, 0));
        return box;
    }

    // ---- left: what to compare ----------------------------------------------------------------------------------

    private Node settings() {
        ComboBox<TrainingRun> run = new ComboBox<>(vm.runs());
        run.setId("ba-run");
        run.valueProperty().bindBidirectional(vm.runProperty());
        run.setConverter(converter(r -> "Run " + r.id() + ": " + r.name()));
        run.setPromptText("no finished run yet");
        run.setMaxWidth(Double.MAX_VALUE);
        Spinner<Integer> prompts = intSpinner(vm.promptsProperty(), 1, 10_000, 10);
        prompts.setId("ba-prompts");
        prompts.setTooltip(new Tooltip("How many prompts the run did not train on to compare on (a random sample of them)"));
        Spinner<Integer> tokens = intSpinner(vm.maxNewTokensProperty(), 1, 4096, 32);
        tokens.setId("ba-max-tokens");
        GridPane form = form(new String[]{"Training run", "Prompts", "Answer length (tokens)"}, run, prompts, tokens);

        TextField url = new TextField();
        url.setId("ba-judge-url");
        url.textProperty().bindBidirectional(vm.judgeUrlProperty());
        url.setPromptText("http://localhost:8000/v1 (optional)");
        TextField model = new TextField();
        model.setId("ba-judge-model");
        model.textProperty().bindBidirectional(vm.judgeModelProperty());
        model.setPromptText("as the server names it");
        GridPane judgeForm = form(new String[]{"Server", "Model"}, url, model);
        Label judgeNote = muted("A judge model on an OpenAI-compatible server also compares each pair. It is asked twice, the answers "
                + "swapped, and votes only when both times agree.");

        Button compare = new Button("Compare");
        compare.setId("ba-compare");
        compare.getStyleClass().add(Styles.ACCENT);
        compare.setDefaultButton(true);
        compare.disableProperty().bind(vm.runningProperty().or(vm.runProperty().isNull()));
        compare.setOnAction(e -> vm.compare());
        Button cancel = new Button("Cancel");
        cancel.setId("ba-cancel");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        HBox buttons = new HBox(8, compare, cancel);

        ProgressBar bar = new ProgressBar();
        bar.setId("ba-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(vm.progressProperty());
        bar.visibleProperty().bind(vm.runningProperty());
        bar.managedProperty().bind(bar.visibleProperty());
        Label progressText = new Label();
        progressText.setId("ba-progress-text");
        progressText.setWrapText(true);
        progressText.getStyleClass().add(Styles.TEXT_SMALL);
        progressText.textProperty().bind(vm.progressTextProperty());
        progressText.visibleProperty().bind(vm.runningProperty());
        progressText.managedProperty().bind(progressText.visibleProperty());
        Label message = new Label();
        message.setId("ba-message");
        message.setWrapText(true);
        message.textProperty().bind(vm.messageProperty());
        Runnable style = () -> {
            message.getStyleClass().removeAll(Styles.DANGER, Styles.TEXT_MUTED);
            message.getStyleClass().add(vm.messageIsErrorProperty().get() ? Styles.DANGER : Styles.TEXT_MUTED);
        };
        vm.messageIsErrorProperty().addListener((o, a, b) -> style.run());
        style.run();
        message.visibleProperty().bind(vm.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());

        ComboBox<ComparisonRepository.Stored> history = new ComboBox<>(vm.history());
        history.setId("ba-history");
        history.valueProperty().bindBidirectional(vm.shownProperty());
        history.setConverter(converter(c -> "#" + c.id() + " · " + WHEN.format(c.createdAt()) + " · " + c.promptCount() + " prompts · "
                + c.status().toLowerCase(Locale.ROOT)));
        history.setPromptText("none yet");
        history.setMaxWidth(Double.MAX_VALUE);

        VBox box = new VBox(8, section("What to compare"), form,
                muted("Both models answer through the trainer on this computer. The answers are added to their prompts as "
                        + "candidates, and the reward model is refitted so it can score them."),
                section("Judge model (optional)"), judgeForm, judgeNote,
                new Region(), buttons, bar, progressText, message,
                section("Earlier comparisons"), history);
        box.setPrefWidth(Em.px(25));
        box.setMinWidth(Em.px(19));
        box.setMaxWidth(Em.px(28));
        return box;
    }

    // ---- right: the result --------------------------------------------------------------------------------------

    private Node results() {
        Label overall = new Label();
        overall.setId("ba-overall");
        overall.getStyleClass().add(Styles.TITLE_2);
        overall.setWrapText(true);
        overall.textProperty().bind(vm.overallProperty());
        Label detail = new Label();
        detail.setId("ba-overall-detail");
        detail.getStyleClass().add(Styles.TEXT_MUTED);
        detail.setWrapText(true);
        detail.textProperty().bind(vm.overallDetailProperty());
        Label judge = new Label();
        judge.setId("ba-judge");
        judge.setWrapText(true);
        judge.textProperty().bind(vm.judgeTextProperty());
        judge.visibleProperty().bind(vm.judgeTextProperty().isNotEmpty());
        judge.managedProperty().bind(judge.visibleProperty());
        Label empty = new Label("Choose a finished run and press Compare. With the tiny test model the answers are noise; the "
                + "numbers become meaningful with a real model.");
        empty.setId("ba-empty");
        empty.setWrapText(true);
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        empty.visibleProperty().bind(vm.reportProperty().isNull());
        empty.managedProperty().bind(empty.visibleProperty());

        TableView<CategoryRow> cats = new TableView<>(vm.categories());
        cats.setId("ba-categories");
        cats.getStyleClass().add(Styles.DENSE);
        TableColumn<CategoryRow, String> category = column("Category", CategoryRow::category, 12);
        category.setMinWidth(Em.px(7));
        cats.getColumns().add(category);
        cats.getColumns().add(shrinkable(column("Wins", CategoryRow::winRate, 6)));
        cats.getColumns().add(shrinkable(column("95% interval", CategoryRow::interval, 9)));
        cats.getColumns().add(shrinkable(column("Prompts", r -> Integer.toString(r.n()), 6)));
        cats.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        cats.setPlaceholder(new Label("No comparison yet"));
        // tall enough for every category (up to six rows, then it scrolls)
        cats.setFixedCellSize(Em.px(2.2));
        cats.prefHeightProperty().bind(Bindings.createDoubleBinding(() -> (Math.min(6, Math.max(3, cats.getItems().size())) + 1.3)
                * cats.getFixedCellSize(), cats.getItems()));
        cats.minHeightProperty().bind(cats.prefHeightProperty());

        TableView<PairRow> pairs = new TableView<>(vm.pairs());
        pairs.setId("ba-pairs");
        pairs.getStyleClass().add(Styles.DENSE);
        pairs.getColumns().add(column("Prompt", r -> oneLine(r.prompt()), 22));
        pairs.getColumns().add(fixed(column("Category", PairRow::category, 9)));
        pairs.getColumns().add(column("Base answer", r -> oneLine(r.baseText()), 16));
        pairs.getColumns().add(fixed(column("Base", PairRow::baseScore, 5)));
        pairs.getColumns().add(column("Tuned answer", r -> oneLine(r.tunedText()), 16));
        pairs.getColumns().add(fixed(column("Tuned", PairRow::tunedScore, 5.5)));
        pairs.getColumns().add(fixed(column("Outcome", PairRow::outcome, 7.5)));
        TableColumn<PairRow, String> judgeColumn = fixed(column("Judge", PairRow::judge, 5));
        // the judge's column only when a judge ran
        judgeColumn.visibleProperty().bind(vm.judgeTextProperty().isNotEmpty());
        pairs.getColumns().add(judgeColumn);
        pairs.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        pairs.setPlaceholder(new Label("No comparison yet"));
        pairs.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) vm.selectedPairProperty().set(b);
        });
        vm.selectedPairProperty().addListener((o, a, b) -> {
            if (b != null && pairs.getSelectionModel().getSelectedItem() != b) pairs.getSelectionModel().select(b);
        });

        TextArea prompt = area("ba-prompt-text", 2);
        TextArea base = area("ba-base-text", 6);
        TextArea tuned = area("ba-tuned-text", 6);
        prompt.textProperty().bind(Bindings.createStringBinding(() -> text(vm.selectedPairProperty().get(), PairRow::prompt),
                vm.selectedPairProperty()));
        base.textProperty().bind(Bindings.createStringBinding(() -> text(vm.selectedPairProperty().get(), PairRow::baseText),
                vm.selectedPairProperty()));
        tuned.textProperty().bind(Bindings.createStringBinding(() -> text(vm.selectedPairProperty().get(), PairRow::tunedText),
                vm.selectedPairProperty()));
        Label baseTitle = new Label();
        baseTitle.textProperty().bind(Bindings.createStringBinding(() -> "Base model · score "
                + text(vm.selectedPairProperty().get(), PairRow::baseScore), vm.selectedPairProperty()));
        Label tunedTitle = new Label();
        tunedTitle.textProperty().bind(Bindings.createStringBinding(() -> "Tuned model · score "
                + text(vm.selectedPairProperty().get(), PairRow::tunedScore), vm.selectedPairProperty()));
        baseTitle.getStyleClass().add(Styles.TEXT_BOLD);
        tunedTitle.getStyleClass().add(Styles.TEXT_BOLD);
        VBox baseBox = new VBox(4, baseTitle, base);
        VBox tunedBox = new VBox(4, tunedTitle, tuned);
        VBox.setVgrow(base, Priority.ALWAYS);
        VBox.setVgrow(tuned, Priority.ALWAYS);
        HBox both = new HBox(12, baseBox, tunedBox);
        HBox.setHgrow(baseBox, Priority.ALWAYS);
        HBox.setHgrow(tunedBox, Priority.ALWAYS);
        baseBox.setMaxWidth(Double.MAX_VALUE);
        tunedBox.setMaxWidth(Double.MAX_VALUE);
        baseBox.setPrefWidth(100);
        tunedBox.setPrefWidth(100);
        VBox detailPane = new VBox(6, prompt, both);
        VBox.setVgrow(both, Priority.ALWAYS);

        SplitPane split = new SplitPane(pairs, detailPane);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        Label perCategory = section("By category");
        perCategory.setPadding(Insets.EMPTY);
        Label perPrompt = section("Prompt by prompt (click one to read both answers)");
        VBox summary = new VBox(6, empty, overall, detail, judge);
        summary.setMinWidth(Em.px(14));
        summary.setPrefWidth(Em.px(18));
        summary.setMaxWidth(Em.px(24));
        VBox byCategory = new VBox(4, perCategory, cats);
        byCategory.setPrefWidth(Em.px(46));
        byCategory.setMinWidth(Em.px(26));
        HBox.setHgrow(byCategory, Priority.ALWAYS);
        HBox top = new HBox(20, summary, byCategory);
        VBox box = new VBox(6, top, perPrompt, split);
        box.setAlignment(Pos.TOP_LEFT);
        VBox.setVgrow(split, Priority.ALWAYS);
        return box;
    }

    private static String text(PairRow r, Function<PairRow, String> f) {
        return r == null ? "" : f.apply(r);
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    private static TextArea area(String id, int rows) {
        TextArea a = new TextArea();
        a.setId(id);
        a.setEditable(false);
        a.setWrapText(true);
        a.setPrefRowCount(rows);
        return a;
    }

    private static <R> TableColumn<R, String> column(String title, Function<R, String> value, double em) {
        TableColumn<R, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(Em.px(em));
        return c;
    }

    /** A column that keeps its width when the table shares out the rest. */
    private static <R> TableColumn<R, String> fixed(TableColumn<R, String> c) {
        c.setMinWidth(c.getPrefWidth());
        c.setMaxWidth(c.getPrefWidth() * 1.4);
        return c;
    }

    /** A column that keeps most of its width on a small screen. */
    private static <R> TableColumn<R, String> shrinkable(TableColumn<R, String> c) {
        c.setMinWidth(c.getPrefWidth() * 0.75);
        c.setMaxWidth(c.getPrefWidth() * 1.4);
        return c;
    }
}
