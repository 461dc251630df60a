package dev.prefwork.app.ui.task;

/** Runs {@link BackgroundTask}s. The workbench uses {@link FxTaskExecutor}; view-model tests {@link CurrentThreadTaskExecutor}. */
public interface TaskExecutor {

    <V> TaskHandle execute(BackgroundTask<V> task);

    /** What a caller keeps of a started task: a way to stop it. */
    interface TaskHandle {
        void cancel();

        boolean isDone();

        TaskHandle DONE = new TaskHandle() {
            @Override public void cancel() { }
            @Override public boolean isDone() { return true; }
        };
    }
}
