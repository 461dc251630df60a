package dev.prefwork.inference;

import ai.djl.inference.Predictor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * DJL predictors are not thread-safe, so each caller borrows one for the duration of a call. Predictors are
 * created on first need, reused afterwards and all closed with the pool (each holds native memory).
 */
final class PredictorPool<I, O> implements AutoCloseable {

    /** A borrowed predictor; closing the lease returns it to the pool. */
    final class Lease implements AutoCloseable {
        private final Predictor<I, O> predictor;
        private boolean returned;

        private Lease(Predictor<I, O> predictor) { this.predictor = predictor; }

        Predictor<I, O> predictor() { return predictor; }

        @Override
        public void close() {
            if (returned) return;
            returned = true;
            synchronized (PredictorPool.this) {
                if (closed) predictor.close();
                else idle.add(predictor);
            }
        }
    }

    private final Supplier<Predictor<I, O>> factory;
    private final ConcurrentLinkedQueue<Predictor<I, O>> idle = new ConcurrentLinkedQueue<>();
    private final List<Predictor<I, O>> created = new ArrayList<>();
    private boolean closed;

    PredictorPool(Supplier<Predictor<I, O>> factory) {
        this.factory = factory;
    }

    synchronized Lease borrow() {
        if (closed) throw new IllegalStateException("the model is closed");
        Predictor<I, O> p = idle.poll();
        if (p == null) {
            p = factory.get();
            created.add(p);
        }
        return new Lease(p);
    }

    /** Number of predictors made so far (tests check that they are reused). */
    synchronized int created() {
        return created.size();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // Predictors still lent out are closed when their lease is returned.
        Predictor<I, O> p;
        while ((p = idle.poll()) != null) p.close();
    }
}
