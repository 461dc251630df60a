package dev.prefwork.app.ui.curate;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.curate.CurateViewModel.Bin;
import dev.prefwork.app.ui.curate.CurateViewModel.LengthPoint;
import dev.prefwork.app.ui.curate.CurateViewModel.PendingImport;
import dev.prefwork.app.ui.curate.CurateViewModel.SamplePair;
import dev.prefwork.app.ui.curate.CurateViewModel.ViewState;
import dev.prefwork.app.ui.shell.MainWindow;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.curation.bundle.BundleFormat;
import dev.prefwork.curation.bundle.BundleImporter;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.pairs.TiePolicy;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.ScatterChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
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
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import static dev.prefwork.app.ui.common.Forms.form;
import static dev.prefwork.app.ui.common.Forms.section;
import static dev.prefwork.app.ui.common.Forms.muted;

/**
 * The Curate &amp; export step: strategy, ties and filters on the left; on the right the funnel (counts after each
 * filter), the margin histogram and chosen vs rejected lengths, and sample pairs side by side (chosen left,
 * rejected right, with scores and the reason); saving, exporting, and colleague bundles in and out.
 */
public final class CurateView implements Step.StepView {

    private final CurateViewModel vm;
    private final BorderPane root = new BorderPane();
    private final ListView<SamplePair> sampleList = new ListView<>();
    private final Label promptText = new Label();
    private final Label chosenHeader = new Label();
    private final Label rejectedHeader = new Label();
    private final TextArea chosenText = new TextArea();
    private final TextArea rejectedText = new TextArea();
    private final Label reasonText = new Label();

    public CurateView(CurateViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("curate-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        ScrollPane settings = new ScrollPane(settings());
        settings.setFitToWidth(true);
        settings.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        settings.setPrefWidth(310);
        settings.setMinWidth(280);
        settings.getStyleClass().add("edge-to-edge");
        root.setLeft(settings);
        BorderPane.setMargin(settings, new Insets(0, 16, 0, 0));
        root.setCenter(results());
        vm.pendingImportProperty().addListener((o, a, p) -> {
            if (p != null) confirm(p);
        });
        vm.lastImportProperty().addListener((o, a, s) -> {
            if (s != null) showSummary(s);
        });
        vm.refresh();
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
    public void hidden() {
        vm.deactivate();
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    // ---- header ---------------------------------------------------------------------------------------------------

    private Node header() {
        Label title = new Label("Curate & export");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Turn the ranking of each prompt's candidates into chosen/rejected pairs: choose a strategy and filters, "
                + "check the counts and sample pairs, save, then export for TRL or hand a bundle to a colleague.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);
        Label ranking = new Label();
        ranking.setId("cur-ranking");
        ranking.getStyleClass().add(Styles.TEXT_SMALL);
        ranking.textProperty().bind(vm.rankingTextProperty());
        Label summary = new Label();
        summary.setId("cur-summary");
        summary.getStyleClass().add(Styles.TITLE_4);
        summary.textProperty().bind(vm.summaryProperty());
        summary.setMinWidth(Region.USE_PREF_SIZE);
        ProgressBar progress = new ProgressBar();
        progress.setPrefWidth(140);
        progress.visibleProperty().bind(vm.busyProperty());
        javafx.scene.layout.Region spacer = new javafx.scene.layout.Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(12, title, spacer, progress, summary);
        top.setAlignment(Pos.CENTER_LEFT);
        subtitle.setMinHeight(Region.USE_PREF_SIZE);

        Label stale = new Label();
        stale.setWrapText(true);
        stale.textProperty().bind(Bindings.concat("The ranking is stale: ", vm.staleTextProperty(),
                ". Refit the label model for scores that match your LFs and data."));
        HBox banner = new HBox(stale);
        banner.setId("cur-stale-banner");
        banner.setPadding(new Insets(6, 12, 6, 12));
        banner.setStyle("-fx-background-color: -color-warning-subtle; -fx-border-color: -color-warning-emphasis; -fx-border-radius: 6; -fx-background-radius: 6;");
        banner.visibleProperty().bind(vm.staleTextProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        VBox box = new VBox(4, top, subtitle, ranking, banner);
        VBox.setMargin(banner, new Insets(4, 0, 0, 0));
        box.setPadding(new Insets(0, 0, 12, 0));
        return box;
    }

    // ---- settings -------------------------------------------------------------------------------------------------

    private Node settings() {
        ComboBox<RankingSource> source = new ComboBox<>(vm.sources());
        source.setId("cur-source");
        source.valueProperty().bindBidirectional(vm.sourceProperty());
        source.setConverter(converter(s -> s == null ? "" : s.title()));
        source.setMaxWidth(Double.MAX_VALUE);

        ComboBox<Strategy> strategy = new ComboBox<>();
        strategy.setId("cur-strategy");
        strategy.getItems().setAll(Strategy.values());
        strategy.valueProperty().bindBidirectional(vm.strategyProperty());
        strategy.setConverter(converter(s -> s == null ? "" : s.title()));
        strategy.setMaxWidth(Double.MAX_VALUE);

        Spinner<Double> margin = doubleSpinner("cur-margin", 0, 1, 0.05, vm.marginProperty());
        GridPane marginRow = form(new String[]{"Margin m"}, margin);
        visibleWhen(marginRow, Bindings.createBooleanBinding(() -> vm.strategyProperty().get() == Strategy.MARGIN, vm.strategyProperty()));
        Spinner<Double> top = doubleSpinner("cur-top-percent", 1, 100, 5, vm.topPercentProperty());
        GridPane topRow = form(new String[]{"Best K % of prompts"}, top);
        visibleWhen(topRow, Bindings.createBooleanBinding(() -> vm.strategyProperty().get() == Strategy.SFT_TOP_K, vm.strategyProperty()));
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, vm.seedProperty().get(), 1);
        seed.setEditable(true);
        seed.getValueFactory().valueProperty().addListener((o, a, b) -> vm.seedProperty().set(b));
        seed.setMaxWidth(Double.MAX_VALUE);
        GridPane seedRow = form(new String[]{"Seed"}, seed);
        visibleWhen(seedRow, Bindings.createBooleanBinding(() -> vm.strategyProperty().get() == Strategy.BEST_RANDOM
                || vm.tiesProperty().get() == TiePolicy.RANDOM, vm.strategyProperty(), vm.tiesProperty()));

        ComboBox<TiePolicy> ties = new ComboBox<>();
        ties.setId("cur-ties");
        ties.getItems().setAll(TiePolicy.values());
        ties.valueProperty().bindBidirectional(vm.tiesProperty());
        ties.setConverter(converter(t -> t == null ? "" : t.title()));
        ties.setMaxWidth(Double.MAX_VALUE);
        CheckBox gold = new CheckBox("Your best/worst picks decide");
        gold.setId("cur-gold");
        gold.selectedProperty().bindBidirectional(vm.goldOverridesProperty());
        gold.setTooltip(new Tooltip("Where you picked a best or worst candidate in Compare & label, it is the chosen or rejected side, whatever the scores say"));

        CheckBox comparison = new CheckBox("Include before/after answers");
        comparison.setId("cur-comparison");
        comparison.selectedProperty().bindBidirectional(vm.includeComparisonAnswersProperty());
        comparison.setTooltip(new Tooltip("The tuned and base models' answers from Before / after are candidates of their prompts. "
                + "They are left out of pairs unless you tick this: a tuned model's own answers should not train its successor unnoticed"));
        comparison.setWrapText(true);
        Label comparisonCount = muted("");
        comparisonCount.setId("cur-comparison-count");
        comparisonCount.textProperty().bind(vm.comparisonTextProperty());
        comparisonCount.setWrapText(true);
        visibleWhen(comparisonCount, vm.comparisonTextProperty().isNotEmpty());
        VBox filters = new VBox(8, comparison, comparisonCount,
                filter("cur-min-margin", "Margin at least", vm.minMarginOnProperty(), doubleSpinner("cur-min-margin-value", -1, 1, 0.05, vm.minMarginProperty()),
                        "Leave out pairs whose scores are closer than this: they teach little"),
                filter("cur-min-pgood", "Chosen P(GOOD) ≥", vm.minPGoodOnProperty(), doubleSpinner("cur-min-pgood-value", 0, 1, 0.05, vm.minPGoodProperty()),
                        "Leave out pairs whose chosen response the label model does not think is good"),
                filter("cur-bad-lf", "BAD LF accuracy ≥", vm.badLfOnProperty(), doubleSpinner("cur-bad-lf-value", 0.5, 1, 0.05, vm.badLfAccuracyProperty()),
                        "Leave out prompts whose best candidate gets a BAD vote from a labeling function at least this accurate (learned accuracy)"),
                filter("cur-length", "Chosen longer ≤", vm.lengthGuardOnProperty(), doubleSpinner("cur-length-value", 0.3, 1, 0.05, vm.maxChosenLongerProperty()),
                        "Length guard: cap the share of pairs where chosen is the longer response, so training does not reward verbosity"));

        TextField name = new TextField();
        name.setId("cur-name");
        name.setPromptText("Name (optional)");
        Button save = new Button("Save as pair set", Icons.of(Icons.EXPORT));
        save.setId("cur-save");
        save.getStyleClass().add(Styles.ACCENT);
        save.setMaxWidth(Double.MAX_VALUE);
        save.disableProperty().bind(vm.busyProperty().or(vm.resultProperty().isNull()));
        save.setOnAction(e -> {
            vm.save(name.getText());
            name.clear();
        });

        ListView<StoredPairSet> sets = new ListView<>(vm.pairSets());
        sets.setId("cur-sets");
        sets.setPrefHeight(150);
        sets.setPlaceholder(new Label("No pair sets saved yet"));
        sets.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(StoredPairSet s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty || s == null ? null : String.format(Locale.ROOT, "#%d %s · %,d %s", s.id(), s.name(), s.pairs(), s.sft() ? "examples" : "pairs"));
                setTooltip(empty || s == null ? null : new Tooltip(s.strategy() + ", " + s.rankingDescription() + ", " + s.origin()));
            }
        });
        sets.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.selectedSetProperty().set(b));
        vm.selectedSetProperty().addListener((o, a, b) -> {
            if (b != null && sets.getSelectionModel().getSelectedItem() != b) sets.getSelectionModel().select(b);
        });

        MenuButton export = new MenuButton("Export selected set", Icons.of(Icons.EXPORT));
        export.setId("cur-export");
        export.setMaxWidth(Double.MAX_VALUE);
        for (ExportFormat f : ExportFormat.values()) {
            MenuItem item = new MenuItem(f.title());
            item.setId("cur-export-" + f.cliName());
            item.setOnAction(e -> exportAs(f));
            export.getItems().add(item);
        }
        export.disableProperty().bind(vm.selectedSetProperty().isNull().or(vm.busyProperty()));
        Button bundleOut = new Button("Export bundle…", Icons.of(Icons.EXPORT));
        bundleOut.setId("cur-bundle-export");
        bundleOut.setMaxWidth(Double.MAX_VALUE);
        bundleOut.disableProperty().bind(vm.busyProperty().or(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE)));
        bundleOut.setTooltip(new Tooltip("A .prefwork.zip for a colleague: the selected pair set, the prompts, your LFs, your gold and the model summaries"));
        bundleOut.setOnAction(e -> exportBundle());
        Button bundleIn = new Button("Import bundle…", Icons.of(Icons.IMPORT));
        bundleIn.setId("cur-bundle-import");
        bundleIn.setMaxWidth(Double.MAX_VALUE);
        bundleIn.disableProperty().bind(vm.busyProperty().or(vm.stateProperty().isEqualTo(ViewState.NO_WORKSPACE)));
        bundleIn.setOnAction(e -> chooseBundle());

        VBox box = new VBox(8,
                section("Ranking"), source,
                section("Strategy"), strategy, marginRow, topRow, seedRow,
                muted("When scores tie"), ties, gold,
                section("Filters"), muted("Applied in this order; each is a row of the funnel."), filters,
                section("Save and export"), name, save, sets, export,
                section("Colleague bundles"), bundleOut, bundleIn);
        box.setPadding(new Insets(0, 12, 12, 0));
        return box;
    }

    private Node filter(String id, String label, BooleanProperty on, Spinner<Double> value, String tip) {
        CheckBox box = new CheckBox(label);
        box.setId(id);
        box.selectedProperty().bindBidirectional(on);
        box.setTooltip(new Tooltip(tip));
        box.setMaxWidth(Double.MAX_VALUE);
        value.disableProperty().bind(on.not());
        value.setPrefWidth(84);
        value.setMinWidth(84);
        HBox.setHgrow(box, Priority.ALWAYS);
        HBox row = new HBox(8, box, value);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static Spinner<Double> doubleSpinner(String id, double min, double max, double step, DoubleProperty p) {
        Spinner<Double> s = new Spinner<>(min, max, p.get(), step);
        s.setId(id);
        s.setEditable(true);
        s.getValueFactory().valueProperty().addListener((o, a, b) -> {
            if (b != null) p.set(b);
        });
        p.addListener((o, a, b) -> {
            if (!b.equals(s.getValue())) s.getValueFactory().setValue(b.doubleValue());
        });
        s.setMaxWidth(Double.MAX_VALUE);
        return s;
    }

    // ---- results --------------------------------------------------------------------------------------------------

    private Node results() {
        TableView<FunnelStep> funnel = new TableView<>(vm.funnel());
        funnel.setId("cur-funnel");
        funnel.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        funnel.getColumns().add(column("Step", FunnelStep::label, 290));
        funnel.getColumns().add(column("Pairs", f -> f.pairs() < 0 ? "" : String.format(Locale.ROOT, "%,d", f.pairs()), 64));
        funnel.getColumns().add(column("Prompts", f -> String.format(Locale.ROOT, "%,d", f.prompts()), 74));
        funnel.getColumns().add(column("Removed", f -> f.removed() == 0 ? "" : String.format(Locale.ROOT, "−%,d", f.removed()), 80));
        funnel.getColumns().add(column("Note", FunnelStep::note, 220));
        funnel.setRowFactory(t -> {
            javafx.scene.control.TableRow<FunnelStep> row = new javafx.scene.control.TableRow<>();
            row.itemProperty().addListener((o, a, b) -> row.setTooltip(b == null || b.note().isEmpty() ? null : new Tooltip(b.label() + ": " + b.note())));
            return row;
        });
        funnel.setFixedCellSize(28);
        funnel.setPrefHeight(28 * 7 + 30);
        funnel.setMinHeight(120);
        funnel.setPlaceholder(new Label("No preview yet"));
        Label length = new Label();
        length.setId("cur-length-text");
        length.textProperty().bind(vm.lengthTextProperty());
        length.getStyleClass().add(Styles.TEXT_SMALL);
        vm.verbosityWarningProperty().addListener((o, a, b) -> length.pseudoClassStateChanged(Styles.STATE_WARNING, b));
        Label lengthWarning = new Label("Most pairs prefer the longer answer: training on them teaches length. Consider the length guard.");
        lengthWarning.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.WARNING);
        lengthWarning.setWrapText(true);
        visibleWhen(lengthWarning, vm.verbosityWarningProperty());
        VBox funnelBox = new VBox(4, section("Funnel"), funnel, length, lengthWarning);
        HBox.setHgrow(funnelBox, Priority.ALWAYS);
        funnelBox.setPrefWidth(640);

        BarChart<String, Number> margins = marginChart();
        ScatterChart<Number, Number> lengths = lengthChart();
        javafx.scene.control.Tab marginTab = new javafx.scene.control.Tab("Margins", margins);
        javafx.scene.control.Tab lengthTab = new javafx.scene.control.Tab("Lengths", lengths);
        marginTab.setClosable(false);
        lengthTab.setClosable(false);
        javafx.scene.control.TabPane charts = new javafx.scene.control.TabPane(marginTab, lengthTab);
        charts.setId("cur-charts");
        charts.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        charts.setPrefWidth(420);
        charts.setMinWidth(260);
        funnelBox.setMinWidth(320);
        HBox topRow = new HBox(16, funnelBox, charts);
        topRow.setMinHeight(200);

        SplitPane split = new SplitPane(topRow, pairsPane());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.38);
        split.getStyleClass().add("curate-split");

        Label empty = new Label();
        empty.setId("cur-empty");
        empty.setWrapText(true);
        empty.getStyleClass().add(Styles.TITLE_4);
        empty.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.stateProperty().get()) {
            case NO_WORKSPACE -> "Open a workspace to curate pairs.";
            case LOADING -> "Reading the ranking…";
            case NO_RANKING -> "Nothing to rank with yet: fit a label model in the Label model step (or train a reward model), then come back.";
            case READY -> "";
        }, vm.stateProperty()));
        StackPane stack = new StackPane(split, empty);
        StackPane.setAlignment(empty, Pos.TOP_LEFT);
        split.visibleProperty().bind(vm.stateProperty().isEqualTo(ViewState.READY));
        empty.visibleProperty().bind(split.visibleProperty().not());
        return stack;
    }

    private Node pairsPane() {
        sampleList.setId("cur-samples");
        sampleList.setItems(vm.samples());
        sampleList.setPrefWidth(250);
        sampleList.setPlaceholder(new Label("No pairs"));
        sampleList.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(SamplePair p, boolean empty) {
                super.updateItem(p, empty);
                if (empty || p == null) {
                    setText(null);
                    return;
                }
                setText(p.sft() ? String.format(Locale.ROOT, "%s   %.2f", p.promptId(), p.chosenScore())
                        : String.format(Locale.ROOT, "%s   %+.2f", p.promptId(), p.margin()));
                setTooltip(new Tooltip(p.reason()));
            }
        });
        sampleList.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> showPair(b));
        vm.samples().addListener((ListChangeListener<SamplePair>) c -> {
            if (!vm.samples().isEmpty()) sampleList.getSelectionModel().select(0);
            else showPair(null);
        });

        promptText.setId("cur-prompt");
        promptText.setWrapText(true);
        promptText.getStyleClass().add(Styles.TEXT_BOLD);
        promptText.setMaxHeight(64);
        reasonText.setId("cur-reason");
        reasonText.setWrapText(true);
        reasonText.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        VBox chosen = side(chosenHeader, chosenText, "cur-chosen", Styles.SUCCESS);
        VBox rejected = side(rejectedHeader, rejectedText, "cur-rejected", Styles.DANGER);
        HBox sides = new HBox(12, chosen, rejected);
        HBox.setHgrow(chosen, Priority.ALWAYS);
        HBox.setHgrow(rejected, Priority.ALWAYS);
        VBox.setVgrow(sides, Priority.ALWAYS);
        VBox detail = new VBox(6, promptText, reasonText, sides);
        HBox.setHgrow(detail, Priority.ALWAYS);
        Label listNote = muted("Spread over the whole set; the number is the margin.");
        VBox list = new VBox(4, section("Sample pairs"), listNote, sampleList);
        list.setPrefWidth(250);
        list.setMinWidth(220);
        VBox.setVgrow(sampleList, Priority.ALWAYS);
        HBox box = new HBox(12, list, detail);
        box.setPadding(new Insets(10, 0, 0, 0));
        return box;
    }

    private static VBox side(Label header, TextArea text, String id, String style) {
        header.setId(id + "-header");
        header.getStyleClass().addAll(Styles.TEXT_BOLD, style);
        text.setId(id);
        text.setEditable(false);
        text.setWrapText(true);
        VBox.setVgrow(text, Priority.ALWAYS);
        VBox box = new VBox(4, header, text);
        box.setPrefWidth(200);
        box.setMaxWidth(Double.MAX_VALUE);
        return box;
    }

    private void showPair(SamplePair p) {
        if (p == null) {
            promptText.setText("");
            reasonText.setText("");
            chosenHeader.setText("Chosen");
            rejectedHeader.setText("Rejected");
            chosenText.clear();
            rejectedText.clear();
            return;
        }
        promptText.setText(p.prompt().length() > 400 ? p.prompt().substring(0, 400) + "…" : p.prompt());
        reasonText.setText("Pair " + (p.index() + 1) + " · " + p.promptId() + " · " + p.reason());
        chosenHeader.setText(String.format(Locale.ROOT, "Chosen · %.3f · %,d chars", p.chosenScore(), p.chosenLength()));
        chosenText.setText(p.chosen());
        if (p.sft()) {
            rejectedHeader.setText("SFT: no rejected side");
            rejectedText.clear();
        } else {
            rejectedHeader.setText(String.format(Locale.ROOT, "Rejected · %.3f · %,d chars · margin %+.2f", p.rejectedScore(),
                    p.rejectedLength(), p.margin()));
            rejectedText.setText(p.rejected());
        }
    }

    private BarChart<String, Number> marginChart() {
        CategoryAxis x = new CategoryAxis();
        NumberAxis y = new NumberAxis();
        y.setLabel("pairs");
        y.setMinorTickVisible(false);
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId("cur-margins");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.setCategoryGap(1);
        chart.setBarGap(0);
        chart.setMinHeight(150);
        chart.setPrefHeight(210);
        Runnable fill = () -> {
            XYChart.Series<String, Number> s = new XYChart.Series<>();
            for (Bin b : vm.marginBins()) s.getData().add(new XYChart.Data<>(b.label(), b.count()));
            chart.getData().setAll(List.of(s));
            x.setLabel(vm.resultProperty().get() != null && vm.resultProperty().get().sft() ? "score" : "margin (chosen − rejected score)");
        };
        vm.marginBins().addListener((ListChangeListener<Bin>) c -> fill.run());
        fill.run();
        return chart;
    }

    private ScatterChart<Number, Number> lengthChart() {
        NumberAxis x = new NumberAxis();
        x.setLabel("rejected (characters)");
        NumberAxis y = new NumberAxis();
        y.setLabel("chosen (characters)");
        ScatterChart<Number, Number> chart = new ScatterChart<>(x, y);
        Tooltip.install(chart, new Tooltip("One dot per pair: above the diagonal, chosen is the longer response"));
        chart.setId("cur-lengths");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.setMinHeight(160);
        chart.setPrefHeight(220);
        chart.getStyleClass().add("length-chart");
        Runnable fill = () -> {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            for (LengthPoint p : vm.lengths()) s.getData().add(new XYChart.Data<>(p.rejected(), p.chosen()));
            chart.getData().setAll(List.of(s));
        };
        vm.lengths().addListener((ListChangeListener<LengthPoint>) c -> fill.run());
        fill.run();
        return chart;
    }

    // ---- dialogs --------------------------------------------------------------------------------------------------

    private void exportAs(ExportFormat f) {
        StoredPairSet set = vm.selectedSetProperty().get();
        if (set == null) return;
        File target;
        String stem = set.name().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-|-$", "");
        if (f.folder()) {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Folder for the Hugging Face dataset (a new folder is made inside)");
            File parent = chooser.showDialog(window());
            if (parent == null) return;
            target = new File(parent, stem.isEmpty() ? "dataset" : stem);
        } else {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Export " + f.title());
            chooser.setInitialFileName((stem.isEmpty() ? "pairs" : stem) + (f == ExportFormat.CSV ? ".csv" : ".jsonl"));
            target = chooser.showSaveDialog(window());
            if (target == null) return;
        }
        vm.export(f, target.toPath(), Exporter.Options.defaults());
    }

    private void exportBundle() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export a colleague bundle");
        chooser.setInitialFileName("my-labels" + BundleFormat.EXTENSION);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Prefwork bundles (*.prefwork.zip)", "*.prefwork.zip"));
        File f = chooser.showSaveDialog(window());
        if (f != null) vm.exportBundle(f.toPath());
    }

    /** Import bundle…: a file chooser, then the check in the background and the confirmation. */
    public void chooseBundle() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import a colleague bundle");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Prefwork bundles (*.prefwork.zip)", "*.prefwork.zip", "*.zip"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(window());
        if (f != null) vm.inspectBundle(f.toPath());
    }

    private void confirm(PendingImport p) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
        alert.setTitle("Import " + p.file());
        alert.setHeaderText("Import " + p.file() + "? It passed every check.");
        Label made = new Label("Made by " + p.createdBy() + ". This will add:");
        VBox lines = new VBox(6, made);
        for (String l : p.lines()) {
            Label x = new Label("•  " + l);
            x.setWrapText(true);
            x.setMinHeight(Region.USE_PREF_SIZE);
            lines.getChildren().add(x);
        }
        Label note = new Label("Nothing you have is overwritten. Everything is added in one step: if anything fails, nothing changes.");
        note.setWrapText(true);
        note.getStyleClass().add(Styles.TEXT_MUTED);
        lines.getChildren().add(note);
        lines.setPrefWidth(560);
        alert.getDialogPane().setContent(lines);
        alert.getDialogPane().setId("cur-import-confirm");
        alert.getDialogPane().getStylesheets().add(MainWindow.STYLESHEET);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.OK)).setText("Import");
        if (window() != null) alert.initOwner(window());
        alert.resultProperty().addListener((o, a, b) -> {
            if (b == ButtonType.OK) vm.confirmImport();
            else vm.cancelImport();
        });
        alert.show();
    }

    private void showSummary(BundleImporter.Summary s) {
        Alert alert = new Alert(Alert.AlertType.INFORMATION);
        alert.setTitle("Bundle imported");
        alert.setHeaderText("The bundle was imported");
        VBox lines = new VBox(6);
        for (String l : s.lines()) {
            Label x = new Label("•  " + l);
            x.setWrapText(true);
            x.setMinHeight(Region.USE_PREF_SIZE);
            lines.getChildren().add(x);
        }
        lines.setPrefWidth(560);
        alert.getDialogPane().setContent(lines);
        alert.getDialogPane().setId("cur-import-summary");
        alert.getDialogPane().getStylesheets().add(MainWindow.STYLESHEET);
        if (window() != null) alert.initOwner(window());
        alert.show();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static <T> StringConverter<T> converter(Function<T, String> f) {
        return new StringConverter<>() {
            @Override public String toString(T t) { return f.apply(t); }
            @Override public T fromString(String s) { return null; }
        };
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        if (width < 100) c.setMinWidth(width);
        c.setSortable(false);
        return c;
    }

    private static void visibleWhen(Node n, javafx.beans.value.ObservableValue<Boolean> condition) {
        n.visibleProperty().bind(condition);
        n.managedProperty().bind(n.visibleProperty());
    }

    static Path path(File f) {
        return f.toPath();
    }
}
