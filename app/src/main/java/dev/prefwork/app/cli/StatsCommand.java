package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prefwork.core.WorkspaceStats;
import dev.prefwork.core.WorkspaceStats.Counts;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Count prompts, candidates and gold judgments, for the workspace and per dataset.")
final class StatsCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        WorkspaceStats stats;
        try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
            stats = ws.stats().compute();
        }
        if (json) {
            out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(stats));
            return 0;
        }
        String fmt = "%-28s %9s %11s %9s %8s %8s %10s %12s%n";
        out().printf(fmt, "dataset", "prompts", "candidates", "labelled", "labels", "ratings", "best/worst", "preferences");
        for (WorkspaceStats.DatasetCounts d : stats.datasets()) row(fmt, d.name(), d.counts());
        row(fmt, "total", stats.total());
        return 0;
    }

    private void row(String fmt, String name, Counts c) {
        out().printf(fmt, name.length() > 28 ? name.substring(0, 27) + "…" : name, n(c.prompts()), n(c.candidates()),
                n(c.labelledPrompts()), n(c.candidateLabels()), n(c.ratings()), n(c.bestWorst()), n(c.preferences()));
    }

    private static String n(int v) {
        return String.format("%,d", v);
    }
}
