package dev.prefwork.app.ui.common;

import javafx.scene.text.Font;

/**
 * Sizes in em for the few places that take pixels (table column widths, popups): AtlantaFX sets the root font
 * to 14px where the platform default is 13px, so 1 em = 14/13 of the system font size (which follows the
 * desktop's scaling).
 */
public final class Em {

    private Em() {
    }

    /** The root font size in pixels. */
    public static double base() {
        return Font.getDefault().getSize() * 14.0 / 13.0;
    }

    public static double px(double em) {
        return Math.round(em * base());
    }
}
