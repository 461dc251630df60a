package dev.prefwork.app.cli;

import dev.prefwork.core.InputException;
import dev.prefwork.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code prefwork} command line: the same pipeline as the workbench, for data scientists and scripts.
 * Exit codes: 0 success, 2 bad input (the message on stderr names file, line and field), 1 anything else.
 */
@Command(name = "prefwork", mixinStandardHelpOptions = true, versionProvider = PrefworkCli.Version.class,
        description = "Prefwork, the preference workbench: turn an expert's judgment into preference data.",
        subcommands = {InitCommand.class, ImportCommand.class, StatsCommand.class, GoldCommand.class, LfCommand.class,
                LabelModelCommand.class, EmbedCommand.class, RewardCommand.class, ScoresCommand.class, GenerateCommand.class,
                PairsCommand.class, ExportCommand.class, BundleCommand.class, TrainCommand.class, RunsCommand.class, CompareCommand.class, OpenCommand.class,
                CommandLine.HelpCommand.class})
public final class PrefworkCli implements Runnable {

    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new PrefworkCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            if (t instanceof InputException) {
                err.println("prefwork: " + t.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (t instanceof StoreException || t instanceof UncheckedIOException) {
                err.println("prefwork: " + t.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PrefworkCli.class.getPackage().getImplementationVersion();
            return new String[]{"prefwork " + (v == null ? "dev" : v)};
        }
    }
}
