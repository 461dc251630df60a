package dev.prefwork.app.ui.rankings;

import atlantafx.base.theme.Styles;
import dev.prefwork.reward.LengthControl;
import dev.prefwork.reward.RewardMetrics;
import dev.prefwork.app.ui.rankings.RankingsViewModel.AspectWeight;
import dev.prefwork.app.ui.rankings.RankingsViewModel.Bin;
import dev.prefwork.app.ui.rankings.RankingsViewModel.CandidateRow;
import dev.prefwork.app.ui.rankings.RankingsViewModel.Figure;
import dev.prefwork.app.ui.rankings.RankingsViewModel.PromptDetail;
import dev.prefwork.app.ui.rankings.RankingsViewModel.PromptRow;
import dev.prefwork.app.ui.rankings.RankingsViewModel.Reason;
import dev.prefwork.app.ui.rankings.RankingsViewModel.ReviewRow;
import dev.prefwork.app.ui.rankings.RankingsViewModel.ViewState;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.reward.eval.Calibration;
import dev.prefwork.reward.features.FeatureGroup;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.StringConverter;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import static dev.prefwork.app.ui.common.Forms.section;
import static dev.prefwork.app.ui.common.Forms.muted;

/**
 * The Rankings step: settings on the left (model, regularisation, features, folds, the external scorer to compare,
 * aspect weights that re-rank live), the model's held-out accuracy beside the baselines on top, and three tabs: each
 * prompt's candidates ordered by score with bars, margin and "why"; the margin histogram and calibration; the
 * needs-review queue, whose prompts open in Compare &amp; label.
 */
public final class RankingsView implements Step.StepView {

    private final RankingsViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();

    public RankingsView(RankingsViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("rankings-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        ScrollPane settings = new ScrollPane(settings());
        settings.setFitToWidth(true);
        settings.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        settings.setPrefWidth(240);
        settings.setMinWidth(210);
        settings.getStyleClass().add("edge-to-edge");
        root.setLeft(settings);
        BorderPane.setMargin(settings, new Insets(0, 16, 0, 0));
        root.setCenter(results());
        vm.refresh();
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void shown() {
        vm.refresh(); // gold given in Compare or LFs edited meanwhile: staleness and the queue may have changed
    }

    // ---- header ---------------------------------------------------------------------------------------------------

    private Node header() {
        Label title = new Label("Rankings");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("A reward model learns from your gold, the labeling functions and the label model, and ranks every"
                + " prompt's candidates.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);
        Label modelText = new Label();
        modelText.setId("rk-model-text");
        modelText.textProperty().bind(vm.modelTextProperty());
        modelText.getStyleClass().add(Styles.TEXT_SMALL);

        Button fit = new Button("Fit reward model");
        fit.setId("rk-fit");
        fit.setDefaultButton(true);
        fit.getStyleClass().add(Styles.ACCENT);
        fit.setMinWidth(Region.USE_PREF_SIZE);
        fit.disableProperty().bind(vm.fittingProperty().or(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE)));
        fit.setOnAction(e -> vm.fit());
        ProgressBar progress = new ProgressBar();
        progress.setPrefWidth(140);
        Button cancel = new Button("Cancel");
        cancel.setId("rk-cancel");
        cancel.getStyleClass().add(Styles.FLAT);
        cancel.setOnAction(e -> vm.cancelFit());
        HBox busy = new HBox(6, progress, cancel);
        busy.setAlignment(Pos.CENTER_LEFT);
        busy.visibleProperty().bind(vm.fittingProperty());
        busy.managedProperty().bind(busy.visibleProperty());

        VBox titles = new VBox(4, title, subtitle, modelText);
        HBox.setHgrow(titles, Priority.ALWAYS);
        HBox top = new HBox(12, titles, busy, fit);
        top.setAlignment(Pos.CENTER_LEFT);

        Label staleText = new Label();
        staleText.setWrapText(true);
        staleText.textProperty().bind(Bindings.concat("These rankings are stale: ", vm.staleReasonProperty(), ". Refit to use what changed."));
        staleText.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(staleText, Priority.ALWAYS);
        Button refit = new Button("Refit");
        refit.setId("rk-refit");
        refit.getStyleClass().add(Styles.ACCENT);
        refit.disableProperty().bind(vm.fittingProperty());
        refit.setOnAction(e -> vm.refit());
        HBox staleBanner = banner(new HBox(12, staleText, refit), "rk-stale-banner");
        staleBanner.visibleProperty().bind(vm.staleProperty());
        staleBanner.managedProperty().bind(staleBanner.visibleProperty());

        Label lengthText = new Label();
        lengthText.setWrapText(true);
        lengthText.textProperty().bind(vm.lengthWarningProperty());
        HBox lengthBanner = banner(new HBox(lengthText), "rk-length-warning");
        lengthBanner.visibleProperty().bind(vm.lengthWarningProperty().isNotEmpty());
        lengthBanner.managedProperty().bind(lengthBanner.visibleProperty());

        VBox box = new VBox(6, top, staleBanner, lengthBanner);
        box.setPadding(new Insets(0, 0, 10, 0));
        return box;
    }

    private static HBox banner(HBox content, String id) {
        content.setId(id);
        content.setAlignment(Pos.CENTER_LEFT);
        content.setPadding(new Insets(6, 12, 6, 12));
        content.getStyleClass().add("rk-banner");
        return content;
    }

    // ---- settings -------------------------------------------------------------------------------------------------

    private Node settings() {
        ComboBox<String> kind = new ComboBox<>();
        kind.setId("rk-kind");
        kind.getItems().setAll(vm.kinds());
        kind.valueProperty().bindBidirectional(vm.kindProperty());
        kind.setConverter(new StringConverter<>() {
            @Override public String toString(String k) { return k == null ? "" : k.equals("linear") ? "Linear (explainable)" : "Small MLP"; }
            @Override public String fromString(String s) { return s; }
        });
        kind.setMaxWidth(Double.MAX_VALUE);

        Spinner<Double> l2 = new Spinner<>(0.0, 10.0, vm.l2Property().get(), 0.005);
        l2.setEditable(true);
        l2.getValueFactory().valueProperty().addListener((o, a, b) -> vm.l2Property().set(b));
        Spinner<Integer> folds = new Spinner<>(2, 20, vm.foldsProperty().get(), 1);
        folds.setEditable(true);
        folds.getValueFactory().valueProperty().addListener((o, a, b) -> vm.foldsProperty().set(b));
        l2.setMaxWidth(Double.MAX_VALUE);
        folds.setMaxWidth(Double.MAX_VALUE);
        ComboBox<LengthControl> lengthControl = new ComboBox<>();
        lengthControl.setId("rk-length-control");
        lengthControl.getItems().setAll(LengthControl.values());
        lengthControl.valueProperty().bindBidirectional(vm.lengthControlProperty());
        lengthControl.setConverter(new StringConverter<>() {
            @Override public String toString(LengthControl c) {
                return c == null ? "" : switch (c) {
                    case AUTO -> "Auto";
                    case ON -> "On";
                    case OFF -> "Off";
                };
            }
            @Override public LengthControl fromString(String s) { return LengthControl.AUTO; }
        });
        lengthControl.setMaxWidth(Double.MAX_VALUE);
        lengthControl.setTooltip(wide("Length control fits with response length as a nuisance and scores every candidate as if it had"
                + " its prompt's median length, so a longer answer does not win for being longer. Auto turns it on when the plain"
                + " model's scores follow length within prompts (Spearman ≥ " + LengthControl.AUTO_THRESHOLD + ")."));
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        form.addRow(0, fixed(new Label("L2 strength")), l2);
        form.addRow(1, fixed(new Label("Folds (by prompt)")), folds);

        GridPane.setHgrow(l2, Priority.ALWAYS);
        GridPane.setHgrow(folds, Priority.ALWAYS);

        VBox features = new VBox(4);
        for (FeatureGroup g : FeatureGroup.values()) {
            CheckBox c = new CheckBox(g.title());
            c.setId("rk-feature-" + g.key());
            c.setWrapText(true);
            c.selectedProperty().bindBidirectional(vm.featureProperty(g));
            features.getChildren().add(c);
        }

        VBox weights = new VBox(6);
        weights.setId("rk-weights");
        Runnable rebuild = () -> {
            weights.getChildren().clear();
            if (vm.aspectWeights().isEmpty()) weights.getChildren().add(muted("Fit a model that uses LFs to weigh their aspects."));
            for (AspectWeight w : vm.aspectWeights()) weights.getChildren().add(weightRow(w));
        };
        vm.aspectWeights().addListener((ListChangeListener<AspectWeight>) c -> rebuild.run());
        rebuild.run();
        Button equal = new Button("Equal weights");
        equal.setId("rk-equal-weights");
        equal.getStyleClass().addAll(Styles.FLAT, Styles.SMALL);
        equal.setOnAction(e -> vm.resetWeights());

        Label scorer = new Label();
        scorer.setId("rk-scorer");
        scorer.setWrapText(true);
        scorer.getStyleClass().addAll(Styles.TEXT_SMALL);
        scorer.textProperty().bind(Bindings.createStringBinding(() -> vm.externalScorerProperty().get() == null ? "No external scorer"
                : vm.externalScorerProperty().get().getFileName().toString(), vm.externalScorerProperty()));
        Button choose = new Button("Choose…");
        choose.getStyleClass().add(Styles.SMALL);
        choose.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("A folder with an ONNX scorer (model.onnx and tokenizer.json)");
            File dir = chooser.showDialog(root.getScene().getWindow());
            if (dir != null) vm.externalScorerProperty().set(dir.toPath());
        });
        Button clear = new Button("Clear");
        clear.getStyleClass().addAll(Styles.SMALL, Styles.FLAT);
        clear.setOnAction(e -> vm.externalScorerProperty().set(null));
        clear.visibleProperty().bind(vm.externalScorerProperty().isNotNull());
        clear.managedProperty().bind(clear.visibleProperty());
        HBox scorerRow = new HBox(6, scorer, choose, clear);
        scorerRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(scorer, Priority.ALWAYS);
        scorer.setMaxWidth(Double.MAX_VALUE);

        VBox box = new VBox(8,
                section("Aspect weights"),
                muted("How much each aspect's LFs and label-model P(GOOD) count in the score. Rankings and the held-out accuracy update as you move them."),
                weights, equal,
                section("Model"), kind, form,
                fixed(new Label("Length control")), lengthControl,
                section("Features"), features,
                section("Compare with"),
                muted("An external ONNX reward model or classifier ranks the same candidates at the next fit."),
                scorerRow);
        box.setPadding(new Insets(0, 12, 12, 0));
        return box;
    }

    private Node weightRow(AspectWeight w) {
        Label name = new Label(w.aspect());
        Slider slider = new Slider(0, 3, w.weightProperty().get());
        slider.setId("rk-weight-" + w.aspect());
        slider.setBlockIncrement(0.25);
        slider.valueProperty().bindBidirectional(w.weightProperty());
        Label value = new Label();
        value.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%.2f", w.weightProperty().get()),
                w.weightProperty()));
        value.setMinWidth(34);
        HBox.setHgrow(slider, Priority.ALWAYS);
        HBox row = new HBox(8, slider, value);
        row.setAlignment(Pos.CENTER_LEFT);
        return new VBox(1, name, row);
    }

    // ---- results --------------------------------------------------------------------------------------------------

    private Node results() {
        HBox figures = new HBox(10);
        figures.setId("rk-figures");
        vm.figures().addListener((ListChangeListener<Figure>) c -> fillFigures(figures));
        fillFigures(figures);
        Label heldOut = small(vm.heldOutTextProperty(), "rk-held-out-text");
        Label length = small(vm.lengthTextProperty(), "rk-length-text");
        Label lengthControl = small(vm.lengthControlTextProperty(), "rk-length-control-text");
        lengthControl.setMinWidth(0);
        FlowPane lines = new FlowPane(16, 2, heldOut, length);
        VBox top = new VBox(4, figures, lines, lengthControl);

        tabs.setId("rk-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        Tab rankings = new Tab("Rankings", rankingsTab());
        rankings.setId("rk-tab-rankings");
        Tab charts = new Tab("Margins, calibration & gold weight", chartsTab());
        charts.setId("rk-tab-charts");
        Tab review = new Tab("Needs review", reviewTab());
        review.setId("rk-tab-review");
        review.textProperty().bind(Bindings.createStringBinding(() -> {
            long pending = vm.review().stream().filter(r -> !r.reviewed()).count();
            return pending == 0 ? "Needs review" : "Needs review (" + pending + ")";
        }, vm.review()));
        tabs.getTabs().setAll(rankings, charts, review);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        VBox content = new VBox(8, top, tabs);

        Label empty = new Label();
        empty.setId("rk-empty");
        empty.setWrapText(true);
        empty.getStyleClass().add(Styles.TITLE_4);
        empty.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.stateProperty().get()) {
            case NO_WORKSPACE -> "Open a workspace to rank its candidates.";
            case LOADING -> "Reading the reward model…";
            case NOT_FITTED -> "No reward model fitted yet. Press Fit reward model: it applies your labeling functions, fits the label"
                    + " model if needed, embeds the responses and learns from your gold.";
            case READY -> "";
        }, vm.stateProperty()));
        StackPane stack = new StackPane(content, empty);
        StackPane.setAlignment(empty, Pos.TOP_LEFT);
        content.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.READY));
        empty.visibleProperty().bind(content.visibleProperty().not());
        return stack;
    }

    private void fillFigures(HBox box) {
        box.getChildren().clear();
        for (Figure f : vm.figures()) {
            Label t = new Label(f.model() ? "Reward model (held out)" : f.label());
            t.getStyleClass().add(Styles.TEXT_MUTED);
            t.setTextOverrun(OverrunStyle.ELLIPSIS);
            Label v = new Label(RankingsViewModel.pct(f.accuracy()));
            v.getStyleClass().add(Styles.TITLE_3);
            if (f.model()) v.setId("rk-model-accuracy");
            Label n = new Label(f.model() ? "of your gold pairs ordered right" : "same pairs");
            n.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
            VBox card = new VBox(1, t, v, n);
            card.getStyleClass().add("rk-figure");
            if (f.model()) card.getStyleClass().add("rk-figure-model");
            card.setPadding(new Insets(6, 10, 6, 10));
            card.setMinWidth(100);
            card.setPrefWidth(150);
            card.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(card, Priority.ALWAYS);
            Tooltip.install(card, new Tooltip(f.label() + ": " + RankingsViewModel.pct(f.accuracy()) + " of " + f.pairs()
                    + " gold pairs (a tie counts half)"));
            box.getChildren().add(card);
        }
    }

    // ---- the rankings tab -------------------------------------------------------------------------------------------

    private Node rankingsTab() {
        TableView<PromptRow> table = new TableView<>(vm.prompts());
        table.setId("rk-prompts");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Prompt", r -> (r.review() == null ? "" : "⚑ ") + r.sourceId(), 160));
        table.getColumns().add(column("Gap", r -> num(r.topGap()), 60));
        table.setPlaceholder(new Label("No prompts."));
        table.setTooltip(new Tooltip("Gap: the first candidate's score minus the second's (small: the model is unsure which is best)."
                + " Least sure first; ⚑ marks a prompt in the needs-review queue."));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) vm.select(b.promptId());
        });
        table.setRowFactory(t -> {
            TableRow<PromptRow> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) vm.open(row.getItem().promptId());
            });
            return row;
        });
        table.setMinWidth(220);
        table.setPrefWidth(290);

        VBox detail = new VBox(10);
        detail.setId("rk-detail");
        detail.setPadding(new Insets(4, 12, 12, 12));
        vm.detailProperty().addListener((o, a, d) -> fillDetail(detail, d));
        fillDetail(detail, vm.detailProperty().get());
        ScrollPane scroll = new ScrollPane(detail);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.getStyleClass().add("edge-to-edge");

        SplitPane split = new SplitPane(table, scroll);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.32);
        SplitPane.setResizableWithParent(table, false);
        return split;
    }

    private void fillDetail(VBox box, PromptDetail d) {
        box.getChildren().clear();
        if (d == null) {
            box.getChildren().add(muted("Choose a prompt on the left to see its candidates in the model's order."));
            return;
        }
        Label id = new Label(d.sourceId() + (d.category() == null ? "" : "  ·  " + d.category()));
        id.getStyleClass().add(Styles.TITLE_4);
        Button open = new Button("Open in Compare");
        open.setId("rk-open-compare");
        open.getStyleClass().add(Styles.SMALL);
        open.setOnAction(e -> vm.open(d.promptId()));
        HBox head = new HBox(10, id, new Spacer(), open);
        head.setAlignment(Pos.CENTER_LEFT);
        box.getChildren().add(head);
        if (d.review() != null) {
            Label why = new Label("Needs review: " + d.review());
            why.setWrapText(true);
            why.getStyleClass().add("rk-review-reason");
            box.getChildren().add(why);
        }
        Label prompt = new Label(d.text());
        prompt.setWrapText(true);
        prompt.setMaxHeight(80);
        prompt.setTextOverrun(OverrunStyle.ELLIPSIS);
        prompt.getStyleClass().add("rk-prompt-text");
        prompt.setTooltip(wide(d.text()));
        Label margin = new Label(String.format(Locale.ROOT, "First vs last %s · first vs second %s (%.0f%% that the first is better)",
                num(d.margin()), num(d.topGap()), Double.isNaN(d.topGap()) ? 50.0 : 100 / (1 + Math.exp(-d.topGap()))));
        margin.setId("rk-margin");
        margin.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        box.getChildren().addAll(prompt, margin);
        for (CandidateRow c : d.candidates()) box.getChildren().add(candidate(c));
        if (!d.lengthRows().isEmpty()) box.getChildren().add(lengthSideBySide(d.lengthRows()));
    }

    /** The prompt's candidates ranked plain and length-controlled, side by side: where length alone moved a candidate. */
    private Node lengthSideBySide(List<RankingsViewModel.LengthRow> rows) {
        GridPane grid = new GridPane();
        grid.setId("rk-length-side-by-side");
        grid.setHgap(14);
        grid.setVgap(3);
        grid.addRow(0, muted("Rank"), muted("Plain"), muted("Length-controlled (length at the prompt's median)"));
        List<RankingsViewModel.LengthRow> byControlled = rows.stream()
                .sorted(java.util.Comparator.comparingInt(RankingsViewModel.LengthRow::controlledRank)).toList();
        for (int i = 0; i < rows.size(); i++) {
            RankingsViewModel.LengthRow plain = rows.get(i), ctrl = byControlled.get(i);
            Label p = new Label(String.format(Locale.ROOT, "candidate %d · %,d chars", plain.position(), plain.chars()));
            Label c = new Label(String.format(Locale.ROOT, "candidate %d · %,d chars", ctrl.position(), ctrl.chars()));
            if (ctrl.candidateId() != plain.candidateId()) c.getStyleClass().add(Styles.ACCENT);
            c.setTooltip(wide(ctrl.preview()));
            p.setTooltip(wide(plain.preview()));
            grid.addRow(i + 1, muted("#" + (i + 1)), p, c);
        }
        grid.setMinWidth(0);
        VBox box = new VBox(4, section("Plain vs length-controlled ranking"),
                small(vm.lengthControlTextProperty(), "rk-length-side-text"), grid);
        box.setPadding(new Insets(8, 0, 0, 0));
        return box;
    }

    private Node candidate(CandidateRow c) {
        Label rank = new Label("#" + c.rank());
        rank.getStyleClass().addAll(Styles.TITLE_4, "rk-rank");
        rank.setMinWidth(Region.USE_PREF_SIZE);
        Region fill = new Region();
        fill.getStyleClass().add("rk-bar-fill");
        StackPane bar = new StackPane(fill);
        bar.getStyleClass().add("rk-bar");
        bar.setPrefWidth(160);
        bar.setMinWidth(80);
        bar.setPrefHeight(12);
        bar.setMaxHeight(12);
        StackPane.setAlignment(fill, Pos.CENTER_LEFT);
        fill.maxWidthProperty().bind(bar.widthProperty().multiply(Math.max(0.03, c.bar())));
        fill.setMaxHeight(Double.MAX_VALUE);
        Label score = new Label(String.format(Locale.ROOT, "%+.2f", c.score()));
        score.getStyleClass().add("rk-score");
        score.setMinWidth(Region.USE_PREF_SIZE);
        Label p = new Label(String.format(Locale.ROOT, "P(GOOD) %.2f", c.pGood()));
        p.setMinWidth(Region.USE_PREF_SIZE);
        Label meta = new Label(String.format(Locale.ROOT, "candidate %d · %,d chars", c.position(), c.chars()));
        meta.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        meta.setMinWidth(0);
        HBox line = new HBox(10, rank, bar, score, p, meta);
        line.setAlignment(Pos.CENTER_LEFT);
        if (!c.gold().isEmpty()) {
            for (String mark : c.gold().split(" (?=[a-zA-Z])")) {
                Label g = new Label(mark);
                g.getStyleClass().addAll("candidate-badge", mark.equals("best") || mark.equals("GOOD") ? "badge-good"
                        : mark.equals("worst") || mark.equals("BAD") ? "badge-bad" : "badge-accent");
                g.setMinWidth(Region.USE_PREF_SIZE);
                line.getChildren().add(g);
            }
        }
        if (!Double.isNaN(c.external())) {
            Label ext = new Label(String.format(Locale.ROOT, "external #%d (%.2f)", c.externalRank(), c.external()));
            ext.getStyleClass().addAll("candidate-badge", "badge-warning");
            ext.setMinWidth(Region.USE_PREF_SIZE);
            Tooltip.install(ext, new Tooltip("The external scorer's rank and score for this candidate"));
            line.getChildren().add(ext);
        }
        Label preview = new Label(c.preview());
        preview.setWrapText(true);
        preview.setMaxHeight(40);
        preview.setTextOverrun(OverrunStyle.ELLIPSIS);
        preview.setTooltip(wide(c.text()));
        VBox card = new VBox(4, line, preview);
        card.getChildren().addAll(reasons("Why, vs the other answers", c.why(), "rk-why", card), reasons("LFs fired", c.lfs(), "rk-lfs", card));
        card.getStyleClass().add("rk-candidate");
        card.setPadding(new Insets(8, 10, 8, 10));
        return card;
    }

    private static Node reasons(String title, List<Reason> reasons, String styleClass, Region width) {
        FlowPane flow = new FlowPane(6, 4);
        flow.prefWrapLengthProperty().bind(width.widthProperty().subtract(24));
        flow.getStyleClass().add(styleClass);
        Label t = new Label(title + ":");
        t.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        flow.getChildren().add(t);
        if (reasons.isEmpty()) {
            Label none = new Label("none");
            none.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
            flow.getChildren().add(none);
        }
        for (Reason r : reasons) {
            Label chip = new Label(String.format(Locale.ROOT, "%+.2f %s", r.value(), r.label().startsWith("LF: ") && styleClass.equals("rk-lfs")
                    ? r.label().substring(4) : r.label()));
            chip.getStyleClass().addAll("rk-chip", r.value() >= 0 ? "rk-chip-up" : "rk-chip-down");
            if (r.aspect() != null) Tooltip.install(chip, new Tooltip("Aspect: " + r.aspect() + " (its slider scales this)"));
            flow.getChildren().add(chip);
        }
        return flow;
    }

    // ---- the charts tab ---------------------------------------------------------------------------------------------

    private Node chartsTab() {
        CategoryAxis x = new CategoryAxis();
        x.setLabel("top-vs-bottom margin (score units)");
        NumberAxis y = new NumberAxis();
        y.setLabel("prompts");
        y.setMinorTickVisible(false);
        BarChart<String, Number> hist = new BarChart<>(x, y);
        hist.setId("rk-histogram");
        hist.setLegendVisible(false);
        hist.setAnimated(false);
        hist.setCategoryGap(2);
        hist.setBarGap(0);
        hist.setMinHeight(220);
        Runnable fillHist = () -> {
            XYChart.Series<String, Number> s = new XYChart.Series<>();
            for (Bin b : vm.histogram()) s.getData().add(new XYChart.Data<>(b.label(), b.count()));
            hist.getData().setAll(List.of(s));
        };
        vm.histogram().addListener((ListChangeListener<Bin>) c -> fillHist.run());
        fillHist.run();

        NumberAxis px = new NumberAxis(0, 1, 0.1);
        px.setLabel("predicted P(GOOD) (held out)");
        NumberAxis py = new NumberAxis(0, 1, 0.1);
        py.setLabel("share GOOD in your gold");
        LineChart<Number, Number> reliability = new LineChart<>(px, py);
        reliability.setId("rk-calibration");
        reliability.setAnimated(false);
        reliability.setMinHeight(220);
        Runnable fillCal = () -> {
            XYChart.Series<Number, Number> ideal = new XYChart.Series<>();
            ideal.setName("calibrated");
            ideal.getData().add(new XYChart.Data<>(0, 0));
            ideal.getData().add(new XYChart.Data<>(1, 1));
            XYChart.Series<Number, Number> seen = new XYChart.Series<>();
            seen.setName("reward model");
            for (Calibration.Bin b : vm.calibration()) {
                if (b.count() > 0) seen.getData().add(new XYChart.Data<>(b.meanPredicted(), b.fractionGood()));
            }
            reliability.getData().setAll(List.of(ideal, seen));
        };
        vm.calibration().addListener((ListChangeListener<Calibration.Bin>) c -> fillCal.run());
        fillCal.run();

        VBox left = new VBox(4, section("Margins across prompts"), small(vm.histogramTextProperty(), "rk-histogram-text"), hist);
        VBox right = new VBox(4, section("Calibration"), small(vm.calibrationTextProperty(), "rk-calibration-text"), reliability);
        VBox.setVgrow(hist, Priority.ALWAYS);
        VBox.setVgrow(reliability, Priority.ALWAYS);
        HBox.setHgrow(left, Priority.ALWAYS);
        HBox.setHgrow(right, Priority.ALWAYS);
        left.setPrefWidth(400);
        right.setPrefWidth(400);
        CategoryAxis gx = new CategoryAxis();
        gx.setLabel("weight of your gold vs the weak labels");
        NumberAxis gy = new NumberAxis();
        gy.setLabel("held-out pairwise accuracy");
        gy.setForceZeroInRange(false);
        LineChart<String, Number> goldCurve = new LineChart<>(gx, gy);
        goldCurve.setId("rk-gold-weight-curve");
        goldCurve.setAnimated(false);
        goldCurve.setLegendVisible(false);
        goldCurve.setMinHeight(220);
        Runnable fillGold = () -> {
            XYChart.Series<String, Number> s = new XYChart.Series<>();
            for (RewardMetrics.GoldWeightPoint pt : vm.goldWeightCurve()) {
                if (!Double.isNaN(pt.accuracy())) s.getData().add(new XYChart.Data<>(pt.label(), pt.accuracy()));
            }
            goldCurve.getData().setAll(List.of(s));
        };
        vm.goldWeightCurve().addListener((ListChangeListener<RewardMetrics.GoldWeightPoint>) c -> fillGold.run());
        fillGold.run();
        VBox gold = new VBox(4, section("Gold weight (cross-validation)"), small(vm.goldWeightTextProperty(), "rk-gold-weight-text"),
                goldCurve);
        VBox.setVgrow(goldCurve, Priority.ALWAYS);
        HBox.setHgrow(gold, Priority.ALWAYS);
        gold.setPrefWidth(400);
        for (Region r : List.of(left, right, gold, hist, reliability, goldCurve)) r.setMinWidth(0);
        HBox charts = new HBox(16, left, right, gold);
        Label external = small(vm.externalTextProperty(), "rk-external-text");
        Label notes = small(vm.notesTextProperty(), "rk-notes");
        VBox box = new VBox(8, charts, external, notes);
        VBox.setVgrow(charts, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    // ---- the review tab ---------------------------------------------------------------------------------------------

    private Node reviewTab() {
        TableView<ReviewRow> table = new TableView<>(vm.review());
        table.setId("rk-review");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Prompt", ReviewRow::sourceId, 130));
        table.getColumns().add(column("Status", r -> r.reviewed() ? "reviewed" : "to review", 80));
        table.getColumns().add(column("Why", ReviewRow::reason, 500));
        table.setPlaceholder(new Label("Nothing flagged. Fit a reward model to fill the queue."));
        table.setOnKeyPressed(e -> {
            ReviewRow r = table.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && r != null) vm.review(r.promptId());
        });
        Button start = new Button("Review in Compare & label");
        start.setId("rk-review-start");
        start.getStyleClass().add(Styles.ACCENT);
        start.setOnAction(e -> {
            ReviewRow r = table.getSelectionModel().getSelectedItem();
            if (r != null) vm.review(r.promptId());
            else vm.reviewFirst();
        });
        start.disableProperty().bind(Bindings.isEmpty(vm.review()));
        Button reflag = new Button("Flag again with these weights");
        reflag.setId("rk-reflag");
        reflag.setOnAction(e -> vm.flagWithCurrentWeights());
        reflag.disableProperty().bind(vm.stateProperty().isNotEqualTo(ViewState.READY));
        start.setMinWidth(Region.USE_PREF_SIZE);
        reflag.setMinWidth(Region.USE_PREF_SIZE);
        Label text = small(vm.reviewTextProperty(), "rk-review-text");
        HBox actions = new HBox(10, start, reflag);
        actions.setAlignment(Pos.CENTER_LEFT);
        table.setRowFactory(t -> {
            TableRow<ReviewRow> row = new TableRow<>() {
                @Override
                protected void updateItem(ReviewRow item, boolean empty) {
                    super.updateItem(item, empty);
                    setTooltip(empty || item == null ? null : wide(item.reason()));
                }
            };
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) vm.review(row.getItem().promptId());
            });
            return row;
        });
        VBox box = new VBox(8, muted("Prompts where the model contradicts your gold, goes against a labeling function that is usually right,"
                + " or cannot tell the top two apart. Double-click one to open it in Compare & label; your corrections become gold."),
                actions, text, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static Label fixed(Label l) {
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label small(javafx.beans.value.ObservableValue<String> text, String id) {
        Label l = new Label();
        l.setId(id);
        l.textProperty().bind(text);
        l.setWrapText(true);
        l.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.managedProperty().bind(l.textProperty().isNotEmpty());
        l.visibleProperty().bind(l.managedProperty());
        return l;
    }

    private static Tooltip wide(String text) {
        Tooltip t = new Tooltip(text.length() > 3000 ? text.substring(0, 3000) + "…" : text);
        t.setWrapText(true);
        t.setMaxWidth(640);
        t.getStyleClass().add("wide-tooltip");
        return t;
    }

    private static final class Spacer extends Region {
        Spacer() {
            HBox.setHgrow(this, Priority.ALWAYS);
        }
    }
}
