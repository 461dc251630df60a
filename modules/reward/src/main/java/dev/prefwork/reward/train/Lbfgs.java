package dev.prefwork.reward.train;

import dev.prefwork.core.Progress;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Algorithm 7.4: the two-loop recursion with the last {@code memory}
 * steps) with a backtracking line search on the Armijo condition. Full-batch and deterministic: the same objective
 * and starting point give the same iterates. Stops when the gradient's largest component is below
 * {@code gradientTolerance}, when the relative decrease of the objective stays below {@code relativeTolerance} for
 * three iterations, or after {@code maxIterations}.
 */
public final class Lbfgs {

    /** f(θ), writing ∇f(θ) into {@code grad}. */
    @FunctionalInterface
    public interface Objective {
        double valueAndGradient(double[] theta, double[] grad);
    }

    /** Called after each iteration with the iteration number and the objective; may throw {@link Progress.Cancelled}. */
    @FunctionalInterface
    public interface Listener {
        void iteration(int iteration, double value);
    }

    public record Options(int maxIterations, int memory, double gradientTolerance, double relativeTolerance) {
        public static Options defaults() {
            return new Options(200, 10, 1e-6, 1e-9);
        }

        public Options withMaxIterations(int n) {
            return new Options(n, memory, gradientTolerance, relativeTolerance);
        }
    }

    /** Where it stopped: the parameters, the objective there, iterations taken, and whether a tolerance was met. */
    public record Result(double[] theta, double value, int iterations, int evaluations, boolean converged) {
    }

    private static final double ARMIJO = 1e-4;
    private static final int MAX_BACKTRACKS = 40;

    private Lbfgs() {
    }

    public static Result minimize(Objective f, double[] start, Options options, Listener listener) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        int evaluations = 1;
        Deque<double[][]> history = new ArrayDeque<>(); // each entry {s, y, {rho}}
        double[] direction = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        int flat = 0;
        for (int it = 1; it <= options.maxIterations(); it++) {
            if (maxAbs(g) < options.gradientTolerance()) return new Result(x, fx, it - 1, evaluations, true);
            twoLoop(g, history, direction);
            double slope = dot(g, direction);
            if (!(slope < 0)) { // not a descent direction (numerical trouble): restart from steepest descent
                history.clear();
                for (int i = 0; i < n; i++) direction[i] = -g[i];
                slope = dot(g, direction);
            }
            double step = history.isEmpty() ? Math.min(1, 1 / Math.max(1e-12, Math.sqrt(dot(g, g)))) : 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int k = 0; k < MAX_BACKTRACKS; k++) {
                for (int i = 0; i < n; i++) xNew[i] = x[i] + step * direction[i];
                fNew = f.valueAndGradient(xNew, gNew);
                evaluations++;
                if (Double.isFinite(fNew) && fNew <= fx + ARMIJO * step * slope) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) return new Result(x, fx, it - 1, evaluations, false);
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
            }
            double sy = dot(s, y);
            if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) { // keep the curvature pair only when it is positive
                history.addLast(new double[][]{s, y, {1 / sy}});
                if (history.size() > options.memory()) history.removeFirst();
            }
            double decrease = (fx - fNew) / Math.max(1e-12, Math.max(Math.abs(fx), Math.abs(fNew)));
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (listener != null) listener.iteration(it, fx);
            flat = decrease < options.relativeTolerance() ? flat + 1 : 0;
            if (flat >= 3) return new Result(x, fx, it, evaluations, true);
        }
        return new Result(x, fx, options.maxIterations(), evaluations, maxAbs(g) < options.gradientTolerance());
    }

    /** direction = −H·g with H the L-BFGS inverse-Hessian estimate. */
    private static void twoLoop(double[] g, Deque<double[][]> history, double[] direction) {
        int n = g.length;
        double[] q = g.clone();
        int m = history.size();
        double[] alpha = new double[m];
        double[][][] pairs = history.toArray(new double[0][][]);
        for (int k = m - 1; k >= 0; k--) {
            alpha[k] = pairs[k][2][0] * dot(pairs[k][0], q);
            axpy(-alpha[k], pairs[k][1], q);
        }
        double gamma = 1;
        if (m > 0) {
            double[] s = pairs[m - 1][0], y = pairs[m - 1][1];
            gamma = dot(s, y) / dot(y, y);
        }
        for (int i = 0; i < n; i++) q[i] *= gamma;
        for (int k = 0; k < m; k++) {
            double beta = pairs[k][2][0] * dot(pairs[k][1], q);
            axpy(alpha[k] - beta, pairs[k][0], q);
        }
        for (int i = 0; i < n; i++) direction[i] = -q[i];
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return m;
    }
}
