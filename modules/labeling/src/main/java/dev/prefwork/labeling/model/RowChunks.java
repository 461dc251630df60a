package dev.prefwork.labeling.model;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Splits rows into fixed-size chunks processed in parallel (the common pool plus the caller: both cores on the
 * target machine). Chunk boundaries depend only on the row count, never on the thread count, and callers keep
 * per-chunk partial results that they combine in chunk order, so results are identical however chunks are
 * scheduled.
 */
final class RowChunks {

    private RowChunks() {
    }

    static int count(int rows, int chunkRows) {
        return (rows + chunkRows - 1) / chunkRows;
    }

    static void forEach(int chunks, IntConsumer body) {
        if (chunks == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, chunks).parallel().forEach(body);
        }
    }
}
