package dev.prefwork.labeling.model;

import java.util.List;
import java.util.Map;

/**
 * Per-aspect P(GOOD) for every row, plus which rows each aspect voted on, so that aspect weights can be changed
 * and recombined in milliseconds (the rule is documented on {@link AspectFit}).
 */
public final class AspectPredictions {

    private static final int CHUNK_ROWS = 1 << 14;

    private final List<String> aspects;
    private final float[][] pGood;
    private final float[][] logOdds; // clipped logit of pGood, computed once so recombining is a weighted sum
    private final byte[][] voted;

    AspectPredictions(List<String> aspects, float[][] pGood, byte[][] voted) {
        this.aspects = List.copyOf(aspects);
        this.pGood = pGood;
        this.voted = voted;
        this.logOdds = new float[pGood.length][];
        for (int a = 0; a < pGood.length; a++) {
            float[] p = pGood[a], l = new float[p.length];
            RowChunks.forEach(RowChunks.count(p.length, CHUNK_ROWS), chunk -> {
                int end = Math.min(p.length, (chunk + 1) * CHUNK_ROWS);
                for (int r = chunk * CHUNK_ROWS; r < end; r++) l[r] = (float) clippedLogit(p[r]);
            });
            logOdds[a] = l;
        }
    }

    public List<String> aspects() {
        return aspects;
    }

    /** The aspect's own P(GOOD) per row (shared array: do not modify). */
    public float[] pGood(String aspect) {
        return pGood[index(aspect)];
    }

    /** Whether any of the aspect's LFs voted on the row. */
    public boolean voted(String aspect, int row) {
        return voted[index(aspect)][row] != 0;
    }

    public float[] combine(Map<String, Double> weights) {
        double[] w = weights(aspects, weights);
        int rows = pGood.length == 0 ? 0 : pGood[0].length;
        int count = aspects.size();
        float[] out = new float[rows];
        RowChunks.forEach(RowChunks.count(rows, CHUNK_ROWS), chunk -> {
            int end = Math.min(rows, (chunk + 1) * CHUNK_ROWS);
            for (int r = chunk * CHUNK_ROWS; r < end; r++) {
                double sumWeights = 0, sum = 0;
                for (int pass = 0; pass < 2 && sumWeights == 0; pass++) {
                    // First pass: the aspects that voted on the row; second (when none did): every weighted aspect.
                    for (int a = 0; a < count; a++) {
                        if (w[a] > 0 && (pass == 1 || voted[a][r] != 0)) {
                            sumWeights += w[a];
                            sum += w[a] * logOdds[a][r];
                        }
                    }
                }
                out[r] = (float) (1 / (1 + Math.exp(-sum / sumWeights)));
            }
        });
        return out;
    }

    static double[] weights(List<String> aspects, Map<String, Double> weights) {
        for (String name : weights.keySet()) {
            if (!aspects.contains(name)) throw new IllegalArgumentException("no aspect " + name);
        }
        double[] w = new double[aspects.size()];
        double total = 0;
        for (int a = 0; a < w.length; a++) {
            w[a] = weights.getOrDefault(aspects.get(a), 1.0);
            if (!(w[a] >= 0) || Double.isInfinite(w[a])) {
                throw new IllegalArgumentException("weight of " + aspects.get(a) + " must be a finite number ≥ 0, got " + w[a]);
            }
            total += w[a];
        }
        if (total == 0) throw new IllegalArgumentException("at least one aspect needs a positive weight");
        return w;
    }

    /** Each aspect's share of one row's log-odds: its weight over the weights of the aspects that count there. */
    static double[] shares(double[] w, boolean[] voted) {
        double[] share = new double[w.length];
        double sum = 0;
        for (int a = 0; a < w.length; a++) {
            if (w[a] > 0 && voted[a]) sum += w[a];
        }
        boolean anyVoted = sum > 0;
        if (!anyVoted) {
            for (double x : w) sum += x;
        }
        for (int a = 0; a < w.length; a++) share[a] = (anyVoted && !voted[a]) ? 0 : w[a] / sum;
        return share;
    }

    static double clippedLogit(double p) {
        double c = Math.max(AspectFit.CLIP, Math.min(1 - AspectFit.CLIP, p));
        return Math.log(c / (1 - c));
    }

    private int index(String aspect) {
        int a = aspects.indexOf(aspect);
        if (a < 0) throw new IllegalArgumentException("no aspect " + aspect);
        return a;
    }
}
