package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.app.AppReward;
import dev.prefwork.core.InputException;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.FitRequest;
import dev.prefwork.reward.LengthControl;
import dev.prefwork.reward.RewardMetrics;
import dev.prefwork.reward.RewardModel;
import dev.prefwork.reward.RewardService;
import dev.prefwork.reward.ReviewQueue;
import dev.prefwork.reward.eval.Calibration;
import dev.prefwork.reward.eval.PairwiseAccuracy;
import dev.prefwork.reward.features.FeatureColumn;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork reward fit|show|queue}: fit a reward model on the LFs, the label model and the gold, and print its metrics. */
@Command(name = "reward", mixinStandardHelpOptions = true,
        description = "Train a reward model that ranks each prompt's candidates, and see how well it agrees with your gold.",
        subcommands = {RewardCommand.Fit.class, RewardCommand.Show.class, RewardCommand.Queue.class})
final class RewardCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = {"Fit a reward model (LF votes, label-model P(GOOD) per aspect, response embeddings, text statistics;"
                    + " trained on the label model's soft labels, your GOOD/BAD gold and your pairs), evaluate it k-fold by prompt"
                    + " beside LF majority vote and 'longer is better', store it with a score per candidate and refill the"
                    + " needs-review queue.",
                    "Embeds the texts that have no embedding yet (offline) and refits a stale label model first."})
    static final class Fit implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--model", paramLabel = "KIND", defaultValue = "linear", description = "linear (default) or mlp.")
        String model;

        @Option(names = "--features", paramLabel = "GROUPS", split = ",",
                description = "Feature groups, comma-separated (default: all): embedding, prompt-similarity, lf-votes, label-model, text-stats, gold-knn.")
        List<String> features;

        @Option(names = "--embedding-model", paramLabel = "MODEL", defaultValue = FeatureSpec.BUNDLED,
                description = "'bundled' (all-MiniLM-L6-v2, default) or a folder with model.onnx and tokenizer.json.")
        String embeddingModel;

        @Option(names = "--components", paramLabel = "K", defaultValue = "" + FeatureSpec.DEFAULT_COMPONENTS,
                description = "Principal components of the response embedding to use (default ${DEFAULT-VALUE}).")
        int components;

        @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "" + FitRequest.DEFAULT_L2,
                description = "L2 regularisation strength (default ${DEFAULT-VALUE}).")
        double l2;

        @Option(names = "--folds", paramLabel = "K", defaultValue = "" + FitRequest.DEFAULT_FOLDS,
                description = "Folds of the evaluation, by prompt (default ${DEFAULT-VALUE}).")
        int folds;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "" + FitRequest.DEFAULT_SEED,
                description = "Seed of the folds and of the MLP's start (default ${DEFAULT-VALUE}): the same seed, the same model.")
        long seed;

        @Option(names = "--hidden", paramLabel = "H", defaultValue = "16", description = "Hidden units of the MLP (default ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + FitRequest.DEFAULT_ITERATIONS,
                description = "Most optimiser iterations (default ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--scorer", paramLabel = "FOLDER",
                description = "Also rank with an external ONNX scorer (model.onnx + tokenizer.json) and compare it on the same gold pairs.")
        Path scorer;

        @Option(names = "--no-review-queue", description = "Leave the needs-review queue as it is.")
        boolean noReviewQueue;

        @Option(names = "--length-control", paramLabel = "MODE", defaultValue = "auto",
                description = "auto (default: on when the plain model's score–length correlation within prompts is ≥ "
                        + LengthControl.AUTO_THRESHOLD + "), on or off. On: length is a nuisance covariate, and candidates are"
                        + " scored with their length held at their prompt's median.")
        String lengthControl;

        @Option(names = "--gold-weight", paramLabel = "W", defaultValue = "auto",
                description = "Weight of your gold against the weak labels: auto (default: chosen by k-fold on your gold from"
                        + " 0.5, 1, 2, 4, 8 and gold-only), gold-only, or a number ≥ 0.")
        String goldWeight;

        @Option(names = "--knn", paramLabel = "on|off", defaultValue = "on",
                description = "The gold nearest-neighbour feature (closer to your GOOD than BAD answers of similar prompts; default on).")
        String knn;

        @Option(names = "--pair-target-weight", paramLabel = "W", defaultValue = "1",
                description = "Weight of the comparative LFs' pairwise targets (Bradley–Terry term; default ${DEFAULT-VALUE}, 0 ignores them).")
        double pairTargetWeight;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            FitRequest request = request();
            RewardModel fitted;
            int flagged;
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                LabelModelService labelModel = new LabelModelService(ws, labeling);
                RewardService service = AppReward.service(ws, labeling, labelModel, AppPaths.fromEnvironment());
                EmbedCommand.TerminalProgressBar bar = new EmbedCommand.TerminalProgressBar();
                try {
                    fitted = service.fit(request, bar);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    throw new InputException(e.getMessage());
                } finally {
                    bar.finish();
                }
                flagged = (int) ws.reviews().list().stream().filter(r -> ReviewQueue.SOURCE.equals(r.source()) && !r.reviewed()).count();
            }
            print(spec.commandLine().getOut(), fitted, flagged, json);
            return 0;
        }

        FitRequest request() {
            if (!FitRequest.KINDS.contains(model)) throw new InputException("unknown --model '" + model + "'; choose linear or mlp");
            if (scorer != null && !Files.isDirectory(scorer)) {
                throw new InputException("--scorer " + scorer + ": no such folder (it must hold model.onnx and tokenizer.json)");
            }
            try {
                EnumSet<FeatureGroup> groups = EnumSet.noneOf(FeatureGroup.class);
                if (features == null || features.isEmpty()) groups = EnumSet.allOf(FeatureGroup.class);
                else for (String f : features) groups.add(FeatureGroup.parse(f));
                switch (knn.strip().toLowerCase(Locale.ROOT)) {
                    case "on" -> {
                        if (features == null || features.isEmpty()) groups.add(FeatureGroup.GOLD_NEIGHBOURS);
                    }
                    case "off" -> groups.remove(FeatureGroup.GOLD_NEIGHBOURS);
                    default -> throw new InputException("--knn must be on or off, not '" + knn + "'");
                }
                if (!(pairTargetWeight >= 0) || Double.isInfinite(pairTargetWeight)) {
                    throw new InputException("--pair-target-weight must be a number ≥ 0, not " + pairTargetWeight);
                }
                return FitRequest.defaults().withKind(model)
                        .withLengthControl(LengthControl.parse(lengthControl))
                        .withGoldWeight(FitRequest.parseGoldWeight(goldWeight))
                        .withPairTargetWeight(pairTargetWeight)
                        .withFeatures(new FeatureSpec(groups, embeddingModel, components))
                        .withL2(l2).withFolds(folds).withSeed(seed).withHidden(hidden).withMaxIterations(iterations)
                        .withExternalScorer(scorer).withUpdateReviewQueue(!noReviewQueue);
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
        }
    }

    @Command(name = "queue", mixinStandardHelpOptions = true,
            description = {"List a queue the last fit filled: 'review' (contradicts your gold, contradicts a high-accuracy LF,"
                    + " least sure) or 'informative' (the unlabelled prompts whose labels would teach the model most:"
                    + " uncertainty of its top choice × (1 + LF disagreement), near-duplicates and one-group runs avoided)."})
    static final class Queue implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--kind", defaultValue = "review", description = "review or informative (default: ${DEFAULT-VALUE}).")
        String kind;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many prompts (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (!kind.equals("review") && !kind.equals("informative")) {
                throw new InputException("unknown --kind '" + kind + "'; choose review or informative");
            }
            List<dev.prefwork.store.ReviewRepository.ReviewItem> items;
            try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
                items = ws.reviews().list().stream()
                        .filter(i -> kind.equals("informative") == ReviewQueue.SOURCE_INFORMATIVE.equals(i.source()))
                        .limit(Math.max(0, limit)).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ArrayNode arr = mapper.createArrayNode();
                for (var i : items) {
                    arr.addObject().put("promptId", i.promptId()).put("priority", i.priority()).put("reason", i.reason())
                            .put("reviewed", i.reviewed());
                }
                out.println(mapper.writeValueAsString(arr));
            } else {
                if (items.isEmpty()) out.println("The " + kind + " queue is empty; run `prefwork reward fit " + workspace + "` first.");
                for (var i : items) {
                    out.printf(Locale.ROOT, "%8d  %.3f  %s%s%n", i.promptId(), i.priority(), i.reviewed() ? "[reviewed] " : "", i.reason());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the latest reward model's metrics and whether it is stale.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--weights", description = "Also list the linear model's weight on every feature.")
        boolean weights;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            RewardModel m;
            int flagged;
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                RewardService service = AppReward.service(ws, labeling, new LabelModelService(ws, labeling), AppPaths.fromEnvironment());
                m = service.latest().orElseThrow(() -> new InputException("no reward model fitted in " + workspace
                        + " yet; run `prefwork reward fit " + workspace + "`"));
                flagged = (int) ws.reviews().list().stream().filter(r -> ReviewQueue.SOURCE.equals(r.source()) && !r.reviewed()).count();
            }
            print(spec.commandLine().getOut(), m, flagged, json);
            if (weights && !json) printWeights(spec.commandLine().getOut(), m);
            return 0;
        }
    }

    static void print(PrintWriter out, RewardModel m, int flagged, boolean json) throws Exception {
        RewardMetrics x = m.metrics();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("id", m.id());
            root.put("kind", m.kind());
            root.put("createdAt", m.createdAt().toString());
            root.put("elapsedMs", m.elapsedMs());
            root.put("candidates", m.rows());
            root.put("features", m.columns().size());
            ArrayNode groups = root.putArray("featureGroups");
            m.featureSpec().groups().forEach(g -> groups.add(g.key()));
            root.put("stale", m.stale());
            if (m.stale()) root.put("staleReason", m.staleness().reason());
            if (m.labelModelRunId() != null) root.put("labelModelRunId", m.labelModelRunId());
            ArrayNode versions = root.putArray("lfVersionIds");
            for (long v : m.lfVersionIds()) versions.add(v);
            root.put("folds", x.folds());
            root.put("labelledPrompts", x.labelledPrompts());
            root.put("goldPairs", x.goldPairs());
            root.put("goldLabels", x.goldLabels());
            root.put("softLabels", x.softLabels());
            ObjectNode acc = root.putObject("pairwiseAccuracy");
            for (RewardMetrics.Comparison c : x.comparisons()) {
                ObjectNode n = acc.putObject(c.key());
                n.put("label", c.label());
                num(n, "accuracy", c.accuracy().accuracy());
                n.put("pairs", c.accuracy().pairs());
                n.put("ties", c.accuracy().ties());
                ArrayNode folds = n.putArray("perFold");
                c.accuracy().perFold().forEach(v -> {
                    if (Double.isNaN(v)) folds.addNull();
                    else folds.add(v);
                });
            }
            root.put("beatsBaselines", x.beatsBaselines());
            num(root, "trainingAccuracy", x.trainingAccuracy().accuracy());
            num(root, "lengthSpearman", x.lengthSpearman());
            num(root, "lengthSpearmanWithinPrompt", x.lengthSpearmanWithinPrompt());
            root.put("lengthWarning", x.lengthWarning());
            if (x.length() != null) {
                ObjectNode l = root.putObject("lengthControl");
                l.put("mode", x.length().mode());
                l.put("applied", x.length().applied());
                l.put("available", x.length().available());
                l.put("threshold", x.length().threshold());
                num(l, "plainSpearman", x.length().plainSpearman());
                num(l, "plainSpearmanWithinPrompt", x.length().plainSpearmanWithinPrompt());
                num(l, "controlledSpearman", x.length().controlledSpearman());
                num(l, "controlledSpearmanWithinPrompt", x.length().controlledSpearmanWithinPrompt());
                l.put("reason", x.length().reason());
            }
            if (x.goldWeight() != null) {
                ObjectNode g = root.putObject("goldWeight");
                g.put("used", x.goldWeight().used());
                g.put("chosenByCrossValidation", x.goldWeight().chosen());
                ArrayNode curve = g.putArray("curve");
                for (RewardMetrics.GoldWeightPoint pt : x.goldWeight().curve()) {
                    ObjectNode c = curve.addObject();
                    c.put("weight", pt.label());
                    num(c, "heldOutAccuracy", pt.accuracy());
                }
            }
            root.put("pairTargets", x.pairTargets());
            if (x.calibration() != null) {
                ObjectNode cal = root.putObject("calibration");
                num(cal, "ece", x.calibration().ece());
                num(cal, "brier", x.calibration().brier());
                cal.put("count", x.calibration().count());
                ArrayNode bins = cal.putArray("bins");
                for (Calibration.Bin b : x.calibration().bins()) {
                    ObjectNode bn = bins.addObject();
                    bn.put("from", b.from());
                    bn.put("to", b.to());
                    bn.put("count", b.count());
                    num(bn, "meanPredicted", b.meanPredicted());
                    num(bn, "fractionGood", b.fractionGood());
                }
            }
            if (x.external() != null) {
                ObjectNode e = root.putObject("external");
                e.put("scorer", x.external().scorerId());
                num(e, "top1Agreement", x.external().top1Agreement());
                num(e, "spearmanWithinPrompt", x.external().spearmanWithinPrompt());
            }
            ObjectNode t = root.putObject("training");
            t.put("iterations", x.training().iterations());
            t.put("foldIterations", x.training().foldIterations());
            t.put("converged", x.training().converged());
            num(t, "loss", x.training().loss());
            t.put("trainMs", x.training().trainMs());
            root.put("reviewFlagged", flagged);
            ArrayNode notes = root.putArray("notes");
            x.notes().forEach(notes::add);
            out.println(mapper.writeValueAsString(root));
            return;
        }
        out.printf(Locale.ROOT, "Reward model #%d: %s on %,d candidates (%d features), fitted in %.1f s%s%n", m.id(), m.kind(), m.rows(),
                m.columns().size(), m.elapsedMs() / 1000.0, m.stale() ? "" : " (up to date)");
        if (m.stale()) out.println("STALE: " + m.staleness().reason() + ". Refit with `prefwork reward fit`.");
        out.println();
        if (x.folds() > 0) {
            out.printf(Locale.ROOT, "Held-out pairwise accuracy on %,d gold pairs of %d labelled prompts (%d-fold by prompt):%n",
                    x.goldPairs(), x.labelledPrompts(), x.folds());
            for (RewardMetrics.Comparison c : x.comparisons()) {
                PairwiseAccuracy a = c.accuracy();
                out.printf(Locale.ROOT, "  %-26s %7s%s%n", c.label(), pct(a.accuracy()), folds(a));
            }
            out.println(x.beatsBaselines() ? "  The reward model beats both LF majority vote and 'longer is better'."
                    : "  The reward model does NOT beat both baselines: add gold or LFs before trusting it.");
        }
        out.printf(Locale.ROOT, "On its own training pairs: %s%n", pct(x.trainingAccuracy().accuracy()));
        out.printf(Locale.ROOT, "Score vs length: Spearman %.2f overall, %.2f within prompts%n", x.lengthSpearman(), x.lengthSpearmanWithinPrompt());
        if (x.lengthWarning()) out.println("WARNING: " + x.lengthWarningText());
        if (x.length() != null && x.length().available()) {
            out.printf(Locale.ROOT, "Length control (%s): %s — %s. Within-prompt score–length ρ: plain %.2f, length-controlled %.2f%n",
                    x.length().mode(), x.length().applied() ? "ON, the scores hold length at each prompt's median" : "off",
                    x.length().reason(), x.length().plainSpearmanWithinPrompt(), x.length().controlledSpearmanWithinPrompt());
        }
        if (x.goldWeight() != null) {
            StringBuilder curve = new StringBuilder();
            for (RewardMetrics.GoldWeightPoint pt : x.goldWeight().curve()) {
                curve.append(curve.length() == 0 ? "" : ", ").append(pt.label()).append(": ").append(pct(pt.accuracy()));
            }
            out.printf(Locale.ROOT, "Gold weight: %s%s%n", x.goldWeight().used(),
                    x.goldWeight().chosen() ? " (chosen by k-fold on your gold; held out: " + curve + ")" : "");
        }
        if (x.pairTargets() > 0) out.printf(Locale.ROOT, "Comparative LFs' pair targets trained on: %,d%n", x.pairTargets());
        if (x.calibration() != null && x.calibration().count() > 0) {
            out.printf(Locale.ROOT, "Calibration of P(GOOD) on %d held-out gold candidates: ECE %.3f, Brier %.3f%n",
                    x.calibration().count(), x.calibration().ece(), x.calibration().brier());
        }
        if (x.external() != null) {
            out.printf(Locale.ROOT, "External scorer %s: same top candidate on %s of prompts, rank correlation %.2f within prompts%n",
                    x.external().scorerId(), pct(x.external().top1Agreement()), x.external().spearmanWithinPrompt());
        }
        out.printf(Locale.ROOT, "Training: %d iterations (%s), %d more for the folds, %.1f s%n", x.training().iterations(),
                x.training().converged() ? "converged" : "stopped at the limit", x.training().foldIterations(), x.training().trainMs() / 1000.0);
        out.printf(Locale.ROOT, "Needs review: %d prompt%s flagged; walk them in Compare & label (queue 'Needs review')%n", flagged,
                flagged == 1 ? "" : "s");
        for (String note : x.notes()) out.println("Note: " + note);
    }

    static void printWeights(PrintWriter out, RewardModel m) {
        List<Double> w = m.linearWeights();
        if (w.isEmpty()) {
            out.println("(the " + m.kind() + " model has no per-feature weights; see the Rankings view's contributions)");
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "%-52s %-12s %9s%n", "feature", "aspect", "weight");
        out.printf(Locale.ROOT, "%-52s %-12s %+9.4f%n", "(bias)", "", m.bias());
        for (int j = 0; j < m.columns().size(); j++) {
            FeatureColumn c = m.columns().get(j);
            String label = m.explanations().get(c.explanation()).label() + (c.group() == FeatureGroup.EMBEDDING ? " [" + c.key() + "]" : "");
            out.printf(Locale.ROOT, "%-52s %-12s %+9.4f%n", label.length() > 52 ? label.substring(0, 51) + "…" : label,
                    c.aspect() == null ? "" : c.aspect(), w.get(j));
        }
    }

    private static String folds(PairwiseAccuracy a) {
        if (a.perFold().isEmpty()) return "";
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : a.perFold()) {
            if (Double.isNaN(v)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return lo > hi ? "" : String.format(Locale.ROOT, "   (folds %.0f–%.0f%%, %d pairs%s)", 100 * lo, 100 * hi, a.pairs(),
                a.ties() > 0 ? ", " + a.ties() + " ties" : "");
    }

    private static void num(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) n.putNull(field);
        else n.put(field, v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
