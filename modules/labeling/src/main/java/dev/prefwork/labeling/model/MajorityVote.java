package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Majority vote (DESIGN §6): P(GOOD) = 1 when more LFs vote GOOD than BAD, 0 when fewer, 0.5 on a tie, and the
 * class balance when no LF votes. It learns no weights; as "accuracy" it reports how often an LF agrees with the
 * majority of the <em>other</em> LFs (leaving the LF out so it does not vote for itself), on rows where that
 * majority is decisive. An estimated class balance is the GOOD share of the rows the majority decides.
 */
public final class MajorityVote implements LabelModel {

    public static final String KIND = "majority";
    private static final int CHUNK_ROWS = 1 << 14;

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int minimumLfs() {
        return 1;
    }

    @Override
    public MajorityVoteModel fit(VoteMatrix votes, FitOptions options) {
        int n = votes.rows();
        int m = votes.lfs();
        if (m < minimumLfs()) throw new IllegalArgumentException("majority vote needs at least one LF");
        int chunks = RowChunks.count(n, CHUNK_ROWS);
        // Per chunk: [voted_i, decisive_i, agree_i for each LF] + [rows decided GOOD, rows decided].
        long[][] partial = new long[chunks][];
        RowChunks.forEach(chunks, chunk -> partial[chunk] = countChunk(votes, chunk));
        long[] total = new long[3 * m + 2];
        for (long[] p : partial) {
            for (int k = 0; k < total.length; k++) total[k] += p[k];
        }
        double balance;
        if (options.classPrior() instanceof ClassPrior.Fixed fixed) {
            balance = fixed.pGood();
        } else {
            long good = total[3 * m], decided = total[3 * m + 1];
            // Laplace smoothing keeps the estimate strictly inside (0, 1); 0.5 when nothing is decided.
            balance = (good + 1.0) / (decided + 2.0);
        }
        List<LfEstimate> estimates = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            long voted = total[3 * i], decisive = total[3 * i + 1], agree = total[3 * i + 2];
            double accuracy = decisive == 0 ? Double.NaN : agree / (double) decisive;
            double propensity = n == 0 ? 0 : voted / (double) n;
            estimates.add(new LfEstimate(accuracy, propensity, 1, -1, 0));
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("kind", KIND);
        parameters.put("classPrior", options.classPrior().mode());
        parameters.put("seed", options.seed());
        return new MajorityVoteModel(balance, estimates, parameters);
    }

    private static long[] countChunk(VoteMatrix votes, int chunk) {
        int m = votes.lfs();
        int start = chunk * CHUNK_ROWS;
        int end = Math.min(votes.rows(), start + CHUNK_ROWS);
        int[] sum = new int[end - start];
        for (int i = 0; i < m; i++) {
            byte[] col = votes.column(i);
            for (int r = start; r < end; r++) sum[r - start] += col[r];
        }
        long[] out = new long[3 * m + 2];
        for (int i = 0; i < m; i++) {
            byte[] col = votes.column(i);
            long voted = 0, decisive = 0, agree = 0;
            for (int r = start; r < end; r++) {
                int v = col[r];
                int others = sum[r - start] - v;
                voted += v != 0 ? 1 : 0;
                decisive += (v != 0 & others != 0) ? 1 : 0;
                agree += v * others > 0 ? 1 : 0;
            }
            out[3 * i] = voted;
            out[3 * i + 1] = decisive;
            out[3 * i + 2] = agree;
        }
        long good = 0, decided = 0;
        for (int s : sum) {
            good += s > 0 ? 1 : 0;
            decided += s != 0 ? 1 : 0;
        }
        out[3 * m] = good;
        out[3 * m + 1] = decided;
        return out;
    }
}
