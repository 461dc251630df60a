package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dawid–Skene EM (1979) for two classes, with ABSTAIN modelled as a third observation: θ[i][v][c] =
 * P(LF i gives v ∈ {GOOD, BAD, ABSTAIN} | Y = c), so an LF that abstains more on one class is evidence too.
 * Starts from majority-vote responsibilities (the classic start, which orients the classes so LFs are better
 * than chance) and alternates M and E steps until no parameter moves by more than the tolerance.
 *
 * <p>Each iteration is one pass over the votes: the E-step's posteriors are computed per chunk and folded into
 * the next M-step's sums at once, so no per-row state is kept between iterations. Slower than the
 * matrix-completion model (a pass per iteration instead of one pass in all); it is here for comparison.
 */
public final class DawidSkeneLabelModel implements LabelModel {

    public static final String KIND = "dawid-skene";
    private static final int CHUNK_ROWS = 1 << 14;
    /** Vote weight of the start: σ(30 · margin) is majority vote's 1 / 0.5 / 0 to 13 decimals. */
    private static final double START_WEIGHT = 30;

    /**
     * @param maxIterations EM iterations at most
     * @param tolerance     stop when no probability (θ or the class balance) changes by more than this
     * @param smoothing     Dirichlet pseudo-count per outcome, keeping every θ positive
     */
    public record Parameters(int maxIterations, double tolerance, double smoothing) {
        public Parameters {
            if (maxIterations < 1) throw new IllegalArgumentException("maxIterations must be ≥ 1");
            if (!(tolerance >= 0)) throw new IllegalArgumentException("tolerance must be ≥ 0");
            if (!(smoothing > 0)) throw new IllegalArgumentException("smoothing must be > 0");
        }

        public static Parameters defaults() {
            return new Parameters(100, 1e-5, 1.0);
        }
    }

    private final Parameters parameters;

    public DawidSkeneLabelModel() {
        this(Parameters.defaults());
    }

    public DawidSkeneLabelModel(Parameters parameters) {
        this.parameters = parameters;
    }

    public Parameters parameters() {
        return parameters;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int minimumLfs() {
        return 3;
    }

    @Override
    public LogLinearModel fit(VoteMatrix votes, FitOptions options) {
        int n = votes.rows();
        int m = votes.lfs();
        if (m < minimumLfs()) throw new IllegalArgumentException("Dawid–Skene needs at least 3 LFs, got " + m);
        boolean estimate = options.classPrior() instanceof ClassPrior.Estimated;
        double alpha = parameters.smoothing();

        // Iteration 0 is the majority-vote start; it also yields the vote counts (weights of a plain count).
        double[] weights = new double[3 * m];
        for (int i = 0; i < m; i++) {
            weights[3 * i] = START_WEIGHT;
            weights[3 * i + 1] = -START_WEIGHT;
        }
        Sums sums = eStep(votes, 0, weights);
        long[] goodVotes = sums.goodVotes, badVotes = sums.badVotes;

        double p = estimate ? 0.5 : ((ClassPrior.Fixed) options.classPrior()).pGood();
        double[][][] theta = new double[m][3][2]; // [lf][GOOD, BAD, ABSTAIN][class GOOD, BAD]
        int iterations = 0;
        double change = Double.POSITIVE_INFINITY;
        while (iterations < parameters.maxIterations()) {
            iterations++;
            // M-step.
            change = 0;
            double q = sums.goodMass;
            if (estimate) {
                double next = (q + alpha) / (n + 2 * alpha);
                change = Math.abs(next - p);
                p = next;
            }
            for (int i = 0; i < m; i++) {
                double[] goodClass = {sums.goodVoteMass[i], sums.badVoteMass[i], q - sums.goodVoteMass[i] - sums.badVoteMass[i]};
                double[] badClass = {goodVotes[i] - goodClass[0], badVotes[i] - goodClass[1], 0};
                badClass[2] = (n - q) - badClass[0] - badClass[1];
                for (int v = 0; v < 3; v++) {
                    double tg = (Math.max(goodClass[v], 0) + alpha) / (q + 3 * alpha);
                    double tb = (Math.max(badClass[v], 0) + alpha) / (n - q + 3 * alpha);
                    change = Math.max(change, Math.max(Math.abs(tg - theta[i][v][0]), Math.abs(tb - theta[i][v][1])));
                    theta[i][v][0] = tg;
                    theta[i][v][1] = tb;
                }
                for (int v = 0; v < 3; v++) weights[3 * i + v] = Math.log(theta[i][v][0] / theta[i][v][1]);
            }
            if (change <= parameters.tolerance()) break;
            // E-step (folded into the sums the next M-step needs).
            sums = eStep(votes, Math.log(p / (1 - p)), weights);
        }

        List<LfEstimate> estimates = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            double coverage = n == 0 ? 0 : (goodVotes[i] + badVotes[i]) / (double) n;
            double correct = theta[i][0][0] * p + theta[i][1][1] * (1 - p);
            double accuracy = coverage == 0 ? Double.NaN : Math.min(1, correct / coverage);
            estimates.add(new LfEstimate(accuracy, coverage, weights[3 * i], weights[3 * i + 1], weights[3 * i + 2]));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("kind", KIND);
        params.put("classPrior", options.classPrior().mode());
        params.put("seed", options.seed());
        params.put("maxIterations", parameters.maxIterations());
        params.put("tolerance", parameters.tolerance());
        params.put("smoothing", parameters.smoothing());
        params.put("iterations", iterations);
        params.put("lastChange", change);
        return new LogLinearModel(KIND, p, estimates, params);
    }

    /** What an M-step needs: Σ q, and per LF Σ q over its GOOD votes and over its BAD votes (plus plain counts). */
    private static final class Sums {
        double goodMass;
        final double[] goodVoteMass, badVoteMass;
        final long[] goodVotes, badVotes;

        Sums(int m) {
            goodVoteMass = new double[m];
            badVoteMass = new double[m];
            goodVotes = new long[m];
            badVotes = new long[m];
        }

        void add(Sums o) {
            goodMass += o.goodMass;
            for (int i = 0; i < goodVoteMass.length; i++) {
                goodVoteMass[i] += o.goodVoteMass[i];
                badVoteMass[i] += o.badVoteMass[i];
                goodVotes[i] += o.goodVotes[i];
                badVotes[i] += o.badVotes[i];
            }
        }
    }

    /** Posterior q = P(GOOD | row) under the given log-linear weights, summed as the M-step needs. */
    private static Sums eStep(VoteMatrix votes, double bias, double[] weights) {
        int n = votes.rows();
        int m = votes.lfs();
        int chunks = RowChunks.count(n, CHUNK_ROWS);
        Sums[] partial = new Sums[chunks];
        RowChunks.forEach(chunks, chunk -> {
            int start = chunk * CHUNK_ROWS;
            int end = Math.min(n, start + CHUNK_ROWS);
            int len = end - start;
            float[] q = new float[len];
            Arrays.fill(q, (float) bias);
            for (int i = 0; i < m; i++) {
                byte[] col = votes.column(i);
                float wg = (float) weights[3 * i], wb = (float) weights[3 * i + 1], wa = (float) weights[3 * i + 2];
                float a = wa, b = (wg - wb) / 2, c = (wg + wb) / 2 - wa;
                for (int r = 0; r < len; r++) {
                    float v = col[start + r];
                    q[r] += a + v * (b + v * c);
                }
            }
            Sums s = new Sums(m);
            double mass = 0;
            for (int r = 0; r < len; r++) {
                q[r] = (float) (1 / (1 + Math.exp(-q[r])));
                mass += q[r];
            }
            s.goodMass = mass;
            for (int i = 0; i < m; i++) {
                byte[] col = votes.column(i);
                // Branch-free (votes are unpredictable): Σ q·v and Σ q·|v| give the GOOD and BAD sums.
                double signed = 0, voted = 0;
                long net = 0, count = 0;
                for (int r = 0; r < len; r++) {
                    int v = col[start + r];
                    float qr = q[r];
                    signed += qr * v;
                    voted += qr * (v & 1);
                    net += v;
                    count += v & 1;
                }
                s.goodVoteMass[i] = (voted + signed) / 2;
                s.badVoteMass[i] = (voted - signed) / 2;
                s.goodVotes[i] = (count + net) / 2;
                s.badVotes[i] = (count - net) / 2;
            }
            partial[chunk] = s;
        });
        Sums total = new Sums(m);
        for (Sums s : partial) total.add(s);
        return total;
    }
}
