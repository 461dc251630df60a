package dev.prefwork.reward.features;

import dev.prefwork.labeling.engine.Structures;
import dev.prefwork.labeling.engine.TextStats;

import java.util.Arrays;
import java.util.List;

/**
 * Text statistics of a response, measured the way the LF templates measure them (the labeling engine's word
 * scanner and structure detectors), then put relative to the prompt's other candidates: a reward model ranks the
 * candidates of one prompt, so what matters is whether this answer is longer, more structured or more repetitive
 * than the others. Length is also kept in absolute terms (log characters), which P(GOOD) of a one-liner needs.
 */
public final class TextFeatures {

    /**
     * A statistic: its key (column key {@code "text:<key>"}) and what the expert reads. All but the absolute length
     * are relative to the prompt's other candidates (the label says so only where it would otherwise mislead).
     */
    public record Stat(String key, String label) {
    }

    public static final List<Stat> STATS = List.of(
            new Stat("length_z", "Length vs the other answers"),
            new Stat("length_log", "Length (absolute)"),
            new Stat("list", "List"),
            new Stat("code", "Code block"),
            new Stat("table", "Table"),
            new Stat("bold", "Bold phrases"),
            new Stat("repetition", "Repetition"),
            new Stat("readability", "Readability"),
            new Stat("prompt_words", "Prompt's words used"));

    /** Raw measures per candidate, before the within-prompt step: chars, list, code, table, bold, repetition, flesch, overlap. */
    static final int RAW = 8;

    private TextFeatures() {
    }

    /** Sorted distinct word hashes of a prompt, for the prompt-words measure. */
    public static long[] promptWords(String prompt) {
        return sortedDistinct(TextStats.wordHashes(prompt));
    }

    /** Sorted distinct copy (primitive: a boxed stream's distinct() was most of the cost of measuring 50K texts). */
    static long[] sortedDistinct(long[] words) {
        long[] w = words.clone();
        Arrays.sort(w);
        int k = 0;
        for (int i = 0; i < w.length; i++) if (i == 0 || w[i] != w[i - 1]) w[k++] = w[i];
        return Arrays.copyOf(w, k);
    }

    /** The raw measures of one response into {@code out[offset … offset + RAW)}. */
    static void measure(String text, long[] promptWords, float[] out, int offset) {
        long[] words = TextStats.wordHashes(text);
        out[offset] = TextStats.chars(text);
        out[offset + 1] = Structures.list(text, false) != null || Structures.list(text, true) != null ? 1 : 0;
        out[offset + 2] = Structures.codeBlock(text) != null ? 1 : 0;
        out[offset + 3] = Structures.table(text) != null ? 1 : 0;
        out[offset + 4] = (float) Math.log1p(countBold(text));
        out[offset + 5] = (float) TextStats.duplicateNgramRate(words, 3);
        double flesch = TextStats.flesch(text);
        out[offset + 6] = Double.isNaN(flesch) ? 0 : (float) (Math.max(-50, Math.min(120, flesch)) / 100);
        out[offset + 7] = (float) overlap(words, promptWords);
    }

    /** Pairs of "**" (bold in Markdown). */
    static int countBold(String s) {
        int n = 0;
        for (int i = s.indexOf("**"); i >= 0; i = s.indexOf("**", i + 2)) n++;
        return n / 2;
    }

    /** Share of the prompt's distinct words that the response uses. */
    static double overlap(long[] responseWords, long[] promptWords) {
        if (promptWords.length == 0) return 0;
        return (double) TextStats.intersection(sortedDistinct(responseWords), promptWords) / promptWords.length;
    }

    /**
     * The {@link #STATS} of each row from the raw measures ({@code raw}: rows × {@link #RAW}), relative to the rows
     * of the same prompt, into {@code out[row × stride + offset + k]}.
     */
    static void relativeToPrompt(CandidateIndex index, float[] raw, float[] out, int stride, int offset) {
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            double[] mean = new double[RAW];
            for (int r : rows) for (int k = 0; k < RAW; k++) mean[k] += raw[r * RAW + k];
            for (int k = 0; k < RAW; k++) mean[k] /= rows.length;
            double var = 0;
            for (int r : rows) {
                double dl = raw[r * RAW] - mean[0];
                var += dl * dl;
            }
            double sd = Math.sqrt(var / rows.length);
            for (int r : rows) {
                int o = r * stride + offset, q = r * RAW;
                out[o] = sd > 0 ? (float) ((raw[q] - mean[0]) / sd) : 0;
                out[o + 1] = (float) Math.log1p(raw[q]);
                for (int k = 1; k < RAW; k++) out[o + 1 + k] = (float) (raw[q + k] - mean[k]);
            }
        }
    }
}
