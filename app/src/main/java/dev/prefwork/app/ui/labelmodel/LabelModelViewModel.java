package dev.prefwork.app.ui.labelmodel;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.correlations.CorrelationsViewModel;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.labeling.model.LabelModels;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelModelService.FitRequest;
import dev.prefwork.labeling.service.LabelModelService.PriorSource;
import dev.prefwork.labeling.service.LabelModelService.UncertainCandidate;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfCorrelationService;
import dev.prefwork.store.StoredLf;
import dev.prefwork.store.Workspace;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The Label model screen's state: the model and its parameters, the aspect weights (equal by default), fitting
 * in the background, and the latest run as the view shows it (LF table with learned next to gold accuracy,
 * P(GOOD) histogram, coverage/conflict, per-aspect fallback reasons, the stale banner and the least-certain
 * queue, whose candidates open in the Compare step through {@link #setOnOpenPrompt}). No JavaFX nodes here.
 */
public final class LabelModelViewModel {

    public enum ViewState {
        NO_WORKSPACE,
        LOADING,
        /** no enabled labeling functions: nothing to fit */
        NO_LFS,
        /** LFs but no run yet */
        NOT_FITTED,
        READY
    }

    /** One aspect's weight slider. */
    public static final class AspectWeight {
        private final String aspect;
        private final int lfCount;
        private final DoubleProperty weight = new SimpleDoubleProperty(this, "weight", 1.0);

        public AspectWeight(String aspect, int lfCount) {
            this.aspect = aspect;
            this.lfCount = lfCount;
        }

        public String aspect() { return aspect; }

        public int lfCount() { return lfCount; }

        public DoubleProperty weightProperty() { return weight; }
    }

    /** One bar of the P(GOOD) histogram. */
    public record Bin(String label, double from, double to, int count) {
    }

    /** Size of the least-certain queue. */
    static final int QUEUE_SIZE = 100;

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;

    private final ObjectProperty<String> kind = new SimpleObjectProperty<>(this, "kind", LabelModels.DEFAULT_KIND);
    private final ObjectProperty<PriorSource> prior = new SimpleObjectProperty<>(this, "prior", PriorSource.GOLD);
    private final IntegerProperty epochs = new SimpleIntegerProperty(this, "epochs", 300);
    private final DoubleProperty learningRate = new SimpleDoubleProperty(this, "learningRate", 0.01);
    private final DoubleProperty l2 = new SimpleDoubleProperty(this, "l2", 0.0);
    private final IntegerProperty maxIterations = new SimpleIntegerProperty(this, "maxIterations", 100);
    private final ObservableList<AspectWeight> aspectWeights = FXCollections.observableArrayList();

    private final ReadOnlyObjectWrapper<ViewState> state = new ReadOnlyObjectWrapper<>(this, "state", ViewState.NO_WORKSPACE);
    private final ReadOnlyObjectWrapper<LabelModelRun> run = new ReadOnlyObjectWrapper<>(this, "run");
    private final ReadOnlyBooleanWrapper fitting = new ReadOnlyBooleanWrapper(this, "fitting");
    private final ReadOnlyBooleanWrapper stale = new ReadOnlyBooleanWrapper(this, "stale");
    private final ReadOnlyStringWrapper staleReason = new ReadOnlyStringWrapper(this, "staleReason", "");
    private final ReadOnlyStringWrapper runText = new ReadOnlyStringWrapper(this, "runText", "");
    private final ObservableList<LabelModelRun.Lf> lfs = FXCollections.observableArrayList();
    private final ObservableList<LabelModelRun.Aspect> aspects = FXCollections.observableArrayList();
    private final ObservableList<Bin> histogram = FXCollections.observableArrayList();
    private final ObservableList<UncertainCandidate> leastCertain = FXCollections.observableArrayList();

    private LongConsumer openHandler = id -> { };
    private int generation;
    private Workspace servicesFor;
    private LabelingService labeling;
    private LabelModelService service;
    private final CorrelationsViewModel correlations;

    public LabelModelViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        // the Correlations panel (here and in the LF studio) shares this model's services and fit settings
        this.correlations = new CorrelationsViewModel(workspaces, executor, notifier, new CorrelationsViewModel.Services() {
            @Override
            public LfCorrelationService correlations(Workspace ws) {
                return correlationService(ws);
            }

            @Override
            public LabelModelService labelModel(Workspace ws) {
                return service(ws);
            }
        }, this::request);
        correlations.setOnRefit(this::refresh);
        workspaces.workspaceProperty().addListener((o, a, b) -> refresh());
        workspaces.dataVersionProperty().addListener((o, a, b) -> refresh());
        refresh();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public List<String> kinds() { return LabelModels.kinds(); }

    public ObjectProperty<String> kindProperty() { return kind; }

    public ObjectProperty<PriorSource> priorProperty() { return prior; }

    public IntegerProperty epochsProperty() { return epochs; }

    public DoubleProperty learningRateProperty() { return learningRate; }

    public DoubleProperty l2Property() { return l2; }

    public IntegerProperty maxIterationsProperty() { return maxIterations; }

    public ObservableList<AspectWeight> aspectWeights() { return aspectWeights; }

    public ReadOnlyObjectProperty<ViewState> stateProperty() { return state.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<LabelModelRun> runProperty() { return run.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty fittingProperty() { return fitting.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty staleProperty() { return stale.getReadOnlyProperty(); }

    public ReadOnlyStringProperty staleReasonProperty() { return staleReason.getReadOnlyProperty(); }

    /** One line about the shown run: model, when, class balance. */
    public ReadOnlyStringProperty runTextProperty() { return runText.getReadOnlyProperty(); }

    public ObservableList<LabelModelRun.Lf> lfs() { return lfs; }

    public ObservableList<LabelModelRun.Aspect> aspects() { return aspects; }

    public ObservableList<Bin> histogram() { return histogram; }

    public ObservableList<UncertainCandidate> leastCertain() { return leastCertain; }

    /** The Correlations panel's view model (one, shown in this view and in the LF studio). */
    public CorrelationsViewModel correlations() { return correlations; }

    /** The Compare step listens here: a least-certain candidate's prompt id. */
    public void setOnOpenPrompt(LongConsumer handler) {
        this.openHandler = handler == null ? id -> { } : handler;
    }

    // ---- actions ------------------------------------------------------------------------------------------------

    /** The fit request the controls describe. */
    public FitRequest request() {
        Map<String, Double> params = new LinkedHashMap<>();
        switch (kind.get()) {
            case "snorkel" -> {
                params.put("epochs", (double) epochs.get());
                params.put("learningRate", learningRate.get());
                params.put("l2", l2.get());
            }
            case "dawid-skene" -> params.put("maxIterations", (double) maxIterations.get());
            default -> { }
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (AspectWeight w : aspectWeights) weights.put(w.aspect(), w.weightProperty().get());
        return new FitRequest(kind.get(), params, weights, prior.get());
    }

    /** Puts every aspect weight back to 1. */
    public void resetWeights() {
        for (AspectWeight w : aspectWeights) w.weightProperty().set(1.0);
    }

    /** Fits the chosen model in the background, stores the run and shows it. */
    public void fit() {
        Workspace ws = workspaces.workspace();
        if (ws == null || fitting.get()) return;
        FitRequest request = request();
        fitting.set(true);
        int gen = ++generation;
        executor.execute(BackgroundTask.of("Fitting the " + request.kind() + " label model", progress -> {
            LabelModelService s = service(ws);
            LabelModelRun fitted = s.fit(request, progress);
            return new Loaded(fitted, s.leastCertain(QUEUE_SIZE), aspectCounts(ws));
        }).onSuccess(loaded -> {
            if (gen == generation) show(loaded);
            correlations.refreshIfActive();
            notifier.success("Label model fitted", String.format(Locale.ROOT, "%s on %,d candidates in %d ms",
                    loaded.run().kind(), loaded.run().summary().rows(), loaded.run().elapsedMs()));
        }).onFinished(() -> fitting.set(false)));
    }

    /** The stale banner's button: fit again with the current settings. */
    public void refit() {
        fit();
    }

    /** Opens a least-certain candidate's prompt (in the Compare step). */
    public void open(UncertainCandidate candidate) {
        if (candidate != null && candidate.promptId() > 0) openHandler.accept(candidate.promptId());
    }

    /** Reads the latest run again (its staleness may have changed: LFs edited elsewhere). */
    public void refresh() {
        Workspace ws = workspaces.workspace();
        int gen = ++generation;
        if (ws == null) {
            clear();
            state.set(ViewState.NO_WORKSPACE);
            return;
        }
        if (state.get() == ViewState.NO_WORKSPACE) state.set(ViewState.LOADING);
        executor.execute(BackgroundTask.of("Reading the label model", progress -> {
            LabelModelService s = service(ws);
            LabelModelRun latest = s.latest().orElse(null);
            return new Loaded(latest, latest == null ? List.of() : s.leastCertain(QUEUE_SIZE), aspectCounts(ws));
        }).quiet().onSuccess(loaded -> {
            if (gen == generation) show(loaded);
        }).onFailure(error -> {
            if (gen == generation) {
                clear();
                state.set(ViewState.NOT_FITTED);
            }
            notifier.error("Reading the label model failed", error);
        }));
    }

    private record Loaded(LabelModelRun run, List<UncertainCandidate> queue, Map<String, Integer> aspectCounts) {
    }

    private void show(Loaded loaded) {
        updateAspectWeights(loaded.aspectCounts(), loaded.run());
        LabelModelRun r = loaded.run();
        run.set(r);
        if (r == null) {
            clear();
            state.set(loaded.aspectCounts().isEmpty() ? ViewState.NO_LFS : ViewState.NOT_FITTED);
            return;
        }
        lfs.setAll(r.lfs());
        aspects.setAll(r.aspects());
        int[] h = r.summary().histogram();
        Bin[] bins = new Bin[h.length];
        for (int i = 0; i < h.length; i++) {
            double from = (double) i / h.length, to = (double) (i + 1) / h.length;
            bins[i] = new Bin(String.format(Locale.ROOT, "%.2f", from), from, to, h[i]);
        }
        histogram.setAll(bins);
        leastCertain.setAll(loaded.queue());
        stale.set(r.stale());
        staleReason.set(r.stale() ? r.staleness().reason() : "");
        runText.set(String.format(Locale.ROOT, "Run #%d · %s · %,d candidates · class balance P(GOOD) %.2f (%s) · %d ms",
                r.id(), r.kind(), r.summary().rows(), r.classBalance(),
                r.priorMode().equals("fixed") ? "from gold" : "estimated", r.elapsedMs()));
        state.set(loaded.aspectCounts().isEmpty() ? ViewState.NO_LFS : ViewState.READY);
    }

    private void updateAspectWeights(Map<String, Integer> counts, LabelModelRun r) {
        Set<String> names = new LinkedHashSet<>(counts.keySet());
        if (aspectWeights.stream().map(AspectWeight::aspect).toList().equals(List.copyOf(names))) return;
        Map<String, Double> previous = new LinkedHashMap<>();
        for (AspectWeight w : aspectWeights) previous.put(w.aspect(), w.weightProperty().get());
        if (r != null) r.aspectWeights().forEach(previous::putIfAbsent);
        aspectWeights.setAll(names.stream().map(n -> {
            AspectWeight w = new AspectWeight(n, counts.get(n));
            w.weightProperty().set(previous.getOrDefault(n, 1.0));
            return w;
        }).toList());
    }

    private void clear() {
        lfs.clear();
        aspects.clear();
        histogram.clear();
        leastCertain.clear();
        stale.set(false);
        staleReason.set("");
        runText.set("");
        run.set(null);
    }

    private static Map<String, Integer> aspectCounts(Workspace ws) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (StoredLf lf : ws.labelingFunctions().list()) {
            if (lf.enabled()) counts.merge(lf.aspect(), 1, Integer::sum);
        }
        return counts;
    }

    /** The services of the open workspace (made on first use off the UI thread; replaced when it changes). */
    private synchronized LabelModelService service(Workspace ws) {
        if (servicesFor != ws) {
            if (labeling != null) labeling.close();
            labeling = AppLabeling.service(ws, workspaces.paths());
            service = new LabelModelService(ws, labeling);
            servicesFor = ws;
        }
        return service;
    }

    private synchronized LfCorrelationService correlationService(Workspace ws) {
        LabelModelService s = service(ws);
        return new LfCorrelationService(ws, labeling, s);
    }

    /** Releases the labeling engine. */
    public synchronized void close() {
        if (labeling != null) labeling.close();
        labeling = null;
        service = null;
        servicesFor = null;
    }
}
