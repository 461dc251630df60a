package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Snorkel's matrix-completion label model (DESIGN §6; Ratner et al., "Training complex models with multi-task
 * weak supervision", 2019), for two classes and conditionally independent LFs.
 *
 * <p>With X the one-hot votes (n × 2m) and O = XᵀX / n, conditional independence gives, off each LF's own 2×2
 * block, O = μ P μᵀ where μ[2i+v][c] = P(LF i votes v | Y = c) and P = diag(p). The model minimises
 * ‖Ω∘(O − μPμᵀ)‖²_F + ‖μP𝟙 − diag(O)‖² + l2·‖μ − μ0‖²_F by full-batch SGD with momentum (Snorkel's defaults).
 * The data enter only through O, so the fit is one pass over the votes ({@link VoteOverlaps}) and then an
 * optimisation on 2m × 2m matrices whose cost does not depend on n.
 *
 * <p>Prediction is Snorkel's: P(Y = c | λ) ∝ p_c Π_{i votes} μ[i, λ_i, c] (abstains carry no evidence), i.e.
 * log-linear with weight log(μ[i,v,GOOD] / μ[i,v,BAD]) for a vote v of LF i.
 *
 * <p>Departures from Snorkel's code, none from DESIGN §6: (1) the descent starts at μ0 itself, where Snorkel
 * multiplies μ0 by one random number in [0, 1) (with 100 epochs a small factor leaves 3-LF fits far from the
 * optimum, e.g. accuracy off by 0.14 at a factor of 0.1), so the fit is deterministic and the seed is only
 * recorded; (2) after Snorkel's clamp to [ε, 1 − ε] each LF's P(GOOD vote | c) + P(BAD vote | c) is scaled down to
 * at most 1 so μ is a valid conditional distribution; (3) l2 weighs ‖μ − μ0‖² as DESIGN writes it, where Snorkel's
 * code computes ‖l2·(μ − μ0)‖² (the same at the default l2 = 0); (4) an estimated class prior comes from the third
 * moments of the votes ({@link ClassBalanceEstimator}) where Snorkel would assume a uniform one.
 */
public final class SnorkelLabelModel implements LabelModel {

    public static final String KIND = "snorkel";

    /**
     * Snorkel's defaults (lr 0.01, momentum 0.9, prec_init 0.7, l2 0) but 300 epochs instead of 100: with weak
     * overlaps 100 epochs stop short (a strong LF's accuracy reads 0.82 instead of 0.90), which the UI would show
     * next to gold as if it were learned; 300 converge and the optimisation still costs about a millisecond.
     */
    public record Parameters(int epochs, double learningRate, double momentum, double precInit, double l2) {
        public Parameters {
            if (epochs < 0) throw new IllegalArgumentException("epochs must be ≥ 0");
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0");
            if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1)");
            if (!(precInit > 0 && precInit <= 1)) throw new IllegalArgumentException("prec_init must be in (0, 1]");
            if (!(l2 >= 0)) throw new IllegalArgumentException("l2 must be ≥ 0");
        }

        public static Parameters defaults() {
            return new Parameters(300, 0.01, 0.9, 0.7, 0.0);
        }
    }

    private final Parameters parameters;

    public SnorkelLabelModel() {
        this(Parameters.defaults());
    }

    public SnorkelLabelModel(Parameters parameters) {
        this.parameters = parameters;
    }

    public Parameters parameters() {
        return parameters;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Three LFs are the fewest for which the off-diagonal blocks of O determine μ. */
    @Override
    public int minimumLfs() {
        return 3;
    }

    @Override
    public LogLinearModel fit(VoteMatrix votes, FitOptions options) {
        int m = votes.lfs();
        if (m < minimumLfs()) {
            throw new IllegalArgumentException("the matrix-completion model needs at least 3 LFs, got " + m);
        }
        boolean estimate = options.classPrior() instanceof ClassPrior.Estimated;
        VoteOverlaps overlaps = VoteOverlaps.compute(votes, estimate ? ClassBalanceEstimator.triplets(m) : new int[0][]);
        double p;
        if (estimate) {
            p = ClassBalanceEstimator.estimate(overlaps);
            // Not identifiable (no informative triplet): Snorkel's own default, a uniform prior.
            if (Double.isNaN(p)) p = 0.5;
        } else {
            p = ((ClassPrior.Fixed) options.classPrior()).pGood();
        }
        return fit(overlaps, p, options);
    }

    /**
     * The optimisation alone, on overlaps already counted (e.g. kept between fits, or to time the two stages);
     * {@code options} only supplies what is recorded in the parameters.
     */
    public LogLinearModel fit(VoteOverlaps overlaps, double pGood, FitOptions options) {
        if (!(pGood > 0 && pGood < 1)) throw new IllegalArgumentException("P(GOOD) must be strictly between 0 and 1");
        int m = overlaps.lfs();
        int d = 2 * m;
        double[][] o = overlaps.overlapMatrix();
        double[] prior = {pGood, 1 - pGood}; // class 0 = GOOD, 1 = BAD; vote index 0 = GOOD, 1 = BAD likewise

        // μ0: P(vote v | Y = v) = P(vote v) · prec_init / P(Y = v) (Bayes with precision prec_init), 0 off the diagonal.
        double[][] mu0 = new double[d][2];
        for (int a = 0; a < d; a++) {
            int v = a & 1;
            mu0[a][v] = clamp(o[a][a] * parameters.precInit() / prior[v], 0, 1);
        }
        double[][] mu = new double[d][2];
        for (int a = 0; a < d; a++) mu[a] = mu0[a].clone();

        double[][] velocity = new double[d][2];
        double[][] grad = new double[d][2];
        Workspace work = new Workspace(d);
        double lr = parameters.learningRate(), momentum = parameters.momentum(), l2 = parameters.l2();
        for (int epoch = 0; epoch < parameters.epochs(); epoch++) {
            gradient(o, mu, mu0, prior, l2, work, grad);
            // torch.optim.SGD with momentum (no dampening, not Nesterov), as Snorkel uses it.
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < 2; c++) {
                    velocity[a][c] = momentum * velocity[a][c] + grad[a][c];
                    mu[a][c] -= lr * velocity[a][c];
                }
            }
        }
        double loss = loss(o, mu, mu0, prior, l2, work);

        int rows = overlaps.rows();
        double eps = Math.min(0.01, Math.pow(10, -Math.ceil(Math.log10(Math.max(rows, 1)))));
        makeValid(mu, eps);
        boolean swapped = breakColumnSymmetry(mu, prior);

        List<LfEstimate> estimates = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            double coverage = overlaps.coverage(i);
            double correct = mu[2 * i][0] * prior[0] + mu[2 * i + 1][1] * prior[1];
            double accuracy = coverage == 0 ? Double.NaN : clamp(correct / coverage, 1e-6, 1);
            double goodWeight = Math.log(mu[2 * i][0] / mu[2 * i][1]);
            double badWeight = Math.log(mu[2 * i + 1][0] / mu[2 * i + 1][1]);
            estimates.add(new LfEstimate(accuracy, coverage, goodWeight, badWeight, 0));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("kind", KIND);
        params.put("classPrior", options.classPrior().mode());
        params.put("seed", options.seed());
        params.put("epochs", parameters.epochs());
        params.put("learningRate", parameters.learningRate());
        params.put("momentum", parameters.momentum());
        params.put("precInit", parameters.precInit());
        params.put("l2", parameters.l2());
        params.put("muEps", eps);
        params.put("finalLoss", loss);
        params.put("columnsSwapped", swapped);
        return new LogLinearModel(KIND, pGood, estimates, params);
    }

    /** Scratch matrices of one optimisation, allocated once (the loop runs 100 times on tiny matrices). */
    static final class Workspace {
        final double[][] scaled;     // μP
        final double[][] residual;   // R = Ω∘(O − μPμᵀ)
        final double[] diagResidual; // r = μP𝟙 − diag(O)

        Workspace(int d) {
            scaled = new double[d][2];
            residual = new double[d][d];
            diagResidual = new double[d];
        }
    }

    /** The loss of DESIGN §6: ‖Ω∘(O − μPμᵀ)‖²_F + ‖μP𝟙 − diag(O)‖² + l2·‖μ − μ0‖²_F. */
    static double loss(double[][] o, double[][] mu, double[][] mu0, double[] prior, double l2, Workspace work) {
        residuals(o, mu, prior, work);
        double loss = 0;
        for (int a = 0; a < o.length; a++) {
            for (int b = 0; b < o.length; b++) loss += work.residual[a][b] * work.residual[a][b];
            loss += work.diagResidual[a] * work.diagResidual[a];
            for (int c = 0; c < 2; c++) loss += l2 * (mu[a][c] - mu0[a][c]) * (mu[a][c] - mu0[a][c]);
        }
        return loss;
    }

    /** Its gradient: −4RμP + 2rpᵀ + 2·l2·(μ − μ0) (R is symmetric, so the two terms of μPμᵀ give 4, not 2). */
    static void gradient(double[][] o, double[][] mu, double[][] mu0, double[] prior, double l2, Workspace work,
                         double[][] out) {
        residuals(o, mu, prior, work);
        int d = o.length;
        for (int a = 0; a < d; a++) {
            double[] ra = work.residual[a];
            double rmp0 = 0, rmp1 = 0; // (RμP)[a][·]
            for (int b = 0; b < d; b++) {
                rmp0 += ra[b] * work.scaled[b][0];
                rmp1 += ra[b] * work.scaled[b][1];
            }
            out[a][0] = -4 * rmp0 + 2 * work.diagResidual[a] * prior[0] + 2 * l2 * (mu[a][0] - mu0[a][0]);
            out[a][1] = -4 * rmp1 + 2 * work.diagResidual[a] * prior[1] + 2 * l2 * (mu[a][1] - mu0[a][1]);
        }
    }

    private static void residuals(double[][] o, double[][] mu, double[] prior, Workspace work) {
        int d = o.length;
        double[][] scaled = work.scaled;
        for (int a = 0; a < d; a++) {
            scaled[a][0] = mu[a][0] * prior[0];
            scaled[a][1] = mu[a][1] * prior[1];
        }
        for (int a = 0; a < d; a++) {
            int lf = a >>> 1;
            double[] ra = work.residual[a];
            for (int b = 0; b < d; b++) {
                // Ω leaves out each LF's own 2×2 block: its diagonal is fitted by the second term instead, and its
                // off-diagonal (GOOD and BAD at once) is structurally zero.
                ra[b] = (b >>> 1) == lf ? 0 : o[a][b] - (scaled[a][0] * mu[b][0] + scaled[a][1] * mu[b][1]);
            }
            work.diagResidual[a] = scaled[a][0] + scaled[a][1] - o[a][a];
        }
    }

    /**
     * Makes μ a set of valid conditional distributions: entries within [ε, 1 − ε] as Snorkel clamps them (ε as in
     * Snorkel: min(0.01, 10^−⌈log10 n⌉)), and for each LF and class P(GOOD vote) + P(BAD vote) ≤ 1, which the
     * loss does not enforce and sampling noise can break for LFs that almost always vote.
     */
    private static void makeValid(double[][] mu, double eps) {
        for (double[] row : mu) {
            row[0] = clamp(row[0], eps, 1 - eps);
            row[1] = clamp(row[1], eps, 1 - eps);
        }
        for (int a = 0; a < mu.length; a += 2) {
            for (int c = 0; c < 2; c++) {
                double sum = mu[a][c] + mu[a + 1][c];
                if (sum > 1) {
                    mu[a][c] /= sum;
                    mu[a + 1][c] /= sum;
                }
            }
        }
    }

    /**
     * Snorkel's permutation-symmetry break: when both classes have the same prior (to 3 decimals), μ and μ with
     * its columns swapped fit O equally well, so keep the one where LFs are mostly right. Returns whether it swapped.
     */
    private static boolean breakColumnSymmetry(double[][] mu, double[] prior) {
        if (Math.round(prior[0] * 1000) != Math.round(prior[1] * 1000)) return false;
        double diagonal = 0, antiDiagonal = 0;
        for (int a = 0; a < mu.length; a += 2) {
            diagonal += mu[a][0] * prior[0] + mu[a + 1][1] * prior[1];
            antiDiagonal += mu[a][1] * prior[1] + mu[a + 1][0] * prior[0];
        }
        if (antiDiagonal <= diagonal) return false;
        for (double[] row : mu) {
            double t = row[0];
            row[0] = row[1];
            row[1] = t;
        }
        return true;
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
