package dev.prefwork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Import throughput (DESIGN.md §12: 50K candidates ≤ 5 s, 1M ≤ 90 s with a bounded heap) against the raw
 * parse of the same file (read the lines, Jackson {@code readTree} each, no database) measured in the same run.
 */
final class ImportBenchmark {

    static final int CANDIDATES_PER_PROMPT = 5;
    static final long SEED = 42;
    private static final long HEAP_BUDGET = 1L << 30;

    /**
     * @param dataDir where to keep the generated files between runs (null: generate into tmp and delete)
     * @param quietCores wait before each run until other processes use fewer cores than this (0: do not wait) */
    record Config(List<Long> sizes, int reps, Path tmp, Path dataDir, boolean profile, boolean keep, double quietCores,
                  int quietWaitSeconds) {
    }

    record SizeResult(long candidates, long prompts, long fileBytes, double genSeconds, CpuMeter.Usage[] parse,
                      CpuMeter.Usage[] imports, double[] opens, double[] closes, long dbBytes, HeapMonitor.Snapshot parseHeap,
                      HeapMonitor.Snapshot importHeap, String failure, double loadBefore, double loadAfter, String profile) {
        double parseWall() { return Fmt.median(Arrays.stream(parse).mapToDouble(CpuMeter.Usage::wallSeconds).toArray()); }
        double parseCpu() { return Fmt.median(Arrays.stream(parse).mapToDouble(CpuMeter.Usage::threadCpuSeconds).toArray()); }
        double importWall() { return Fmt.median(Arrays.stream(imports).mapToDouble(CpuMeter.Usage::wallSeconds).toArray()); }
        double importCpu() { return Fmt.median(Arrays.stream(imports).mapToDouble(CpuMeter.Usage::threadCpuSeconds).toArray()); }
        double importOthers() { return Arrays.stream(imports).mapToDouble(CpuMeter.Usage::othersCores).max().orElse(Double.NaN); }
    }

    private final Config config;
    private final ObjectMapper mapper = new ObjectMapper();
    private String h2Version = "?";

    ImportBenchmark(Config config) {
        this.config = config;
    }

    /** Runs everything and returns the Markdown for the Import section of docs/BENCHMARKS.md. */
    String run() {
        warmUp();
        List<SizeResult> results = new ArrayList<>();
        for (long size : config.sizes()) results.add(measure(size));
        return markdown(results);
    }

    /** JIT warm-up: H2's insert and store paths take a few tens of thousands of rows to be compiled. */
    private void warmUp() {
        log("warm-up: 4,000 prompts × 5 (parse ×2, import ×2)");
        Path file = config.tmp().resolve("warmup.jsonl");
        SyntheticDataset.builder().prompts(4_000).candidatesPerPrompt(CANDIDATES_PER_PROMPT).seed(SEED + 1).build().writeJsonl(file);
        for (int i = 0; i < 2; i++) {
            rawParse(file);
            Path ws = config.tmp().resolve("ws-warmup-" + i);
            importOnce(file, ws);
            Benchmarks.deleteTree(ws);
        }
        Benchmarks.deleteTree(file);
    }

    private SizeResult measure(long candidates) {
        long prompts = candidates / CANDIDATES_PER_PROMPT;
        int reps = config.reps() > 0 ? config.reps() : candidates <= 200_000 ? 3 : 1;
        String label = Fmt.shortCount(candidates);
        double loadBefore = Env.load();
        boolean reuse = config.dataDir() != null;
        Path file = (reuse ? config.dataDir() : config.tmp()).resolve("candidates-" + label + "-seed" + SEED + "-v"
                + SyntheticDataset.GENERATOR_VERSION + ".jsonl");
        double gen = 0;
        long bytes;
        if (reuse && Files.isRegularFile(file)) {
            log("[" + label + "] reusing " + file);
            try {
                bytes = Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            log("[" + label + "] generating " + Fmt.count(prompts) + " prompts × " + CANDIDATES_PER_PROMPT + " → " + file);
            long g0 = System.nanoTime();
            Path part = file.resolveSibling(file.getFileName() + ".part");
            SyntheticDataset.Written w = SyntheticDataset.builder().prompts(prompts).candidatesPerPrompt(CANDIDATES_PER_PROMPT)
                    .seed(SEED).build().writeJsonl(part);
            try {
                Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            gen = secs(g0);
            bytes = w.bytes();
            log(String.format(Locale.ROOT, "[%s] %s in %s", label, Fmt.mb(bytes), Fmt.secs(gen)));
        }

        CpuMeter.Usage[] parse = new CpuMeter.Usage[reps];
        CpuMeter.Usage[] imports = new CpuMeter.Usage[reps];
        double[] opens = new double[reps];
        double[] closes = new double[reps];
        HeapMonitor.Snapshot parseHeap = null;
        HeapMonitor.Snapshot importHeap = null;
        long dbBytes = 0;
        String failure = null;
        String profile = null;
        for (int r = 0; r < reps && failure == null; r++) {
            quiet();
            HeapMonitor hm = HeapMonitor.start();
            CpuMeter cpu = CpuMeter.start();
            long seen = rawParse(file);
            parse[r] = cpu.stop();
            parseHeap = worst(parseHeap, hm.stop());
            if (seen != candidates) throw new IllegalStateException("raw parse saw " + seen + " candidates, expected " + candidates);
            log(String.format(Locale.ROOT, "[%s] run %d/%d raw parse: %s", label, r + 1, reps, parse[r].describe()));

            Path ws = config.tmp().resolve("ws-" + label + "-" + r);
            boolean profileThis = config.profile() && r == reps - 1;
            quiet();
            try {
                ImportRun run = importMeasured(file, ws, candidates, profileThis ? label : null);
                imports[r] = run.usage;
                opens[r] = run.openSeconds;
                closes[r] = run.closeSeconds;
                dbBytes = run.dbBytes;
                importHeap = worst(importHeap, run.heap);
                if (run.profile != null) profile = run.profile;
                log(String.format(Locale.ROOT, "[%s] run %d/%d import: %s (open %s, close %s, db %s; heap peak %s, after GC ≤ %s)",
                        label, r + 1, reps, run.usage.describe(), Fmt.secs(opens[r]), Fmt.secs(closes[r]), Fmt.mb(dbBytes),
                        Fmt.mib(run.heap.peakUsedSampled()), Fmt.mib(run.heap.maxAfterGc())));
            } catch (OutOfMemoryError e) {
                failure = "OutOfMemoryError: " + e.getMessage();
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            } finally {
                Benchmarks.deleteTree(ws);
            }
            if (failure != null) log("[" + label + "] import FAILED: " + failure);
        }
        if (!reuse && !config.keep()) Benchmarks.deleteTree(file);
        return new SizeResult(candidates, prompts, bytes, gen, parse, imports, opens, closes, dbBytes, parseHeap, importHeap,
                failure, loadBefore, Env.load(), profile);
    }

    private record ImportRun(double openSeconds, CpuMeter.Usage usage, double closeSeconds, long dbBytes,
                             HeapMonitor.Snapshot heap, String profile) {
    }

    private ImportRun importMeasured(Path file, Path dir, long expected, String profileLabel) {
        long t0 = System.nanoTime();
        Workspace ws = Workspace.open(dir);
        double open = secs(t0);
        HeapMonitor.Snapshot heap;
        CpuMeter.Usage usage;
        double close;
        String profile = null;
        try {
            h2Version = h2Version(ws);
            HeapMonitor hm = HeapMonitor.start();
            Profiler prof = profileLabel != null ? Profiler.start(config.tmp().resolve("import-" + profileLabel + ".jfr")) : null;
            CpuMeter cpu = CpuMeter.start();
            Importer.Result res;
            try {
                res = new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
            } finally {
                usage = cpu.stop();
                heap = hm.stop();
                if (prof != null) profile = prof.stop("import of " + profileLabel);
            }
            if (res.candidates() != expected) {
                throw new IllegalStateException("imported " + res.candidates() + " candidates, expected " + expected);
            }
            long rows = ws.jdbc().count("SELECT COUNT(*) FROM candidate");
            if (rows != expected) throw new IllegalStateException("the workspace holds " + rows + " candidates, expected " + expected);
        } finally {
            long t2 = System.nanoTime();
            ws.close();
            close = secs(t2);
        }
        long db;
        try {
            db = Files.size(dir.resolve(Workspace.DB_NAME + ".mv.db"));
        } catch (IOException e) {
            db = -1;
        }
        return new ImportRun(open, usage, close, db, heap, profile);
    }

    private void quiet() {
        if (config.quietCores() > 0) CpuMeter.waitForQuiet(config.quietCores(), config.quietWaitSeconds());
    }

    private void importOnce(Path file, Path dir) {
        try (Workspace ws = Workspace.open(dir)) {
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
        }
    }

    /** The baseline: what reading and parsing the file costs with no database at all. */
    long rawParse(Path file) {
        long candidates = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode node = mapper.readTree(line);
                candidates += node.get("candidates").size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return candidates;
    }

    private static String h2Version(Workspace ws) {
        try (Connection c = ws.connection()) {
            return c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "?";
        }
    }

    private static HeapMonitor.Snapshot worst(HeapMonitor.Snapshot a, HeapMonitor.Snapshot b) {
        if (a == null) return b;
        return new HeapMonitor.Snapshot(Math.max(a.peakUsedSampled(), b.peakUsedSampled()), Math.max(a.maxAfterGc(), b.maxAfterGc()),
                Math.max(a.gcCount(), b.gcCount()), Math.max(a.gcMillis(), b.gcMillis()));
    }

    static double budgetSeconds(long candidates) {
        if (candidates == 50_000) return 5;
        if (candidates == 1_000_000) return 90;
        return Double.NaN;
    }

    private String verdict(SizeResult r) {
        double budget = budgetSeconds(r.candidates());
        if (r.failure() != null) return "**FAIL** (" + r.failure().split("\n")[0] + ")";
        if (Double.isNaN(budget)) return "—";
        if (r.candidates() >= 1_000_000 && Env.maxHeap() > HEAP_BUDGET + (HEAP_BUDGET >> 4)) {
            return "n/a (run with -Xmx1g; max heap was " + Fmt.mib(Env.maxHeap()) + ")";
        }
        return r.importWall() <= budget ? "pass" : "**FAIL**";
    }

    private String markdown(List<SizeResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Env.summary()).append(" · H2 ").append(h2Version).append(".\n\n");
        md.append("Input: synthetic candidates files from `SyntheticDataset` (seed ").append(SEED).append(", ")
                .append(CANDIDATES_PER_PROMPT).append(" candidates per prompt, median candidate ≈ 730 characters, mean ≈ 1,000, Markdown and code). ")
                .append("**Raw parse** (the baseline) = read the lines + Jackson `readTree` of each, no database: the floor any importer pays. ")
                .append("**Import** = `Importer.importFile(file, DETECT, NONE)` into a fresh workspace: SHA-256 pass, parse, validation, ")
                .append("inserts, one commit; opening and closing the workspace are not included. Wall times are medians of the runs listed; ")
                .append("*thread CPU* is the measuring thread's own CPU time, which other processes on this shared 2-core machine barely move ")
                .append("(GC and H2's own threads are not in it); *others* is the CPU the rest of the machine used during the import, in cores.\n\n");
        md.append("| Candidates | File | Raw parse | Import | Import ÷ raw parse | Thread CPU: import ÷ parse | Import rate | Peak heap (sampled) | Max heap after GC | GC in import | Others | Budget | Result |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (SizeResult r : results) {
            boolean ok = r.failure() == null;
            double p = r.parseWall();
            double i = ok ? r.importWall() : Double.NaN;
            double budget = budgetSeconds(r.candidates());
            HeapMonitor.Snapshot h = r.importHeap();
            md.append("| ").append(Fmt.count(r.candidates())).append(" (").append(Fmt.count(r.prompts())).append(" prompts)")
                    .append(" | ").append(Fmt.mb(r.fileBytes()))
                    .append(" | ").append(Fmt.secs(p))
                    .append(" | ").append(ok ? "**" + Fmt.secs(i) + "**" : "—")
                    .append(" | ").append(ok ? String.format(Locale.ROOT, "%.1f×", i / p) : "—")
                    .append(" | ").append(ok ? String.format(Locale.ROOT, "%s ÷ %s = %.1f×", Fmt.secs(r.importCpu()), Fmt.secs(r.parseCpu()),
                            r.importCpu() / r.parseCpu()) : "—")
                    .append(" | ").append(ok ? String.format(Locale.ROOT, "%,.0f cand/s, %.0f MB/s", r.candidates() / i, r.fileBytes() / 1e6 / i) : "—")
                    .append(" | ").append(h != null ? Fmt.mib(h.peakUsedSampled()) : "—")
                    .append(" | ").append(h != null ? Fmt.mib(h.maxAfterGc()) : "—")
                    .append(" | ").append(h != null ? h.gcCount() + " (" + Fmt.secs(h.gcMillis() / 1000.0) + ")" : "—")
                    .append(" | ").append(ok ? String.format(Locale.ROOT, "≤ %.1f", r.importOthers()) : "—")
                    .append(" | ").append(Double.isNaN(budget) ? "—" : String.format(Locale.ROOT, "≤ %.0f s", budget))
                    .append(" | ").append(verdict(r)).append(" |\n");
        }
        md.append("\nRuns:\n\n");
        for (SizeResult r : results) {
            md.append("- ").append(Fmt.shortCount(r.candidates())).append(": raw parse ").append(walls(r.parse()));
            if (r.failure() == null) {
                md.append("; import ").append(walls(r.imports()))
                        .append(" (thread CPU ").append(list(Arrays.stream(r.imports()).mapToDouble(CpuMeter.Usage::threadCpuSeconds).toArray()))
                        .append(", JVM CPU ").append(list(Arrays.stream(r.imports()).mapToDouble(CpuMeter.Usage::processCpuSeconds).toArray()))
                        .append(String.format(Locale.ROOT, ", others %s cores)", Arrays.stream(r.imports())
                                .map(u -> String.format(Locale.ROOT, "%.1f", u.othersCores())).collect(Collectors.joining(", "))))
                        .append("; open (fresh, migrations) ").append(list(r.opens()))
                        .append(", close ").append(list(r.closes()))
                        .append("; database file ").append(Fmt.mb(r.dbBytes()))
                        .append(String.format(Locale.ROOT, " (%.1f× the JSONL)", (double) r.dbBytes() / r.fileBytes()));
            }
            md.append("; raw parse heap peak ").append(Fmt.mib(r.parseHeap().peakUsedSampled()))
                    .append(r.genSeconds() > 0 ? "; file generated in " + Fmt.secs(r.genSeconds()) : "")
                    .append(String.format(Locale.ROOT, "; 1-min load average %.2f before, %.2f after.%n", r.loadBefore(), r.loadAfter()));
        }
        for (SizeResult r : results) {
            if (r.profile() != null) md.append('\n').append(r.profile());
        }
        return md.toString();
    }

    private static String walls(CpuMeter.Usage[] us) {
        return list(Arrays.stream(us).mapToDouble(CpuMeter.Usage::wallSeconds).toArray());
    }

    private static String list(double[] xs) {
        return Arrays.stream(xs).mapToObj(Fmt::secs).collect(Collectors.joining(", "));
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void log(String s) {
        System.err.println(s);
    }
}
