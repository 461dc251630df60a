package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The trainer's generate mode ({@code python -m prefwork_trainer --generate <run> --which base|tuned}) as a child
 * process: writes the prompts as JSONL, reads one JSON line per prompt as the trainer prints it (progress after
 * each), and stops it with SIGTERM when the job is cancelled (the trainer finishes the prompt it is on). The
 * package comes from the tools folder, not the run folder, so runs made before this mode existed can answer too.
 */
public final class TrainerGenerate {

    /** The run's model it started from, or the model it trained ({@code final/}). */
    public enum Which {
        BASE, TUNED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Sampling settings; the seed of prompt k is {@code seed + k}. */
    public record Settings(int n, long seed, int maxNewTokens, double temperature, double topP) {
        public Settings {
            if (n < 1) throw new InputException("responses per prompt must be at least 1");
            if (maxNewTokens < 1) throw new InputException("max new tokens must be at least 1");
            if (!(temperature >= 0)) throw new InputException("temperature must be ≥ 0");
            if (!(topP > 0 && topP <= 1)) throw new InputException("top-p must be in (0, 1]");
        }

        public static Settings defaults() {
            return new Settings(1, 0, 128, 0.7, 0.95);
        }

        public Settings withMaxNewTokens(int m) {
            return new Settings(n, seed, m, temperature, topP);
        }

        public Settings withSeed(long s) {
            return new Settings(n, s, maxNewTokens, temperature, topP);
        }
    }

    public record Prompt(String id, String text) {
    }

    /** One prompt's responses, and the tokens each took. */
    public record Answer(String id, List<String> responses, List<Integer> tokens, double seconds) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path python;
    private final Path toolsDir;

    public TrainerGenerate(Path python, Path toolsDir) {
        this.python = python;
        this.toolsDir = toolsDir;
    }

    /**
     * Answers every prompt with the run's {@code which} model, in order. {@code workDir} receives the prompt file and
     * the trainer's stderr. Throws {@link Progress.Cancelled} when cancelled, {@link InputException} for what the
     * trainer calls bad input (no final model, a bad prompt), {@link IOException} when it fails otherwise.
     */
    public List<Answer> generate(Path runDir, Which which, List<Prompt> prompts, Settings s, Path workDir, Progress progress)
            throws IOException {
        Files.createDirectories(workDir);
        Path in = workDir.resolve("prompts-" + which.id() + ".jsonl");
        Path err = workDir.resolve("generate-" + which.id() + ".stderr.log");
        try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
            for (Prompt p : prompts) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", p.id());
                o.put("prompt", p.text());
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
        }
        List<String> command = List.of(python.toString(), "-u", "-m", TrainerPackage.MODULE, "--generate", runDir.toString(),
                "--prompts", in.toString(), "--which", which.id(), "--n", Integer.toString(s.n()),
                "--seed", Long.toString(s.seed()), "--max-new-tokens", Integer.toString(s.maxNewTokens()),
                "--temperature", Double.toString(s.temperature()), "--top-p", Double.toString(s.topP()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().put("PYTHONPATH", TrainerPackage.install(toolsDir).toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().remove("PYTHONHOME");
        pb.redirectError(ProcessBuilder.Redirect.to(err.toFile()));
        String label = which == Which.BASE ? "base model" : "tuned model";
        progress.update(0, prompts.size(), "Loading the " + label);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new InputException("could not start " + python + ": " + e.getMessage());
        }
        p.getOutputStream().close();
        Thread watch = new Thread(() -> {
            try {
                while (!p.waitFor(150, TimeUnit.MILLISECONDS)) {
                    if (progress.isCancelled()) {
                        // SIGTERM: the trainer ends after the prompt it is on (Process.destroy would also close our pipe)
                        p.toHandle().destroy();
                        return;
                    }
                }
            } catch (InterruptedException ignored) {
                // the reader finished first
            }
        }, "trainer-generate-cancel");
        watch.setDaemon(true);
        watch.start();
        List<Answer> answers = new ArrayList<>();
        String error = null;
        boolean cancelledByTrainer = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (IOException e) {
                    continue;   // not ours (a library printing to stdout)
                }
                String event = o.path("event").asText("");
                if (event.isEmpty() && o.has("responses")) {
                    List<String> texts = new ArrayList<>();
                    o.get("responses").forEach(t -> texts.add(t.asText()));
                    List<Integer> tokens = new ArrayList<>();
                    o.path("tokens").forEach(t -> tokens.add(t.asInt()));
                    answers.add(new Answer(o.path("id").asText(), texts, tokens, o.path("seconds").asDouble()));
                    progress.update(answers.size(), prompts.size(), "Answering with the " + label + ": " + answers.size() + " of " + prompts.size());
                } else if (event.equals("error")) {
                    error = o.path("message").asText();
                } else if (event.equals("end")) {
                    cancelledByTrainer = "cancelled".equals(o.path("status").asText());
                }
            }
        } catch (IOException e) {
            if (!progress.isCancelled()) throw e;
        } finally {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            watch.interrupt();
        }
        int exit = p.exitValue();
        if (progress.isCancelled() || cancelledByTrainer || exit == TrainerPackage.EXIT_STOPPED) throw new Progress.Cancelled();
        if (exit == TrainerPackage.EXIT_BAD_INPUT) throw new InputException(error != null ? error : "the trainer refused the input");
        if (exit != 0 || answers.size() != prompts.size()) {
            List<String> tail = TrainingService.tail(err, 6);
            throw new IOException("generating with the " + label + " failed (exit " + exit + ")"
                    + (error != null ? ": " + error : tail.isEmpty() ? "" : ": " + String.join("\n", tail)));
        }
        return answers;
    }
}
