package dev.prefwork.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

import java.util.List;

/** Batches encoded (prompt, response) pairs like {@link EmbeddingTranslator} and returns each row of {@code logits [batch, classes]}. */
final class LogitsTranslator implements Translator<TokenWindow, float[]> {

    private final List<String> inputNames;

    LogitsTranslator(List<String> inputNames) {
        this.inputNames = inputNames;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TokenWindow input) {
        return batchProcessInput(ctx, List.of(input));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return batchProcessOutput(ctx, list).get(0);
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<TokenWindow> inputs) {
        return EmbeddingTranslator.PaddedBatch.of(inputs).toNDList(ctx.getNDManager(), inputNames);
    }

    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.get(0);
        Shape shape = out.getShape();
        if (shape.dimension() != 2) {
            throw new ModelLoadException("expected a sequence classifier's logits [batch, classes], got " + shape);
        }
        int rows = (int) shape.get(0), classes = (int) shape.get(1);
        float[] values = out.toFloatArray();
        float[][] result = new float[rows][classes];
        for (int r = 0; r < rows; r++) System.arraycopy(values, r * classes, result[r], 0, classes);
        return List.of(result);
    }
}
