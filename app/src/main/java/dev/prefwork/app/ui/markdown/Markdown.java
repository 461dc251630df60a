package dev.prefwork.app.ui.markdown;

import dev.prefwork.app.ui.markdown.MdDoc.Align;
import dev.prefwork.app.ui.markdown.MdDoc.Block;
import dev.prefwork.app.ui.markdown.MdDoc.Span;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a response's markdown (CommonMark with GFM tables) into an {@link MdDoc}. Thread-safe and free of JavaFX:
 * the Compare step parses in the background, with the prompt's data. Anything the parser cannot place (HTML)
 * is kept as plain text, so nothing the model wrote is hidden from the expert.
 */
public final class Markdown {

    /** A code block is cut into chunks of this many lines (one chunk is laid out per step when a long response renders). */
    public static final int CODE_CHUNK_LINES = 60;
    /** A paragraph longer than this is cut at a sentence end (or at a space) into several. */
    public static final int PARAGRAPH_CHUNK_CHARS = 2_500;
    /** Raw text is cut into blocks of about this many characters, at line ends. */
    public static final int RAW_CHUNK_CHARS = 3_000;

    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    private Markdown() {
    }

    public static MdDoc parse(String markdown) {
        if (markdown == null || markdown.isEmpty()) return MdDoc.EMPTY;
        Node doc = PARSER.parse(markdown);
        List<Block> blocks = blocks(doc);
        return new MdDoc(List.copyOf(blocks), blocks.stream().mapToInt(Block::chars).sum());
    }

    /** The text as it is, in blocks of about {@link #RAW_CHUNK_CHARS} characters cut at line ends. */
    public static MdDoc raw(String text) {
        if (text == null || text.isEmpty()) return MdDoc.EMPTY;
        List<Block> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + RAW_CHUNK_CHARS);
            if (end < text.length()) {
                int nl = text.lastIndexOf('\n', end);
                if (nl > start) end = nl + 1;
            }
            out.add(new MdDoc.Plain(stripFinalNewline(text.substring(start, end))));
            start = end;
        }
        return new MdDoc(List.copyOf(out), text.length());
    }

    private static String stripFinalNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static List<Block> blocks(Node parent) {
        List<Block> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) block(n, out);
        return out;
    }

    private static void block(Node n, List<Block> out) {
        if (n instanceof Paragraph) {
            paragraph(inlines(n), out);
        } else if (n instanceof Heading h) {
            out.add(new MdDoc.Heading(h.getLevel(), inlines(n)));
        } else if (n instanceof FencedCodeBlock f) {
            code(f.getInfo() == null ? "" : f.getInfo().strip(), f.getLiteral(), out);
        } else if (n instanceof IndentedCodeBlock c) {
            code("", c.getLiteral(), out);
        } else if (n instanceof BulletList) {
            out.add(new MdDoc.ListBlock(false, 1, items(n)));
        } else if (n instanceof OrderedList o) {
            Integer start = o.getMarkerStartNumber();
            out.add(new MdDoc.ListBlock(true, start == null ? 1 : start, items(n)));
        } else if (n instanceof BlockQuote) {
            out.add(new MdDoc.Quote(List.copyOf(blocks(n))));
        } else if (n instanceof ThematicBreak) {
            out.add(new MdDoc.Rule());
        } else if (n instanceof HtmlBlock h) {
            out.add(new MdDoc.Plain(stripFinalNewline(h.getLiteral())));
        } else if (n instanceof TableBlock) {
            out.add(table(n));
        } else {
            // anything else (a future node type): its text, so nothing is lost
            List<Span> spans = inlines(n);
            if (!spans.isEmpty()) out.add(new MdDoc.Paragraph(spans));
            else out.addAll(blocks(n));
        }
    }

    private static List<List<Block>> items(Node list) {
        List<List<Block>> items = new ArrayList<>();
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (item instanceof ListItem) items.add(List.copyOf(blocks(item)));
        }
        return List.copyOf(items);
    }

    private static void code(String language, String literal, List<Block> out) {
        String text = stripFinalNewline(literal == null ? "" : literal);
        String[] lines = text.split("\n", -1);
        if (lines.length <= CODE_CHUNK_LINES) {
            out.add(new MdDoc.Code(language, text, true, true));
            return;
        }
        for (int i = 0; i < lines.length; i += CODE_CHUNK_LINES) {
            int end = Math.min(lines.length, i + CODE_CHUNK_LINES);
            out.add(new MdDoc.Code(language, String.join("\n", java.util.Arrays.asList(lines).subList(i, end)), i == 0, end == lines.length));
        }
    }

    /** Adds a paragraph, cut into several when it is very long (at a sentence end, else a space, else anywhere). */
    private static void paragraph(List<Span> spans, List<Block> out) {
        if (MdDoc.length(spans) <= PARAGRAPH_CHUNK_CHARS) {
            out.add(new MdDoc.Paragraph(spans));
            return;
        }
        List<Span> current = new ArrayList<>();
        int size = 0;
        for (Span s : spans) {
            String text = s.text();
            while (size + text.length() > PARAGRAPH_CHUNK_CHARS) {
                int room = PARAGRAPH_CHUNK_CHARS - size;
                int cut = cutPoint(text, room);
                current.add(new Span(text.substring(0, cut), s.style(), s.link()));
                out.add(new MdDoc.Paragraph(List.copyOf(current)));
                current.clear();
                size = 0;
                text = text.substring(cut).stripLeading();
            }
            if (!text.isEmpty()) {
                current.add(new Span(text, s.style(), s.link()));
                size += text.length();
            }
        }
        if (!current.isEmpty()) out.add(new MdDoc.Paragraph(List.copyOf(current)));
    }

    private static int cutPoint(String text, int room) {
        int limit = Math.max(1, Math.min(room, text.length()));
        for (int i = limit - 1; i > limit / 2; i--) {
            char c = text.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && i + 1 < text.length() && text.charAt(i + 1) == ' ') return i + 1;
        }
        int space = text.lastIndexOf(' ', limit);
        return space > limit / 4 ? space + 1 : limit;
    }

    private static MdDoc.Table table(Node table) {
        List<Align> align = new ArrayList<>();
        List<List<Span>> header = new ArrayList<>();
        List<List<List<Span>>> rows = new ArrayList<>();
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                if (!(row instanceof TableRow)) continue;
                List<List<Span>> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (!(cell instanceof TableCell tc)) continue;
                    cells.add(inlines(cell));
                    if (section instanceof TableHead) align.add(align(tc.getAlignment()));
                }
                if (section instanceof TableHead && header.isEmpty()) header.addAll(cells);
                else if (section instanceof TableBody || section instanceof TableHead) rows.add(List.copyOf(cells));
            }
        }
        return new MdDoc.Table(List.copyOf(align), List.copyOf(header), List.copyOf(rows));
    }

    private static Align align(TableCell.Alignment a) {
        if (a == null) return Align.NONE;
        return switch (a) {
            case LEFT -> Align.LEFT;
            case CENTER -> Align.CENTER;
            case RIGHT -> Align.RIGHT;
        };
    }

    // ---- inlines ----------------------------------------------------------------------------------------------

    private static List<Span> inlines(Node parent) {
        List<Span> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) inline(n, 0, null, out);
        return merge(out);
    }

    private static void inline(Node n, int style, String link, List<Span> out) {
        if (n instanceof Text t) {
            out.add(new Span(t.getLiteral(), style, link));
        } else if (n instanceof Code c) {
            out.add(new Span(c.getLiteral(), style | MdDoc.CODE, link));
        } else if (n instanceof SoftLineBreak) {
            out.add(new Span(" ", style, link));
        } else if (n instanceof HardLineBreak) {
            out.add(new Span("\n", style, link));
        } else if (n instanceof Emphasis) {
            children(n, style | MdDoc.ITALIC, link, out);
        } else if (n instanceof StrongEmphasis) {
            children(n, style | MdDoc.BOLD, link, out);
        } else if (n instanceof Link l) {
            children(n, style | MdDoc.LINK, l.getDestination(), out);
        } else if (n instanceof Image i) {
            List<Span> alt = new ArrayList<>();
            children(n, 0, null, alt);
            String text = alt.stream().map(Span::text).reduce("", String::concat);
            out.add(new Span("[image: " + (text.isBlank() ? i.getDestination() : text) + "]", style | MdDoc.ITALIC, i.getDestination()));
        } else if (n instanceof HtmlInline h) {
            out.add(new Span(h.getLiteral(), style | MdDoc.CODE, link));
        } else if (n.getClass().getSimpleName().equals("Strikethrough")) {
            children(n, style | MdDoc.STRIKE, link, out);
        } else {
            children(n, style, link, out);
        }
    }

    private static void children(Node parent, int style, String link, List<Span> out) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) inline(n, style, link, out);
    }

    /** Joins neighbouring spans of the same style (fewer text nodes to lay out). */
    private static List<Span> merge(List<Span> spans) {
        List<Span> out = new ArrayList<>(spans.size());
        for (Span s : spans) {
            if (s.text().isEmpty()) continue;
            if (!out.isEmpty()) {
                Span last = out.get(out.size() - 1);
                if (last.style() == s.style() && java.util.Objects.equals(last.link(), s.link())) {
                    out.set(out.size() - 1, new Span(last.text() + s.text(), s.style(), s.link()));
                    continue;
                }
            }
            out.add(s);
        }
        return List.copyOf(out);
    }
}
