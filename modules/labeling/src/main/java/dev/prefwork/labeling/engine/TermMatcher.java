package dev.prefwork.labeling.engine;

import java.util.List;

/**
 * Finds literal terms (keywords, phrases, starts/ends texts) with String.indexOf — vectorised by the JVM on
 * Latin-1 strings — on the lowercased text when matching ignores case, checking word boundaries on the hit
 * only. A boundary is required only where the term itself begins or ends with a word character, like
 * regex \b, so "C++" or "e.g." still match as whole terms.
 */
final class TermMatcher {

    final String[] terms;
    private final boolean caseSensitive;
    private final boolean wholeWord;
    private final boolean[] wordStart;
    private final boolean[] wordEnd;
    /** One-pass matcher for a dozen or more ASCII terms (phrase lists, long keyword lists); else null. */
    private final AhoCorasick automaton;

    TermMatcher(List<String> terms, boolean caseSensitive, boolean wholeWord) {
        this(terms, caseSensitive, wholeWord, true);
    }

    /** Literal terms searched exactly as given (no stripping, no case folding, no word boundaries). */
    static TermMatcher exact(List<String> terms) {
        return new TermMatcher(terms, true, false, false);
    }

    private TermMatcher(List<String> terms, boolean caseSensitive, boolean wholeWord, boolean strip) {
        this.caseSensitive = caseSensitive;
        this.wholeWord = wholeWord;
        this.terms = new String[terms.size()];
        this.wordStart = new boolean[terms.size()];
        this.wordEnd = new boolean[terms.size()];
        for (int i = 0; i < this.terms.length; i++) {
            String t = strip ? terms.get(i).strip() : terms.get(i);
            t = caseSensitive ? t : TextStats.lower(t);
            this.terms[i] = t;
            wordStart[i] = !t.isEmpty() && TextStats.wordAt(t, 0);
            wordEnd[i] = !t.isEmpty() && TextStats.wordBefore(t, t.length());
        }
        // below about a dozen terms, vectorised indexOf calls beat one automaton pass
        boolean ascii = this.terms.length >= 12;
        for (String t : this.terms) ascii &= !t.isEmpty() && t.chars().allMatch(ch -> ch < 128);
        this.automaton = ascii ? new AhoCorasick(this.terms) : null;
    }

    int size() {
        return terms.length;
    }

    /** The text to search: the lowercase one unless matching is case-sensitive. */
    String haystack(String text, String lower) {
        return caseSensitive ? text : lower;
    }

    /** Offset of the first acceptable occurrence of term {@code t} at or after {@code from}, or −1. */
    int find(String hay, int t, int from) {
        String term = terms[t];
        if (term.isEmpty()) return -1;
        int i = from;
        while ((i = hay.indexOf(term, i)) >= 0) {
            if (!wholeWord || boundaries(hay, i, t)) return i;
            i++;
        }
        return -1;
    }

    boolean boundaries(String hay, int at, int t) {
        return !(wordStart[t] && TextStats.wordBefore(hay, at)) && !(wordEnd[t] && TextStats.wordAt(hay, at + terms[t].length()));
    }

    boolean any(String hay) {
        if (automaton != null) {
            boolean[] found = {false};
            automaton.scan(hay, (t, end) -> found[0] = !wholeWord || boundaries(hay, end - terms[t].length(), t));
            return found[0];
        }
        for (int t = 0; t < terms.length; t++) if (find(hay, t, 0) >= 0) return true;
        return false;
    }

    /** How many of the terms do not occur. */
    int missing(String hay) {
        return terms.length - distinctHits(hay);
    }

    /** How many different terms occur. */
    int distinctHits(String hay) {
        if (automaton != null) {
            boolean[] seen = new boolean[terms.length];
            int[] count = {0};
            automaton.scan(hay, (t, end) -> {
                if (!seen[t] && (!wholeWord || boundaries(hay, end - terms[t].length(), t))) {
                    seen[t] = true;
                    count[0]++;
                }
                return count[0] == terms.length;
            });
            return count[0];
        }
        int hits = 0;
        for (int t = 0; t < terms.length; t++) if (find(hay, t, 0) >= 0) hits++;
        return hits;
    }

    /** Marks in {@code seen} every term that occurs in {@code hay}. */
    void mark(String hay, boolean[] seen) {
        if (automaton != null) {
            automaton.scan(hay, (t, end) -> {
                if (!seen[t] && (!wholeWord || boundaries(hay, end - terms[t].length(), t))) seen[t] = true;
                return false;
            });
            return;
        }
        for (int t = 0; t < terms.length; t++) if (!seen[t] && find(hay, t, 0) >= 0) seen[t] = true;
    }

    /** Every occurrence of every term, up to {@code cap} spans. */
    void spans(String hay, List<Span> out, int cap) {
        for (int t = 0; t < terms.length && out.size() < cap; t++) {
            int i = 0;
            while (out.size() < cap && (i = find(hay, t, i)) >= 0) {
                out.add(new Span(i, i + terms[t].length()));
                i += Math.max(1, terms[t].length());
            }
        }
    }
}
