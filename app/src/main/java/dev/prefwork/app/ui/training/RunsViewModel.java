package dev.prefwork.app.ui.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.MetricStream;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * The Runs step's state: every training run of the workspace (status, settings, final metrics, duration,
 * artifacts), the selected run's details and log tail, and two runs' curves of one metric side by side. Resume
 * and cancel act on the selected run; "Watch" hands it to the Training step. No JavaFX nodes here.
 */
public final class RunsViewModel {

    /** The metrics a comparison can show: TRL's train metrics and their eval_ versions. */
    public static final List<String> COMPARABLE;

    static {
        List<String> names = new ArrayList<>(List.of("loss", "eval_loss", "rewards/margins", "eval_rewards/margins",
                "rewards/accuracies", "eval_rewards/accuracies", "rewards/chosen", "rewards/rejected", "logps/chosen",
                "logps/rejected", "learning_rate", "grad_norm", "tokens_per_second", "gpu_memory_gb"));
        COMPARABLE = List.copyOf(names);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneId.systemDefault());

    private final TrainingSession session;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final ObservableList<TrainingRun> runs = FXCollections.observableArrayList();
    private final ObjectProperty<TrainingRun> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper(this, "details", "");
    private final ObservableList<String> selectedLog = FXCollections.observableArrayList();
    private final ObjectProperty<TrainingRun> compareA = new SimpleObjectProperty<>(this, "compareA");
    private final ObjectProperty<TrainingRun> compareB = new SimpleObjectProperty<>(this, "compareB");
    private final StringProperty compareMetric = new SimpleStringProperty(this, "compareMetric", "loss");
    private final ObservableList<MetricPoint> curveA = FXCollections.observableArrayList();
    private final ObservableList<MetricPoint> curveB = FXCollections.observableArrayList();
    private LongConsumer watchHandler = id -> { };
    private LongConsumer resumeHandler = id -> { };
    private int generation;

    public RunsViewModel(TrainingSession session) {
        this.session = session;
        this.executor = session.executor();
        this.notifier = session.notifier();
        session.addListener(new TrainingSession.Listener() {
            @Override
            public void runChanged(TrainingRun run) {
                for (int i = 0; i < runs.size(); i++) {
                    if (runs.get(i).id() == run.id()) {
                        runs.set(i, run);
                        if (selected.get() != null && selected.get().id() == run.id()) selected.set(run);
                        return;
                    }
                }
                runs.add(0, run);
            }

            @Override
            public void metrics(long runId, List<MetricPoint> points) {
                if (compareA.get() != null && compareA.get().id() == runId) curveA.addAll(points);
                if (compareB.get() != null && compareB.get().id() == runId) curveB.addAll(points);
            }

            @Override
            public void serviceChanged(TrainingService service) {
                refresh();
            }
        });
        selected.addListener((o, a, b) -> showDetails(b));
        compareA.addListener((o, a, b) -> loadCurve(b, curveA));
        compareB.addListener((o, a, b) -> loadCurve(b, curveB));
        refresh();
    }

    public ObservableList<TrainingRun> runs() { return runs; }
    public ObjectProperty<TrainingRun> selectedProperty() { return selected; }
    public ReadOnlyStringProperty detailsProperty() { return details.getReadOnlyProperty(); }
    public ObservableList<String> selectedLog() { return selectedLog; }
    public ObjectProperty<TrainingRun> compareAProperty() { return compareA; }
    public ObjectProperty<TrainingRun> compareBProperty() { return compareB; }
    public StringProperty compareMetricProperty() { return compareMetric; }
    public ObservableList<MetricPoint> curveA() { return curveA; }
    public ObservableList<MetricPoint> curveB() { return curveB; }

    /** The Training step listens here: the run to watch. */
    public void setOnWatch(LongConsumer handler) {
        this.watchHandler = handler == null ? id -> { } : handler;
    }

    /** Reads the runs again. */
    public void refresh() {
        TrainingService s = session.service();
        int gen = ++generation;
        if (s == null) {
            runs.clear();
            selected.set(null);
            return;
        }
        executor.execute(BackgroundTask.of("Reading the training runs", p -> s.runs()).quiet().onSuccess(list -> {
            if (gen != generation) return;
            Long keep = selected.get() == null ? null : selected.get().id();
            runs.setAll(list);
            selected.set(keep == null ? null : list.stream().filter(r -> r.id() == keep).findFirst().orElse(null));
        }).onFailure(e -> notifier.error("Could not read the training runs", e)));
    }

    /** Compares the two given runs (the table's two selected rows). */
    public void compare(TrainingRun a, TrainingRun b) {
        compareA.set(a);
        compareB.set(b);
    }

    /** The Training step listens here: the run to resume. */
    public void setOnResume(LongConsumer handler) {
        this.resumeHandler = handler == null ? id -> { } : handler;
    }

    public void watch(TrainingRun run) {
        if (run != null) watchHandler.accept(run.id());
    }

    public void cancel(TrainingRun run) {
        TrainingService s = session.service();
        if (run == null || s == null || run.status() != RunStatus.RUNNING) return;
        executor.execute(BackgroundTask.of("Cancelling run " + run.id(), p -> {
            s.cancel(run.id());
            return null;
        }).quiet().onFailure(e -> notifier.error("Could not cancel the run", e)));
    }

    /** Resumes the run (the Training step does it, and shows it). */
    public void resume(TrainingRun run) {
        if (run != null && run.resumable()) resumeHandler.accept(run.id());
    }

    private void showDetails(TrainingRun r) {
        selectedLog.clear();
        if (r == null) {
            details.set("");
            return;
        }
        details.set(details(r));
        TrainingService s = session.service();
        if (s == null) return;
        executor.execute(BackgroundTask.of("Reading the run's log", p -> s.logTail(r.id(), 60)).quiet()
                .onSuccess(lines -> {
                    if (selected.get() != null && selected.get().id() == r.id()) selectedLog.setAll(lines);
                }).onFailure(e -> { }));
    }

    static String details(TrainingRun r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run ").append(r.id()).append(": ").append(r.name()).append('\n');
        sb.append("Status: ").append(r.status().label());
        if (r.exitCode() != null) sb.append(" (exit code ").append(r.exitCode()).append(')');
        sb.append('\n');
        if (r.error() != null) sb.append("Why: ").append(r.error()).append('\n');
        sb.append("Pairs: ").append(r.pairSource()).append(String.format(Locale.ROOT, " (%,d pairs)%n", r.pairCount()));
        sb.append("Model: ").append(r.model()).append('\n');
        sb.append("Settings: ").append(r.config().summary()).append('\n');
        if (r.python() != null) sb.append("Python: ").append(r.python()).append('\n');
        sb.append("Folder: ").append(r.dir()).append('\n');
        sb.append("Started: ").append(r.startedAt() == null ? "not yet" : WHEN.format(r.startedAt())).append(" · ran ")
                .append(TrainingViewModel.duration(r.duration(java.time.Instant.now()))).append('\n');
        if (r.totalSteps() != null) sb.append(String.format(Locale.ROOT, "Steps: %,d of %,d%n", r.lastStep(), r.totalSteps()));
        if (r.checkpointStep() != null) sb.append("Checkpoint: step ").append(r.checkpointStep()).append(" (Resume continues from it)\n");
        if (!r.finalMetrics().isEmpty()) {
            sb.append("\nFinal metrics\n");
            for (String name : MetricStream.TRAIN_METRICS) {
                appendMetric(sb, name, r.finalMetrics().get(name));
                appendMetric(sb, "eval_" + name, r.finalMetrics().get("eval_" + name));
            }
        }
        if (!r.artifacts().isEmpty()) {
            sb.append("\nArtifacts\n");
            for (String a : r.artifacts()) sb.append("  ").append(r.dir().resolve(a)).append('\n');
        }
        sb.append("\nOn a machine with more GPUs: copy the folder and run its launch.sh\n  ")
                .append(r.dir().resolve("launch.sh")).append('\n');
        try {
            sb.append("\nconfig.json\n").append(JSON.writeValueAsString(JSON.readTree(r.configJson())));
        } catch (Exception e) {
            sb.append("\nconfig.json\n").append(r.configJson());
        }
        return sb.toString();
    }

    private static void appendMetric(StringBuilder sb, String name, Double v) {
        if (v != null) sb.append(String.format(Locale.ROOT, "  %-26s %s%n", name, format(name, v)));
    }

    /** A metric value for tables: accuracies as percentages, small numbers in scientific notation. */
    public static String format(String name, double v) {
        if (Double.isNaN(v)) return "–";
        if (name.endsWith("accuracies")) return String.format(Locale.ROOT, "%.1f%%", 100 * v);
        if (name.endsWith("learning_rate")) return String.format(Locale.ROOT, "%.2e", v);
        if (name.endsWith("tokens_per_second")) return String.format(Locale.ROOT, "%,.0f", v);
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private void loadCurve(TrainingRun run, ObservableList<MetricPoint> curve) {
        curve.clear();
        TrainingService s = session.service();
        if (run == null || s == null) return;
        executor.execute(BackgroundTask.of("Reading run " + run.id() + "'s metrics", p -> s.metrics(run.id())).quiet()
                .onSuccess(points -> {
                    TrainingRun now = curve == curveA ? compareA.get() : compareB.get();
                    if (now != null && now.id() == run.id()) curve.setAll(points);
                }).onFailure(e -> notifier.error("Could not read the run's metrics", e)));
    }
}
