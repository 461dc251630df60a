package dev.prefwork.app.ui;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.compare.CompareView;
import dev.prefwork.app.ui.compare.CompareViewModel;
import dev.prefwork.app.ui.compare.PipelineBadges;
import dev.prefwork.app.ui.beforeafter.BeforeAfterView;
import dev.prefwork.app.ui.beforeafter.BeforeAfterViewModel;
import dev.prefwork.app.ui.generate.GenerateView;
import dev.prefwork.app.ui.generate.GenerateViewModel;
import dev.prefwork.app.ui.curate.CurateView;
import dev.prefwork.app.ui.curate.CurateViewModel;
import dev.prefwork.app.ui.compare.RewardBadges;
import dev.prefwork.app.ui.labelmodel.LabelModelView;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel;
import dev.prefwork.app.ui.lfstudio.LfStudioView;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel;
import dev.prefwork.app.ui.prompts.PromptsView;
import dev.prefwork.app.ui.prompts.PromptsViewModel;
import dev.prefwork.app.ui.rankings.RankingsView;
import dev.prefwork.app.ui.rankings.RankingsViewModel;
import dev.prefwork.app.ui.shell.FxNotifier;
import dev.prefwork.app.ui.shell.MainViewModel;
import dev.prefwork.app.ui.shell.MainWindow;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.app.ui.task.FxTaskExecutor;
import dev.prefwork.app.ui.task.TaskMonitor;
import dev.prefwork.app.ui.training.RunsView;
import dev.prefwork.app.ui.training.RunsViewModel;
import dev.prefwork.app.ui.training.TrainingSession;
import dev.prefwork.app.ui.training.TrainingView;
import dev.prefwork.app.ui.training.TrainingViewModel;
import dev.prefwork.app.ui.workspace.ImportViewModel;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The composition root of the workbench: constructs every service and view model once, wires them by
 * constructor, and builds the main window on a stage. No static singletons: tests build a Workbench of their
 * own (a temp {@link AppPaths}, a workspace folder) on TestFX's stage.
 */
public final class Workbench {

    /**
     * @param workspace     the workspace to open (a new or empty folder makes one); null: the most recent, else the demo
     * @param openAtStart   false leaves the window without a workspace (tests open one themselves)
     * @param rememberWindow restore and save the window size in the settings
     */
    public record Options(Path workspace, boolean openAtStart, boolean rememberWindow, String startStep) {
        public Options(Path workspace, boolean openAtStart, boolean rememberWindow) {
            this(workspace, openAtStart, rememberWindow, null);
        }

        public static Options open(Path workspace) {
            return new Options(workspace, true, false);
        }

        /** The same, starting on another step (e.g. {@link #COMPARE}). */
        public Options withStartStep(String step) {
            return new Options(workspace, openAtStart, rememberWindow, step);
        }
    }

    /** Ids of the pipeline steps, in navigation order (DESIGN §11). */
    public static final String PROMPTS = "prompts";
    public static final String GENERATE = "generate";
    public static final String COMPARE = "compare";
    public static final String LF_STUDIO = "lf-studio";
    public static final String LABEL_MODEL = "label-model";
    public static final String CURATE = "curate";
    public static final String TRAINING = "training";
    public static final String RUNS = "runs";
    public static final String BEFORE_AFTER = "before-after";
    public static final String RANKINGS = "rankings";

    /** System property naming the step to show first (screenshots, demos): {@code -Dprefwork.startStep=lf-studio}. */
    public static final String START_STEP_PROPERTY = "prefwork.startStep";
    /** System property: open the LF studio with a keyword LF for this text at start (demos, screenshots). */
    public static final String MAKE_LF_PROPERTY = "prefwork.makeLfFrom";

    private final AppPaths paths;
    private final Options options;
    private final SettingsStore settings;
    private final TaskMonitor monitor;
    private final FxNotifier notifier;
    private final FxTaskExecutor executor;
    private final WorkspaceService workspaces;
    private final ImportViewModel importViewModel;
    private final PromptsViewModel promptsViewModel;
    private final CompareViewModel compareViewModel;
    private final PipelineBadges pipelineBadges;
    private final LabelModelViewModel labelModelViewModel;
    private final LfStudioViewModel lfStudioViewModel;
    private final GenerateViewModel generateViewModel;
    private final CurateViewModel curateViewModel;
    private final RankingsViewModel rankingsViewModel;
    private final MainViewModel mainViewModel;
    private final TrainingSession trainingSession;
    private final TrainingViewModel trainingViewModel;
    private final RunsViewModel runsViewModel;
    private final BeforeAfterViewModel beforeAfterViewModel;
    private MainWindow window;
    private Stage stage;

    public Workbench(AppPaths paths, Options options) {
        this.paths = paths;
        this.options = options;
        this.settings = new SettingsStore(paths.settingsFile());
        this.monitor = new TaskMonitor();
        this.notifier = new FxNotifier();
        this.executor = new FxTaskExecutor(monitor, (title, error) -> notifier.error(title + " failed", error),
                Duration.millis(300));
        this.workspaces = new WorkspaceService(paths, settings, executor, notifier);
        this.importViewModel = new ImportViewModel(workspaces, executor, notifier);
        this.promptsViewModel = new PromptsViewModel(workspaces, executor, notifier);
        this.compareViewModel = new CompareViewModel(workspaces, executor, notifier, settings, Clock.systemDefaultZone());
        this.pipelineBadges = new PipelineBadges(paths);
        compareViewModel.addBadgeProvider(pipelineBadges);
        compareViewModel.addBadgeProvider(new RewardBadges());
        this.labelModelViewModel = new LabelModelViewModel(workspaces, executor, notifier);
        this.lfStudioViewModel = new LfStudioViewModel(workspaces, executor, notifier,
                LfStudioViewModel.Debounce.fx(LfStudioViewModel.PREVIEW_DEBOUNCE));
        lfStudioViewModel.setCorrelations(labelModelViewModel.correlations());
        this.generateViewModel = new GenerateViewModel(workspaces, executor, notifier, javafx.application.Platform::runLater,
                paths.home(), System::getenv);
        this.curateViewModel = new CurateViewModel(workspaces, executor, notifier,
                LfStudioViewModel.Debounce.fx(LfStudioViewModel.PREVIEW_DEBOUNCE));
        this.rankingsViewModel = new RankingsViewModel(workspaces, executor, notifier);
        this.mainViewModel = new MainViewModel(workspaces, settings);
        this.trainingSession = new TrainingSession(workspaces, executor, notifier, settings, paths.trainerTools(), Platform::runLater);
        this.trainingViewModel = new TrainingViewModel(trainingSession);
        this.runsViewModel = new RunsViewModel(trainingSession);
        this.beforeAfterViewModel = new BeforeAfterViewModel(trainingSession, Platform::runLater,
                (ws, python) -> dev.prefwork.app.AppComparisons.service(ws, paths, python));
    }

    /** The pipeline steps, in navigation order (DESIGN §11), each with the factory of its view. */
    private List<Step> steps() {
        return List.of(
                Step.available(PROMPTS, "Prompts",
                        "Browse, search and filter every prompt in the workspace with its candidates.", Icons.PROMPTS,
                        actions -> new PromptsView(promptsViewModel, actions)),
                Step.available(GENERATE, "Generate",
                        "Ask a model — a local server such as vLLM, llama.cpp or Ollama, or an ONNX model — for candidate responses to your prompts.",
                        Icons.GENERATE, actions -> new GenerateView(generateViewModel)),
                Step.available(COMPARE, "Compare & label",
                        "See a prompt's candidates side by side and mark the best, the worst, GOOD and BAD; every judgment is saved at once.",
                        Icons.COMPARE, actions -> new CompareView(compareViewModel, actions)),
                Step.available(LF_STUDIO, "LF studio",
                        "Write labeling functions from templates and see their coverage, conflicts and accuracy against your labels as you edit.",
                        Icons.LF_STUDIO, actions -> new LfStudioView(lfStudioViewModel, actions)),
                Step.available(LABEL_MODEL, "Label model",
                        "Combine the labeling functions' votes into the probability that each candidate is GOOD, with each function's learned accuracy.",
                        Icons.LABEL_MODEL, actions -> new LabelModelView(labelModelViewModel)),
                Step.available(RANKINGS, "Rankings",
                        "Train a reward model on your labels and votes, rank each prompt's candidates and review where it disagrees with you.",
                        Icons.RANKINGS, actions -> new RankingsView(rankingsViewModel)),
                Step.available(CURATE, "Curate & export",
                        "Turn rankings into chosen/rejected pairs and export them as TRL JSONL, a Hugging Face dataset folder or a colleague bundle.",
                        Icons.EXPORT, actions -> new CurateView(curateViewModel)),
                Step.available(TRAINING, "Training",
                        "Launch a DPO training run on the curated pairs and watch its loss and rewards live.", Icons.TRAINING,
                        actions -> new TrainingView(trainingViewModel)),
                Step.available(RUNS, "Runs",
                        "Every training run with its settings, metrics and artifacts, to compare, resume or hand over.", Icons.RUNS,
                        actions -> new RunsView(runsViewModel)),
                Step.available(BEFORE_AFTER, "Before / after",
                        "Compare a finished run's tuned model with the model it started from on prompts it never saw: win rate, by category, answer by answer.",
                        Icons.BEFORE_AFTER, actions -> new BeforeAfterView(beforeAfterViewModel)));
    }

    /** Builds the window on {@code stage}, shows it, then opens the workspace in the background. */
    public void start(Stage stage) {
        this.stage = stage;
        // the workspace opens in the background while the window is built and shown
        if (options.openAtStart()) workspaces.openAtStart(options.workspace());
        mainViewModel.themeProperty().addListener((o, a, b) -> applyTheme(b));
        applyTheme(mainViewModel.themeProperty().get());
        String property = System.getProperty(START_STEP_PROPERTY);
        String startStep = options.startStep() != null ? options.startStep()
                : property != null && !property.isBlank() ? property.strip()
                : options.rememberWindow() ? settings.get(MainWindow.LAST_STEP) : null;
        window = new MainWindow(stage, mainViewModel, importViewModel, monitor, settings, steps());
        promptsViewModel.setOnOpenPrompt(id -> window.promptOpened(id));
        compareViewModel.setOnMakeLf(this::makeLfFrom);
        labelModelViewModel.setOnOpenPrompt(id -> window.promptOpened(id));
        runsViewModel.setOnWatch(id -> {
            trainingViewModel.watch(id);
            window.showStep(TRAINING);
        });
        runsViewModel.setOnResume(id -> {
            trainingViewModel.resume(id);
            window.showStep(TRAINING);
        });
        rankingsViewModel.setOnOpenPrompt(id -> window.promptOpened(id));
        rankingsViewModel.setOnFitted(compareViewModel::refreshBadges);
        rankingsViewModel.setOnReview(id -> {
            compareViewModel.review(id);
            window.showStep(COMPARE);
        });
        mainViewModel.addPromptOpenedListener(id -> {
            compareViewModel.open(id);
            window.showStep(COMPARE);
        });
        Label sessions = new Label();
        sessions.setId("session-summary");
        sessions.getStyleClass().add("session-summary");
        sessions.textProperty().bind(compareViewModel.sessionSummaryProperty());
        sessions.setTooltip(new Tooltip("Your labelling sessions: judgments made and time spent, today and in all"));
        window.addStatusItem(sessions);
        window.addWorkspaceMenuItem("Import bundle…", () -> {
            window.showStep(CURATE);
            if (window.view(CURATE) instanceof CurateView v) v.chooseBundle();
        });
        double[] size = initialSize();
        window.install(size[0], size[1]);
        if (startStep != null) window.showStep(startStep);
        String lfText = System.getProperty(MAKE_LF_PROPERTY);
        if (lfText != null && !lfText.isBlank()) makeLfFrom(lfText);
        notifier.attach(stage, window.toastLayer(), MainWindow.STYLESHEET);
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        boolean smallScreen = screen.getWidth() <= 1440 || screen.getHeight() <= 900 || Boolean.getBoolean("prefwork.maximized");
        boolean maximize = options.rememberWindow()
                ? settings.windowSize().map(SettingsStore.WindowSize::maximized).orElse(smallScreen) : smallScreen;
        if (maximize) {
            // also the bounds, for window managers (and virtual displays) that ignore the maximized hint
            stage.setX(screen.getMinX());
            stage.setY(screen.getMinY());
            stage.setWidth(screen.getWidth());
            stage.setHeight(screen.getHeight());
            stage.setMaximized(true);
        }
        stage.show();
    }

    private static void applyTheme(String theme) {
        MainWindow.applyTheme(theme);
    }

    private double[] initialSize() {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double w = Math.min(1440, screen.getWidth() * 0.92);
        double h = Math.min(900, screen.getHeight() * 0.92);
        if (options.rememberWindow()) {
            var saved = settings.windowSize();
            if (saved.isPresent()) {
                w = Math.min(saved.get().width(), screen.getWidth());
                h = Math.min(saved.get().height(), screen.getHeight());
            }
        }
        return new double[]{w, h};
    }

    /** Saves the window size, stops the background threads and closes the workspace. */
    public void stop() {
        if (options.rememberWindow() && stage != null && stage.getWidth() > 0) {
            settings.setWindowSize(new SettingsStore.WindowSize(stage.getWidth(), stage.getHeight(), stage.isMaximized()));
        }
        compareViewModel.close(); // ends the session and writes what is still queued
        pipelineBadges.close();
        executor.close();
        labelModelViewModel.close();
        lfStudioViewModel.close();
        curateViewModel.close();
        rankingsViewModel.close();
        workspaces.close();   // stops following training runs first; their trainers keep running
        trainingSession.close();
    }

    public AppPaths paths() { return paths; }

    public SettingsStore settings() { return settings; }

    public FxTaskExecutor executor() { return executor; }

    public TaskMonitor monitor() { return monitor; }

    public WorkspaceService workspaces() { return workspaces; }

    public ImportViewModel importViewModel() { return importViewModel; }

    public PromptsViewModel promptsViewModel() { return promptsViewModel; }

    public CompareViewModel compareViewModel() { return compareViewModel; }

    public MainViewModel mainViewModel() { return mainViewModel; }

    public LabelModelViewModel labelModelViewModel() { return labelModelViewModel; }

    public LfStudioViewModel lfStudioViewModel() { return lfStudioViewModel; }

    public GenerateViewModel generateViewModel() { return generateViewModel; }
    public CurateViewModel curateViewModel() { return curateViewModel; }

    /**
     * Imports a colleague bundle ({@code .prefwork.zip}) into the open workspace: shows Curate &amp; export, checks the
     * bundle in the background, asks for confirmation listing what will be added, imports it and shows the summary.
     * What the OS calls when the expert opens a bundle file; callable from any thread, before the workspace is open.
     */
    public void importBundle(Path zip) {
        if (!javafx.application.Platform.isFxApplicationThread()) {
            javafx.application.Platform.runLater(() -> importBundle(zip));
            return;
        }
        if (workspaces.workspace() == null) {
            // the workspace is still opening (the app was started by opening the file): import once it is open
            javafx.beans.value.ChangeListener<dev.prefwork.store.Workspace> once = new javafx.beans.value.ChangeListener<>() {
                @Override
                public void changed(javafx.beans.value.ObservableValue<? extends dev.prefwork.store.Workspace> o,
                                    dev.prefwork.store.Workspace a, dev.prefwork.store.Workspace b) {
                    if (b == null) return;
                    workspaces.workspaceProperty().removeListener(this);
                    importBundle(zip);
                }
            };
            workspaces.workspaceProperty().addListener(once);
            return;
        }
        if (window != null) {
            window.showStep(CURATE);
            window.view(CURATE);
        }
        curateViewModel.inspectBundle(zip);
    }

    public TrainingSession trainingSession() { return trainingSession; }

    public TrainingViewModel trainingViewModel() { return trainingViewModel; }

    public RunsViewModel runsViewModel() { return runsViewModel; }

    public BeforeAfterViewModel beforeAfterViewModel() { return beforeAfterViewModel; }

    public RankingsViewModel rankingsViewModel() { return rankingsViewModel; }

    /**
     * "Make an LF from this": opens the LF studio with a new keyword LF for {@code selectedText} (text the expert
     * selected in a candidate). The Compare view calls this.
     */
    public void makeLfFrom(String selectedText) {
        lfStudioViewModel.newKeywordLfFrom(selectedText);
        if (window != null) window.showStep(LF_STUDIO);
    }

    public MainWindow window() { return window; }
}
