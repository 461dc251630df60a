package dev.prefwork.app.ui.training;

import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.EnvironmentCheck;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * What the Training and Runs steps share: the open workspace's {@link TrainingService} (made when a workspace
 * opens, re-attaching to trainers that outlived the last session; its followers stopped before the workspace
 * closes -- the trainers keep running), the run events moved onto the UI thread, and the Python environment
 * check with the interpreter the expert may name (kept in the settings).
 */
public final class TrainingSession implements AutoCloseable {

    /** Settings key of the interpreter the expert named (empty: choose automatically). */
    public static final String PYTHON_SETTING = "training.python";

    /** Run events, on the UI thread. */
    public interface Listener {
        default void runChanged(TrainingRun run) {
        }

        default void metrics(long runId, List<MetricPoint> points) {
        }

        default void log(long runId, List<String> lines) {
        }

        /** The service changed (another workspace): reload everything. */
        default void serviceChanged(TrainingService service) {
        }
    }

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final SettingsStore settings;
    private final Path toolsDir;
    private final Executor uiThread;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ReadOnlyObjectWrapper<TrainingService> service = new ReadOnlyObjectWrapper<>(this, "service");
    private final ReadOnlyObjectWrapper<EnvironmentCheck.Report> environment = new ReadOnlyObjectWrapper<>(this, "environment");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper(this, "checking");
    private final StringProperty pythonSetting = new SimpleStringProperty(this, "python", "");
    private final EnvironmentCheck check;
    /** Each open workspace's service, until its before-close hook stops it. */
    private final java.util.Map<Workspace, TrainingService> byWorkspace = new java.util.concurrent.ConcurrentHashMap<>();

    private final TrainingService.Listener forward = new TrainingService.Listener() {
        @Override
        public void runChanged(TrainingRun run) {
            uiThread.execute(() -> listeners.forEach(l -> l.runChanged(run)));
        }

        @Override
        public void metrics(long runId, List<MetricPoint> points) {
            uiThread.execute(() -> listeners.forEach(l -> l.metrics(runId, points)));
        }

        @Override
        public void log(long runId, List<String> lines) {
            uiThread.execute(() -> listeners.forEach(l -> l.log(runId, lines)));
        }
    };

    /**
     * @param toolsDir where the trainer package is installed for the environment check and the tiny model
     * @param uiThread runs the listeners' callbacks ({@code Platform::runLater} in the workbench)
     */
    public TrainingSession(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier, SettingsStore settings,
                           Path toolsDir, Executor uiThread) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.settings = settings;
        this.toolsDir = toolsDir;
        this.uiThread = uiThread;
        this.check = new EnvironmentCheck(toolsDir);
        String saved = settings.get(PYTHON_SETTING);
        pythonSetting.set(saved == null ? "" : saved);
        pythonSetting.addListener((o, a, b) -> settings.put(PYTHON_SETTING, b == null ? "" : b.strip()));
        workspaces.addBeforeClose(this::closeFor);
        workspaces.workspaceProperty().addListener((o, a, b) -> open(b));
        open(workspaces.workspace());
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public ReadOnlyObjectProperty<TrainingService> serviceProperty() { return service.getReadOnlyProperty(); }

    public TrainingService service() { return service.get(); }

    public ReadOnlyObjectProperty<EnvironmentCheck.Report> environmentProperty() { return environment.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty checkingProperty() { return checking.getReadOnlyProperty(); }

    /** The interpreter the expert named ("" lets the check choose). */
    public StringProperty pythonSettingProperty() { return pythonSetting; }

    public Path toolsDir() { return toolsDir; }

    public TaskExecutor executor() { return executor; }

    public Notifier notifier() { return notifier; }

    /** The interpreter runs use: the check's choice, or null before a check found one. */
    public Path python() {
        EnvironmentCheck.Report r = environment.get();
        return r == null || r.chosen() == null ? null : r.chosen().path();
    }

    /** Asks every interpreter found (the named one first) what it can train with, in the background. */
    public void checkEnvironment() {
        if (checking.get()) return;
        checking.set(true);
        String named = pythonSetting.get() == null ? "" : pythonSetting.get().strip();
        Path configured = named.isEmpty() ? null : Path.of(named);
        executor.execute(BackgroundTask.of("Checking the Python environment", p -> check.run(configured))
                .onSuccess(environment::set)
                .onFailure(e -> notifier.error("Checking the Python environment failed", e))
                .onFinished(() -> checking.set(false)));
    }

    /** A new service for {@code ws}, re-attached to its running trainers in the background. */
    private void open(Workspace ws) {
        if (ws == null) {
            service.set(null);
            listeners.forEach(l -> l.serviceChanged(null));
            return;
        }
        TrainingService s = byWorkspace.computeIfAbsent(ws, TrainingService::new);
        s.removeListener(forward);
        s.addListener(forward);
        service.set(s);
        listeners.forEach(l -> l.serviceChanged(s));
        executor.execute(BackgroundTask.of("Looking for training runs still going", p -> {
            s.reattach();
            return s.runs();
        }).quiet().onSuccess(runs -> listeners.forEach(l -> l.serviceChanged(s)))
                .onFailure(e -> notifier.error("Could not re-attach to the running trainers", e)));
    }

    /** Before {@code ws} closes: stop following its trainers (they keep running; reopening follows them again). */
    private void closeFor(Workspace ws) {
        TrainingService s = byWorkspace.remove(ws);
        if (s != null) s.close();
    }

    @Override
    public void close() {
        for (Workspace ws : List.copyOf(byWorkspace.keySet())) closeFor(ws);
    }
}
