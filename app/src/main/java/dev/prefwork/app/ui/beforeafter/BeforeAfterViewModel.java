package dev.prefwork.app.ui.beforeafter;

import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.ErrorMessages;
import dev.prefwork.app.ui.task.ProgressTracker;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.training.TrainingSession;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.generation.eval.JudgeSummary;
import dev.prefwork.generation.eval.LengthControlledWinRate;
import dev.prefwork.generation.eval.WinRate;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.ComparisonService;
import dev.prefwork.training.EnvironmentCheck;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TrainerGenerate;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The Before/after step's state: the finished runs to choose from, the prompt set size and the optional judge server,
 * the running comparison's progress (with ETA) and error, and the result: the overall win rate with its interval, a
 * per-category table, and each prompt's base and tuned answers with their scores. Earlier comparisons of the run can
 * be shown again. No JavaFX nodes here.
 */
public final class BeforeAfterViewModel {

    /** One category's line of the table. */
    public record CategoryRow(String category, String winRate, String interval, int n) {
    }

    /** One prompt's pair: the texts in full; {@code outcome} in words. */
    public record PairRow(String sourceId, String prompt, String category, String baseText, String tunedText, String baseScore,
                          String tunedScore, String outcome, String judge) {
    }

    private final TrainingSession session;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final Executor ui;
    /** Builds the service for a workspace and interpreter (the composition root's, with the reward-model scorer). */
    private final BiFunction<Workspace, Path, ComparisonService> services;

    private final ObservableList<TrainingRun> runs = FXCollections.observableArrayList();
    private final ObjectProperty<TrainingRun> run = new SimpleObjectProperty<>(this, "run");
    private final IntegerProperty prompts = new SimpleIntegerProperty(this, "prompts", ComparisonService.DEFAULT_PROMPTS);
    private final IntegerProperty maxNewTokens = new SimpleIntegerProperty(this, "maxNewTokens", 128);
    private final StringProperty judgeUrl = new SimpleStringProperty(this, "judgeUrl", "");
    private final StringProperty judgeModel = new SimpleStringProperty(this, "judgeModel", "");
    private final ObservableList<ComparisonRepository.Stored> history = FXCollections.observableArrayList();
    private final ObjectProperty<ComparisonRepository.Stored> shown = new SimpleObjectProperty<>(this, "shown");

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper messageIsError = new ReadOnlyBooleanWrapper(this, "messageIsError");

    private final ReadOnlyObjectWrapper<ComparisonService.Report> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyStringWrapper overall = new ReadOnlyStringWrapper(this, "overall", "");
    private final ReadOnlyStringWrapper overallDetail = new ReadOnlyStringWrapper(this, "overallDetail", "");
    private final ReadOnlyStringWrapper judgeText = new ReadOnlyStringWrapper(this, "judgeText", "");
    private final ObservableList<CategoryRow> categories = FXCollections.observableArrayList();
    private final ObservableList<PairRow> pairs = FXCollections.observableArrayList();
    private final ObjectProperty<PairRow> selectedPair = new SimpleObjectProperty<>(this, "selectedPair");

    private TaskExecutor.TaskHandle handle = TaskExecutor.TaskHandle.DONE;

    public BeforeAfterViewModel(TrainingSession session, Executor ui, BiFunction<Workspace, Path, ComparisonService> services) {
        this.session = session;
        this.executor = session.executor();
        this.notifier = session.notifier();
        this.ui = ui;
        this.services = services;
        session.addListener(new TrainingSession.Listener() {
            @Override
            public void serviceChanged(TrainingService service) {
                refresh();
            }

            @Override
            public void runChanged(TrainingRun r) {
                if (r.status() == RunStatus.FINISHED && runs.stream().noneMatch(x -> x.id() == r.id())) refresh();
            }
        });
        run.addListener((o, a, b) -> loadHistory(b));
        shown.addListener((o, a, b) -> {
            if (b != null && (report.get() == null || report.get().id() != b.id())) load(b.id());
        });
        refresh();
    }

    public ObservableList<TrainingRun> runs() { return runs; }
    public ObjectProperty<TrainingRun> runProperty() { return run; }
    public IntegerProperty promptsProperty() { return prompts; }
    public IntegerProperty maxNewTokensProperty() { return maxNewTokens; }
    public StringProperty judgeUrlProperty() { return judgeUrl; }
    public StringProperty judgeModelProperty() { return judgeModel; }
    public ObservableList<ComparisonRepository.Stored> history() { return history; }
    public ObjectProperty<ComparisonRepository.Stored> shownProperty() { return shown; }
    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }
    public ReadOnlyStringProperty progressTextProperty() { return progressText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty messageIsErrorProperty() { return messageIsError.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ComparisonService.Report> reportProperty() { return report.getReadOnlyProperty(); }
    public ReadOnlyStringProperty overallProperty() { return overall.getReadOnlyProperty(); }
    public ReadOnlyStringProperty overallDetailProperty() { return overallDetail.getReadOnlyProperty(); }
    public ReadOnlyStringProperty judgeTextProperty() { return judgeText.getReadOnlyProperty(); }
    public ObservableList<CategoryRow> categories() { return categories; }
    public ObservableList<PairRow> pairs() { return pairs; }
    public ObjectProperty<PairRow> selectedPairProperty() { return selectedPair; }

    /** Reads the finished runs again (newest first); keeps the chosen one when it is still there. */
    public void refresh() {
        TrainingService s = session.service();
        if (s == null) {
            runs.clear();
            run.set(null);
            return;
        }
        executor.execute(BackgroundTask.of("Reading the finished runs", p -> s.runs().stream()
                .filter(r -> r.status() == RunStatus.FINISHED).toList()).quiet().onSuccess(list -> {
            Long keep = run.get() == null ? null : run.get().id();
            runs.setAll(list);
            TrainingRun again = keep == null ? null : list.stream().filter(r -> r.id() == keep).findFirst().orElse(null);
            run.set(again != null ? again : list.isEmpty() ? null : list.get(0));
        }).onFailure(e -> notifier.error("Could not read the training runs", e)));
    }

    private void loadHistory(TrainingRun r) {
        Workspace ws = workspace();
        if (r == null || ws == null) {
            history.clear();
            clearReport();
            return;
        }
        executor.execute(BackgroundTask.of("Reading the comparisons of run " + r.id(), p -> ws.comparisons().list(r.id())).quiet()
                .onSuccess(list -> {
                    history.setAll(list);
                    ComparisonRepository.Stored first = list.stream().filter(c -> c.status().equals(ComparisonRepository.COMPLETE))
                            .findFirst().orElse(null);
                    if (first != null) shown.set(first);
                    else clearReport();
                }).onFailure(e -> notifier.error("Could not read the comparisons", e)));
    }

    private void load(long comparisonId) {
        Workspace ws = workspace();
        if (ws == null) return;
        executor.execute(BackgroundTask.of("Reading comparison #" + comparisonId, p -> services.apply(ws, null).report(comparisonId))
                .quiet().onSuccess(r -> r.ifPresent(this::show))
                .onFailure(e -> notifier.error("Could not read comparison #" + comparisonId, e)));
    }

    private Workspace workspace() {
        TrainingService s = session.service();
        return s == null ? null : s.workspace();
    }

    /** The request the form describes; bad input throws {@link InputException}. */
    ComparisonService.Request request() {
        TrainingRun r = run.get();
        if (r == null) throw new InputException("choose a finished training run first (train one in the Training step)");
        ComparisonService.Judge judge = null;
        String url = judgeUrl.get() == null ? "" : judgeUrl.get().strip();
        String model = judgeModel.get() == null ? "" : judgeModel.get().strip();
        if (!url.isEmpty() || !model.isEmpty()) {
            if (url.isEmpty() || model.isEmpty()) throw new InputException("the judge needs both a server URL and a model name");
            judge = new ComparisonService.Judge(OpenAiConfig.of(ServerPreset.CUSTOM, model).withBaseUrl(url)
                    .withTimeout(Duration.ofSeconds(120)), null);
        }
        TrainerGenerate.Settings sampling = TrainerGenerate.Settings.defaults().withMaxNewTokens(maxNewTokens.get());
        return new ComparisonService.Request(r.id(), prompts.get(), 0, sampling, null, null, judge);
    }

    /** Starts the comparison as a cancellable background task. */
    public void compare() {
        if (running.get()) return;
        Workspace ws = workspace();
        if (ws == null) return;
        ComparisonService.Request request;
        try {
            request = request();
        } catch (InputException e) {
            showMessage(e.getMessage(), true);
            return;
        }
        running.set(true);
        progress.set(-1);
        progressText.set("Starting…");
        showMessage("", false);
        Path named = session.python();
        Path tools = session.toolsDir();
        handle = executor.execute(BackgroundTask.of("Comparing run " + request.runId() + " with its base model", p -> {
            Path python = named;
            if (python == null) {
                p.update(0, -1, "Looking for a Python with torch");
                EnvironmentCheck.Report env = new EnvironmentCheck(tools).run(null);
                if (!env.ready()) throw new InputException(env.advice().get(0).message());
                python = env.chosen().path();
            }
            return services.apply(ws, python).compare(request, viewProgress(p));
        }).onSuccess(r -> {
            show(r);
            loadHistoryKeeping(r.id());
            showMessage(String.format(Locale.ROOT, "Comparison #%d: %d held-out prompts. The answers were added to their prompts "
                    + "as candidates (model run-%d:base and run-%d:tuned).", r.id(), r.prompts(), r.runId(), r.runId()), false);
            notifier.success("Before/after finished", overall.get());
        }).onFailure(e -> {
            showMessage(ErrorMessages.userMessage(e), true);
            notifier.error("The comparison stopped", e);
        }).onCancelled(() -> showMessage("Stopped. Nothing of this comparison was scored; compare again to start over.", false))
                .onFinished(() -> {
                    running.set(false);
                    handle = TaskExecutor.TaskHandle.DONE;
                    progress.set(0);
                    progressText.set("");
                }));
    }

    public void cancel() {
        handle.cancel();
    }

    private void loadHistoryKeeping(long id) {
        Workspace ws = workspace();
        TrainingRun r = run.get();
        if (ws == null || r == null) return;
        executor.execute(BackgroundTask.of("Reading the comparisons", p -> ws.comparisons().list(r.id())).quiet().onSuccess(list -> {
            history.setAll(list);
            list.stream().filter(c -> c.id() == id).findFirst().ifPresent(shown::set);
        }));
    }

    /** Forwards progress to the task list and, throttled and with an ETA, to this screen. */
    private Progress viewProgress(Progress task) {
        ProgressTracker tracker = new ProgressTracker(System::nanoTime, java.time.Duration.ofMillis(150));
        return new Progress() {
            @Override
            public void update(long done, long total, String msg) {
                task.update(done, total, msg);
                ProgressTracker.Snapshot s;
                synchronized (tracker) {
                    s = tracker.update(done, total, msg);
                }
                if (s == null) return;
                ui.execute(() -> {
                    progress.set(s.fraction());
                    progressText.set(s.text());
                });
            }

            @Override
            public boolean isCancelled() {
                return task.isCancelled();
            }
        };
    }

    private void showMessage(String text, boolean error) {
        message.set(text);
        messageIsError.set(error);
    }

    private void clearReport() {
        report.set(null);
        overall.set("");
        overallDetail.set("");
        judgeText.set("");
        categories.clear();
        pairs.clear();
        selectedPair.set(null);
    }

    void show(ComparisonService.Report r) {
        report.set(r);
        WinRate w = r.winRate();
        overall.set(w.n() == 0 ? "No pair could be scored" : String.format(Locale.ROOT, "Tuned wins %s of %d prompts",
                pct(w.rate()), w.n()));
        overallDetail.set(w.n() == 0 ? "" : String.format(Locale.ROOT, "95%% interval %s – %s · %d wins, %d ties, %d losses against "
                + "the base model, by reward model #%s", pct(w.low()), pct(w.high()), w.wins(), w.ties(), w.losses(),
                r.rewardModelId() == null ? "?" : r.rewardModelId()));
        JudgeSummary j = r.judge();
        if (j == null) {
            judgeText.set("");
        } else {
            LengthControlledWinRate lc = j.lengthControlled();
            judgeText.set(String.format(Locale.ROOT, "Judge%s: the tuned model wins %s (95%% %s – %s); at equal length %s. "
                            + "%d votes for tuned, %d for base, %d ties (the two orders disagreed), %d without a vote.",
                    r.judgeModel() == null ? "" : " " + r.judgeModel(), pct(j.winRate().rate()), pct(j.winRate().low()),
                    pct(j.winRate().high()), pct(lc.rate()), j.tuned(), j.base(), j.ties(), j.noVote()));
        }
        categories.setAll(r.categories().stream().map(c -> new CategoryRow(c.category(), pct(c.winRate().rate()),
                c.winRate().n() == 0 ? "" : pct(c.winRate().low()) + " – " + pct(c.winRate().high()), c.winRate().n())).toList());
        List<PairRow> rows = r.rows().stream().map(x -> new PairRow(x.sourceId(), x.prompt(), x.category(), x.baseText(), x.tunedText(),
                score(x.baseScore()), score(x.tunedScore()), outcome(x.outcome()), x.judge() == null ? "" : judge(x.judge()))).toList();
        pairs.setAll(rows);
        selectedPair.set(rows.isEmpty() ? null : rows.get(0));
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static String score(Double s) {
        return s == null ? "–" : String.format(Locale.ROOT, "%.2f", s);
    }

    private static String outcome(Double o) {
        if (o == null) return "not scored";
        return o == 1.0 ? "tuned better" : o == 0.0 ? "base better" : "tie";
    }

    private static String judge(String vote) {
        return switch (vote) {
            case "TUNED" -> "tuned";
            case "BASE" -> "base";
            case "TIE" -> "tie";
            default -> "no vote";
        };
    }
}
