package dev.prefwork.labeling.engine;

import java.util.Arrays;

/**
 * Text measures the templates share, written to run over millions of texts: no regexes, no per-word strings.
 * A word is a run of letters or digits (any script), with ' or ’ inside it allowed ("don't" is one word).
 * Words are compared case-insensitively through 64-bit hashes of their lowercase form.
 */
public final class TextStats {

    private TextStats() {
    }

    /** Lowercase with offsets preserved (one char for one char), ’ read as '; the same instance when nothing changes. */
    public static String lower(String s) {
        // fast path: the JDK's lowercasing equals ours when it keeps the length and none of the characters we
        // treat specially occurs (on a Latin-1 string each indexOf of a non-Latin-1 character returns at once)
        String jdk = s.toLowerCase(java.util.Locale.ROOT);
        if (jdk.length() == s.length() && s.indexOf('\u2019') < 0 && s.indexOf('\u2018') < 0 && s.indexOf('\u0131') < 0
                && s.indexOf('\u017F') < 0 && s.indexOf('\u03A3') < 0) {
            return jdk;
        }
        int n = s.length();
        char[] out = new char[n];
        s.getChars(0, n, out, 0);
        for (int i = 0; i < n; i++) {
            char c = out[i];
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(out[i + 1])) {
                int lower = Character.toLowerCase(Character.toCodePoint(c, out[i + 1]));
                if (Character.charCount(lower) == 2) {
                    out[i] = Character.highSurrogate(lower);
                    out[i + 1] = Character.lowSurrogate(lower);
                }
                i++;
            } else {
                out[i] = fold(c);
            }
        }
        return new String(out);
    }

    static char fold(char c) {
        if (c < 128) return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        if (c == '\u2019' || c == '\u2018') return '\'';
        // dotless ı and long ſ: Java's case-insensitive regexes equate them with i and s (upper case I, S)
        if (c == '\u0131') return 'i';
        if (c == '\u017F') return 's';
        return Character.toLowerCase(c);
    }

    public static boolean isWordChar(int codePoint) {
        return Character.isLetterOrDigit(codePoint);
    }

    /** True when a word character touches position {@code i} from the left (the code point ending at i). */
    static boolean wordBefore(CharSequence s, int i) {
        if (i <= 0) return false;
        char c = s.charAt(i - 1);
        if (c < 128) return asciiWord(c);
        if (Character.isLowSurrogate(c) && i >= 2 && Character.isHighSurrogate(s.charAt(i - 2))) {
            return isWordChar(Character.toCodePoint(s.charAt(i - 2), c));
        }
        return isWordChar(c);
    }

    /** True when the code point starting at {@code i} is a word character. */
    static boolean wordAt(CharSequence s, int i) {
        if (i >= s.length()) return false;
        char c = s.charAt(i);
        if (c < 128) return asciiWord(c);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return isWordChar(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return isWordChar(c);
    }

    private static boolean asciiWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Length in code points (an emoji is one character). */
    public static int chars(String s) {
        return s.codePointCount(0, s.length());
    }

    /** Receives each word as [start, end) offsets and the hash of its lowercase form. */
    interface WordSink {
        void word(int start, int end, long hash);
    }

    /** Walks the words of {@code s}; returns how many there were. ASCII takes a table lookup, the rest code points. */
    static int forEachWord(String s, WordSink sink) {
        int n = s.length();
        int count = 0;
        int i = 0;
        while (i < n) {
            char ch = s.charAt(i);
            if (ch < 128) {
                if (!ASCII_WORD[ch]) {
                    i++;
                    continue;
                }
            } else {
                int cp = s.codePointAt(i);
                if (!isWordChar(cp)) {
                    i += Character.charCount(cp);
                    continue;
                }
            }
            int start = i;
            long h = 0xcbf29ce484222325L;
            while (i < n) {
                ch = s.charAt(i);
                if (ch < 128) {
                    if (ASCII_WORD[ch]) {
                        h = (h ^ ASCII_LOWER[ch]) * 0x100000001b3L;
                        i++;
                    } else if (ch == '\'' && i + 1 < n && wordAt(s, i + 1)) {
                        h = (h ^ '\'') * 0x100000001b3L;
                        i++;
                    } else {
                        break;
                    }
                    continue;
                }
                int cp = s.codePointAt(i);
                if (isWordChar(cp)) {
                    h = (h ^ Character.toLowerCase(cp)) * 0x100000001b3L;
                    i += Character.charCount(cp);
                } else if (cp == '\u2019' && i + 1 < n && wordAt(s, i + 1)) {
                    h = (h ^ '\'') * 0x100000001b3L;
                    i++;
                } else {
                    break;
                }
            }
            count++;
            if (sink != null) sink.word(start, i, mix(h));
        }
        return count;
    }

    static final boolean[] ASCII_WORD = new boolean[128];
    static final char[] ASCII_LOWER = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_WORD[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            ASCII_LOWER[c] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
    }

    public static int words(String s) {
        return forEachWord(s, null);
    }

    /** The hashes of the words in order. */
    public static long[] wordHashes(String s) {
        long[] buf = new long[Math.max(4, s.length() / 5)];
        int[] n = {0};
        long[][] ref = {buf};
        forEachWord(s, (a, b, h) -> {
            if (n[0] == ref[0].length) ref[0] = Arrays.copyOf(ref[0], ref[0].length * 2);
            ref[0][n[0]++] = h;
        });
        return Arrays.copyOf(ref[0], n[0]);
    }

    /** The hash {@link #wordHashes} gives a single word (for stop-word lists). */
    public static long wordHash(String word) {
        long[] h = wordHashes(word);
        return h.length == 1 ? h[0] : 0;
    }

    /** Share of word n-grams that repeat an earlier one: 1 − distinct/total; 0 when there is no n-gram. */
    public static double duplicateNgramRate(long[] words, int n) {
        int total = words.length - n + 1;
        if (total <= 0) return 0;
        long[] grams = ngrams(words, n);
        Arrays.sort(grams);
        int distinct = distinctCount(grams);
        return 1.0 - (double) distinct / total;
    }

    /** Sorted distinct word k-shingles; a text shorter than k words is one shingle of all its words. */
    public static long[] shingles(long[] words, int k) {
        if (words.length == 0) return words;
        long[] grams = ngrams(words, Math.min(k, words.length));
        Arrays.sort(grams);
        return distinct(grams);
    }

    /** Jaccard similarity of two sorted distinct sets; two empty sets are identical (1). */
    public static double jaccard(long[] a, long[] b) {
        if (a.length == 0 && b.length == 0) return 1;
        int inter = intersection(a, b);
        return (double) inter / (a.length + b.length - inter);
    }

    /** Size of the intersection of two sorted distinct arrays. */
    public static int intersection(long[] a, long[] b) {
        int i = 0, j = 0, c = 0;
        while (i < a.length && j < b.length) {
            if (a[i] < b[j]) i++;
            else if (a[i] > b[j]) j++;
            else { c++; i++; j++; }
        }
        return c;
    }

    static long[] ngrams(long[] words, int n) {
        return ngrams(words, words.length, n);
    }

    /** Hashes of the n-grams of the first {@code len} words. */
    static long[] ngrams(long[] words, int len, int n) {
        int total = len - n + 1;
        long[] grams = new long[Math.max(0, total)];
        for (int i = 0; i < total; i++) {
            long h = 0;
            for (int j = 0; j < n; j++) h = h * 0x9E3779B97F4A7C15L + words[i + j];
            grams[i] = mix(h);
        }
        return grams;
    }

    static int distinctCountOf(long[] sorted) {
        return distinctCount(sorted);
    }

    static long[] distinct(long[] sorted) {
        int d = distinctCount(sorted);
        long[] out = new long[d];
        int k = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) out[k++] = sorted[i];
        }
        return out;
    }

    private static int distinctCount(long[] sorted) {
        int d = 0;
        for (int i = 0; i < sorted.length; i++) if (i == 0 || sorted[i] != sorted[i - 1]) d++;
        return d;
    }

    /**
     * Flesch reading ease: 206.835 − 1.015 × words/sentences − 84.6 × syllables/words; NaN without words.
     * Sentences end at . ! ? followed by a space or the end, and at line breaks (list items, headings).
     */
    public static double flesch(String s) {
        return new WordScan().scan(s).flesch();
    }

    /** English syllables by vowel groups, a final silent e dropped; words without vowels (numbers, codes) count 1. */
    static int syllables(String s, int start, int end) {
        int count = 0;
        boolean prevVowel = false;
        int letters = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            boolean v;
            if (c < 128) {
                v = ASCII_VOWEL[c];
                if (ASCII_LETTER[c]) letters++;
            } else {
                c = fold(c);
                v = isVowel(c);
                if (Character.isLetter(c)) letters++;
            }
            if (v && !prevVowel) count++;
            prevVowel = v;
        }
        return finishSyllables(s, start, end, count, letters);
    }

    /** Syllables of a word from its vowel groups: a final silent e (not -le after a consonant) drops one. */
    static int finishSyllables(String s, int start, int end, int vowelGroups, int letters) {
        if (letters == 0) return 1;
        int count = vowelGroups;
        int len = end - start;
        if (count > 1 && len >= 3 && fold(s.charAt(end - 1)) == 'e' && !isVowel(fold(s.charAt(end - 2)))
                && !(fold(s.charAt(end - 2)) == 'l' && !isVowel(fold(s.charAt(end - 3))))) {
            count--;
        }
        return Math.max(1, count);
    }

    static final boolean[] ASCII_VOWEL = new boolean[128];
    static final boolean[] ASCII_LETTER = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            char l = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
            ASCII_VOWEL[c] = l == 'a' || l == 'e' || l == 'i' || l == 'o' || l == 'u' || l == 'y';
            ASCII_LETTER[c] = l >= 'a' && l <= 'z';
        }
    }

    static boolean isVowel(char c) {
        return switch (c) {
            case 'a', 'e', 'i', 'o', 'u', 'y', 'à', 'á', 'â', 'ä', 'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï',
                    'ò', 'ó', 'ô', 'ö', 'ù', 'ú', 'û', 'ü' -> true;
            default -> false;
        };
    }

    /** Murmur3's 64-bit finaliser: spreads FNV's low-entropy high bits. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
