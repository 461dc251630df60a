package dev.prefwork.app.ui.correlations;

import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.labeling.engine.CandidateMeasure;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelModelService.FitRequest;
import dev.prefwork.labeling.service.LfCorrelationService;
import dev.prefwork.labeling.service.LfCorrelationService.Cluster;
import dev.prefwork.labeling.service.LfCorrelationService.Report;
import dev.prefwork.store.Workspace;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Correlations panel's state (shared by the Label model view and the LF studio): the report of
 * {@link LfCorrelationService} for the chosen measure, the dominance warning in plain words, the clusters one can
 * group, and the one action: group the chosen cluster (merge or dependent), refit the label model and read the
 * report again, all in the background. No JavaFX nodes here.
 */
public final class CorrelationsViewModel {

    /** Where the services come from (the label-model view model's, so no second LF engine reads the texts). */
    public interface Services {
        LfCorrelationService correlations(Workspace ws);

        LabelModelService labelModel(Workspace ws);
    }

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final Services services;
    private final Supplier<FitRequest> fitRequest;
    private Runnable onRefit = () -> { };

    private final ObjectProperty<CandidateMeasure> measure = new SimpleObjectProperty<>(this, "measure", CandidateMeasure.CHARS);
    private final ObjectProperty<Cluster> selectedCluster = new SimpleObjectProperty<>(this, "selectedCluster");
    private final ObjectProperty<LfGroup.Mode> mode = new SimpleObjectProperty<>(this, "mode", LfGroup.Mode.MERGE);
    private final ReadOnlyObjectWrapper<Report> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyStringWrapper warning = new ReadOnlyStringWrapper(this, "warning", "");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper actionText = new ReadOnlyStringWrapper(this, "actionText", "Treat as one group");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ObservableList<Cluster> clusters = FXCollections.observableArrayList();
    private boolean active;
    private int generation;

    public CorrelationsViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier, Services services,
                                 Supplier<FitRequest> fitRequest) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.services = services;
        this.fitRequest = fitRequest;
        workspaces.workspaceProperty().addListener((o, a, b) -> {
            report.set(null);
            clusters.clear();
            warning.set("");
            if (active) refresh();
        });
        workspaces.dataVersionProperty().addListener((o, a, b) -> {
            if (active) refresh();
        });
        measure.addListener((o, a, b) -> {
            if (active) refresh();
        });
        selectedCluster.addListener((o, a, b) -> updateActionText());
    }

    /** Called after a refit made here, so the Label model view shows the new run. */
    public void setOnRefit(Runnable r) {
        this.onRefit = r == null ? () -> { } : r;
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObjectProperty<CandidateMeasure> measureProperty() { return measure; }

    public List<CandidateMeasure> measures() { return List.of(CandidateMeasure.values()); }

    public ObjectProperty<Cluster> selectedClusterProperty() { return selectedCluster; }

    public ObjectProperty<LfGroup.Mode> modeProperty() { return mode; }

    public ReadOnlyObjectProperty<Report> reportProperty() { return report.getReadOnlyProperty(); }

    /** The dominance warning in plain words; empty when there is none. */
    public ReadOnlyStringProperty warningProperty() { return warning.getReadOnlyProperty(); }

    /** What the panel says under its title: rows, LFs, where the shares come from, or what is going on. */
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }

    /** The action button's text, naming the chosen cluster's size. */
    public ReadOnlyStringProperty actionTextProperty() { return actionText.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** The clusters one can group, the length cluster first. */
    public ObservableList<Cluster> clusters() { return clusters; }

    // ---- actions ------------------------------------------------------------------------------------------------

    /** The panel is on screen: compute now and whenever the data change. */
    public void activate() {
        if (active) return;
        active = true;
        refresh();
    }

    /** Computes the report again in the background (after a fit, an LF edit, a new measure). */
    public void refresh() {
        Workspace ws = workspaces.workspace();
        if (ws == null) return;
        CandidateMeasure m = measure.get();
        int gen = ++generation;
        busy.set(true);
        status.set("Correlating the labeling functions…");
        executor.execute(BackgroundTask.of("Correlating labeling functions", p -> services.correlations(ws).report(m, p))
                .onSuccess(r -> {
                    if (gen == generation) show(r);
                })
                .onFailure(e -> {
                    if (gen == generation) status.set("Could not correlate the labeling functions: " + e.getMessage());
                })
                .onFinished(() -> {
                    if (gen == generation) busy.set(false);
                }));
    }

    /** Refreshes only when the panel has been shown (a label-model fit elsewhere changes the shares). */
    public void refreshIfActive() {
        if (active) refresh();
    }

    /** The one action: the chosen cluster becomes one group of the label model, which is refitted. */
    public void groupSelected() {
        Workspace ws = workspaces.workspace();
        Report r = report.get();
        Cluster c = selectedCluster.get();
        if (ws == null || r == null || c == null || busy.get()) return;
        List<Long> ids = Arrays.stream(c.lfs()).mapToObj(i -> r.lfs().get(i).lfId()).toList();
        LfGroup.Mode chosen = mode.get();
        FitRequest request = fitRequest.get();
        CandidateMeasure m = measure.get();
        int gen = ++generation;
        busy.set(true);
        status.set("Grouping " + ids.size() + " LFs and refitting the label model…");
        executor.execute(BackgroundTask.of("Grouping " + ids.size() + " LFs and refitting the label model", p -> {
            LfCorrelationService s = services.correlations(ws);
            s.group(ids, chosen);
            p.checkCancelled();
            services.labelModel(ws).fit(request, p);
            return s.report(m, p);
        }).onSuccess(after -> {
            if (gen == generation) show(after);
            onRefit.run();
            notifier.success("LFs grouped", ids.size() + " LFs now count as one group (" + chosen.key() + "); the label model was refitted");
        }).onFailure(e -> {
            if (gen == generation) status.set("Grouping failed: " + e.getMessage());
        }).onFinished(() -> {
            if (gen == generation) busy.set(false);
        }));
    }

    /** Removes every group and refits. */
    public void ungroupAll() {
        Workspace ws = workspaces.workspace();
        if (ws == null || busy.get()) return;
        FitRequest request = fitRequest.get();
        CandidateMeasure m = measure.get();
        int gen = ++generation;
        busy.set(true);
        executor.execute(BackgroundTask.of("Removing the LF groups and refitting the label model", p -> {
            LfCorrelationService s = services.correlations(ws);
            s.ungroup(List.of());
            services.labelModel(ws).fit(request, p);
            return s.report(m, p);
        }).onSuccess(after -> {
            if (gen == generation) show(after);
            onRefit.run();
        }).onFinished(() -> {
            if (gen == generation) busy.set(false);
        }));
    }

    // ---- what the heat map and the bars read ---------------------------------------------------------------------

    /** The hover text of one heat-map cell. */
    public String cellText(int i, int j) {
        Report r = report.get();
        if (r == null) return "";
        String a = r.lfs().get(i).name(), b = r.lfs().get(j).name();
        double v = r.matrix().r()[i][j];
        long both = r.matrix().overlap()[i][j];
        int rows = r.matrix().rows();
        String rText = Double.isNaN(v) ? "r undefined (one never votes)" : String.format(Locale.ROOT, "r = %+.2f", v);
        if (i == j) {
            return String.format(Locale.ROOT, "%s%nvotes on %,d of %,d candidates (%.0f%%)", a, both, rows, pct(both, rows));
        }
        String agree = both == 0 ? "" : String.format(Locale.ROOT, ", agree on %.0f%% of them", 100 * r.matrix().agreement()[i][j]);
        return String.format(Locale.ROOT, "%s%n× %s%n%s · both vote on %,d candidates (%.0f%%)%s", a, b, rText, both, pct(both, rows), agree);
    }

    /** The hover text of one LF's bar. */
    public String barText(int i) {
        Report r = report.get();
        if (r == null) return "";
        LfCorrelationService.LfRow lf = r.lfs().get(i);
        String v = Double.isNaN(lf.measureR()) ? "undefined" : String.format(Locale.ROOT, "%+.2f", lf.measureR());
        return String.format(Locale.ROOT, "%s (%s, votes %s)%nr with %s = %s%n%s %.0f%%", lf.name(), lf.aspect(), lf.vote(),
                r.measure().label(), v, r.modelShare() ? "share of the label model:" : "share of all votes:", 100 * lf.share());
    }

    private static double pct(long a, int b) {
        return b == 0 ? 0 : 100.0 * a / b;
    }

    private void show(Report r) {
        Cluster keep = selectedCluster.get();
        // the old cluster's indices belong to the old report: drop it before the new report shows
        selectedCluster.set(null);
        report.set(r);
        clusters.setAll(r.clusters().stream().filter(c -> !c.grouped()).toList());
        Cluster pick = clusters.stream().filter(c -> keep != null && Arrays.equals(c.lfs(), keep.lfs())).findFirst()
                .orElse(clusters.isEmpty() ? null : clusters.get(0));
        selectedCluster.set(pick);
        warning.set(r.warning().map(LfCorrelationService.Warning::text).orElse(""));
        status.set(String.format(Locale.ROOT, "%d enabled LFs on %,d candidates · shares %s · %d ms", r.lfs().size(), r.matrix().rows(),
                r.modelShare() ? "of the latest label model" : "of all votes (fit the label model to see its shares)", r.elapsedMs()));
        updateActionText();
    }

    private void updateActionText() {
        Cluster c = selectedCluster.get();
        actionText.set(c == null ? "Treat as one group" : "Treat these " + c.lfs().length + " LFs as one group");
    }
}
