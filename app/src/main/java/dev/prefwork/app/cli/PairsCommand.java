package dev.prefwork.app.cli;

import dev.prefwork.app.AppCuration;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.pairs.TiePolicy;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork pairs}: build DPO pairs (or SFT picks) from the ranking, print the funnel, save a pair set. */
@Command(name = "pairs", mixinStandardHelpOptions = true,
        description = {"Build chosen/rejected pairs from the ranking of each prompt's candidates, print the counts after each filter,",
                "and save them as a pair set (export it with `prefwork export`). Filters apply in the order shown; the expert's",
                "best/worst picks decide chosen/rejected where they exist and are exempt from the score filters."})
final class PairsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--strategy", paramLabel = "S", defaultValue = "best-worst",
            description = "best-worst (default), best-random, margin or sft-top-k.")
    String strategy;

    @Option(names = "--margin", paramLabel = "M", description = "margin strategy: keep every pair whose scores differ by at least M (default: --min-margin, else 0.2).")
    Double margin;

    @Option(names = "--min-margin", paramLabel = "X", description = "Drop pairs whose score margin is below X.")
    Double minMargin;

    @Option(names = "--min-chosen-p-good", paramLabel = "P", description = "Drop pairs whose chosen candidate has P(GOOD) below P.")
    Double minChosenPGood;

    @Option(names = "--min-chosen-score", paramLabel = "S", description = "Drop pairs whose chosen candidate scores below S.")
    Double minChosenScore;

    @Option(names = "--bad-lf-accuracy", paramLabel = "A", defaultValue = "0.8",
            description = "Drop prompts whose best candidate gets a BAD vote from an LF with learned accuracy ≥ A (default 0.8).")
    double badLfAccuracy;

    @Option(names = "--no-bad-lf-filter", description = "Keep prompts whatever the BAD LFs say.")
    boolean noBadLfFilter;

    @Option(names = "--max-chosen-longer", paramLabel = "F",
            description = "Length guard: at most this share (0–1) of pairs may have the longer response as chosen.")
    Double maxChosenLonger;

    @Option(names = "--ties", paramLabel = "RULE", defaultValue = "shorter",
            description = "Equal scores: skip, shorter (default: the shorter ranks higher), position or random.")
    String ties;

    @Option(names = "--no-gold", description = "Ignore the expert's best/worst picks.")
    boolean noGold;

    @Option(names = "--include-comparison-answers",
            description = "Also draw from the answers of before/after comparisons (`prefwork compare`); left out by default.")
    boolean includeComparisonAnswers;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of best-random and random tie-breaking (default 42).")
    long seed;

    @Option(names = "--top-percent", paramLabel = "K", defaultValue = "50", description = "sft-top-k: keep the best K %% of prompts (default 50).")
    double topPercent;

    @Option(names = "--ranking", paramLabel = "SOURCE", description = "Where the scores come from (default: the first available; label-model).")
    String ranking;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the saved pair set.")
    String name;

    @Option(names = "--dry-run", description = "Print the funnel without saving.")
    boolean dryRun;

    @Option(names = "--list", description = "List the saved pair sets instead.")
    boolean list;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
            CurationService curation = AppCuration.service(ws, labeling);
            if (list) {
                list(out, curation.pairSets());
                return 0;
            }
            Strategy s = Strategy.parse(strategy);
            double m = margin != null ? margin : minMargin != null && s == Strategy.MARGIN ? minMargin : 0.2;
            CurationRequest request = new CurationRequest(s, m, seed, TiePolicy.parse(ties),
                    minMargin == null || s == Strategy.MARGIN && margin == null ? Double.NaN : minMargin,
                    minChosenScore == null ? Double.NaN : minChosenScore, minChosenPGood == null ? Double.NaN : minChosenPGood,
                    noBadLfFilter ? Double.NaN : badLfAccuracy, maxChosenLonger == null ? Double.NaN : maxChosenLonger, !noGold, topPercent,
                    includeComparisonAnswers);
            RankingSource source = ranking == null ? curation.defaultSource(Progress.NONE).orElseThrow(() -> new InputException(
                    "nothing to rank with yet in " + workspace + ": fit a label model first (`prefwork label-model fit " + workspace + "`)"))
                    : curation.source(ranking).orElseThrow(() -> new InputException(null, 0, "ranking", "unknown source '" + ranking
                    + "'; choose one of " + String.join(", ", curation.sources().stream().map(RankingSource::id).toList())));
            CurationResult result = curation.build(source, request, Progress.NONE);
            out.printf("Ranking: %s%s%n", result.data().ranking().description(),
                    result.data().ranking().stale() ? " (STALE: " + result.data().ranking().staleReason() + ")" : "");
            printFunnel(out, result.funnel());
            if (!result.sft() && result.size() > 0) {
                out.printf(Locale.ROOT, "Chosen is the longer response in %.0f %% of the pairs%n", 100 * result.chosenLongerShare());
            }
            if (dryRun) return 0;
            if (result.size() == 0) throw new InputException("no pairs are left after the filters; nothing was saved (loosen a filter)");
            StoredPairSet set = curation.save(result, name);
            out.printf(Locale.ROOT, "Saved pair set #%d \"%s\": %,d %s over %,d prompts. Export it with `prefwork export %s --format trl --out pairs.jsonl --pairs %d`%n",
                    set.id(), set.name(), set.pairs(), set.sft() ? "examples" : "pairs", set.prompts(), workspace, set.id());
        }
        return 0;
    }

    static void printFunnel(PrintWriter out, List<FunnelStep> funnel) {
        out.printf("%-58s %9s %9s %9s  %s%n", "step", "pairs", "prompts", "removed", "");
        for (FunnelStep f : funnel) {
            out.printf(Locale.ROOT, "%-58s %9s %,9d %,9d  %s%n", f.label(), f.pairs() < 0 ? "" : String.format(Locale.ROOT, "%,d", f.pairs()),
                    f.prompts(), f.removed(), f.note());
        }
    }

    static void list(PrintWriter out, List<StoredPairSet> sets) {
        if (sets.isEmpty()) {
            out.println("No pair sets saved yet.");
            return;
        }
        out.printf("%5s  %-5s  %-36s %-12s %9s %9s  %s%n", "id", "kind", "name", "strategy", "rows", "prompts", "ranking");
        for (StoredPairSet s : sets) {
            out.printf(Locale.ROOT, "%5d  %-5s  %-36s %-12s %,9d %,9d  %s%s%n", s.id(), s.kind(), s.name().length() > 36 ? s.name().substring(0, 35) + "…" : s.name(),
                    s.strategy(), s.pairs(), s.prompts(), s.rankingDescription(), s.rankingStale() ? " (stale)" : "");
        }
    }
}
