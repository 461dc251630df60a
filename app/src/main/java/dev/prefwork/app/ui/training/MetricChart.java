package dev.prefwork.app.ui.training;

import dev.prefwork.training.MetricPoint;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Tooltip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A line chart of some metrics of a run's points over the step, kept up to date as points arrive. Past
 * {@link #MAX_POINTS} a series keeps every second point (then every fourth …), so a long run stays quick to draw.
 */
final class MetricChart {

    static final int MAX_POINTS = 600;

    /** One line: a metric (by its TRL name) and its legend label. */
    record Line(String metric, String label) {
    }

    private final LineChart<Number, Number> chart;
    private final NumberAxis stepAxis;
    private int maxStep;
    private final Map<String, XYChart.Series<Number, Number>> series = new LinkedHashMap<>();
    private final Map<String, Integer> strides = new LinkedHashMap<>();
    private final Map<String, Integer> seen = new LinkedHashMap<>();

    MetricChart(String id, String title, String yLabel, List<Line> lines, ObservableList<MetricPoint> points) {
        this(id, title, yLabel, lines, points, Double.NaN, Double.NaN);
    }

    /** With {@code yMin}/{@code yMax} (not NaN) the value axis is fixed (accuracies: 0 to 1). */
    MetricChart(String id, String title, String yLabel, List<Line> lines, ObservableList<MetricPoint> points,
                double yMin, double yMax) {
        // steps are whole numbers: the step axis is ranged here, with a round tick unit
        NumberAxis x = new NumberAxis(0, 10, 1);
        x.setAutoRanging(false);
        x.setLabel("step");
        x.setMinorTickVisible(false);
        x.setTickLabelFormatter(new javafx.util.StringConverter<>() {
            @Override public String toString(Number n) { return String.format(java.util.Locale.ROOT, "%,d", n.longValue()); }
            @Override public Number fromString(String s) { return Long.parseLong(s.replace(",", "")); }
        });
        stepAxis = x;
        NumberAxis y = Double.isNaN(yMin) ? new NumberAxis() : new NumberAxis(yMin, yMax, (yMax - yMin) / 4);
        y.setLabel(yLabel);
        y.setForceZeroInRange(false);
        y.setMinorTickVisible(false);
        chart = new LineChart<>(x, y);
        chart.setId(id);
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(lines.size() > 1);
        chart.setMinHeight(210);
        chart.setPrefHeight(250);
        chart.getStyleClass().add("metric-chart");
        for (Line l : lines) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(l.label());
            series.put(l.metric(), s);
            chart.getData().add(s);
        }
        points.addListener((ListChangeListener<MetricPoint>) c -> {
            boolean reset = false;
            List<MetricPoint> added = new ArrayList<>();
            while (c.next()) {
                if (c.wasRemoved() || c.wasReplaced() || c.wasPermutated()) reset = true;
                if (c.wasAdded()) added.addAll(c.getAddedSubList());
            }
            if (reset) rebuild(points);
            else add(added);
        });
        rebuild(points);
    }

    LineChart<Number, Number> node() {
        return chart;
    }

    private void rebuild(List<MetricPoint> points) {
        for (var s : series.values()) s.getData().clear();
        maxStep = 0;
        rangeSteps();
        strides.clear();
        seen.clear();
        add(points);
    }

    private void add(List<MetricPoint> points) {
        Map<String, List<XYChart.Data<Number, Number>>> batch = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            maxStep = Math.max(maxStep, p.step());
            for (String metric : series.keySet()) {
                Double v = p.values().get(metric);
                if (v == null || v.isNaN() || v.isInfinite()) continue;
                int n = seen.merge(metric, 1, Integer::sum);
                if ((n - 1) % strides.getOrDefault(metric, 1) != 0) continue;
                batch.computeIfAbsent(metric, k -> new ArrayList<>()).add(new XYChart.Data<>(p.step(), v));
            }
        }
        batch.forEach((metric, data) -> {
            var s = series.get(metric);
            s.getData().addAll(data);
            if (s.getData().size() > MAX_POINTS) {
                List<XYChart.Data<Number, Number>> kept = new ArrayList<>();
                for (int i = 0; i < s.getData().size(); i += 2) kept.add(s.getData().get(i));
                s.getData().setAll(kept);
                strides.merge(metric, 2, (a, b) -> a * b);
            }
        });
        for (var s : series.values()) {
            if (s.getNode() != null) Tooltip.install(s.getNode(), new Tooltip(s.getName()));
        }
        rangeSteps();
    }

    /** 0 to the last step (at least 10), ticks at 1, 2 or 5 times a power of ten, about eight of them. */
    private void rangeSteps() {
        double upper = Math.max(10, maxStep);
        double raw = upper / 8;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double unit = raw <= magnitude ? magnitude : raw <= 2 * magnitude ? 2 * magnitude : raw <= 5 * magnitude ? 5 * magnitude : 10 * magnitude;
        unit = Math.max(1, unit);
        stepAxis.setLowerBound(0);
        stepAxis.setUpperBound(Math.ceil(upper / unit) * unit);
        stepAxis.setTickUnit(unit);
    }

    /** Points shown in all series (tests). */
    int pointCount() {
        return series.values().stream().mapToInt(s -> s.getData().size()).sum();
    }
}
