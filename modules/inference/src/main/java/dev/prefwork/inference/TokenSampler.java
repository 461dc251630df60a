package dev.prefwork.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from a row of logits: argmax, or temperature + top-p (nucleus) sampling. */
final class TokenSampler {

    private TokenSampler() {
    }

    /** The generator of sequence {@code row} of a call with {@code seed}: independent streams per row, fixed per seed. */
    static SplittableRandom random(long seed, int row) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + row * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
    }

    /** The first index of the largest value (torch.argmax's tie rule). */
    static int argmax(float[] logits, int from, int length) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float v = logits[from + i];
            if (v > max) {
                max = v;
                best = i;
            }
        }
        return best;
    }

    /**
     * Samples from softmax(logits / temperature) restricted to the nucleus: the most probable tokens whose
     * probabilities sum to at least {@code topP}.
     */
    static int sample(float[] logits, int from, int length, double temperature, double topP, SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) max = Math.max(max, logits[from + i]);
        double[] p = new double[length];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            p[i] = Math.exp((logits[from + i] - max) / temperature);
            sum += p[i];
        }
        if (topP >= 1) return draw(p, null, length, sum, random);
        // Sort by probability, descending, as (inverted probability bits, index) pairs: a primitive sort.
        long[] order = new long[length];
        for (int i = 0; i < length; i++) {
            order[i] = ((long) Float.floatToIntBits((float) (p[i] / sum)) ^ 0x7fffffffL) << 32 | i;
        }
        Arrays.sort(order);
        int[] kept = new int[length];
        int k = 0;
        double mass = 0, keptSum = 0;
        while (k < length && mass < topP) {
            int index = (int) order[k];
            kept[k++] = index;
            mass += p[index] / sum;
            keptSum += p[index];
        }
        return draw(p, kept, k, keptSum, random);
    }

    private static int draw(double[] p, int[] indices, int count, double total, SplittableRandom random) {
        double u = random.nextDouble() * total;
        for (int j = 0; j < count; j++) {
            int i = indices == null ? j : indices[j];
            u -= p[i];
            if (u < 0) return i;
        }
        return indices == null ? count - 1 : indices[count - 1];
    }
}
