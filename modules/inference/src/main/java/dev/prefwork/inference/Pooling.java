package dev.prefwork.inference;

/** How one window's token vectors become one vector. */
public enum Pooling {
    /** Mean over the tokens the attention mask keeps (sentence-transformers models: MiniLM, e5). */
    MEAN,
    /** The first token's vector ([CLS]; bge models). */
    CLS;

    /**
     * Pools {@code hidden} ({@code [batch, tokens, dim]}, row-major) into one L2-normalised vector per row.
     * Shared by the DJL translator and the benchmark's bare ONNX Runtime baseline so both do the same work.
     */
    public float[][] pool(float[] hidden, long[] mask, int batch, int tokens, int dim) {
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            float[] v = out[b];
            int base = b * tokens * dim;
            if (this == CLS) {
                System.arraycopy(hidden, base, v, 0, dim);
            } else {
                int kept = 0;
                for (int t = 0; t < tokens; t++) {
                    if (mask[b * tokens + t] == 0) continue;
                    kept++;
                    int off = base + t * dim;
                    for (int d = 0; d < dim; d++) v[d] += hidden[off + d];
                }
                float inv = 1f / Math.max(kept, 1);
                for (int d = 0; d < dim; d++) v[d] *= inv;
            }
            Vectors.normalize(v);
        }
        return out;
    }
}
