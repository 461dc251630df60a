package dev.prefwork.bench;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.TextStats;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.PhraseLists;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The baseline the engine is measured against: the same LF specs interpreted the straightforward way, one
 * candidate at a time on one thread, computing whatever a template needs (lowercase text, word counts,
 * sibling statistics) when it needs it: keywords and phrases by {@code toLowerCase().contains()} (as Snorkel's
 * keyword LF examples do), regexes compiled once per LF, nothing precomputed per corpus. Supports the templates
 * the benchmark uses.
 */
final class NaiveLfLoop {

    interface RowTest {
        boolean test(Corpus c, int row);
    }

    private final List<RowTest> tests = new ArrayList<>();
    private final List<RowTest> scopes = new ArrayList<>();
    private final byte[] votes;
    private final PhraseLists phrases;

    NaiveLfLoop(List<LfSpec> specs, PhraseLists phrases) {
        this.phrases = phrases;
        this.votes = new byte[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            LfSpec s = specs.get(i);
            tests.add(compile(s.when(), false));
            scopes.add(s.promptScope() == null ? null : compile(s.promptScope(), true));
            votes[i] = s.vote() == Verdict.GOOD ? (byte) 1 : (byte) -1;
        }
    }

    /** Votes of every LF on rows [0, rows), column-major like the engine's. */
    byte[][] run(Corpus c, int rows) {
        byte[][] out = new byte[tests.size()][rows];
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < tests.size(); j++) {
                RowTest scope = scopes.get(j);
                if ((scope == null || scope.test(c, row)) && tests.get(j).test(c, row)) out[j][row] = votes[j];
            }
        }
        return out;
    }

    private RowTest compile(Condition cond, boolean prompt) {
        if (cond instanceof And a) {
            List<RowTest> ts = a.conditions().stream().map(x -> compile(x, prompt)).toList();
            return (c, r) -> ts.stream().allMatch(t -> t.test(c, r));
        }
        if (cond instanceof Or o) {
            List<RowTest> ts = o.conditions().stream().map(x -> compile(x, prompt)).toList();
            return (c, r) -> ts.stream().anyMatch(t -> t.test(c, r));
        }
        if (cond instanceof Not n) {
            RowTest t = compile(n.condition(), prompt);
            return (c, r) -> !t.test(c, r);
        }
        if (cond instanceof Keywords k) {
            List<String> terms = k.terms().stream().map(t -> k.caseSensitive() ? t : t.toLowerCase(Locale.ROOT)).toList();
            boolean all = k.match() == Match.ALL;
            return (c, r) -> {
                String t = k.caseSensitive() ? text(c, r, prompt) : text(c, r, prompt).toLowerCase(Locale.ROOT);
                return all ? terms.stream().allMatch(t::contains) : terms.stream().anyMatch(t::contains);
            };
        }
        if (cond instanceof Regex x) {
            Pattern p = Pattern.compile(x.pattern(), Pattern.MULTILINE | (x.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            return (c, r) -> p.matcher(text(c, r, prompt)).find();
        }
        if (cond instanceof Length l) {
            return (c, r) -> {
                double v = measure(text(c, r, prompt), l.unit());
                if (l.relativeToPrompt()) {
                    double p = measure(c.promptText(c.promptIndex(r)), l.unit());
                    if (p == 0) return false;
                    v /= p;
                }
                return in(v, l.min(), l.max());
            };
        }
        if (cond instanceof StartsWith s) {
            return (c, r) -> {
                String t = text(c, r, prompt).strip().toLowerCase(Locale.ROOT);
                return s.texts().stream().anyMatch(x -> t.startsWith(x.toLowerCase(Locale.ROOT)));
            };
        }
        if (cond instanceof PhraseList pl) {
            List<String> ps = phrases.get(pl.list()).stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
            return (c, r) -> {
                String t = text(c, r, prompt).toLowerCase(Locale.ROOT).replace('\u2019', '\'');
                return ps.stream().filter(t::contains).count() >= pl.minMatches();
            };
        }
        if (cond instanceof Structure s) {
            Pattern p = switch (s.element()) {
                case CODE_BLOCK -> Pattern.compile("(?m)^ {0,3}(```|~~~)");
                case BULLETED_LIST -> Pattern.compile("(?m)(^[ \\t]*[-*+•][ \\t]+\\S.*\\n(?:.*\\n)*?){2}");
                case NUMBERED_LIST -> Pattern.compile("(?m)(^[ \\t]*\\d{1,3}[.)][ \\t]+\\S.*\\n?(?:.*\\n)*?){2}");
                case TABLE -> Pattern.compile("(?m)^.*\\|.*\\n[ \\t]*\\|?[ \\t]*:?-+:?[ \\t]*\\|");
                case JSON -> Pattern.compile("\\A\\s*[\\[{]");
            };
            return (c, r) -> p.matcher(text(c, r, prompt)).find();
        }
        if (cond instanceof Readability rd) return (c, r) -> in(TextStats.flesch(text(c, r, prompt)), rd.min(), rd.max());
        if (cond instanceof Repetition rp) {
            return (c, r) -> in(TextStats.duplicateNgramRate(TextStats.wordHashes(text(c, r, prompt)), rp.n()), rp.min(), rp.max());
        }
        if (cond instanceof Category k) {
            return (c, r) -> {
                String cat = c.promptCategory(c.promptIndex(r));
                return cat != null && k.categories().stream().anyMatch(x -> x.equalsIgnoreCase(cat));
            };
        }
        if (cond instanceof PromptOverlap o) {
            return (c, r) -> {
                String[] pw = c.promptText(c.promptIndex(r)).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+");
                List<String> content = Arrays.stream(pw).filter(w -> w.length() > 3).distinct().toList();
                if (content.isEmpty()) return false;
                java.util.Set<String> words = new java.util.HashSet<>(Arrays.asList(c.text(r).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")));
                long found = content.stream().filter(words::contains).count();
                return in((double) found / content.size(), o.min(), o.max());
            };
        }
        if (cond instanceof Rank rk) {
            return (c, r) -> {
                int p = c.promptIndex(r);
                double[] v = new double[c.groupSize(p)];
                double mine = 0;
                for (int k = 0; k < v.length; k++) {
                    int row = c.groupRow(p, k);
                    v[k] = rk.measure() == RankMeasure.CHARS ? c.text(row).length() : TextStats.words(c.text(row));
                    if (row == r) mine = v[k];
                }
                if (v.length < 2) return false;
                double max = Arrays.stream(v).max().orElse(0), min = Arrays.stream(v).min().orElse(0);
                double mean = Arrays.stream(v).average().orElse(0);
                double sd = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
                return switch (rk.select()) {
                    case HIGHEST -> max > min && mine == max;
                    case LOWEST -> max > min && mine == min;
                    case Z_SCORE -> in(sd == 0 ? 0 : (mine - mean) / sd, rk.min(), rk.max());
                };
            };
        }
        if (cond instanceof NearDuplicate nd) {
            return (c, r) -> {
                int p = c.promptIndex(r);
                long[] mine = TextStats.shingles(TextStats.wordHashes(c.text(r)), nd.shingle());
                for (int k = 0; k < c.groupSize(p); k++) {
                    int row = c.groupRow(p, k);
                    if (row != r && TextStats.jaccard(mine, TextStats.shingles(TextStats.wordHashes(c.text(row)), nd.shingle())) >= nd.threshold()) {
                        return true;
                    }
                }
                return false;
            };
        }
        throw new IllegalArgumentException("the naive loop does not support " + cond.getClass().getSimpleName());
    }

    private static String text(Corpus c, int row, boolean prompt) {
        return prompt ? c.promptText(c.promptIndex(row)) : c.text(row);
    }

    private static double measure(String s, LengthUnit unit) {
        return unit == LengthUnit.CHARS ? s.codePointCount(0, s.length()) : s.strip().isEmpty() ? 0 : s.strip().split("\\s+").length;
    }

    private static boolean in(double v, Double min, Double max) {
        return !Double.isNaN(v) && (min == null || v >= min) && (max == null || v <= max);
    }
}
