package dev.prefwork.app.ui.markdown;

import java.util.List;

/**
 * A response's markdown as a small immutable block tree, parsed off the UI thread ({@link Markdown#parse}) and turned
 * into JavaFX nodes on it ({@link MarkdownNodes}). No JavaFX types here, so view models may hold it.
 *
 * <p>Big blocks are split when parsed (a long paragraph at sentence ends, a long code block every
 * {@link Markdown#CODE_CHUNK_LINES} lines) so that the view can add a 50 KB response a few blocks per frame.
 *
 * @param chars characters of text in the blocks (what the view budgets per frame)
 */
public record MdDoc(List<Block> blocks, int chars) {

    public static final MdDoc EMPTY = new MdDoc(List.of(), 0);

    /** Inline styles, OR-ed. */
    public static final int BOLD = 1, ITALIC = 2, CODE = 4, LINK = 8, STRIKE = 16;

    /** A run of text in one style; {@code link} is the destination of a link (or an image's source). */
    public record Span(String text, int style, String link) {
        public boolean is(int flag) {
            return (style & flag) != 0;
        }
    }

    public sealed interface Block {
        /** Characters of text, for the render budget. */
        int chars();
    }

    public record Heading(int level, List<Span> spans) implements Block {
        @Override public int chars() { return length(spans); }
    }

    public record Paragraph(List<Span> spans) implements Block {
        @Override public int chars() { return length(spans); }
    }

    /**
     * Fenced or indented code; {@code first}/{@code last} say whether this is the start or the end of a code block
     * that was split into chunks (the chunks join into one box).
     */
    public record Code(String language, String text, boolean first, boolean last) implements Block {
        @Override public int chars() { return text.length(); }
    }

    /** A bullet or numbered list; each item is a list of blocks. */
    public record ListBlock(boolean ordered, int start, List<List<Block>> items) implements Block {
        @Override public int chars() { return items.stream().flatMap(List::stream).mapToInt(Block::chars).sum(); }
    }

    public record Quote(List<Block> blocks) implements Block {
        @Override public int chars() { return blocks.stream().mapToInt(Block::chars).sum(); }
    }

    public enum Align { LEFT, CENTER, RIGHT, NONE }

    /** A GFM table: the header row, then the body rows; each cell is a list of spans. */
    public record Table(List<Align> align, List<List<Span>> header, List<List<List<Span>>> rows) implements Block {
        @Override public int chars() {
            int n = header.stream().mapToInt(MdDoc::length).sum();
            for (List<List<Span>> r : rows) n += r.stream().mapToInt(MdDoc::length).sum();
            return n;
        }
    }

    public record Rule() implements Block {
        @Override public int chars() { return 1; }
    }

    /** Text shown as it is (raw mode, HTML blocks): line breaks kept, no markup. */
    public record Plain(String text) implements Block {
        @Override public int chars() { return text.length(); }
    }

    static int length(List<Span> spans) {
        int n = 0;
        for (Span s : spans) n += s.text().length();
        return n;
    }
}
