package dev.prefwork.app.ui.task;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The one task list of the workbench: every running task that is worth showing (not the quiet page loads),
 * with the most recent one as {@link #currentProperty()} for the status bar's progress bar. Updated on the
 * JavaFX thread only.
 */
public final class TaskMonitor {

    private final ObservableList<Task<?>> tasks = FXCollections.observableArrayList();
    private final ObservableList<Task<?>> readOnlyTasks = FXCollections.unmodifiableObservableList(tasks);
    private final ReadOnlyObjectWrapper<Task<?>> current = new ReadOnlyObjectWrapper<>(this, "current");
    private final ReadOnlyIntegerWrapper active = new ReadOnlyIntegerWrapper(this, "active");

    /** Running tasks shown in the task list, oldest first. */
    public ObservableList<Task<?>> tasks() {
        return readOnlyTasks;
    }

    /** The most recently started task still shown, or null. */
    public ReadOnlyObjectProperty<Task<?>> currentProperty() {
        return current.getReadOnlyProperty();
    }

    /** All running tasks, quiet ones included (the "busy" hint). */
    public ReadOnlyIntegerProperty activeProperty() {
        return active.getReadOnlyProperty();
    }

    void started() {
        active.set(active.get() + 1);
    }

    void show(Task<?> task) {
        if (task.isDone() || tasks.contains(task)) return;
        tasks.add(task);
        current.set(task);
    }

    void finished(Task<?> task) {
        active.set(Math.max(0, active.get() - 1));
        tasks.remove(task);
        if (current.get() == task) current.set(tasks.isEmpty() ? null : tasks.get(tasks.size() - 1));
    }
}
