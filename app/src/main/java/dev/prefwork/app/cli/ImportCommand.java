package dev.prefwork.app.cli;

import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a file into a workspace as one dataset, all or nothing.",
                "Formats: candidates JSONL {\"id\",\"prompt\",\"category\",\"candidates\":[{\"text\",\"model\"}]},"
                        + " CSV (one row per candidate), TRL pairs (prompt/chosen/rejected), prompt-only JSONL."})
final class ImportCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Parameters(index = "1", paramLabel = "<file>", description = "File to import (.jsonl or .csv).")
    Path file;

    @Option(names = "--format", paramLabel = "<format>", description = "candidates, csv, trl or prompts (default: detected).")
    String format;

    @Option(names = "--name", paramLabel = "<name>", description = "Dataset name (default: the file name).")
    String name;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new dev.prefwork.core.InputException("no such file: " + file);
        }
        ImportFormat f = format == null ? null : parseFormat(format);
        try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
            Importer.Result r = new Importer(ws).importFile(file, new Importer.Options(f, name), new StderrProgress());
            out().printf("Imported %s as dataset '%s' (%s): %,d prompts, %,d candidates%s%n", file, r.dataset().name(),
                    r.format().cliName(), r.prompts(), r.candidates(), r.pairs() > 0 ? String.format(", %,d pairs", r.pairs()) : "");
        }
        return 0;
    }

    private static ImportFormat parseFormat(String s) {
        try {
            return ImportFormat.parse(s);
        } catch (IllegalArgumentException e) {
            throw new dev.prefwork.core.InputException(e.getMessage());
        }
    }

    /** A progress line on an interactive terminal; silent when stderr is redirected. */
    static final class StderrProgress implements Progress {
        private final boolean tty = System.console() != null;
        private long last;

        @Override
        public void update(long done, long total, String message) {
            long now = System.nanoTime();
            if (!tty || now - last < 500_000_000L) return;
            last = now;
            String pct = total > 0 ? String.format("%3d%% ", 100 * done / total) : "";
            System.err.print("\r" + pct + message + "   ");
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
