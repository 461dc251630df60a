package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfSpec;

import java.util.List;

/**
 * Evaluates a comparative LF over every pair of candidates of each prompt. The condition is evaluated once per
 * candidate (by the engine, cached like any LF's column), then each pair is decided from the two results: with
 * vote GOOD the candidate that matches is preferred over one that does not, with BAD the one that does not
 * match; when both or neither match, it abstains. A length ratio prefers the shorter (GOOD) or the longer (BAD)
 * of two candidates when one is at least {@code min} times as long as the other.
 */
public final class PairEvaluator {

    /** Pair votes: vote k prefers row {@code preferred[k]} over row {@code other[k]}. */
    public record Rows(int[] preferred, int[] other, String error) {
    }

    private PairEvaluator() {
    }

    /** Same-prompt pairs in the corpus. */
    public static long totalPairs(Corpus corpus) {
        long n = 0;
        for (int p = 0; p < corpus.prompts(); p++) {
            long k = corpus.groupSize(p);
            n += k * (k - 1) / 2;
        }
        return n;
    }

    public static Rows evaluate(LfEngine engine, LfSpec spec, Progress progress) {
        Corpus corpus = engine.corpus();
        // side[row]: 1 in scope and the condition holds (or: is the shorter), -1 in scope and not, 0 out of scope
        byte[] side;
        double[] length = null;
        if (spec.ratio() != null) {
            byte[] scope = column(engine, new LfSpec("scope", spec.aspect(), Verdict.GOOD, null, spec.promptScope(),
                    new Condition.Length(Condition.LengthUnit.CHARS, 0.0, null, false)), progress);
            if (scope == null) return new Rows(new int[0], new int[0], "the prompt scope cannot be evaluated");
            side = scope;
            length = new double[corpus.size()];
            for (int row = 0; row < length.length; row++) {
                if (scope[row] == 0) continue;
                String t = corpus.text(row);
                length[row] = spec.ratio().unit() == Condition.LengthUnit.WORDS ? TextStats.words(t) : TextStats.chars(t);
            }
        } else {
            ApplyResult r = engine.apply(List.of(
                    new LfSpec("match", spec.aspect(), Verdict.GOOD, null, spec.promptScope(), spec.when()),
                    new LfSpec("miss", spec.aspect(), Verdict.GOOD, null, spec.promptScope(), new Condition.Not(spec.when()))), progress);
            for (ApplyResult.Column c : r.columns()) if (c.error() != null) return new Rows(new int[0], new int[0], c.error());
            byte[] match = r.matrix().column(0), miss = r.matrix().column(1);
            side = new byte[corpus.size()];
            for (int row = 0; row < side.length; row++) side[row] = match[row] != 0 ? (byte) 1 : miss[row] != 0 ? (byte) -1 : 0;
        }
        IntList pref = new IntList(), other = new IntList();
        boolean good = spec.vote() == Verdict.GOOD;
        double min = spec.ratio() == null ? 0 : spec.ratio().min();
        for (int p = 0; p < corpus.prompts(); p++) {
            if ((p & 1023) == 0) progress.checkCancelled();
            int k = corpus.groupSize(p);
            for (int i = 0; i < k; i++) {
                int a = corpus.groupRow(p, i);
                if (side[a] == 0) continue;
                for (int j = i + 1; j < k; j++) {
                    int b = corpus.groupRow(p, j);
                    if (side[b] == 0) continue;
                    int winner; // the row the LF's condition picks out (the matching one, or the shorter)
                    if (length != null) {
                        double la = length[a], lb = length[b];
                        double lo = Math.min(la, lb), hi = Math.max(la, lb);
                        if (hi == lo || (lo > 0 ? hi / lo : Double.POSITIVE_INFINITY) < min) continue;
                        winner = la < lb ? a : b;
                    } else {
                        if (side[a] == side[b]) continue;
                        winner = side[a] > 0 ? a : b;
                    }
                    int loser = winner == a ? b : a;
                    pref.add(good ? winner : loser);
                    other.add(good ? loser : winner);
                }
            }
        }
        return new Rows(pref.toArray(), other.toArray(), null);
    }

    private static byte[] column(LfEngine engine, LfSpec spec, Progress progress) {
        ApplyResult r = engine.apply(List.of(spec), progress);
        return r.columns().get(0).error() != null ? null : r.matrix().column(0);
    }

    static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
