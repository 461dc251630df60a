package dev.prefwork.inference;

import ai.djl.translate.TranslateException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs batches on {@code parallelism} cores at once: each worker borrows its own predictor and runs whole
 * batches with one ONNX Runtime thread. Why not one run with several intra-op threads: those threads meet
 * at a barrier after each of the graph's ~300 operators, so when any of them is descheduled (the UI, H2 or
 * another job wants a core) every operator waits for it — measured on 2 shared cores, batches took about
 * twice as long that way. Independent runs never wait for each other.
 */
final class BatchRunner implements AutoCloseable {

    private final int parallelism;
    private final ExecutorService helpers;

    BatchRunner(String name, int parallelism) {
        this.parallelism = parallelism;
        AtomicInteger n = new AtomicInteger();
        this.helpers = parallelism <= 1 ? null : Executors.newFixedThreadPool(parallelism - 1, r -> {
            Thread t = new Thread(r, "prefwork-inference-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The outputs of each batch, in batch order; the calling thread is one of the workers. */
    List<List<float[]>> run(List<List<TokenWindow>> batches, PredictorPool<TokenWindow, float[]> pool) throws TranslateException {
        @SuppressWarnings("unchecked")
        List<float[]>[] results = new List[batches.size()];
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(parallelism, batches.size());
        List<Future<?>> started = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            started.add(helpers.submit(() -> {
                work(batches, pool, results, next);
                return null;
            }));
        }
        TranslateException failure = null;
        try {
            work(batches, pool, results, next);
        } catch (TranslateException | RuntimeException e) {
            next.set(batches.size()); // the others stop after their current batch
            failure = e instanceof TranslateException te ? te : new TranslateException(e);
        }
        for (Future<?> f : started) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof TranslateException te ? te : new TranslateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new TranslateException("interrupted", e);
            }
        }
        if (failure != null) throw failure;
        return List.of(results);
    }

    private static void work(List<List<TokenWindow>> batches, PredictorPool<TokenWindow, float[]> pool,
                             List<float[]>[] results, AtomicInteger next) throws TranslateException {
        try (PredictorPool<TokenWindow, float[]>.Lease lease = pool.borrow()) {
            for (int i = next.getAndIncrement(); i < batches.size(); i = next.getAndIncrement()) {
                results[i] = lease.predictor().batchPredict(batches.get(i));
            }
        }
    }

    @Override
    public void close() {
        if (helpers != null) helpers.shutdownNow();
    }
}
