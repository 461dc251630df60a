package dev.prefwork.inference;

import java.util.List;

/**
 * A sentence-embedding model: texts in, unit-length vectors out (so a dot product is the cosine).
 * Implementations own native resources (an ONNX Runtime session, a tokenizer): close them.
 */
public interface EmbeddingModel extends AutoCloseable {

    /** Stable id of the model and of every setting that changes its vectors; the cache is keyed by it. */
    String id();

    /** Length of every vector this model returns. */
    int dimension();

    /** One L2-normalised vector per text, in the order given. Thread-safe. */
    float[][] embed(List<String> texts);

    /** The device the model runs on, and why it is not the one asked for when it is not. */
    DeviceStatus deviceStatus();

    @Override
    void close();
}
