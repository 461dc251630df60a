package dev.prefwork.app.ui.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.ErrorMessages;
import dev.prefwork.app.ui.task.ProgressTracker;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Dataset;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.ApiKey;
import dev.prefwork.generation.BackendConfig;
import dev.prefwork.generation.Generation;
import dev.prefwork.generation.GenerationBackend;
import dev.prefwork.generation.GenerationParams;
import dev.prefwork.generation.GenerationRequest;
import dev.prefwork.generation.GenerationService;
import dev.prefwork.generation.OnnxBackend;
import dev.prefwork.generation.OnnxConfig;
import dev.prefwork.generation.OpenAiBackend;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.OpenAiEndpoint;
import dev.prefwork.generation.PromptSelection;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.inference.DeviceChoice;
import dev.prefwork.store.GenerationJobRepository.StoredJob;
import dev.prefwork.store.Workspace;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Generate screen's state: the backend (an OpenAI-compatible server with a preset, or an ONNX model folder),
 * the parameters, which prompts, a connection test, and the running job's progress, with the workspace's jobs
 * (an interrupted one offered for resuming). Settings are kept in the workspace ({@value #SETTINGS}), without the
 * API key, which lives only in memory (or in the environment variable the settings name). No JavaFX nodes here.
 */
public final class GenerateViewModel {

    /** Where the candidates come from. */
    public enum BackendKind { SERVER, ONNX }

    /** Which prompts: every prompt, a dataset's, a category's. */
    public enum Scope { ALL, DATASET, CATEGORY }

    /** A finished prompt, for the "just written" list. */
    public record RecentPrompt(String sourceId, String status, int candidates, String firstCandidate, long elapsedMs) {
    }

    /** A job as the job table shows it. */
    public record JobRow(long id, String state, String backend, String model, int done, int total, long candidates,
                         Instant created, String label, String error, boolean resumable) {
        public String progressText() {
            return String.format(Locale.ROOT, "%,d / %,d", done, total);
        }
    }

    public static final String SETTINGS = "generation.settings";
    /** What "Test connection" asks the model. */
    public static final String TEST_PROMPT = "Say hello in one short sentence.";
    static final int RECENT_SIZE = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final Executor ui;
    private final Path dataDir;
    private final Function<String, String> env;

    // backend
    private final ObjectProperty<BackendKind> kind = new SimpleObjectProperty<>(this, "kind", BackendKind.SERVER);
    private final ObjectProperty<ServerPreset> preset = new SimpleObjectProperty<>(this, "preset", ServerPreset.VLLM);
    private final StringProperty baseUrl = new SimpleStringProperty(this, "baseUrl", ServerPreset.VLLM.baseUrl());
    private final ObjectProperty<OpenAiEndpoint> endpoint = new SimpleObjectProperty<>(this, "endpoint", OpenAiEndpoint.CHAT);
    private final StringProperty serverModel = new SimpleStringProperty(this, "serverModel", "");
    private final BooleanProperty supportsN = new SimpleBooleanProperty(this, "supportsN", true);
    private final IntegerProperty concurrency = new SimpleIntegerProperty(this, "concurrency", ServerPreset.VLLM.concurrency());
    private final IntegerProperty timeoutSeconds = new SimpleIntegerProperty(this, "timeoutSeconds", 120);
    private final IntegerProperty retries = new SimpleIntegerProperty(this, "retries", OpenAiConfig.DEFAULT_RETRIES);
    private final StringProperty apiKey = new SimpleStringProperty(this, "apiKey", "");
    private final StringProperty apiKeyEnv = new SimpleStringProperty(this, "apiKeyEnv", "");
    private final StringProperty modelDir = new SimpleStringProperty(this, "modelDir", "");
    private final StringProperty onnxModelName = new SimpleStringProperty(this, "onnxModelName", "");
    private final ObjectProperty<DeviceChoice> device = new SimpleObjectProperty<>(this, "device", DeviceChoice.CPU);
    private final BooleanProperty kvCache = new SimpleBooleanProperty(this, "kvCache", true);
    // parameters
    private final IntegerProperty n = new SimpleIntegerProperty(this, "n", 5);
    private final DoubleProperty temperature = new SimpleDoubleProperty(this, "temperature", 0.8);
    private final DoubleProperty topP = new SimpleDoubleProperty(this, "topP", 0.95);
    private final IntegerProperty maxTokens = new SimpleIntegerProperty(this, "maxTokens", 512);
    private final StringProperty stop = new SimpleStringProperty(this, "stop", "");
    private final StringProperty seed = new SimpleStringProperty(this, "seed", "");
    // prompts
    private final ObjectProperty<Scope> scope = new SimpleObjectProperty<>(this, "scope", Scope.ALL);
    private final ObjectProperty<Dataset> dataset = new SimpleObjectProperty<>(this, "dataset");
    private final StringProperty category = new SimpleStringProperty(this, "category");
    private final BooleanProperty onlyMissing = new SimpleBooleanProperty(this, "onlyMissing", true);
    private final ObservableList<Dataset> datasets = FXCollections.observableArrayList();
    private final ObservableList<String> categories = FXCollections.observableArrayList();
    private final ReadOnlyIntegerWrapper selectedCount = new ReadOnlyIntegerWrapper(this, "selectedCount", -1);
    // test, job
    private final ReadOnlyBooleanWrapper testing = new ReadOnlyBooleanWrapper(this, "testing");
    private final ReadOnlyStringWrapper testStatus = new ReadOnlyStringWrapper(this, "testStatus", "");
    private final ReadOnlyStringWrapper testReply = new ReadOnlyStringWrapper(this, "testReply", "");
    private final ReadOnlyBooleanWrapper testFailed = new ReadOnlyBooleanWrapper(this, "testFailed");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyStringWrapper jobMessage = new ReadOnlyStringWrapper(this, "jobMessage", "");
    private final ReadOnlyBooleanWrapper jobMessageIsError = new ReadOnlyBooleanWrapper(this, "jobMessageIsError");
    private final ObservableList<RecentPrompt> recent = FXCollections.observableArrayList();
    private final ObservableList<JobRow> jobs = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<JobRow> resumable = new ReadOnlyObjectWrapper<>(this, "resumable");

    private TaskExecutor.TaskHandle jobHandle = TaskExecutor.TaskHandle.DONE;
    private volatile CountDownLatch jobDone = new CountDownLatch(0);
    private Workspace servicesFor;
    private GenerationService service;
    private int countGeneration;
    private boolean loadingSettings;
    private volatile long lastJobsRefresh = System.nanoTime();
    private static final long JOBS_REFRESH_NANOS = 3_000_000_000L;

    /**
     * @param ui      runs updates on the UI thread ({@code Platform::runLater} in the workbench; {@code Runnable::run} in tests)
     * @param dataDir the user data folder (DJL's cache for ONNX models)
     * @param env     the environment (API keys named by variable)
     */
    public GenerateViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier, Executor ui, Path dataDir,
                             Function<String, String> env) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.ui = ui;
        this.dataDir = dataDir;
        this.env = env;
        preset.addListener((o, a, p) -> {
            if (loadingSettings || p == null) return;
            baseUrl.set(p.baseUrl());
            endpoint.set(p.endpoint());
            supportsN.set(p.supportsN());
            concurrency.set(p.concurrency());
        });
        kind.addListener((o, a, b) -> showTest(true, "", "")); // a test of the other backend says nothing about this one
        scope.addListener((o, a, b) -> recount());
        dataset.addListener((o, a, b) -> recount());
        category.addListener((o, a, b) -> recount());
        onlyMissing.addListener((o, a, b) -> recount());
        workspaces.workspaceProperty().addListener((o, a, b) -> workspaceChanged());
        workspaces.dataVersionProperty().addListener((o, a, b) -> {
            if (!running.get()) refresh();
        });
        workspaces.addBeforeClose(this::stopBeforeClose);
        workspaceChanged();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObjectProperty<BackendKind> kindProperty() { return kind; }
    public ObjectProperty<ServerPreset> presetProperty() { return preset; }
    public StringProperty baseUrlProperty() { return baseUrl; }
    public ObjectProperty<OpenAiEndpoint> endpointProperty() { return endpoint; }
    public StringProperty serverModelProperty() { return serverModel; }
    public BooleanProperty supportsNProperty() { return supportsN; }
    public IntegerProperty concurrencyProperty() { return concurrency; }
    public IntegerProperty timeoutSecondsProperty() { return timeoutSeconds; }
    /** Retries after a 429, a 5xx, a timeout or a dropped connection. */
    public IntegerProperty retriesProperty() { return retries; }
    /** Held in memory only: never saved, never shown back. */
    public StringProperty apiKeyProperty() { return apiKey; }
    public StringProperty apiKeyEnvProperty() { return apiKeyEnv; }
    public StringProperty modelDirProperty() { return modelDir; }
    public StringProperty onnxModelNameProperty() { return onnxModelName; }
    public ObjectProperty<DeviceChoice> deviceProperty() { return device; }
    public BooleanProperty kvCacheProperty() { return kvCache; }
    public IntegerProperty nProperty() { return n; }
    public DoubleProperty temperatureProperty() { return temperature; }
    public DoubleProperty topPProperty() { return topP; }
    public IntegerProperty maxTokensProperty() { return maxTokens; }
    /** Stop strings, one per line. */
    public StringProperty stopProperty() { return stop; }
    /** A whole number, or blank for none. */
    public StringProperty seedProperty() { return seed; }
    public ObjectProperty<Scope> scopeProperty() { return scope; }
    public ObjectProperty<Dataset> datasetProperty() { return dataset; }
    public StringProperty categoryProperty() { return category; }
    public BooleanProperty onlyMissingProperty() { return onlyMissing; }
    public ObservableList<Dataset> datasets() { return datasets; }
    public ObservableList<String> categories() { return categories; }
    /** Prompts the selection covers now; -1 while unknown. */
    public ReadOnlyIntegerProperty selectedCountProperty() { return selectedCount.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty testingProperty() { return testing.getReadOnlyProperty(); }
    public ReadOnlyStringProperty testStatusProperty() { return testStatus.getReadOnlyProperty(); }
    public ReadOnlyStringProperty testReplyProperty() { return testReply.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty testFailedProperty() { return testFailed.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }
    /** 0..1, or -1 while the total is unknown. */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }
    /** "12 of 50 prompts · 60 candidates · 35 tokens/s · about 2 min left" */
    public ReadOnlyStringProperty progressTextProperty() { return progressText.getReadOnlyProperty(); }
    /** How the last job ended (or why it could not start). */
    public ReadOnlyStringProperty jobMessageProperty() { return jobMessage.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty jobMessageIsErrorProperty() { return jobMessageIsError.getReadOnlyProperty(); }
    /** The prompts finished by the running (or last) job, newest first. */
    public ObservableList<RecentPrompt> recent() { return recent; }
    /** The workspace's jobs, newest first. */
    public ObservableList<JobRow> jobs() { return jobs; }
    /** The newest job with prompts left (interrupted, stopped or failed), or null. */
    public ReadOnlyObjectProperty<JobRow> resumableProperty() { return resumable.getReadOnlyProperty(); }

    public List<ServerPreset> presets() { return List.of(ServerPreset.values()); }

    // ---- what the settings describe ---------------------------------------------------------------------------

    /** The backend the controls describe; throws {@link InputException} naming the field that is wrong. */
    public BackendConfig backendConfig() {
        if (kind.get() == BackendKind.ONNX) {
            if (modelDir.get() == null || modelDir.get().isBlank()) throw new InputException(null, 0, "model folder", "choose the folder of an ONNX model");
            return new OnnxConfig(Path.of(modelDir.get().strip()), onnxModelName.get(), device.get(), kvCache.get(), 0);
        }
        return new OpenAiConfig(preset.get(), baseUrl.get(), endpoint.get(), serverModel.get(), supportsN.get(), concurrency.get(),
                Duration.ofSeconds(Math.max(1, timeoutSeconds.get())), retries.get(), apiKeyEnv.get());
    }

    public GenerationParams params() {
        List<String> stops = Arrays.stream(stop.get() == null ? new String[0] : stop.get().split("\\R")).filter(s -> !s.isEmpty()).toList();
        Long s;
        String text = seed.get() == null ? "" : seed.get().strip();
        try {
            s = text.isEmpty() ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InputException(null, 0, "seed", "'" + text + "' is not a whole number (leave it empty for no seed)");
        }
        return new GenerationParams(n.get(), temperature.get(), topP.get(), maxTokens.get(), stops, s);
    }

    public PromptSelection selection() {
        return switch (scope.get()) {
            case ALL -> PromptSelection.all(onlyMissing.get());
            case DATASET -> {
                if (dataset.get() == null) throw new InputException(null, 0, "dataset", "choose a dataset");
                yield PromptSelection.dataset(dataset.get().id(), onlyMissing.get());
            }
            case CATEGORY -> {
                if (category.get() == null) throw new InputException(null, 0, "category", "choose a category");
                yield PromptSelection.category(category.get(), onlyMissing.get());
            }
        };
    }

    // ---- actions ------------------------------------------------------------------------------------------------

    /** Sends one short request (or loads the model and runs it) and shows the reply; fills an empty model name from the server's list. */
    public void testConnection() {
        if (testing.get()) return;
        BackendConfig config;
        GenerationParams params;
        try {
            config = backendConfig();
            params = params().withN(1).withMaxTokens(Math.min(64, maxTokens.get()));
        } catch (InputException e) {
            showTest(false, e.getMessage(), "");
            return;
        }
        testing.set(true);
        testStatus.set(kind.get() == BackendKind.ONNX ? "Loading the model…" : "Sending a request to " + baseUrlText(config) + "…");
        testReply.set("");
        testFailed.set(false);
        ApiKey key = key(config);
        executor.execute(BackgroundTask.of("Testing the connection", p -> {
            long t0 = System.nanoTime();
            List<String> models = List.of();
            BackendConfig c = config;
            if (config instanceof OpenAiConfig oc) {
                try {
                    models = OpenAiBackend.open(oc.withMaxRetries(0), key).models(p::isCancelled);
                } catch (RuntimeException e) {
                    models = List.of(); // /models is optional; the completion below says what is wrong
                }
                if (oc.model().isEmpty() && !models.isEmpty()) c = oc.withModel(models.get(0));
            }
            try (GenerationBackend b = open(c instanceof OpenAiConfig oc ? oc.withMaxRetries(0) : c, key)) {
                Generation g = b.generate(TEST_PROMPT, params, p::isCancelled);
                String extra = b instanceof OnnxBackend onnx ? " · " + onnx.deviceStatus().message()
                        + (onnx.usesKvCache() ? " · KV cache" : " · no KV cache") : "";
                return new TestResult(c, models, g.candidates().get(0).text(), (System.nanoTime() - t0) / 1_000_000, extra,
                        g.candidates().get(0).extra().get("server_model"));
            }
        }).onSuccess(r -> {
            if (r.config() instanceof OpenAiConfig oc && serverModel.get().isBlank()) serverModel.set(oc.model());
            String served = r.serverModel() != null ? r.serverModel() : r.config().modelName();
            String status = String.format(Locale.ROOT, "Reply in %,d ms from %s%s", r.ms(), served, r.extra());
            if (!r.models().isEmpty()) status += " · the server lists: " + String.join(", ", r.models());
            showTest(true, status, r.reply());
        }).onFailure(e -> showTest(false, ErrorMessages.userMessage(e), "")).onCancelled(() -> showTest(false, "Cancelled.", ""))
                .onFinished(() -> testing.set(false)));
    }

    private record TestResult(BackendConfig config, List<String> models, String reply, long ms, String extra, String serverModel) {
    }

    private void showTest(boolean ok, String status, String reply) {
        testFailed.set(!ok);
        testStatus.set(status);
        testReply.set(reply);
    }

    /** Creates a job for the selected prompts and runs it in the background. */
    public void start() {
        Workspace ws = workspaces.workspace();
        if (ws == null || running.get()) return;
        GenerationRequest request;
        try {
            request = new GenerationRequest(null, selection(), params(), backendConfig());
        } catch (InputException e) {
            showJobMessage(e.getMessage(), true);
            return;
        }
        saveSettings(ws);
        run(ws, request, null);
    }

    /** Resumes a job with the settings it was started with (the API key from this screen or the variable it names). */
    public void resume(JobRow row) {
        Workspace ws = workspaces.workspace();
        if (ws == null || running.get() || row == null || !row.resumable()) return;
        run(ws, null, row.id());
    }

    /** Stops the running job after the prompts in flight; what is written stays, and Resume finishes it. */
    public void cancel() {
        jobHandle.cancel();
    }

    /** Marks a job as not to be finished (its candidates stay). */
    public void discard(JobRow row) {
        Workspace ws = workspaces.workspace();
        if (ws == null || row == null) return;
        executor.execute(BackgroundTask.of("Discarding generation job #" + row.id(), p -> {
            service(ws).discard(row.id());
            return null;
        }).quiet().onSuccess(v -> refresh()).onFailure(e -> notifier.error("Could not discard job #" + row.id(), e)));
    }

    private void run(Workspace ws, GenerationRequest newJob, Long resumeId) {
        running.set(true);
        recent.clear();
        progress.set(-1);
        progressText.set(resumeId == null ? "Starting…" : "Resuming job #" + resumeId + "…");
        showJobMessage("", false);
        CountDownLatch done = new CountDownLatch(1);
        jobDone = done;
        ApiKey typedKey = ApiKey.of(apiKey.get());
        String title = resumeId == null ? "Generating candidates with " + newJob.backend().modelName() : "Resuming generation job #" + resumeId;
        jobHandle = executor.execute(BackgroundTask.of(title, p -> {
            try {
                GenerationService s = service(ws);
                long jobId;
                BackendConfig config;
                if (resumeId == null) {
                    config = newJob.backend();
                    jobId = -1;
                } else {
                    StoredJob job = s.job(resumeId).orElseThrow(() -> new InputException("no generation job #" + resumeId));
                    config = GenerationService.requestOf(job).backend();
                    jobId = resumeId;
                }
                ApiKey key = typedKey != null ? typedKey : key(config);
                try (GenerationBackend backend = open(config, key)) {
                    if (resumeId == null) jobId = s.create(newJob);
                    return s.run(jobId, backend, this::promptFinished, viewProgress(p));
                }
            } finally {
                // "running" ends when the work has returned (a cancelled task's callbacks come before that)
                ui.execute(() -> {
                    running.set(false);
                    refresh();
                });
                done.countDown();
            }
        }).onSuccess(r -> {
            String summary = String.format(Locale.ROOT, "Job #%d: %s.", r.jobId(), r.stats().line());
            if (r.error() == null) {
                showJobMessage(summary + " Done.", false);
                notifier.success("Candidates generated", r.stats().line());
            } else {
                showJobMessage(summary + " " + r.error(), true);
                notifier.info("Generation finished with prompts left", r.error());
            }
        }).onFailure(e -> {
            showJobMessage(ErrorMessages.userMessage(e), true);
            notifier.error("Generation stopped", e);
        }).onCancelled(() -> {
            showJobMessage("Stopped. What was written is kept; Resume finishes the job.", false);
            notifier.info("Generation stopped", "Resume finishes the job; nothing is generated twice.");
        }).onFinished(() -> {
            jobHandle = TaskExecutor.TaskHandle.DONE;
            workspaces.dataChanged(); // the Prompts step and the counts see the new candidates
        }));
    }

    /** Forwards progress to the task list and, throttled, with an ETA, to this screen. */
    private Progress viewProgress(Progress task) {
        ProgressTracker tracker = new ProgressTracker(System::nanoTime, java.time.Duration.ofMillis(150));
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        return new Progress() {
            @Override
            public void update(long done, long total, String message) {
                task.update(done, total, message);
                // the first update comes once the job is running: show it in the job list
                if (first.getAndSet(false)) ui.execute(GenerateViewModel.this::refresh);
                ProgressTracker.Snapshot s;
                synchronized (tracker) {
                    s = tracker.update(done, total, message);
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

    private void promptFinished(GenerationService.PromptOutcome o) {
        RecentPrompt r = new RecentPrompt(o.sourceId(), o.status(), o.texts().size(), o.texts().isEmpty()
                ? (o.error() == null ? "" : o.error()) : o.texts().get(0), o.elapsedMs());
        long now = System.nanoTime();
        boolean refreshJobs = now - lastJobsRefresh > JOBS_REFRESH_NANOS;
        if (refreshJobs) lastJobsRefresh = now;
        ui.execute(() -> {
            recent.add(0, r);
            if (recent.size() > RECENT_SIZE) recent.remove(RECENT_SIZE, recent.size());
            if (refreshJobs) refresh(); // the running job's counts in the job list, every few seconds
        });
    }

    private void showJobMessage(String message, boolean error) {
        jobMessage.set(message);
        jobMessageIsError.set(error);
    }

    private GenerationBackend open(BackendConfig config, ApiKey key) {
        if (config instanceof OpenAiConfig c) return OpenAiBackend.open(c, key);
        return OnnxBackend.open((OnnxConfig) config, dataDir);
    }

    /** The key typed on this screen, else the one in the variable the settings name, else none. */
    private ApiKey key(BackendConfig config) {
        ApiKey typed = ApiKey.of(apiKey.get());
        if (typed != null) return typed;
        if (config instanceof OpenAiConfig c && c.apiKeyEnv() != null) {
            String v = env.apply(c.apiKeyEnv());
            return ApiKey.fromEnvironment(c.apiKeyEnv(), v == null ? Map.of() : Map.of(c.apiKeyEnv(), v));
        }
        return null;
    }

    private static String baseUrlText(BackendConfig c) {
        return c instanceof OpenAiConfig oc ? oc.baseUrl() : c.modelName();
    }

    // ---- reading the workspace ------------------------------------------------------------------------------------

    private void workspaceChanged() {
        Workspace ws = workspaces.workspace();
        recent.clear();
        showJobMessage("", false);
        showTest(true, "", "");
        if (ws == null) {
            jobs.clear();
            datasets.clear();
            categories.clear();
            resumable.set(null);
            selectedCount.set(-1);
            return;
        }
        executor.execute(BackgroundTask.of("Reading the generation settings", p -> ws.settings().get(SETTINGS).orElse(null))
                .quiet().onSuccess(json -> {
                    if (json != null && workspaces.workspace() == ws) applySettings(json);
                    refresh();
                }).onFailure(e -> refresh()));
    }

    /** Reloads the job list, datasets, categories and the selection's count. */
    public void refresh() {
        Workspace ws = workspaces.workspace();
        if (ws == null) return;
        executor.execute(BackgroundTask.of("Reading generation jobs", p -> {
            GenerationService s = service(ws);
            List<JobRow> rows = new ArrayList<>();
            for (StoredJob j : s.jobs()) {
                rows.add(new JobRow(j.id(), s.state(j), j.backend(), j.model(), j.done() + j.skipped(), j.promptsTotal(), j.candidates(),
                        j.createdAt(), j.label(), j.error(), j.resumable() && !s.isRunning(j.id())));
            }
            return new Lists(rows, ws.datasets().list(), new ArrayList<>(ws.prompts().categories().keySet()));
        }).quiet().onSuccess(l -> {
            if (workspaces.workspace() != ws) return;
            jobs.setAll(l.jobs());
            resumable.set(l.jobs().stream().filter(JobRow::resumable).findFirst().orElse(null));
            Dataset chosen = dataset.get();
            datasets.setAll(l.datasets());
            dataset.set(chosen == null ? null : l.datasets().stream().filter(d -> d.id() == chosen.id()).findFirst().orElse(null));
            String cat = category.get();
            categories.setAll(l.categories());
            if (cat != null && !l.categories().contains(cat)) category.set(null);
            recount();
        }).onFailure(e -> notifier.error("Reading generation jobs failed", e)));
    }

    private record Lists(List<JobRow> jobs, List<Dataset> datasets, List<String> categories) {
    }

    private void recount() {
        Workspace ws = workspaces.workspace();
        if (ws == null) return;
        PromptSelection sel;
        try {
            sel = selection();
        } catch (InputException e) {
            selectedCount.set(-1);
            return;
        }
        int gen = ++countGeneration;
        executor.execute(BackgroundTask.of("Counting prompts", p -> service(ws).resolve(sel).length).quiet()
                .onSuccess(c -> {
                    if (gen == countGeneration) selectedCount.set(c);
                }).onFailure(e -> selectedCount.set(-1)));
    }

    private synchronized GenerationService service(Workspace ws) {
        if (servicesFor != ws) {
            service = new GenerationService(ws);
            servicesFor = ws;
        }
        return service;
    }

    // ---- settings -------------------------------------------------------------------------------------------------

    /** The settings as stored in the workspace: everything on the screen but the API key. */
    String settingsJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", kind.get().name());
        o.put("preset", preset.get().id());
        o.put("base_url", baseUrl.get());
        o.put("endpoint", endpoint.get().id());
        o.put("model", serverModel.get());
        o.put("supports_n", supportsN.get());
        o.put("concurrency", concurrency.get());
        o.put("timeout_s", timeoutSeconds.get());
        o.put("retries", retries.get());
        o.put("api_key_env", apiKeyEnv.get());
        o.put("model_dir", modelDir.get());
        o.put("onnx_model", onnxModelName.get());
        o.put("device", device.get().name());
        o.put("kv_cache", kvCache.get());
        o.put("n", n.get());
        o.put("temperature", temperature.get());
        o.put("top_p", topP.get());
        o.put("max_tokens", maxTokens.get());
        o.put("stop", stop.get());
        o.put("seed", seed.get());
        return o.toString();
    }

    private void saveSettings(Workspace ws) {
        String json = settingsJson();
        executor.execute(BackgroundTask.of("Saving the generation settings", p -> {
            ws.settings().put(SETTINGS, json);
            return null;
        }).quiet().onFailure(e -> { }));
    }

    private void applySettings(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (Exception e) {
            return; // unreadable settings: keep the defaults
        }
        loadingSettings = true;
        try {
            if (o.path("kind").asText().equals("ONNX")) kind.set(BackendKind.ONNX);
            else kind.set(BackendKind.SERVER);
            try {
                preset.set(ServerPreset.byId(o.path("preset").asText("vllm")));
                endpoint.set(OpenAiEndpoint.byId(o.path("endpoint").asText("chat")));
            } catch (IllegalArgumentException ignored) {
                // a newer version's value: keep the default
            }
            baseUrl.set(o.path("base_url").asText(baseUrl.get()));
            serverModel.set(o.path("model").asText(""));
            supportsN.set(o.path("supports_n").asBoolean(supportsN.get()));
            concurrency.set(o.path("concurrency").asInt(concurrency.get()));
            timeoutSeconds.set(o.path("timeout_s").asInt(timeoutSeconds.get()));
            retries.set(o.path("retries").asInt(retries.get()));
            apiKeyEnv.set(o.path("api_key_env").asText(""));
            modelDir.set(o.path("model_dir").asText(""));
            onnxModelName.set(o.path("onnx_model").asText(""));
            device.set(o.path("device").asText("CPU").equals("GPU") ? DeviceChoice.GPU : DeviceChoice.CPU);
            kvCache.set(o.path("kv_cache").asBoolean(true));
            n.set(o.path("n").asInt(n.get()));
            temperature.set(o.path("temperature").asDouble(temperature.get()));
            topP.set(o.path("top_p").asDouble(topP.get()));
            maxTokens.set(o.path("max_tokens").asInt(maxTokens.get()));
            stop.set(o.path("stop").asText(""));
            seed.set(o.path("seed").asText(""));
        } finally {
            loadingSettings = false;
        }
    }

    // ---- closing --------------------------------------------------------------------------------------------------

    /** Before the workspace closes: stop a running job and wait (briefly) until its prompts in flight are settled. */
    private void stopBeforeClose(Workspace ws) {
        if (servicesFor != ws) return;
        CountDownLatch done = jobDone;
        if (done.getCount() == 0) return;
        jobHandle.cancel();
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
