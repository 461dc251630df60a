package dev.prefwork.labeling.engine;

import java.util.Arrays;

/**
 * One tokenising pass over a text that yields everything the word-based measures need — word count, the
 * lowercase word hashes in order, syllables and sentences (Flesch) — so the engine reads each text once for
 * all of them. Reusable (one per thread): the hash buffer grows and is kept.
 */
final class WordScan {

    long[] hashes = new long[256];
    int words;
    int syllables;
    int sentences;

    /** Scans {@code s}; see {@link TextStats} for what a word and a sentence are. */
    WordScan scan(String s) {
        return scan(s, true);
    }

    /** As {@link #scan(String)}; without {@code flesch} syllables and sentences are not counted. */
    WordScan scan(String s, boolean flesch) {
        words = 0;
        syllables = 0;
        sentences = 0;
        boolean[] inSentence = {false};
        int[] prevEnd = {0};
        if (!flesch) {
            TextStats.forEachWord(s, (start, end, hash) -> {
                if (words == hashes.length) hashes = Arrays.copyOf(hashes, words * 2);
                hashes[words++] = hash;
            });
            return this;
        }
        TextStats.forEachWord(s, (start, end, hash) -> {
            gap(s, prevEnd[0], start, inSentence);
            if (words == hashes.length) hashes = Arrays.copyOf(hashes, words * 2);
            hashes[words++] = hash;
            syllables += TextStats.syllables(s, start, end);
            inSentence[0] = true;
            prevEnd[0] = end;
        });
        gap(s, prevEnd[0], s.length(), inSentence);
        if (inSentence[0]) sentences++;
        return this;
    }

    private long[] table = new long[512];
    private int[] stamp = new int[512];
    private int generation;

    /** The distinct values among {@code values} (in first-seen order), by hashing, not sorting. */
    long[] distinct(long[] values) {
        long[] out = new long[values.length];
        int k = 0;
        reset(values.length);
        int mask = table.length - 1;
        for (long v : values) {
            if (insert(v, mask)) out[k++] = v;
        }
        return k == out.length ? out : Arrays.copyOf(out, k);
    }

    /** Makes {@code values} (distinct) the set {@link #contains} answers for. */
    void load(long[] values) {
        reset(values.length);
        int mask = table.length - 1;
        for (long v : values) insert(v, mask);
    }

    boolean contains(long v) {
        int mask = table.length - 1;
        int slot = slot(v, mask);
        while (stamp[slot] == generation) {
            if (table[slot] == v) return true;
            slot = (slot + 1) & mask;
        }
        return false;
    }

    private void reset(int size) {
        int cap = table.length;
        while (cap < size * 2) cap <<= 1;
        if (cap != table.length) {
            table = new long[cap];
            stamp = new int[cap];
            generation = 0;
        }
        if (++generation == Integer.MAX_VALUE) {
            Arrays.fill(stamp, 0);
            generation = 1;
        }
    }

    private boolean insert(long v, int mask) {
        int slot = slot(v, mask);
        while (stamp[slot] == generation) {
            if (table[slot] == v) return false;
            slot = (slot + 1) & mask;
        }
        stamp[slot] = generation;
        table[slot] = v;
        return true;
    }

    private static int slot(long v, int mask) {
        return (int) (v ^ (v >>> 29)) & mask;
    }

    /** Distinct values among {@code values}, by open addressing in a reused table (no sorting). */
    int distinctCount(long[] values) {
        int cap = table.length;
        while (cap < values.length * 2) cap <<= 1;
        if (cap != table.length) {
            table = new long[cap];
            stamp = new int[cap];
            generation = 0;
        }
        if (++generation == Integer.MAX_VALUE) {
            Arrays.fill(stamp, 0);
            generation = 1;
        }
        int mask = cap - 1;
        int distinct = 0;
        for (long v : values) {
            int slot = (int) (v ^ (v >>> 32)) & mask;
            while (stamp[slot] == generation && table[slot] != v) slot = (slot + 1) & mask;
            if (stamp[slot] != generation) {
                stamp[slot] = generation;
                table[slot] = v;
                distinct++;
            }
        }
        return distinct;
    }

    /** Sentence ends in the non-word characters between two words: . ! ? before a space or the end, or a line break. */
    private void gap(String s, int from, int to, boolean[] inSentence) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                if (inSentence[0]) sentences++;
                inSentence[0] = false;
            } else if (c == '.' || c == '!' || c == '?') {
                int j = i + 1;
                while (j < s.length() && (s.charAt(j) == '.' || s.charAt(j) == '!' || s.charAt(j) == '?')) j++;
                if ((j >= s.length() || Character.isWhitespace(s.charAt(j)) || s.charAt(j) == '"' || s.charAt(j) == ')') && inSentence[0]) {
                    sentences++;
                    inSentence[0] = false;
                }
                i = j - 1;
            }
        }
    }

    /** Flesch reading ease of the scanned text; NaN without words. */
    double flesch() {
        if (words == 0) return Double.NaN;
        return 206.835 - 1.015 * ((double) words / sentences) - 84.6 * ((double) syllables / words);
    }

    /** The scanned words' hashes (a copy). */
    long[] words() {
        return Arrays.copyOf(hashes, words);
    }
}
