package dev.prefwork.labeling.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fused one-pass scanner gives exactly what the word walker and the syllable counter give separately. */
class WordScanTest {

    /** The reference: {@link TextStats#forEachWord} plus {@link TextStats#syllables} and the sentence rules. */
    private static double[] reference(String s, List<Long> hashes) {
        int[] syl = {0};
        int[] sentences = {0};
        boolean[] in = {false};
        int[] prev = {0};
        int words = TextStats.forEachWord(s, (a, b, h) -> {
            gaps(s, prev[0], a, in, sentences);
            hashes.add(h);
            syl[0] += TextStats.syllables(s, a, b);
            in[0] = true;
            prev[0] = b;
        });
        gaps(s, prev[0], s.length(), in, sentences);
        if (in[0]) sentences[0]++;
        return new double[]{words, syl[0], sentences[0]};
    }

    private static void gaps(String s, int from, int to, boolean[] in, int[] sentences) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                if (in[0]) sentences[0]++;
                in[0] = false;
            } else if (c == '.' || c == '!' || c == '?') {
                int j = i + 1;
                while (j < s.length() && (s.charAt(j) == '.' || s.charAt(j) == '!' || s.charAt(j) == '?')) j++;
                if ((j >= s.length() || Character.isWhitespace(s.charAt(j)) || s.charAt(j) == '"' || s.charAt(j) == ')') && in[0]) {
                    sentences[0]++;
                    in[0] = false;
                }
                i = j - 1;
            }
        }
    }

    @Test
    void agreesWithTheReferenceOnRandomTexts() {
        String alphabet = "aeiouyAEIbcdlmnrsT1 2 .!?\n'’\"()-éÉßİıſ東🚚,;";
        Random rnd = new Random(17);
        WordScan ws = new WordScan();
        for (int t = 0; t < 5000; t++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int k = 0; k < len; k++) {
                int at = rnd.nextInt(alphabet.length());
                char c = alphabet.charAt(at);
                if (Character.isHighSurrogate(c)) sb.append(c).append(alphabet.charAt(at + 1));
                else if (!Character.isLowSurrogate(c)) sb.append(c);
            }
            String s = sb.toString();
            List<Long> ref = new ArrayList<>();
            double[] expect = reference(s, ref);
            ws.scan(s, true);
            assertThat(ws.words).as(s).isEqualTo((int) expect[0]);
            assertThat(ws.syllables).as(s).isEqualTo((int) expect[1]);
            assertThat(ws.sentences).as(s).isEqualTo((int) expect[2]);
            assertThat(ws.words()).as(s).containsExactly(ref.stream().mapToLong(Long::longValue).toArray());
            ws.scan(s, false);
            assertThat(ws.words()).as(s).containsExactly(ref.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
