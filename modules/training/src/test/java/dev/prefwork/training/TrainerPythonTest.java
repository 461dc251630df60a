package dev.prefwork.training;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer's own tests (assets/trainer/tests, stdlib unittest): the loss math against hand-computed values, the
 * toy preference learned, SIGTERM and resume, the metric stream, DDP on two CPU processes, the GPU check script's
 * CPU smoke run. They run here so `mvn verify` fails when they fail.
 */
class TrainerPythonTest {

    @Test
    void pythonUnitTestsPass() throws Exception {
        Path python = TestPython.withTorch();
        Path trainer = TestPython.assets().resolve("trainer");
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v")
                .directory(trainer.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", trainer.toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.println(out);
        assertThat(p.exitValue()).as("python -m unittest (output above)\n" + out).isZero();
        assertThat(out).contains("OK").doesNotContain("FAILED");
    }
}
