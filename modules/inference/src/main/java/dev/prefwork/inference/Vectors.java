package dev.prefwork.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small vector helpers: L2 normalisation, cosine, and the cache's float32 little-endian encoding. */
public final class Vectors {

    private Vectors() { }

    /** Scales {@code v} to unit length in place (a zero vector stays zero); returns it. */
    public static float[] normalize(float[] v) {
        double sq = 0;
        for (float x : v) sq += (double) x * x;
        if (sq > 0) {
            float inv = (float) (1.0 / Math.sqrt(sq));
            for (int i = 0; i < v.length; i++) v[i] *= inv;
        }
        return v;
    }

    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Cosine similarity; for the unit vectors the models return it equals {@link #dot}. */
    public static double cosine(float[] a, float[] b) {
        double na = dot(a, a), nb = dot(b, b);
        if (na == 0 || nb == 0) return 0;
        return dot(a, b) / Math.sqrt(na * nb);
    }

    /** float32 little-endian, 4 bytes per dimension: what the embedding cache stores. */
    public static byte[] toBytes(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        return bb.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) throw new IllegalArgumentException("not a float32 vector: " + bytes.length + " bytes");
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
