package dev.prefwork.bench;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.compare.CompareViewModel;
import dev.prefwork.app.ui.prompts.PromptsViewModel;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The interactive budgets of DESIGN.md §12 and issue 3, in the real workbench (headless Monocle, software
 * rendering): open a 500K-candidate workspace to the first painted page of prompts (≤ 2 s), show the next prompt
 * in Compare & label (≤ 50 ms), and the longest gap between two JavaFX pulses meanwhile (no freeze > 100 ms).
 * Baselines from the same run: opening the H2 database alone, and reading one prompt with its candidates by
 * plain JDBC.
 *
 * <pre>
 * UiBenchmark [--candidates 500000] [--ws DIR] [--switches 60] [--doc FILE | --no-doc]
 * </pre>
 * {@code --ws} keeps (or reuses) the generated workspace in DIR; without it a temporary one is built and deleted.
 */
public final class UiBenchmark {

    private static final String SECTION = "ui";

    private UiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Monocle's headless glass and the software pipeline, as the UI tests use them: these must be set before
        // the toolkit starts.
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("headless.geometry", "1920x1080-32");
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        long candidates = 500_000;
        int switches = 60;
        Path wsDir = null;
        Path doc = BenchDoc.findRoot().resolve("docs/BENCHMARKS.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--candidates" -> candidates = SyntheticDataset.parseCount(args[++i]);
                case "--switches" -> switches = Integer.parseInt(args[++i]);
                case "--ws" -> wsDir = Path.of(args[++i]);
                case "--doc" -> doc = Path.of(args[++i]);
                case "--no-doc" -> doc = null;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        Path tmp = Files.createTempDirectory("prefwork-ui-bench");
        boolean keep = wsDir != null;
        Path ws = wsDir != null ? wsDir : tmp.resolve("ws");
        try {
            long prepMs = prepare(ws, candidates, tmp);
            Result r = measure(ws, tmp.resolve("home"), switches);
            String md = r.markdown(candidates, prepMs);
            System.out.println(md);
            if (doc != null) {
                BenchDoc.updateSection(doc, SECTION, "Workbench responsiveness (500K candidates)", md);
                System.out.println("(written to " + doc + ")");
            }
        } finally {
            Benchmarks.deleteTree(tmp);
            Platform.exit();
        }
    }

    /** Builds the workspace once (untimed setup); a kept workspace with the right size is reused. */
    private static long prepare(Path ws, long candidates, Path tmp) throws Exception {
        long t0 = System.nanoTime();
        if (Workspace.exists(ws)) {
            try (Workspace w = Workspace.open(ws)) {
                long have = w.stats().compute().total().candidates();
                if (have == candidates) return 0;
                throw new IllegalStateException(ws + " holds " + have + " candidates, not " + candidates);
            }
        }
        Path file = tmp.resolve("bench.jsonl");
        SyntheticDataset.builder().prompts((int) (candidates / SyntheticDataset.DEFAULT_CANDIDATES)).build().writeJsonl(file);
        try (Workspace w = Workspace.open(ws)) {
            new Importer(w).importFile(file, Importer.Options.DETECT, Progress.NONE);
        }
        Files.deleteIfExists(file);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    record Result(double rawOpenMs, double rawReadMedianMs, double firstPaintMs, double promptsMaxGapMs,
                  double reopenPaintMs, double reopenMaxGapMs, double[] readingSwitchMs, double[] rapidSwitchMs, double compareMaxGapMs, int prompts) {

        String markdown(long candidates, long prepMs) {
            StringBuilder sb = new StringBuilder();
            sb.append("Measured ").append(Env.summary()).append(".\n\n");
            sb.append(String.format(Locale.ROOT, "Workspace: %,d synthetic candidates (%,d prompts)%s. Headless Monocle, "
                    + "software rendering, window 1920×1080. Each switch is timed from `next()` to the first layout pulse "
                    + "that shows the new prompt.%n%n", candidates, prompts,
                    prepMs > 0 ? String.format(Locale.ROOT, ", generated and imported in %.0f s (not timed)", prepMs / 1000.0) : ""));
            sb.append("| Measure | Baseline (same run) | Workbench | Ratio | Budget | Result |\n");
            sb.append("|---|---:|---:|---:|---:|---|\n");
            sb.append(row("Start the workbench to the first painted page of prompts", "H2 open " + ms(rawOpenMs), firstPaintMs,
                    firstPaintMs / rawOpenMs, 2000));
            sb.append(row("Open the workspace in the running workbench to the first painted page", "H2 open " + ms(rawOpenMs),
                    reopenPaintMs, reopenPaintMs / rawOpenMs, 2000));
            double readMed = median(readingSwitchMs);
            double readP95 = percentile(readingSwitchMs, 0.95);
            double rapidMed = median(rapidSwitchMs);
            double rapidP95 = percentile(rapidSwitchMs, 0.95);
            sb.append(row("Next prompt, reading pace (median)", "JDBC read " + ms(rawReadMedianMs), readMed,
                    readMed / rawReadMedianMs, 50));
            sb.append(row("Next prompt, reading pace (p95)", "", readP95, Double.NaN, 50));
            sb.append(row("Next prompt, key held down (median)", "JDBC read " + ms(rawReadMedianMs), rapidMed,
                    rapidMed / rawReadMedianMs, 50));
            sb.append(row("Next prompt, key held down (p95)", "", rapidP95, Double.NaN, 50));
            sb.append(row("Longest pulse gap while starting", "", promptsMaxGapMs, Double.NaN, 100));
            sb.append(row("Longest pulse gap while opening in the running workbench", "", reopenMaxGapMs, Double.NaN, 100));
            sb.append(row("Longest pulse gap while switching", "", compareMaxGapMs, Double.NaN, 100));
            sb.append(String.format(Locale.ROOT, "%n*Start* includes building the window, its stylesheet and first layout on a cold JVM (the toolkit itself was started before). 10 untimed switches warm up before the switches below. *Reading pace*: %d switches, 400 ms apart (the prefetch of the next prompts "
                    + "has time to finish, as when an expert reads). *Key held down*: %d switches back to back, each as soon "
                    + "as the previous one is shown. Max switch: reading %s, key held %s.%n",
                    readingSwitchMs.length, rapidSwitchMs.length, ms(max(readingSwitchMs)), ms(max(rapidSwitchMs))));
            return sb.toString();
        }

        private static String row(String what, String baseline, double value, double ratio, double budget) {
            return String.format(Locale.ROOT, "| %s | %s | **%s** | %s | ≤ %s | %s |%n", what, baseline, ms(value),
                    Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.1f×", ratio), ms(budget),
                    value <= budget ? "pass" : "**FAIL**");
        }
    }

    private static Result measure(Path ws, Path home, int switches) throws Exception {
        // Baselines: the database alone.
        long t0 = System.nanoTime();
        long[] ids;
        double rawOpen;
        double rawRead;
        try (Workspace w = Workspace.open(ws)) {
            rawOpen = (System.nanoTime() - t0) / 1e6;
            ids = w.prompts().ids(dev.prefwork.core.PromptFilter.ALL);
            rawRead = rawReadMedian(w, ids, switches);
        }

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();

        Frames frames = new Frames();
        Workbench[] wb = new Workbench[1];
        AtomicLong paintedAt = new AtomicLong();
        long start = System.nanoTime();
        onFx(() -> {
            frames.start();
            Stage stage = new Stage();
            stage.setWidth(1920);
            stage.setHeight(1080);
            wb[0] = new Workbench(new AppPaths(home), Workbench.Options.open(ws).withStartStep(Workbench.PROMPTS));
            wb[0].start(stage);
            stage.getScene().addPostLayoutPulseListener(() -> {
                if (paintedAt.get() == 0 && firstPageShown(wb[0].promptsViewModel())) paintedAt.set(System.nanoTime());
            });
        });
        waitFor(() -> paintedAt.get() != 0, 120);
        double firstPaint = (paintedAt.get() - start) / 1e6;
        Thread.sleep(1500); // the rest of the start (counts, categories) settles; its pulses still count
        double promptsGap = frames.maxGapAndReset();

        // Opening the workspace again in the running workbench (toolkit, classes and JIT warm): the workspace's own cost.
        onFx(() -> wb[0].workspaces().close());
        waitFor(() -> fx(() -> wb[0].workspaces().stateProperty().get() == dev.prefwork.app.ui.workspace.WorkspaceService.State.NONE), 60);
        Thread.sleep(500);
        paintedAt.set(0);
        long reopen = System.nanoTime();
        onFx(() -> wb[0].workspaces().openExisting(ws));
        waitFor(() -> paintedAt.get() != 0, 120);
        double reopenPaint = (paintedAt.get() - reopen) / 1e6;
        Thread.sleep(1500);
        double reopenGap = frames.maxGapAndReset();

        CompareViewModel vm = wb[0].compareViewModel();
        onFx(() -> {
            wb[0].window().showStep(Workbench.COMPARE);
            vm.open(ids[0]);
        });
        waitFor(() -> fx(() -> vm.stateProperty().get() == CompareViewModel.ViewState.READY
                && vm.currentProperty().get() != null), 120);
        Thread.sleep(1000);
        switchTimes(wb[0], vm, 10, 100); // warm-up (JIT, caches); not reported
        Thread.sleep(1000);
        frames.maxGapAndReset();
        double[] reading = switchTimes(wb[0], vm, switches, 400);
        double[] rapid = switchTimes(wb[0], vm, switches, 0);
        double compareGap = frames.maxGapAndReset();
        onFx(() -> {
            frames.stop();
            wb[0].stop();
        });
        return new Result(rawOpen, rawRead, firstPaint, promptsGap, reopenPaint, reopenGap, reading, rapid, compareGap, ids.length);
    }

    private static boolean firstPageShown(PromptsViewModel vm) {
        if (vm.stateProperty().get() != PromptsViewModel.ViewState.READY) return false;
        var rows = vm.rows();
        return rows != null && !rows.isEmpty() && rows.get(0).isLoaded();
    }

    /** Times {@code n} moves to the next prompt, {@code pauseMs} apart, each to the layout pulse that shows it. */
    private static double[] switchTimes(Workbench wb, CompareViewModel vm, int n, long pauseMs) throws Exception {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long before = fx(() -> vm.currentProperty().get().id());
            AtomicLong shownAt = new AtomicLong();
            Runnable[] listener = new Runnable[1];
            long[] t = new long[1];
            onFx(() -> {
                listener[0] = () -> {
                    var cur = vm.currentProperty().get();
                    if (shownAt.get() == 0 && cur != null && cur.id() != before) shownAt.set(System.nanoTime());
                };
                wb.window().stage().getScene().addPostLayoutPulseListener(listener[0]);
                t[0] = System.nanoTime();
                vm.next();
            });
            waitFor(() -> shownAt.get() != 0, 30);
            out[i] = (shownAt.get() - t[0]) / 1e6;
            onFx(() -> wb.window().stage().getScene().removePostLayoutPulseListener(listener[0]));
            if (pauseMs > 0) Thread.sleep(pauseMs);
        }
        return out;
    }

    /** Median time to read one prompt and its candidates with plain JDBC (the floor for any switch). */
    private static double rawReadMedian(Workspace w, long[] ids, int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        double[] times = new double[n];
        try (Connection c = w.connection();
             PreparedStatement p = c.prepareStatement("SELECT text, category FROM prompt WHERE id = ?");
             PreparedStatement q = c.prepareStatement("SELECT id, position, text, model FROM candidate WHERE prompt_id = ? ORDER BY position")) {
            for (int i = 0; i < n + 10; i++) {
                long id = ids[rnd.nextInt(ids.length)];
                long t0 = System.nanoTime();
                long sink = 0;
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) sink += rs.getString(1).length();
                }
                q.setLong(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) sink += rs.getString(3).length();
                }
                if (sink < 0) throw new AssertionError();
                if (i >= 10) times[i - 10] = (System.nanoTime() - t0) / 1e6; // the first ten warm the statements
            }
        }
        return median(times);
    }

    /** Frame times from an AnimationTimer: the longest gap between two pulses is the longest freeze. */
    private static final class Frames extends AnimationTimer {
        private long last;
        private long maxGap;

        @Override
        public void handle(long now) {
            if (last != 0) maxGap = Math.max(maxGap, now - last);
            last = now;
        }

        double maxGapAndReset() throws Exception {
            return fx(() -> {
                double g = maxGap / 1e6;
                maxGap = 0;
                return g;
            });
        }
    }

    private static void onFx(Runnable r) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        RuntimeException[] err = new RuntimeException[1];
        Platform.runLater(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                err[0] = e;
            } finally {
                done.countDown();
            }
        });
        if (!done.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("FX thread did not answer in 60 s");
        if (err[0] != null) throw err[0];
    }

    private static <T> T fx(java.util.concurrent.Callable<T> c) throws Exception {
        Object[] out = new Object[1];
        onFx(() -> {
            try {
                out[0] = c.call();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        @SuppressWarnings("unchecked") T t = (T) out[0];
        return t;
    }

    private static void waitFor(java.util.concurrent.Callable<Boolean> condition, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("not reached in " + seconds + " s");
            Thread.sleep(2);
        }
    }

    private static double median(double[] v) {
        return percentile(v, 0.5);
    }

    private static double percentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f ms", v) : String.format(Locale.ROOT, "%.1f ms", v);
    }
}
