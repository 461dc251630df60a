package dev.prefwork.bench;

import dev.prefwork.testkit.SyntheticDataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks of DESIGN.md §12, run from the command line (see bench/README.md):
 *
 * <pre>
 * Benchmarks [all | import | correlations] [SIZE…] [--reps N] [--profile] [--doc FILE | --no-doc] [--tmp DIR] [--keep]
 *            [--data DIR] [--quiet-cores C] [--quiet-wait S | --no-wait]
 * </pre>
 *
 * {@code all} runs every benchmark that fits this fork's 1 GiB heap (for now the import benchmark; the LF, label-model
 * and embedding benchmarks have their own mains). SIZE is a number of candidates for the import benchmark
 * ({@code 50k}, {@code 1m}); without one, the sizes the budgets name. Results go
 * to stdout as Markdown and into the benchmark's section of docs/BENCHMARKS.md. Arguments may also come as one
 * string ({@code -Dbench.args="import 50k --reps 5"}); spaces and commas separate them. Before each measured run
 * it waits (up to {@code --quiet-wait} seconds, 30 by default) until other processes use under
 * {@code --quiet-cores} cores (0.5), because this machine has two and is shared; {@code --profile} adds a JFR
 * breakdown of the last import run per size.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] argv) throws Exception {
        // Flyway's INFO lines on every fresh workspace drown the progress; keep warnings.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        List<String> args = new ArrayList<>();
        for (String a : argv) {
            for (String t : a.split("[\\s,]+")) if (!t.isEmpty()) args.add(t);
        }
        String suite = "all";
        List<Long> sizes = new ArrayList<>();
        int reps = 0;
        boolean profile = false;
        boolean keep = false;
        double quietCores = 0.5;
        int quietWait = 30;
        Path doc = null;
        Path dataDir = null;
        boolean writeDoc = true;
        Path tmpBase = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "all", "import", "correlations" -> suite = a;
                case "--reps" -> reps = Integer.parseInt(args.get(++i));
                case "--profile" -> profile = true;
                case "--keep" -> keep = true;
                case "--quiet-cores" -> quietCores = Double.parseDouble(args.get(++i));
                case "--quiet-wait" -> quietWait = Integer.parseInt(args.get(++i));
                case "--no-wait" -> quietCores = 0;
                case "--doc" -> doc = Path.of(args.get(++i));
                case "--no-doc" -> writeDoc = false;
                case "--tmp" -> tmpBase = Path.of(args.get(++i));
                case "--data" -> dataDir = Path.of(args.get(++i));
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    try {
                        sizes.add(SyntheticDataset.parseCount(a));
                    } catch (IllegalArgumentException e) {
                        System.err.println("unknown argument: " + a);
                        usage();
                        System.exit(2);
                    }
                }
            }
        }
        if (sizes.isEmpty()) sizes = List.of(50_000L, 1_000_000L);
        for (long s : sizes) {
            if (s <= 0 || s % ImportBenchmark.CANDIDATES_PER_PROMPT != 0) {
                System.err.println("a size must be a positive multiple of " + ImportBenchmark.CANDIDATES_PER_PROMPT + ": " + s);
                System.exit(2);
            }
        }
        if (doc == null) doc = BenchDoc.findRoot().resolve("docs").resolve("BENCHMARKS.md");

        Files.createDirectories(tmpBase);
        if (dataDir != null) Files.createDirectories(dataDir);
        Path tmp = Files.createTempDirectory(tmpBase, "prefwork-bench-");
        Thread cleanup = new Thread(() -> deleteTree(tmp), "bench-cleanup");
        if (!keep) Runtime.getRuntime().addShutdownHook(cleanup);
        System.err.println("benchmarks: " + suite + " " + sizes + " in " + tmp + " on " + Env.summary());
        try {
            // "all" is every benchmark that fits this fork's 1 GiB heap: the import benchmark. LfBenchmark (6 GiB),
            // LabelModelBenchmark (2 GiB) and EmbeddingBenchmark (model files) have their own mains and heaps.
            if (!suite.equals("correlations")) {
                String md = new ImportBenchmark(new ImportBenchmark.Config(sizes, reps, tmp, dataDir, profile, keep, quietCores, quietWait)).run();
                System.out.println();
                System.out.println("## Import");
                System.out.println();
                System.out.println(md);
                if (writeDoc) {
                    BenchDoc.updateSection(doc, "import", "Import", md);
                    System.err.println("updated " + doc);
                }
            }
            if (!suite.equals("import")) {
                // the LF correlation diagnostics at 500K × 30 (about 15 MB of votes: fits this fork)
                String md = CorrelationBenchmark.run(Math.max(reps, 5));
                System.out.println();
                System.out.println("## LF correlations");
                System.out.println();
                System.out.println(md);
                if (writeDoc) {
                    BenchDoc.updateSection(doc, "correlations", "LF correlations", md);
                    System.err.println("updated " + doc);
                }
            }
        } finally {
            if (!keep) {
                deleteTree(tmp);
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } else {
                System.err.println("kept " + tmp);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: Benchmarks [all | import | correlations] [SIZE…] [--reps N] [--profile] [--doc FILE | --no-doc] [--tmp DIR] [--keep]");
        System.err.println("                  [--data DIR] [--quiet-cores C] [--quiet-wait SECONDS | --no-wait]");
        System.err.println("  --data DIR: keep the generated input files in DIR and reuse them on the next run (big: 1M ≈ 1.1 GB)");
        System.err.println("  SIZE: candidates, e.g. 50k 1m (default: 50k 1m, the budgets of DESIGN.md §12)");
    }

    /** Deletes a file or a folder and everything under it; quietly does nothing when it is not there. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException ignored) {
            // gone already
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
