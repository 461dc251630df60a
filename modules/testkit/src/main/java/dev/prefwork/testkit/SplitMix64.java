package dev.prefwork.testkit;

/**
 * A tiny, fully specified pseudo-random generator (SplitMix64, Steele et al. 2014). It is written out here
 * rather than taken from the JDK so a seed gives the same bytes on every JDK and platform, forever; the
 * floating-point helpers use {@link StrictMath} for the same reason (the JIT's {@code Math.log} intrinsics
 * may round differently from the interpreter).
 */
final class SplitMix64 {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** A well-mixed 64-bit value from {@code a} and {@code b}: independent streams per (seed, index). */
    static long mix(long a, long b) {
        return finalizer(finalizer(a + GOLDEN) ^ (b * GOLDEN + 0x632BE59BD9B4E019L));
    }

    private static long finalizer(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        return finalizer(state += GOLDEN);
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        // Lemire's multiply-shift; the bias for bounds this small (< 2^20 in practice) is far below 1e-12.
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [lo, hi]. */
    int between(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal (Box–Muller, one of the pair). */
    double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Log-normal with the given median and shape. */
    double logNormal(double median, double sigma) {
        return median * StrictMath.exp(sigma * nextGaussian());
    }

    <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }
}
