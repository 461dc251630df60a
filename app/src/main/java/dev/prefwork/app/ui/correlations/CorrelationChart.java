package dev.prefwork.app.ui.correlations;

import dev.prefwork.labeling.service.LfCorrelationService.Cluster;
import dev.prefwork.labeling.service.LfCorrelationService.Report;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * One canvas: the LF names, one bar per LF of its r with the chosen measure, and the LF × LF heat map of r (blue −1,
 * white 0, red +1, with a legend), rows aligned (names and bars first, so they stay in view when the grid scrolls). Rows are ordered so the first cluster (LFs that
 * follow length) sits together, outlined. Hovering a cell or a bar shows its numbers.
 */
final class CorrelationChart extends Region {

    static final double CELL = 21;
    static final double TOP = 26;
    static final double BAR_WIDTH = 150;
    /** Room for a bar's value after the bars, before the grid. */
    static final double VALUE = 56;
    static final double LEGEND = 46;

    private final Canvas canvas = new Canvas();
    private final Label probe = new Label();
    private final Tooltip tip = new Tooltip();
    private final CorrelationsViewModel vm;
    private Report report;
    private int[] order = new int[0];
    private int[] highlight = new int[0];
    private double namesWidth;

    CorrelationChart(CorrelationsViewModel vm) {
        this.vm = vm;
        setId("corr-chart");
        probe.setManaged(false);
        probe.setVisible(false);
        getChildren().addAll(canvas, probe);
        tip.setShowDelay(Duration.millis(80));
        tip.setHideDelay(Duration.millis(50));
        Tooltip.install(canvas, tip);
        canvas.setOnMouseMoved(e -> {
            String t = hoverText(e.getX(), e.getY());
            tip.setText(t);
            if (t.isEmpty()) tip.hide();
        });
        canvas.setOnMouseExited(e -> tip.hide());
    }

    void show(Report r, Cluster selected) {
        this.report = r;
        boolean fits = selected != null && r != null && java.util.Arrays.stream(selected.lfs()).allMatch(i -> i < r.lfs().size());
        if (!fits) selected = null;
        this.highlight = selected == null ? new int[0] : selected.lfs();
        this.order = order(r, selected);
        Font font = Font.getDefault();
        double w = 60;
        if (r != null) {
            for (int i = 0; i < r.lfs().size(); i++) {
                Text t = new Text(label(i));
                t.setFont(Font.font(font.getFamily(), FontWeight.BOLD, font.getSize()));
                w = Math.max(w, t.getLayoutBounds().getWidth());
            }
        }
        namesWidth = Math.min(w + 12, 280);
        int m = order.length;
        double width = gridLeft() + m * CELL + 8;
        double height = TOP + m * CELL + LEGEND;
        canvas.setWidth(m == 0 ? 0 : width);
        canvas.setHeight(m == 0 ? 0 : height);
        requestLayout();
        draw();
    }

    /** Selected cluster first (contiguous), then the other clusters' members, then the rest, each in LF order. */
    static int[] order(Report r, Cluster selected) {
        if (r == null) return new int[0];
        Set<Integer> seen = new LinkedHashSet<>();
        if (selected != null) for (int i : selected.lfs()) seen.add(i);
        for (Cluster c : r.clusters()) for (int i : c.lfs()) seen.add(i);
        for (int i = 0; i < r.lfs().size(); i++) seen.add(i);
        return seen.stream().mapToInt(Integer::intValue).toArray();
    }

    private String label(int lf) {
        String name = report.lfs().get(lf).name();
        return (lf + 1) + "  " + (name.length() > 38 ? name.substring(0, 37) + "…" : name);
    }

    @Override
    protected double computePrefWidth(double height) {
        return canvas.getWidth();
    }

    @Override
    protected double computePrefHeight(double width) {
        return canvas.getHeight();
    }

    @Override
    protected double computeMinWidth(double height) {
        return canvas.getWidth();
    }

    @Override
    protected double computeMinHeight(double width) {
        return canvas.getHeight();
    }

    @Override
    protected void layoutChildren() {
        canvas.relocate(0, 0);
    }

    /** The tooltip text at a point of the canvas: a cell's r and overlap, a bar's r and share; "" elsewhere. */
    String hoverText(double x, double y) {
        if (report == null) return "";
        int row = (int) Math.floor((y - TOP) / CELL);
        if (y < TOP || row < 0 || row >= order.length) return "";
        double gridX = x - gridLeft();
        int col = (int) Math.floor(gridX / CELL);
        if (gridX >= 0 && col < order.length) return vm.cellText(order[row], order[col]);
        if (gridX < 0) return vm.barText(order[row]);
        return "";
    }

    /** Where the cell of LF i × LF j is (its centre), for tests. */
    double[] cellCentre(int i, int j) {
        int ri = -1, cj = -1;
        for (int k = 0; k < order.length; k++) {
            if (order[k] == i) ri = k;
            if (order[k] == j) cj = k;
        }
        return new double[]{gridLeft() + (cj + 0.5) * CELL, TOP + (ri + 0.5) * CELL};
    }

    private double barLeft() {
        return namesWidth + 6;
    }

    private double gridLeft() {
        return barLeft() + BAR_WIDTH + VALUE;
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        if (report == null || order.length == 0) return;
        Paint fg = probe.getTextFill() == null ? Color.gray(0.15) : probe.getTextFill();
        Font font = Font.getDefault();
        Font bold = Font.font(font.getFamily(), FontWeight.BOLD, font.getSize());
        Font small = Font.font(font.getFamily(), font.getSize() - 2);
        int m = order.length;
        Set<Integer> hi = new LinkedHashSet<>();
        for (int i : highlight) hi.add(i);
        double[][] r = report.matrix().r();

        // names (row labels) and column numbers
        g.setTextBaseline(VPos.CENTER);
        for (int k = 0; k < m; k++) {
            int lf = order[k];
            g.setFont(hi.contains(lf) ? bold : font);
            g.setFill(fg);
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(label(lf), namesWidth - 8, TOP + (k + 0.5) * CELL, namesWidth - 10);
            g.setFont(small);
            g.setTextAlign(TextAlignment.CENTER);
            g.fillText(Integer.toString(lf + 1), gridLeft() + (k + 0.5) * CELL, TOP / 2 + 2);
        }
        // cells
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                double v = r[order[a]][order[b]];
                g.setFill(Double.isNaN(v) ? Color.gray(0.8) : colour(v));
                g.fillRect(gridLeft() + b * CELL, TOP + a * CELL, CELL - 1, CELL - 1);
                if (!Double.isNaN(v) && Math.abs(v) >= 0.5 && a != b) {
                    g.setFill(Math.abs(v) > 0.75 ? Color.WHITE : Color.gray(0.1));
                    g.setFont(Font.font(font.getFamily(), font.getSize() - 4));
                    g.fillText(String.format(Locale.ROOT, "%.1f", v).replace("0.", "."), gridLeft() + (b + 0.5) * CELL, TOP + (a + 0.5) * CELL);
                }
            }
        }
        // outline of the selected cluster (its rows are the first ones)
        if (highlight.length > 1) {
            g.setStroke(Color.web("#d97706"));
            g.setLineWidth(2.5);
            g.strokeRect(gridLeft() - 1, TOP - 1, highlight.length * CELL + 1, highlight.length * CELL + 1);
        }
        // legend under the grid
        double ly = TOP + m * CELL + 12;
        double lw = Math.max(160, Math.min(m * CELL, 300));
        double lx = gridLeft();
        for (int x = 0; x < lw; x++) {
            g.setFill(colour(-1 + 2.0 * x / lw));
            g.fillRect(lx + x, ly, 1, 10);
        }
        g.setFill(fg);
        g.setFont(small);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("−1", lx, ly + 12);
        g.setTextAlign(TextAlignment.CENTER);
        g.fillText("0   r between two LFs' votes", lx + lw / 2, ly + 12);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText("+1", lx + lw, ly + 12);

        // bars: r with the measure
        double left = barLeft(), mid = left + BAR_WIDTH / 2;
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.CENTER);
        g.setFont(small);
        g.fillText("r with " + shortLabel(report.measure().label()), mid, TOP / 2 + 2);
        g.setStroke(Color.gray(0.6));
        g.setLineWidth(1);
        g.strokeLine(mid, TOP, mid, TOP + m * CELL);
        for (int k = 0; k < m; k++) {
            double v = report.lfs().get(order[k]).measureR();
            double y = TOP + k * CELL + 4;
            if (!Double.isNaN(v)) {
                double w = Math.abs(v) * BAR_WIDTH / 2;
                g.setFill(Math.abs(v) >= 0.3 ? Color.web("#d97706") : Color.web("#94a3b8"));
                g.fillRect(v >= 0 ? mid : mid - w, y, Math.max(1, w), CELL - 8);
            }
            g.setFill(fg);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.2f", v), left + BAR_WIDTH + 6, TOP + (k + 0.5) * CELL);
        }
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("−1", left, TOP + m * CELL + 4);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText("+1", left + BAR_WIDTH, TOP + m * CELL + 4);
        g.setTextAlign(TextAlignment.CENTER);
        g.fillText("orange: |r| ≥ 0.3", mid, TOP + m * CELL + 20);
        // grid columns are numbered like the names
        g.setTextAlign(TextAlignment.LEFT);
    }

    private static String shortLabel(String label) {
        return label.replace("response length", "length").replace(" (duplicate 3-grams)", "").replace("overlap with the prompt's words", "prompt overlap");
    }

    /** Diverging blue (−1) – white (0) – red (+1). */
    static Color colour(double v) {
        double t = Math.max(-1, Math.min(1, v));
        Color end = t < 0 ? Color.web("#2563eb") : Color.web("#dc2626");
        return Color.WHITE.interpolate(end, Math.abs(t));
    }
}
