package dev.prefwork.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment check asks real interpreters: the one with torch wins over one first on PATH without it (the
 * pyenv situation), a broken one is reported with its error, and the advice says what to install.
 */
class EnvironmentCheckTest {

    @TempDir
    Path tmp;

    private Path script(Path dir, String name, String body) throws Exception {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void theInterpreterWithTorchIsChosenOverOneFirstOnPathWithout() throws Exception {
        Path system = TestPython.withTorch();
        // a python3 first on PATH that cannot see the system's packages (-S: no site-packages, so no torch)
        Path shadow = script(tmp.resolve("shims"), "python3", "exec " + system + " -S \"$@\"");
        Path broken = script(tmp.resolve("broken"), "python3", "echo 'pyenv: python3: command not found' >&2; exit 127");
        String path = shadow.getParent() + File.pathSeparator + broken.getParent() + File.pathSeparator + system.getParent();
        EnvironmentCheck.Report r = new EnvironmentCheck(tmp.resolve("tools")).run(null, path);

        assertThat(r.interpreters()).extracting(PythonReport::path).startsWith(shadow, broken);
        PythonReport noTorch = r.interpreters().get(0);
        assertThat(noTorch.runs()).isTrue();
        assertThat(noTorch.hasTorch()).isFalse();
        assertThat(noTorch.advice()).singleElement().satisfies(a -> {
            assertThat(a.what()).isEqualTo("torch");
            assertThat(a.blocking()).isTrue();
            assertThat(a.message()).contains("pip install torch").contains("python3-torch");
        });
        PythonReport failing = r.interpreters().get(1);
        assertThat(failing.runs()).isFalse();
        assertThat(failing.problem()).contains("command not found");

        assertThat(r.ready()).isTrue();
        PythonReport chosen = r.chosen();
        assertThat(chosen.hasTorch()).isTrue();
        assertThat(chosen.torch()).isNotBlank();
        assertThat(chosen.summary()).startsWith("Python 3.").contains("torch " + chosen.torch());
        if (!chosen.cuda()) {
            assertThat(chosen.advice()).anySatisfy(a -> assertThat(a.what()).isEqualTo("CUDA"));
            assertThat(chosen.summary()).contains("CPU only");
        }
        if (chosen.transformers() == null) {
            assertThat(chosen.advice()).anySatisfy(a -> assertThat(a.message()).contains("pip install transformers"));
        }
    }

    @Test
    void aConfiguredInterpreterWithTorchIsPreferredElseTheBestEquipped() {
        PythonReport cpu = report("/usr/bin/python3", "2.4.0", false, null);
        PythonReport gpu = report("/opt/conda/bin/python", "2.4.0", true, "4.44.0");
        PythonReport none = report("/home/me/.pyenv/shims/python3", null, false, null);
        List<PythonReport> all = List.of(none, cpu, gpu);
        assertThat(EnvironmentCheck.choose(all, null)).isEqualTo(gpu);
        assertThat(EnvironmentCheck.choose(all, cpu.path())).isEqualTo(cpu);
        assertThat(EnvironmentCheck.choose(all, none.path())).as("configured but without torch").isEqualTo(gpu);
        assertThat(EnvironmentCheck.choose(List.of(none), null)).isNull();
    }

    private static PythonReport report(String path, String torch, boolean cuda, String transformers) {
        return new PythonReport(Path.of(path), "3.11.2", torch, null, cuda, cuda ? "12.1" : null,
                cuda ? List.of(new PythonReport.Gpu("NVIDIA H100", 80)) : List.of(), true, cuda, transformers, null, null, null);
    }

    @Test
    void candidatesAreEachRealFileOnceInOrder() throws Exception {
        Path a = script(tmp.resolve("a"), "python3", "true");
        Files.createSymbolicLink(tmp.resolve("a").resolve("python"), a);
        Path b = script(tmp.resolve("b"), "python", "true");
        List<Path> c = EnvironmentCheck.candidates(null, tmp.resolve("a") + File.pathSeparator + tmp.resolve("missing")
                + File.pathSeparator + tmp.resolve("b"), false);
        assertThat(c).startsWith(a, b);
        assertThat(c).doesNotContain(tmp.resolve("a").resolve("python"));
    }

    @Test
    void noInterpreterWithTorchSaysWhatToInstall() {
        EnvironmentCheck.Report r = new EnvironmentCheck.Report(List.of(PythonReport.unusable(Path.of("/x/python3"), "exit code 1")), null);
        assertThat(r.ready()).isFalse();
        assertThat(r.advice()).singleElement().satisfies(a -> assertThat(a.message()).contains("python3-torch"));
    }
}
