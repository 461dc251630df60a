package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.engine.CandidateMeasure;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfCorrelationService;
import dev.prefwork.labeling.service.LfGroups;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code prefwork label-model correlations|group|ungroup}: the correlation diagnostics and the LF groups the label
 * model honours (a refit applies them).
 */
final class LabelModelGroupCommands {

    private LabelModelGroupCommands() {
    }

    @Command(name = "correlations", mixinStandardHelpOptions = true,
            description = "Print how alike the enabled LFs vote (Pearson r), each LF's r with response length and a "
                    + "measure, the clusters of correlated LFs, each LF's share of the latest label model, and a warning "
                    + "when LFs that measure length decide most of it.")
    static final class Correlations implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--measure", paramLabel = "M", defaultValue = "chars",
                description = "chars (default), words, readability, repetition or prompt_overlap.")
        String measure;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CandidateMeasure m;
            try {
                m = CandidateMeasure.parse(measure);
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
            LfCorrelationService.Report report;
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                if (labeling.list().stream().noneMatch(LabelingFunction::enabled)) {
                    throw new InputException("no enabled labeling functions in " + workspace);
                }
                report = new LfCorrelationService(ws, labeling, new LabelModelService(ws, labeling)).report(m, Progress.NONE);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(json(report));
            else text(out, report);
            out.flush();
            return 0;
        }
    }

    static String json(LfCorrelationService.Report r) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("rows", r.matrix().rows());
        root.put("measure", r.measure().key());
        root.put("modelShare", r.modelShare());
        putNumber(root, "pGoodLengthR", r.pGoodLengthR());
        putNumber(root, "pGoodMeasureR", r.pGoodMeasureR());
        root.put("warning", r.warning().map(LfCorrelationService.Warning::text).orElse(null));
        ArrayNode lfs = root.putArray("lfs");
        for (int i = 0; i < r.lfs().size(); i++) {
            LfCorrelationService.LfRow lf = r.lfs().get(i);
            ObjectNode n = lfs.addObject();
            n.put("lfId", lf.lfId());
            n.put("name", lf.name());
            n.put("aspect", lf.aspect());
            n.put("vote", lf.vote().name());
            n.put("coverage", lf.coverage());
            putNumber(n, "lengthR", lf.lengthR());
            putNumber(n, "measureR", lf.measureR());
            n.put("share", lf.share());
            n.put("group", lf.group());
            ArrayNode row = n.putArray("r");
            for (double v : r.matrix().r()[i]) {
                if (Double.isNaN(v)) row.addNull();
                else row.add(v);
            }
            ArrayNode overlap = n.putArray("overlap");
            for (long v : r.matrix().overlap()[i]) overlap.add(v);
        }
        ArrayNode clusters = root.putArray("clusters");
        for (LfCorrelationService.Cluster c : r.clusters()) {
            ObjectNode n = clusters.addObject();
            n.put("label", c.label());
            ArrayNode names = n.putArray("lfs");
            for (int i : c.lfs()) names.add(r.lfs().get(i).name());
            n.put("meanAbsR", c.meanAbsR());
            n.put("meanLengthR", c.meanLengthR());
            n.put("share", c.share());
            n.put("grouped", c.grouped());
        }
        ArrayNode groups = root.putArray("groups");
        for (LfGroups.Group g : r.groups()) {
            ObjectNode n = groups.addObject();
            n.put("mode", g.mode());
            ArrayNode ids = n.putArray("lfIds");
            g.lfIds().forEach(ids::add);
        }
        return mapper.writeValueAsString(root);
    }

    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) n.putNull(field);
        else n.put(field, v);
    }

    static void text(PrintWriter out, LfCorrelationService.Report r) {
        r.warning().ifPresent(w -> out.println("WARNING: " + w.text() + "\n"));
        out.printf("%d candidates, %d enabled LFs; shares are %s%n%n", r.matrix().rows(), r.lfs().size(),
                r.modelShare() ? "of the latest label model" : "of all votes cast (no fresh label model)");
        out.printf("%-4s %-40s %-12s %8s %8s %8s %7s %s%n", "#", "LF", "aspect", "coverage", "r length",
                "r " + shortKey(r.measure()), "share", "group");
        for (int i = 0; i < r.lfs().size(); i++) {
            LfCorrelationService.LfRow lf = r.lfs().get(i);
            out.printf("%-4d %-40s %-12s %8d %8s %8s %6.1f%% %s%n", i + 1, clip(lf.name(), 40), clip(lf.aspect(), 12), lf.coverage(),
                    fmt(lf.lengthR()), fmt(lf.measureR()), 100 * lf.share(), lf.group() < 0 ? "" : r.groups().get(lf.group()).mode());
        }
        out.println();
        if (r.clusters().isEmpty()) out.println("No clusters of correlated LFs (mean |r| ≥ " + LfCorrelationService.CLUSTER_THRESHOLD + ").");
        for (LfCorrelationService.Cluster c : r.clusters()) {
            out.printf("%s (mean |r| %.2f, mean |r| with length %.2f, share %.0f%%%s): %s%n", c.label(), c.meanAbsR(), c.meanLengthR(),
                    100 * c.share(), c.grouped() ? ", grouped" : "",
                    java.util.Arrays.stream(c.lfs()).mapToObj(i -> r.lfs().get(i).name()).collect(Collectors.joining(", ")));
        }
        if (!Double.isNaN(r.pGoodLengthR())) out.printf("%nP(GOOD) vs response length: r = %.2f%n", r.pGoodLengthR());
        out.println();
        out.println("Matrix of r (rows and columns as numbered above):");
        for (int i = 0; i < r.lfs().size(); i++) {
            StringBuilder sb = new StringBuilder(String.format("%-4d", i + 1));
            for (double v : r.matrix().r()[i]) sb.append(String.format(" %5s", Double.isNaN(v) ? "-" : String.format("%.2f", v)));
            out.println(sb);
        }
    }

    private static String shortKey(CandidateMeasure m) {
        return m == CandidateMeasure.PROMPT_OVERLAP ? "overlap" : m.key();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%+.2f", v);
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    @Command(name = "group", mixinStandardHelpOptions = true,
            description = "Make LFs one group for the label model: merge (their majority vote counts as one LF) or "
                    + "dependent (each keeps its accuracy, the group counts as its effective number of LFs). "
                    + "Applies at the next `label-model fit`.")
    static final class Group implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--lfs", required = true, split = ",", paramLabel = "NAME", description = "LF names, comma-separated.")
        List<String> lfs;

        @Option(names = "--mode", defaultValue = "merge", paramLabel = "MODE", description = "merge (default) or dependent.")
        String mode;

        @Override
        public Integer call() throws Exception {
            LfGroup.Mode m;
            try {
                m = LfGroup.Mode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                List<Long> ids = ids(labeling, lfs);
                if (ids.size() < 2) throw new InputException("a group needs at least two different LFs");
                List<LfGroups.Group> groups = LfGroups.group(ws, ids, m);
                printGroups(spec.commandLine().getOut(), labeling, groups);
            }
            return 0;
        }
    }

    @Command(name = "ungroup", mixinStandardHelpOptions = true,
            description = "Take LFs out of their groups (all groups with --all). Applies at the next `label-model fit`.")
    static final class Ungroup implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = "--lfs", split = ",", paramLabel = "NAME", description = "LF names, comma-separated.")
        List<String> lfs = new ArrayList<>();

        @Option(names = "--all", description = "Remove every group.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            if (all == !lfs.isEmpty()) throw new InputException("give either --lfs or --all");
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                List<LfGroups.Group> groups = LfGroups.ungroup(ws, all ? List.of() : ids(labeling, lfs));
                printGroups(spec.commandLine().getOut(), labeling, groups);
            }
            return 0;
        }
    }

    static List<Long> ids(LabelingService labeling, List<String> names) {
        Map<String, Long> byName = labeling.list().stream()
                .collect(Collectors.toMap(lf -> lf.name().toLowerCase(), LabelingFunction::id, (a, b) -> a));
        List<Long> ids = new ArrayList<>();
        for (String n : names) {
            Long id = byName.get(n.trim().toLowerCase());
            if (id == null) throw new InputException("no labeling function named '" + n.trim() + "'; see `prefwork lf list`");
            if (!ids.contains(id)) ids.add(id);
        }
        return ids;
    }

    static void printGroups(PrintWriter out, LabelingService labeling, List<LfGroups.Group> groups) {
        Map<Long, String> names = labeling.list().stream().collect(Collectors.toMap(LabelingFunction::id, LabelingFunction::name, (a, b) -> a));
        if (groups.isEmpty()) out.println("No LF groups: the label model treats every LF as independent.");
        for (LfGroups.Group g : groups) {
            out.println(g.mode() + ": " + g.lfIds().stream().map(id -> names.getOrDefault(id, "#" + id)).collect(Collectors.joining(", ")));
        }
        out.println("Refit the label model to apply: prefwork label-model fit <workspace>");
        out.flush();
    }

}
