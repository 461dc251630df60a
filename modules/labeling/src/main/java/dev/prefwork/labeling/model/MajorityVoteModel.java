package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fitted {@link MajorityVote}: the class balance for rows without votes, and per-LF agreement figures. */
public final class MajorityVoteModel implements FittedLabelModel {

    private static final int CHUNK_ROWS = 1 << 14;

    private final double classBalance;
    private final List<LfEstimate> estimates;
    private final Map<String, Object> parameters;

    public MajorityVoteModel(double classBalance, List<LfEstimate> estimates, Map<String, Object> parameters) {
        if (!(classBalance >= 0 && classBalance <= 1)) {
            throw new IllegalArgumentException("class balance must be within [0, 1], got " + classBalance);
        }
        this.classBalance = classBalance;
        this.estimates = List.copyOf(estimates);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    @Override
    public String kind() {
        return MajorityVote.KIND;
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
        return Explanation.Unit.VOTES;
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    @Override
    public float[] predict(VoteMatrix votes) {
        requireColumns(votes);
        int n = votes.rows();
        int m = lfs();
        float[] out = new float[n];
        float noVotes = (float) classBalance;
        RowChunks.forEach(RowChunks.count(n, CHUNK_ROWS), chunk -> {
            int start = chunk * CHUNK_ROWS;
            int end = Math.min(n, start + CHUNK_ROWS);
            int[] sum = new int[end - start];
            int[] voters = new int[end - start];
            for (int i = 0; i < m; i++) {
                byte[] col = votes.column(i);
                for (int r = start; r < end; r++) {
                    int v = col[r];
                    sum[r - start] += v;
                    voters[r - start] += v & 1; // 1 for GOOD (0x01) and BAD (0xFF), 0 for ABSTAIN
                }
            }
            for (int r = start; r < end; r++) out[r] = decide(sum[r - start], voters[r - start], noVotes);
        });
        return out;
    }

    private static float decide(int margin, int voters, float noVotes) {
        if (margin > 0) return 1f;
        if (margin < 0) return 0f;
        return voters == 0 ? noVotes : 0.5f;
    }

    @Override
    public Explanation explain(VoteMatrix votes, int row) {
        requireColumns(votes);
        double[] contributions = new double[lfs()];
        int margin = 0, voters = 0;
        for (int i = 0; i < contributions.length; i++) {
            int v = votes.get(row, i);
            contributions[i] = v;
            margin += v;
            voters += v != 0 ? 1 : 0;
        }
        return new Explanation(row, Explanation.Unit.VOTES, 0, contributions, margin, decide(margin, voters, (float) classBalance));
    }

    private void requireColumns(VoteMatrix votes) {
        if (votes.lfs() != lfs()) {
            throw new IllegalArgumentException("model fitted on " + lfs() + " LFs, matrix has " + votes.lfs());
        }
    }

    @Override
    public String toString() {
        return "majority (" + lfs() + " LFs)";
    }
}
