package dev.prefwork.app.reliability;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.cli.PrefworkCli;
import dev.prefwork.app.ui.Workbench;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.io.PrintWriter;
import java.net.SocketPermission;
import java.nio.file.Path;
import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link NetworkSurfaceTest}: runs the CLI's pipeline commands, or starts the workbench (headless)
 * on a workspace, under a security manager that records — and refuses — every attempt to resolve a host, connect,
 * listen or accept from Java code. Prints "NETWORK ATTEMPT …" per attempt, "EXIT n" per CLI command and
 * "PROBE OK" at the end; exits 3 when there was any attempt.
 *
 * <p>Arguments: {@code cli <workspace> <file to import>} or {@code workbench <workspace> <user data folder>}.
 */
public final class NetworkProbe {

    private static final List<String> attempts = new CopyOnWriteArrayList<>();

    private NetworkProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.setSecurityManager(new SecurityManager() {
            @Override public void checkPermission(Permission perm) { check(perm); }
            @Override public void checkPermission(Permission perm, Object context) { check(perm); }

            private void check(Permission perm) {
                if (perm instanceof SocketPermission) {
                    String what = perm.getName() + " (" + perm.getActions() + ")";
                    attempts.add(what);
                    System.out.println("NETWORK ATTEMPT " + what);
                    throw new SecurityException("network access refused by NetworkProbe: " + what);
                }
            }
        });
        Path ws = Path.of(args[1]);
        if (args[0].equals("cli")) {
            String w = ws.toString();
            String[][] commands = {
                    {"init", w, "--demo"}, {"import", w, args[2]}, {"stats", w}, {"gold", "export", w, "--out", ws.resolveSibling("gold.jsonl").toString()},
                    {"lf", "apply", w}, {"lf", "export", w, "--output", ws.resolveSibling("lfs.json").toString()},
                    // embedding offline is proven by modules/inference's OfflineTest (same recorder, strace, the model run)
                    {"label-model", "fit", w}};
            for (String[] c : commands) {
                long t0 = System.nanoTime();
                int exit = PrefworkCli.run(c, new PrintWriter(System.out, true), new PrintWriter(System.out, true));
                System.out.println("EXIT " + exit + " " + String.join(" ", c) + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
            }
        } else {
            Platform.startup(() -> { });
            CountDownLatch ready = new CountDownLatch(1);
            Workbench[] wb = new Workbench[1];
            Platform.runLater(() -> {
                wb[0] = new Workbench(new AppPaths(Path.of(args[2])), Workbench.Options.open(ws));
                wb[0].start(new Stage());
                wb[0].promptsViewModel().stateProperty().addListener((o, a, b) -> {
                    if (b == dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState.READY) ready.countDown();
                });
            });
            boolean ok = ready.await(120, TimeUnit.SECONDS);
            System.out.println(ok ? "WORKBENCH READY" : "WORKBENCH NOT READY");
            CountDownLatch stopped = new CountDownLatch(1);
            Platform.runLater(() -> {
                wb[0].stop();
                stopped.countDown();
            });
            stopped.await(60, TimeUnit.SECONDS);
        }
        System.out.println("PROBE OK");
        System.out.flush();
        System.exit(attempts.isEmpty() ? 0 : 3);
    }
}
