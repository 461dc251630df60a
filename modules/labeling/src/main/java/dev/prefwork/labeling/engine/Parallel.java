package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work over row chunks on a few threads (one per core by default); the calling thread works too, so a
 * pool of one means "inline". Workers pull chunks from a shared counter, so a slow chunk (a long text, a
 * heavy regex) does not leave the other cores idle.
 */
final class Parallel implements AutoCloseable {

    interface Chunk {
        void run(int from, int to);
    }

    interface FloatAt {
        float at(int i);
    }

    static final int CHUNK = 2048;

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        AtomicInteger n = new AtomicInteger();
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads - 1, r -> {
            Thread t = new Thread(r, "lf-engine-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body} over [0, n) in chunks; rethrows the first failure; throws Cancelled when cancelled. */
    void forChunks(int n, int chunkSize, Progress progress, Chunk body) {
        int chunks = (n + chunkSize - 1) / chunkSize;
        if (chunks == 0) return;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            int c;
            while (failure.get() == null && !progress.isCancelled() && (c = next.getAndIncrement()) < chunks) {
                try {
                    body.run(c * chunkSize, Math.min(n, (c + 1) * chunkSize));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        int helpers = pool == null ? 0 : Math.min(threads - 1, chunks - 1);
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int i = 0; i < helpers; i++) futures.add(pool.submit(worker));
        worker.run();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, e);
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        if (t != null) throw new IllegalStateException(t);
        progress.checkCancelled();
    }

    float[] floats(int n, Progress progress, FloatAt f) {
        float[] out = new float[n];
        forChunks(n, CHUNK, progress, (a, b) -> {
            for (int i = a; i < b; i++) out[i] = f.at(i);
        });
        return out;
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
