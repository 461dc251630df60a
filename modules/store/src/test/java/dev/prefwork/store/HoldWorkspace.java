package dev.prefwork.store;

import java.nio.file.Path;

/** Child-process helper for tests: opens a workspace, says "open", and holds it until killed. */
public final class HoldWorkspace {
    public static void main(String[] args) throws Exception {
        Workspace ws = Workspace.open(Path.of(args[0]));
        System.out.println("open");
        System.out.flush();
        Thread.sleep(60_000);
        ws.close();
    }
}
