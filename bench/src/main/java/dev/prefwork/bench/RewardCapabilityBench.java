package dev.prefwork.bench;

import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingModels;
import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.FitRequest;
import dev.prefwork.reward.LengthControl;
import dev.prefwork.reward.RewardMetrics;
import dev.prefwork.reward.RewardModel;
import dev.prefwork.reward.RewardService;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The reward model's issue-13 capabilities one at a time and together (length control, gold weight by
 * cross-validation, the gold nearest-neighbour feature), each against the same baseline in the same run: k-fold
 * (by prompt) held-out pairwise accuracy on the gold pairs, and the score–length Spearman ρ within prompts and overall.
 * Prints a Markdown table. With no argument it builds the demo workspace from {@code assets/demo} in a temporary
 * folder; with a workspace folder it fits there (each fit stores a model in it: use a copy).
 * <pre>  mvn -q -pl bench -am compile exec:java -Dexec.mainClass=dev.prefwork.bench.RewardCapabilityBench [-Dexec.args=WORKSPACE]</pre>
 */
public final class RewardCapabilityBench {

    private record Config(String name, LengthControl length, double goldWeight, boolean knn) {
    }

    private static final List<Config> CONFIGS = List.of(
            new Config("baseline (length control off, gold weight 1, no kNN)", LengthControl.OFF, 1, false),
            new Config("+ length control on", LengthControl.ON, 1, false),
            new Config("+ length control auto", LengthControl.AUTO, 1, false),
            new Config("+ gold weight by cross-validation", LengthControl.OFF, FitRequest.AUTO_GOLD_WEIGHT, false),
            new Config("+ gold kNN feature", LengthControl.OFF, 1, true),
            new Config("all three (the defaults)", LengthControl.AUTO, FitRequest.AUTO_GOLD_WEIGHT, true));

    private RewardCapabilityBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path tmp = Files.createTempDirectory("prefwork-reward-capabilities-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Benchmarks.deleteTree(tmp), "bench-cleanup"));
        Path wsDir = args.length > 0 ? Path.of(args[0]) : tmp.resolve("demo");
        Path home = tmp.resolve("home");
        InferenceEnvironment.prepare(home);
        InferenceSettings settings = InferenceSettings.defaults(home);
        try (Workspace ws = Workspace.open(wsDir)) {
            if (args.length == 0) {
                Path demo = BenchDoc.findRoot().resolve("assets/demo");
                new Importer(ws).importFile(demo.resolve("prompts.jsonl"), Importer.Options.DETECT, Progress.NONE);
                new GoldFile(ws).importGold(ImportSource.of(demo.resolve("gold.jsonl")));
                try (LabelingService lfs = new LabelingService(ws)) {
                    lfs.importLibrary(demo.resolve("lfs.json"));
                }
            }
            try (LabelingService labeling = new LabelingService(ws)) {
                LabelModelService labelModel = new LabelModelService(ws, labeling);
                RewardService service = new RewardService(ws, labeling, labelModel, spec -> EmbeddingModels.open(spec, settings),
                        folder -> { throw new IllegalStateException("no external scorer in this benchmark"); });
                StringBuilder md = new StringBuilder();
                md.append("| Reward model | Held-out pairwise accuracy | Δ vs baseline | ρ(score, length) within prompts | overall |"
                        + " Length control applied | Gold weight |\n|---|---:|---:|---:|---:|---|---|\n");
                double base = Double.NaN;
                String baseline = "";
                for (Config c : CONFIGS) {
                    FeatureSpec spec = c.knn() ? FeatureSpec.defaults() : FeatureSpec.defaults().without(FeatureGroup.GOLD_NEIGHBOURS);
                    FitRequest request = FitRequest.defaults().withFeatures(spec).withLengthControl(c.length()).withGoldWeight(c.goldWeight())
                            .withUpdateReviewQueue(false);
                    long t0 = System.nanoTime();
                    RewardModel m = service.fit(request, Progress.NONE);
                    double s = (System.nanoTime() - t0) / 1e9;
                    RewardMetrics x = m.metrics();
                    if (Double.isNaN(base)) {
                        base = x.accuracy();
                        baseline = String.format(Locale.ROOT, "%d gold pairs of %d labelled prompts, %d-fold; longer-is-better %.1f %%,"
                                + " LF majority %.1f %%", x.goldPairs(), x.labelledPrompts(), x.folds(),
                                100 * x.accuracyOf(RewardMetrics.LENGTH), 100 * x.accuracyOf(RewardMetrics.LF_MAJORITY));
                    }
                    md.append(String.format(Locale.ROOT, "| %s | %.1f %% | %+.1f pt | %.2f | %.2f | %s | %s |%n", c.name(), 100 * x.accuracy(),
                            100 * (x.accuracy() - base), x.lengthSpearmanWithinPrompt(), x.lengthSpearman(),
                            x.length() != null && x.length().applied() ? "yes" : "no", x.goldWeight() == null ? "" : x.goldWeight().used()
                                    + (x.goldWeight().chosen() ? " (CV)" : "")));
                    System.err.printf(Locale.ROOT, "%s: %.1f s%n", c.name(), s);
                }
                System.out.println("Workspace: " + (args.length == 0 ? "the demo workspace (assets/demo)" : wsDir) + "; " + baseline + ".\n");
                System.out.println(md);
            }
        }
    }
}
