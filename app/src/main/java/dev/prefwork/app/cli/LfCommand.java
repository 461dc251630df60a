package dev.prefwork.app.cli;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.analysis.MatrixStats;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfApplyReport;
import dev.prefwork.labeling.service.LibraryImport;
import dev.prefwork.store.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prefwork lf list|add|export|apply <workspace>}: the LF library from the command line (same service as the studio). */
@Command(name = "lf", mixinStandardHelpOptions = true,
        description = "Labeling functions: list, add from an lfs.json library, export, apply with the analysis table.",
        subcommands = {LfCommand.ListLfs.class, LfCommand.Add.class, LfCommand.Export.class, LfCommand.Apply.class})
final class LfCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public Integer call() throws Exception {
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService lfs = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                return run(lfs);
            }
        }

        abstract Integer run(LabelingService lfs) throws Exception;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the labeling functions (current versions).")
    static final class ListLfs extends Base {
        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        Integer run(LabelingService lfs) throws Exception {
            List<LabelingFunction> all = lfs.list();
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (LabelingFunction lf : all) rows.add(lfJson(lf));
                out().println(JSON.writeValueAsString(rows));
                return 0;
            }
            String fmt = "%5s  %-40s %-12s %-5s %-8s %7s%n";
            out().printf(fmt, "id", "name", "aspect", "vote", "enabled", "version");
            for (LabelingFunction lf : all) {
                out().printf(fmt, lf.id(), cut(lf.name(), 40), lf.aspect(), lf.vote(), lf.enabled() ? "yes" : "no", "v" + lf.version());
            }
            out().printf("%d labeling function%s%n", all.size(), all.size() == 1 ? "" : "s");
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add the LFs of an lfs.json library; an LF whose name exists becomes its next version. Nothing is written if any LF is invalid.")
    static final class Add extends Base {
        @Option(names = {"--file", "-f"}, required = true, paramLabel = "<lfs.json>", description = "The LF library to add.")
        Path file;

        @Override
        Integer run(LabelingService lfs) {
            LibraryImport r = lfs.importLibrary(file);
            out().printf("Added %d new LF%s, %d new version%s, %d unchanged%n", r.created(), r.created() == 1 ? "" : "s",
                    r.newVersions(), r.newVersions() == 1 ? "" : "s", r.unchanged());
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the LF library as lfs.json (to stdout without --output).")
    static final class Export extends Base {
        @Option(names = {"--output", "-o"}, paramLabel = "<file>", description = "Where to write it.")
        Path output;

        @Override
        Integer run(LabelingService lfs) {
            if (output == null) {
                out().println(lfs.exportLibrary());
            } else {
                lfs.exportLibrary(output);
                out().printf("Exported %d LFs to %s%n", lfs.list().size(), output.toAbsolutePath());
            }
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Apply every LF (only changed versions are recomputed) and print the analysis: coverage, overlaps, conflicts, accuracy against gold.")
    static final class Apply extends Base {
        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        Integer run(LabelingService lfs) throws Exception {
            LfApplyReport report = lfs.apply(Progress.NONE);
            if (json) {
                out().println(JSON.writeValueAsString(reportJson(report)));
                return 0;
            }
            String fmt = "%-36s %-12s %-4s %-3s %7s %6s %6s %9s %9s %9s %9s  %s%n";
            out().printf(fmt, "name", "aspect", "vote", "on", "hits", "GOOD", "BAD", "coverage", "overlaps", "conflicts", "accuracy", "source");
            for (LfApplyReport.Row r : report.lfs()) {
                LfStats s = r.stats();
                out().printf(fmt, cut(r.lf().name(), 36), r.lf().aspect(), r.lf().vote(), r.lf().enabled() ? "yes" : "no",
                        String.format("%,d", s.hits()), s.goodVotes(), s.badVotes(), pct(s.coverage()), pct(s.overlaps()),
                        pct(s.conflicts()), accuracy(s), r.source().name().toLowerCase(Locale.ROOT) + (r.error() == null ? "" : ": " + r.error()));
            }
            MatrixStats m = report.matrix();
            out().printf("%n%,d candidates, %d enabled LFs: label coverage %s, overlap %s, conflict %s; %,d gold rows; %d recomputed in %,d ms%n",
                    report.candidates(), m.lfs(), pct(m.labelCoverage()), pct(m.labelOverlap()), pct(m.labelConflict()),
                    m.goldRows(), report.recomputed(), report.elapsedMillis());
            return 0;
        }
    }

    static Map<String, Object> lfJson(LabelingFunction lf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", lf.id());
        m.put("name", lf.name());
        m.put("aspect", lf.aspect());
        m.put("vote", lf.vote() == null ? null : lf.vote().name());
        m.put("enabled", lf.enabled());
        m.put("version", lf.version());
        m.put("versionId", lf.versionId());
        if (lf.problem() != null) m.put("problem", lf.problem());
        return m;
    }

    static Map<String, Object> reportJson(LfApplyReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("candidates", report.candidates());
        root.put("recomputed", report.recomputed());
        root.put("elapsedMillis", report.elapsedMillis());
        root.put("matrix", report.matrix());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LfApplyReport.Row r : report.lfs()) {
            Map<String, Object> m = lfJson(r.lf());
            LfStats s = r.stats();
            m.put("hits", s.hits());
            m.put("goodVotes", s.goodVotes());
            m.put("badVotes", s.badVotes());
            m.put("coverage", s.coverage());
            m.put("overlaps", s.overlaps());
            m.put("conflicts", s.conflicts());
            m.put("overlapRows", s.overlapRows());
            m.put("conflictRows", s.conflictRows());
            m.put("correct", s.correct());
            m.put("incorrect", s.incorrect());
            m.put("empiricalAccuracy", Double.isNaN(s.empiricalAccuracy()) ? null : s.empiricalAccuracy());
            m.put("source", r.source().name().toLowerCase(Locale.ROOT));
            if (r.error() != null) m.put("error", r.error());
            rows.add(m);
        }
        root.put("lfs", rows);
        return root;
    }

    static String pct(double f) {
        return String.format(Locale.ROOT, "%.1f%%", f * 100);
    }

    static String accuracy(LfStats s) {
        return Double.isNaN(s.empiricalAccuracy()) ? "–" : String.format(Locale.ROOT, "%.0f%% (%d)", s.empiricalAccuracy() * 100, s.goldHits());
    }

    static String cut(String s, int n) {
        return s.length() > n ? s.substring(0, n - 1) + "…" : s;
    }
}
