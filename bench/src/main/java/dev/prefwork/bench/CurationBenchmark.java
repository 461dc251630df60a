package dev.prefwork.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.CurationData;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.PairBuilder;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.ranking.LabelModelRanking;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.BulkReader;
import dev.prefwork.store.LabelModelRunRepository.RunToSave;
import dev.prefwork.store.LfVoteRepository.VotesToSave;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Pair curation over a 500K-candidate workspace (100K prompts × 5): loading what pair building needs (candidate
 * shapes, the ranking, gold, the BAD LFs' stored votes), building pairs with each strategy and every filter on,
 * saving a set and exporting it as TRL JSONL, each beside the same-run baseline of reading the scores (the
 * label-model run's stored P(GOOD)). The workspace is imported once from {@link SyntheticDataset} (seed 42) and
 * kept with {@code --keep DIR}; its label-model run and LF votes are synthetic (curation only reads them). Writes
 * the "Curation" section of docs/BENCHMARKS.md. Run from the repository root:
 * <pre>mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/cp-cur.txt
 * java -Xmx2g -cp "bench/target/classes:$(cat /tmp/cp-cur.txt)" dev.prefwork.bench.CurationBenchmark [candidates] [--keep DIR] [--no-doc]</pre>
 */
public final class CurationBenchmark {

    private static final int REPS = 5;

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        long candidates = 500_000;
        Path keep = null;
        boolean doc = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keep" -> keep = Path.of(args[++i]);
                case "--no-doc" -> doc = false;
                default -> candidates = parse(args[i]);
            }
        }
        Path dir = keep != null ? keep : Files.createTempDirectory("prefwork-curation-bench");
        Path wsDir = dir.resolve("ws-" + candidates);
        boolean fresh = !Workspace.exists(wsDir);
        double importS = 0;
        if (fresh) {
            Path jsonl = dir.resolve("candidates-" + candidates + ".jsonl");
            SyntheticDataset.builder().prompts(candidates / 5).candidatesPerPrompt(5).seed(42).build().writeJsonl(jsonl);
            try (Workspace ws = Workspace.open(wsDir)) {
                long t0 = System.nanoTime();
                new Importer(ws).importFile(jsonl, Importer.Options.DETECT, Progress.NONE);
                importS = (System.nanoTime() - t0) / 1e9;
                prepare(ws);
            }
            Files.deleteIfExists(jsonl);
        }
        StringBuilder md = new StringBuilder();
        try (Workspace ws = Workspace.open(wsDir); LabelingService labeling = new LabelingService(ws)) {
            LabelModelService lm = new LabelModelService(ws, labeling);
            long runId = ws.labelModelRuns().latest().orElseThrow().id();
            int n = (int) ws.candidates().count();
            // warm-up: every path once
            CurationService warm = service(ws, labeling);
            CurationData wd = warm.data(warm.sources().get(0), Progress.NONE);
            for (Strategy s : Strategy.values()) PairBuilder.build(wd, request(s), Progress.NONE);
            ws.labelModelRuns().predictions(runId);

            double[] baseline = times(() -> ws.labelModelRuns().predictions(runId).orElseThrow().candidateIds().length);
            double[] load = times(() -> {
                CurationService c = service(ws, labeling); // a new service: nothing cached
                return c.data(c.sources().get(0), Progress.NONE).candidates();
            });
            CurationService c = service(ws, labeling);
            CurationData data = c.data(c.sources().get(0), Progress.NONE);
            double[] cached = times(() -> c.data(c.sources().get(0), Progress.NONE).candidates());
            List<String> rows = new ArrayList<>();
            CurationResult bestWorst = null;
            for (Strategy s : Strategy.values()) {
                CurationResult[] r = new CurationResult[1];
                double[] t = times(() -> (r[0] = PairBuilder.build(data, request(s), Progress.NONE)).size());
                if (s == Strategy.BEST_WORST) bestWorst = r[0];
                rows.add(String.format(Locale.ROOT, "| build: %s (all filters on) | %,d | %s | %.2f× |", s.title(), r[0].size(), ms(t),
                        median(t) / median(baseline)));
            }
            CurationResult toSave = bestWorst;
            double[] save = times(() -> (int) c.save(toSave, "bench").id());
            StoredPairSet set = c.pairSetOrLatest(null);
            Path out = dir.resolve("pairs.jsonl");
            Exporter exporter = new Exporter(ws, c);
            double[] export = times(() -> exporter.export(set, ExportFormat.TRL, out, Exporter.Options.defaults(), Progress.NONE).rows());
            long bytes = Files.size(out);
            Files.deleteIfExists(out);
            for (StoredPairSet s : c.pairSets()) c.delete(s.id());

            md.append(Env.summary()).append("\n\n");
            md.append(String.format(Locale.ROOT, "Workspace: %,d candidates (%,d prompts × 5) from `SyntheticDataset` (seed 42)%s; a synthetic label-model "
                    + "run (P(GOOD) per candidate) and three BAD LFs with stored votes; gold on 1 %% of the prompts. Medians of %d runs "
                    + "(all runs in brackets), after a warm-up. **Baseline**: reading the label model's stored P(GOOD) (one 6 MB row), "
                    + "the floor of anything that ranks.%n%n", n, n / 5, fresh ? String.format(Locale.ROOT, ", imported in %.0f s", importS) : "",
                    REPS));
            md.append("| Step | Rows | Time (ms) | ÷ baseline |\n|---|---:|---:|---:|\n");
            md.append(String.format(Locale.ROOT, "| baseline: read the scores | %,d | %s | 1.00× |%n", n, ms(baseline)));
            md.append(String.format(Locale.ROOT, "| load: candidate shapes + ranking + gold + BAD-LF votes (cold) | %,d | %s | %.2f× |%n", n, ms(load),
                    median(load) / median(baseline)));
            md.append(String.format(Locale.ROOT, "| load again (cached; gold re-read) | %,d | %s | %.2f× |%n", n, ms(cached), median(cached) / median(baseline)));
            for (String r : rows) md.append(r).append('\n');
            md.append(String.format(Locale.ROOT, "| save the best-vs-worst set (one transaction) | %,d | %s | %.2f× |%n", bestWorst.size(), ms(save),
                    median(save) / median(baseline)));
            md.append(String.format(Locale.ROOT, "| export it as TRL JSONL (%,d MB, texts joined in) | %,d | %s | %.2f× |%n", bytes >> 20, bestWorst.size(),
                    ms(export), median(export) / median(baseline)));
            md.append(String.format(Locale.ROOT, "%nA preview in the workbench is *load (cached)* + *build*: it re-runs only the build when a control changes. "
                    + "Max heap %,d MiB.%n", Runtime.getRuntime().maxMemory() >> 20));
        }
        System.out.println(md);
        if (doc) BenchDoc.updateSection(BenchDoc.findRoot().resolve("docs/BENCHMARKS.md"), "curation", "Curation", md.toString());
        if (keep == null) deleteTree(dir);
    }

    private static CurationService service(Workspace ws, LabelingService labeling) {
        LabelModelService lm = new LabelModelService(ws, labeling);
        return new CurationService(ws, lm, List.of(new LabelModelRanking(lm)));
    }

    private static CurationRequest request(Strategy s) {
        return CurationRequest.defaults().withStrategy(s).withMarginThreshold(0.3).withMinMargin(0.05).withMinChosenPGood(0.3)
                .withMaxChosenLonger(0.6);
    }

    /** A synthetic label-model run over every candidate, three BAD LFs with stored votes, gold picks on 1 % of prompts. */
    private static void prepare(Workspace ws) {
        BulkReader.Shapes shapes = ws.bulk().shapes(Progress.NONE);
        long[] ids = shapes.candidateIds().clone();
        Arrays.sort(ids);
        String set = ws.bulk().candidateSetKey();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] p = new float[ids.length];
        for (int i = 0; i < p.length; i++) p[i] = Math.round(rnd.nextDouble() * 40) / 40f; // many ties, as label models give
        try (LabelingService labeling = new LabelingService(ws)) {
            List<LabelModelRun.Lf> lfs = new ArrayList<>();
            List<VotesToSave> votes = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                LabelingFunction lf = labeling.create(new LfSpec("Bad " + k, "helpfulness", Verdict.BAD, null, null,
                        new Condition.Keywords(List.of("word" + k), null, null, null)));
                byte[] v = new byte[ids.length];
                for (int i = 0; i < v.length; i++) v[i] = rnd.nextDouble() < 0.05 ? (byte) -1 : 0;
                votes.add(new VotesToSave(lf.versionId(), set, "", v, null, 1));
                lfs.add(new LabelModelRun.Lf(lf.id(), lf.versionId(), lf.name(), "helpfulness", Verdict.BAD, 0.7 + 0.1 * k, 0.7, 10,
                        0.05, 0, 1, 0));
            }
            ws.lfVotes().saveAll(votes);
            ObjectMapper m = new ObjectMapper();
            long[] versions = lfs.stream().mapToLong(LabelModelRun.Lf::versionId).toArray();
            LabelModelRun.Summary summary = new LabelModelRun.Summary(ids.length, ids.length, 0, 0, 1, 0, 0, 0, 0.5, ids.length / 2, new int[20]);
            ws.labelModelRuns().save(new RunToSave("snorkel", 0.5, m.writeValueAsString(Map.of("kind", "snorkel", "priorMode", "estimated")),
                    "{\"helpfulness\":1.0}", m.writeValueAsString(List.of(new LabelModelRun.Aspect("helpfulness", "snorkel", false, "", 3, 0.5))),
                    m.writeValueAsString(lfs), m.writeValueAsString(summary), versions, set, 1, ids, p));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long[] prompts = shapes.promptIds();
        long[] cands = shapes.candidateIds();
        for (int i = 0; i + 4 < cands.length; i += 500) {
            ws.gold().setPromptGold(new dev.prefwork.core.PromptGold(prompts[i], cands[i], cands[i + 1], null), null);
        }
    }

    private static double[] times(Supplier<Integer> work) {
        double[] t = new double[REPS];
        for (int r = 0; r < REPS; r++) {
            long t0 = System.nanoTime();
            work.get();
            t[r] = (System.nanoTime() - t0) / 1e6;
        }
        return t;
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String ms(double[] t) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "**%.1f** (", median(t)));
        for (int i = 0; i < t.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, t[i] < 10 ? "%.1f" : "%.0f", t[i]));
        return sb.append(')').toString();
    }

    private static long parse(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        if (l.endsWith("k")) return Long.parseLong(l.substring(0, l.length() - 1)) * 1000;
        if (l.endsWith("m")) return Long.parseLong(l.substring(0, l.length() - 1)) * 1_000_000;
        return Long.parseLong(l);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
