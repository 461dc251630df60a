package dev.prefwork.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The trainer's own tiny causal LM (plain torch, byte-level tokenizer, random weights): a model folder to try the
 * whole training flow on a laptop without downloading anything. It learns the pairs' preference, not language.
 */
public final class TinyModel {

    /** The folder name under the workspace's models/. */
    public static final String FOLDER = "tiny-dpo";
    public static final String CONFIG_FILE = "prefwork-tiny.json";

    private TinyModel() {
    }

    public static boolean isTiny(Path folder) {
        return Files.isRegularFile(folder.resolve(CONFIG_FILE));
    }

    /** Writes the tiny model into {@code folder} with {@code python} unless it holds one already; returns the folder. */
    public static Path create(Path python, Path toolsDir, Path folder) throws IOException {
        if (isTiny(folder)) return folder;
        Files.createDirectories(folder.getParent());
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-m", TrainerPackage.MODULE, "--make-tiny-model", folder.toString());
        pb.environment().put("PYTHONPATH", TrainerPackage.install(toolsDir).toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("making the tiny model with " + python + " took more than 2 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the tiny model");
        }
        if (p.exitValue() != 0 || !isTiny(folder)) {
            throw new IOException("making the tiny model with " + python + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
        return folder;
    }
}
