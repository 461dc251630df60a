package dev.prefwork.app.ui.markdown;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.shape.Path;
import javafx.scene.text.HitInfo;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * Mouse selection of text in a {@link MarkdownPane} — drag across words (the selection snaps to whole words),
 * double-click one — within one paragraph,
 * list item, table cell or code block (one {@link TextFlow}), which is what "make an LF from this phrase" needs.
 * The rendered nodes are not text controls, so the selection is drawn here: a highlight from the flow's own
 * {@link TextFlow#rangeShape} behind nothing, unmanaged, so the text layout does not change.
 */
public final class TextSelection {

    /** What a non-text child (an inline code chip) occupies in a TextFlow's character positions. */
    private static final char EMBEDDED = '\uFFFC';

    private final ReadOnlyStringWrapper selected = new ReadOnlyStringWrapper(this, "selected", "");
    private final Path highlight = new Path();
    private TextFlow flow;
    private int anchor;
    private int caret;

    public TextSelection(MarkdownPane pane) {
        highlight.getStyleClass().add("md-selection");
        highlight.setManaged(false);
        highlight.setMouseTransparent(true);
        pane.addEventFilter(MouseEvent.MOUSE_PRESSED, e -> {
            if (e.getButton() != MouseButton.PRIMARY) return;
            TextFlow f = flowAt(e.getPickResult().getIntersectedNode());
            if (e.getClickCount() == 2 && f != null && f == flow) {
                selectWord(index(f, e));
                return;
            }
            clear();
            if (f == null) return;
            flow = f;
            anchor = caret = index(f, e);
        });
        pane.addEventFilter(MouseEvent.MOUSE_DRAGGED, e -> {
            if (flow == null || e.getButton() != MouseButton.PRIMARY) return;
            caret = index(flow, e);
            update();
        });
    }

    /** The selected text ("" when nothing is selected). */
    public ReadOnlyStringProperty selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public String selected() {
        return selected.get();
    }

    /** Selects {@code [start, end)} of {@code flow}'s characters (tests; keyboard-free callers). */
    public void select(TextFlow flow, int start, int end) {
        clear();
        this.flow = flow;
        anchor = start;
        caret = end;
        update();
    }

    public void clear() {
        if (highlight.getParent() instanceof TextFlow f) f.getChildren().remove(highlight);
        highlight.getElements().clear();
        flow = null;
        selected.set("");
    }

    private void selectWord(int at) {
        String text = layoutText(flow);
        int s = Math.min(at, text.length());
        int e = s;
        while (s > 0 && isWordChar(text.charAt(s - 1))) s--;
        while (e < text.length() && isWordChar(text.charAt(e))) e++;
        anchor = s;
        caret = e;
        update();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '\'' || c == '-' || c == '_';
    }

    private void update() {
        int s = Math.min(anchor, caret);
        int e = Math.max(anchor, caret);
        if (flow != null && s < e) {
            // whole words: a phrase for a keyword LF, not "ou can carry over u" from an imprecise drag
            String text = layoutText(flow);
            e = Math.min(e, text.length());
            while (s > 0 && s < text.length() && isWordChar(text.charAt(s - 1)) && isWordChar(text.charAt(s))) s--;
            while (e > 0 && e < text.length() && isWordChar(text.charAt(e - 1)) && isWordChar(text.charAt(e))) e++;
        }
        if (flow == null || s == e) {
            highlight.getElements().clear();
            selected.set("");
            return;
        }
        highlight.getElements().setAll(flow.rangeShape(s, e));
        if (highlight.getParent() != flow) {
            if (highlight.getParent() instanceof TextFlow old) old.getChildren().remove(highlight);
            flow.getChildren().add(0, highlight); // first: drawn beneath the text
        }
        selected.set(text(flow, s, e).strip());
    }

    private static int index(TextFlow f, MouseEvent e) {
        Point2D p = f.sceneToLocal(e.getSceneX(), e.getSceneY());
        HitInfo hit = f.hitTest(p);
        return Math.max(0, Math.min(hit.getInsertionIndex(), layoutText(f).length()));
    }

    private static TextFlow flowAt(Node n) {
        for (Node x = n; x != null; x = x.getParent()) {
            if (x instanceof TextFlow f) return f;
            if (x instanceof MarkdownPane) return null;
        }
        return null;
    }

    /** The flow's characters as its layout counts them: each Text's text, one character per other managed node. */
    private static String layoutText(TextFlow f) {
        StringBuilder sb = new StringBuilder();
        for (Node n : f.getChildren()) {
            if (!n.isManaged()) continue;
            if (n instanceof Text t) sb.append(t.getText());
            else sb.append(EMBEDDED);
        }
        return sb.toString();
    }

    /** The text of {@code [start, end)}, an inline chip standing for its own label's text. */
    static String text(TextFlow f, int start, int end) {
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        for (Node n : f.getChildren()) {
            if (!n.isManaged()) continue;
            if (n instanceof Text t) {
                String s = t.getText();
                int a = Math.max(start, pos);
                int b = Math.min(end, pos + s.length());
                if (a < b) sb.append(s, a - pos, b - pos);
                pos += s.length();
            } else {
                if (pos >= start && pos < end && n instanceof Labeled l) sb.append(l.getText());
                pos++;
            }
        }
        return sb.toString();
    }
}
