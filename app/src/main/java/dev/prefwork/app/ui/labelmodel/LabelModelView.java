package dev.prefwork.app.ui.labelmodel;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel.AspectWeight;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel.Bin;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel.ViewState;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService.PriorSource;
import dev.prefwork.labeling.service.LabelModelService.UncertainCandidate;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import dev.prefwork.app.ui.correlations.CorrelationsPanel;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.util.StringConverter;

import java.util.Locale;
import java.util.function.Function;
import static dev.prefwork.app.ui.common.Forms.form;
import static dev.prefwork.app.ui.common.Forms.section;
import static dev.prefwork.app.ui.common.Forms.muted;

/**
 * The Label model step: settings on the left (model, parameters, class prior, aspect weights, Fit), the latest
 * run on the right (stale banner, coverage figures, LF table, P(GOOD) histogram, per-aspect models and the
 * least-certain candidates, double-click to open one in Compare).
 */
public final class LabelModelView implements Step.StepView {

    private final LabelModelViewModel vm;
    private final BorderPane root = new BorderPane();

    public LabelModelView(LabelModelViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("label-model-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        ScrollPane settings = new ScrollPane(settings());
        settings.setFitToWidth(true);
        settings.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        settings.setPrefWidth(290);
        settings.setMinWidth(260);
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

    private Node header() {
        Label title = new Label("Label model");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Combine the labeling functions' votes into P(GOOD) per candidate, learning each function's accuracy from their agreements.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);
        Label runText = new Label();
        runText.setId("lm-run-text");
        runText.textProperty().bind(vm.runTextProperty());
        runText.getStyleClass().add(Styles.TEXT_SMALL);

        Label staleText = new Label();
        staleText.setWrapText(true);
        staleText.textProperty().bind(Bindings.concat("These results are stale: ", vm.staleReasonProperty(), "."));
        HBox.setHgrow(staleText, Priority.ALWAYS);
        staleText.setMaxWidth(Double.MAX_VALUE);
        Button refit = new Button("Refit");
        refit.setId("lm-refit");
        refit.getStyleClass().add(Styles.ACCENT);
        refit.disableProperty().bind(vm.fittingProperty());
        refit.setOnAction(e -> vm.refit());
        HBox banner = new HBox(12, staleText, refit);
        banner.setId("lm-stale-banner");
        banner.setAlignment(Pos.CENTER_LEFT);
        banner.setPadding(new Insets(8, 12, 8, 12));
        banner.setStyle("-fx-background-color: -color-warning-subtle; -fx-border-color: -color-warning-emphasis; "
                + "-fx-border-radius: 6; -fx-background-radius: 6;");
        banner.visibleProperty().bind(vm.staleProperty());
        banner.managedProperty().bind(banner.visibleProperty());

        Button fit = new Button("Fit label model");
        fit.setId("lm-fit");
        fit.setDefaultButton(true);
        fit.getStyleClass().add(Styles.ACCENT);
        fit.setMaxWidth(Double.MAX_VALUE);
        fit.disableProperty().bind(vm.fittingProperty().or(vm.stateProperty().isEqualTo(ViewState.NO_LFS))
                .or(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE)));
        ProgressBar progress = new ProgressBar();
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.visibleProperty().bind(vm.fittingProperty());
        progress.managedProperty().bind(progress.visibleProperty());

        progress.setPrefWidth(160);
        fit.setMaxWidth(Region.USE_PREF_SIZE);
        VBox titles = new VBox(4, title, subtitle, runText);
        HBox.setHgrow(titles, Priority.ALWAYS);
        HBox top = new HBox(12, titles, progress, fit);
        top.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(4, top, banner);
        VBox.setMargin(banner, new Insets(8, 0, 0, 0));
        box.setPadding(new Insets(0, 0, 12, 0));
        return box;
    }

    // ---- settings -------------------------------------------------------------------------------------------------

    private Node settings() {
        ComboBox<String> kind = new ComboBox<>();
        kind.setId("lm-kind");
        kind.getItems().setAll(vm.kinds());
        kind.valueProperty().bindBidirectional(vm.kindProperty());
        kind.setConverter(new StringConverter<>() {
            @Override public String toString(String k) { return k == null ? "" : kindLabel(k); }
            @Override public String fromString(String s) { return s; }
        });
        kind.setMaxWidth(Double.MAX_VALUE);

        ComboBox<PriorSource> prior = new ComboBox<>();
        prior.setId("lm-prior");
        prior.getItems().setAll(PriorSource.values());
        prior.valueProperty().bindBidirectional(vm.priorProperty());
        prior.setConverter(new StringConverter<>() {
            @Override public String toString(PriorSource p) {
                return p == null ? "" : p == PriorSource.GOLD ? "GOOD rate on gold" : "Estimated from the votes";
            }
            @Override public PriorSource fromString(String s) { return null; }
        });
        prior.setMaxWidth(Double.MAX_VALUE);

        Spinner<Integer> epochs = new Spinner<>(10, 5000, vm.epochsProperty().get(), 50);
        epochs.setEditable(true);
        epochs.getValueFactory().valueProperty().addListener((o, a, b) -> vm.epochsProperty().set(b));
        Spinner<Double> lr = new Spinner<>(0.0005, 0.5, vm.learningRateProperty().get(), 0.005);
        lr.setEditable(true);
        lr.getValueFactory().valueProperty().addListener((o, a, b) -> vm.learningRateProperty().set(b));
        Spinner<Double> l2 = new Spinner<>(0.0, 10.0, vm.l2Property().get(), 0.01);
        l2.setEditable(true);
        l2.getValueFactory().valueProperty().addListener((o, a, b) -> vm.l2Property().set(b));
        Spinner<Integer> iterations = new Spinner<>(1, 1000, vm.maxIterationsProperty().get(), 10);
        iterations.setEditable(true);
        iterations.getValueFactory().valueProperty().addListener((o, a, b) -> vm.maxIterationsProperty().set(b));
        for (Spinner<?> s : new Spinner<?>[]{epochs, lr, l2, iterations}) s.setMaxWidth(Double.MAX_VALUE);

        GridPane snorkel = form(new String[]{"Epochs", "Learning rate", "L2"}, epochs, lr, l2);
        snorkel.visibleProperty().bind(vm.kindProperty().isEqualTo("snorkel"));
        snorkel.managedProperty().bind(snorkel.visibleProperty());
        GridPane ds = form(new String[]{"Max iterations"}, iterations);
        ds.visibleProperty().bind(vm.kindProperty().isEqualTo("dawid-skene"));
        ds.managedProperty().bind(ds.visibleProperty());
        Label noParams = muted("Majority vote has no parameters: ties give 0.5, no votes the class balance.");
        noParams.visibleProperty().bind(vm.kindProperty().isEqualTo("majority"));
        noParams.managedProperty().bind(noParams.visibleProperty());

        VBox weights = new VBox(6);
        weights.setId("lm-weights");
        Runnable rebuild = () -> {
            weights.getChildren().clear();
            if (vm.aspectWeights().isEmpty()) weights.getChildren().add(muted("No enabled labeling functions yet."));
            for (AspectWeight w : vm.aspectWeights()) weights.getChildren().add(weightRow(w));
        };
        vm.aspectWeights().addListener((ListChangeListener<AspectWeight>) c -> rebuild.run());
        rebuild.run();
        Button equal = new Button("Equal weights");
        equal.getStyleClass().addAll(Styles.FLAT, Styles.SMALL);
        equal.setOnAction(e -> vm.resetWeights());

        VBox box = new VBox(8,
                section("Model"), kind, snorkel, ds, noParams,
                section("Class prior"), prior,
                muted("From gold: the share of GOOD among your labelled candidates (needs ≥ 10)."),
                section("Aspect weights"),
                muted("How much each aspect counts when the aspects' P(GOOD) are combined (log-odds average)."),
                weights, equal);
        box.setPadding(new Insets(0, 12, 12, 0));
        return box;
    }

    private Node weightRow(AspectWeight w) {
        Label name = new Label(w.aspect() + " (" + w.lfCount() + " LF" + (w.lfCount() == 1 ? "" : "s") + ")");
        Slider slider = new Slider(0, 3, w.weightProperty().get());
        slider.setId("lm-weight-" + w.aspect());
        slider.setBlockIncrement(0.25);
        slider.valueProperty().bindBidirectional(w.weightProperty());
        Label value = new Label();
        value.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%.2f", w.weightProperty().get()),
                w.weightProperty()));
        value.setMinWidth(36);
        HBox.setHgrow(slider, Priority.ALWAYS);
        HBox row = new HBox(8, slider, value);
        row.setAlignment(Pos.CENTER_LEFT);
        return new VBox(2, name, row);
    }

    // ---- results --------------------------------------------------------------------------------------------------

    private Node results() {
        HBox figures = new HBox(12);
        figures.setId("lm-figures");
        vm.runProperty().addListener((o, a, r) -> fillFigures(figures, r));
        fillFigures(figures, vm.runProperty().get());

        TableView<LabelModelRun.Lf> table = lfTable();

        BarChart<String, Number> chart = histogram();
        TableView<UncertainCandidate> queue = queue();
        VBox aspects = aspectsBox();

        VBox tableBox = new VBox(4, section("Labeling functions"), table);
        VBox queueBox = new VBox(4, section("Least certain"), muted("P(GOOD) nearest 0.5: label these next. Double-click to open in Compare."), queue);
        VBox.setVgrow(queue, Priority.ALWAYS);
        queueBox.setPrefWidth(360);
        queueBox.setMinWidth(280);
        VBox histBox = new VBox(4, section("P(GOOD) histogram"), chart);
        chart.setPrefHeight(300);
        HBox.setHgrow(histBox, Priority.ALWAYS);
        HBox bottom = new HBox(16, histBox, queueBox);
        queue.setPrefHeight(300);

        Node correlations = new CorrelationsPanel(vm.correlations()).node();
        VBox content = new VBox(12, figures, correlations, tableBox, aspects, bottom);
        content.setPadding(new Insets(0, 12, 12, 0));
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.getStyleClass().add("edge-to-edge");
        Label empty = new Label();
        empty.setId("lm-empty");
        empty.setWrapText(true);
        empty.getStyleClass().add(Styles.TITLE_4);
        empty.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.stateProperty().get()) {
            case NO_WORKSPACE -> "Open a workspace to fit a label model.";
            case LOADING -> "Reading the label model…";
            case NO_LFS -> "No enabled labeling functions yet: write some in the LF studio (or import a library), then fit.";
            case NOT_FITTED -> "No label model fitted yet. Choose a model on the left and press Fit.";
            case READY -> "";
        }, vm.stateProperty()));
        StackPane stack = new StackPane(scroll, empty);
        StackPane.setAlignment(empty, Pos.TOP_LEFT);
        scroll.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.READY));
        empty.visibleProperty().bind(scroll.visibleProperty().not());
        return stack;
    }

    private void fillFigures(HBox figures, LabelModelRun r) {
        figures.getChildren().clear();
        if (r == null) return;
        LabelModelRun.Summary s = r.summary();
        figures.getChildren().addAll(
                figure("Coverage", pct(s.labelCoverage()), String.format(Locale.ROOT, "%,d of %,d voted on", s.coveredRows(), s.rows()),
                        "Label coverage: candidates with at least one vote"),
                figure("Overlap", pct(s.labelOverlap()), String.format(Locale.ROOT, "%,d with ≥ 2 votes", s.overlapRows()),
                        "Candidates with two or more votes"),
                figure("Conflict", pct(s.labelConflict()), String.format(Locale.ROOT, "%,d GOOD vs BAD", s.conflictRows()),
                        "Candidates with both a GOOD and a BAD vote"),
                figure("Prior", String.format(Locale.ROOT, "%.2f", r.classBalance()), r.priorMode().equals("fixed") ? "GOOD rate on gold" : "estimated",
                        "Class balance P(GOOD) the model used"),
                figure("Predicted GOOD", String.format(Locale.ROOT, "%,d", s.predictedGood()), "P(GOOD) > 0.5",
                        "Candidates the model thinks are GOOD"),
                figure("Gold agreement", pct(s.goldAccuracy()), String.format(Locale.ROOT, "on %,d gold", s.goldRows()),
                        "How often P(GOOD) > 0.5 matches your gold GOOD/BAD"));
    }

    private static Node figure(String title, String value, String note, String tip) {
        Label t = new Label(title);
        t.getStyleClass().add(Styles.TEXT_MUTED);
        Label v = new Label(value);
        v.getStyleClass().add(Styles.TITLE_3);
        Label n = new Label(note);
        n.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        n.setWrapText(true);
        VBox box = new VBox(2, t, v, n);
        box.getStyleClass().add("lm-figure");
        box.setPadding(new Insets(8, 12, 8, 12));
        box.setStyle("-fx-background-color: -color-bg-subtle; -fx-background-radius: 6; -fx-border-color: -color-border-muted; -fx-border-radius: 6;");
        box.setPrefWidth(120);
        box.setMinWidth(100);
        Tooltip.install(box, new Tooltip(tip));
        HBox.setHgrow(box, Priority.ALWAYS);
        box.setMaxWidth(Double.MAX_VALUE);
        return box;
    }

    private TableView<LabelModelRun.Lf> lfTable() {
        TableView<LabelModelRun.Lf> table = new TableView<>(vm.lfs());
        table.setId("lm-lf-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(textColumn("Labeling function", LabelModelRun.Lf::name, 230));
        table.getColumns().add(textColumn("Aspect", LabelModelRun.Lf::aspect, 95));
        table.getColumns().add(textColumn("Vote", lf -> lf.vote().name(), 55));
        table.getColumns().add(textColumn("Learned", lf -> pct0(lf.learnedAccuracy()), 75));
        table.getColumns().add(textColumn("On gold (n)", lf -> lf.goldHits() == 0 ? "–" : pct0(lf.empiricalAccuracy()) + " (" + lf.goldHits() + ")", 100));
        table.getColumns().add(textColumn("Δ", lf -> Double.isNaN(lf.learnedAccuracy()) || Double.isNaN(lf.empiricalAccuracy())
                ? "" : String.format(Locale.ROOT, "%+.0f", 100 * (lf.learnedAccuracy() - lf.empiricalAccuracy())), 45));
        table.getColumns().add(textColumn("Propensity", lf -> pct(lf.propensity()), 90));
        table.getColumns().add(textColumn("Weight", lf -> String.format(Locale.ROOT, "%+.2f", lf.vote() == dev.prefwork.core.Verdict.GOOD ? lf.goodWeight() : lf.badWeight()), 80));
        table.setPlaceholder(new Label("No labeling functions in this run."));
        table.setFixedCellSize(30);
        table.setMinHeight(220);
        table.prefHeightProperty().bind(Bindings.createDoubleBinding(() -> Math.min(34 + 30.0 * Math.max(6, vm.lfs().size()), 640), vm.lfs()));
        return table;
    }

    private static <T> TableColumn<T, String> textColumn(String title, Function<T, String> value, double width) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setSortable(true);
        return c;
    }

    private VBox aspectsBox() {
        VBox box = new VBox(4);
        box.setId("lm-aspects");
        Runnable fill = () -> {
            box.getChildren().setAll(section("Aspects"));
            for (LabelModelRun.Aspect a : vm.aspects()) {
                Label name = new Label(a.aspect());
                name.setMinWidth(110);
                name.getStyleClass().add(Styles.TEXT_BOLD);
                Label kind = new Label(a.fallback() ? "majority vote (fallback)" : kindLabel(a.kind()));
                kind.setMinWidth(190);
                kind.getStyleClass().add(a.fallback() ? Styles.WARNING : Styles.SUCCESS);
                Label weight = new Label(String.format(Locale.ROOT, "weight %.2f", vm.runProperty().get() == null ? 1.0
                        : vm.runProperty().get().aspectWeights().getOrDefault(a.aspect(), 1.0)));
                weight.setMinWidth(90);
                Label reason = new Label(a.reason());
                reason.getStyleClass().add(Styles.TEXT_MUTED);
                reason.setWrapText(true);
                reason.setMinHeight(Region.USE_PREF_SIZE);
                reason.setMaxWidth(Double.MAX_VALUE);
                HBox.setHgrow(reason, Priority.ALWAYS);
                HBox row = new HBox(12, name, kind, weight, reason);
                row.setAlignment(Pos.CENTER_LEFT);
                box.getChildren().add(row);
            }
        };
        vm.aspects().addListener((ListChangeListener<LabelModelRun.Aspect>) c -> fill.run());
        fill.run();
        return box;
    }

    private BarChart<String, Number> histogram() {
        CategoryAxis x = new CategoryAxis();
        x.setLabel("P(GOOD)");
        NumberAxis y = new NumberAxis();
        y.setLabel("candidates");
        y.setMinorTickVisible(false);
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId("lm-histogram");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.setCategoryGap(1);
        chart.setBarGap(0);
        chart.setMinHeight(200);
        Runnable fill = () -> {
            XYChart.Series<String, Number> series = new XYChart.Series<>();
            for (Bin b : vm.histogram()) series.getData().add(new XYChart.Data<>(b.label(), b.count()));
            chart.getData().setAll(java.util.List.of(series));
            for (XYChart.Data<String, Number> d : series.getData()) {
                if (d.getNode() != null) Tooltip.install(d.getNode(), new Tooltip(d.getYValue() + " candidates from " + d.getXValue()));
            }
        };
        vm.histogram().addListener((ListChangeListener<Bin>) c -> fill.run());
        fill.run();
        return chart;
    }

    private TableView<UncertainCandidate> queue() {
        TableView<UncertainCandidate> table = new TableView<>(vm.leastCertain());
        table.setId("lm-least-certain");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(textColumn("P(GOOD)", u -> String.format(Locale.ROOT, "%.3f", u.pGood()), 80));
        table.getColumns().add(textColumn("Prompt", u -> "#" + u.promptId(), 70));
        table.getColumns().add(textColumn("Candidate", u -> (u.position() + 1) + " of its prompt", 120));
        table.setPlaceholder(new Label("Fit a model to see where it is least certain."));
        table.setRowFactory(t -> {
            TableRow<UncertainCandidate> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) vm.open(row.getItem());
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) vm.open(table.getSelectionModel().getSelectedItem());
        });
        return table;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    static String kindLabel(String kind) {
        return switch (kind) {
            case "snorkel" -> "Snorkel matrix completion";
            case "majority" -> "Majority vote";
            case "dawid-skene" -> "Dawid–Skene EM";
            default -> kind;
        };
    }

    private static String pct0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
