package dev.prefwork.app.ui.task;

import dev.prefwork.core.Progress;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.util.Duration;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Runs {@link BackgroundTask}s as JavaFX {@link Task}s on daemon worker threads. Each job's {@link Progress}
 * feeds the task's progress and message through a {@link ProgressTracker} (throttled, with an ETA); cancelling
 * the task (the task list's cancel button) makes {@code Progress.isCancelled()} true and never interrupts the
 * job's thread (see {@link ProgressTask}). Tasks that are not quiet
 * appear in the {@link TaskMonitor} once they have run for {@code showAfter}, so instant jobs don't flicker.
 */
public final class FxTaskExecutor implements TaskExecutor, AutoCloseable {

    private static final java.time.Duration UPDATE_INTERVAL = java.time.Duration.ofMillis(100);

    private final ExecutorService pool;
    private final TaskMonitor monitor;
    private final BiConsumer<String, Throwable> defaultErrorHandler;
    private final Duration showAfter;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param defaultErrorHandler gets (task title, error) for failures the task does not handle itself
     * @param showAfter           how long a task runs before it is listed (zero: at once)
     */
    public FxTaskExecutor(TaskMonitor monitor, BiConsumer<String, Throwable> defaultErrorHandler, Duration showAfter) {
        this.monitor = monitor;
        this.defaultErrorHandler = defaultErrorHandler;
        this.showAfter = showAfter;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "prefwork-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newCachedThreadPool(threads);
    }

    @Override
    public <V> TaskHandle execute(BackgroundTask<V> task) {
        ProgressTask<V> fx = new ProgressTask<>(task);
        inFlight.incrementAndGet();
        fx.setOnSucceeded(e -> finish(fx, () -> task.succeeded(fx.getValue())));
        fx.setOnCancelled(e -> finish(fx, task::cancelled));
        fx.setOnFailed(e -> finish(fx, () -> {
            Throwable error = fx.getException();
            if (ErrorMessages.root(error) instanceof Progress.Cancelled) {
                task.cancelled();
            } else if (!task.failed(error)) {
                defaultErrorHandler.accept(task.title(), error);
            }
        }));
        runOnFx(() -> {
            monitor.started();
            if (!task.isQuiet()) {
                if (showAfter.lessThanOrEqualTo(Duration.ZERO)) {
                    monitor.show(fx);
                } else {
                    PauseTransition delay = new PauseTransition(showAfter);
                    delay.setOnFinished(e -> monitor.show(fx));
                    delay.play();
                }
            }
        });
        pool.execute(fx);
        return new TaskHandle() {
            @Override public void cancel() { runOnFx(() -> fx.cancel()); }
            @Override public boolean isDone() { return fx.isDone(); }
        };
    }

    private void finish(Task<?> fx, Runnable callback) {
        try {
            monitor.finished(fx);
            callback.run();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Tasks started and not yet through their callbacks (tests wait for zero). */
    public int inFlight() {
        return inFlight.get();
    }

    public TaskMonitor monitor() {
        return monitor;
    }

    private static void runOnFx(Runnable r) {
        if (Platform.isFxApplicationThread()) r.run();
        else Platform.runLater(r);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A JavaFX task running one job, with the job's progress adapted through a {@link ProgressTracker}.
     *
     * <p>Cancelling never interrupts the job's thread: it asks the job to stop ({@link Progress#isCancelled()} turns
     * true; the job throws {@link Progress.Cancelled} at its next safe point, after rolling back what it started) and
     * the task stays running until it has. An interrupt would land in H2's file I/O sooner or later, and an
     * interrupted {@code FileChannel} is closed for good: H2 then closes the whole workspace, and every later
     * judgment fails to save until it is reopened (the reliability tests saw it when an import was cancelled).
     */
    static final class ProgressTask<V> extends Task<V> {
        private final BackgroundTask<V> task;
        private volatile boolean stopRequested;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (isDone()) return false;
            stopRequested = true;
            // not started yet: it never will; running: it stops itself (no interrupt either way)
            return getState() == State.RUNNING || super.cancel(false);
        }

        ProgressTask(BackgroundTask<V> task) {
            this.task = task;
            updateTitle(task.title());
            updateMessage("Starting…");
        }

        @Override
        protected V call() throws Exception {
            ProgressTracker tracker = new ProgressTracker(System::nanoTime, UPDATE_INTERVAL);
            Progress progress = new Progress() {
                @Override
                public void update(long done, long total, String message) {
                    ProgressTracker.Snapshot s;
                    synchronized (tracker) {
                        s = tracker.update(done, total, message);
                    }
                    if (s == null) return;
                    if (s.fraction() >= 0) updateProgress(s.done(), s.total());
                    else updateProgress(-1, -1);
                    updateMessage(s.text());
                }

                @Override
                public boolean isCancelled() {
                    return stopRequested || ProgressTask.this.isCancelled();
                }
            };
            updateMessage("Working…");
            return task.work().run(progress);
        }
    }
}
