package dev.prefwork.app.cli;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.model.LabelModels;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prefwork label-model fit|show}: fit a label model on the enabled LFs and print what it learned. */
@Command(name = "label-model", mixinStandardHelpOptions = true,
        description = "Combine the labeling functions' votes into P(GOOD) per candidate.",
        subcommands = {LabelModelCommand.Fit.class, LabelModelCommand.Show.class, LabelModelGroupCommands.Correlations.class,
                LabelModelGroupCommands.Group.class, LabelModelGroupCommands.Ungroup.class})
final class LabelModelCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = "Fit a label model (one per aspect) on the enabled LFs, store the run and print LF accuracies "
                    + "(learned vs gold), class balance and coverage.")
    static final class Fit implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--model", paramLabel = "KIND", defaultValue = LabelModels.DEFAULT_KIND,
                description = "snorkel (default), majority or dawid-skene.")
        String model;

        @Option(names = "--prior", paramLabel = "SOURCE", defaultValue = "gold",
                description = "Class prior: gold (the GOOD rate on gold; default) or estimated.")
        String prior;

        @Option(names = "--weight", paramLabel = "ASPECT=W", description = "Weight of an aspect (default 1 each).")
        Map<String, Double> weights = new LinkedHashMap<>();

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (!LabelModels.kinds().contains(model)) {
                throw new InputException("unknown --model '" + model + "'; choose one of " + String.join(", ", LabelModels.kinds()));
            }
            LabelModelService.PriorSource source = switch (prior) {
                case "gold" -> LabelModelService.PriorSource.GOLD;
                case "estimated" -> LabelModelService.PriorSource.ESTIMATED;
                default -> throw new InputException("unknown --prior '" + prior + "'; choose gold or estimated");
            };
            LabelModelRun run;
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                if (labeling.list().stream().noneMatch(dev.prefwork.labeling.service.LabelingFunction::enabled)) {
                    throw new InputException("no enabled labeling functions in " + workspace
                            + "; write some in the LF studio or import a library first");
                }
                LabelModelService service = new LabelModelService(ws, labeling);
                try {
                    run = service.fit(new LabelModelService.FitRequest(model, Map.of(), weights, source), Progress.NONE);
                } catch (IllegalArgumentException e) {
                    throw new InputException(e.getMessage());
                }
            }
            print(spec.commandLine().getOut(), run, json);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the latest run and whether it is stale.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            LabelModelRun run;
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                run = new LabelModelService(ws, labeling).latest().orElseThrow(() ->
                        new InputException("no label model fitted in " + workspace + " yet; run `prefwork label-model fit " + workspace + "`"));
            }
            print(spec.commandLine().getOut(), run, json);
            return 0;
        }
    }

    static void print(PrintWriter out, LabelModelRun run, boolean json) throws Exception {
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();
            ObjectNode root = m.createObjectNode();
            root.put("id", run.id());
            root.put("kind", run.kind());
            root.put("createdAt", run.createdAt().toString());
            root.put("elapsedMs", run.elapsedMs());
            root.put("classBalance", run.classBalance());
            root.put("prior", run.priorMode());
            root.put("stale", run.stale());
            if (run.stale()) root.put("staleReason", run.staleness().reason());
            root.set("aspectWeights", m.valueToTree(run.aspectWeights()));
            root.set("aspects", m.valueToTree(run.aspects()));
            ArrayNode lfs = root.putArray("lfs");
            for (LabelModelRun.Lf lf : run.lfs()) {
                ObjectNode n = lfs.addObject();
                n.put("name", lf.name());
                n.put("aspect", lf.aspect());
                n.put("vote", lf.vote().name());
                n.put("versionId", lf.versionId());
                num(n, "learnedAccuracy", lf.learnedAccuracy());
                num(n, "goldAccuracy", lf.empiricalAccuracy());
                n.put("goldHits", lf.goldHits());
                num(n, "propensity", lf.propensity());
            }
            LabelModelRun.Summary s = run.summary();
            ObjectNode sum = root.putObject("summary");
            sum.put("candidates", s.rows());
            sum.put("labelCoverage", s.labelCoverage());
            sum.put("labelOverlap", s.labelOverlap());
            sum.put("labelConflict", s.labelConflict());
            sum.put("predictedGood", s.predictedGood());
            sum.put("goldRows", s.goldRows());
            num(sum, "goldAgreement", s.goldAccuracy());
            sum.set("histogram", m.valueToTree(s.histogram()));
            out.println(m.writeValueAsString(root));
            return;
        }
        out.printf("Label model run #%d: %s, fitted in %d ms%s%n", run.id(), run.kind(), run.elapsedMs(),
                run.stale() ? "" : " (up to date)");
        if (run.stale()) out.println("STALE: " + run.staleness().reason() + ". Refit with `prefwork label-model fit`.");
        out.printf("Class balance P(GOOD) = %.3f (%s)%n", run.classBalance(),
                run.priorMode().equals("fixed") ? "from gold" : "estimated from the votes");
        out.println();
        String fmt = "%-40s %-12s %-4s %8s %8s %6s %8s%n";
        out.printf(fmt, "LF", "aspect", "vote", "learned", "gold", "gold n", "coverage");
        for (LabelModelRun.Lf lf : run.lfs()) {
            out.printf(fmt, cut(lf.name(), 40), cut(lf.aspect(), 12), lf.vote().name(), pct(lf.learnedAccuracy()),
                    pct(lf.empiricalAccuracy()), lf.goldHits(), pct(lf.propensity()));
        }
        out.println();
        out.println("Aspects:");
        for (LabelModelRun.Aspect a : run.aspects()) {
            out.printf("  %-12s weight %.2f  %s%s%n", a.aspect(), run.aspectWeights().getOrDefault(a.aspect(), 1.0),
                    a.fallback() ? "FALLBACK " : "", a.reason());
        }
        LabelModelRun.Summary s = run.summary();
        out.println();
        out.printf("Candidates %,d: label coverage %s, overlap %s, conflict %s%n", s.rows(), pct(s.labelCoverage()),
                pct(s.labelOverlap()), pct(s.labelConflict()));
        out.printf("P(GOOD) > 0.5 on %,d candidates; agrees with gold on %s of %,d gold candidates%n", s.predictedGood(),
                pct(s.goldAccuracy()), s.goldRows());
    }

    private static void num(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) n.putNull(field);
        else n.put(field, v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format("%.1f%%", 100 * v);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
