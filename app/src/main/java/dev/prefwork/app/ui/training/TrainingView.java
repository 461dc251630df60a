package dev.prefwork.app.ui.training;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.app.ui.training.TrainingViewModel.PairChoice;
import dev.prefwork.training.PythonReport;
import dev.prefwork.training.TrainingConfig;
import javafx.beans.binding.Bindings;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Training step: the run setup on the left (environment, pairs, model, DPO and optimiser settings, the memory
 * estimate, Start), the run being watched on the right (status, progress, Cancel / Resume, eight live charts of
 * the DPO signals with a note on reading them, and the log tail).
 */
public final class TrainingView implements Step.StepView {

    static final String REWARDS_NOTE = "A reward is β × how much more likely the model now makes a response than the "
            + "reference model did. The margin (chosen − rejected) should grow and the accuracy rise towards 100 %. "
            + "Falling chosen rewards are normal while the margin grows: DPO often pushes the rejected responses down "
            + "faster than it lifts the chosen ones.";

    private final TrainingViewModel vm;
    private final BorderPane root = new BorderPane();
    /** Strong references for the bidirectional bindings of spinners (asObject() copies are otherwise collected). */
    private final List<Object> keep = new ArrayList<>();
    private final List<MetricChart> charts = new ArrayList<>();

    public TrainingView(TrainingViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("training-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        ScrollPane setup = new ScrollPane(setup());
        setup.setFitToWidth(true);
        setup.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        setup.getStyleClass().add("edge-to-edge");
        // Start stays in view below the scrolling form
        Node launch = launch();
        VBox left = new VBox(8, setup, launch);
        VBox.setVgrow(setup, Priority.ALWAYS);
        left.setPrefWidth(360);
        left.setMinWidth(320);
        root.setLeft(left);
        BorderPane.setMargin(left, new Insets(0, 16, 0, 0));
        root.setCenter(live());
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void shown() {
        vm.refreshPairSets(); // sets are saved in Curate & export, maybe since the last visit
        if (vm.interpreters().isEmpty() && !vm.checkingProperty().get()) vm.checkEnvironment();
    }

    List<MetricChart> charts() {
        return charts;
    }

    // ---- header: title and the run watched --------------------------------------------------------------------

    private Node header() {
        Label title = new Label("Training");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Train the model on your preference pairs with DPO and watch it learn: every DPO signal, live.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);

        Label runText = new Label();
        runText.setId("training-run-text");
        runText.textProperty().bind(vm.runTextProperty());
        runText.setWrapText(true);
        runText.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(runText, Priority.ALWAYS);
        ProgressBar progress = new ProgressBar();
        progress.setId("training-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runProperty().isNotNull());
        Button cancel = new Button("Cancel");
        cancel.setId("training-cancel");
        cancel.setTooltip(new Tooltip("Ask the trainer to stop: it finishes the current step, saves a checkpoint and stops. Resume continues from there."));
        cancel.disableProperty().bind(vm.canCancelProperty().not().or(vm.cancellingProperty()));
        cancel.setOnAction(e -> vm.cancel());
        Button force = new Button("Force stop");
        force.setId("training-force-stop");
        force.getStyleClass().add(Styles.DANGER);
        force.setTooltip(new Tooltip("Kill the trainer at once, without saving a new checkpoint."));
        force.visibleProperty().bind(vm.cancellingProperty().and(vm.canCancelProperty()));
        force.managedProperty().bind(force.visibleProperty());
        force.setOnAction(e -> vm.forceStop());
        Button resume = new Button("Resume");
        resume.setId("training-resume");
        resume.getStyleClass().add(Styles.ACCENT);
        resume.setTooltip(new Tooltip("Continue this run from its last checkpoint."));
        resume.disableProperty().bind(vm.canResumeProperty().not());
        resume.setOnAction(e -> vm.resume());
        for (Region r : new Region[]{cancel, force, resume, progress}) r.setMinWidth(Region.USE_PREF_SIZE);
        progress.setPrefWidth(140);
        HBox bar = new HBox(10, runText, progress, cancel, force, resume);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 12, 8, 12));
        bar.getStyleClass().add("training-run-bar");
        VBox box = new VBox(4, title, subtitle, bar);
        VBox.setMargin(bar, new Insets(8, 0, 0, 0));
        box.setPadding(new Insets(0, 0, 12, 0));
        return box;
    }

    // ---- the setup form ----------------------------------------------------------------------------------------

    private Node setup() {
        VBox box = new VBox(8);
        box.setPadding(new Insets(0, 12, 12, 0));
        box.getChildren().addAll(environment(), pairs(), model(), settings(), memory());
        return box;
    }

    private Node environment() {
        Label text = new Label();
        text.setId("training-environment");
        text.textProperty().bind(vm.environmentTextProperty());
        text.setWrapText(true);
        text.getStyleClass().add(Styles.TEXT_SMALL);
        VBox advice = new VBox(4);
        advice.setId("training-advice");
        Runnable fill = () -> {
            advice.getChildren().clear();
            for (PythonReport.Advice a : vm.advice()) {
                Label l = new Label(a.what() + ": " + a.brief());
                l.setWrapText(true);
                l.setTooltip(new Tooltip(a.message()));
                l.getStyleClass().addAll(Styles.TEXT_SMALL, a.blocking() ? Styles.DANGER : Styles.WARNING);
                advice.getChildren().add(l);
            }
        };
        vm.advice().addListener((ListChangeListener<PythonReport.Advice>) c -> fill.run());
        fill.run();
        TextField python = new TextField();
        python.setId("training-python");
        python.setPromptText("automatic (the best interpreter found)");
        python.textProperty().bindBidirectional(vm.pythonSettingProperty());
        python.setTooltip(new Tooltip("A Python interpreter to use, e.g. /opt/conda/bin/python; empty: every python3 on PATH and "
                + "in the usual places is asked and the best one is used."));
        HBox.setHgrow(python, Priority.ALWAYS);
        Button check = new Button("Check");
        check.setId("training-check-env");
        check.disableProperty().bind(vm.checkingProperty());
        check.setOnAction(e -> vm.checkEnvironment());
        HBox row = new HBox(6, python, check);
        ProgressBar checking = new ProgressBar();
        checking.setMaxWidth(Double.MAX_VALUE);
        checking.visibleProperty().bind(vm.checkingProperty());
        checking.managedProperty().bind(checking.visibleProperty());
        VBox card = new VBox(6, section("Python environment"), text, checking, advice, row);
        card.getStyleClass().add("training-card");
        return card;
    }

    private Node pairs() {
        ToggleGroup group = new ToggleGroup();
        RadioButton file = new RadioButton("A pair file (TRL JSONL)");
        file.setId("training-pairs-file");
        file.setToggleGroup(group);
        file.setUserData(PairChoice.FILE);
        RadioButton gold = new RadioButton("My gold picks (best vs worst)");
        gold.setId("training-pairs-gold");
        gold.setToggleGroup(group);
        gold.setUserData(PairChoice.GOLD);
        RadioButton curated = new RadioButton("A pair set from Curate & export");
        curated.setId("training-pairs-set");
        curated.setToggleGroup(group);
        curated.setUserData(PairChoice.PAIR_SET);
        java.util.function.Function<PairChoice, RadioButton> button = c -> c == PairChoice.GOLD ? gold : c == PairChoice.PAIR_SET ? curated : file;
        group.selectToggle(button.apply(vm.pairChoiceProperty().get()));
        group.selectedToggleProperty().addListener((o, a, b) -> {
            if (b != null) vm.pairChoiceProperty().set((PairChoice) b.getUserData());
        });
        vm.pairChoiceProperty().addListener((o, a, b) -> group.selectToggle(button.apply(b)));
        ComboBox<TrainingViewModel.PairSetChoice> sets = new ComboBox<>(vm.pairSets());
        sets.setId("training-pair-set");
        sets.valueProperty().bindBidirectional(vm.pairSetProperty());
        sets.setMaxWidth(Double.MAX_VALUE);
        sets.setPromptText("no pair set saved yet");
        sets.disableProperty().bind(vm.pairChoiceProperty().isNotEqualTo(PairChoice.PAIR_SET));

        TextField path = pathField("training-pair-file", vm.pairFileProperty(), "pairs.jsonl exported from Curate & export");
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Choose a TRL pair file");
            fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Pair files (*.jsonl)", "*.jsonl"),
                    new FileChooser.ExtensionFilter("All files", "*.*"));
            Path start = vm.exportsDir();
            if (start != null && Files.isDirectory(start)) fc.setInitialDirectory(start.toFile());
            File f = fc.showOpenDialog(root.getScene().getWindow());
            if (f != null) vm.pairFileProperty().set(f.toPath());
        });
        HBox fileRow = new HBox(6, path, browse);
        HBox.setHgrow(path, Priority.ALWAYS);
        fileRow.disableProperty().bind(vm.pairChoiceProperty().isNotEqualTo(PairChoice.FILE));
        Label status = muted("");
        status.setId("training-pairs-status");
        status.textProperty().bind(vm.pairsStatusProperty());
        vm.pairsErrorProperty().addListener((o, a, bad) -> {
            status.getStyleClass().remove(Styles.DANGER);
            if (bad) status.getStyleClass().add(Styles.DANGER);
        });
        return new VBox(6, section("Pairs"), curated, sets, file, fileRow, gold, status);
    }

    private Node model() {
        TextField path = pathField("training-model", vm.modelFolderProperty(), "a model folder (config.json + weights)");
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Choose a model folder");
            File f = dc.showDialog(root.getScene().getWindow());
            if (f != null) vm.modelFolderProperty().set(f.toPath());
        });
        HBox row = new HBox(6, path, browse);
        HBox.setHgrow(path, Priority.ALWAYS);
        Button tiny = new Button("Create a tiny test model");
        tiny.setId("training-make-tiny");
        tiny.setTooltip(new Tooltip("A tiny model the trainer defines itself (random weights, byte tokenizer): try the whole flow "
                + "on this computer in a minute, no download. It learns your pairs' preference, not language."));
        tiny.disableProperty().bind(vm.makingTinyProperty().or(vm.checkingProperty()));
        tiny.setOnAction(e -> vm.createTinyModel());
        Label status = muted("");
        status.setId("training-model-status");
        status.textProperty().bind(vm.modelStatusProperty());
        return new VBox(6, section("Model"), row, tiny, status);
    }

    private Node settings() {
        ComboBox<String> method = combo("training-method", TrainingConfig.METHODS, vm.methodProperty(),
                m -> "lora".equals(m) ? "LoRA adapter (reference: adapter off)" : "Full fine-tuning (frozen reference copy)");
        Spinner<Integer> r = intSpinner("training-lora-r", 1, 512, 8, vm.loraRProperty());
        TextField alpha = numberField("training-lora-alpha", vm.loraAlphaProperty(), "%.0f");
        CheckBox merge = new CheckBox("Also save the merged weights");
        merge.setId("training-merge");
        merge.selectedProperty().bindBidirectional(vm.mergeAdapterProperty());
        merge.setTooltip(new Tooltip("Besides the adapter, write the model with the adapter folded in (final/merged): "
                + "a full model any tool can load, as large as the base model."));
        GridPane loraForm = form(new String[]{"LoRA r", "LoRA alpha"}, r, alpha);
        VBox lora = new VBox(6, loraForm, merge);
        lora.visibleProperty().bind(vm.methodProperty().isEqualTo("lora"));
        lora.managedProperty().bind(lora.visibleProperty());

        ComboBox<String> loss = combo("training-loss", TrainingConfig.LOSS_TYPES, vm.lossTypeProperty(), l -> switch (l) {
            case "sigmoid" -> "sigmoid (DPO)";
            case "ipo" -> "IPO";
            case "hinge" -> "hinge (SLiC)";
            default -> l;
        });
        TextField beta = numberField("training-beta", vm.betaProperty(), "%s");
        beta.setTooltip(new Tooltip("β: how far the model may move from the reference (higher keeps it closer). 0.1 is usual."));
        TextField lr = numberField("training-lr", vm.learningRateProperty(), "%.1e");
        TextField warmup = numberField("training-warmup", vm.warmupRatioProperty(), "%s");
        TextField epochs = numberField("training-epochs", vm.epochsProperty(), "%s");
        Spinner<Integer> batch = intSpinner("training-batch", 1, 1024, 1, vm.batchSizeProperty());
        Spinner<Integer> accum = intSpinner("training-accum", 1, 1024, 1, vm.gradAccumProperty());
        Spinner<Integer> maxLength = intSpinner("training-max-length", 8, 131072, 128, vm.maxLengthProperty());
        Spinner<Integer> maxPrompt = intSpinner("training-max-prompt", 1, 131072, 64, vm.maxPromptLengthProperty());
        ComboBox<String> precision = combo("training-precision", TrainingConfig.PRECISIONS, vm.precisionProperty(), p -> switch (p) {
            case "bf16" -> "bf16 (GPU)";
            case "fp16" -> "fp16 (older GPUs)";
            default -> "fp32";
        });
        CheckBox checkpointing = new CheckBox("Gradient checkpointing (less memory, ~30 % slower)");
        checkpointing.setId("training-grad-ckpt");
        checkpointing.selectedProperty().bindBidirectional(vm.gradientCheckpointingProperty());
        checkpointing.setWrapText(true);
        CheckBox precompute = new CheckBox("Compute the reference once and cache it");
        precompute.setId("training-precompute");
        precompute.selectedProperty().bindBidirectional(vm.precomputeReferenceProperty());
        precompute.setWrapText(true);
        precompute.setTooltip(new Tooltip("The reference log-probs of every pair are computed before training and kept in the run "
                + "folder; a resume or a new run on the same pairs and model reads them back."));
        TextField evalFraction = numberField("training-eval-fraction", vm.evalFractionProperty(), "%s");
        Spinner<Integer> evalSteps = intSpinner("training-eval-steps", 0, 100000, 10, vm.evalStepsProperty());
        Spinner<Integer> logSteps = intSpinner("training-log-steps", 1, 100000, 1, vm.loggingStepsProperty());
        Spinner<Integer> seed = intSpinner("training-seed", 0, Integer.MAX_VALUE, 1, vm.seedProperty());

        GridPane dpo = form(new String[]{"Loss", "β (beta)"}, loss, beta);
        GridPane opt = form(new String[]{"Learning rate", "Warm-up share", "Epochs", "Batch size", "Accumulation"},
                lr, warmup, epochs, batch, accum);
        GridPane lengths = form(new String[]{"Max length", "Max prompt"}, maxLength, maxPrompt);
        GridPane eval = form(new String[]{"Held-out share", "Evaluate every", "Log every", "Seed"}, evalFraction, evalSteps, logSteps, seed);
        Button reset = new Button("Default settings");
        reset.getStyleClass().addAll(Styles.FLAT, Styles.SMALL);
        reset.setOnAction(e -> vm.resetSettings());
        return new VBox(6, section("Method"), method, lora, section("DPO"), dpo, section("Optimiser"), opt,
                muted("Batch size × accumulation = pairs per step. Learning rate: 5e-6 suits LoRA, 5e-7 full fine-tuning."),
                section("Lengths (tokens)"), lengths, section("Precision and memory"), precision, checkpointing, precompute,
                section("Evaluation and logging"), eval, reset);
    }

    private Node memory() {
        Label text = muted("");
        text.setId("training-memory");
        text.textProperty().bind(vm.memoryTextProperty());
        Label fit = new Label();
        fit.setId("training-memory-fit");
        fit.setWrapText(true);
        fit.textProperty().bind(vm.memoryFitProperty());
        fit.getStyleClass().add(Styles.TEXT_SMALL);
        Spinner<Double> size = new Spinner<>(0.1, 500, vm.plannedSizeBProperty().get(), 0.5);
        size.setId("training-planned-size");
        size.setEditable(true);
        size.setPrefWidth(100);
        size.getValueFactory().valueProperty().addListener((o, a, b) -> {
            if (b != null) vm.plannedSizeBProperty().set(b);
        });
        Label planned = muted("");
        planned.setId("training-planned-memory");
        planned.textProperty().bind(vm.plannedMemoryTextProperty());
        Label plan = muted("To plan a run on a bigger model, the same settings for a model of this many billion parameters:");
        VBox card = new VBox(6, section("GPU memory estimate"), text, fit, plan, size, planned);
        card.getStyleClass().add("training-card");
        return card;
    }

    private Node launch() {
        TextField name = new TextField();
        name.setId("training-name");
        name.setPromptText("run name (default: model · pairs)");
        name.textProperty().bindBidirectional(vm.nameProperty());
        Label problem = new Label();
        problem.setId("training-problem");
        problem.setWrapText(true);
        problem.getStyleClass().addAll(Styles.DANGER, Styles.TEXT_SMALL);
        problem.textProperty().bind(vm.settingsProblemProperty());
        problem.visibleProperty().bind(vm.settingsProblemProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        Button start = new Button("Start training");
        start.setId("training-start");
        start.getStyleClass().add(Styles.ACCENT);
        start.setDefaultButton(true);
        start.setMaxWidth(Double.MAX_VALUE);
        start.disableProperty().bind(vm.canLaunchProperty().not());
        start.setOnAction(e -> vm.launch());
        ProgressBar busy = new ProgressBar();
        busy.setMaxWidth(Double.MAX_VALUE);
        busy.visibleProperty().bind(vm.launchingProperty().or(vm.makingTinyProperty()));
        busy.managedProperty().bind(busy.visibleProperty());
        VBox box = new VBox(6, name, problem, busy, start);
        box.setPadding(new Insets(4, 12, 0, 0));
        return box;
    }

    // ---- the live run --------------------------------------------------------------------------------------------

    private Node live() {
        Label note = new Label(REWARDS_NOTE);
        note.setId("training-note");
        note.setWrapText(true);
        note.getStyleClass().addAll(Styles.TEXT_SMALL, "training-note");
        note.setMinHeight(Region.USE_PREF_SIZE);

        var p = vm.points();
        charts.add(new MetricChart("chart-loss", "Loss", "loss", List.of(new MetricChart.Line("loss", "train"),
                new MetricChart.Line("eval_loss", "held out")), p));
        charts.add(new MetricChart("chart-rewards", "Rewards", "β · log-ratio", List.of(new MetricChart.Line("rewards/chosen", "chosen"),
                new MetricChart.Line("rewards/rejected", "rejected"), new MetricChart.Line("rewards/margins", "margin")), p));
        charts.add(new MetricChart("chart-accuracies", "Accuracy (chosen reward > rejected)", "share of pairs",
                List.of(new MetricChart.Line("rewards/accuracies", "train"), new MetricChart.Line("eval_rewards/accuracies", "held out")), p, 0, 1));
        charts.add(new MetricChart("chart-logps", "Log-probabilities of the responses", "log p",
                List.of(new MetricChart.Line("logps/chosen", "chosen"), new MetricChart.Line("logps/rejected", "rejected")), p));
        charts.add(new MetricChart("chart-lr", "Learning rate", "lr", List.of(new MetricChart.Line("learning_rate", "learning rate")), p));
        charts.add(new MetricChart("chart-grad-norm", "Gradient norm (before clipping)", "norm",
                List.of(new MetricChart.Line("grad_norm", "grad norm")), p));
        charts.add(new MetricChart("chart-throughput", "Throughput", "tokens / s",
                List.of(new MetricChart.Line("tokens_per_second", "tokens / s")), p));
        charts.add(new MetricChart("chart-memory", "Memory", "GB", List.of(new MetricChart.Line("gpu_memory_gb", "GPU (peak)"),
                new MetricChart.Line("memory_gb", "process (peak)")), p));

        GridPane grid = new GridPane();
        grid.setId("training-charts");
        grid.setHgap(12);
        grid.setVgap(8);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        grid.getColumnConstraints().addAll(half, half);
        for (int i = 0; i < charts.size(); i++) grid.add(charts.get(i).node(), i % 2, i / 2);

        Label empty = muted("The charts fill as the trainer reports (every \"Log every\" steps).");
        empty.visibleProperty().bind(Bindings.isEmpty(vm.points()));
        empty.managedProperty().bind(empty.visibleProperty());

        TextArea log = new TextArea();
        log.setId("training-log");
        log.setEditable(false);
        log.setWrapText(false);
        log.setPrefRowCount(10);
        log.getStyleClass().add("training-log");
        log.setFocusTraversable(false);   // else a disabled Start hands it the focus and the page scrolls to it
        vm.log().addListener((ListChangeListener<String>) c -> {
            log.setText(String.join("\n", vm.log()));
            log.setScrollTop(Double.MAX_VALUE);
        });

        VBox content = new VBox(10, note, empty, grid, section("Log"), log);
        content.setPadding(new Insets(0, 12, 12, 0));
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.getStyleClass().add("edge-to-edge");
        return scroll;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static TextField pathField(String id, ObjectProperty<Path> property, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        TextFormatter<Path> formatter = new TextFormatter<>(new StringConverter<>() {
            @Override public String toString(Path p) { return p == null ? "" : p.toString(); }
            @Override public Path fromString(String s) { return s == null || s.isBlank() ? null : Path.of(s.strip()); }
        });
        f.setTextFormatter(formatter);
        formatter.valueProperty().bindBidirectional(property);
        return f;
    }

    private TextField numberField(String id, DoubleProperty property, String format) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(8);
        TextFormatter<Number> formatter = new TextFormatter<>(new StringConverter<>() {
            @Override public String toString(Number n) {
                if (n == null) return "";
                double v = n.doubleValue();
                return "%s".equals(format) ? trim(v) : String.format(Locale.ROOT, format, v);
            }
            @Override public Number fromString(String s) {
                try {
                    return Double.parseDouble(s.strip().replace(',', '.'));
                } catch (NumberFormatException e) {
                    return property.get();  // not a number: keep the value
                }
            }
        }, property.get());
        f.setTextFormatter(formatter);
        formatter.valueProperty().bindBidirectional(property);
        return f;
    }

    private static String trim(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%s", v);
    }

    private Spinner<Integer> intSpinner(String id, int min, int max, int step, IntegerProperty property) {
        Spinner<Integer> s = new Spinner<>(min, max, property.get(), step);
        s.setId(id);
        s.setEditable(true);
        s.setMaxWidth(Double.MAX_VALUE);
        ObjectProperty<Integer> boxed = property.asObject();
        keep.add(boxed);
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        // commit a typed value on focus loss (a Spinner only commits on Enter)
        s.focusedProperty().addListener((o, a, focused) -> {
            if (!focused) {
                try {
                    s.getValueFactory().setValue(s.getValueFactory().getConverter().fromString(s.getEditor().getText()));
                } catch (RuntimeException e) {
                    s.getEditor().setText(String.valueOf(s.getValue()));
                }
            }
        });
        return s;
    }

    private static ComboBox<String> combo(String id, List<String> items, javafx.beans.property.StringProperty property,
                                          java.util.function.Function<String, String> label) {
        ComboBox<String> c = new ComboBox<>();
        c.setId(id);
        c.getItems().setAll(items);
        c.valueProperty().bindBidirectional(property);
        c.setConverter(new StringConverter<>() {
            @Override public String toString(String s) { return s == null ? "" : label.apply(s); }
            @Override public String fromString(String s) { return s; }
        });
        c.setMaxWidth(Double.MAX_VALUE);
        return c;
    }

    private static GridPane form(String[] labels, Node... fields) {
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        ColumnConstraints labelCol = new ColumnConstraints();
        labelCol.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fieldCol = new ColumnConstraints();
        fieldCol.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(labelCol, fieldCol);
        for (int i = 0; i < labels.length; i++) {
            Label l = new Label(labels[i]);
            l.setMinWidth(Region.USE_PREF_SIZE);
            g.add(l, 0, i);
            g.add(fields[i], 1, i);
            if (fields[i] instanceof Region r) r.setMaxWidth(Double.MAX_VALUE);
        }
        return g;
    }

    static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_4);
        l.setPadding(new Insets(6, 0, 0, 0));
        return l;
    }

    static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }
}
