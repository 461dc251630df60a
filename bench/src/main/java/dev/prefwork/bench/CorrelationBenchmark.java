package dev.prefwork.bench;

import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.analysis.LfCorrelations;
import dev.prefwork.labeling.model.ClassPrior;
import dev.prefwork.labeling.model.FitOptions;
import dev.prefwork.labeling.model.GroupedLabelModel;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.labeling.model.SnorkelLabelModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The correlation diagnostics on a synthetic 500K × 30 vote matrix (a planted cluster of 8 length-like LFs, 22
 * independent ones, 70 % coverage) plus a length measure: the LF × LF matrix ({@link LfCorrelations#compute}: four
 * integer sums per pair over row chunks, in parallel) beside the same-run baseline (the textbook two-pass Pearson
 * on doubles, pair after pair), each LF's r with the measure, the clustering, and the label-model fit plain,
 * with the cluster merged and with it modelled as dependent. Part of {@code Benchmarks all} (fits its 1 GiB fork).
 */
final class CorrelationBenchmark {

    static final int ROWS = 500_000;
    static final int LFS = 30;
    static final int CLUSTER = 8;

    private CorrelationBenchmark() {
    }

    static String run(int reps) {
        SplittableRandom rnd = new SplittableRandom(99);
        byte[][] cols = new byte[LFS][ROWS];
        float[] length = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            byte y = (byte) (rnd.nextBoolean() ? 1 : -1);
            double z = rnd.nextGaussian() + (y > 0 ? 0.3 : -0.3); // length, a little more for GOOD
            length[r] = (float) (400 + 150 * z);
            for (int j = 0; j < LFS; j++) {
                if (rnd.nextDouble() >= 0.7) continue;
                if (j < CLUSTER) cols[j][r] = (byte) (z + 0.3 * rnd.nextGaussian() > 0 ? 1 : -1);
                else cols[j][r] = rnd.nextDouble() < 0.7 ? y : (byte) -y;
            }
        }
        VoteMatrix votes = new VoteMatrix(ROWS, cols);
        for (int k = 0; k < 3; k++) { // warm-up
            LfCorrelations.compute(votes);
            LfCorrelations.withMeasure(votes, length);
        }
        LfCorrelations.naive(votes);

        List<String[]> rows = new ArrayList<>();
        double naive = median(Math.max(1, reps / 2), () -> LfCorrelations.naive(votes));
        double fast = median(reps, () -> LfCorrelations.compute(votes));
        double measure = median(reps, () -> LfCorrelations.withMeasure(votes, length));
        double[][] r = LfCorrelations.compute(votes).r();
        double[][] base = LfCorrelations.naive(votes);
        double maxDiff = 0;
        for (int i = 0; i < LFS; i++) for (int j = 0; j < LFS; j++) maxDiff = Math.max(maxDiff, Math.abs(r[i][j] - base[i][j]));
        double cluster = median(reps, () -> LfCorrelations.clusters(r, 0.4));
        List<int[]> found = LfCorrelations.clusters(r, 0.4);

        FitOptions options = new FitOptions(ClassPrior.fixed(0.5), 1);
        int[] planted = java.util.stream.IntStream.range(0, CLUSTER).toArray();
        double plain = median(reps, () -> new SnorkelLabelModel().fit(votes, options));
        double merged = median(reps, () -> new GroupedLabelModel(new SnorkelLabelModel(),
                List.of(new LfGroup(planted, LfGroup.Mode.MERGE))).fit(votes, options));
        double dependent = median(reps, () -> new GroupedLabelModel(new SnorkelLabelModel(),
                List.of(new LfGroup(planted, LfGroup.Mode.DEPENDENT))).fit(votes, options));

        rows.add(row("LF × LF r, textbook two-pass Pearson on doubles, pair after pair (baseline)", naive, naive));
        rows.add(row("LF × LF r, overlap and agreement: `LfCorrelations.compute`", fast, naive));
        rows.add(row("each LF's r with a measure (length): `withMeasure`", measure, Double.NaN));
        rows.add(row("average-linkage clusters on |r| (30 LFs)", cluster, Double.NaN));
        rows.add(row("Snorkel fit, plain (baseline for the grouped fits)", plain, plain));
        rows.add(row("Snorkel fit, planted cluster merged", merged, plain));
        rows.add(row("Snorkel fit, planted cluster dependent (1 + 8 fits)", dependent, plain));

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%s · median of %d runs (baseline: %d) · %,d candidates × %d LFs%n%n",
                Env.summary(), reps, Math.max(1, reps / 2), ROWS, LFS));
        md.append("| Step | Time (ms) | vs baseline |\n|---|---:|---:|\n");
        for (String[] row : rows) md.append("| ").append(String.join(" | ", row)).append(" |\n");
        md.append(String.format(Locale.ROOT, "%nLargest |r| difference to the baseline: %.1e. Clusters found: %s (planted: LFs 0–%d).%n",
                maxDiff, found.stream().map(Arrays::toString).toList(), CLUSTER - 1));
        return md.toString();
    }

    private static String[] row(String what, double ms, double baseline) {
        String ratio = Double.isNaN(baseline) ? "" : ms == baseline ? "1×" : String.format(Locale.ROOT, "%.1f× faster", baseline / ms);
        if (!Double.isNaN(baseline) && ms > baseline) ratio = String.format(Locale.ROOT, "%.1f× the time", ms / baseline);
        return new String[]{what, String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.0f", ms), ratio};
    }

    private static double median(int reps, Supplier<Object> work) {
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Object keep = work.get();
            t[i] = (System.nanoTime() - t0) / 1e6;
            if (keep == null) throw new IllegalStateException();
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /** {@code java -Xmx1g -cp … dev.prefwork.bench.CorrelationBenchmark [reps]}: prints the markdown. */
    public static void main(String[] args) {
        System.out.println(run(args.length > 0 ? Integer.parseInt(args[0]) : 5));
    }
}
