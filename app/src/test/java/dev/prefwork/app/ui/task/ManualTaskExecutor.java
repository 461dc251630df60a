package dev.prefwork.app.ui.task;

import java.util.ArrayDeque;
import java.util.Deque;

/** Queues tasks and runs them (on the calling thread) only when the test says so. */
public final class ManualTaskExecutor implements TaskExecutor {

    private final Deque<BackgroundTask<?>> queue = new ArrayDeque<>();
    private final CurrentThreadTaskExecutor runner = new CurrentThreadTaskExecutor();

    @Override
    public <V> TaskHandle execute(BackgroundTask<V> task) {
        queue.add(task);
        return TaskHandle.DONE;
    }

    public int queued() {
        return queue.size();
    }

    /** Runs the oldest queued task. */
    public void runNext() {
        runner.execute(queue.removeFirst());
    }

    public void runAll() {
        while (!queue.isEmpty()) runNext();
    }
}
