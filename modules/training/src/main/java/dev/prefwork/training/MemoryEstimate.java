package dev.prefwork.training;

import java.util.Locale;

/**
 * About how much GPU memory a DPO run needs, from the model's shape and the settings: weights, what the
 * optimizer keeps for the trainable parameters (weights, gradients and two AdamW moments in fp32: 16 bytes each),
 * the reference (nothing under LoRA -- the adapter is switched off -- or when precomputed; a 16-bit frozen copy
 * otherwise), activations and the logits of the 2 x batch sequences (chosen and rejected). Activations follow
 * the usual transformer count (~34 h bytes per token per layer in 16-bit, Korthikanti et al. 2022, with fused
 * attention), ~2 h with gradient checkpointing. An estimate to choose settings by, not a promise.
 */
public record MemoryEstimate(double weightsGb, double trainableGb, double referenceGb, double activationsGb,
                             double logitsGb, double overheadGb) {

    private static final double GB = 1e9;

    public double totalGb() {
        return weightsGb + trainableGb + referenceGb + activationsGb + logitsGb + overheadGb;
    }

    public static MemoryEstimate of(ModelShape model, TrainingConfig c) {
        boolean lora = "lora".equals(c.method());
        double w = "fp32".equals(c.precision()) ? 4 : 2;
        long p = model.parameters();
        double weights;
        double trainable;
        if (lora) {
            // frozen base in 16-bit; the adapters: r x (in + out) on q and v of every layer (peft's default), in fp32
            weights = p * w;
            long adapter = (long) model.layers() * 2L * c.loraR() * 2L * model.hidden();
            trainable = adapter * 16.0;
        } else {
            // fp32 master weights, fp32 gradients, AdamW's two moments
            weights = 0;
            trainable = p * 16.0;
        }
        double reference = lora || c.precomputeReference() ? 0 : p * w;
        double tokens = 2.0 * c.batchSize() * c.maxLength();
        double perTokenLayer = c.gradientCheckpointing() ? 2.0 * model.hidden() : 34.0 * model.hidden();
        double activations = tokens * perTokenLayer * model.layers() * (w / 2);
        if (c.gradientCheckpointing()) activations += tokens * 34.0 * model.hidden() * (w / 2);  // one layer recomputed
        // logits in the model's precision, then float32 for the log-softmax and its gradient
        double logits = tokens * model.vocab() * (w + 8);
        double overhead = 0.8 * GB;  // CUDA context, allocator slack
        return new MemoryEstimate(weights / GB, trainable / GB, reference / GB, activations / GB, logits / GB, overhead / GB);
    }

    /** "≈ 21.4 GB: weights 13.5 · optimizer 0.1 · reference 0 · activations 5.6 · logits 1.5 · CUDA 0.8". */
    public String summary() {
        return String.format(Locale.ROOT, "≈ %s: weights %s · trainable + optimizer %s · reference %s · activations %s · logits %s · CUDA %s",
                gb(totalGb()), gb(weightsGb), gb(trainableGb), gb(referenceGb), gb(activationsGb), gb(logitsGb), gb(overheadGb));
    }

    /** Whether it fits {@code gpuGb} (0: no GPU known), in words. */
    public String fit(double gpuGb) {
        if (gpuGb <= 0) return "No GPU found: this is what a GPU would need.";
        if (totalGb() <= gpuGb * 0.92) return String.format(Locale.ROOT, "Fits the GPU's %.0f GB.", gpuGb);
        return String.format(Locale.ROOT, "More than the GPU's %.0f GB: try LoRA, gradient checkpointing, a smaller batch"
                + " (with more accumulation steps) or a shorter max length.", gpuGb);
    }

    static String gb(double v) {
        if (v == 0) return "0";
        if (v < 0.1) return "< 0.1 GB";
        return String.format(Locale.ROOT, v < 10 ? "%.1f GB" : "%.0f GB", v);
    }
}
