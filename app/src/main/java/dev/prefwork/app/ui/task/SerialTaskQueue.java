package dev.prefwork.app.ui.task;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/**
 * Runs background writes one at a time, in the order they were submitted, on a {@link TaskExecutor}: "GOOD" then
 * "BAD" on the same candidate must reach the database in that order, and a session must exist before the
 * judgments that name it. Submitting never blocks; each job's callbacks run like any {@link BackgroundTask}'s.
 *
 * <p>{@link #drain} is for closing: it stops accepting work, waits for the job in flight and runs what is still
 * queued on the calling thread (without callbacks), so nothing acknowledged to the user is lost when a workspace
 * closes or the application exits.
 */
public final class SerialTaskQueue {

    private record Job<V>(BackgroundTask<V> task) {
    }

    private final TaskExecutor executor;
    private final BiConsumer<String, Throwable> unhandled;
    private final Object lock = new Object();
    private final Deque<Job<?>> queue = new ArrayDeque<>();
    /** A job has been handed to the executor and its callbacks have not run yet (UI-thread bookkeeping). */
    private boolean inFlight;
    /** A job was handed to the executor and its work has not returned yet (what {@link #drain} waits for). */
    private boolean running;
    private boolean closed;

    /** @param unhandled gets (title, error) for a failed job that has no failure handler of its own */
    public SerialTaskQueue(TaskExecutor executor, BiConsumer<String, Throwable> unhandled) {
        this.executor = executor;
        this.unhandled = unhandled;
    }

    /** Queues {@code task}; it runs after every task submitted before it. Ignored once {@link #drain}ed. */
    public <V> void submit(BackgroundTask<V> task) {
        synchronized (lock) {
            if (closed) return;
            queue.add(new Job<>(task));
        }
        pump();
    }

    /** Jobs queued or running. */
    public int pending() {
        synchronized (lock) {
            return queue.size() + (inFlight ? 1 : 0);
        }
    }

    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void pump() {
        Job<?> next;
        synchronized (lock) {
            if (inFlight || closed || queue.isEmpty()) return;
            next = queue.removeFirst();
            inFlight = true;
            // from here until its work returns: a worker may not have picked it up yet, and drain() must wait for it
            running = true;
        }
        run(next);
    }

    private <V> void run(Job<V> job) {
        BackgroundTask<V> t = job.task();
        BackgroundTask<V> wrapped = BackgroundTask.<V>of(t.title(), p -> {
            try {
                return t.work().run(p);
            } finally {
                synchronized (lock) {
                    running = false;
                    lock.notifyAll();
                }
            }
        });
        wrapped.onSuccess(v -> t.succeeded(v));
        wrapped.onFailure(e -> {
            if (!t.failed(e)) unhandled.accept(t.title(), e);
        });
        wrapped.onCancelled(t::cancelled);
        wrapped.onFinished(() -> {
            synchronized (lock) {
                inFlight = false;
            }
            pump();
        });
        if (t.isQuiet()) wrapped.quiet();
        executor.execute(wrapped);
    }

    /**
     * Stops accepting work, waits up to {@code timeoutMillis} for the job in flight to finish its work, then runs
     * the queued jobs' work here, in order (their callbacks are not called). Returns the first failure, or null.
     */
    public Throwable drain(long timeoutMillis) {
        Deque<Job<?>> rest;
        synchronized (lock) {
            closed = true;
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (running) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) break;
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            rest = new ArrayDeque<>(queue);
            queue.clear();
        }
        Throwable first = null;
        for (Job<?> job : rest) {
            try {
                job.task().work().run(dev.prefwork.core.Progress.NONE);
            } catch (Throwable e) {
                if (first == null) first = e;
            }
        }
        return first;
    }
}
