package dev.prefwork.app.ui.workspace;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.core.InputException;
import dev.prefwork.core.WorkspaceStats;
import dev.prefwork.store.Workspace;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The open workspace and the switching between workspaces. Opening (migrations, building the demo) runs as a
 * background task; the previous workspace is closed once the new one is open. Other view models observe
 * {@link #workspaceProperty()} and {@link #dataVersionProperty()} (bumped whenever the workspace's data changed,
 * e.g. after an import) and reload what they show.
 */
public final class WorkspaceService implements AutoCloseable {

    public enum State { NONE, OPENING, OPEN }

    private final AppPaths paths;
    private final SettingsStore settings;
    private final TaskExecutor executor;
    private final Notifier notifier;

    private final ReadOnlyObjectWrapper<Workspace> workspace = new ReadOnlyObjectWrapper<>(this, "workspace");
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.NONE);
    private final ReadOnlyIntegerWrapper dataVersion = new ReadOnlyIntegerWrapper(this, "dataVersion");
    private final ReadOnlyIntegerWrapper goldVersion = new ReadOnlyIntegerWrapper(this, "goldVersion");
    private final java.util.List<java.util.function.Consumer<Workspace>> beforeClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ReadOnlyObjectWrapper<WorkspaceStats.Counts> counts = new ReadOnlyObjectWrapper<>(this, "counts");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();

    public WorkspaceService(AppPaths paths, SettingsStore settings, TaskExecutor executor, Notifier notifier) {
        this.paths = paths;
        this.settings = settings;
        this.executor = executor;
        this.notifier = notifier;
        recent.setAll(settings.recentWorkspaces());
    }

    public ReadOnlyObjectProperty<Workspace> workspaceProperty() { return workspace.getReadOnlyProperty(); }

    public Workspace workspace() { return workspace.get(); }

    public ReadOnlyObjectProperty<State> stateProperty() { return state.getReadOnlyProperty(); }

    /** Bumped when the open workspace's data changed (import, labels): lists reload. */
    public ReadOnlyIntegerProperty dataVersionProperty() { return dataVersion.getReadOnlyProperty(); }

    /**
     * Bumped when the expert's gold changed in bulk or after a labelling stretch (the Compare step calls
     * {@link #goldChanged()} when the expert leaves it): lists that show "labelled" reload, the counts refresh.
     */
    public ReadOnlyIntegerProperty goldVersionProperty() { return goldVersion.getReadOnlyProperty(); }

    /**
     * Runs {@code hook} with a workspace just before it is closed (switching workspaces, exit), on the thread that
     * closes it: where the Compare step writes its last judgments and ends its labelling session.
     */
    public void addBeforeClose(java.util.function.Consumer<Workspace> hook) {
        beforeClose.add(hook);
    }

    private void runBeforeClose(Workspace ws) {
        for (var hook : beforeClose) {
            try {
                hook.accept(ws);
            } catch (RuntimeException e) {
                System.err.println("prefwork: while closing " + ws.dir() + ": " + e);
            }
        }
    }

    /** Counts for the status bar; null until computed. */
    public ReadOnlyObjectProperty<WorkspaceStats.Counts> countsProperty() { return counts.getReadOnlyProperty(); }

    /** Recently opened workspaces, most recent first. */
    public ObservableList<Path> recent() { return recent; }

    public AppPaths paths() { return paths; }

    /** The name shown in the top bar: the folder's name. */
    public static String displayName(Path dir) {
        Path name = dir.getFileName();
        return name == null ? dir.toString() : name.toString();
    }

    /** Opens a folder that already holds a workspace. */
    public void openExisting(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        open("Opening workspace " + displayName(abs), abs, p -> {
            if (!Workspace.exists(abs)) {
                throw new InputException(abs + " is not a Prefwork workspace (it has no " + Workspace.DB_NAME
                        + ".mv.db); use New workspace… to make one there");
            }
            return Workspace.open(abs);
        });
    }

    /** Makes a new, empty workspace in {@code dir} (a folder that does not exist yet or is empty). */
    public void create(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        open("Creating workspace " + displayName(abs), abs, p -> {
            if (Workspace.exists(abs)) return Workspace.open(abs);
            if (Files.isDirectory(abs) && !isEmptyDir(abs)) {
                throw new InputException(abs + " is not empty; choose a new or empty folder for a new workspace");
            }
            if (Files.exists(abs) && !Files.isDirectory(abs)) {
                throw new InputException(abs + " is a file; choose a folder for a new workspace");
            }
            return Workspace.open(abs);
        });
    }

    /** Opens the demo workspace, building it from the bundled data on first use. */
    public void openDemo() {
        Path dir = paths.demoWorkspace().toAbsolutePath().normalize();
        open("Opening the demo workspace", dir, p -> DemoWorkspace.openOrCreate(dir, p));
    }

    /**
     * What the workbench opens at start: {@code requested} (a workspace, or a new/empty folder to make one in);
     * without it the most recent workspace that still exists, else the demo workspace.
     */
    public void openAtStart(Path requested) {
        if (requested != null) {
            if (Workspace.exists(requested)) openExisting(requested);
            else create(requested);
            return;
        }
        for (Path p : recent) {
            if (Workspace.exists(p)) {
                openExisting(p);
                return;
            }
        }
        openDemo();
    }

    private void open(String title, Path dir, BackgroundTask.Work<Workspace> opener) {
        Workspace current = workspace.get();
        if (current != null && current.dir().equals(dir)) return;
        if (state.get() == State.OPENING) {
            notifier.info("Please wait", "Another workspace is still opening.");
            return;
        }
        state.set(State.OPENING);
        executor.execute(BackgroundTask.of(title, opener)
                .onSuccess(this::switchTo)
                .onFailure(e -> {
                    state.set(workspace.get() == null ? State.NONE : State.OPEN);
                    notifier.error("Could not open " + dir, e);
                }));
    }

    private void switchTo(Workspace ws) {
        Workspace old = workspace.get();
        workspace.set(ws);
        counts.set(null);
        state.set(State.OPEN);
        settings.addRecent(ws.dir());
        recent.setAll(settings.recentWorkspaces());
        dataChanged();
        if (old != null) {
            executor.execute(BackgroundTask.of("Closing workspace " + displayName(old.dir()), p -> {
                runBeforeClose(old);
                old.close();
                return null;
            }).quiet().onFailure(e -> { }));
        }
    }

    /** Forgets a recent entry (the folder was moved or deleted). */
    public void forgetRecent(Path dir) {
        settings.removeRecent(dir);
        recent.setAll(settings.recentWorkspaces());
    }

    public void clearRecent() {
        settings.clearRecent();
        recent.setAll(settings.recentWorkspaces());
    }

    /** Tells the views that show gold (labelled marks, counts) that it changed, and recounts. */
    public void goldChanged() {
        goldVersion.set(goldVersion.get() + 1);
        refreshCounts();
    }

    /** Tells every view that the workspace's data changed, and recounts. */
    public void dataChanged() {
        dataVersion.set(dataVersion.get() + 1);
        refreshCounts();
    }

    public void refreshCounts() {
        Workspace ws = workspace.get();
        if (ws == null) {
            counts.set(null);
            return;
        }
        executor.execute(BackgroundTask.of("Counting", p -> ws.stats().compute().total())
                .quiet()
                .onSuccess(c -> {
                    if (workspace.get() == ws) counts.set(c);
                })
                .onFailure(e -> {
                    if (workspace.get() == ws) notifier.error("Could not count the workspace's data", e);
                }));
    }

    private static boolean isEmptyDir(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the open workspace (on exit). */
    @Override
    public void close() {
        Workspace ws = workspace.get();
        workspace.set(null);
        state.set(State.NONE);
        if (ws != null) {
            runBeforeClose(ws);
            ws.close();
        }
    }
}
