package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A run's folder, {@code <workspace>/runs/run-<id>/}: self-contained, so it can be copied to a bigger machine and
 * started there with its {@code launch.sh}.
 * <pre>
 *   config.json          the settings (config.py reads them)
 *   data/train.jsonl     the pairs (TRL JSONL)
 *   trainer/             the prefwork_trainer package this run uses
 *   launch.sh            torchrun on every GPU of the machine it runs on
 *   README.md            what is here
 *   stdout.log           the metric stream (one JSON object per line), appended on resume
 *   stderr.log           the trainer's warnings and errors
 *   reference_logps.json cached reference log-probs
 *   checkpoints/last/    the checkpoint a resume continues from
 *   final/               the trained model (adapter, or merged / full weights)
 * </pre>
 * The folder is written under a temporary name and renamed into place, so a run folder is complete or absent.
 */
public final class RunFolder {

    public static final String CONFIG = "config.json";
    public static final String DATA = "data";
    public static final String TRAIN_FILE = "train.jsonl";
    public static final String TRAINER = "trainer";
    public static final String STDOUT = "stdout.log";
    public static final String STDERR = "stderr.log";
    public static final String FINAL = "final";
    public static final String README = "README.md";
    public static final String REFERENCE_CACHE = "reference_logps.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunFolder() {
    }

    public static Path forId(Path runsDir, long id) {
        return runsDir.resolve("run-" + id);
    }

    /** Writes the whole folder at {@code dir} (which must not exist yet); returns what was written of the pairs. */
    static PairSource.PairSummary create(Path dir, ObjectNode config, PairSource pairs, String readme) throws IOException {
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".partial");
        deleteTree(tmp);
        Files.createDirectories(tmp.resolve(DATA));
        try {
            Files.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(config) + "\n", StandardCharsets.UTF_8);
            PairSource.PairSummary summary = pairs.writeTo(tmp.resolve(DATA).resolve(TRAIN_FILE));
            TrainerPackage.writePackage(tmp.resolve(TRAINER));
            TrainerPackage.writeLaunchScript(tmp.resolve(TrainerPackage.LAUNCH_SCRIPT));
            Files.writeString(tmp.resolve(README), readme, StandardCharsets.UTF_8);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return summary;
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** The step the folder's checkpoint was saved at, or null (no checkpoint, or an unreadable one). */
    public static Integer checkpointStep(Path dir) {
        for (String name : new String[]{"last", "last.old"}) {
            Path state = dir.resolve("checkpoints").resolve(name).resolve("trainer_state.json");
            if (Files.isRegularFile(state)) {
                try {
                    JsonNode n = JSON.readTree(state.toFile());
                    if (n.path("step").canConvertToInt()) return n.get("step").asInt();
                } catch (IOException ignored) {
                    // a damaged state file: no usable checkpoint
                }
            }
        }
        return null;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(x);
        }
    }

    static String readme(long id, String name, String pairs, String model, TrainingConfig config) {
        return "# Prefwork training run " + id + ": " + name + "\n\n"
                + "- pairs: " + pairs + "\n- model: `" + model + "`\n- settings: " + config.summary() + "\n\n"
                + "Run it on this or any other machine with torch (and transformers + peft for a real model):\n\n"
                + "```sh\n./launch.sh                       # every GPU here (NPROC=4 ./launch.sh for four)\n"
                + "./launch.sh --model /path/to/model # the model is elsewhere on that machine\n"
                + "./launch.sh --resume               # continue from checkpoints/last\n```\n\n"
                + "`stdout.log` holds the metrics (one JSON object per line, TRL's names), `stderr.log` the warnings,\n"
                + "`final/` the trained model, `config.json` every setting.\n";
    }
}
