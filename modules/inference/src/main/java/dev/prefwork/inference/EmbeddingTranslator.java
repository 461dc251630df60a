package dev.prefwork.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

import java.nio.LongBuffer;
import java.util.List;

/**
 * Turns a batch of token windows into one padded batch of named int64 tensors ({@code input_ids},
 * {@code attention_mask}, and {@code token_type_ids} when the model takes it) and the model's
 * {@code [batch, tokens, dim]} output back into one L2-normalised vector per window. DJL's ONNX Runtime
 * engine cannot pool (its NDArray has no reductions), so pooling is plain Java ({@link Pooling#pool}).
 * Models whose output is already pooled ({@code [batch, dim]}) are normalised only.
 *
 * <p>Batchified: {@link #batchProcessInput} pads to the longest window of the batch, not to a fixed length,
 * which is why callers group windows of similar length (less padding, fewer wasted FLOPs and, for the int8
 * model, smaller shifts from padding).
 */
final class EmbeddingTranslator implements Translator<TokenWindow, float[]> {

    private static final String MASK_KEY = "attention_mask";

    private final List<String> inputNames;
    private final Pooling pooling;

    EmbeddingTranslator(List<String> inputNames, Pooling pooling) {
        this.inputNames = inputNames;
        this.pooling = pooling;
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
        PaddedBatch batch = PaddedBatch.of(inputs);
        ctx.setAttachment(MASK_KEY, batch);
        return batch.toNDList(ctx.getNDManager(), inputNames);
    }

    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        PaddedBatch batch = (PaddedBatch) ctx.getAttachment(MASK_KEY);
        NDArray out = list.get(0);
        Shape shape = out.getShape();
        float[] values = out.toFloatArray();
        if (shape.dimension() == 2) {
            int dim = (int) shape.get(1);
            float[][] rows = new float[batch.size()][dim];
            for (int b = 0; b < rows.length; b++) {
                System.arraycopy(values, b * dim, rows[b], 0, dim);
                Vectors.normalize(rows[b]);
            }
            return List.of(rows);
        }
        if (shape.dimension() != 3) {
            throw new ModelLoadException("expected the model's first output to be [batch, tokens, dim] or [batch, dim], got " + shape);
        }
        return List.of(pooling.pool(values, batch.mask(), batch.size(), (int) shape.get(1), (int) shape.get(2)));
    }

    /** Right-padded ids, type ids and mask of one batch, row-major {@code [size, tokens]}. */
    record PaddedBatch(int size, int tokens, long[] ids, long[] typeIds, long[] mask) {

        static PaddedBatch of(List<TokenWindow> inputs) {
            int size = inputs.size();
            int tokens = 1;
            for (TokenWindow w : inputs) tokens = Math.max(tokens, w.length());
            long[] ids = new long[size * tokens];
            long[] types = new long[size * tokens];
            long[] mask = new long[size * tokens];
            for (int b = 0; b < size; b++) {
                TokenWindow w = inputs.get(b);
                System.arraycopy(w.ids(), 0, ids, b * tokens, w.length());
                System.arraycopy(w.typeIds(), 0, types, b * tokens, w.length());
                for (int t = 0; t < w.length(); t++) mask[b * tokens + t] = 1;
            }
            return new PaddedBatch(size, tokens, ids, types, mask);
        }

        /** Named tensors in the model's input order; inputs the model does not declare are left out. */
        NDList toNDList(NDManager manager, List<String> inputNames) {
            Shape shape = new Shape(size, tokens);
            NDList list = new NDList(inputNames.size());
            for (String name : inputNames) {
                long[] data = switch (name) {
                    case "input_ids" -> ids;
                    case "attention_mask" -> mask;
                    case "token_type_ids" -> typeIds;
                    default -> throw new ModelLoadException("the model asks for an input named '" + name
                            + "'; only input_ids, attention_mask and token_type_ids are supported");
                };
                NDArray array = manager.create(LongBuffer.wrap(data), shape, DataType.INT64);
                array.setName(name);
                list.add(array);
            }
            return list;
        }
    }
}
