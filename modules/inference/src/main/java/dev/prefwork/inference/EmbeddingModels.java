package dev.prefwork.inference;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the embedding model a setting or a {@code --model} option names. */
public final class EmbeddingModels {

    /** The names that mean the bundled model. */
    public static final String BUNDLED = "bundled";

    private EmbeddingModels() { }

    /**
     * {@code null}, empty, {@value #BUNDLED} or {@value OnnxEmbeddingModel#BUNDLED_ID}: the bundled MiniLM;
     * anything else: a folder holding {@code model.onnx} and {@code tokenizer.json}, used with mean pooling.
     */
    public static EmbeddingModel open(String model, InferenceSettings settings) {
        if (model == null || model.isBlank() || model.equals(BUNDLED) || model.equals(OnnxEmbeddingModel.BUNDLED_ID)) {
            return OnnxEmbeddingModel.bundledMiniLm(settings);
        }
        Path folder = Path.of(model);
        if (!Files.isDirectory(folder)) {
            throw new ModelLoadException("'" + model + "' is neither '" + BUNDLED + "' nor a folder with model.onnx and tokenizer.json");
        }
        return OnnxEmbeddingModel.fromFolder(folder, settings);
    }
}
