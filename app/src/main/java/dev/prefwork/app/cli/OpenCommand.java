package dev.prefwork.app.cli;

import dev.prefwork.app.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Open the workbench window, on <workspace> or else the last one (the demo workspace on first start).",
                "A colleague bundle (*.prefwork.zip) among the arguments is offered for import once the workspace is open."})
final class OpenCommand implements Callable<Integer> {

    @Parameters(arity = "0..2", paramLabel = "<workspace|bundle>", description = "Workspace folder, and/or a .prefwork.zip bundle.")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() {
        Launcher.main(paths.stream().map(Path::toString).toArray(String[]::new));
        return 0;
    }
}
