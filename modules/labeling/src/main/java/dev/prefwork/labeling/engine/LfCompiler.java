package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.PhraseLists;
import dev.prefwork.labeling.engine.Features.Side;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a (validated) spec into row tests bound to one corpus's features. Everything that does not depend on
 * the row — lowercased terms, compiled patterns, measures, the prompt scope — is done here, once, so the
 * per-row work is an indexOf, a regex find or a float comparison.
 */
final class LfCompiler {

    /** Most spans reported for one text (highlighting more would not help the expert). */
    static final int MAX_SPANS = 50;

    private final Features features;
    private final PhraseLists phraseLists;
    private final Map<String, ModelScoreProvider> providers;
    private final long regexBudgetNanos;
    private final Progress progress;

    LfCompiler(Features features, PhraseLists phraseLists, Map<String, ModelScoreProvider> providers,
               long regexBudgetNanos, Progress progress) {
        this.features = features;
        this.phraseLists = phraseLists;
        this.providers = providers;
        this.regexBudgetNanos = regexBudgetNanos;
        this.progress = progress;
    }

    /** A compiled LF: it votes {@code vote} on a row whose prompt is in scope and whose test passes. */
    static final class Compiled {
        final byte vote;
        /** Per prompt; null when the LF has no prompt scope. */
        final boolean[] scope;
        final RowTest test;
        private final int[] promptOf;

        Compiled(byte vote, boolean[] scope, RowTest test, int[] promptOf) {
            this.vote = vote;
            this.scope = scope;
            this.test = test;
            this.promptOf = promptOf;
        }

        boolean inScope(int row) {
            return scope == null || scope[promptOf[row]];
        }

        boolean fires(int row) {
            return inScope(row) && test.test(row);
        }

        /** Fills {@code column[from..to)} with this LF's votes. */
        void apply(byte[] column, int from, int to) {
            byte v = vote;
            boolean[] sc = scope;
            int[] po = promptOf;
            RowTest t = test;
            for (int row = from; row < to; row++) {
                column[row] = (sc == null || sc[po[row]]) && t.test(row) ? v : 0;
            }
        }
    }

    Compiled compile(LfSpec spec) {
        if (spec.pairLevel()) throw new IllegalArgumentException("a comparative or A/B judge LF votes on pairs of candidates, not on one");
        boolean[] scope = null;
        if (spec.promptScope() != null) {
            RowTest s = compile(spec.promptScope(), Side.PROMPT);
            boolean[] sc = new boolean[features.corpus.prompts()];
            features.parallel.forChunks(sc.length, 256, progress, (a, b) -> {
                for (int p = a; p < b; p++) sc[p] = s.test(p);
            });
            scope = sc;
        }
        RowTest test = compile(spec.when(), Side.RESPONSE);
        byte vote = spec.vote() == Verdict.GOOD ? (byte) 1 : (byte) -1;
        return new Compiled(vote, scope, test, features.corpus.promptOfRow());
    }

    /** The response word measures {@code spec}'s condition needs (so they can be computed in one pass). */
    static void wordMeasures(LfSpec spec, java.util.Set<Features.WordMeasure> out) {
        if (spec != null && spec.when() != null) wordMeasures(spec.when(), out);
    }

    private static void wordMeasures(Condition c, java.util.Set<Features.WordMeasure> out) {
        if (c instanceof And a && a.conditions() != null) a.conditions().forEach(x -> wordMeasures(x, out));
        else if (c instanceof Or o && o.conditions() != null) o.conditions().forEach(x -> wordMeasures(x, out));
        else if (c instanceof Not n) wordMeasures(n.condition(), out);
        else if (c instanceof Length l && l.unit() == LengthUnit.WORDS) out.add(Features.WordMeasure.WORDS);
        else if (c instanceof Readability) out.add(Features.WordMeasure.FLESCH);
        else if (c instanceof Repetition r && r.n() == Features.BUNDLE_N) out.add(Features.WordMeasure.REPETITION);
        else if (c instanceof PromptOverlap) out.add(Features.WordMeasure.OVERLAP);
        else if (c instanceof NearDuplicate d && d.shingle() == Features.BUNDLE_N) out.add(Features.WordMeasure.NEAR_DUPLICATE);
        else if (c instanceof Rank r && r.measure() != null) {
            switch (r.measure()) {
                case WORDS -> out.add(Features.WordMeasure.WORDS);
                case READABILITY -> out.add(Features.WordMeasure.FLESCH);
                case PROMPT_OVERLAP -> out.add(Features.WordMeasure.OVERLAP);
                default -> { }
            }
        }
    }

    /** Computes, one pass each, the word measures and phrase-list hits the given specs need. */
    void prepare(List<LfSpec> specs) {
        java.util.Set<Features.WordMeasure> need = java.util.EnumSet.noneOf(Features.WordMeasure.class);
        java.util.Set<String> responseLists = new java.util.TreeSet<>();
        java.util.Set<String> promptLists = new java.util.TreeSet<>();
        for (LfSpec s : specs) {
            wordMeasures(s, need);
            phraseLists(s.when(), responseLists);
            phraseLists(s.promptScope(), promptLists);
        }
        features.prepare(need, progress);
        features.preparePhrases(Side.RESPONSE, byFingerprint(responseLists), progress);
        features.preparePhrases(Side.PROMPT, byFingerprint(promptLists), progress);
    }

    private java.util.Map<String, List<String>> byFingerprint(java.util.Set<String> names) {
        java.util.Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (String n : names) if (phraseLists.has(n)) m.put(phraseLists.fingerprint(n), phraseLists.get(n));
        return m;
    }

    private static void phraseLists(Condition c, java.util.Set<String> out) {
        if (c instanceof And a && a.conditions() != null) a.conditions().forEach(x -> phraseLists(x, out));
        else if (c instanceof Or o && o.conditions() != null) o.conditions().forEach(x -> phraseLists(x, out));
        else if (c instanceof Not n) phraseLists(n.condition(), out);
        else if (c instanceof PhraseList p && p.list() != null) out.add(p.list());
    }

    RowTest compile(Condition c, Side side) {
        progress.checkCancelled();
        if (c instanceof And a) return new AllOf(children(a.conditions(), side));
        if (c instanceof Or o) return new AnyOf(children(o.conditions(), side));
        if (c instanceof Not n) return new NoneOf(compile(n.condition(), side));
        if (c instanceof Keywords k) {
            TermMatcher m = new TermMatcher(k.terms(), k.caseSensitive(), k.wholeWord());
            return new KeywordTest(m, k.match() == Match.ALL, k.caseSensitive() ? features.texts(side) : features.lower(side, progress));
        }
        if (c instanceof Regex r) {
            int flags = Pattern.MULTILINE | (r.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            List<String> literals = RegexLiterals.of(r.pattern(), !r.caseSensitive());
            List<String> prefixes = RegexLiterals.prefixesOf(r.pattern(), !r.caseSensitive());
            TermMatcher prefilter = literals == null ? null : TermMatcher.exact(literals);
            TermMatcher starts = prefixes == null ? null : TermMatcher.exact(prefixes);
            String[] hay = prefilter == null && starts == null ? null : r.caseSensitive() ? features.texts(side) : features.lower(side, progress);
            return new RegexTest(Pattern.compile(r.pattern(), flags), features.texts(side), regexBudgetNanos, prefilter, starts, hay);
        }
        if (c instanceof Length l) {
            float[] v = l.relativeToPrompt() ? features.relativeLength(l.unit(), progress) : features.length(side, l.unit(), progress);
            return new MeasureTest(v, l.min(), l.max());
        }
        if (c instanceof StartsWith s) {
            return new EdgeTest(new TermMatcher(s.texts(), s.caseSensitive(), true), false,
                    s.caseSensitive() ? features.texts(side) : features.lower(side, progress));
        }
        if (c instanceof EndsWith e) {
            return new EdgeTest(new TermMatcher(e.texts(), e.caseSensitive(), true), true,
                    e.caseSensitive() ? features.texts(side) : features.lower(side, progress));
        }
        if (c instanceof Structure s) return new StructureTest(s.element(), features.texts(side));
        if (c instanceof PhraseList p) {
            TermMatcher m = new TermMatcher(phraseLists.get(p.list()), false, true);
            float[] hits = features.phraseHits(side, m, phraseLists.fingerprint(p.list()), progress);
            return new PhraseTest(hits, p.minMatches(), m, features.lower(side, progress));
        }
        if (c instanceof Readability r) return new MeasureTest(features.flesch(side, progress), r.min(), r.max());
        if (c instanceof Repetition r) return new MeasureTest(features.repetition(side, r.n(), progress), r.min(), r.max());
        if (c instanceof PromptOverlap o) return new MeasureTest(features.promptOverlap(progress), o.min(), o.max());
        if (c instanceof Rank r) {
            return switch (r.select()) {
                case HIGHEST -> new MeasureTest(features.groupStat(r.measure(), "max", progress), 1.0, null);
                case LOWEST -> new MeasureTest(features.groupStat(r.measure(), "min", progress), 1.0, null);
                case Z_SCORE -> new MeasureTest(features.groupStat(r.measure(), "z", progress), r.min(), r.max());
            };
        }
        if (c instanceof NearDuplicate d) return new MeasureTest(features.nearDuplicate(d.shingle(), progress), d.threshold(), null);
        if (c instanceof Category k) {
            Set<String> cats = new HashSet<>();
            for (String s : k.categories()) cats.add(s.strip().toLowerCase(Locale.ROOT));
            Corpus corpus = features.corpus;
            return new RowTest() {
                @Override boolean test(int p) {
                    String cat = corpus.promptCategory(p);
                    return cat != null && cats.contains(cat.strip().toLowerCase(Locale.ROOT));
                }
            };
        }
        if (c instanceof ModelScore m) return new MeasureTest(modelScores(m), m.min(), m.max());
        throw new IllegalArgumentException("no evaluator for " + c.getClass().getSimpleName());
    }

    private float[] modelScores(ModelScore m) {
        ModelScoreProvider p = providers.get(m.provider());
        if (p == null) throw new IllegalStateException("no model score provider named \"" + m.provider() + "\" is installed");
        String key = "model:" + p.name() + ":" + p.version() + ":" + (m.params() == null ? "{}" : LfJson.write(m.params()));
        return features.measure(key, () -> {
            float[] s = p.scores(m.params() == null ? LfJson.mapper().createObjectNode() : m.params(), features.corpus, progress);
            if (s == null || s.length != features.corpus.size()) {
                throw new IllegalStateException("model score provider \"" + p.name() + "\" returned " + (s == null ? "nothing" : s.length + " scores")
                        + " for " + features.corpus.size() + " candidates");
            }
            return s;
        });
    }

    private RowTest[] children(List<Condition> cs, Side side) {
        RowTest[] out = new RowTest[cs.size()];
        for (int i = 0; i < out.length; i++) out[i] = compile(cs.get(i), side);
        return out;
    }

    // ---- row tests ---------------------------------------------------------------------------------------------

    /** Cheapest first; a stable sort keeps the author's order among equals. */
    static RowTest[] byCost(RowTest[] tests) {
        RowTest[] sorted = tests.clone();
        java.util.Arrays.sort(sorted, java.util.Comparator.comparingInt(RowTest::cost));
        return sorted;
    }

    /** A compiled condition over rows (candidates, or prompts in a scope). */
    abstract static class RowTest {
        abstract boolean test(int row);

        /** A rough per-row cost, so AND/OR evaluate cheap tests first (results do not depend on the order). */
        int cost() {
            return 5;
        }

        /** Whether {@link #miss} can be below 1 (a threshold or an "all" list): else there are no near misses. */
        boolean graded() {
            return false;
        }

        /** 0 when the row passes, else how far it is from passing: below 1 means "near" (a threshold almost met). */
        double miss(int row) {
            return test(row) ? 0 : 1;
        }

        /** Adds the spans that made a passing row pass, where the template has any. */
        void spans(int row, List<Span> out) {
        }
    }

    static final class AllOf extends RowTest {
        private final RowTest[] tests;

        AllOf(RowTest[] tests) {
            this.tests = byCost(tests);
        }

        @Override boolean graded() {
            for (RowTest t : tests) if (t.graded()) return true;
            return false;
        }

        @Override int cost() {
            int c = 0;
            for (RowTest t : tests) c += t.cost();
            return c;
        }

        @Override boolean test(int row) {
            for (RowTest t : tests) if (!t.test(row)) return false;
            return true;
        }

        @Override double miss(int row) {
            double m = 0;
            for (RowTest t : tests) m += t.miss(row);
            return m;
        }

        @Override void spans(int row, List<Span> out) {
            for (RowTest t : tests) t.spans(row, out);
        }
    }

    static final class AnyOf extends RowTest {
        private final RowTest[] tests;

        AnyOf(RowTest[] tests) {
            this.tests = byCost(tests);
        }

        @Override boolean graded() {
            for (RowTest t : tests) if (t.graded()) return true;
            return false;
        }

        @Override int cost() {
            int c = 0;
            for (RowTest t : tests) c += t.cost();
            return c;
        }

        @Override boolean test(int row) {
            for (RowTest t : tests) if (t.test(row)) return true;
            return false;
        }

        @Override double miss(int row) {
            double m = Double.POSITIVE_INFINITY;
            for (RowTest t : tests) m = Math.min(m, t.miss(row));
            return m;
        }

        @Override void spans(int row, List<Span> out) {
            for (RowTest t : tests) if (t.test(row)) t.spans(row, out);
        }
    }

    static final class NoneOf extends RowTest {
        private final RowTest inner;

        NoneOf(RowTest inner) {
            this.inner = inner;
        }

        @Override int cost() {
            return inner.cost();
        }

        @Override boolean test(int row) {
            return !inner.test(row);
        }
    }

    static final class KeywordTest extends RowTest {
        private final TermMatcher matcher;
        private final boolean all;
        private final String[] hay;

        KeywordTest(TermMatcher matcher, boolean all, String[] hay) {
            this.matcher = matcher;
            this.all = all;
            this.hay = hay;
        }

        @Override int cost() {
            return 10 + 3 * matcher.size();
        }

        @Override boolean graded() {
            return all && matcher.size() > 1;
        }

        @Override boolean test(int row) {
            return all ? matcher.missing(hay[row]) == 0 : matcher.any(hay[row]);
        }

        @Override double miss(int row) {
            if (!all) return test(row) ? 0 : 1;
            return (double) matcher.missing(hay[row]) / matcher.size();
        }

        @Override void spans(int row, List<Span> out) {
            matcher.spans(hay[row], out, MAX_SPANS);
        }
    }

    /**
     * A regex find, skipped when the text lacks every literal a match needs, and tried only where a match can
     * start when every match starts with a known literal (see {@link RegexLiterals}): java.util.regex otherwise
     * attempts a match at every position of the text.
     */
    static final class RegexTest extends RowTest {
        private final Pattern pattern;
        private final String[] texts;
        private final long budgetNanos;
        private final TermMatcher prefilter;
        private final TermMatcher starts;
        private final String[] hay;

        RegexTest(Pattern pattern, String[] texts, long budgetNanos, TermMatcher prefilter, TermMatcher starts, String[] hay) {
            this.pattern = pattern;
            this.texts = texts;
            this.budgetNanos = budgetNanos;
            this.prefilter = prefilter;
            this.starts = starts;
            this.hay = hay;
        }

        @Override int cost() {
            return 60;
        }

        @Override boolean test(int row) {
            if (prefilter != null && !prefilter.any(hay[row])) return false;
            Matcher m = pattern.matcher(new DeadlineText(texts[row], budgetNanos, pattern.pattern()));
            if (starts == null) return m.find();
            // try a match only where one can start; transparent, non-anchoring bounds keep \b, ^ and lookbehind exact
            m.useTransparentBounds(true).useAnchoringBounds(false);
            String h = hay[row];
            int len = h.length();
            for (int t = 0; t < starts.size(); t++) {
                for (int at = starts.find(h, t, 0); at >= 0; at = starts.find(h, t, at + 1)) {
                    m.region(at, len);
                    if (m.lookingAt()) return true;
                }
            }
            return false;
        }

        @Override void spans(int row, List<Span> out) {
            Matcher m = pattern.matcher(new DeadlineText(texts[row], budgetNanos, pattern.pattern()));
            int from = 0;
            while (out.size() < MAX_SPANS && from <= texts[row].length() && m.find(from)) {
                if (m.end() > m.start()) out.add(new Span(m.start(), m.end()));
                from = m.end() > m.start() ? m.end() : m.end() + 1;
            }
        }
    }

    /** A number within [min, max]; NaN (no value: no words, a lone candidate) never passes. */
    static final class MeasureTest extends RowTest {
        private final float[] values;
        private final float min;
        private final float max;
        private final Double minD;
        private final Double maxD;

        MeasureTest(float[] values, Double min, Double max) {
            this.values = values;
            this.minD = min;
            this.maxD = max;
            this.min = min == null ? Float.NEGATIVE_INFINITY : min.floatValue();
            this.max = max == null ? Float.POSITIVE_INFINITY : max.floatValue();
        }

        @Override int cost() {
            return 1;
        }

        @Override boolean graded() {
            return true;
        }

        @Override boolean test(int row) {
            float x = values[row];
            return x >= min && x <= max; // false for NaN
        }

        @Override double miss(int row) {
            float x = values[row];
            if (Float.isNaN(x)) return 1;
            if (minD != null && x < min) return (minD - x) / Math.max(Math.abs(minD), 1);
            if (maxD != null && x > max) return (x - maxD) / Math.max(Math.abs(maxD), 1);
            return 0;
        }
    }

    /** Starts or ends with one of the texts (whitespace at that end ignored). */
    static final class EdgeTest extends RowTest {
        private final TermMatcher m;
        private final boolean end;
        private final String[] hay;

        EdgeTest(TermMatcher m, boolean end, String[] hay) {
            this.m = m;
            this.end = end;
            this.hay = hay;
        }

        private int matchAt(String s) {
            if (!end) {
                int a = 0;
                while (a < s.length() && Character.isWhitespace(s.charAt(a))) a++;
                for (int t = 0; t < m.size(); t++) {
                    if (s.startsWith(m.terms[t], a) && m.boundaries(s, a, t)) return t;
                }
            } else {
                int b = s.length();
                while (b > 0 && Character.isWhitespace(s.charAt(b - 1))) b--;
                for (int t = 0; t < m.size(); t++) {
                    int a = b - m.terms[t].length();
                    if (a >= 0 && s.startsWith(m.terms[t], a) && m.boundaries(s, a, t)) return t;
                }
            }
            return -1;
        }

        @Override boolean test(int row) {
            return matchAt(hay[row]) >= 0;
        }

        @Override void spans(int row, List<Span> out) {
            String s = hay[row];
            int t = matchAt(s);
            if (t < 0) return;
            int len = m.terms[t].length();
            if (!end) {
                int a = 0;
                while (a < s.length() && Character.isWhitespace(s.charAt(a))) a++;
                out.add(new Span(a, a + len));
            } else {
                int b = s.length();
                while (b > 0 && Character.isWhitespace(s.charAt(b - 1))) b--;
                out.add(new Span(b - len, b));
            }
        }
    }

    static final class StructureTest extends RowTest {
        private final Element element;
        private final String[] texts;

        StructureTest(Element element, String[] texts) {
            this.element = element;
            this.texts = texts;
        }

        @Override int cost() {
            return element == Element.JSON ? 30 : 15;
        }

        @Override boolean test(int row) {
            return Structures.find(element, texts[row]) != null;
        }

        @Override void spans(int row, List<Span> out) {
            Span s = Structures.find(element, texts[row]);
            if (s != null) out.add(s);
        }
    }

    /** Phrase-list hits are counted once per corpus (a measure); the spans are found again for shown rows only. */
    static final class PhraseTest extends RowTest {
        private final MeasureTest count;
        private final TermMatcher matcher;
        private final String[] lower;

        @Override int cost() {
            return 1;
        }

        @Override boolean graded() {
            return true;
        }

        PhraseTest(float[] hits, int minMatches, TermMatcher matcher, String[] lower) {
            this.count = new MeasureTest(hits, (double) minMatches, null);
            this.matcher = matcher;
            this.lower = lower;
        }

        @Override boolean test(int row) {
            return count.test(row);
        }

        @Override double miss(int row) {
            return count.miss(row);
        }

        @Override void spans(int row, List<Span> out) {
            List<Span> found = new ArrayList<>();
            matcher.spans(lower[row], found, MAX_SPANS);
            out.addAll(found);
        }
    }
}
