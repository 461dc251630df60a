package dev.prefwork.app.cli;

import dev.prefwork.app.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "open", mixinStandardHelpOptions = true,
        description = "Open the workbench window, on <workspace> or else the last one (the demo workspace on first start).")
final class OpenCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Override
    public Integer call() {
        Launcher.main(workspace == null ? new String[0] : new String[]{workspace.toString()});
        return 0;
    }
}
