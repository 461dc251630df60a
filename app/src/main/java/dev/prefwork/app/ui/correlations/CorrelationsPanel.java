package dev.prefwork.app.ui.correlations;

import atlantafx.base.theme.Styles;
import dev.prefwork.labeling.engine.CandidateMeasure;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.labeling.service.LfCorrelationService.Cluster;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.Locale;

/**
 * The Correlations panel, the same class in the Label model view and the LF studio: at the top the dominance
 * warning in plain words and the one action (group the chosen cluster, refit), then the heat map with the bars
 * of each LF's r with the chosen measure. It computes the first time it is shown.
 */
public final class CorrelationsPanel {

    private final CorrelationsViewModel vm;
    private final VBox root = new VBox(8);
    private final CorrelationChart chart;

    public CorrelationsPanel(CorrelationsViewModel vm) {
        this.vm = vm;
        this.chart = new CorrelationChart(vm);
        root.getStyleClass().add("correlations-panel");
        root.setId("correlations-panel");

        Label title = new Label("Correlations");
        title.getStyleClass().add(Styles.TITLE_4);
        Label status = new Label();
        status.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        status.textProperty().bind(vm.statusProperty());
        ProgressIndicator spinner = new ProgressIndicator(-1);
        spinner.setPrefSize(16, 16);
        spinner.setMaxSize(16, 16);
        spinner.visibleProperty().bind(vm.busyProperty());
        HBox head = new HBox(10, title, spinner, status);
        head.setAlignment(Pos.CENTER_LEFT);

        root.getChildren().addAll(head, actionBar(), chartArea());
        root.sceneProperty().addListener((o, a, b) -> {
            if (b != null) vm.activate();
        });
        vm.reportProperty().addListener((o, a, b) -> chart.show(b, vm.selectedClusterProperty().get()));
        vm.selectedClusterProperty().addListener((o, a, b) -> chart.show(vm.reportProperty().get(), b));
        // a second panel (the LF studio's window) opens on a report computed already
        chart.show(vm.reportProperty().get(), vm.selectedClusterProperty().get());
    }

    public Node node() {
        return root;
    }

    /** The warning and the one action. */
    private Node actionBar() {
        Label warning = new Label();
        warning.setId("corr-warning");
        warning.setWrapText(true);
        warning.getStyleClass().add(Styles.TEXT_BOLD);
        warning.textProperty().bind(vm.warningProperty());
        warning.visibleProperty().bind(vm.warningProperty().isNotEmpty());
        warning.managedProperty().bind(warning.visibleProperty());

        Label hint = new Label("LFs that vote alike count as several independent witnesses. Grouping them makes the label model count them as one.");
        hint.setWrapText(true);
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        ComboBox<Cluster> cluster = new ComboBox<>(vm.clusters());
        cluster.setId("corr-cluster");
        cluster.valueProperty().bindBidirectional(vm.selectedClusterProperty());
        cluster.setConverter(new StringConverter<>() {
            @Override
            public String toString(Cluster c) {
                return c == null ? "" : String.format(Locale.ROOT, "%s · %.0f%% of the model", c.label(), 100 * c.share());
            }

            @Override
            public Cluster fromString(String s) {
                return null;
            }
        });
        cluster.visibleProperty().bind(Bindings.size(vm.clusters()).greaterThan(1));
        cluster.managedProperty().bind(cluster.visibleProperty());

        ComboBox<LfGroup.Mode> mode = new ComboBox<>();
        mode.setId("corr-mode");
        mode.getItems().setAll(LfGroup.Mode.values());
        mode.valueProperty().bindBidirectional(vm.modeProperty());
        mode.setConverter(new StringConverter<>() {
            @Override
            public String toString(LfGroup.Mode m) {
                return m == null ? "" : m == LfGroup.Mode.MERGE ? "as one LF (their majority vote)" : "as dependent LFs (each keeps its accuracy)";
            }

            @Override
            public LfGroup.Mode fromString(String s) {
                return null;
            }
        });
        mode.setButtonCell(new ListCell<>() {
            @Override
            protected void updateItem(LfGroup.Mode m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? "" : mode.getConverter().toString(m));
            }
        });

        Button group = new Button();
        group.setId("corr-group");
        group.getStyleClass().add(Styles.ACCENT);
        group.textProperty().bind(vm.actionTextProperty());
        group.setOnAction(e -> vm.groupSelected());
        group.setMinWidth(Region.USE_PREF_SIZE);
        mode.setMinWidth(Region.USE_PREF_SIZE);
        cluster.setMinWidth(120);
        group.disableProperty().bind(vm.busyProperty().or(vm.selectedClusterProperty().isNull()));

        Hyperlink ungroup = new Hyperlink("Remove all groups");
        ungroup.setId("corr-ungroup");
        ungroup.setOnAction(e -> vm.ungroupAll());
        ungroup.visibleProperty().bind(Bindings.createBooleanBinding(() ->
                vm.reportProperty().get() != null && !vm.reportProperty().get().groups().isEmpty(), vm.reportProperty()));
        ungroup.managedProperty().bind(ungroup.visibleProperty());
        ungroup.disableProperty().bind(vm.busyProperty());

        // wraps on a narrow window rather than cutting the cluster's name
        javafx.scene.layout.FlowPane actions = new javafx.scene.layout.FlowPane(8, 6, group, mode, cluster, ungroup);
        actions.setAlignment(Pos.CENTER_LEFT);
        actions.visibleProperty().bind(Bindings.isNotEmpty(vm.clusters()).or(ungroup.visibleProperty()));
        actions.managedProperty().bind(actions.visibleProperty());
        group.visibleProperty().bind(Bindings.isNotEmpty(vm.clusters()));
        group.managedProperty().bind(group.visibleProperty());
        mode.visibleProperty().bind(group.visibleProperty());
        mode.managedProperty().bind(mode.visibleProperty());

        VBox box = new VBox(6, warning, actions, hint);
        box.setPadding(new Insets(10, 12, 10, 12));
        box.setStyle("-fx-background-color: -color-bg-subtle; -fx-background-radius: 6; -fx-border-color: -color-border-muted; -fx-border-radius: 6;");
        vm.warningProperty().addListener((o, a, b) -> box.setStyle(b.isEmpty()
                ? "-fx-background-color: -color-bg-subtle; -fx-background-radius: 6; -fx-border-color: -color-border-muted; -fx-border-radius: 6;"
                : "-fx-background-color: -color-warning-subtle; -fx-background-radius: 6; -fx-border-color: -color-warning-emphasis; -fx-border-radius: 6;"));
        return box;
    }

    private Node chartArea() {
        ComboBox<CandidateMeasure> measure = new ComboBox<>();
        measure.setId("corr-measure");
        measure.getItems().setAll(vm.measures());
        measure.valueProperty().bindBidirectional(vm.measureProperty());
        measure.setConverter(new StringConverter<>() {
            @Override
            public String toString(CandidateMeasure m) {
                return m == null ? "" : m.label();
            }

            @Override
            public CandidateMeasure fromString(String s) {
                return null;
            }
        });
        Label measureLabel = new Label("Bars: each LF's r with");
        measureLabel.setMinWidth(Region.USE_PREF_SIZE);
        measure.setMinWidth(Region.USE_PREF_SIZE);
        Label help = new Label("Hover a cell for r and how often both LFs vote, a bar for the LF's share of the model.");
        help.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        help.setWrapText(true);
        HBox.setHgrow(help, Priority.ALWAYS);
        HBox controls = new HBox(8, measureLabel, measure, help);
        controls.setAlignment(Pos.CENTER_LEFT);
        ScrollPane scroll = new ScrollPane(chart);
        scroll.setFitToHeight(false);
        scroll.getStyleClass().add("edge-to-edge");
        scroll.setPrefViewportHeight(420);
        scroll.setMinViewportHeight(200);
        chart.heightProperty().addListener((o, a, b) -> scroll.setPrefViewportHeight(Math.min(560, Math.max(200, b.doubleValue() + 4))));
        return new VBox(6, controls, scroll);
    }

    /** For tests: the chart's hover text at a cell. */
    String hoverTextOfCell(int i, int j) {
        double[] p = chart.cellCentre(i, j);
        return chart.hoverText(p[0], p[1]);
    }
}
