package dev.prefwork.app.ui.markdown;

import dev.prefwork.app.ui.markdown.MdDoc.Block;
import dev.prefwork.app.ui.markdown.MdDoc.Span;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTest {

    @Test
    void headingsParagraphsInlineStylesListsCodeTablesQuotesAndRules() {
        MdDoc doc = Markdown.parse("""
                # Title

                Some **bold**, *italic*, `code` and a [link](https://example.org) \\
                on two lines.

                - one
                - two with **bold**

                3. three
                4. four

                ```sql
                SELECT 1;
                ```

                | Name | Days |
                |:-----|-----:|
                | Carried over | 5 |

                > quoted

                ---
                <div>raw html</div>
                """);
        List<Block> b = doc.blocks();
        assertThat(b.get(0)).isEqualTo(new MdDoc.Heading(1, List.of(new Span("Title", 0, null))));
        MdDoc.Paragraph p = (MdDoc.Paragraph) b.get(1);
        assertThat(p.spans()).extracting(Span::text)
                .containsExactly("Some ", "bold", ", ", "italic", ", ", "code", " and a ", "link", " \non two lines.");
        assertThat(p.spans().get(1).is(MdDoc.BOLD)).isTrue();
        assertThat(p.spans().get(3).is(MdDoc.ITALIC)).isTrue();
        assertThat(p.spans().get(5).is(MdDoc.CODE)).isTrue();
        assertThat(p.spans().get(7).link()).isEqualTo("https://example.org");
        MdDoc.ListBlock bullets = (MdDoc.ListBlock) b.get(2);
        assertThat(bullets.ordered()).isFalse();
        assertThat(bullets.items()).hasSize(2);
        MdDoc.ListBlock numbers = (MdDoc.ListBlock) b.get(3);
        assertThat(numbers.ordered()).isTrue();
        assertThat(numbers.start()).isEqualTo(3);
        assertThat(b.get(4)).isEqualTo(new MdDoc.Code("sql", "SELECT 1;", true, true));
        MdDoc.Table t = (MdDoc.Table) b.get(5);
        assertThat(t.align()).containsExactly(MdDoc.Align.LEFT, MdDoc.Align.RIGHT);
        assertThat(t.header()).hasSize(2);
        assertThat(t.rows()).singleElement().satisfies(r -> assertThat(r.get(1)).extracting(Span::text).containsExactly("5"));
        assertThat(MarkdownNodes.longestWord(t, 0)).isEqualTo("Carried".length());
        assertThat(b.get(6)).isInstanceOf(MdDoc.Quote.class);
        assertThat(b.get(7)).isInstanceOf(MdDoc.Rule.class);
        assertThat(b.get(8)).isEqualTo(new MdDoc.Plain("<div>raw html</div>"));
        assertThat(doc.chars()).isEqualTo(b.stream().mapToInt(Block::chars).sum());
    }

    @Test
    void longParagraphsAndCodeBlocksAreCutSoTheyRenderInSteps() {
        String sentence = "This sentence is about twenty words long and it ends with a full stop like most do. ";
        MdDoc doc = Markdown.parse(sentence.repeat(200) + "\n\n```\n" + "line\n".repeat(150) + "```\n");
        List<Block> paragraphs = doc.blocks().stream().filter(b -> b instanceof MdDoc.Paragraph).toList();
        assertThat(paragraphs.size()).isGreaterThan(5);
        assertThat(paragraphs).allSatisfy(b -> assertThat(b.chars()).isLessThanOrEqualTo(Markdown.PARAGRAPH_CHUNK_CHARS));
        String joined = String.join(" ", paragraphs.stream().map(b -> ((MdDoc.Paragraph) b).spans().get(0).text().strip()).toList());
        assertThat(joined).isEqualTo((sentence.repeat(200)).strip());
        List<MdDoc.Code> code = doc.blocks().stream().filter(b -> b instanceof MdDoc.Code).map(b -> (MdDoc.Code) b).toList();
        assertThat(code).hasSize(3);
        assertThat(code.get(0).first()).isTrue();
        assertThat(code.get(0).last()).isFalse();
        assertThat(code.get(2).last()).isTrue();
        assertThat(String.join("\n", code.stream().map(MdDoc.Code::text).toList())).isEqualTo("line\n".repeat(150).strip());
    }

    @Test
    void rawTextKeepsEveryCharacterInChunksCutAtLineEnds() {
        String text = "**not bold**\n".repeat(1000);
        MdDoc raw = Markdown.raw(text);
        assertThat(raw.blocks().size()).isGreaterThan(3);
        StringBuilder back = new StringBuilder();
        for (Block b : raw.blocks()) back.append(((MdDoc.Plain) b).text()).append('\n');
        assertThat(back.toString()).isEqualTo(text);
        assertThat(Markdown.parse("")).isEqualTo(MdDoc.EMPTY);
        assertThat(Markdown.raw(null)).isEqualTo(MdDoc.EMPTY);
    }

    @Test
    void fiftyKilobytesParseQuickly() {
        StringBuilder big = new StringBuilder();
        while (big.length() < 50_000) big.append("## Part\n\nText with **bold** and `code`.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n");
        Markdown.parse(big.toString()); // warm up
        long t0 = System.nanoTime();
        MdDoc doc = Markdown.parse(big.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(doc.blocks().size()).isGreaterThan(500);
        assertThat(ms).as("parsing 50 KB (off the UI thread), ms").isLessThan(2_000);
    }
}
