package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.inference.DeviceChoice;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A causal LM exported to ONNX (optimum layout: {@code model.onnx}, {@code tokenizer.json},
 * {@code generation_config.json}), run in this process.
 *
 * @param modelDir  the folder
 * @param modelName stored on every candidate; blank means the folder's name
 * @param device    CPU, or GPU (CUDA; falls back to the CPU with a message)
 * @param useCache  feed the KV cache back when the export has one (false: recompute the sequence every step)
 * @param threads   ONNX Runtime threads; 0 = every core
 */
public record OnnxConfig(Path modelDir, String modelName, DeviceChoice device, boolean useCache, int threads) implements BackendConfig {

    public static final String KIND = "onnx";

    public OnnxConfig {
        if (modelDir == null) throw new InputException(null, 0, "model-dir", "choose the folder of an ONNX model");
        modelDir = modelDir.toAbsolutePath().normalize();
        modelName = modelName == null || modelName.isBlank()
                ? (modelDir.getFileName() == null ? modelDir.toString() : modelDir.getFileName().toString()) : modelName.strip();
        if (device == null) device = DeviceChoice.CPU;
        if (threads < 0) throw new InputException(null, 0, "threads", "must be 0 (every core) or more, was " + threads);
    }

    public static OnnxConfig of(Path modelDir) {
        return new OnnxConfig(modelDir, null, DeviceChoice.CPU, true, 0);
    }

    @Override
    public String kind() { return KIND; }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("kind", KIND);
        o.put("model_dir", modelDir.toString());
        o.put("model", modelName);
        o.put("device", device.name().toLowerCase(Locale.ROOT));
        o.put("kv_cache", useCache);
        o.put("threads", threads);
        return o;
    }

    public static OnnxConfig fromJson(JsonNode o) {
        return new OnnxConfig(Path.of(o.path("model_dir").asText()), o.path("model").asText(null),
                o.path("device").asText("cpu").equals("gpu") ? DeviceChoice.GPU : DeviceChoice.CPU,
                o.path("kv_cache").asBoolean(true), o.path("threads").asInt(0));
    }
}
