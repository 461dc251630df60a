package dev.prefwork.app.cli;

import dev.prefwork.core.InputException;
import dev.prefwork.store.Workspace;

import java.nio.file.Path;

/** Opening an existing workspace from a command-line argument, with the error an expert can act on. */
final class WorkspaceArg {

    private WorkspaceArg() {
    }

    static Workspace openExisting(Path dir) {
        if (!Workspace.exists(dir)) {
            throw new InputException("no Prefwork workspace at " + dir.toAbsolutePath() + "; create one with `prefwork init "
                    + dir + "`");
        }
        return Workspace.open(dir);
    }
}
