package dev.prefwork.app.reliability;

import dev.prefwork.store.Workspace;

import java.nio.file.Path;

/** A second Prefwork process for tests: opens a workspace, says "open", and holds it until killed. */
public final class HoldWorkspaceChild {

    private HoldWorkspaceChild() {
    }

    public static void main(String[] args) throws Exception {
        Workspace ws = Workspace.open(Path.of(args[0]));
        System.out.println("open");
        System.out.flush();
        Thread.sleep(120_000);
        ws.close();
    }

    /** Starts a holder of {@code dir} and waits until it has the workspace open. */
    static Process hold(Path dir) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), HoldWorkspaceChild.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("open")) return p;
        }
        throw new IllegalStateException("the holder stopped before opening " + dir + " (exit " + p.waitFor() + ")");
    }
}
