package dev.prefwork.app.cli;

import dev.prefwork.core.InputException;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code prefwork gold export|import}: the expert's gold as JSONL, to hand to a colleague or a script and back. */
@Command(name = "gold", mixinStandardHelpOptions = true,
        description = {"Export or import the expert's gold judgments (JSONL, one prompt per line, candidates by 0-based position):",
                "{\"prompt_id\": \"p-001\", \"best\": 2, \"worst\": 4, \"labels\": [{\"candidate\": 2, \"label\": \"GOOD\"}],"
                        + " \"ratings\": [{\"candidate\": 2, \"rating\": 5}], \"preferences\": [{\"preferred\": 2, \"other\": 0}], \"note\": \"…\"}"},
        subcommands = {GoldCommand.Export.class, GoldCommand.Import.class})
final class GoldCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every labelled prompt's gold to a JSONL file (written to a temporary file, then moved into place).")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "<file>", description = "The gold JSONL file to write.")
        Path out;

        @Override
        public Integer call() {
            Path abs = out.toAbsolutePath();
            if (Files.isDirectory(abs)) throw new InputException(out + " is a folder; name the file to write, e.g. " + out.resolve("gold.jsonl"));
            if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) {
                throw new InputException("no such folder: " + abs.getParent());
            }
            int n;
            try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
                n = new GoldFile(ws).export(abs);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("Exported the gold of %,d prompt%s to %s%n", n, n == 1 ? "" : "s", out);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Read gold judgments from a JSONL file into a workspace, all or nothing.",
                    "Every line is checked against the workspace first (prompt ids, candidate positions, labels GOOD/BAD, ratings 1–5);"
                            + " a bad line names file, line and field, and nothing is written."})
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
        Path workspace;

        @Parameters(index = "1", paramLabel = "<file>", description = "Gold JSONL file.")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) throw new InputException("no such file: " + file);
            GoldFile.Result r;
            try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
                r = new GoldFile(ws).importGold(ImportSource.of(file));
            }
            spec.commandLine().getOut().printf("Imported gold for %,d prompts from %s: %,d labels, %,d ratings, %,d best/worst picks, %,d preferences%n",
                    r.prompts(), file, r.labels(), r.ratings(), r.picks(), r.preferences());
            return 0;
        }
    }
}
