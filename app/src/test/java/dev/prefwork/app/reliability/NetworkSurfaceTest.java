package dev.prefwork.app.reliability;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.prefwork.app.ui.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No network surface: no Prefwork class can start a server (an H2 TCP or web console server, a server socket,
 * an HTTP server), and the CLI's whole pipeline and the workbench's start try no network at all. The children
 * run in a network namespace with no interfaces up ({@code unshare -n}), under a security manager that records
 * every host lookup, connect, listen and accept from Java ({@link NetworkProbe}), and — where strace is installed
 * — under {@code strace -f -e trace=connect,bind,listen}, which also sees native code: any AF_INET or AF_INET6
 * call fails the test. Skipped, with a message, where {@code unshare -n} is not available. That the workbench
 * listens on no socket while it works is checked in {@link WorkbenchReliabilityUiTest}.
 */
class NetworkSurfaceTest {

    @TempDir
    Path tmp;

    @Test
    void noPrefworkClassCanStartAServer() {
        JavaClasses prefwork = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.prefwork");
        assertThat(prefwork.contain("dev.prefwork.store.Workspace")).isTrue();
        // testkit is test scaffolding (the loopback OpenAI-compatible server the generation tests talk to), never shipped
        noClasses().that().resideOutsideOfPackage("dev.prefwork.testkit..").should().dependOnClassesThat().resideInAnyPackage("org.h2.server..", "com.sun.net.httpserver..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.h2.tools.Server")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.ServerSocket")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.ServerSocketChannel")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.AsynchronousServerSocketChannel")
                .because("Prefwork is embedded only: H2 in file mode, no console, no listener (DESIGN.md §13)")
                .check(prefwork);
    }

    @Test
    void theCommandLinePipelineTriesNoNetwork() throws Exception {
        assumeTrue(works("unshare", "-n", "true"), "skipped: 'unshare -n' is not available here (needs util-linux and root or user namespaces)");
        Path file = TestData.writeJsonl(tmp.resolve("more.jsonl"), 20, "more-");
        Probe p = probe("cli", tmp.resolve("ws"), file.toString());
        assertThat(p.output).as(p.output).doesNotContain("NETWORK ATTEMPT").contains("PROBE OK");
        assertThat(p.output.lines().filter(l -> l.startsWith("EXIT ")).toList()).as(p.output)
                .hasSize(7).allMatch(l -> l.startsWith("EXIT 0 "));
        assertThat(p.exit).isZero();
        assertThat(p.inetCalls).as("connect/bind/listen on IPv4 or IPv6 sockets, seen by strace").isEmpty();
        p.output.lines().filter(l -> l.startsWith("EXIT ")).forEach(System.out::println);
    }

    @Test
    void theWorkbenchTriesNoNetworkAtStart() throws Exception {
        assumeTrue(works("unshare", "-n", "true"), "skipped: 'unshare -n' is not available here (needs util-linux and root or user namespaces)");
        TestData.workspace(tmp, 30).close();
        Probe p = probe("workbench", tmp.resolve("ws"), tmp.resolve("home").toString());
        assertThat(p.output).as(p.output).doesNotContain("NETWORK ATTEMPT").contains("WORKBENCH READY").contains("PROBE OK");
        assertThat(p.exit).isZero();
        assertThat(p.inetCalls).as("connect/bind/listen on IPv4 or IPv6 sockets, seen by strace").isEmpty();
    }

    private record Probe(int exit, String output, List<String> inetCalls) {
    }

    private Probe probe(String mode, Path ws, String arg) throws IOException, InterruptedException {
        boolean strace = works("strace", "-f", "-qq", "-e", "trace=connect", "-o", tmp.resolve("check.strace").toString(), "true");
        // --seccomp-bpf stops the child only at the traced calls (strace 5.3+), not at every system call
        boolean seccomp = strace && works("strace", "--seccomp-bpf", "-f", "-qq", "-e", "trace=connect", "-o", tmp.resolve("check.strace").toString(), "true");
        Path log = tmp.resolve(mode + ".strace");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n"));
        if (strace) cmd.addAll(List.of("strace", "-f", "-qq", "-e", "trace=connect,bind,listen", "-o", log.toString()));
        if (seccomp) cmd.add(cmd.indexOf("strace") + 1, "--seccomp-bpf");
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m", "-Djava.security.manager=allow",
                "-Duser.home=" + tmp.resolve("user-home"), "-Dprefwork.home=" + tmp.resolve("home"),
                "-Dtestfx.headless=true", "-Dprism.order=sw", "-Dprism.text=t2k", "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), NetworkProbe.class.getName(), mode, ws.toString(), arg));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // Prefwork's own switches must keep DJL quiet, not the environment
        pb.environment().remove("OPT_OUT_TRACKING");
        pb.environment().remove("DJL_CACHE_DIR");
        long t0 = System.nanoTime();
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish in 300 s:\n" + new String(out, StandardCharsets.UTF_8));
        }
        List<String> inet = strace ? Files.readAllLines(log).stream().filter(l -> l.contains("AF_INET")).toList() : List.of();
        System.out.println(mode + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms): " + (strace ? Files.readAllLines(log).size() + " connect/bind/listen calls traced, "
                + inet.size() + " on IPv4/IPv6" : "strace not installed: Java-level recorder only"));
        return new Probe(p.exitValue(), new String(out, StandardCharsets.UTF_8), inet);
    }

    private static boolean works(String... cmd) {
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
