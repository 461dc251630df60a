package dev.prefwork.app.ui.curate;

import dev.prefwork.app.AppCuration;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.Debounce;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.bundle.BundleImporter;
import dev.prefwork.curation.bundle.BundleWriter;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.CurationData;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.pairs.TiePolicy;
import dev.prefwork.curation.ranking.Ranking;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import javafx.beans.Observable;
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

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Curate &amp; export screen's state: the ranking source, strategy, tie policy and filters; a live preview built
 * in the background whenever they change (the funnel, sample pairs side by side, the margin histogram and chosen
 * vs rejected lengths); the saved pair sets with save, export and bundle export; and the bundle import flow
 * (check in the background, {@link #pendingImportProperty()} for the confirmation, then the import and its summary).
 * No JavaFX nodes here.
 */
public final class CurateViewModel {

    public enum ViewState { NO_WORKSPACE, LOADING, NO_RANKING, READY }

    /** A sample pair with its texts, as the side-by-side view shows it. */
    public record SamplePair(int index, String promptId, String prompt, String chosen, String rejected, double chosenScore,
                             double rejectedScore, double margin, int chosenLength, int rejectedLength, String reason) {
        public boolean sft() {
            return rejected == null;
        }
    }

    /** One bar of the margin (or, for SFT, score) histogram. */
    public record Bin(String label, int count) {
    }

    /** One point of the chosen vs rejected length chart. */
    public record LengthPoint(int chosen, int rejected) {
    }

    /** A checked bundle waiting for the expert's yes. */
    public record PendingImport(String file, String createdBy, List<String> lines) {
    }

    static final int SAMPLES = 60;
    static final int POINTS = 1500;
    static final int BINS = 20;

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final Debounce debounce;

    private final ObservableList<RankingSource> sources = FXCollections.observableArrayList();
    private final ObjectProperty<RankingSource> source = new SimpleObjectProperty<>(this, "source");
    private final ObjectProperty<Strategy> strategy = new SimpleObjectProperty<>(this, "strategy", Strategy.BEST_WORST);
    private final ObjectProperty<TiePolicy> ties = new SimpleObjectProperty<>(this, "ties", TiePolicy.SHORTER);
    private final DoubleProperty margin = new SimpleDoubleProperty(this, "margin", 0.2);
    private final IntegerProperty seed = new SimpleIntegerProperty(this, "seed", 42);
    private final BooleanProperty minMarginOn = new SimpleBooleanProperty(this, "minMarginOn");
    private final DoubleProperty minMargin = new SimpleDoubleProperty(this, "minMargin", 0.1);
    private final BooleanProperty minPGoodOn = new SimpleBooleanProperty(this, "minPGoodOn");
    private final DoubleProperty minPGood = new SimpleDoubleProperty(this, "minPGood", 0.5);
    private final BooleanProperty badLfOn = new SimpleBooleanProperty(this, "badLfOn", true);
    private final DoubleProperty badLfAccuracy = new SimpleDoubleProperty(this, "badLfAccuracy", 0.8);
    private final BooleanProperty lengthGuardOn = new SimpleBooleanProperty(this, "lengthGuardOn");
    private final DoubleProperty maxChosenLonger = new SimpleDoubleProperty(this, "maxChosenLonger", 0.6);
    private final BooleanProperty goldOverrides = new SimpleBooleanProperty(this, "goldOverrides", true);
    private final DoubleProperty topPercent = new SimpleDoubleProperty(this, "topPercent", 50);
    /** Off by default: before/after answers are a tuned model's own outputs (see CurationRequest). */
    private final BooleanProperty includeComparisonAnswers = new SimpleBooleanProperty(this, "includeComparisonAnswers");
    private final ReadOnlyStringWrapper comparisonText = new ReadOnlyStringWrapper(this, "comparisonText", "");

    private final ReadOnlyObjectWrapper<ViewState> state = new ReadOnlyObjectWrapper<>(this, "state", ViewState.NO_WORKSPACE);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper rankingText = new ReadOnlyStringWrapper(this, "rankingText", "");
    private final ReadOnlyStringWrapper staleText = new ReadOnlyStringWrapper(this, "staleText", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper lengthText = new ReadOnlyStringWrapper(this, "lengthText", "");
    private final ReadOnlyBooleanWrapper verbosityWarning = new ReadOnlyBooleanWrapper(this, "verbosityWarning");
    private final ObservableList<FunnelStep> funnel = FXCollections.observableArrayList();
    private final ObservableList<SamplePair> samples = FXCollections.observableArrayList();
    private final ObservableList<Bin> marginBins = FXCollections.observableArrayList();
    private final ObservableList<LengthPoint> lengths = FXCollections.observableArrayList();
    private final ObservableList<StoredPairSet> pairSets = FXCollections.observableArrayList();
    private final ObjectProperty<StoredPairSet> selectedSet = new SimpleObjectProperty<>(this, "selectedSet");
    private final ReadOnlyObjectWrapper<CurationResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyObjectWrapper<PendingImport> pendingImport = new ReadOnlyObjectWrapper<>(this, "pendingImport");
    private final ReadOnlyObjectWrapper<BundleImporter.Summary> lastImport = new ReadOnlyObjectWrapper<>(this, "lastImport");

    private int generation;
    /** What the last preview was built on: a change of the controls only re-runs the build (milliseconds). */
    private volatile CurationData data;
    private boolean active;
    /** The workspace, its data or its gold changed since the last refresh (or nothing was read yet). */
    private boolean stale = true;
    private Workspace servicesFor;
    private LabelingService labeling;
    private CurationService curation;
    private BundleImporter.Plan plan;

    public CurateViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier, Debounce debounce) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.debounce = debounce;
        workspaces.workspaceProperty().addListener((o, a, b) -> changed());
        workspaces.dataVersionProperty().addListener((o, a, b) -> changed());
        workspaces.goldVersionProperty().addListener((o, a, b) -> changed()); // the expert's picks override pairs
        for (Observable p : new Observable[]{source, strategy, ties, margin, seed, minMarginOn, minMargin, minPGoodOn, minPGood, badLfOn,
                badLfAccuracy, lengthGuardOn, maxChosenLonger, goldOverrides, topPercent, includeComparisonAnswers}) {
            p.addListener(o -> {
                if (state.get() == ViewState.READY || state.get() == ViewState.LOADING) debounce.run(this::preview);
            });
        }
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObservableList<RankingSource> sources() { return sources; }
    public ObjectProperty<RankingSource> sourceProperty() { return source; }
    public ObjectProperty<Strategy> strategyProperty() { return strategy; }
    public ObjectProperty<TiePolicy> tiesProperty() { return ties; }
    public DoubleProperty marginProperty() { return margin; }
    public IntegerProperty seedProperty() { return seed; }
    public BooleanProperty minMarginOnProperty() { return minMarginOn; }
    public DoubleProperty minMarginProperty() { return minMargin; }
    public BooleanProperty minPGoodOnProperty() { return minPGoodOn; }
    public DoubleProperty minPGoodProperty() { return minPGood; }
    public BooleanProperty badLfOnProperty() { return badLfOn; }
    public DoubleProperty badLfAccuracyProperty() { return badLfAccuracy; }
    public BooleanProperty lengthGuardOnProperty() { return lengthGuardOn; }
    public DoubleProperty maxChosenLongerProperty() { return maxChosenLonger; }
    public BooleanProperty goldOverridesProperty() { return goldOverrides; }
    public DoubleProperty topPercentProperty() { return topPercent; }
    public BooleanProperty includeComparisonAnswersProperty() { return includeComparisonAnswers; }
    /** How many before/after answers the workspace holds, in words ("" when none). */
    public ReadOnlyStringProperty comparisonTextProperty() { return comparisonText.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<ViewState> stateProperty() { return state.getReadOnlyProperty(); }
    /** A preview, save, export or import is running. */
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }
    /** Which ranking the preview used, in words. */
    public ReadOnlyStringProperty rankingTextProperty() { return rankingText.getReadOnlyProperty(); }
    /** Why the ranking is stale ("" when it is not). */
    public ReadOnlyStringProperty staleTextProperty() { return staleText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }
    public ReadOnlyStringProperty lengthTextProperty() { return lengthText.getReadOnlyProperty(); }
    /** Chosen is the longer response in more than 70 % of the pairs. */
    public ReadOnlyBooleanProperty verbosityWarningProperty() { return verbosityWarning.getReadOnlyProperty(); }
    public ObservableList<FunnelStep> funnel() { return funnel; }
    public ObservableList<SamplePair> samples() { return samples; }
    public ObservableList<Bin> marginBins() { return marginBins; }
    public ObservableList<LengthPoint> lengths() { return lengths; }
    public ObservableList<StoredPairSet> pairSets() { return pairSets; }
    public ObjectProperty<StoredPairSet> selectedSetProperty() { return selectedSet; }
    public ReadOnlyObjectProperty<CurationResult> resultProperty() { return result.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<PendingImport> pendingImportProperty() { return pendingImport.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<BundleImporter.Summary> lastImportProperty() { return lastImport.getReadOnlyProperty(); }

    /** The request the controls describe. */
    public CurationRequest request() {
        return new CurationRequest(strategy.get(), margin.get(), seed.get(), ties.get(), minMarginOn.get() ? minMargin.get() : Double.NaN,
                Double.NaN, minPGoodOn.get() ? minPGood.get() : Double.NaN, badLfOn.get() ? badLfAccuracy.get() : Double.NaN,
                lengthGuardOn.get() ? maxChosenLonger.get() : Double.NaN, goldOverrides.get(), Math.max(1, topPercent.get()),
                includeComparisonAnswers.get());
    }

    // ---- preview ------------------------------------------------------------------------------------------------

    /** Reads the sources and saved sets of the open workspace, then previews. */
    /**
     * Curate &amp; export is on screen: read what changed since it was last shown. Until the expert comes here nothing
     * is read — a preview reads every candidate's length and score, seconds at 500K candidates that opening a
     * workspace (or labelling in another step) should not pay for.
     */
    public void activate() {
        active = true;
        if (stale) refresh();
    }

    /** Another step is shown: changes are only noted until {@link #activate()}. */
    public void deactivate() {
        active = false;
    }

    private void changed() {
        stale = true;
        if (active || workspaces.workspace() == null) refresh();
    }

    public void refresh() {
        stale = false;
        Workspace ws = workspaces.workspace();
        int gen = ++generation;
        if (ws == null) {
            clear();
            state.set(ViewState.NO_WORKSPACE);
            return;
        }
        state.set(ViewState.LOADING);
        data = null;
        executor.execute(BackgroundTask.of("Reading rankings", progress -> {
            CurationService c = service(ws);
            return new Sources(c.sources(), c.defaultSource(progress).orElse(null), c.pairSets());
        }).quiet().onSuccess(s -> {
            if (gen != generation) return;
            sources.setAll(s.all());
            pairSets.setAll(s.sets());
            if (s.preferred() == null) {
                clear();
                state.set(ViewState.NO_RANKING);
                return;
            }
            if (source.get() == null || !s.all().contains(source.get())) source.set(s.preferred());
            preview();
        }).onFailure(e -> {
            if (gen == generation) state.set(ViewState.NO_RANKING);
            notifier.error("Reading the rankings failed", e);
        }));
    }

    private record Sources(List<RankingSource> all, RankingSource preferred, List<StoredPairSet> sets) {
    }

    private record Preview(CurationResult result, List<SamplePair> samples) {
    }

    /** Builds the pairs the controls describe, in the background; only the newest preview is shown. */
    public void preview() {
        Workspace ws = workspaces.workspace();
        RankingSource src = source.get();
        if (ws == null || src == null) return;
        CurationRequest request;
        try {
            request = request();
        } catch (RuntimeException e) {
            notifier.error("These settings cannot be used", e);
            return;
        }
        int gen = ++generation;
        busy.set(true);
        CurationData known = data;
        boolean reuse = known != null && known.ranking().sourceId().equals(src.id());
        BackgroundTask<Preview> task = BackgroundTask.of(reuse ? "Previewing pairs" : "Reading the candidates and scores", progress -> {
            CurationService c = service(ws);
            CurationData d = reuse ? known : c.data(src, progress);
            data = d;
            CurationResult r = c.preview(d, request, progress);
            return new Preview(r, samples(ws, r));
        });
        if (reuse) task.quiet(); // a rebuild takes milliseconds; reading 500K candidates shows in the task list
        executor.execute(task.onSuccess(p -> {
            if (gen == generation) show(p);
        }).onFailure(e -> {
            if (gen == generation) {
                clear();
                state.set(ViewState.NO_RANKING);
            }
            notifier.error("The preview failed", e);
        }).onFinished(() -> {
            if (gen == generation) busy.set(false);
        }));
    }

    /** Up to {@link #SAMPLES} pairs spread evenly over the set, with their texts. */
    private static List<SamplePair> samples(Workspace ws, CurationResult r) {
        int n = r.size();
        int k = Math.min(SAMPLES, n);
        List<Integer> picks = new ArrayList<>();
        for (int j = 0; j < k; j++) picks.add((int) ((long) j * n / k));
        Set<Long> ids = new HashSet<>();
        for (int i : picks) {
            ids.add(r.chosenId(i));
            if (r.rejectedId(i) >= 0) ids.add(r.rejectedId(i));
        }
        Map<Long, String> texts = ws.candidates().texts(ids);
        List<SamplePair> out = new ArrayList<>();
        for (int i : picks) {
            var prompt = ws.prompts().get(r.promptId(i)).orElseThrow();
            long rej = r.rejectedId(i);
            out.add(new SamplePair(i, prompt.sourceId(), prompt.text(), texts.get(r.chosenId(i)), rej < 0 ? null : texts.get(rej),
                    r.chosenScore(i), r.rejectedScore(i), r.margin(i), r.chosenLength(i), r.rejectedLength(i), r.reason(i)));
        }
        return out;
    }

    private void show(Preview p) {
        CurationResult r = p.result();
        result.set(r);
        funnel.setAll(r.funnel());
        samples.setAll(p.samples());
        int answers = r.data().comparisonAnswers();
        comparisonText.set(answers == 0 ? "" : String.format(Locale.ROOT, "%,d answer%s of %,d comparison%s: %s",
                answers, answers == 1 ? "" : "s", r.data().comparisons(), r.data().comparisons() == 1 ? "" : "s",
                r.request().includeComparisonAnswers() ? "drawn from" : "left out"));
        Ranking ranking = r.data().ranking();
        rankingText.set("Scores from " + ranking.description());
        staleText.set(ranking.stale() ? ranking.staleReason() : "");
        summary.set(r.sft() ? String.format(Locale.ROOT, "%,d SFT examples from %,d prompts", r.size(), r.prompts())
                : String.format(Locale.ROOT, "%,d pairs from %,d of %,d prompts", r.size(), r.prompts(), r.data().prompts()));
        // histogram of margins (SFT: of scores)
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < r.size(); i++) {
            double v = r.sft() ? r.chosenScore(i) : r.margin(i);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        List<Bin> bins = new ArrayList<>();
        if (r.size() > 0) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, lo + 1e-9);
            int[] counts = new int[BINS];
            for (int i = 0; i < r.size(); i++) {
                double v = r.sft() ? r.chosenScore(i) : r.margin(i);
                counts[Math.min(BINS - 1, (int) ((v - lo) / (hi - lo) * BINS))]++;
            }
            for (int b = 0; b < BINS; b++) bins.add(new Bin(String.format(Locale.ROOT, "%.2f", lo + (hi - lo) * b / BINS), counts[b]));
        }
        marginBins.setAll(bins);
        List<LengthPoint> points = new ArrayList<>();
        int step = Math.max(1, r.size() / POINTS);
        for (int i = 0; i < r.size() && !r.sft(); i += step) points.add(new LengthPoint(r.chosenLength(i), r.rejectedLength(i)));
        lengths.setAll(points);
        double share = r.chosenLongerShare();
        lengthText.set(r.sft() || Double.isNaN(share) ? "" : String.format(Locale.ROOT, "Chosen is the longer response in %.0f %% of the pairs", 100 * share));
        verbosityWarning.set(!Double.isNaN(share) && share > 0.7);
        state.set(ViewState.READY);
    }

    private void clear() {
        funnel.clear();
        samples.clear();
        marginBins.clear();
        lengths.clear();
        result.set(null);
        rankingText.set("");
        staleText.set("");
        summary.set("");
        lengthText.set("");
        verbosityWarning.set(false);
        comparisonText.set("");
    }

    // ---- saving and exporting -----------------------------------------------------------------------------------

    /** Saves the previewed pairs as a pair set (named {@code name}, or a default name when blank). */
    public void save(String name) {
        Workspace ws = workspaces.workspace();
        CurationResult r = result.get();
        if (ws == null || r == null || r.size() == 0) return;
        busy.set(true);
        executor.execute(BackgroundTask.of("Saving the pair set", progress -> {
            CurationService c = service(ws);
            StoredPairSet s = c.save(r, name);
            return new Object[]{s, c.pairSets()};
        }).onSuccess(o -> {
            StoredPairSet s = (StoredPairSet) o[0];
            @SuppressWarnings("unchecked") List<StoredPairSet> all = (List<StoredPairSet>) o[1];
            pairSets.setAll(all);
            selectedSet.set(all.stream().filter(x -> x.id() == s.id()).findFirst().orElse(s));
            notifier.success("Pair set saved", String.format(Locale.ROOT, "#%d \"%s\": %,d %s", s.id(), s.name(), s.pairs(), s.sft() ? "examples" : "pairs"));
        }).onFinished(() -> busy.set(false)));
    }

    /** Exports the selected pair set. */
    public void export(ExportFormat format, Path out, Exporter.Options options) {
        Workspace ws = workspaces.workspace();
        StoredPairSet set = selectedSet.get();
        if (ws == null || set == null) return;
        busy.set(true);
        executor.execute(BackgroundTask.of("Exporting pair set #" + set.id() + " as " + format.cliName(), progress ->
                new Exporter(ws, service(ws)).export(set, format, out, options, progress)
        ).onSuccess(r -> notifier.success("Exported", String.format(Locale.ROOT, "%,d rows to %s", r.rows(), r.path())))
                .onFinished(() -> busy.set(false)));
    }

    /** Writes a colleague bundle with the selected set (and the newest of the other kind), or the newest of each. */
    public void exportBundle(Path out) {
        Workspace ws = workspaces.workspace();
        if (ws == null) return;
        StoredPairSet chosen = selectedSet.get();
        busy.set(true);
        executor.execute(BackgroundTask.of("Writing a colleague bundle", progress -> {
            CurationService c = service(ws);
            BundleWriter w = new BundleWriter(ws, labeling, c.labelModel(), c, AppCuration.version(), Clock.systemUTC());
            List<StoredPairSet> sets = new ArrayList<>(w.defaultSets());
            if (chosen != null) {
                sets.removeIf(s -> s.kind().equals(chosen.kind()));
                sets.add(0, chosen);
            }
            return w.write(out, sets, progress);
        }).onSuccess(r -> notifier.success("Bundle written", String.format(Locale.ROOT, "%s: %d pair set%s, %,d prompts, %d LFs",
                r.file().getFileName(), r.sets(), r.sets() == 1 ? "" : "s", r.prompts(), r.lfs())))
                .onFinished(() -> busy.set(false)));
    }

    // ---- importing a bundle -------------------------------------------------------------------------------------

    /** Checks a bundle in the background; when it passes, {@link #pendingImportProperty()} asks for confirmation. */
    public void inspectBundle(Path zip) {
        Workspace ws = workspaces.workspace();
        if (ws == null) {
            notifier.info("No workspace", "Open a workspace to import a bundle into.");
            return;
        }
        cancelImport();
        busy.set(true);
        executor.execute(BackgroundTask.of("Checking " + zip.getFileName(), progress -> {
            service(ws);
            return new BundleImporter(ws, labeling).inspect(zip, progress);
        }).onSuccess(p -> {
            plan = p;
            pendingImport.set(new PendingImport(p.fileName(), p.createdBy(), p.preview()));
        }).onFailure(e -> notifier.error("The bundle " + zip.getFileName() + " was refused", e))
                .onFinished(() -> busy.set(false)));
    }

    /** The expert said yes: import the checked bundle in one transaction. */
    public void confirmImport() {
        Workspace ws = workspaces.workspace();
        BundleImporter.Plan p = plan;
        pendingImport.set(null);
        plan = null;
        if (ws == null || p == null) return;
        busy.set(true);
        executor.execute(BackgroundTask.of("Importing " + p.fileName(), progress -> {
            try (p) {
                return new BundleImporter(ws, labeling).apply(p, progress);
            }
        }).onSuccess(s -> {
            lastImport.set(s);
            notifier.success("Bundle imported", String.join("\n", s.lines()));
            workspaces.dataChanged();
        }).onFailure(e -> notifier.error("Importing " + p.fileName() + " failed; nothing was changed", e))
                .onFinished(() -> busy.set(false)));
    }

    /** The expert said no (or a new bundle replaces the pending one). */
    public void cancelImport() {
        if (plan != null) plan.close();
        plan = null;
        pendingImport.set(null);
    }

    private synchronized CurationService service(Workspace ws) {
        if (servicesFor != ws) {
            if (labeling != null) labeling.close();
            labeling = AppLabeling.service(ws, workspaces.paths());
            curation = AppCuration.service(ws, labeling);
            servicesFor = ws;
        }
        return curation;
    }

    public synchronized void close() {
        cancelImport();
        if (labeling != null) labeling.close();
        labeling = null;
        curation = null;
        servicesFor = null;
    }
}
