package dev.prefwork.app.ui.task;

import dev.prefwork.core.Progress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs each task at once on the calling thread, callbacks included, so a view model's state is final when
 * the call returns. Failures without a handler of their own are collected in {@link #errors()}.
 */
public final class CurrentThreadTaskExecutor implements TaskExecutor {

    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> titles = Collections.synchronizedList(new ArrayList<>());

    @Override
    public <V> TaskHandle execute(BackgroundTask<V> task) {
        titles.add(task.title());
        V value;
        try {
            value = task.work().run(Progress.NONE);
        } catch (Progress.Cancelled c) {
            task.cancelled();
            return TaskHandle.DONE;
        } catch (Throwable t) {
            if (!task.failed(t)) errors.add(t);
            return TaskHandle.DONE;
        }
        task.succeeded(value);
        return TaskHandle.DONE;
    }

    /** Failures that no task handled itself. */
    public List<Throwable> errors() {
        return errors;
    }

    /** Titles of every task run so far, in order. */
    public List<String> titles() {
        return titles;
    }
}
