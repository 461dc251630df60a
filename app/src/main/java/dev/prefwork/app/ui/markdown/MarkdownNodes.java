package dev.prefwork.app.ui.markdown;

import dev.prefwork.app.ui.common.Em;
import dev.prefwork.app.ui.markdown.MdDoc.Block;
import dev.prefwork.app.ui.markdown.MdDoc.Span;
import javafx.geometry.HPos;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.List;

/**
 * Turns {@link MdDoc} blocks into JavaFX nodes: text in {@link TextFlow}s (it wraps to the column's width and can be
 * selected by nothing but is cheap), code in a shaded box, lists as rows with a bullet, tables as a {@link GridPane}.
 * Every node carries a style class ({@code md-*}) so the look lives in the stylesheet. Call on the UI thread.
 */
public final class MarkdownNodes {

    /** Inline code at most this long becomes a shaded label; longer code spans are text (they must be able to wrap). */
    static final int SHORT_CODE = 28;

    private MarkdownNodes() {
    }

    public static Node block(Block b) {
        if (b instanceof MdDoc.Paragraph p) return flow(p.spans(), "md-paragraph");
        if (b instanceof MdDoc.Heading h) {
            TextFlow f = flow(h.spans(), "md-heading");
            f.getStyleClass().add("md-h" + Math.min(h.level(), 4));
            return f;
        }
        if (b instanceof MdDoc.Code c) return code(c);
        if (b instanceof MdDoc.ListBlock l) return list(l);
        if (b instanceof MdDoc.Quote q) {
            VBox box = new VBox();
            box.getStyleClass().add("md-quote");
            for (Block inner : q.blocks()) box.getChildren().add(block(inner));
            return box;
        }
        if (b instanceof MdDoc.Table t) return table(t);
        if (b instanceof MdDoc.Rule) {
            Region r = new Region();
            r.getStyleClass().add("md-rule");
            return r;
        }
        if (b instanceof MdDoc.Plain p) {
            Text t = new Text(p.text());
            t.getStyleClass().addAll("md-text", "md-plain-text");
            TextFlow f = new TextFlow(t);
            f.getStyleClass().add("md-plain");
            return f;
        }
        throw new IllegalArgumentException("unknown block " + b);
    }

    static TextFlow flow(List<Span> spans, String styleClass) {
        TextFlow f = new TextFlow();
        f.getStyleClass().add(styleClass);
        for (Span s : spans) f.getChildren().add(span(s));
        return f;
    }

    static Node span(Span s) {
        if (s.is(MdDoc.CODE) && s.text().length() <= SHORT_CODE && s.text().indexOf('\n') < 0) {
            Label l = new Label(s.text());
            l.getStyleClass().add("md-code-chip");
            l.setMinWidth(Region.USE_PREF_SIZE);
            return l;
        }
        Text t = new Text(s.text());
        t.getStyleClass().add("md-text");
        if (s.is(MdDoc.BOLD)) t.getStyleClass().add("md-b");
        if (s.is(MdDoc.ITALIC)) t.getStyleClass().add("md-i");
        if (s.is(MdDoc.CODE)) t.getStyleClass().add("md-code-text");
        if (s.is(MdDoc.LINK)) t.getStyleClass().add("md-link");
        if (s.is(MdDoc.STRIKE)) t.setStrikethrough(true);
        return t;
    }

    private static Node code(MdDoc.Code c) {
        Text t = new Text(c.text());
        t.getStyleClass().addAll("md-text", "md-code-text");
        TextFlow f = new TextFlow(t);
        f.getStyleClass().add("md-code");
        if (!c.first()) f.getStyleClass().add("md-code-cont-top");
        if (!c.last()) f.getStyleClass().add("md-code-cont-bottom");
        if (c.first() && !c.language().isEmpty()) {
            Label lang = new Label(c.language());
            lang.getStyleClass().add("md-code-lang");
            VBox box = new VBox(lang, f);
            box.getStyleClass().add("md-code-box");
            return box;
        }
        return f;
    }

    private static Node list(MdDoc.ListBlock l) {
        VBox box = new VBox();
        box.getStyleClass().add("md-list");
        int n = l.start();
        for (List<Block> item : l.items()) {
            Label bullet = new Label(l.ordered() ? (n++) + "." : "•");
            bullet.getStyleClass().add("md-bullet");
            bullet.setMinWidth(Region.USE_PREF_SIZE);
            VBox content = new VBox();
            content.getStyleClass().add("md-item");
            for (Block b : item) content.getChildren().add(block(b));
            HBox.setHgrow(content, Priority.ALWAYS);
            content.setMinWidth(0);
            HBox row = new HBox(bullet, content);
            row.setAlignment(Pos.TOP_LEFT);
            row.getStyleClass().add("md-list-row");
            box.getChildren().add(row);
        }
        return box;
    }

    private static Node table(MdDoc.Table t) {
        GridPane grid = new GridPane();
        grid.getStyleClass().add("md-table");
        int cols = t.header().size();
        for (List<List<Span>> r : t.rows()) cols = Math.max(cols, r.size());
        for (int c = 0; c < cols; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setHgrow(Priority.SOMETIMES);
            // a column is never narrower than its longest word (else "Days" stands letter by letter)
            cc.setMinWidth(Math.min(Em.px(9), Em.px(0.72 * longestWord(t, c) + 1.2)));
            cc.setFillWidth(true);
            MdDoc.Align a = c < t.align().size() ? t.align().get(c) : MdDoc.Align.NONE;
            cc.setHalignment(a == MdDoc.Align.RIGHT ? HPos.RIGHT : a == MdDoc.Align.CENTER ? HPos.CENTER : HPos.LEFT);
            grid.getColumnConstraints().add(cc);
        }
        for (int c = 0; c < t.header().size(); c++) grid.add(cell(t.header().get(c), "md-th", c, 0), c, 0);
        for (int r = 0; r < t.rows().size(); r++) {
            List<List<Span>> row = t.rows().get(r);
            for (int c = 0; c < row.size(); c++) grid.add(cell(row.get(c), "md-td", c, r + 1), c, r + 1);
        }
        return grid;
    }

    /** Characters of the longest word in column {@code col}. */
    static int longestWord(MdDoc.Table t, int col) {
        int max = 1;
        List<List<List<Span>>> all = new java.util.ArrayList<>(t.rows());
        all.add(t.header());
        for (List<List<Span>> row : all) {
            if (col >= row.size()) continue;
            for (Span s : row.get(col)) {
                for (String w : s.text().split("\\s+")) max = Math.max(max, w.length());
            }
        }
        return max;
    }

    private static Node cell(List<Span> spans, String styleClass, int col, int row) {
        TextFlow f = flow(spans, styleClass);
        if (col == 0) f.getStyleClass().add("md-first-col");
        if (row % 2 == 0 && row > 0) f.getStyleClass().add("md-even");
        f.setMaxWidth(Double.MAX_VALUE);
        f.setMaxHeight(Double.MAX_VALUE);
        GridPane.setFillWidth(f, true);
        GridPane.setFillHeight(f, true);
        return f;
    }
}
