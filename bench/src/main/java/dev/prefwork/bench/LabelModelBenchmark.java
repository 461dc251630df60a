package dev.prefwork.bench;

import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.model.ClassPrior;
import dev.prefwork.labeling.model.DawidSkeneLabelModel;
import dev.prefwork.labeling.model.FitOptions;
import dev.prefwork.labeling.model.FittedLabelModel;
import dev.prefwork.labeling.model.LabelModel;
import dev.prefwork.labeling.model.MajorityVote;
import dev.prefwork.labeling.model.SnorkelLabelModel;
import dev.prefwork.labeling.model.SyntheticVotes;
import dev.prefwork.labeling.model.VoteOverlaps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

/**
 * Label-model fit and predict on synthetic vote matrices of 10K, 100K and 1M rows × 20 LFs (DESIGN §12: fit
 * 1M × 20 ≤ 0.3 s; the issue: predict ≤ 0.3 s), the matrix-completion model beside majority vote and
 * Dawid–Skene in the same run, plus the two stages of the matrix-completion fit (the pass over the votes, the
 * optimisation) to show where the time goes. Prints markdown. Run with a bounded heap, e.g. -Xmx2g.
 */
public final class LabelModelBenchmark {

    private static final int LFS = 20;
    private static final double BALANCE = 0.3;
    private static final int[] ROWS = {10_000, 100_000, 1_000_000};
    /** Snorkel's own algorithm (numpy port) on 1M × 20, on this kind of machine (from the issue). */
    private static final double SNORKEL_NUMPY_FIT_MS = 900;

    public static void main(String[] args) {
        SplittableRandom random = new SplittableRandom(2024);
        double[] accuracy = new double[LFS], propensity = new double[LFS];
        for (int i = 0; i < LFS; i++) {
            accuracy[i] = 0.6 + 0.3 * random.nextDouble();
            propensity[i] = 0.1 + 0.8 * random.nextDouble();
        }
        List<LabelModel> models = List.of(new SnorkelLabelModel(), new MajorityVote(), new DawidSkeneLabelModel());
        FitOptions options = FitOptions.defaults(); // estimated class prior, as the app runs by default

        System.out.printf(Locale.ROOT, "Java %s, %d cores, fork-join parallelism %d, max heap %d MB, load average %s at start%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                ForkJoinPool.commonPool().getParallelism(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());

        // Warm-up: every code path, on a mid-sized and a full-sized matrix, before anything is timed.
        for (int rows : new int[] {100_000, 1_000_000}) {
            SyntheticVotes.Sample warm = SyntheticVotes.generate(rows, BALANCE, accuracy, propensity, 1);
            for (int k = 0; k < (rows < 1_000_000 ? 10 : 2); k++) {
                for (LabelModel model : models) model.fit(warm.votes(), options).predict(warm.votes());
                stages(warm.votes(), options);
            }
        }

        List<String> table = new ArrayList<>();
        List<String> stagesTable = new ArrayList<>();
        for (int rows : ROWS) {
            SyntheticVotes.Sample sample = SyntheticVotes.generate(rows, BALANCE, accuracy, propensity, 7);
            VoteMatrix votes = sample.votes();
            for (LabelModel model : models) {
                int repeats = model instanceof DawidSkeneLabelModel && rows == 1_000_000 ? 3 : 9;
                FittedLabelModel[] fitted = new FittedLabelModel[1];
                double[] fitMs = timesMs(repeats, () -> fitted[0] = model.fit(votes, options));
                float[][] predicted = new float[1][];
                double[] predictMs = timesMs(repeats, () -> predicted[0] = fitted[0].predict(votes));
                double labelAccuracy = SyntheticVotes.labelAccuracy(predicted[0], sample.labels());
                double maxError = 0;
                double[] learned = fitted[0].accuracies();
                for (int i = 0; i < LFS; i++) maxError = Math.max(maxError, Math.abs(learned[i] - accuracy[i]));
                table.add(String.format(Locale.ROOT, "| %,d | %s | %.1f (%.1f) | %.1f (%.1f) | %.4f | %.3f | %.3f |", rows,
                        model.kind(), median(fitMs), fitMs[0], median(predictMs), predictMs[0], labelAccuracy, maxError,
                        fitted[0].classBalance()));
            }
            double[] stage = stagesMedian(votes, options, 9);
            stagesTable.add(String.format(Locale.ROOT, "| %,d | %.1f | %.2f | %.1f |", rows, stage[0], stage[1], stage[2]));
        }

        System.out.println("Fit and predict in ms, median (best) of repeated runs; 20 LFs; true P(GOOD) = 0.3, estimated by each model.");
        System.out.println();
        System.out.println("| rows | model | fit ms | predict ms | label accuracy | max abs(learned − true LF accuracy) | estimated P(GOOD) |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        table.forEach(System.out::println);
        System.out.println();
        System.out.println("Matrix-completion fit by stage (ms): one pass over the votes, then an optimisation whose size is 2m × 2m.");
        System.out.println();
        System.out.println("| rows | overlap pass (2m×2m counts + third moments) | SGD on the counts (100 epochs) | whole fit (pass, class balance, SGD) |");
        System.out.println("|---:|---:|---:|---:|");
        stagesTable.forEach(System.out::println);
        System.out.println();
        System.out.printf(Locale.ROOT, "Load average %s at the end. Reference: Snorkel's own algorithm (numpy) fits 1M × 20 in about %.0f ms"
                + " on this kind of machine (bench/python/snorkel_numpy_reference.py measures it here).%n", loadAverage(), SNORKEL_NUMPY_FIT_MS);
    }

    /** {pass, optimisation, whole fit} for the default matrix-completion fit. */
    private static double[] stages(VoteMatrix votes, FitOptions options) {
        SnorkelLabelModel model = new SnorkelLabelModel();
        long t0 = System.nanoTime();
        VoteOverlaps overlaps = VoteOverlaps.compute(votes, allConsecutiveTriplets(votes.lfs()));
        long t1 = System.nanoTime();
        model.fit(overlaps, BALANCE, options);
        long t2 = System.nanoTime();
        model.fit(votes, options);
        long t3 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6};
    }

    private static double[] stagesMedian(VoteMatrix votes, FitOptions options, int repeats) {
        double[][] runs = new double[repeats][];
        for (int k = 0; k < repeats; k++) runs[k] = stages(votes, options);
        double[] median = new double[3];
        for (int s = 0; s < 3; s++) {
            double[] column = new double[repeats];
            for (int k = 0; k < repeats; k++) column[k] = runs[k][s];
            Arrays.sort(column);
            median[s] = column[repeats / 2];
        }
        return median;
    }

    /** As many triplets as the class-balance estimate uses for 20 LFs (3 strides × 20), so the pass costs the same. */
    private static int[][] allConsecutiveTriplets(int lfs) {
        int[][] t = new int[3 * lfs][];
        for (int s = 1; s <= 3; s++) {
            for (int i = 0; i < lfs; i++) t[(s - 1) * lfs + i] = new int[] {i, (i + s) % lfs, (i + 2 * s) % lfs};
        }
        return t;
    }

    /** Wall times of {@code repeats} runs, sorted (so [0] is the best). */
    private static double[] timesMs(int repeats, Runnable body) {
        double[] ms = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long t0 = System.nanoTime();
            body.run();
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }

    /** The 1-minute load average, to tell a quiet machine from a busy one when reading the figures. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
