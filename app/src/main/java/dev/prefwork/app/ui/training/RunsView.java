package dev.prefwork.app.ui.training;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.shell.Step;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TrainingRun;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/**
 * The Runs step: every training run (status, settings, final metrics, duration, artifacts) in a table; the selected
 * run's details and log below it; two selected runs' curves of one metric side by side on the right.
 */
public final class RunsView implements Step.StepView {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d, HH:mm", java.util.Locale.ENGLISH).withZone(ZoneId.systemDefault());

    private final RunsViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<TrainingRun> table = new TableView<>();
    private LineChart<Number, Number> compareChart;

    public RunsView(RunsViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("runs-view");
        root.setPadding(new Insets(16, 20, 16, 20));
        root.setTop(header());
        SplitPane bottom = new SplitPane(details(), compare());
        bottom.setDividerPositions(0.5);
        SplitPane split = new SplitPane(runsTable(), bottom);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        root.setCenter(split);
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void shown() {
        vm.refresh();
    }

    LineChart<Number, Number> compareChart() {
        return compareChart;
    }

    private Node header() {
        Label title = new Label("Runs");
        title.getStyleClass().add(Styles.TITLE_3);
        Label subtitle = new Label("Every training run of this workspace with its settings, final metrics and artifacts. "
                + "Select two to compare their curves; a cancelled run resumes from its checkpoint.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);
        VBox box = new VBox(4, title, subtitle);
        box.setPadding(new Insets(0, 0, 12, 0));
        return box;
    }

    private Node runsTable() {
        table.setId("runs-table");
        table.setItems(vm.runs());
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No training runs yet: start one in the Training step."));
        table.getColumns().add(column("#", r -> String.valueOf(r.id()), 45));
        TableColumn<TrainingRun, String> status = column("Status", r -> r.status().label(), 85);
        status.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER, Styles.WARNING, Styles.ACCENT);
                setText(empty ? null : s);
                if (empty || s == null) return;
                switch (RunStatus.of(s)) {
                    case FINISHED -> getStyleClass().add(Styles.SUCCESS);
                    case FAILED -> getStyleClass().add(Styles.DANGER);
                    case CANCELLED -> getStyleClass().add(Styles.WARNING);
                    case RUNNING -> getStyleClass().add(Styles.ACCENT);
                    default -> { }
                }
            }
        });
        table.getColumns().add(status);
        table.getColumns().add(column("Name", TrainingRun::name, 170));
        table.getColumns().add(column("Started", r -> r.startedAt() == null ? "–" : WHEN.format(r.startedAt()), 125));
        table.getColumns().add(column("Ran", r -> TrainingViewModel.duration(r.duration(Instant.now())), 70));
        table.getColumns().add(column("Steps", r -> r.totalSteps() == null ? String.valueOf(r.lastStep())
                : r.lastStep() + " / " + r.totalSteps(), 80));
        table.getColumns().add(column("Loss", r -> RunsViewModel.format("loss", r.metric("loss")), 70));
        table.getColumns().add(column("Margin", r -> RunsViewModel.format("rewards/margins", r.metric("rewards/margins")), 75));
        table.getColumns().add(column("Accuracy", r -> RunsViewModel.format("rewards/accuracies", r.metric("rewards/accuracies")), 85));
        table.getColumns().add(column("Held out", r -> RunsViewModel.format("eval_rewards/accuracies", r.metric("eval_rewards/accuracies")), 80));
        table.getColumns().add(column("Settings", r -> r.config().summary(), 260));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.selectedProperty().set(b));
        vm.selectedProperty().addListener((o, a, b) -> {
            if (b != null && table.getSelectionModel().getSelectedItem() != b && !table.getSelectionModel().getSelectedItems().contains(b)) {
                table.getSelectionModel().select(b);
            }
        });
        table.setRowFactory(t -> {
            TableRow<TrainingRun> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) vm.watch(row.getItem());
            });
            return row;
        });

        Button watch = new Button("Watch in Training");
        watch.setId("runs-watch");
        watch.disableProperty().bind(vm.selectedProperty().isNull());
        watch.setOnAction(e -> vm.watch(vm.selectedProperty().get()));
        Button resume = new Button("Resume");
        resume.setId("runs-resume");
        resume.getStyleClass().add(Styles.ACCENT);
        resume.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.selectedProperty().get() == null
                || !vm.selectedProperty().get().resumable(), vm.selectedProperty()));
        resume.setOnAction(e -> vm.resume(vm.selectedProperty().get()));
        Button cancel = new Button("Cancel");
        cancel.setId("runs-cancel");
        cancel.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.selectedProperty().get() == null
                || vm.selectedProperty().get().status() != RunStatus.RUNNING, vm.selectedProperty()));
        cancel.setOnAction(e -> vm.cancel(vm.selectedProperty().get()));
        Button compare = new Button("Compare the two selected");
        compare.setId("runs-compare");
        compare.disableProperty().bind(Bindings.size(table.getSelectionModel().getSelectedItems()).isNotEqualTo(2));
        compare.setOnAction(e -> {
            List<TrainingRun> two = List.copyOf(table.getSelectionModel().getSelectedItems());
            if (two.size() == 2) vm.compare(two.get(0), two.get(1));
        });
        Button refresh = new Button("Refresh");
        refresh.getStyleClass().add(Styles.FLAT);
        refresh.setOnAction(e -> vm.refresh());
        HBox buttons = new HBox(8, watch, resume, cancel, compare, refresh);
        buttons.setAlignment(Pos.CENTER_LEFT);

        VBox top = new VBox(8, table, buttons);
        VBox.setVgrow(table, Priority.ALWAYS);
        top.setPadding(new Insets(0, 0, 8, 0));
        return top;
    }

    private Node details() {
        TextArea details = new TextArea();
        details.setId("runs-details");
        details.setEditable(false);
        details.setWrapText(true);
        details.getStyleClass().add("training-log");
        details.textProperty().bind(Bindings.createStringBinding(() -> {
            String d = vm.detailsProperty().get();
            if (d == null || d.isEmpty()) return "Select a run to see its settings, metrics, artifacts and log.";
            return d + (vm.selectedLog().isEmpty() ? "" : "\nLog (last lines)\n" + String.join("\n", vm.selectedLog()));
        }, vm.detailsProperty(), vm.selectedLog()));
        VBox box = new VBox(6, TrainingView.section("Details"), details);
        VBox.setVgrow(details, Priority.ALWAYS);
        box.setPadding(new Insets(8, 12, 0, 0));
        return box;
    }

    private Node compare() {
        ComboBox<String> metric = new ComboBox<>();
        metric.setId("runs-compare-metric");
        metric.getItems().setAll(RunsViewModel.COMPARABLE);
        metric.valueProperty().bindBidirectional(vm.compareMetricProperty());
        Label which = new Label();
        which.setWrapText(true);
        which.getStyleClass().add(Styles.TEXT_SMALL);
        which.textProperty().bind(Bindings.createStringBinding(() -> vm.compareAProperty().get() == null
                        ? "Select two runs in the table and press Compare."
                        : "Run " + vm.compareAProperty().get().id() + " vs run " + vm.compareBProperty().get().id(),
                vm.compareAProperty(), vm.compareBProperty()));
        NumberAxis x = new NumberAxis();
        x.setLabel("step");
        x.setForceZeroInRange(false);
        NumberAxis y = new NumberAxis();
        y.setForceZeroInRange(false);
        y.labelProperty().bind(vm.compareMetricProperty());
        compareChart = new LineChart<>(x, y);
        compareChart.setId("runs-compare-chart");
        compareChart.setAnimated(false);
        compareChart.setCreateSymbols(false);
        compareChart.setMinHeight(220);
        Runnable fill = () -> {
            XYChart.Series<Number, Number> a = series(vm.compareAProperty().get(), vm.curveA(), vm.compareMetricProperty().get());
            XYChart.Series<Number, Number> b = series(vm.compareBProperty().get(), vm.curveB(), vm.compareMetricProperty().get());
            compareChart.getData().setAll(List.of(a, b));
        };
        vm.curveA().addListener((ListChangeListener<MetricPoint>) c -> fill.run());
        vm.curveB().addListener((ListChangeListener<MetricPoint>) c -> fill.run());
        vm.compareMetricProperty().addListener((o, a, b) -> fill.run());
        fill.run();
        compareChart.visibleProperty().bind(vm.compareAProperty().isNotNull());
        compareChart.managedProperty().bind(compareChart.visibleProperty());
        HBox metricRow = new HBox(8, new Label("Metric"), metric);
        metricRow.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, TrainingView.section("Compare two runs"), which, metricRow, compareChart);
        VBox.setVgrow(compareChart, Priority.ALWAYS);
        box.setPadding(new Insets(8, 0, 0, 12));
        return box;
    }

    private static XYChart.Series<Number, Number> series(TrainingRun run, ObservableList<MetricPoint> points, String metric) {
        XYChart.Series<Number, Number> s = new XYChart.Series<>();
        s.setName(run == null ? "–" : "run " + run.id() + " · " + run.name());
        int stride = Math.max(1, points.size() / MetricChart.MAX_POINTS);
        int i = 0;
        for (MetricPoint p : points) {
            Double v = p.values().get(metric);
            if (v != null && !v.isNaN() && i++ % stride == 0) s.getData().add(new XYChart.Data<>(p.step(), v));
        }
        return s;
    }

    private static TableColumn<TrainingRun, String> column(String title, Function<TrainingRun, String> value, double width) {
        TableColumn<TrainingRun, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        // the figures keep their width; the name and the settings give way on a small screen
        if (!title.equals("Name") && !title.equals("Settings")) c.setMinWidth(width);
        return c;
    }
}
