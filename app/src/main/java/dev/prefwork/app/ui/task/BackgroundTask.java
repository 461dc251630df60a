package dev.prefwork.app.ui.task;

import dev.prefwork.core.Progress;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A description of one piece of background work: what it is called, what it does with a {@link Progress}, and
 * what happens afterwards on the UI thread. A {@link TaskExecutor} runs it; view models build these and never
 * touch threads themselves, so a {@link CurrentThreadTaskExecutor} makes them deterministic in tests.
 *
 * <p>Callbacks run on the JavaFX application thread under {@link FxTaskExecutor}. A failure without an
 * {@link #onFailure} handler goes to the executor's default error handler (an error dialog in the workbench).
 * A job that throws {@link Progress.Cancelled}, or is cancelled from the task list, ends in {@link #onCancelled}.
 */
public final class BackgroundTask<V> {

    /** The work itself; runs off the UI thread and must not touch JavaFX nodes or properties bound to them. */
    @FunctionalInterface
    public interface Work<V> {
        V run(Progress progress) throws Exception;
    }

    private final String title;
    private final Work<V> work;
    private Consumer<? super V> onSuccess = v -> { };
    private Consumer<Throwable> onFailure;
    private Runnable onCancelled = () -> { };
    private Runnable onFinished = () -> { };
    private boolean quiet;

    private BackgroundTask(String title, Work<V> work) {
        this.title = Objects.requireNonNull(title);
        this.work = Objects.requireNonNull(work);
    }

    public static <V> BackgroundTask<V> of(String title, Work<V> work) {
        return new BackgroundTask<>(title, work);
    }

    /** Called with the result on the UI thread. */
    public BackgroundTask<V> onSuccess(Consumer<? super V> handler) {
        this.onSuccess = Objects.requireNonNull(handler);
        return this;
    }

    /** Replaces the executor's default error report (the handler then decides how the user learns of it). */
    public BackgroundTask<V> onFailure(Consumer<Throwable> handler) {
        this.onFailure = Objects.requireNonNull(handler);
        return this;
    }

    public BackgroundTask<V> onCancelled(Runnable handler) {
        this.onCancelled = Objects.requireNonNull(handler);
        return this;
    }

    /** Called after success, failure or cancellation, on the UI thread. */
    public BackgroundTask<V> onFinished(Runnable handler) {
        this.onFinished = Objects.requireNonNull(handler);
        return this;
    }

    /** A short query (a page of rows, counts) that is not worth a line in the task list. */
    public BackgroundTask<V> quiet() {
        this.quiet = true;
        return this;
    }

    public String title() { return title; }

    public Work<V> work() { return work; }

    public boolean isQuiet() { return quiet; }

    void succeeded(V value) {
        try {
            onSuccess.accept(value);
        } finally {
            onFinished.run();
        }
    }

    /** @return false when the task has no failure handler of its own (the executor reports it then) */
    boolean failed(Throwable error) {
        try {
            if (onFailure == null) return false;
            onFailure.accept(error);
            return true;
        } finally {
            onFinished.run();
        }
    }

    void cancelled() {
        try {
            onCancelled.run();
        } finally {
            onFinished.run();
        }
    }
}
