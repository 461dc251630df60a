package dev.prefwork.app.ui.markdown;

import dev.prefwork.app.ui.markdown.MdDoc.Block;
import javafx.animation.AnimationTimer;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Shows an {@link MdDoc}: the first {@link #FIRST_CHARS} characters of blocks at once, the rest a few blocks per
 * frame ({@link #FRAME_CHARS} characters over every pane), so a 50 KB response appears at once at the top and
 * completes in the following frames without freezing the window. Call on the UI thread.
 */
public final class MarkdownPane extends VBox {

    /** Rendered in the call itself: every ordinary response (a few KB) appears in one frame. */
    public static final int FIRST_CHARS = 8_000;
    /** Rendered per frame, over all panes, for the rest of long responses. */
    public static final int FRAME_CHARS = 6_000;

    private static final Set<MarkdownPane> PENDING = new LinkedHashSet<>();
    private static AnimationTimer timer;

    private MdDoc doc = MdDoc.EMPTY;
    private int next;

    public MarkdownPane() {
        getStyleClass().add("md-doc");
        setFillWidth(true);
    }

    /** Replaces what is shown by {@code doc}. */
    public void setDocument(MdDoc doc) {
        this.doc = doc == null ? MdDoc.EMPTY : doc;
        this.next = 0;
        getChildren().clear();
        append(FIRST_CHARS);
        if (isComplete()) PENDING.remove(this);
        else schedule(this);
    }

    public MdDoc document() {
        return doc;
    }

    /** True once every block is on screen. */
    public boolean isComplete() {
        return next >= doc.blocks().size();
    }

    /** Renders everything that is left now (tests, benchmarks). */
    public void completeNow() {
        append(Integer.MAX_VALUE);
        PENDING.remove(this);
    }

    /** Appends blocks until about {@code budget} characters were added; returns the characters added. */
    private int append(int budget) {
        List<Block> blocks = doc.blocks();
        List<javafx.scene.Node> nodes = new ArrayList<>();
        int used = 0;
        while (next < blocks.size() && (used < budget || nodes.isEmpty())) {
            Block b = blocks.get(next++);
            nodes.add(MarkdownNodes.block(b));
            used += Math.max(1, b.chars());
        }
        if (!nodes.isEmpty()) getChildren().addAll(nodes);
        return used;
    }

    private static void schedule(MarkdownPane pane) {
        PENDING.add(pane);
        if (timer == null) {
            timer = new AnimationTimer() {
                @Override
                public void handle(long now) {
                    step();
                }
            };
        }
        timer.start();
    }

    private static void step() {
        int budget = FRAME_CHARS;
        var it = PENDING.iterator();
        while (it.hasNext() && budget > 0) {
            MarkdownPane p = it.next();
            if (p.getScene() == null && p.isComplete()) {
                it.remove();
                continue;
            }
            budget -= p.append(budget);
            if (p.isComplete()) it.remove();
        }
        if (PENDING.isEmpty()) timer.stop();
    }

    /** Panes still rendering (tests wait for none). */
    public static int pendingPanes() {
        return PENDING.size();
    }
}
