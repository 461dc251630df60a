package dev.prefwork.training;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python the tests run the trainer with: {@code /usr/bin/python3} (Debian's python3-torch installs torch for it,
 * and CI installs that package), else whichever interpreter the environment check finds with torch. Without one the
 * tests that need it are skipped with a message saying what to install.
 */
final class TestPython {

    static final Path SYSTEM = Path.of("/usr/bin/python3");
    private static Path found;
    private static String missing;

    private TestPython() {
    }

    static synchronized Path withTorch() {
        if (found == null && missing == null) {
            try {
                Path tools = Files.createTempDirectory("prefwork-test-tools");
                EnvironmentCheck check = new EnvironmentCheck(tools);
                if (Files.isExecutable(SYSTEM) && check.probe(SYSTEM).hasTorch()) {
                    found = SYSTEM;
                } else {
                    EnvironmentCheck.Report r = check.run(null);
                    if (r.ready()) found = r.chosen().path();
                    else missing = "no Python interpreter with torch on this machine (" + r.interpreters().size()
                            + " found); install Debian's python3-torch (apt install python3-torch) to run the trainer tests";
                }
            } catch (IOException e) {
                missing = e.toString();
            }
        }
        Assumptions.assumeTrue(found != null, () -> "SKIPPED: " + missing);
        return found;
    }

    /** The repository's assets folder (the tests run in modules/training). */
    static Path assets() {
        Path p = Path.of("../../assets").toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) throw new IllegalStateException("assets/ not found from " + Path.of("").toAbsolutePath());
        return p;
    }
}
