package dev.prefwork.reward.train;

import java.util.Arrays;

/**
 * The reward model's training objective over the scores s of all candidates (rows), three terms each averaged
 * over its own examples and weighted:
 * <pre>
 *   L(s) = w_soft · mean_i [ −q_i log σ(s_i) − (1 − q_i) log σ(−s_i) ]        label-model soft labels (noise-aware)
 *        + w_gold · mean_g [ −y_g log σ(s_g) − (1 − y_g) log σ(−s_g) ]        the expert's GOOD (1) / BAD (0)
 *        + w_pair · Σ_k c_k [ −log σ(s_winner − s_loser) ] / Σ_k c_k       Bradley–Terry on the expert's pairs
 *        + w_lf   · Σ_t c_t [ −log σ(s_preferred − s_other) ] / Σ_t c_t     Bradley–Terry on comparative LFs' pairs
 * </pre>
 * The last term takes weak pairwise targets (a comparative LF that prefers one candidate of a prompt over another):
 * they are weak labels like the soft labels, so they are kept in every fold and never measured on.
 * Averaging each term over its own examples keeps a few hundred gold judgments from drowning in 50K soft labels.
 * With ∂/∂s of −q log σ(s) − (1−q) log σ(−s) = σ(s) − q and ∂/∂Δ of −log σ(Δ) = −σ(−Δ). A term without
 * examples (no gold yet) is left out. The regulariser is the trainer's.
 */
public final class RewardLoss {

    /**
     * What the scores are fitted to, as row indices.
     *
     * @param softRows    rows with a label-model probability, {@code softQ} in [0, 1] in the same order
     * @param goldRows    rows with a gold label, {@code goldY} 1 for GOOD and 0 for BAD
     * @param winners     pairwise gold: row {@code winners[k]} beats row {@code losers[k]} with weight {@code pairWeights[k]}
     * @param preferred   weak pairwise targets: row {@code preferred[t]} over row {@code others[t]} with weight {@code targetWeights[t]}
     */
    public record Targets(int[] softRows, float[] softQ, int[] goldRows, float[] goldY, int[] winners, int[] losers,
                          float[] pairWeights, int[] preferred, int[] others, float[] targetWeights) {

        public Targets {
            if (softRows.length != softQ.length || goldRows.length != goldY.length || winners.length != losers.length
                    || winners.length != pairWeights.length || preferred.length != others.length
                    || preferred.length != targetWeights.length) {
                throw new IllegalArgumentException("target arrays differ in length");
            }
        }

        /** Without weak pairwise targets. */
        public Targets(int[] softRows, float[] softQ, int[] goldRows, float[] goldY, int[] winners, int[] losers, float[] pairWeights) {
            this(softRows, softQ, goldRows, goldY, winners, losers, pairWeights, new int[0], new int[0], new float[0]);
        }

        public static Targets none() {
            return new Targets(new int[0], new float[0], new int[0], new float[0], new int[0], new int[0], new float[0]);
        }

        public boolean isEmpty() {
            return softRows.length == 0 && goldRows.length == 0 && winners.length == 0 && preferred.length == 0;
        }
    }

    /** The terms' weights ({@code pairTargets}: the comparative LFs' pairs). */
    public record Weights(double soft, double gold, double pairs, double pairTargets) {
        public Weights {
            if (!(soft >= 0) || !(gold >= 0) || !(pairs >= 0) || !(pairTargets >= 0)) {
                throw new IllegalArgumentException("loss weights must be ≥ 0");
            }
        }

        public Weights(double soft, double gold, double pairs) {
            this(soft, gold, pairs, 1);
        }

        public static Weights defaults() {
            return new Weights(1, 1, 1, 1);
        }

        /** Gold (labels and pairs) weighted {@code w} times the base weights, the weak terms as they are. */
        public Weights withGoldScaled(double w) {
            return new Weights(soft, gold * w, pairs * w, pairTargets);
        }

        /** Gold alone: the weak terms (soft labels, comparative LFs' pairs) switched off. */
        public Weights goldOnly() {
            return new Weights(0, gold, pairs, 0);
        }

        public Weights withPairTargets(double w) {
            return new Weights(soft, gold, pairs, w);
        }
    }

    private final Targets targets;
    private final Weights weights;
    private final double pairWeightSum;
    private final double targetWeightSum;

    public RewardLoss(Targets targets, Weights weights) {
        this.targets = targets;
        this.weights = weights;
        double sum = 0;
        for (float c : targets.pairWeights()) sum += c;
        this.pairWeightSum = sum;
        double t = 0;
        for (float c : targets.targetWeights()) t += c;
        this.targetWeightSum = t;
    }

    public Targets targets() {
        return targets;
    }

    /** L(s); fills {@code dLds} (length of {@code s}) with ∂L/∂s. */
    public double evaluate(double[] s, double[] dLds) {
        Arrays.fill(dLds, 0);
        double total = 0;
        int[] soft = targets.softRows();
        if (soft.length > 0 && weights.soft() > 0) {
            double w = weights.soft() / soft.length, sum = 0;
            float[] q = targets.softQ();
            for (int k = 0; k < soft.length; k++) {
                int r = soft[k];
                sum += crossEntropy(q[k], s[r]);
                dLds[r] += w * (sigmoid(s[r]) - q[k]);
            }
            total += w * sum;
        }
        int[] gold = targets.goldRows();
        if (gold.length > 0 && weights.gold() > 0) {
            double w = weights.gold() / gold.length, sum = 0;
            float[] y = targets.goldY();
            for (int k = 0; k < gold.length; k++) {
                int r = gold[k];
                sum += crossEntropy(y[k], s[r]);
                dLds[r] += w * (sigmoid(s[r]) - y[k]);
            }
            total += w * sum;
        }
        total += bradleyTerry(s, dLds, targets.winners(), targets.losers(), targets.pairWeights(), weights.pairs(), pairWeightSum);
        total += bradleyTerry(s, dLds, targets.preferred(), targets.others(), targets.targetWeights(), weights.pairTargets(), targetWeightSum);
        return total;
    }

    /** w · Σ c_k softplus(−(s_a − s_b)) / Σ c_k, adding its gradient into {@code dLds}. */
    private static double bradleyTerry(double[] s, double[] dLds, int[] a, int[] b, float[] c, double weight, double weightSum) {
        if (a.length == 0 || weight <= 0 || weightSum <= 0) return 0;
        double w = weight / weightSum, sum = 0;
        for (int k = 0; k < a.length; k++) {
            double delta = s[a[k]] - s[b[k]];
            sum += c[k] * softplus(-delta);
            double g = w * c[k] * sigmoid(-delta);
            dLds[a[k]] -= g;
            dLds[b[k]] += g;
        }
        return w * sum;
    }

    /** −q log σ(s) − (1 − q) log σ(−s), stable for large |s|. */
    static double crossEntropy(double q, double s) {
        return q * softplus(-s) + (1 - q) * softplus(s);
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    public static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
