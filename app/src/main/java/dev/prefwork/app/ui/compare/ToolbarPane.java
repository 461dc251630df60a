package dev.prefwork.app.ui.compare;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.layout.Pane;

/**
 * Two groups of tools: {@code left} at the left, {@code right} at the right on the same line when both fit, else the
 * right group on a second line (right-aligned). So the toolbar never makes the window wider than it is.
 */
final class ToolbarPane extends Pane {

    private final Node left;
    private final Node right;
    private final double vgap;

    ToolbarPane(Node left, Node right, double vgap) {
        this.left = left;
        this.right = right;
        this.vgap = vgap;
        getChildren().addAll(left, right);
        getStyleClass().add("toolbar-pane");
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    private boolean oneLine(double width) {
        double inner = width - snappedLeftInset() - snappedRightInset();
        return left.prefWidth(-1) + right.prefWidth(-1) + 16 <= inner;
    }

    @Override
    protected double computeMinWidth(double height) {
        return snappedLeftInset() + snappedRightInset() + Math.max(left.minWidth(-1), right.minWidth(-1));
    }

    @Override
    protected double computePrefWidth(double height) {
        return snappedLeftInset() + snappedRightInset() + left.prefWidth(-1) + right.prefWidth(-1) + 16;
    }

    @Override
    protected double computePrefHeight(double width) {
        double insets = snappedTopInset() + snappedBottomInset();
        double lh = left.prefHeight(-1);
        double rh = right.prefHeight(-1);
        if (width < 0 || oneLine(width)) return insets + Math.max(lh, rh);
        return insets + lh + vgap + rh;
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected void layoutChildren() {
        double x0 = snappedLeftInset();
        double y0 = snappedTopInset();
        double inner = getWidth() - x0 - snappedRightInset();
        double lw = Math.min(left.prefWidth(-1), inner);
        double rw = Math.min(right.prefWidth(-1), inner);
        double lh = left.prefHeight(-1);
        double rh = right.prefHeight(-1);
        if (oneLine(getWidth())) {
            double h = Math.max(lh, rh);
            left.resizeRelocate(x0, y0 + (h - lh) / 2, lw, lh);
            right.resizeRelocate(x0 + inner - rw, y0 + (h - rh) / 2, rw, rh);
        } else {
            left.resizeRelocate(x0, y0, lw, lh);
            right.resizeRelocate(x0 + inner - rw, y0 + lh + vgap, rw, rh);
        }
    }
}
