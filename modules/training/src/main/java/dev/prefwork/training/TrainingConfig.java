package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's training settings, as {@code config.json} names them (TRL's {@code DPOConfig} and the HF
 * {@code TrainingArguments} names where they have one; prefwork_trainer/config.py is the other half). The model
 * and the reference-cache folders are added when the run folder is written.
 *
 * @param epochs         {@code num_train_epochs}
 * @param maxSteps       &gt; 0 overrides epochs
 * @param batchSize      pairs per device per micro-batch
 * @param gradAccum      micro-batches per optimizer step
 * @param warmupRatio    share of the steps with a rising learning rate
 * @param evalFraction   share of the pairs held out for the eval_ metrics
 * @param precomputeReference compute the reference log-probs once, cached in the run folder
 */
public record TrainingConfig(String method, int loraR, double loraAlpha, double loraDropout, boolean mergeAdapter,
                             String lossType, double beta, double labelSmoothing, double learningRate, double weightDecay,
                             double warmupRatio, double epochs, int maxSteps, int batchSize, int evalBatchSize,
                             int gradAccum, int maxLength, int maxPromptLength, double maxGradNorm, String precision,
                             boolean gradientCheckpointing, int seed, int loggingSteps, int evalSteps, int saveSteps,
                             double evalFraction, boolean precomputeReference, String device) {

    public static final List<String> METHODS = List.of("lora", "full");
    public static final List<String> LOSS_TYPES = List.of("sigmoid", "ipo", "hinge");
    public static final List<String> PRECISIONS = List.of("bf16", "fp16", "fp32");
    public static final List<String> DEVICES = List.of("auto", "cpu", "cuda");

    /** The learning rate the form suggests per method: LoRA 5e-6 (the default), full fine-tuning 5e-7. */
    public static double defaultLearningRate(String method) {
        return "full".equals(method) ? 5e-7 : 5e-6;
    }

    /** LoRA r 16, β 0.1, lr 5e-6, one epoch, max length 1024, sigmoid loss, bf16. */
    public static TrainingConfig defaults() {
        return new TrainingConfig("lora", 16, 32, 0.05, false, "sigmoid", 0.1, 0.0, 5e-6, 0.0, 0.1, 1.0, -1, 4, 8, 1, 1024,
                512, 1.0, "bf16", false, 42, 10, 100, 500, 0.1, true, "auto");
    }

    /** Settings for the tiny test model on a CPU: short sequences, a high learning rate, frequent logging. */
    public static TrainingConfig tinyDemo() {
        Builder b = defaults().toBuilder();
        b.learningRate = 5e-3;
        b.epochs = 8;
        b.maxLength = 256;
        b.maxPromptLength = 128;
        b.batchSize = 2;
        b.loggingSteps = 1;
        b.evalSteps = 5;
        b.saveSteps = 0;
        b.precision = "fp32";
        return b.build();
    }

    /** Problems with these settings, each naming its field (empty: fine). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        oneOf(p, "method", method, METHODS);
        oneOf(p, "loss_type", lossType, LOSS_TYPES);
        oneOf(p, "precision", precision, PRECISIONS);
        oneOf(p, "device", device, DEVICES);
        if (loraR < 1) p.add("lora_r must be at least 1 (it is " + loraR + ")");
        if (!(loraAlpha > 0)) p.add("lora_alpha must be greater than 0");
        if (loraDropout < 0 || loraDropout > 0.9) p.add("lora_dropout must be between 0 and 0.9");
        if (!(beta > 0)) p.add("beta must be greater than 0 (it is " + fmt(beta) + ")");
        if (labelSmoothing < 0 || labelSmoothing > 0.49) p.add("label_smoothing must be between 0 and 0.49");
        if (labelSmoothing > 0 && !"sigmoid".equals(lossType)) p.add("label_smoothing only applies to the sigmoid loss");
        if (!(learningRate > 0)) p.add("learning_rate must be greater than 0");
        if (weightDecay < 0) p.add("weight_decay must not be negative");
        if (warmupRatio < 0 || warmupRatio > 1) p.add("warmup_ratio must be between 0 and 1");
        if (!(epochs > 0)) p.add("num_train_epochs must be greater than 0");
        if (maxSteps < -1 || maxSteps == 0) p.add("max_steps must be -1 (use the epochs) or a positive number");
        if (batchSize < 1) p.add("per_device_train_batch_size must be at least 1");
        if (evalBatchSize < 1) p.add("per_device_eval_batch_size must be at least 1");
        if (gradAccum < 1) p.add("gradient_accumulation_steps must be at least 1");
        if (maxLength < 8) p.add("max_length must be at least 8 tokens");
        if (maxPromptLength < 1 || maxPromptLength >= maxLength) {
            p.add("max_prompt_length must be at least 1 and smaller than max_length (" + maxLength + ")");
        }
        if (maxGradNorm < 0) p.add("max_grad_norm must not be negative");
        if (seed < 0) p.add("seed must not be negative");
        if (loggingSteps < 1) p.add("logging_steps must be at least 1");
        if (evalSteps < 0) p.add("eval_steps must not be negative");
        if (saveSteps < 0) p.add("save_steps must not be negative");
        if (evalFraction < 0 || evalFraction > 0.5) p.add("eval_fraction must be between 0 and 0.5");
        return p;
    }

    private static void oneOf(List<String> p, String field, String value, List<String> choices) {
        if (!choices.contains(value)) p.add(field + " must be one of " + String.join(", ", choices) + " (it is " + value + ")");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }

    /** config.json for {@code model}, with the folders whose cached reference log-probs may be reused. */
    public ObjectNode toJson(String model, List<String> referenceCacheFrom) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("method", method);
        o.put("lora_r", loraR);
        o.put("lora_alpha", loraAlpha);
        o.put("lora_dropout", loraDropout);
        o.put("merge_adapter", mergeAdapter);
        o.put("loss_type", lossType);
        o.put("beta", beta);
        o.put("label_smoothing", labelSmoothing);
        o.put("learning_rate", learningRate);
        o.put("weight_decay", weightDecay);
        o.put("warmup_ratio", warmupRatio);
        o.put("num_train_epochs", epochs);
        o.put("max_steps", maxSteps);
        o.put("per_device_train_batch_size", batchSize);
        o.put("per_device_eval_batch_size", evalBatchSize);
        o.put("gradient_accumulation_steps", gradAccum);
        o.put("max_length", maxLength);
        o.put("max_prompt_length", maxPromptLength);
        o.put("max_grad_norm", maxGradNorm);
        o.put("precision", precision);
        o.put("gradient_checkpointing", gradientCheckpointing);
        o.put("seed", seed);
        o.put("logging_steps", loggingSteps);
        o.put("eval_steps", evalSteps);
        o.put("save_steps", saveSteps);
        o.put("eval_fraction", evalFraction);
        o.put("precompute_ref_log_probs", precomputeReference);
        o.put("device", device);
        var cache = o.putArray("reference_cache_from");
        for (String f : referenceCacheFrom) cache.add(f);
        return o;
    }

    /** The settings of a config.json (fields it lacks take the defaults). */
    public static TrainingConfig fromJson(JsonNode o) {
        TrainingConfig d = defaults();
        return new TrainingConfig(o.path("method").asText(d.method), o.path("lora_r").asInt(d.loraR),
                o.path("lora_alpha").asDouble(d.loraAlpha), o.path("lora_dropout").asDouble(d.loraDropout),
                o.path("merge_adapter").asBoolean(d.mergeAdapter), o.path("loss_type").asText(d.lossType),
                o.path("beta").asDouble(d.beta), o.path("label_smoothing").asDouble(d.labelSmoothing),
                o.path("learning_rate").asDouble(d.learningRate), o.path("weight_decay").asDouble(d.weightDecay),
                o.path("warmup_ratio").asDouble(d.warmupRatio), o.path("num_train_epochs").asDouble(d.epochs),
                o.path("max_steps").asInt(d.maxSteps), o.path("per_device_train_batch_size").asInt(d.batchSize),
                o.path("per_device_eval_batch_size").asInt(d.evalBatchSize),
                o.path("gradient_accumulation_steps").asInt(d.gradAccum), o.path("max_length").asInt(d.maxLength),
                o.path("max_prompt_length").asInt(d.maxPromptLength), o.path("max_grad_norm").asDouble(d.maxGradNorm),
                o.path("precision").asText(d.precision), o.path("gradient_checkpointing").asBoolean(d.gradientCheckpointing),
                o.path("seed").asInt(d.seed), o.path("logging_steps").asInt(d.loggingSteps),
                o.path("eval_steps").asInt(d.evalSteps), o.path("save_steps").asInt(d.saveSteps),
                o.path("eval_fraction").asDouble(d.evalFraction),
                o.path("precompute_ref_log_probs").asBoolean(d.precomputeReference), o.path("device").asText(d.device));
    }

    /** One line for lists: "LoRA r16 · sigmoid β 0.1 · lr 5e-06 · 1 epoch · batch 4×1 · max 1024 · bf16". */
    public String summary() {
        String m = "lora".equals(method) ? "LoRA r" + loraR : "full fine-tuning";
        String length = maxSteps > 0 ? maxSteps + " steps" : (epochs == Math.rint(epochs) ? String.valueOf((long) epochs) : fmt(epochs))
                + (epochs == 1 ? " epoch" : " epochs");
        return String.format(Locale.ROOT, "%s · %s β %s · lr %s · %s · batch %d×%d · max %d · %s", m, lossType, fmt(beta),
                shortNumber(learningRate), length, batchSize, gradAccum, maxLength, precision);
    }

    static String shortNumber(double v) {
        String s = String.format(Locale.ROOT, "%.0e", v);
        return Double.parseDouble(s) == v ? s.replace("e-0", "e-") : String.format(Locale.ROOT, "%.2g", v);
    }

    // ---- changing settings: the form and the CLI set fields on a builder ------------------------------------

    public Builder toBuilder() {
        Builder b = new Builder();
        b.method = method;
        b.loraR = loraR;
        b.loraAlpha = loraAlpha;
        b.loraDropout = loraDropout;
        b.mergeAdapter = mergeAdapter;
        b.lossType = lossType;
        b.beta = beta;
        b.labelSmoothing = labelSmoothing;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.warmupRatio = warmupRatio;
        b.epochs = epochs;
        b.maxSteps = maxSteps;
        b.batchSize = batchSize;
        b.evalBatchSize = evalBatchSize;
        b.gradAccum = gradAccum;
        b.maxLength = maxLength;
        b.maxPromptLength = maxPromptLength;
        b.maxGradNorm = maxGradNorm;
        b.precision = precision;
        b.gradientCheckpointing = gradientCheckpointing;
        b.seed = seed;
        b.loggingSteps = loggingSteps;
        b.evalSteps = evalSteps;
        b.saveSteps = saveSteps;
        b.evalFraction = evalFraction;
        b.precomputeReference = precomputeReference;
        b.device = device;
        return b;
    }

    /** Mutable settings, one public field per component; {@link #build()} makes the record. */
    public static final class Builder {
        public String method;
        public int loraR;
        public double loraAlpha;
        public double loraDropout;
        public boolean mergeAdapter;
        public String lossType;
        public double beta;
        public double labelSmoothing;
        public double learningRate;
        public double weightDecay;
        public double warmupRatio;
        public double epochs;
        public int maxSteps;
        public int batchSize;
        public int evalBatchSize;
        public int gradAccum;
        public int maxLength;
        public int maxPromptLength;
        public double maxGradNorm;
        public String precision;
        public boolean gradientCheckpointing;
        public int seed;
        public int loggingSteps;
        public int evalSteps;
        public int saveSteps;
        public double evalFraction;
        public boolean precomputeReference;
        public String device;

        public TrainingConfig build() {
            return new TrainingConfig(method, loraR, loraAlpha, loraDropout, mergeAdapter, lossType, beta, labelSmoothing, learningRate, weightDecay, warmupRatio, epochs, maxSteps, batchSize, evalBatchSize, gradAccum, maxLength, maxPromptLength, maxGradNorm, precision, gradientCheckpointing, seed, loggingSteps, evalSteps, saveSteps, evalFraction, precomputeReference, device);
        }
    }
}
