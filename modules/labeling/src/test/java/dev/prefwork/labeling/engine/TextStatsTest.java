package dev.prefwork.labeling.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TextStatsTest {

    @Test
    void countsWordsAcrossScriptsApostrophesAndEmptyText() {
        assertThat(TextStats.words("")).isZero();
        assertThat(TextStats.words("  \n\t ")).isZero();
        assertThat(TextStats.words("Don't stop — it's fine.")).isEqualTo(4);
        assertThat(TextStats.words("Don’t  stop")).isEqualTo(2);
        assertThat(TextStats.words("Größe ändern, naïve café")).isEqualTo(4);
        assertThat(TextStats.words("東京 Москва 🚚 42")).isEqualTo(3);
        assertThat(TextStats.words("two-day e.g. 4.2")).isEqualTo(6);
    }

    @Test
    void countsCharactersAsCodePoints() {
        assertThat(TextStats.chars("🚚ab")).isEqualTo(3);
        assertThat("🚚ab".length()).isEqualTo(4);
    }

    @Test
    void lowercasesWithOffsetsPreserved() {
        String s = "İSTANBUL Don’t ÄÖ";
        String l = TextStats.lower(s);
        assertThat(l).hasSameSizeAs(s);
        assertThat(l).isEqualTo("istanbul don't äö");
        String same = "already lower";
        assertThat(TextStats.lower(same)).isSameAs(same);
    }

    @Test
    void fleschReadingEaseHasKnownValues() {
        // 6 words, 1 sentence, 6 syllables: 206.835 - 1.015*6 - 84.6*1
        assertThat(TextStats.flesch("The cat sat on the mat.")).isCloseTo(116.145, within(1e-9));
        // 2 sentences of 3 words; syllables: the(1) cat(1) sat(1) it(1) was(1) happy(2) = 7
        assertThat(TextStats.flesch("The cat sat. It was happy!")).isCloseTo(206.835 - 1.015 * 3 - 84.6 * 7 / 6, within(1e-9));
        // line breaks end sentences (list items)
        assertThat(TextStats.flesch("- one\n- two")).isCloseTo(206.835 - 1.015 - 84.6 * 2 / 2.0, within(1e-9));
        assertThat(TextStats.flesch("")).isNaN();
        assertThat(TextStats.flesch("... !!!")).isNaN();
        assertThat(TextStats.flesch("The organisation's comprehensive documentation necessitates considerable interpretation."))
                .isLessThan(0);
    }

    @Test
    void countsSyllablesWithSilentE() {
        assertThat(syl("make")).isEqualTo(1);
        assertThat(syl("table")).isEqualTo(2);
        assertThat(syl("the")).isEqualTo(1);
        assertThat(syl("banana")).isEqualTo(3);
        assertThat(syl("2025")).isEqualTo(1);
        assertThat(syl("rhythm")).isEqualTo(1);
    }

    private static int syl(String w) {
        return TextStats.syllables(w, 0, w.length());
    }

    @Test
    void duplicateNgramRateHasKnownValues() {
        // a b a b a b: bigrams ab ba ab ba ab → 5 total, 2 distinct → 1 - 2/5
        assertThat(TextStats.duplicateNgramRate(TextStats.wordHashes("a b a b a b"), 2)).isCloseTo(0.6, within(1e-9));
        assertThat(TextStats.duplicateNgramRate(TextStats.wordHashes("one two three four"), 2)).isZero();
        assertThat(TextStats.duplicateNgramRate(TextStats.wordHashes("Same same SAME"), 1)).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(TextStats.duplicateNgramRate(TextStats.wordHashes("short"), 3)).isZero();
        assertThat(TextStats.duplicateNgramRate(TextStats.wordHashes(""), 3)).isZero();
    }

    @Test
    void jaccardOfShingles() {
        long[] a = TextStats.shingles(TextStats.wordHashes("the quick brown fox jumps"), 2);
        long[] b = TextStats.shingles(TextStats.wordHashes("The quick brown fox sleeps"), 2);
        // bigrams: 4 each, 3 shared → 3 / 5
        assertThat(TextStats.jaccard(a, b)).isCloseTo(0.6, within(1e-9));
        assertThat(TextStats.jaccard(a, a)).isEqualTo(1.0);
        assertThat(TextStats.jaccard(new long[0], new long[0])).isEqualTo(1.0);
        assertThat(TextStats.jaccard(a, new long[0])).isZero();
        assertThat(TextStats.shingles(TextStats.wordHashes("hi"), 3)).hasSize(1);
    }
}
