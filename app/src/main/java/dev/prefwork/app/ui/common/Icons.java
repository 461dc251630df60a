package dev.prefwork.app.ui.common;

import javafx.scene.layout.Region;
import javafx.scene.shape.FillRule;
import javafx.scene.shape.SVGPath;

/**
 * The workbench's icons: SVG paths on a 24×24 grid, drawn as shaped {@link Region}s so they take their size
 * from the font (em, scales to 4K) and their colour from the theme (CSS {@code .icon}).
 */
public final class Icons {

    public static final String PROMPTS = "M4 5h2.5v2.5H4zM9 5h11v2.5H9zM4 10.75h2.5v2.5H4zM9 10.75h11v2.5H9zM4 16.5h2.5V19H4zM9 16.5h11V19H9z";
    public static final String COMPARE = "M3 4h8v16H3zM5 6v12h4V6zM13 4h8v16h-8zM15 6v12h4V6z";
    /** A wand with sparks: candidates conjured from a model. */
    public static final String GENERATE = "M3 19.6L13.6 9l1.4 1.4L4.4 21zM15 2.5l.9 2.1 2.1.9-2.1.9-.9 2.1-.9-2.1-2.1-.9 2.1-.9z"
            + "M19.5 8.5l.7 1.6 1.6.7-1.6.7-.7 1.6-.7-1.6-1.6-.7 1.6-.7zM8.5 3.5l.6 1.4 1.4.6-1.4.6-.6 1.4-.6-1.4-1.4-.6 1.4-.6z";
    public static final String LF_STUDIO = "M3 6h4v2H3zM10 6h11v2H10zM7 3.5h3v7H7zM3 16h11v2H3zM17 16h4v2h-4zM14 13.5h3v7h-3z";
    public static final String LABEL_MODEL = "M5 3.5h14v3.5h-2.2V5.7H9.2l5 6.3-5 6.3h7.6V17H19v3.5H5v-1.8L10.6 12 5 5.3z";
    public static final String RANKINGS = "M4 4h4.5v16H4zM10 9h4.5v11H10zM16 14h4.5v6H16z";
    public static final String EXPORT = "M4 14h2v4h12v-4h2v6H4zM11 16h2V6.8l3.1 3.1 1.4-1.4L12 3 6.5 8.5l1.4 1.4L11 6.8z";
    public static final String TRAINING = "M13.5 2L4 14h6.5L9.5 22 20 9.5h-6.5z";
    /** Two bars, the second taller: before and after. */
    public static final String BEFORE_AFTER = "M3 20h18v2H3zM5 11h5v8H5zM14 4h5v15h-5z";
    public static final String RUNS = "M12 2a10 10 0 1 0 .01 0zM12 4a8 8 0 1 1-.01 0zM11 7h2v5.4l3.6 2.2-1 1.7L11 13.5z";
    public static final String SEARCH = "M10 3a7 7 0 1 0 .01 0zM10 5a5 5 0 1 1-.01 0zM14.6 16.1l1.5-1.5 5.2 5.2-1.5 1.5z";
    public static final String IMPORT = "M4 14h2v4h12v-4h2v6H4zM11 3h2v9.2l3.1-3.1 1.4 1.4L12 16l-5.5-5.5 1.4-1.4L11 12.2z";
    public static final String SUN = "M12 7a5 5 0 1 0 .01 0zM11 1h2v3.5h-2zM11 19.5h2V23h-2zM1 11h3.5v2H1zM19.5 11H23v2h-3.5z"
            + "M4.2 5.6l1.4-1.4 2.5 2.5-1.4 1.4zM16 17.3l1.4-1.4 2.5 2.5-1.4 1.4zM4.2 18.4l2.5-2.5 1.4 1.4-2.5 2.5zM15.9 6.7l2.5-2.5 1.4 1.4-2.5 2.5z";
    public static final String MOON = "M14.5 2.5a9.5 9.5 0 1 0 7 15.6A8 8 0 0 1 14.5 2.5z";
    public static final String INFO = "M12 2a10 10 0 1 0 .01 0zM12 4a8 8 0 1 1-.01 0zM11 10h2v7h-2zM11 6.8h2v2h-2z";
    public static final String FOLDER = "M2.5 4.5h7.5l2 2.2h9.5v12.8h-19zM4.5 9v8.5h15V9z";
    public static final String CHECK = "M9 16.2L4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z";
    public static final String CLOSE = "M6.4 5l5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z";
    public static final String TASKS = "M4 5.5h16v2H4zM4 11h16v2H4zM4 16.5h10v2H4z";
    public static final String PLUS = "M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z";
    public static final String STACK = "M12 2.5l9.5 5-9.5 5-9.5-5zM4.3 11.4L12 15.5l7.7-4.1 1.8 1-9.5 5-9.5-5zM4.3 15.9L12 20l7.7-4.1 1.8 1-9.5 5-9.5-5z";
    public static final String SPARK = "M12 2l2.2 6.8L21 11l-6.8 2.2L12 20l-2.2-6.8L3 11l6.8-2.2z";

    public static final String STAR = "M12 2.5l2.9 6.1 6.6.8-4.9 4.5 1.3 6.6L12 17.2l-5.9 3.3 1.3-6.6-4.9-4.5 6.6-.8z";
    public static final String ARROW_DOWN = square("M11 4h2v12.2l4.6-4.6 1.4 1.4L12 20l-7-7 1.4-1.4 4.6 4.6z");
    public static final String EYE = square("M12 5C7 5 3 8.5 1.5 12 3 15.5 7 19 12 19s9-3.5 10.5-7C21 8.5 17 5 12 5zM12 8a4 4 0 1 0 .01 0zM12 10a2 2 0 1 1-.01 0z");
    public static final String UNDO = square("M7.8 8H15a6 6 0 0 1 0 12h-4v-2h4a4 4 0 0 0 0-8H7.8l3 3-1.4 1.4L4 9l5.4-5.4 1.4 1.4z");
    public static final String KEYBOARD = square("M2 6h20v12H2zM4 8v8h16V8zM5.5 9.5h2v2h-2zM8.5 9.5h2v2h-2zM11.5 9.5h2v2h-2zM14.5 9.5h2v2h-2zM17 9.5h1.5v2H17zM7 13h10v1.6H7z");
    public static final String LINK = square("M7 7h4v2H7a3 3 0 0 0 0 6h4v2H7A5 5 0 0 1 7 7zM13 7h4a5 5 0 0 1 0 10h-4v-2h4a3 3 0 0 0 0-6h-4zM8 11h8v2H8z");
    public static final String CODE = square("M8.6 6.6L3.2 12l5.4 5.4 1.4-1.4-4-4 4-4zM15.4 6.6l-1.4 1.4 4 4-4 4 1.4 1.4 5.4-5.4z");
    public static final String CHEVRON_LEFT = square("M15.4 5.4L9 12l6.4 6.6-1.4 1.4L6.2 12 14 4z");
    public static final String CHEVRON_RIGHT = square("M8.6 5.4L15 12l-6.4 6.6 1.4 1.4 7.8-8L10 4z");
    public static final String NOTE = square("M5 3h10l4 4v14H5zM7 5v14h10V8h-3V5zM8 11h8v1.5H8zM8 14h8v1.5H8z");
    public static final String MORE = square("M5 10.5h3v3H5zM10.5 10.5h3v3h-3zM16 10.5h3v3h-3z");

    /** A path whose bounds are the whole 24×24 grid (two specks in the corners), so a narrow glyph is not stretched square. */
    private static String square(String path) {
        return path + "M0 0h.02v.02H0zM23.98 23.98h.02v.02h-.02z";
    }

    private Icons() {
    }

    /** An icon region, style class {@code icon}; add {@code icon-lg} etc. for other sizes. */
    public static Region of(String path, String... styleClasses) {
        SVGPath shape = new SVGPath();
        shape.setContent(path);
        shape.setFillRule(FillRule.EVEN_ODD);
        Region r = new Region();
        r.setShape(shape);
        r.setScaleShape(true);
        r.getStyleClass().add("icon");
        r.getStyleClass().addAll(styleClasses);
        r.setMouseTransparent(true);
        return r;
    }
}
