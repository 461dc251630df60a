package dev.prefwork.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves that loading and running models attempts no network access. A child JVM ({@link OfflineProbe}) runs
 * the bundled MiniLM and an external scorer
 * <ul>
 *   <li>in a network namespace with no interfaces up ({@code unshare -n}), so nothing could get out anyway;</li>
 *   <li>under a security manager that records every host lookup and socket connect from Java code (DJL's
 *       telemetry is Java: {@code Ec2Utils.callHome});</li>
 *   <li>under {@code strace -e connect} when strace is installed, which also sees native code (ONNX Runtime,
 *       the Rust tokenizers) — any AF_INET/AF_INET6 connect fails the test.</li>
 * </ul>
 * Control runs without Prefwork's switches must show DJL's telemetry attempt, to the recorder and to strace,
 * so both are known to work. Skipped, with a message, where {@code unshare -n} is not available (not root, no util-linux).
 */
class OfflineTest {

    @TempDir Path dir;

    @Test
    void modelsLoadAndRunWithoutAnyNetworkAttempt() throws Exception {
        assumeTrue(commandWorks("unshare", "-n", "true"),
                "skipped: 'unshare -n' is not available here (needs util-linux and root or user namespaces)");
        boolean strace = commandWorks("strace", "-f", "-qq", "-e", "trace=connect", "-o", dir.resolve("probe.strace").toString(), "true");

        Path home = Files.createDirectories(dir.resolve("home"));
        Path straceLog = dir.resolve("offline.strace");
        Run offline = runProbe("offline", home, strace ? straceLog : null);
        assertThat(offline.output).as(offline.output).contains("PROBE OK dim=384").doesNotContain("NETWORK ATTEMPT");
        assertThat(offline.exitCode).as(offline.output).isZero();
        if (strace) {
            List<String> inet = Files.readAllLines(straceLog).stream()
                    .filter(l -> l.contains("AF_INET")).toList();
            assertThat(inet).as("connect() calls to IPv4/IPv6 addresses seen by strace").isEmpty();
        }
        // DJL's cache (the tokenizers' native library) went into the folder we passed, not into the home folder.
        assertThat(dir.resolve("data").resolve(InferenceEnvironment.CACHE_SUBDIR)).isNotEmptyDirectory();
        try (Stream<Path> inHome = Files.list(home)) {
            assertThat(inHome.map(p -> p.getFileName().toString())).doesNotContain(".djl.ai");
        }

        Run control = runProbe("telemetry", Files.createDirectories(dir.resolve("home2")), null);
        assertThat(control.output).as("control run: DJL's telemetry must be caught, else the recorder proves nothing\n" + control.output)
                .contains("NETWORK ATTEMPT 169.254.169.254");
        assertThat(control.exitCode).isEqualTo(3);
        if (strace) {
            // And strace must see it as a connect() when nothing in Java stops it (inside the empty namespace).
            Path controlLog = dir.resolve("control.strace");
            runProbe("telemetry-unguarded", Files.createDirectories(dir.resolve("home3")), controlLog);
            assertThat(Files.readAllLines(controlLog)).anyMatch(l -> l.contains("AF_INET") && l.contains("169.254.169.254"));
        }
    }

    private record Run(int exitCode, String output) { }

    private Run runProbe(String mode, Path home, Path straceLog) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n"));
        if (straceLog != null) cmd.addAll(List.of("strace", "-f", "-qq", "-e", "trace=connect", "-o", straceLog.toString()));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.security.manager=allow", "-Duser.home=" + home,
                "-cp", System.getProperty("java.class.path"), OfflineProbe.class.getName(),
                dir.resolve("data").toString(), TinyModels.folder("scorer-one-logit").toString(), mode));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // The environment must not be what keeps DJL quiet: only Prefwork's own settings may.
        pb.environment().remove("OPT_OUT_TRACKING");
        pb.environment().remove("DJL_CACHE_DIR");
        pb.environment().remove("ENGINE_CACHE_DIR");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish in 300 s:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static boolean commandWorks(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
