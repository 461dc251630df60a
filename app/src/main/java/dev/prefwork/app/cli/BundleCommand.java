package dev.prefwork.app.cli;

import dev.prefwork.app.AppCuration;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.bundle.BundleImporter;
import dev.prefwork.curation.bundle.BundleWriter;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork bundle export|import}: a colleague bundle (.prefwork.zip) of pair sets, LFs, gold and model summaries. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Hand your pair sets, labeling functions and gold to a colleague as one .prefwork.zip, or take theirs in.",
        subcommands = {BundleCommand.Export.class, BundleCommand.Import.class})
final class BundleCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a bundle: the pair sets (default: the newest DPO set and the newest SFT set), the prompts they and the gold "
                    + "refer to, the LF library, the gold and the label model's summary, with a manifest of SHA-256 hashes.")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "<file>", description = "The .prefwork.zip to write.")
        Path out;

        @Option(names = "--pairs", paramLabel = "ID", split = ",", description = "Pair set ids to include (default: the newest of each kind).")
        List<Long> pairs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (Files.isDirectory(out)) throw new InputException(out + " is a folder; name the file to write, e.g. " + out.resolve("my.prefwork.zip"));
            BundleWriter.Result r;
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                CurationService curation = AppCuration.service(ws, labeling);
                BundleWriter writer = new BundleWriter(ws, labeling, curation.labelModel(), curation, AppCuration.version(), Clock.systemUTC());
                List<StoredPairSet> sets = new ArrayList<>();
                for (long id : pairs) sets.add(curation.pairSetOrLatest(id));
                if (pairs.isEmpty()) sets = writer.defaultSets();
                r = writer.write(out, sets, Progress.NONE);
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s: %d pair set%s, %,d prompts, %d LFs, gold for %,d prompts (%,d bytes)%n",
                    r.file(), r.sets(), r.sets() == 1 ? "" : "s", r.prompts(), r.lfs(), r.goldPrompts(), r.bytes());
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Check a bundle completely, then merge it in one transaction: its prompts as a new dataset (prompts you already",
                    "have are reused), its LFs (a name you have becomes a new version), its gold (yours wins where you differ) and its",
                    "pair sets. A bundle that fails any check (paths, sizes, hashes, JSON, LF specs, regex time budget) changes nothing."})
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Parameters(index = "1", paramLabel = "<zip>", description = "The .prefwork.zip to import.")
        Path zip;

        @Option(names = "--dry-run", description = "Check the bundle and print what would be added, without importing.")
        boolean dryRun;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(zip)) throw new InputException("no such file: " + zip);
            PrintWriter out = spec.commandLine().getOut();
            try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
                BundleImporter importer = new BundleImporter(ws, labeling);
                try (BundleImporter.Plan plan = importer.inspect(zip, Progress.NONE)) {
                    out.println("Checked " + plan.fileName() + " (made by " + plan.createdBy() + "):");
                    plan.preview().forEach(l -> out.println("  " + l));
                    if (dryRun) return 0;
                    BundleImporter.Summary s = importer.apply(plan, Progress.NONE);
                    out.println("Imported:");
                    s.lines().forEach(l -> out.println("  " + l));
                }
            }
            return 0;
        }
    }
}
