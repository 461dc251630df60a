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

    /**
     * As {@link #scan(String)}; without {@code flesch} syllables and sentences are not counted. One pass over the
     * characters does it all (the same rules as {@link TextStats#forEachWord} and {@link TextStats#syllables},
     * fused because this runs over every candidate).
     */
    WordScan scan(String s, boolean flesch) {
        words = 0;
        syllables = 0;
        sentences = 0;
        boolean inSentence = false;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char ch = s.charAt(i);
            boolean word;
            int len = 1;
            if (ch < 128) {
                word = TextStats.ASCII_WORD[ch];
            } else {
                int cp = s.codePointAt(i);
                len = Character.charCount(cp);
                word = TextStats.isWordChar(cp);
            }
            if (!word) {
                if (flesch) {
                    if (ch == '\n') {
                        if (inSentence) sentences++;
                        inSentence = false;
                    } else if (ch == '.' || ch == '!' || ch == '?') {
                        int j = i + 1;
                        while (j < n && (s.charAt(j) == '.' || s.charAt(j) == '!' || s.charAt(j) == '?')) j++;
                        if ((j >= n || Character.isWhitespace(s.charAt(j)) || s.charAt(j) == '"' || s.charAt(j) == ')') && inSentence) {
                            sentences++;
                            inSentence = false;
                        }
                        i = j;
                        continue;
                    }
                }
                i += len;
                continue;
            }
            int start = i;
            long h = 0xcbf29ce484222325L;
            int vowelGroups = 0;
            int letters = 0;
            boolean prevVowel = false;
            while (i < n) {
                ch = s.charAt(i);
                if (ch < 128) {
                    if (TextStats.ASCII_WORD[ch]) {
                        h = (h ^ TextStats.ASCII_LOWER[ch]) * 0x100000001b3L;
                        if (flesch) {
                            boolean v = TextStats.ASCII_VOWEL[ch];
                            if (v && !prevVowel) vowelGroups++;
                            prevVowel = v;
                            if (TextStats.ASCII_LETTER[ch]) letters++;
                        }
                        i++;
                    } else if (ch == '\'' && i + 1 < n && TextStats.wordAt(s, i + 1)) {
                        h = (h ^ '\'') * 0x100000001b3L;
                        prevVowel = false;
                        i++;
                    } else {
                        break;
                    }
                    continue;
                }
                int cp = s.codePointAt(i);
                if (TextStats.isWordChar(cp)) {
                    h = (h ^ Character.toLowerCase(cp)) * 0x100000001b3L;
                    if (flesch) {
                        for (int k = 0; k < Character.charCount(cp); k++) { // syllables reads UTF-16 units
                            char c = TextStats.fold(s.charAt(i + k));
                            boolean v = TextStats.isVowel(c);
                            if (v && !prevVowel) vowelGroups++;
                            prevVowel = v;
                            if (Character.isLetter(c)) letters++;
                        }
                    }
                    i += Character.charCount(cp);
                } else if (cp == '\u2019' && i + 1 < n && TextStats.wordAt(s, i + 1)) {
                    h = (h ^ '\'') * 0x100000001b3L;
                    prevVowel = false;
                    i++;
                } else {
                    break;
                }
            }
            if (words == hashes.length) hashes = Arrays.copyOf(hashes, words * 2);
            hashes[words++] = TextStats.mix(h);
            if (flesch) {
                syllables += TextStats.finishSyllables(s, start, i, vowelGroups, letters);
                inSentence = true;
            }
        }
        if (flesch && inSentence) sentences++;
        return this;
    }

    private long[] table = new long[512];
    private int[] stamp = new int[512];
    private int generation;

    private long[] grams = new long[256];
    private long[][] pool = new long[8][256];
    /** Lengths of the arrays in {@link #pool} handed out by {@link #shingles}. */
    int[] poolLength = new int[8];

    /**
     * The distinct word n-grams of the scanned text, into reused buffer {@code k} (valid until {@code k} is
     * reused); a text shorter than n words is one gram of all its words. Returns the total number of n-grams
     * (duplicates included); the distinct count is {@code poolLength[k]}.
     */
    int shingles(int n, int k) {
        int len = Math.min(n, Math.max(words, 1));
        int total = words - len + 1;
        if (total <= 0) {
            ensurePool(k, 0);
            poolLength[k] = 0;
            return 0;
        }
        if (grams.length < total) grams = new long[Math.max(total, grams.length * 2)];
        for (int i = 0; i < total; i++) {
            long h = 0;
            for (int j = 0; j < len; j++) h = h * 0x9E3779B97F4A7C15L + hashes[i + j];
            grams[i] = TextStats.mix(h);
        }
        ensurePool(k, total);
        long[] out = pool[k];
        reset(total);
        int mask = table.length - 1;
        int d = 0;
        for (int i = 0; i < total; i++) if (insert(grams[i], mask)) out[d++] = grams[i];
        poolLength[k] = d;
        return total;
    }

    long[] pooled(int k) {
        return pool[k];
    }

    private void ensurePool(int k, int size) {
        if (k >= pool.length) {
            pool = Arrays.copyOf(pool, Math.max(k + 1, pool.length * 2));
            poolLength = Arrays.copyOf(poolLength, pool.length);
        }
        if (pool[k] == null || pool[k].length < size) pool[k] = new long[Math.max(size, 256)];
    }

    /** Makes the first {@code n} of {@code values} (distinct) the set {@link #contains} answers for. */
    void load(long[] values, int n) {
        reset(n);
        int mask = table.length - 1;
        for (int i = 0; i < n; i++) insert(values[i], mask);
    }

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
