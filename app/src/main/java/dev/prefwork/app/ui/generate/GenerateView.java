package dev.prefwork.app.ui.generate;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Em;
import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.generate.GenerateViewModel.BackendKind;
import dev.prefwork.app.ui.generate.GenerateViewModel.JobRow;
import dev.prefwork.app.ui.generate.GenerateViewModel.RecentPrompt;
import dev.prefwork.app.ui.generate.GenerateViewModel.Scope;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.core.Dataset;
import dev.prefwork.generation.OpenAiEndpoint;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.inference.DeviceChoice;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.StringConverter;

import java.io.File;
import java.nio.file.Path;
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
 * The Generate step: where the model is (a server with a preset, or an ONNX model folder) and a connection test on
 * the left with the parameters and which prompts; on the right the start/cancel button, the running job's progress,
 * the prompts just written and the workspace's jobs, with an interrupted job offered for resuming.
 */
public final class GenerateView implements Step.StepView {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d, HH:mm", Locale.ENGLISH).withZone(ZoneId.systemDefault());

    private final GenerateViewModel vm;
    private final BorderPane root = new BorderPane();

    public GenerateView(GenerateViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("generate-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        ScrollPane settings = new ScrollPane(settings());
        settings.setId("gen-settings");
        settings.setFitToWidth(true);
        settings.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        settings.setPrefWidth(Em.px(27));
        settings.setMinWidth(Em.px(23));
        settings.getStyleClass().add("edge-to-edge");
        root.setLeft(settings);
        BorderPane.setMargin(settings, new Insets(0, 20, 0, 0));
        root.setCenter(main());
        vm.refresh();
    }

    @Override
    public Node node() {
        return root;
    }

    private Node header() {
        Label title = new Label("Generate candidates");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Ask a model for candidate responses to your prompts. Each prompt's candidates are saved as they "
                + "arrive, so a stopped or interrupted job resumes where it left off and never writes a prompt twice.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);

        Label bannerText = new Label();
        bannerText.setId("gen-resume-text");
        bannerText.setWrapText(true);
        bannerText.textProperty().bind(Bindings.createStringBinding(() -> {
            JobRow j = vm.resumableProperty().get();
            if (j == null) return "";
            String how = switch (j.state()) {
                case "interrupted" -> "was interrupted";
                case "failed" -> "stopped on an error";
                default -> "was stopped";
            };
            return String.format(Locale.ROOT, "Job #%d (%s) %s with %,d of %,d prompts left.", j.id(), j.model(), how,
                    j.total() - j.done(), j.total());
        }, vm.resumableProperty()));
        bannerText.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(bannerText, Priority.ALWAYS);
        Button resume = new Button("Resume");
        resume.setId("gen-resume");
        resume.getStyleClass().add(Styles.ACCENT);
        resume.disableProperty().bind(vm.runningProperty());
        resume.setOnAction(e -> vm.resume(vm.resumableProperty().get()));
        Button discard = new Button("Discard");
        discard.setId("gen-discard");
        discard.getStyleClass().add(Styles.FLAT);
        discard.disableProperty().bind(vm.runningProperty());
        discard.setOnAction(e -> vm.discard(vm.resumableProperty().get()));
        discard.setTooltip(new Tooltip("Don't finish this job (the candidates it wrote stay)"));
        HBox banner = new HBox(12, bannerText, resume, discard);
        banner.setId("gen-resume-banner");
        banner.setAlignment(Pos.CENTER_LEFT);
        banner.setPadding(new Insets(8, 12, 8, 12));
        banner.setStyle("-fx-background-color: -color-warning-subtle; -fx-border-color: -color-warning-emphasis; "
                + "-fx-border-radius: 6; -fx-background-radius: 6;");
        banner.visibleProperty().bind(vm.resumableProperty().isNotNull().and(vm.runningProperty().not()));
        banner.managedProperty().bind(banner.visibleProperty());

        VBox box = new VBox(4, title, subtitle, banner);
        VBox.setMargin(banner, new Insets(8, 0, 0, 0));
        box.setPadding(new Insets(0, 0, 14, 0));
        return box;
    }

    // ---- settings (left) ------------------------------------------------------------------------------------------

    private Node settings() {
        ToggleGroup kinds = new ToggleGroup();
        RadioButton server = new RadioButton("OpenAI-compatible server");
        server.setId("gen-kind-server");
        server.setToggleGroup(kinds);
        RadioButton onnx = new RadioButton("ONNX model on this computer");
        onnx.setId("gen-kind-onnx");
        onnx.setToggleGroup(kinds);
        Runnable showKind = () -> (vm.kindProperty().get() == BackendKind.ONNX ? onnx : server).setSelected(true);
        showKind.run();
        vm.kindProperty().addListener((o, a, b) -> showKind.run());
        kinds.selectedToggleProperty().addListener((o, a, b) -> {
            if (b != null) vm.kindProperty().set(b == onnx ? BackendKind.ONNX : BackendKind.SERVER);
        });

        Node serverPane = serverSettings();
        Node onnxPane = onnxSettings();
        serverPane.visibleProperty().bind(vm.kindProperty().isEqualTo(BackendKind.SERVER));
        serverPane.managedProperty().bind(serverPane.visibleProperty());
        onnxPane.visibleProperty().bind(vm.kindProperty().isEqualTo(BackendKind.ONNX));
        onnxPane.managedProperty().bind(onnxPane.visibleProperty());

        Button test = new Button("Test connection");
        test.setId("gen-test");
        test.setGraphic(Icons.of(Icons.LINK, "icon-sm"));
        // not disabled while a test runs (a second click is ignored): a disabled button would pass the focus on and
        // scroll the settings away from the reply
        test.disableProperty().bind(vm.runningProperty());
        test.setOnAction(e -> vm.testConnection());
        ProgressBar testing = new ProgressBar();
        testing.setPrefWidth(Em.px(6));
        testing.visibleProperty().bind(vm.testingProperty());
        testing.managedProperty().bind(testing.visibleProperty());
        HBox testRow = new HBox(10, test, testing);
        testRow.setAlignment(Pos.CENTER_LEFT);
        Label testStatus = new Label();
        testStatus.setId("gen-test-status");
        testStatus.setWrapText(true);
        testStatus.textProperty().bind(vm.testStatusProperty());
        testStatus.getStyleClass().add(Styles.TEXT_SMALL);
        Runnable testStyle = () -> {
            testStatus.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
            testStatus.getStyleClass().add(vm.testFailedProperty().get() ? Styles.DANGER : Styles.SUCCESS);
        };
        vm.testFailedProperty().addListener((o, a, b) -> testStyle.run());
        vm.testStatusProperty().addListener((o, a, b) -> testStyle.run());
        testStyle.run();
        testStatus.visibleProperty().bind(vm.testStatusProperty().isNotEmpty());
        testStatus.managedProperty().bind(testStatus.visibleProperty());
        TextArea reply = new TextArea();
        reply.setId("gen-test-reply");
        reply.setEditable(false);
        reply.setWrapText(true);
        reply.setPrefRowCount(3);
        reply.textProperty().bind(vm.testReplyProperty());
        reply.visibleProperty().bind(vm.testReplyProperty().isNotEmpty());
        reply.managedProperty().bind(reply.visibleProperty());

        VBox box = new VBox(8,
                section("Model"), server, onnx, serverPane, onnxPane, testRow, testStatus, reply,
                section("Parameters"), parameters(),
                section("Prompts"), prompts());
        box.setPadding(new Insets(0, 14, 12, 0));
        return box;
    }

    private Node serverSettings() {
        ComboBox<ServerPreset> preset = new ComboBox<>();
        preset.setId("gen-preset");
        preset.getItems().setAll(vm.presets());
        preset.valueProperty().bindBidirectional(vm.presetProperty());
        preset.setConverter(converter(ServerPreset::label));
        TextField url = new TextField();
        url.setId("gen-base-url");
        url.textProperty().bindBidirectional(vm.baseUrlProperty());
        url.setPromptText("http://localhost:8000/v1");
        ComboBox<OpenAiEndpoint> endpoint = new ComboBox<>();
        endpoint.setId("gen-endpoint");
        endpoint.getItems().setAll(OpenAiEndpoint.values());
        endpoint.valueProperty().bindBidirectional(vm.endpointProperty());
        endpoint.setConverter(converter(e -> e == OpenAiEndpoint.CHAT ? "Chat (/chat/completions)" : "Text (/completions)"));
        endpoint.setTooltip(new Tooltip("Chat: the prompt is a user message and the server applies the model's chat template.\n"
                + "Text: the prompt is continued as it is (base models)."));
        TextField model = new TextField();
        model.setId("gen-model");
        model.textProperty().bindBidirectional(vm.serverModelProperty());
        model.setPromptText("as the server names it");
        CheckBox n = new CheckBox("One request asks for all candidates (n)");
        n.setId("gen-supports-n");
        n.selectedProperty().bindBidirectional(vm.supportsNProperty());
        n.setTooltip(new Tooltip("vLLM takes n; llama.cpp's server and Ollama answer with one choice, so each candidate is its own request."));
        Spinner<Integer> concurrency = intSpinner(vm.concurrencyProperty(), 1, 64, 1);
        concurrency.setId("gen-concurrency");
        Spinner<Integer> timeout = intSpinner(vm.timeoutSecondsProperty(), 5, 3600, 30);
        Spinner<Integer> retries = intSpinner(vm.retriesProperty(), 0, 10, 1);
        retries.setTooltip(new Tooltip("Retries after a 429, a 5xx, a timeout or a dropped connection, waiting longer each time"));
        PasswordField key = new PasswordField();
        key.setId("gen-api-key");
        key.textProperty().bindBidirectional(vm.apiKeyProperty());
        key.setPromptText("none");
        TextField keyEnv = new TextField();
        keyEnv.setId("gen-api-key-env");
        keyEnv.textProperty().bindBidirectional(vm.apiKeyEnvProperty());
        keyEnv.setPromptText("e.g. OPENAI_API_KEY");
        GridPane form = form(new String[]{"Server", "Base URL", "Endpoint", "Model name", "Prompts at once", "Timeout (s)", "Retries",
                "API key", "… or variable"}, preset, url, endpoint, model, concurrency, timeout, retries, key, keyEnv);
        Label keyNote = muted("The key is kept in memory only: it is never saved, logged or exported. To remember it, "
                + "put it in an environment variable and name the variable.");
        return new VBox(8, form, n, keyNote);
    }

    private Node onnxSettings() {
        TextField dir = new TextField();
        dir.setId("gen-model-dir");
        dir.textProperty().bindBidirectional(vm.modelDirProperty());
        dir.setPromptText("folder with model.onnx");
        Button browse = new Button(null, Icons.of(Icons.FOLDER));
        browse.setTooltip(new Tooltip("Choose the model folder…"));
        browse.setMinWidth(Region.USE_PREF_SIZE);
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Choose an ONNX model folder (model.onnx, tokenizer.json)");
            String current = vm.modelDirProperty().get();
            if (current != null && !current.isBlank() && new File(current).isDirectory()) chooser.setInitialDirectory(new File(current));
            File f = chooser.showDialog(root.getScene().getWindow());
            if (f != null) vm.modelDirProperty().set(f.getAbsolutePath());
        });
        HBox.setHgrow(dir, Priority.ALWAYS);
        HBox dirRow = new HBox(6, dir, browse);
        TextField name = new TextField();
        name.setId("gen-onnx-model");
        name.textProperty().bindBidirectional(vm.onnxModelNameProperty());
        name.promptTextProperty().bind(Bindings.createStringBinding(() -> {
            String d = vm.modelDirProperty().get();
            return d == null || d.isBlank() ? "the folder's name" : Path.of(d.strip()).getFileName() + " (the folder's name)";
        }, vm.modelDirProperty()));
        ComboBox<DeviceChoice> device = new ComboBox<>();
        device.getItems().setAll(DeviceChoice.values());
        device.valueProperty().bindBidirectional(vm.deviceProperty());
        device.setConverter(converter(d -> d == DeviceChoice.CPU ? "CPU" : "GPU (CUDA; else the CPU)"));
        GridPane form = form(new String[]{"Model folder", "Model name", "Device"}, dirRow, name, device);
        CheckBox cache = new CheckBox("Use the KV cache (much faster)");
        cache.selectedProperty().bindBidirectional(vm.kvCacheProperty());
        Label note = muted("An optimum export of a causal LM: model.onnx (with past key values), tokenizer.json and "
                + "generation_config.json. The prompt is continued as it is; no chat template is applied.");
        return new VBox(8, form, cache, note);
    }

    private Node parameters() {
        Spinner<Integer> n = intSpinner(vm.nProperty(), 1, 64, 1);
        n.setId("gen-n");
        Spinner<Double> temperature = doubleSpinner(vm.temperatureProperty(), 0, 2, 0.1);
        temperature.setId("gen-temperature");
        Spinner<Double> topP = doubleSpinner(vm.topPProperty(), 0.05, 1, 0.05);
        Spinner<Integer> maxTokens = intSpinner(vm.maxTokensProperty(), 1, 32_768, 64);
        maxTokens.setId("gen-max-tokens");
        TextArea stop = new TextArea();
        stop.setId("gen-stop");
        stop.setPrefRowCount(2);
        stop.setPromptText("one per line (up to 4)");
        stop.textProperty().bindBidirectional(vm.stopProperty());
        TextField seed = new TextField();
        seed.setId("gen-seed");
        seed.setPromptText("none");
        seed.textProperty().bindBidirectional(vm.seedProperty());
        return form(new String[]{"Candidates per prompt", "Temperature", "Top p", "Max new tokens", "Stop strings", "Seed"},
                n, temperature, topP, maxTokens, stop, seed);
    }

    private Node prompts() {
        ToggleGroup scopes = new ToggleGroup();
        RadioButton all = new RadioButton("All prompts");
        all.setId("gen-scope-all");
        RadioButton ds = new RadioButton("A dataset");
        ds.setId("gen-scope-dataset");
        RadioButton cat = new RadioButton("A category");
        cat.setId("gen-scope-category");
        for (RadioButton r : new RadioButton[]{all, ds, cat}) r.setToggleGroup(scopes);
        Runnable show = () -> (switch (vm.scopeProperty().get()) {
            case ALL -> all;
            case DATASET -> ds;
            case CATEGORY -> cat;
        }).setSelected(true);
        show.run();
        vm.scopeProperty().addListener((o, a, b) -> show.run());
        scopes.selectedToggleProperty().addListener((o, a, b) -> {
            if (b != null) vm.scopeProperty().set(b == ds ? Scope.DATASET : b == cat ? Scope.CATEGORY : Scope.ALL);
        });
        ComboBox<Dataset> dataset = new ComboBox<>(vm.datasets());
        dataset.setId("gen-dataset");
        dataset.valueProperty().bindBidirectional(vm.datasetProperty());
        dataset.setConverter(converter(d -> d.name() + " (" + Fmt.count(d.prompts(), "prompt") + ")"));
        dataset.disableProperty().bind(ds.selectedProperty().not());
        dataset.setMaxWidth(Double.MAX_VALUE);
        ComboBox<String> category = new ComboBox<>(vm.categories());
        category.setId("gen-category");
        category.valueProperty().bindBidirectional(vm.categoryProperty());
        category.setConverter(converter(c -> c.isEmpty() ? "(no category)" : c));
        category.disableProperty().bind(cat.selectedProperty().not());
        category.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(dataset, Priority.ALWAYS);
        HBox.setHgrow(category, Priority.ALWAYS);
        HBox dsRow = new HBox(8, ds, dataset);
        dsRow.setAlignment(Pos.CENTER_LEFT);
        HBox catRow = new HBox(8, cat, category);
        catRow.setAlignment(Pos.CENTER_LEFT);
        ds.setMinWidth(Region.USE_PREF_SIZE);
        cat.setMinWidth(Region.USE_PREF_SIZE);
        CheckBox missing = new CheckBox("Only prompts without candidates");
        missing.setId("gen-only-missing");
        missing.selectedProperty().bindBidirectional(vm.onlyMissingProperty());
        missing.setTooltip(new Tooltip("Off: every selected prompt gets this many more candidates, whatever it has."));
        Label count = new Label();
        count.setId("gen-count");
        count.getStyleClass().add(Styles.TEXT_BOLD);
        count.textProperty().bind(Bindings.createStringBinding(() -> {
            int c = vm.selectedCountProperty().get();
            return c < 0 ? "" : Fmt.count(c, "prompt") + " selected";
        }, vm.selectedCountProperty()));
        return new VBox(8, all, dsRow, catRow, missing, count);
    }

    // ---- main (right) ---------------------------------------------------------------------------------------------

    private Node main() {
        Button start = new Button();
        start.setId("gen-start");
        start.setGraphic(Icons.of(Icons.SPARK, "icon-sm"));
        start.getStyleClass().addAll(Styles.ACCENT, Styles.LARGE);
        start.textProperty().bind(Bindings.createStringBinding(() -> {
            if (vm.runningProperty().get()) return "Generating…";
            int c = vm.selectedCountProperty().get();
            int n = vm.nProperty().get();
            if (c <= 0) return "Generate";
            return String.format(Locale.ROOT, "Generate %s for %s", Fmt.count((long) c * n, "candidate"), Fmt.count(c, "prompt"));
        }, vm.selectedCountProperty(), vm.nProperty(), vm.runningProperty()));
        BooleanBinding noPrompts = vm.selectedCountProperty().lessThanOrEqualTo(0);
        start.disableProperty().bind(vm.runningProperty().or(noPrompts));
        start.setOnAction(e -> vm.start());
        Button cancel = new Button("Cancel");
        cancel.setId("gen-cancel");
        cancel.getStyleClass().add(Styles.LARGE);
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        cancel.setTooltip(new Tooltip("Stop after the prompts in flight; Resume finishes the job later"));
        HBox actions = new HBox(10, start, cancel);
        actions.setAlignment(Pos.CENTER_LEFT);

        ProgressBar bar = new ProgressBar();
        bar.setId("gen-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(vm.progressProperty());
        Label progressText = new Label();
        progressText.setId("gen-progress-text");
        progressText.textProperty().bind(vm.progressTextProperty());
        VBox progress = new VBox(4, bar, progressText);
        progress.visibleProperty().bind(vm.runningProperty());
        progress.managedProperty().bind(progress.visibleProperty());

        Label message = new Label();
        message.setId("gen-message");
        message.setWrapText(true);
        message.textProperty().bind(vm.jobMessageProperty());
        Runnable messageStyle = () -> {
            message.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
            message.getStyleClass().add(vm.jobMessageIsErrorProperty().get() ? Styles.DANGER : Styles.SUCCESS);
        };
        vm.jobMessageIsErrorProperty().addListener((o, a, b) -> messageStyle.run());
        vm.jobMessageProperty().addListener((o, a, b) -> messageStyle.run());
        messageStyle.run();
        message.visibleProperty().bind(vm.jobMessageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());

        ListView<RecentPrompt> recent = new ListView<>(vm.recent());
        recent.setId("gen-recent");
        recent.setPlaceholder(muted("The prompts a job writes appear here as their candidates arrive."));
        recent.setCellFactory(l -> new ListCell<>() {
            {
                setPrefWidth(0); // as wide as the list, the preview cut with an ellipsis: no horizontal scrolling
            }

            @Override
            protected void updateItem(RecentPrompt r, boolean empty) {
                super.updateItem(r, empty);
                if (empty || r == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                Label id = new Label(r.sourceId());
                id.getStyleClass().add(Styles.TEXT_BOLD);
                id.setMinWidth(Region.USE_PREF_SIZE);
                String what = switch (r.status()) {
                    case "WRITTEN" -> Fmt.count(r.candidates(), "candidate") + String.format(Locale.ROOT, " in %.1f s", r.elapsedMs() / 1000.0);
                    case "SKIPPED" -> "skipped: it has candidates now";
                    case "FAILED" -> "failed";
                    default -> r.status().toLowerCase(Locale.ROOT);
                };
                Label status = new Label(what);
                status.getStyleClass().add(r.status().equals("FAILED") ? Styles.DANGER : Styles.TEXT_MUTED);
                status.setMinWidth(Region.USE_PREF_SIZE);
                Label text = new Label(Fmt.oneLine(r.firstCandidate()));
                text.getStyleClass().add(Styles.TEXT_MUTED);
                text.setMinWidth(0);
                HBox.setHgrow(text, Priority.ALWAYS);
                HBox row = new HBox(10, id, status, text);
                row.setAlignment(Pos.CENTER_LEFT);
                setText(null);
                setGraphic(row);
            }
        });
        recent.setPrefHeight(Em.px(14));
        VBox.setVgrow(recent, Priority.ALWAYS);

        TableView<JobRow> table = jobsTable();
        Button resumeSelected = new Button("Resume");
        resumeSelected.setId("gen-resume-selected");
        resumeSelected.disableProperty().bind(vm.runningProperty().or(Bindings.createBooleanBinding(() -> {
            JobRow j = table.getSelectionModel().getSelectedItem();
            return j == null || !j.resumable();
        }, table.getSelectionModel().selectedItemProperty())));
        resumeSelected.setOnAction(e -> vm.resume(table.getSelectionModel().getSelectedItem()));
        Button discardSelected = new Button("Discard");
        discardSelected.disableProperty().bind(resumeSelected.disableProperty());
        discardSelected.setOnAction(e -> vm.discard(table.getSelectionModel().getSelectedItem()));
        Label jobsTitle = section("Jobs");
        HBox jobsHeader = new HBox(8, jobsTitle, new Region(), resumeSelected, discardSelected);
        HBox.setHgrow(jobsHeader.getChildren().get(1), Priority.ALWAYS);
        jobsHeader.setAlignment(Pos.BOTTOM_LEFT);

        VBox content = new VBox(10, actions, progress, message, section("Just written"), recent, jobsHeader, table);
        content.setPadding(new Insets(0, 0, 4, 0));
        return content;
    }

    private TableView<JobRow> jobsTable() {
        TableView<JobRow> table = new TableView<>(vm.jobs());
        table.setId("gen-jobs");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Job", j -> "#" + j.id(), 3));
        table.getColumns().add(column("State", JobRow::state, 6));
        table.getColumns().add(column("Model", j -> j.model() + (j.backend().equals("onnx") ? " (ONNX)" : ""), 10.5));
        table.getColumns().add(column("Prompts", JobRow::progressText, 5.5));
        table.getColumns().add(column("Candidates", j -> Fmt.count(j.candidates()), 7.2));
        table.getColumns().add(column("Started", j -> WHEN.format(j.created()), 7.2));
        table.getColumns().add(column("Note", j -> j.error() != null ? j.error() : j.label() == null ? "" : j.label(), 6));
        table.setPlaceholder(muted("No generation jobs yet."));
        table.setFixedCellSize(Em.px(2.1));
        table.setPrefHeight(Em.px(11));
        table.setMinHeight(Em.px(7));
        table.setRowFactory(t -> new javafx.scene.control.TableRow<>() {
            @Override
            protected void updateItem(JobRow j, boolean empty) {
                super.updateItem(j, empty);
                setTooltip(empty || j == null || j.error() == null ? null : new Tooltip(j.error()));
            }
        });
        return table;
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double widthEm) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(Em.px(widthEm));
        return c;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static Spinner<Double> doubleSpinner(javafx.beans.property.DoubleProperty property, double min, double max, double step) {
        Spinner<Double> s = new Spinner<>();
        SpinnerValueFactory.DoubleSpinnerValueFactory f = new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, property.get(), step);
        f.setConverter(new StringConverter<>() {
            @Override public String toString(Double v) { return v == null ? "" : String.format(Locale.ROOT, "%.2f", v); }
            @Override public Double fromString(String t) {
                try {
                    return Double.parseDouble(t.strip().replace(',', '.'));
                } catch (NumberFormatException e) {
                    return property.get();
                }
            }
        });
        s.setValueFactory(f);
        s.setEditable(true);
        f.valueProperty().addListener((o, a, b) -> {
            if (b != null) property.set(b);
        });
        property.addListener((o, a, b) -> f.setValue(b.doubleValue()));
        s.setMaxWidth(Double.MAX_VALUE);
        return s;
    }
}
