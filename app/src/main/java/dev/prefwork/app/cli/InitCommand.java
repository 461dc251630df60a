package dev.prefwork.app.cli;

import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a workspace (a folder with an embedded H2 database).")
final class InitCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Parameters(index = "0", paramLabel = "<dir>", description = "Folder for the new workspace (created if missing).")
    Path dir;

    @Option(names = "--demo", description = "Fill it with the bundled demo data: prompts, five candidates each, and gold.")
    boolean demo;

    @Override
    public Integer call() {
        if (Workspace.exists(dir)) {
            throw new InputException(dir.toAbsolutePath() + " is already a Prefwork workspace");
        }
        // the demo is built aside and moved into place whole, so a killed init leaves no half-filled demo
        try (Workspace ws = demo ? DemoWorkspace.openOrCreate(dir, Progress.NONE) : Workspace.open(dir)) {
            var total = ws.stats().compute().total();
            out().printf("Created workspace %s (%,d prompts, %,d candidates)%n", ws.dir(), total.prompts(), total.candidates());
        }
        return 0;
    }
}
