package dev.prefwork.generation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.inference.CausalLmOptions;
import dev.prefwork.inference.CausalLmOutput;
import dev.prefwork.inference.DeviceStatus;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.ModelLoadException;
import dev.prefwork.inference.OnnxCausalLm;
import dev.prefwork.inference.PromptTooLongException;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Candidates from a causal LM run in this process ({@link OnnxCausalLm}): a prompt's n candidates are one batch.
 * Without a seed in the parameters each prompt draws a random one, recorded with its candidates, so any of them
 * can be made again.
 */
public final class OnnxBackend implements GenerationBackend {

    private static final SecureRandom SEEDS = new SecureRandom();

    private final OnnxConfig config;
    private final OnnxCausalLm lm;

    private OnnxBackend(OnnxConfig config, OnnxCausalLm lm) {
        this.config = config;
        this.lm = lm;
    }

    /** Loads the model; {@code dataDir} holds DJL's cache (the user data folder). */
    public static OnnxBackend open(OnnxConfig config, Path dataDir) {
        InferenceSettings settings = InferenceSettings.defaults(dataDir).withDevice(config.device()).withThreads(config.threads());
        try {
            return new OnnxBackend(config, OnnxCausalLm.fromFolder(config.modelDir(), settings));
        } catch (ModelLoadException e) {
            throw new GenerationException(GenerationException.Kind.MODEL, e.getMessage(), e);
        }
    }

    public OnnxConfig config() { return config; }

    /** Where the model runs, and why on the CPU when the GPU was asked for. */
    public DeviceStatus deviceStatus() { return lm.deviceStatus(); }

    /** True when decoding feeds the KV cache back (the export has one and it is not switched off). */
    public boolean usesKvCache() { return lm.hasKvCache() && config.useCache(); }

    @Override
    public String kind() { return OnnxConfig.KIND; }

    @Override
    public String modelName() { return config.modelName(); }

    @Override
    public int concurrency() { return 1; }

    @Override
    public ObjectNode describe() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("backend", OnnxConfig.KIND);
        o.put("model_dir", config.modelDir().toString());
        o.put("onnx_sha256_prefix", lm.onnxSha256Prefix());
        o.put("device", lm.deviceStatus().used().name().toLowerCase(Locale.ROOT));
        o.put("kv_cache", usesKvCache());
        return o;
    }

    @Override
    public Generation generate(String prompt, GenerationParams params, BooleanSupplier cancelled) {
        long seed = params.seed() != null ? params.seed() : SEEDS.nextLong() >>> 1;
        CausalLmOptions options = new CausalLmOptions(params.maxTokens(), params.temperature(), params.topP(), params.stop(), seed,
                config.useCache());
        List<CausalLmOutput> outputs;
        try {
            outputs = lm.generate(prompt, options, params.n(), cancelled);
        } catch (PromptTooLongException e) {
            throw new GenerationException(GenerationException.Kind.PROMPT, e.getMessage(), e);
        } catch (ModelLoadException e) {
            throw new GenerationException(GenerationException.Kind.MODEL, e.getMessage(), e);
        }
        List<GeneratedText> out = new ArrayList<>(outputs.size());
        long tokens = 0;
        for (CausalLmOutput o : outputs) {
            out.add(new GeneratedText(o.text(), o.finishReason(), o.tokenIds().length, seed,
                    Map.of("prompt_tokens", Integer.toString(o.promptTokens()))));
            tokens += o.tokenIds().length;
        }
        return new Generation(out, tokens);
    }

    @Override
    public void close() {
        lm.close();
    }
}
