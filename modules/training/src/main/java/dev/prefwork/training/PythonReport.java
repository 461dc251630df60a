package dev.prefwork.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one Python interpreter can train with, as {@code prefwork_trainer --env-check} reported it (or why it
 * could not be asked: {@code problem}).
 */
public record PythonReport(Path path, String version, String torch, String torchError, boolean cuda, String cudaVersion,
                           List<Gpu> gpus, boolean distributed, boolean bf16, String transformers, String peft,
                           String accelerate, String problem) {

    public record Gpu(String name, double memoryGb) {
    }

    /**
     * One missing piece and what to do about it.
     *
     * @param brief    the same in a few words, for a narrow panel
     * @param blocking training cannot start without it
     */
    public record Advice(String what, String message, String brief, boolean blocking) {
    }

    public PythonReport {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
    }

    public static PythonReport unusable(Path path, String problem) {
        return new PythonReport(path, null, null, null, false, null, List.of(), false, false, null, null, null, problem);
    }

    public boolean runs() {
        return problem == null;
    }

    public boolean hasTorch() {
        return runs() && torch != null;
    }

    /** Largest GPU memory, 0 without a GPU. */
    public double gpuMemoryGb() {
        return gpus.stream().mapToDouble(Gpu::memoryGb).max().orElse(0);
    }

    /** One line: "Python 3.11.2 · torch 2.4.0 · CUDA 12.1 · 1× NVIDIA H100 (80 GB) · transformers 4.44 · peft 0.12". */
    public String summary() {
        if (!runs()) return path + ": " + problem;
        StringBuilder sb = new StringBuilder("Python ").append(version);
        sb.append(" · torch ").append(torch == null ? "missing" : torch);
        if (torch != null) {
            if (cuda) {
                sb.append(" · CUDA ").append(cudaVersion == null ? "" : cudaVersion);
                if (!gpus.isEmpty()) {
                    sb.append(" · ").append(gpus.size()).append("× ").append(gpus.get(0).name())
                            .append(String.format(Locale.ROOT, " (%.0f GB)", gpus.get(0).memoryGb()));
                }
            } else {
                sb.append(" (CPU only)");
            }
        }
        sb.append(" · transformers ").append(transformers == null ? "missing" : transformers);
        sb.append(" · peft ").append(peft == null ? "missing" : peft);
        return sb.toString();
    }

    /** What is missing for training, each with what to install. */
    public List<Advice> advice() {
        List<Advice> out = new ArrayList<>();
        if (!runs()) {
            out.add(new Advice("Python", path + " could not be run: " + problem
                    + ". Choose another interpreter, or install Python 3.8 or newer.", "cannot be run: " + problem, true));
            return out;
        }
        if (torch == null) {
            out.add(new Advice("torch", "torch is not installed for " + path + (torchError == null ? "" : " (" + torchError + ")")
                    + ". Install it with `" + path + " -m pip install torch` (for a GPU, the CUDA build from pytorch.org),"
                    + " or on Debian/Ubuntu `sudo apt install python3-torch` (CPU only).",
                    "not installed: pip install torch (or apt install python3-torch)", true));
            return out;
        }
        if (!cuda) {
            out.add(new Advice("CUDA", "torch sees no CUDA GPU, so training runs on the CPU: fine for the tiny test model,"
                    + " far too slow for a real one. On a machine with an NVIDIA GPU install its driver and a CUDA build of"
                    + " torch (pytorch.org).", "no GPU: training runs on the CPU (fine for the tiny test model)", false));
        }
        if (transformers == null) {
            out.add(new Advice("transformers", "transformers is not installed: it is needed to train a real model (the"
                    + " tiny test model works without it). Install it with `" + path + " -m pip install transformers`.",
                    "missing, needed for real models: pip install transformers", false));
        }
        if (peft == null) {
            out.add(new Advice("peft", "peft is not installed: it is needed for LoRA on a real model (or choose full"
                    + " fine-tuning). Install it with `" + path + " -m pip install peft`.",
                    "missing, needed for LoRA on real models: pip install peft", false));
        }
        return out;
    }

    /** How well this interpreter suits training: torch first, then a GPU, then transformers and peft. */
    int score() {
        if (!hasTorch()) return 0;
        return 100 + (cuda ? 20 : 0) + (transformers != null ? 4 : 0) + (peft != null ? 2 : 0) + (distributed ? 1 : 0);
    }
}
