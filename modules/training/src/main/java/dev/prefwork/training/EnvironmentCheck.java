package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Python interpreters on this machine (a configured one first, then every {@code python3} and
 * {@code python} on PATH, then the usual system places) and asks each what it can train with. Another
 * interpreter than the first on PATH often is the one with torch (a pyenv or venv python without it may shadow
 * the system one), so all are asked and the best is chosen: torch, then a GPU, then transformers and peft.
 */
public final class EnvironmentCheck {

    /** The whole picture: every interpreter asked, the one chosen (null: none has torch). */
    public record Report(List<PythonReport> interpreters, PythonReport chosen) {

        public boolean ready() {
            return chosen != null;
        }

        /** What to install, for the chosen interpreter (or why none can train). */
        public List<PythonReport.Advice> advice() {
            if (chosen != null) return chosen.advice();
            if (interpreters.isEmpty()) {
                return List.of(new PythonReport.Advice("Python", "No Python interpreter was found (looked on PATH and in "
                        + "/usr/bin, /usr/local/bin). Install Python 3 with torch, or name an interpreter.",
                        "no interpreter found: install Python 3 with torch", true));
            }
            return List.of(new PythonReport.Advice("torch", "None of the " + interpreters.size() + " Python interpreters found"
                    + " has torch. Install it for one of them (`python3 -m pip install torch`, or on Debian/Ubuntu"
                    + " `sudo apt install python3-torch`), or name an interpreter that has it.",
                    "no interpreter has torch: pip install torch (or apt install python3-torch)", true));
        }
    }

    static final List<Path> SYSTEM_PLACES = List.of(Path.of("/usr/bin/python3"), Path.of("/usr/local/bin/python3"),
            Path.of("/opt/conda/bin/python"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path toolsDir;
    private final long timeoutSeconds;

    /** @param toolsDir where the trainer package is installed to run the probe */
    public EnvironmentCheck(Path toolsDir) {
        this(toolsDir, 60);
    }

    EnvironmentCheck(Path toolsDir, long timeoutSeconds) {
        this.toolsDir = toolsDir;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Asks every interpreter found ({@code configured} first when given); the probes run two at a time. */
    public Report run(Path configured) {
        return run(configured, System.getenv("PATH"));
    }

    Report run(Path configured, String pathEnv) {
        List<Path> found = candidates(configured, pathEnv, isWindows());
        Path pkg = TrainerPackage.install(toolsDir);
        List<PythonReport> reports = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "python-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PythonReport>> futures = new ArrayList<>();
            for (Path p : found) futures.add(pool.submit(() -> probe(p, pkg)));
            for (int i = 0; i < found.size(); i++) {
                try {
                    reports.add(futures.get(i).get(timeoutSeconds + 5, TimeUnit.SECONDS));
                } catch (Exception e) {
                    reports.add(PythonReport.unusable(found.get(i), "no answer: " + e));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Report(reports, choose(reports, configured));
    }

    /** Asks one interpreter. */
    public PythonReport probe(Path python) {
        return probe(python, TrainerPackage.install(toolsDir));
    }

    private PythonReport probe(Path python, Path pkg) {
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-m", TrainerPackage.MODULE, "--env-check");
        pb.environment().put("PYTHONPATH", pkg.toString());
        pb.environment().remove("PYTHONHOME");
        pb.redirectErrorStream(false);
        try {
            Path err = Files.createTempFile("prefwork-probe", ".err");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return PythonReport.unusable(python, "did not answer within " + timeoutSeconds + " s");
                }
                String stdout = new String(out, StandardCharsets.UTF_8).strip();
                if (p.exitValue() != 0 || !stdout.startsWith("{")) {
                    String e = Files.readString(err, StandardCharsets.UTF_8).strip();
                    String last = e.isEmpty() ? "exit code " + p.exitValue() : e.lines().reduce((a, b) -> b).orElse(e);
                    return PythonReport.unusable(python, last);
                }
                return parse(python, stdout.lines().reduce((a, b) -> b).orElse(stdout));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return PythonReport.unusable(python, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PythonReport.unusable(python, "interrupted");
        }
    }

    static PythonReport parse(Path python, String json) throws IOException {
        JsonNode n = JSON.readTree(json);
        List<PythonReport.Gpu> gpus = new ArrayList<>();
        for (JsonNode g : n.path("gpus")) gpus.add(new PythonReport.Gpu(g.path("name").asText(), g.path("memory_gb").asDouble()));
        return new PythonReport(python, text(n, "python"), text(n, "torch"), text(n, "torch_error"), n.path("cuda").asBoolean(),
                text(n, "cuda_version"), gpus, n.path("distributed").asBoolean(), n.path("bf16").asBoolean(),
                text(n, "transformers"), text(n, "peft"), text(n, "accelerate"), null);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The configured interpreter when it has torch, else the best one found; null when none has torch. */
    static PythonReport choose(List<PythonReport> reports, Path configured) {
        if (configured != null) {
            for (PythonReport r : reports) if (r.path().equals(configured) && r.hasTorch()) return r;
        }
        return reports.stream().filter(PythonReport::hasTorch).max(Comparator.comparingInt(PythonReport::score)).orElse(null);
    }

    /** Interpreters to ask, in order, each real file once: configured, PATH's python3 and python, system places. */
    static List<Path> candidates(Path configured, String pathEnv, boolean windows) {
        Map<Path, Path> byReal = new LinkedHashMap<>();
        if (configured != null) byReal.put(real(configured), configured);
        List<String> names = windows ? List.of("python3.exe", "python.exe") : List.of("python3", "python");
        if (pathEnv != null) {
            for (String dir : pathEnv.split(File.pathSeparator)) {
                if (dir.isBlank()) continue;
                for (String name : names) {
                    Path p = Path.of(dir, name);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) byReal.putIfAbsent(real(p), p);
                }
            }
        }
        if (!windows) {
            for (Path p : SYSTEM_PLACES) {
                if (Files.isRegularFile(p) && Files.isExecutable(p)) byReal.putIfAbsent(real(p), p);
            }
        }
        return List.copyOf(byReal.values());
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
