package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fitted model whose posterior is log-linear in the votes: log-odds(GOOD | row) = logit(p) + Σ_i w_i(λ_i), with
 * one weight per LF and vote value (GOOD, BAD, ABSTAIN). Both the matrix-completion model and Dawid–Skene end up
 * here, so prediction is one column-wise accumulation of weights and a sigmoid, and a stored run (class balance
 * + per-LF estimates) is enough to rebuild the model and predict again.
 */
public final class LogLinearModel implements FittedLabelModel {

    /** Rows per prediction chunk: the chunk's float accumulators (64 KB) stay in L2 while the columns stream by. */
    private static final int CHUNK_ROWS = 1 << 14;

    private final String kind;
    private final double classBalance;
    private final List<LfEstimate> estimates;
    private final Map<String, Object> parameters;

    /**
     * @param classBalance P(GOOD) prior, strictly between 0 and 1
     * @param estimates    per LF, in column order
     * @param parameters   plain values (numbers, strings, booleans), kept in the given order
     */
    public LogLinearModel(String kind, double classBalance, List<LfEstimate> estimates, Map<String, Object> parameters) {
        if (!(classBalance > 0 && classBalance < 1)) {
            throw new IllegalArgumentException("class balance must be strictly between 0 and 1, got " + classBalance);
        }
        this.kind = Objects.requireNonNull(kind);
        this.classBalance = classBalance;
        this.estimates = List.copyOf(estimates);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int lfs() {
        return estimates.size();
    }

    @Override
    public double classBalance() {
        return classBalance;
    }

    @Override
    public List<LfEstimate> estimates() {
        return estimates;
    }

    @Override
    public Explanation.Unit unit() {
        return Explanation.Unit.LOG_ODDS;
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The prior's log-odds, the base of every row's score. */
    public double bias() {
        return Math.log(classBalance / (1 - classBalance));
    }

    @Override
    public float[] predict(VoteMatrix votes) {
        requireColumns(votes);
        int n = votes.rows();
        int m = lfs();
        // w(v) = a + v·(b + v·c) reproduces the three weights for v ∈ {−1, 0, 1} without a branch or a table.
        float[] a = new float[m], b = new float[m], c = new float[m];
        for (int i = 0; i < m; i++) {
            LfEstimate e = estimates.get(i);
            a[i] = (float) e.abstainWeight();
            b[i] = (float) ((e.goodWeight() - e.badWeight()) / 2);
            c[i] = (float) ((e.goodWeight() + e.badWeight()) / 2 - e.abstainWeight());
        }
        float bias = (float) bias();
        float[] out = new float[n];
        RowChunks.forEach(RowChunks.count(n, CHUNK_ROWS), chunk -> {
            int start = chunk * CHUNK_ROWS;
            int end = Math.min(n, start + CHUNK_ROWS);
            Arrays.fill(out, start, end, bias);
            for (int i = 0; i < m; i++) {
                byte[] col = votes.column(i);
                float ai = a[i], bi = b[i], ci = c[i];
                if (ai == 0 && bi == 0 && ci == 0) continue;
                for (int r = start; r < end; r++) {
                    float v = col[r];
                    out[r] += ai + v * (bi + v * ci);
                }
            }
            for (int r = start; r < end; r++) out[r] = (float) (1 / (1 + Math.exp(-out[r])));
        });
        return out;
    }

    @Override
    public Explanation explain(VoteMatrix votes, int row) {
        requireColumns(votes);
        double[] contributions = new double[lfs()];
        double score = bias();
        for (int i = 0; i < contributions.length; i++) {
            contributions[i] = estimates.get(i).weight(votes.get(row, i));
            score += contributions[i];
        }
        return new Explanation(row, Explanation.Unit.LOG_ODDS, bias(), contributions, score, 1 / (1 + Math.exp(-score)));
    }

    private void requireColumns(VoteMatrix votes) {
        if (votes.lfs() != lfs()) {
            throw new IllegalArgumentException("model fitted on " + lfs() + " LFs, matrix has " + votes.lfs());
        }
    }

    @Override
    public String toString() {
        return kind + " (P(GOOD) prior " + classBalance + ", " + lfs() + " LFs)";
    }
}
