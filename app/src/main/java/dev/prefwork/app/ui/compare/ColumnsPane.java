package dev.prefwork.app.ui.compare;

import dev.prefwork.app.ui.common.Em;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.layout.Pane;

import java.util.List;

/**
 * Lays the candidate cards out side by side: as many equal columns as fit at {@link #MIN_COLUMN_EM} em each (all of
 * them in one row at 1366 px and wider), else balanced rows (5 → 3 + 2, never 4 + 1) that scroll vertically. The
 * width always fits: there is never a horizontal scroll bar. In one row the cards take the full height given by
 * {@link #viewportHeightProperty()}; in several rows each row is at least {@link #MIN_ROW_EM} em high.
 */
public final class ColumnsPane extends Pane {

    /** Narrowest column: 14 em is 196 px at the default 14 px font, so five fit beside the navigation at 1366 px. */
    public static final double MIN_COLUMN_EM = 14;
    public static final double MIN_ROW_EM = 24;
    public static final double GAP_EM = 0.7;

    private final DoubleProperty viewportHeight = new SimpleDoubleProperty(this, "viewportHeight", 600);

    public ColumnsPane() {
        getStyleClass().add("columns-pane");
        viewportHeight.addListener((o, a, b) -> requestLayout());
    }

    /** The height of the area the pane is scrolled in. */
    public DoubleProperty viewportHeightProperty() {
        return viewportHeight;
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    private List<Node> cards() {
        return getManagedChildren();
    }

    private static double gap() {
        return Em.px(GAP_EM);
    }

    /** Columns for {@code n} cards in {@code width}: as many as fit, balanced over the rows needed. */
    public static int columns(int n, double width, double minColumn, double gap) {
        if (n <= 0) return 1;
        int fit = (int) Math.floor((width + gap) / (minColumn + gap));
        fit = Math.max(1, Math.min(n, fit));
        int rows = (n + fit - 1) / fit;
        return (n + rows - 1) / rows;
    }

    private int columnsFor(double width) {
        return columns(cards().size(), width - snappedLeftInset() - snappedRightInset(), Em.px(MIN_COLUMN_EM), gap());
    }

    private double rowHeight(int rows) {
        double vh = Math.max(0, viewportHeight.get() - snappedTopInset() - snappedBottomInset());
        if (rows <= 1) return vh;
        return Math.max(Em.px(MIN_ROW_EM), (vh - gap() * (rows - 1)) / rows);
    }

    @Override
    protected double computePrefHeight(double width) {
        int n = cards().size();
        if (n == 0) return viewportHeight.get();
        int cols = columnsFor(width < 0 ? getWidth() : width);
        int rows = (n + cols - 1) / cols;
        return snappedTopInset() + snappedBottomInset() + rows * rowHeight(rows) + (rows - 1) * gap();
    }

    @Override
    protected double computePrefWidth(double height) {
        return Em.px(MIN_COLUMN_EM) * Math.max(1, cards().size());
    }

    @Override
    protected double computeMinWidth(double height) {
        return Em.px(MIN_COLUMN_EM);
    }

    @Override
    protected void layoutChildren() {
        List<Node> cards = cards();
        int n = cards.size();
        if (n == 0) return;
        double left = snappedLeftInset();
        double top = snappedTopInset();
        double w = getWidth() - left - snappedRightInset();
        double g = gap();
        int cols = columnsFor(getWidth());
        int rows = (n + cols - 1) / cols;
        double colW = (w - g * (cols - 1)) / cols;
        double rowH = rowHeight(rows);
        for (int i = 0; i < n; i++) {
            int r = i / cols;
            int c = i % cols;
            double x = left + c * (colW + g);
            double y = top + r * (rowH + g);
            cards.get(i).resizeRelocate(snapPositionX(x), snapPositionY(y), snapSizeX(colW), snapSizeY(rowH));
        }
    }

    /** Columns in the current layout (tests). */
    public int columnCount() {
        return columnsFor(getWidth());
    }
}
