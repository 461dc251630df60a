package dev.prefwork.reward;

import dev.prefwork.reward.train.RewardLoss;
import java.util.SplittableRandom;
import dev.prefwork.testkit.SyntheticDataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated labelling: does labelling the 50 prompts {@link ReviewQueue#mostInformative} picks teach a reward model
 * more than labelling 50 random ones? A synthetic world (candidates with 8 features, a hidden true linear utility, an
 * LF signal that is a noisy copy of it, prompts in {@link SyntheticDataset#CATEGORIES}); a Bradley–Terry linear model
 * fitted on 10 (or 3) seed prompts; the queue picks the next prompts in rounds (refit after each round, as the product
 * rebuilds the queue at every fit); the expert labels each picked prompt's true best answer; the final fit is scored on
 * 400 held-out prompts' true pairwise order. Averaged over 20 worlds. Numbers in docs/BENCHMARKS.md. Picking all 50 at
 * once from the seed model does NOT beat random here (printed as "round 50"); only the rounds do.
 */
class MostInformativeSimulationTest {

    static final int D = 8, K = 5, POOL = 600, HELD_OUT = 400,  BUDGET = 50, WORLDS = 20;

    record World(double[][][] x, double[][] truth, double[][] lf, String[] category) {
    }

    static World world(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[D], wLf = new double[D];
        for (int j = 0; j < D; j++) w[j] = gauss(r);
        for (int j = 0; j < D; j++) wLf[j] = w[j] + 1.0 * gauss(r);
        int n = POOL + HELD_OUT;
        double[][][] x = new double[n][K][D];
        double[][] truth = new double[n][K], lf = new double[n][K];
        String[] cat = new String[n];
        for (int p = 0; p < n; p++) {
            cat[p] = SyntheticDataset.CATEGORIES.get(p % SyntheticDataset.CATEGORIES.size());
            for (int c = 0; c < K; c++) {
                for (int j = 0; j < D; j++) x[p][c][j] = gauss(r);
                truth[p][c] = dot(w, x[p][c]);
                lf[p][c] = Math.signum(dot(wLf, x[p][c]) + 0.5 * gauss(r)); // a GOOD/BAD vote per candidate
            }
        }
        return new World(x, truth, lf, cat);
    }

    /** Bradley–Terry with L2 by gradient descent on the pairs "true best beats each other candidate" of the labelled prompts. */
    static double[] fit(World w, List<Integer> labelled) {
        List<double[]> diffs = new ArrayList<>();
        for (int p : labelled) {
            int best = argmax(w.truth()[p]);
            for (int c = 0; c < K; c++) {
                if (c == best) continue;
                double[] d = new double[D];
                for (int j = 0; j < D; j++) d[j] = w.x()[p][best][j] - w.x()[p][c][j];
                diffs.add(d);
            }
        }
        double[] theta = new double[D];
        for (int it = 0; it < 400; it++) {
            double[] g = new double[D];
            for (double[] d : diffs) {
                double s = RewardLoss.sigmoid(dot(theta, d));
                for (int j = 0; j < D; j++) g[j] += (1 - s) * d[j] / diffs.size();
            }
            for (int j = 0; j < D; j++) theta[j] += 0.5 * (g[j] - 0.01 * theta[j]);
        }
        return theta;
    }

    static double heldOutAccuracy(World w, double[] theta) {
        long right = 0, all = 0;
        for (int p = POOL; p < POOL + HELD_OUT; p++) {
            for (int a = 0; a < K; a++) {
                for (int b = a + 1; b < K; b++) {
                    double t = w.truth()[p][a] - w.truth()[p][b];
                    double m = dot(theta, w.x()[p][a]) - dot(theta, w.x()[p][b]);
                    all++;
                    if (t * m > 0) right++;
                }
            }
        }
        return (double) right / all;
    }

    /** Mean held-out accuracy after labelling {@code budget} more prompts, picked by the queue or at random. */
    static double[] run(int budget, int seedPrompts, boolean useLf, int round) {
        double informative = 0, random = 0, seedOnly = 0;
        for (int s = 0; s < WORLDS; s++) {
            World w = world(1000 + s);
            List<Integer> seedSet = new ArrayList<>();
            for (int p = 0; p < seedPrompts; p++) seedSet.add(p);
            double[] theta = fit(w, seedSet);
            seedOnly += heldOutAccuracy(w, theta);
            // the product rebuilds the queue at every fit: label a round of ROUND prompts, refit, rebuild
            List<Integer> picked = new ArrayList<>(seedSet);
            double[] current = theta;
            while (picked.size() < seedPrompts + budget) {
                java.util.Set<Integer> have = new java.util.HashSet<>(picked);
                List<ReviewQueue.Signal> signals = new ArrayList<>();
                for (int p = seedPrompts; p < POOL; p++) {
                    if (have.contains(p)) continue;
                    double[] sc = new double[K];
                    for (int c = 0; c < K; c++) sc[c] = dot(current, w.x()[p][c]);
                    signals.add(new ReviewQueue.Signal(p, sc, useLf ? w.lf()[p] : null, w.category()[p], null));
                }
                int take = Math.min(round, seedPrompts + budget - picked.size());
                for (ReviewQueue.Item i : ReviewQueue.mostInformative(signals, take)) picked.add((int) i.promptId());
                current = fit(w, picked);
            }
            informative += heldOutAccuracy(w, fit(w, picked));
            List<Integer> shuffled = new ArrayList<>();
            for (int p = seedPrompts; p < POOL; p++) shuffled.add(p);
            java.util.Collections.shuffle(shuffled, new java.util.Random(7 + s));
            List<Integer> rnd = new ArrayList<>(seedSet);
            rnd.addAll(shuffled.subList(0, budget));
            random += heldOutAccuracy(w, fit(w, rnd));
        }
        return new double[]{seedOnly / WORLDS, informative / WORLDS, random / WORLDS};
    }

    @Test
    void fiftyPromptsTheQueuePicksInRoundsOfTenTeachMoreThanFiftyRandomOnes() {
        for (int round : new int[]{50, 10}) for (int seedPrompts : new int[]{3, 10}) {
            for (boolean lf : new boolean[]{true, false}) {
                double[] a = run(BUDGET, seedPrompts, lf, round), b = run(200, seedPrompts, lf, round);
                System.out.printf(Locale.ROOT, "round %d seed %d lf %s: seed-only %.4f | +50 queue %.4f | +50 random %.4f | +200 queue %.4f | +200 random %.4f%n",
                        round, seedPrompts, lf, a[0], a[1], a[2], b[1], b[2]);
            }
        }
        // the product's loop: refit (and so rebuild the queue) after every 10 labels
        double[] fifty = run(BUDGET, 10, true, 10);
        assertThat(fifty[1]).as("50 from the queue vs 50 random").isGreaterThan(fifty[2] + 0.01);
        assertThat(fifty[2]).as("50 random vs the seed model").isGreaterThan(fifty[0]);
    }

    private static int argmax(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double gauss(SplittableRandom r) {
        double u1 = Math.max(1e-12, r.nextDouble()), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
