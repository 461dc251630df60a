package dev.prefwork.reward.train;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Row chunks of a fixed size, run in parallel on the common pool. The chunking depends only on the number of
 * rows, never on the number of threads, and partial sums are combined in chunk order afterwards, so a fit gives
 * bit-identical results on any machine and in any run.
 */
final class Chunks {

    /** Rows per chunk: large enough to amortise the task, small enough to spread 50K rows over the cores. */
    static final int ROWS = 4096;

    private Chunks() {
    }

    static int count(int rows) {
        return Math.max(1, (rows + ROWS - 1) / ROWS);
    }

    static int start(int chunk) {
        return chunk * ROWS;
    }

    static int end(int chunk, int rows) {
        return Math.min(rows, (chunk + 1) * ROWS);
    }

    static void forEach(int rows, IntConsumer chunkBody) {
        int chunks = count(rows);
        if (chunks == 1) chunkBody.accept(0);
        else IntStream.range(0, chunks).parallel().forEach(chunkBody);
    }
}
