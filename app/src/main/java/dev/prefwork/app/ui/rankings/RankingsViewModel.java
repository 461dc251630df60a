package dev.prefwork.app.ui.rankings;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppReward;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.CandidateGold;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.Verdict;
import dev.prefwork.inference.ExternalScorer;
import dev.prefwork.inference.ScoringService;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.FitRequest;
import dev.prefwork.reward.LengthControl;
import dev.prefwork.reward.Rankings;
import dev.prefwork.reward.ReviewQueue;
import dev.prefwork.reward.RewardMetrics;
import dev.prefwork.reward.RewardModel;
import dev.prefwork.reward.RewardService;
import dev.prefwork.reward.eval.Calibration;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.store.GoldRepository;
import dev.prefwork.store.ReviewRepository;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The Rankings screen's state: the reward model's settings, fitting in the background (cancellable), the latest
 * model's metrics beside the baselines, every prompt's ranking under the aspect weights (sliders re-weigh the
 * stored contributions live, off the UI thread, the latest move winning), the selected prompt's candidates with
 * their score, P(GOOD) and "why", the margin histogram, calibration, and the needs-review queue, whose prompts open
 * in Compare & label through {@link #setOnReview}. No JavaFX nodes here.
 */
public final class RankingsViewModel {

    public enum ViewState {
        NO_WORKSPACE,
        LOADING,
        /** no model fitted yet */
        NOT_FITTED,
        READY
    }

    /** One aspect's weight slider. */
    public static final class AspectWeight {
        private final String aspect;
        private final DoubleProperty weight = new SimpleDoubleProperty(this, "weight", 1.0);

        AspectWeight(String aspect) {
            this.aspect = aspect;
        }

        public String aspect() { return aspect; }

        public DoubleProperty weightProperty() { return weight; }
    }

    /** One scorer's held-out pairwise accuracy, as the figures strip shows it. */
    public record Figure(String key, String label, double accuracy, int pairs, boolean model) {
    }

    /**
     * A prompt in the list: its margin (top − bottom score) and gap (first − second) under the current weights.
     *
     * @param review why it is in the needs-review queue (not yet reviewed), or null
     */
    public record PromptRow(int index, long promptId, String sourceId, String category, double margin, double topGap, String review) {
    }

    /** A reason for a score: a feature group's contribution, with sign. */
    public record Reason(String label, double value, String aspect) {
    }

    /**
     * A candidate of the selected prompt, in score order.
     *
     * @param rank     1 = highest score
     * @param position 1-based position among the prompt's candidates (the number Compare shows)
     * @param bar      the score's share of the prompt's range, 0 (the last) to 1 (the first)
     * @param gold     the expert's marks ("best", "worst", "GOOD", "BAD", "rated 4"), space-separated; "" without gold
     * @param external the external scorer's score, NaN without one
     */
    public record CandidateRow(long candidateId, int rank, int position, double score, double pGood, double bar, int chars,
                               String preview, String text, String gold, String model, List<Reason> why, List<Reason> lfs,
                               double external, int externalRank) {
    }

    /**
     * A candidate's place in the plain and in the length-controlled ranking (1 = first), for the side-by-side view.
     *
     * @param position 1-based position among the prompt's candidates (the number Compare shows)
     */
    public record LengthRow(long candidateId, int position, int chars, int plainRank, int controlledRank, String preview) {
    }

    /**
     * The selected prompt.
     *
     * @param lengthRows the candidates by their plain rank, with their length-controlled rank (empty when the model kept
     *                   no second ranking)
     */
    public record PromptDetail(long promptId, String sourceId, String category, String text, double margin, double topGap,
                               List<CandidateRow> candidates, String review, List<LengthRow> lengthRows) {
    }

    /** One bar of the margin histogram. */
    public record Bin(String label, int count) {
    }

    /** A row of the needs-review table. */
    public record ReviewRow(long promptId, String sourceId, String reason, double priority, boolean reviewed) {
    }

    private static final int PREVIEW_CHARS = 240;
    private static final int HISTOGRAM_BINS = 12;

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;

    private final ObjectProperty<String> kind = new SimpleObjectProperty<>(this, "kind", FitRequest.defaults().kind());
    private final DoubleProperty l2 = new SimpleDoubleProperty(this, "l2", FitRequest.DEFAULT_L2);
    private final IntegerProperty folds = new SimpleIntegerProperty(this, "folds", FitRequest.DEFAULT_FOLDS);
    private final Map<FeatureGroup, BooleanProperty> featureGroups = new EnumMap<>(FeatureGroup.class);
    private final ObjectProperty<Path> externalScorer = new SimpleObjectProperty<>(this, "externalScorer");
    private final ObjectProperty<String> embeddingModel = new SimpleObjectProperty<>(this, "embeddingModel", FeatureSpec.BUNDLED);
    private final ObservableList<AspectWeight> aspectWeights = FXCollections.observableArrayList();
    private final ObjectProperty<LengthControl> lengthControl = new SimpleObjectProperty<>(this, "lengthControl", LengthControl.AUTO);
    private final ReadOnlyStringWrapper lengthControlText = new ReadOnlyStringWrapper(this, "lengthControlText", "");
    private final ReadOnlyStringWrapper goldWeightText = new ReadOnlyStringWrapper(this, "goldWeightText", "");
    private final ObservableList<RewardMetrics.GoldWeightPoint> goldWeightCurve = FXCollections.observableArrayList();

    private final ReadOnlyObjectWrapper<ViewState> state = new ReadOnlyObjectWrapper<>(this, "state", ViewState.NO_WORKSPACE);
    private final ReadOnlyObjectWrapper<RewardModel> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyBooleanWrapper fitting = new ReadOnlyBooleanWrapper(this, "fitting");
    private final ReadOnlyBooleanWrapper stale = new ReadOnlyBooleanWrapper(this, "stale");
    private final ReadOnlyStringWrapper staleReason = new ReadOnlyStringWrapper(this, "staleReason", "");
    private final ReadOnlyStringWrapper modelText = new ReadOnlyStringWrapper(this, "modelText", "");
    private final ReadOnlyStringWrapper heldOutText = new ReadOnlyStringWrapper(this, "heldOutText", "");
    private final ReadOnlyStringWrapper lengthText = new ReadOnlyStringWrapper(this, "lengthText", "");
    private final ReadOnlyStringWrapper lengthWarning = new ReadOnlyStringWrapper(this, "lengthWarning", "");
    private final ReadOnlyStringWrapper calibrationText = new ReadOnlyStringWrapper(this, "calibrationText", "");
    private final ReadOnlyStringWrapper notesText = new ReadOnlyStringWrapper(this, "notesText", "");
    private final ReadOnlyStringWrapper externalText = new ReadOnlyStringWrapper(this, "externalText", "");
    private final ObservableList<Figure> figures = FXCollections.observableArrayList();
    private final ObservableList<PromptRow> prompts = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<PromptDetail> detail = new ReadOnlyObjectWrapper<>(this, "detail");
    private final ObservableList<Bin> histogram = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper histogramText = new ReadOnlyStringWrapper(this, "histogramText", "");
    private final ObservableList<Calibration.Bin> calibration = FXCollections.observableArrayList();
    private final ObservableList<ReviewRow> review = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper reviewText = new ReadOnlyStringWrapper(this, "reviewText", "");

    private LongConsumer reviewHandler = id -> { };
    private LongConsumer openHandler = id -> { };
    private Runnable fittedHandler = () -> { };
    private int generation;
    private Workspace servicesFor;
    private LabelingService labeling;
    private RewardService service;
    private TaskExecutor.TaskHandle fitHandle;

    // what the re-weighting works on (UI thread)
    private Rankings rankings;
    private Map<Long, String[]> promptInfo = Map.of();
    private Map<Long, String> reviewReasons = Map.of();
    private Long selected;
    private Rankings.Weighted weighted;
    private boolean weighing;
    private boolean weighAgain;

    public RankingsViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        for (FeatureGroup g : FeatureGroup.values()) featureGroups.put(g, new SimpleBooleanProperty(this, g.key(), true));
        workspaces.workspaceProperty().addListener((o, a, b) -> refresh());
        workspaces.dataVersionProperty().addListener((o, a, b) -> refresh());
        refresh();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public List<String> kinds() { return FitRequest.KINDS; }

    public ObjectProperty<String> kindProperty() { return kind; }

    public DoubleProperty l2Property() { return l2; }

    public IntegerProperty foldsProperty() { return folds; }

    /** Whether a feature group is used in the next fit. */
    public BooleanProperty featureProperty(FeatureGroup g) { return featureGroups.get(g); }

    /** The external ONNX scorer folder to compare with at the next fit, or null. */
    public ObjectProperty<Path> externalScorerProperty() { return externalScorer; }

    /** The embedding model of the embedding features: "bundled" (MiniLM, the default) or a model folder. */
    public ObjectProperty<String> embeddingModelProperty() { return embeddingModel; }

    public ObservableList<AspectWeight> aspectWeights() { return aspectWeights; }

    /** Length control of the next fit: auto (on when the plain model tracks length), on or off. */
    public ObjectProperty<LengthControl> lengthControlProperty() { return lengthControl; }

    /** What the shown model did about length, with both rankings' score–length correlation. */
    public ReadOnlyStringProperty lengthControlTextProperty() { return lengthControlText.getReadOnlyProperty(); }

    /** The gold weight the shown model used, and how it was chosen. */
    public ReadOnlyStringProperty goldWeightTextProperty() { return goldWeightText.getReadOnlyProperty(); }

    /** Held-out pairwise accuracy per gold weight tried (empty when the weight was not chosen by cross-validation). */
    public ObservableList<RewardMetrics.GoldWeightPoint> goldWeightCurve() { return goldWeightCurve; }

    public ReadOnlyObjectProperty<ViewState> stateProperty() { return state.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<RewardModel> modelProperty() { return model.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty fittingProperty() { return fitting.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty staleProperty() { return stale.getReadOnlyProperty(); }

    public ReadOnlyStringProperty staleReasonProperty() { return staleReason.getReadOnlyProperty(); }

    /** One line about the shown model. */
    public ReadOnlyStringProperty modelTextProperty() { return modelText.getReadOnlyProperty(); }

    /** What the held-out figures are measured on, under the current weights. */
    public ReadOnlyStringProperty heldOutTextProperty() { return heldOutText.getReadOnlyProperty(); }

    public ReadOnlyStringProperty lengthTextProperty() { return lengthText.getReadOnlyProperty(); }

    /** The verbosity warning, "" when there is none. */
    public ReadOnlyStringProperty lengthWarningProperty() { return lengthWarning.getReadOnlyProperty(); }

    public ReadOnlyStringProperty calibrationTextProperty() { return calibrationText.getReadOnlyProperty(); }

    public ReadOnlyStringProperty notesTextProperty() { return notesText.getReadOnlyProperty(); }

    public ReadOnlyStringProperty externalTextProperty() { return externalText.getReadOnlyProperty(); }

    /** The reward model's held-out accuracy (first) and the baselines'; the model's moves with the weights. */
    public ObservableList<Figure> figures() { return figures; }

    /** Every prompt, least sure (smallest gap between the first two) first. */
    public ObservableList<PromptRow> prompts() { return prompts; }

    public ReadOnlyObjectProperty<PromptDetail> detailProperty() { return detail.getReadOnlyProperty(); }

    public ObservableList<Bin> histogram() { return histogram; }

    public ReadOnlyStringProperty histogramTextProperty() { return histogramText.getReadOnlyProperty(); }

    public ObservableList<Calibration.Bin> calibration() { return calibration; }

    public ObservableList<ReviewRow> review() { return review; }

    public ReadOnlyStringProperty reviewTextProperty() { return reviewText.getReadOnlyProperty(); }

    /** The workbench opens a prompt of the needs-review queue in Compare & label (walking that queue). */
    public void setOnReview(LongConsumer handler) {
        this.reviewHandler = handler == null ? id -> { } : handler;
    }

    /** Called after a new model is stored (the Compare view's reward badges refresh). */
    public void setOnFitted(Runnable handler) {
        this.fittedHandler = handler == null ? () -> { } : handler;
    }

    /** The workbench opens a prompt in Compare & label. */
    public void setOnOpenPrompt(LongConsumer handler) {
        this.openHandler = handler == null ? id -> { } : handler;
    }

    // ---- actions ------------------------------------------------------------------------------------------------

    /** The fit request the controls describe. */
    public FitRequest request() {
        EnumSet<FeatureGroup> groups = EnumSet.noneOf(FeatureGroup.class);
        featureGroups.forEach((g, p) -> {
            if (p.get()) groups.add(g);
        });
        return FitRequest.defaults().withKind(kind.get()).withL2(l2.get()).withFolds(Math.max(2, folds.get()))
                .withFeatures(FeatureSpec.defaults().withGroups(groups).withEmbeddingModel(embeddingModel.get())).withExternalScorer(externalScorer.get())
                .withLengthControl(lengthControl.get());
    }

    /** Fits in the background, stores the model, refills the review queue and shows it. */
    public void fit() {
        Workspace ws = workspaces.workspace();
        if (ws == null || fitting.get()) return;
        FitRequest request = request();
        fitting.set(true);
        int gen = ++generation;
        fitHandle = executor.execute(BackgroundTask.of("Fitting the reward model", progress -> {
            RewardService s = service(ws);
            RewardModel fitted = s.fit(request, progress);
            return load(ws, s);
        }).onSuccess(loaded -> {
            if (gen == generation) show(loaded);
            fittedHandler.run();
            RewardModel m = loaded.model();
            notifier.success("Reward model fitted", String.format(Locale.ROOT, "%s on %,d candidates in %.1f s: held-out accuracy %s",
                    m.kind(), m.rows(), m.elapsedMs() / 1000.0, pct(m.metrics().accuracy())));
        }).onCancelled(() -> notifier.info("Reward model not fitted", "The fit was cancelled; the previous model stays."))
                .onFinished(() -> {
                    fitting.set(false);
                    fitHandle = null;
                }));
    }

    /** Stops a fit in progress (nothing is stored). */
    public void cancelFit() {
        TaskExecutor.TaskHandle h = fitHandle;
        if (h != null) h.cancel();
    }

    /** The stale banner's button. */
    public void refit() {
        fit();
    }

    /** Puts every aspect weight back to 1. */
    public void resetWeights() {
        for (AspectWeight w : aspectWeights) w.weightProperty().set(1.0);
    }

    public void select(Long promptId) {
        selected = promptId;
        loadDetail();
    }

    /** Opens a prompt of the needs-review queue in Compare & label, walking that queue. */
    public void review(long promptId) {
        reviewHandler.accept(promptId);
    }

    /** Opens the first prompt still to review. */
    public void reviewFirst() {
        review.stream().filter(r -> !r.reviewed()).findFirst().ifPresent(r -> review(r.promptId()));
    }

    /** Opens a prompt in Compare & label. */
    public void open(long promptId) {
        openHandler.accept(promptId);
    }

    /** Replaces the rankings' flags in the needs-review queue with the ones under the current weights. */
    public void flagWithCurrentWeights() {
        Workspace ws = workspaces.workspace();
        Rankings r = rankings;
        Rankings.Weighted w = weighted;
        if (ws == null || r == null || w == null) return;
        executor.execute(BackgroundTask.of("Updating the needs-review queue", p -> {
            ReviewQueue.store(ws, r, w);
            return reviewRows(ws);
        }).onSuccess(rows -> {
            applyReview(rows);
            notifier.success("Needs review updated", rows.stream().filter(x -> !x.reviewed()).count() + " prompts flagged with these weights");
        }));
    }

    /** Reads the latest model again (its staleness may have changed: gold given in Compare, LFs edited). */
    public void refresh() {
        Workspace ws = workspaces.workspace();
        int gen = ++generation;
        if (ws == null) {
            clear();
            state.set(ViewState.NO_WORKSPACE);
            return;
        }
        if (state.get() == ViewState.NO_WORKSPACE) state.set(ViewState.LOADING);
        executor.execute(BackgroundTask.of("Reading the reward model", p -> load(ws, service(ws))).quiet()
                .onSuccess(loaded -> {
                    if (gen == generation) show(loaded);
                })
                .onFailure(error -> {
                    if (gen == generation) {
                        clear();
                        state.set(ViewState.NOT_FITTED);
                    }
                    notifier.error("Reading the reward model failed", error);
                }));
    }

    // ---- loading and showing --------------------------------------------------------------------------------------

    private record Loaded(RewardModel model, Rankings rankings, Map<Long, String[]> promptInfo, List<ReviewRow> review) {
    }

    private Loaded load(Workspace ws, RewardService s) {
        RewardModel m = s.latest().orElse(null);
        if (m == null) return new Loaded(null, null, Map.of(), reviewRows(ws));
        Rankings r = s.rankings().orElseThrow();
        Map<Long, String[]> info = new HashMap<>();
        ws.jdbc().list("SELECT id, source_id, category FROM prompt", rs -> info.put(rs.getLong(1), new String[]{rs.getString(2), rs.getString(3)}));
        return new Loaded(m, r, info, reviewRows(ws));
    }

    private static List<ReviewRow> reviewRows(Workspace ws) {
        Map<Long, String> sources = new HashMap<>();
        List<ReviewRepository.ReviewItem> items = ws.reviews().list();
        if (!items.isEmpty()) {
            ws.jdbc().list("SELECT id, source_id FROM prompt WHERE id = ANY(?)", rs -> sources.put(rs.getLong(1), rs.getString(2)),
                    (Object) items.stream().map(ReviewRepository.ReviewItem::promptId).toArray(Long[]::new));
        }
        return items.stream().map(i -> new ReviewRow(i.promptId(), sources.getOrDefault(i.promptId(), "#" + i.promptId()),
                i.reason() == null ? "" : i.reason(), i.priority(), i.reviewed())).toList();
    }

    private void show(Loaded loaded) {
        applyReview(loaded.review());
        RewardModel m = loaded.model();
        model.set(m);
        if (m == null) {
            clearModel();
            state.set(ViewState.NOT_FITTED);
            return;
        }
        rankings = loaded.rankings();
        promptInfo = loaded.promptInfo();
        stale.set(m.stale());
        staleReason.set(m.stale() ? m.staleness().reason() : "");
        modelText.set(String.format(Locale.ROOT, "Model #%d · %s · %,d candidates · %d features · fitted in %.1f s%s", m.id(),
                m.kind().equals("linear") ? "linear" : "MLP (" + m.parameters().hidden() + " hidden)", m.rows(), m.columns().size(),
                m.elapsedMs() / 1000.0, m.labelModelRunId() == null ? "" : " · label model run #" + m.labelModelRunId()));
        RewardMetrics x = m.metrics();
        Calibration cal = x.calibration();
        calibration.setAll(cal == null ? List.of() : cal.bins());
        calibrationText.set(cal == null || cal.count() == 0 ? "No held-out GOOD/BAD gold to check P(GOOD) against yet."
                : String.format(Locale.ROOT, "P(GOOD) against your GOOD/BAD gold, held out: ECE %.3f, Brier %.3f, on %d candidates",
                cal.ece(), cal.brier(), cal.count()));
        notesText.set(String.join("\n", x.notes()));
        externalText.set(x.external() == null ? "" : String.format(Locale.ROOT,
                "External scorer %s: same top candidate on %s of prompts; rank correlation %.2f within prompts.",
                x.external().scorerId(), pct(x.external().top1Agreement()), x.external().spearmanWithinPrompt()));
        lengthControlText.set(lengthControlText(x.length()));
        RewardMetrics.GoldWeight gw = x.goldWeight();
        goldWeightCurve.setAll(gw == null ? List.of() : gw.curve());
        goldWeightText.set(gw == null ? "" : gw.chosen()
                ? "Gold weight " + gw.used() + ", chosen by cross-validation on your gold: the weight whose held-out pairwise accuracy is best."
                : "Gold weight " + gw.used() + " (set; no cross-validation" + (x.folds() == 0 ? ": too few labelled prompts" : "") + ").");
        updateAspectWeights(m.aspects());
        state.set(ViewState.READY);
        weigh();
    }

    static String lengthControlText(RewardMetrics.Length l) {
        if (l == null) return "";
        if (!l.available()) return "Length control needs the Text statistics features (they hold the length it keeps at the median).";
        return String.format(Locale.ROOT, "Length control %s (%s: %s). Score–length correlation within prompts: plain %.2f · length-controlled %.2f.",
                l.applied() ? "ON: the scores hold length at each prompt's median" : "off", l.mode(), l.reason(),
                l.plainSpearmanWithinPrompt(), l.controlledSpearmanWithinPrompt());
    }

    private void applyReview(List<ReviewRow> rows) {
        review.setAll(rows);
        Map<Long, String> reasons = new HashMap<>();
        for (ReviewRow r : rows) if (!r.reviewed()) reasons.put(r.promptId(), r.reason());
        reviewReasons = reasons;
        long pending = rows.stream().filter(r -> !r.reviewed()).count();
        reviewText.set(rows.isEmpty() ? "Nothing flagged yet: fit a reward model to fill the queue."
                : String.format(Locale.ROOT, "%d to review, %d reviewed. Corrections you make in Compare & label become gold;"
                + " the next fit learns from them.", pending, rows.size() - pending));
    }

    private void updateAspectWeights(List<String> aspects) {
        if (aspectWeights.stream().map(AspectWeight::aspect).toList().equals(aspects)) return;
        Map<String, Double> previous = new HashMap<>();
        for (AspectWeight w : aspectWeights) previous.put(w.aspect(), w.weightProperty().get());
        List<AspectWeight> fresh = new ArrayList<>();
        for (String a : aspects) {
            AspectWeight w = new AspectWeight(a);
            w.weightProperty().set(previous.getOrDefault(a, 1.0));
            w.weightProperty().addListener((o, b, c) -> weigh());
            fresh.add(w);
        }
        aspectWeights.setAll(fresh);
    }

    private Map<String, Double> weights() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (AspectWeight w : aspectWeights) out.put(w.aspect(), w.weightProperty().get());
        return out;
    }

    /** Re-weighs in the background; moves made meanwhile are coalesced into one more pass. */
    private void weigh() {
        Rankings r = rankings;
        if (r == null) return;
        if (weighing) {
            weighAgain = true;
            return;
        }
        weighing = true;
        Map<String, Double> w = weights();
        Long sel = selected;
        Map<Long, String[]> info = promptInfo;
        Map<Long, String> reasons = reviewReasons;
        executor.execute(BackgroundTask.of("Re-weighing the rankings", p -> {
            Rankings.Weighted weighted = r.weigh(w);
            List<PromptRow> rows = new ArrayList<>(r.index().prompts());
            for (int i = 0; i < r.index().prompts(); i++) {
                long id = r.index().promptId(i);
                String[] pi = info.getOrDefault(id, new String[]{"#" + id, null});
                double gap = gap(r, weighted, i);
                rows.add(new PromptRow(i, id, pi[0], pi[1], weighted.margins()[i], gap, reasons.get(id)));
            }
            rows.sort((a, b) -> Double.compare(nanLast(a.topGap()), nanLast(b.topGap())));
            return new Weighing(weighted, rows, Rankings.histogram(weighted.margins(), HISTOGRAM_BINS));
        }).quiet().onSuccess(result -> {
            if (rankings != r) return;
            weighted = result.weighted();
            applyWeighing(r, result);
            if (sel == null && !result.rows().isEmpty()) select(result.rows().get(0).promptId());
            else loadDetail();
        }).onFinished(() -> {
            weighing = false;
            if (weighAgain) {
                weighAgain = false;
                weigh();
            }
        }));
    }

    private record Weighing(Rankings.Weighted weighted, List<PromptRow> rows, Rankings.Histogram histogram) {
    }

    private static double gap(Rankings r, Rankings.Weighted w, int prompt) {
        int[] rows = r.index().rowsOf(prompt);
        if (rows.length < 2) return Double.NaN;
        double first = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
        for (int row : rows) {
            double s = w.scores()[row];
            if (s > first) {
                second = first;
                first = s;
            } else if (s > second) {
                second = s;
            }
        }
        return first - second;
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private void applyWeighing(Rankings r, Weighing result) {
        Rankings.Weighted w = result.weighted();
        RewardModel m = r.model();
        RewardMetrics x = m.metrics();
        List<Figure> figs = new ArrayList<>();
        if (x.folds() > 0) {
            figs.add(new Figure(RewardMetrics.MODEL, "Reward model", w.heldOut().accuracy(), w.heldOut().pairs(), true));
            for (RewardMetrics.Comparison c : x.comparisons()) {
                if (!c.key().equals(RewardMetrics.MODEL)) {
                    figs.add(new Figure(c.key(), c.label(), c.accuracy().accuracy(), c.accuracy().pairs(), false));
                }
            }
            heldOutText.set(String.format(Locale.ROOT, "Held-out pairwise accuracy: %d-fold by prompt on %,d gold pairs of %d labelled prompts%s",
                    x.folds(), x.goldPairs(), x.labelledPrompts(), w.weights().values().stream().allMatch(v -> v == 1.0) ? ""
                            : " · with your aspect weights"));
        } else {
            heldOutText.set(x.notes().stream().filter(n -> n.startsWith("only")).findFirst().orElse("No held-out figures."));
        }
        figures.setAll(figs);
        lengthText.set(String.format(Locale.ROOT, "Score vs length: Spearman %.2f overall, %.2f within prompts", w.lengthSpearman(),
                w.lengthSpearmanWithinPrompt()));
        lengthWarning.set(w.lengthWarning() ? String.format(Locale.ROOT, "The scores follow response length closely (%.2f within prompts):"
                + " the model may mostly be rewarding longer answers. Add gold where a shorter answer is better, or an LF against padding.",
                w.lengthSpearmanWithinPrompt()) : "");
        prompts.setAll(result.rows());
        Rankings.Histogram h = result.histogram();
        List<Bin> bins = new ArrayList<>();
        for (int i = 0; i < h.counts().length; i++) {
            bins.add(new Bin(String.format(Locale.ROOT, "%.1f", (i + 0.5) * h.binWidth()), h.counts()[i]));
        }
        histogram.setAll(bins);
        double[] margins = java.util.Arrays.stream(w.margins()).filter(v -> !Double.isNaN(v)).sorted().toArray();
        histogramText.set(margins.length == 0 ? "" : String.format(Locale.ROOT,
                "Top-vs-bottom margin per prompt (score units, log-odds): median %.2f, smallest %.2f, largest %.2f over %,d prompts",
                margins[margins.length / 2], margins[0], margins[margins.length - 1], margins.length));
    }

    private void loadDetail() {
        Workspace ws = workspaces.workspace();
        Rankings r = rankings;
        Rankings.Weighted w = weighted;
        Long id = selected;
        if (ws == null || r == null || w == null || id == null) {
            detail.set(null);
            return;
        }
        int index = r.index().promptIndex(id);
        if (index < 0) {
            detail.set(null);
            return;
        }
        String reason = reviewReasons.get(id);
        String externalId = r.model().parameters().externalScorer();
        executor.execute(BackgroundTask.of("Loading the ranking", p -> detail(ws, r, w, index, reason, externalId)).quiet()
                .onSuccess(d -> {
                    if (rankings == r && id.equals(selected)) detail.set(d);
                }));
    }

    private static PromptDetail detail(Workspace ws, Rankings r, Rankings.Weighted w, int index, String reason, String externalId) {
        Rankings.PromptRanking ranking = r.prompt(index, w);
        Prompt prompt = ws.prompts().get(ranking.promptId()).orElseThrow();
        Map<Long, Candidate> byId = new HashMap<>();
        for (Candidate c : ws.candidates().forPrompt(prompt.id())) byId.put(c.id(), c);
        GoldRepository.PromptJudgments gold = ws.gold().forPrompt(prompt.id());
        Map<Long, ExternalScorer.Score> external = externalId == null ? Map.of()
                : new ScoringService(ws).scores(externalId, byId.keySet());
        List<Long> externalOrder = external.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue().score(), a.getValue().score())).map(Map.Entry::getKey).toList();
        double hi = ranking.candidates().isEmpty() ? 0 : ranking.candidates().get(0).score();
        double lo = ranking.candidates().isEmpty() ? 0 : ranking.candidates().get(ranking.candidates().size() - 1).score();
        List<CandidateRow> rows = new ArrayList<>();
        int rank = 1;
        for (Rankings.RankedCandidate c : ranking.candidates()) {
            Candidate cand = byId.get(c.candidateId());
            String text = cand == null ? "" : cand.text();
            double bar = hi > lo ? (c.score() - lo) / (hi - lo) : 1;
            ExternalScorer.Score ext = external.get(c.candidateId());
            rows.add(new CandidateRow(c.candidateId(), rank++, (cand == null ? c.position() : cand.position()) + 1, c.score(), c.pGood(),
                    bar, c.chars(), preview(text), text, goldMarks(gold, c.candidateId()), cand == null ? null : cand.model(),
                    reasons(c.why()), reasons(c.lfs()), ext == null ? Double.NaN : ext.score(),
                    ext == null ? 0 : externalOrder.indexOf(c.candidateId()) + 1));
        }
        List<LengthRow> lengthRows = new ArrayList<>();
        for (Rankings.LengthPlace lp : r.lengthComparison(index)) {
            Candidate cand = byId.get(lp.candidateId());
            lengthRows.add(new LengthRow(lp.candidateId(), cand == null ? 0 : cand.position() + 1, lp.chars(), lp.plainPlace() + 1,
                    lp.controlledPlace() + 1, cand == null ? "" : preview(cand.text())));
        }
        return new PromptDetail(prompt.id(), prompt.sourceId(), prompt.category(), prompt.text(), ranking.margin(), ranking.topGap(),
                List.copyOf(rows), reason, List.copyOf(lengthRows));
    }

    private static List<Reason> reasons(List<Rankings.Part> parts) {
        return parts.stream().map(p -> new Reason(p.group().label(), p.contribution(), p.group().aspect())).toList();
    }

    private static String goldMarks(GoldRepository.PromptJudgments gold, long candidateId) {
        List<String> marks = new ArrayList<>();
        if (gold.prompt().bestCandidateId() != null && gold.prompt().bestCandidateId() == candidateId) marks.add("best");
        if (gold.prompt().worstCandidateId() != null && gold.prompt().worstCandidateId() == candidateId) marks.add("worst");
        for (CandidateGold c : gold.candidates()) {
            if (c.candidateId() != candidateId) continue;
            if (c.label() != null) marks.add(c.label() == Verdict.GOOD ? "GOOD" : "BAD");
            if (c.rating() != null) marks.add("rated " + c.rating());
        }
        return String.join(" ", marks);
    }

    private static String preview(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= PREVIEW_CHARS ? flat : flat.substring(0, PREVIEW_CHARS - 1) + "…";
    }

    private void clearModel() {
        rankings = null;
        weighted = null;
        figures.clear();
        prompts.clear();
        histogram.clear();
        histogramText.set("");
        calibration.clear();
        detail.set(null);
        stale.set(false);
        staleReason.set("");
        modelText.set("");
        heldOutText.set("");
        lengthText.set("");
        lengthControlText.set("");
        goldWeightText.set("");
        goldWeightCurve.clear();
        lengthWarning.set("");
        calibrationText.set("");
        notesText.set("");
        externalText.set("");
    }

    private void clear() {
        clearModel();
        review.clear();
        reviewText.set("");
        model.set(null);
        selected = null;
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** The services of the open workspace (made on first use off the UI thread; replaced when it changes). */
    private synchronized RewardService service(Workspace ws) {
        if (servicesFor != ws) {
            if (labeling != null) labeling.close();
            labeling = AppLabeling.service(ws, workspaces.paths());
            service = AppReward.service(ws, labeling, new LabelModelService(ws, labeling), workspaces.paths());
            servicesFor = ws;
        }
        return service;
    }

    /** Releases the labeling engine. */
    public synchronized void close() {
        if (labeling != null) labeling.close();
        labeling = null;
        service = null;
        servicesFor = null;
    }
}
