package dev.prefwork.inference;

import java.net.SocketPermission;
import java.nio.file.Path;
import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Child-JVM entry point for {@link OfflineTest}: loads and runs the bundled model and an external scorer
 * while a security manager records every attempt to resolve a host name or open a socket (and refuses it).
 * Prints "NETWORK ATTEMPT ..." per attempt and "PROBE OK dim=..." when the models ran; exits 3 when any
 * attempt was seen.
 *
 * <p>Arguments: {@code dataDir scorerFolder mode}; mode {@code offline} uses {@link InferenceEnvironment}
 * as the app does, {@code telemetry} leaves DJL's defaults (the control: the recorder must catch DJL
 * calling home, or it proves nothing), {@code telemetry-unguarded} does so without the security manager
 * (the control for strace, which must then see the connect).
 */
public final class OfflineProbe {

    static final List<String> attempts = new CopyOnWriteArrayList<>();

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        Path scorer = Path.of(args[1]);
        boolean offline = args[2].equals("offline");
        if (!args[2].equals("telemetry-unguarded")) installRecorder();
        runModels(data, scorer, offline);
        System.out.flush();
        System.exit(attempts.isEmpty() ? 0 : 3);
    }

    private static void installRecorder() {
        System.setSecurityManager(new SecurityManager() {
            @Override public void checkPermission(Permission perm) { check(perm); }
            @Override public void checkPermission(Permission perm, Object context) { check(perm); }

            private void check(Permission perm) {
                if (perm instanceof SocketPermission && !perm.getActions().equals("accept")) {
                    String what = perm.getName() + " (" + perm.getActions() + ")";
                    attempts.add(what);
                    System.out.println("NETWORK ATTEMPT " + what);
                    throw new SecurityException("network access refused by OfflineProbe: " + what);
                }
            }
        });
    }

    private static void runModels(Path data, Path scorer, boolean offline) {
        try {
            if (!offline) {
                // What DJL does without Prefwork's switches (its telemetry runs when the engine starts).
                ai.djl.engine.Engine.getInstance();
            }
            InferenceSettings settings = InferenceSettings.defaults(data);
            try (OnnxEmbeddingModel model = OnnxEmbeddingModel.bundledMiniLm(settings);
                 ExternalScorer s = ExternalScorer.fromFolder(scorer, settings, ExternalScorer.Config.defaults())) {
                float[][] v = model.embed(List.of("offline check", "no network needed"));
                double score = s.score(List.of("q"), List.of("good")).get(0).score();
                System.out.println("PROBE OK dim=" + v[0].length + " score=" + score);
            }
        } catch (Throwable t) {
            System.out.println("PROBE FAILED " + t);
        }
    }
}
