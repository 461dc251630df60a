package dev.prefwork.app.cli;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.analysis.MatrixStats;
import dev.prefwork.app.OpenAiJudgeBackend;
import dev.prefwork.core.InputException;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.service.JudgeService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.PairVotes;
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

/**
 * {@code prefwork lf list|add|export|apply|judge-estimate|judge <workspace>}: the LF library from the command line (same
 * service as the studio), including comparative and model-judge LFs.
 */
@Command(name = "lf", mixinStandardHelpOptions = true,
        description = "Labeling functions: list, add from an lfs.json library, export, apply with the analysis table, ask a judge model.",
        subcommands = {LfCommand.ListLfs.class, LfCommand.Add.class, LfCommand.Export.class, LfCommand.Apply.class,
                LfCommand.JudgeEstimate.class, LfCommand.Judge.class})
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
            PairVotes pairs = lfs.comparativeVotes(Progress.NONE);
            if (json) {
                Map<String, Object> root = reportJson(report);
                root.put("pairLfs", pairsJson(pairs));
                out().println(JSON.writeValueAsString(root));
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
            if (pairs != null && !pairs.columns().isEmpty()) {
                String pf = "%-36s %-12s %-4s %-3s %9s %9s %12s  %s%n";
                out().printf("%nPair LFs (comparative and A/B judge) over %,d same-prompt pairs, %,d gold pairs:%n", pairs.totalPairs(), pairs.goldPairs());
                out().printf(pf, "name", "aspect", "vote", "on", "pairs", "coverage", "accuracy", "source");
                for (PairVotes.Column c : pairs.columns()) {
                    out().printf(pf, cut(c.lf().name(), 36), c.lf().aspect(), c.lf().vote(), c.lf().enabled() ? "yes" : "no",
                            String.format("%,d", c.votes()), pct(c.coverage()),
                            c.accuracy() == null ? "–" : String.format(Locale.ROOT, "%.0f%% (%d)", c.accuracy() * 100, c.goldVoted()),
                            c.source().name().toLowerCase(Locale.ROOT) + (c.error() == null ? "" : ": " + c.error()));
                }
            }
            return 0;
        }
    }

    static Map<String, Object> pairsJson(PairVotes pairs) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("totalPairs", pairs.totalPairs());
        root.put("goldPairs", pairs.goldPairs());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PairVotes.Column c : pairs.columns()) {
            Map<String, Object> m = lfJson(c.lf());
            m.put("kind", c.lf().spec().kindOrDefault().name().toLowerCase(Locale.ROOT));
            m.put("pairs", c.votes());
            m.put("coverage", c.coverage());
            m.put("goldVoted", c.goldVoted());
            m.put("goldCorrect", c.goldCorrect());
            m.put("accuracy", c.accuracy());
            m.put("source", c.source().name().toLowerCase(Locale.ROOT));
            if (c.error() != null) m.put("error", c.error());
            rows.add(m);
        }
        root.put("lfs", rows);
        return root;
    }

    /** The judge LF named {@code name} (ignoring case), or a usage error. */
    static LfSpec judgeSpec(LabelingService lfs, String name) {
        LabelingFunction lf = lfs.list().stream().filter(l -> l.name().equalsIgnoreCase(name.strip())).findFirst()
                .orElseThrow(() -> new InputException("no labeling function named \"" + name + "\""));
        if (lf.spec() == null || lf.spec().kindOrDefault() != LfSpec.Kind.JUDGE) {
            throw new InputException("\"" + lf.name() + "\" is not a judge LF (\"kind\": \"judge\")");
        }
        return lf.spec();
    }

    @Command(name = "judge-estimate", mixinStandardHelpOptions = true,
            description = "What asking a judge LF's model over the whole workspace would cost: questions (those answered before are not asked again), tokens, time at the latency measured so far.")
    static final class JudgeEstimate extends Base {
        @Option(names = "--lf", required = true, paramLabel = "<name>", description = "The judge LF.")
        String name;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        Integer run(LabelingService lfs) throws Exception {
            LfSpec spec = judgeSpec(lfs, name);
            JudgeService.Estimate e = AppLabeling.judge(lfs.workspace(), lfs, OpenAiJudgeBackend.fromEnvironment()).estimate(spec, Progress.NONE);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("lf", spec.name());
                m.put("model", spec.judge().model());
                m.put("questions", e.questions());
                m.put("cached", e.cached());
                m.put("toAsk", e.toAsk());
                m.put("promptTokens", e.promptTokens());
                m.put("completionTokens", e.completionTokens());
                m.put("latencyMs", e.latencyMs());
                m.put("etaSeconds", e.eta() == null ? null : e.eta().toMillis() / 1000.0);
                out().println(JSON.writeValueAsString(m));
            } else {
                out().println(spec.name() + " (" + spec.judge().model() + "): " + e.summary());
            }
            return 0;
        }
    }

    @Command(name = "judge", mixinStandardHelpOptions = true,
            description = "Ask a judge LF's model: the questions not answered yet (all of the workspace, or --preview N candidates). Answers are cached; `lf apply` then reads them.")
    static final class Judge extends Base {
        @Option(names = "--lf", required = true, paramLabel = "<name>", description = "The judge LF.")
        String name;

        @Option(names = "--preview", paramLabel = "<n>", description = "Ask about n candidates only, and print the answers.")
        Integer preview;

        @Override
        Integer run(LabelingService lfs) throws Exception {
            LfSpec spec = judgeSpec(lfs, name);
            JudgeService judge = AppLabeling.judge(lfs.workspace(), lfs, OpenAiJudgeBackend.fromEnvironment());
            JudgeService.Report r = preview != null ? judge.preview(spec, preview, new ImportCommand.StderrProgress())
                    : judge.run(spec, new ImportCommand.StderrProgress());
            for (JudgeService.Answer a : r.answers()) {
                out().printf("%d%s: %s -> %s%n", a.candidateId(), a.otherId() == 0 ? "" : " vs " + a.otherId(),
                        cut(a.reply().replace('\n', ' '), 60), a.malformed() ? "unreadable (abstains)"
                                : a.vote() == null ? (spec.judge().pairwise() ? (a.value() == 1.0 ? "A" : "B") : "abstains") : a.vote().name());
            }
            out().printf("%d questions: %d asked, %d answered before, %d unreadable, %d failed; %,d prompt + %,d answer tokens in %,d ms%s%n",
                    r.questions(), r.asked(), r.cached(), r.malformed(), r.failed(), r.promptTokens(), r.completionTokens(), r.elapsedMs(),
                    r.firstError() == null ? "" : " (first error: " + r.firstError() + ")");
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
